"""Writing the people's view of the graph (:func:`tipgraph.project.project`) for other graph tools.

Formats (:data:`FORMATS`):

- ``graphml``: GraphML (networkx's writer): Cytoscape, yEd, Gephi, igraph;
- ``gexf``: GEXF 1.2 (networkx's writer): Gephi, with each node coloured by kind;
- ``dot``: Graphviz DOT, written here (every identifier quoted, C escapes): Graphviz, and anything
  reading DOT; :func:`read_network` reads it with pydot.

Attributes survive as plain values that every tool understands: ``names`` and ``articles`` become
strings joined with ``"; "``, ``facts`` and ``evidence`` JSON strings, booleans and numbers stay
what they are, None (a node without confidence) is left out. :func:`read_network` reads any of the
three back into the projection's shape (lists, dicts, None; edge key = relation).

The bytes are the same on every run for the same graph (GEXF's ``lastmodifieddate`` is left
out), and the file is written to a temporary file in the target directory and moved into place:
a failed write leaves no partial file.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from pathlib import Path
from typing import Any

import networkx as nx

from .errors import ExportError
from .export import write_atomically
from .project import EMPHASIS_COLOUR, KIND_COLOURS, KIND_SHAPES_DOT

__all__ = ["FORMATS", "LIST_SEPARATOR", "write_network", "network_bytes", "read_network",
           "format_for"]

FORMATS: dict[str, str] = {
    "graphml": "GraphML (Cytoscape, yEd, Gephi)",
    "gexf": "GEXF 1.2 (Gephi)",
    "dot": "Graphviz DOT",
}
"""Network exchange formats and what reads them."""

LIST_SEPARATOR = "; "
"""How list attributes (names, articles) are joined."""

_JSON_ATTRIBUTES = ("facts", "evidence")
_LIST_ATTRIBUTES = ("names", "articles")
_NODE_ORDER = ("kind", "type", "label", "names", "articles", "facts", "evidence", "confidence")
_EDGE_ORDER = ("relation", "emphasis", "articles")
# attributes the writers add for the drawing tools, dropped again by read_network
_STYLE_NODE = {"viz", "shape", "style", "fillcolor", "color", "fontname", "fontsize"}
_STYLE_EDGE = {"color", "style", "penwidth", "label", "key", "networkx_key", "id"}


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """``fmt`` checked, or the format of ``path``'s extension; ExportError when unknown."""
    key = (fmt or Path(path).suffix.lstrip(".")).lower()
    if key == "gv":
        key = "dot"
    if key not in FORMATS:
        raise ExportError(f"unknown network format {key or '(none)'!r}; formats: "
                          f"{', '.join(FORMATS)}", path=path)
    return key


# ------------------------------------------------------------------------------------------------
# Flattening attributes
# ------------------------------------------------------------------------------------------------

def _flat_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _JSON_ATTRIBUTES or isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        if any(isinstance(v, (list, tuple, dict)) for v in items):
            return json.dumps(list(items), ensure_ascii=False, sort_keys=True)
        return LIST_SEPARATOR.join(str(v) for v in items)
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _flat(data: dict, order: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in list(order) + sorted(k for k in data if k not in order):
        if name in data:
            value = _flat_value(name, data[name])
            if value is not None:
                out[name] = value
    return out


def _flat_graph(G: nx.Graph) -> nx.MultiDiGraph:
    """A copy of ``G`` with plain attribute values; edge keys e0, e1, ... (GraphML edge ids)."""
    flat = nx.MultiDiGraph()
    flat.graph.update({k: v for k, v in G.graph.items() if isinstance(v, (str, int, float, bool))})
    for node, data in G.nodes(data=True):
        flat.add_node(str(node), **_flat(data, _NODE_ORDER))
    edges = G.edges(keys=True, data=True) if G.is_multigraph() else \
        ((u, v, d.get("relation"), d) for u, v, d in G.edges(data=True))
    for i, (u, v, key, data) in enumerate(edges):
        attrs = dict(data)
        attrs.setdefault("relation", key)
        flat.add_edge(str(u), str(v), key=f"e{i}", **_flat(attrs, _EDGE_ORDER))
    return flat


# ------------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------------

def network_bytes(G: nx.Graph, fmt: str) -> bytes:
    """``G`` in ``fmt`` (graphml, gexf, dot) as bytes: what :func:`write_network` writes."""
    key = format_for("", fmt)
    flat = _flat_graph(G)
    if key == "graphml":
        buffer = io.BytesIO()
        nx.write_graphml_xml(flat, buffer, encoding="utf-8", prettyprint=True)
        return buffer.getvalue()
    if key == "gexf":
        for _node, data in flat.nodes(data=True):
            colour = KIND_COLOURS.get(data.get("kind", ""))
            if colour:
                r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
                data["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0}}
        # GEXF keeps a multigraph's edge keys as an attribute: let that be the relation
        keyed = nx.MultiDiGraph()
        keyed.add_nodes_from(flat.nodes(data=True))
        for u, v, data in flat.edges(data=True):
            keyed.add_edge(u, v, key=data.get("relation", ""), label=data.get("relation", ""),
                           **data)
        buffer = io.BytesIO()
        nx.write_gexf(keyed, buffer, encoding="utf-8", prettyprint=True)
        # the writer stamps today's date: leave it out so that the bytes do not change
        return re.sub(rb' lastmodifieddate="[^"]*"', b"", buffer.getvalue(), count=1)
    return _dot(flat).encode("utf-8")


def write_network(G: nx.Graph, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``G`` to ``path`` in ``fmt`` (default: from the extension: .graphml, .gexf, .dot or
    .gv); return the path. ExportError for an unknown format or a file that cannot be written."""
    target = Path(path)
    data = network_bytes(G, format_for(target, fmt))
    write_atomically(target, data)
    return target


def _dot_id(text: Any) -> str:
    r"""A DOT quoted string, escaped as C strings are (``\\``, ``\"``, ``\n``): what Graphviz
    reads in labels and pydot in any attribute."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped + '"'


def _dot_value(value: Any) -> str:
    if isinstance(value, bool):
        return _dot_id("true" if value else "false")
    if isinstance(value, float):
        return _dot_id(repr(value))
    return _dot_id(value)


def _dot(flat: nx.MultiDiGraph) -> str:
    lines = ["digraph \"tipgraph\" {",
             '  graph [rankdir="LR", overlap="false", splines="true"];',
             '  node [style="filled", fontname="Helvetica", fontsize="10"];',
             '  edge [fontname="Helvetica", fontsize="8"];']
    for node, data in flat.nodes(data=True):
        attrs = dict(data)
        kind = attrs.get("kind", "")
        attrs["shape"] = KIND_SHAPES_DOT.get(kind, "ellipse")
        attrs["fillcolor"] = KIND_COLOURS.get(kind, "#dddddd")
        body = ", ".join(f"{name}={_dot_value(value)}" for name, value in attrs.items())
        lines.append(f"  {_dot_id(node)} [{body}];")
    for u, v, data in flat.edges(data=True):
        attrs = dict(data)
        if attrs.get("emphasis"):
            attrs["color"] = EMPHASIS_COLOUR
            attrs["penwidth"] = 2
        body = ", ".join(f"{name}={_dot_value(value)}" for name, value in attrs.items())
        lines.append(f"  {_dot_id(u)} -> {_dot_id(v)} [{body}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------
# Reading back
# ------------------------------------------------------------------------------------------------

def read_network(path: str | Path, fmt: str | None = None) -> nx.MultiDiGraph:
    """Read a file written by :func:`write_network` (or another tool's GraphML, GEXF or DOT) into
    a MultiDiGraph shaped like the projection: ``names``/``articles`` lists, ``facts``/``evidence``
    decoded from JSON, ``confidence`` None when absent, ``emphasis`` a bool, edge key = relation."""
    path = Path(path)
    key = format_for(path, fmt)
    if not path.is_file():
        raise ExportError("no such file", path=path)
    try:
        if key == "graphml":
            raw = nx.read_graphml(path, force_multigraph=True)
        elif key == "gexf":
            raw = nx.read_gexf(path)
        else:
            raw = _read_dot(path)
    except ExportError:
        raise
    except Exception as exc:  # the readers raise many unrelated exception types on bad input
        raise ExportError(f"cannot read {key}: {exc}", path=path) from exc
    return _unflatten(raw, key)


def _read_dot(path: Path) -> nx.MultiDiGraph:
    try:
        from networkx.drawing.nx_pydot import read_dot
    except ImportError as exc:  # pragma: no cover - networkx always has the module
        raise ExportError(f"cannot read DOT: {exc}", path=path) from exc
    with warnings.catch_warnings():
        # pydot's parser uses pyparsing names that newer pyparsing versions call deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import pydot  # noqa: F401
        except ImportError as exc:
            raise ExportError("reading DOT needs the pydot package (pip install pydot)",
                              path=path) from exc
        graph = read_dot(str(path))
    out = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        name = _dot_unquote(node)
        if name in ("node", "edge", "graph"):
            continue
        out.add_node(name, **{k: _dot_unquote(v) for k, v in data.items()})
    for u, v, data in graph.edges(data=True):
        out.add_edge(_dot_unquote(u), _dot_unquote(v),
                     **{k: _dot_unquote(val) for k, val in data.items()})
    return out


_DOT_ESCAPE = re.compile(r"\\(.)", re.S)


def _dot_unquote(value: Any) -> Any:
    """The text of a quoted DOT string written by :func:`_dot_id`."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return _DOT_ESCAPE.sub(
            lambda m: "\n" if m.group(1) == "n" else m.group(1) if m.group(1) in '"\\'
            else m.group(0), value[1:-1])
    return value


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _node_back(data: dict) -> dict:
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name in _STYLE_NODE:
            continue
        if name in _LIST_ATTRIBUTES:
            out[name] = [v for v in str(value).split(LIST_SEPARATOR) if v] if value else []
        elif name in _JSON_ATTRIBUTES:
            out[name] = json.loads(value) if isinstance(value, str) and value else []
        elif name == "confidence":
            out[name] = float(value) if value not in (None, "") else None
        else:
            out[name] = value
    for name in _LIST_ATTRIBUTES + _JSON_ATTRIBUTES:
        out.setdefault(name, [])
    out.setdefault("confidence", None)
    return out


def _edge_back(data: dict) -> dict:
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name in _STYLE_EDGE:
            continue
        if name == "articles":
            out[name] = [v for v in str(value).split(LIST_SEPARATOR) if v] if value else []
        elif name == "emphasis":
            out[name] = _as_bool(value)
        else:
            out[name] = value
    out.setdefault("articles", [])
    out.setdefault("emphasis", False)
    return out


def _unflatten(raw: nx.Graph, fmt: str) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for node, data in raw.nodes(data=True):
        graph.add_node(str(node), **_node_back(dict(data)))
    edges = raw.edges(data=True)
    for u, v, data in edges:
        attrs = _edge_back(dict(data))
        relation = attrs.get("relation") or data.get("label") or "related"
        attrs["relation"] = relation
        graph.add_edge(str(u), str(v), key=relation, **attrs)
    return graph
