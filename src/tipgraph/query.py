"""Saved SPARQL queries: find them, load them, run them with bound parameters, render the results.

A saved query is a file ``queries/NAME.rq`` that opens with a comment header::

    # title: Actors
    # description: Every actor the articles name, with its kind.
    # parameters: article (optional IRI of an article: restricts to its named graph)

A header line ``# key: value`` starts a field; a comment line that does not start with a key
(``#   more words``) continues the previous field. ``parameters`` lists ``name (description)``
items separated by ``;``; a description that starts with "required" makes the parameter required.
Each parameter is a variable of the query (``?article``) that :func:`run_query` binds with rdflib's
``initBindings``: values are bound, never pasted into the query text.

A comment line ``# when ?NAME is bound: PATTERN`` (``NAME`` a declared parameter) becomes the
line ``PATTERN`` when ``NAME`` is bound, and stays a comment otherwise (:func:`specialise`). It
tells the engine where to start: the queries restrict to one article with a ``FILTER EXISTS {
GRAPH ?graph { ?article ... } }`` that every engine evaluates only after matching the whole corpus,
so they add ``# when ?article is bound: GRAPH ?graph { ?article a tg:Article . ?claim a tg:Claim
}`` and the match starts from the article's graph. The pattern must not change the rows (the
filter stays); the tests check that it does not on every bundled article.

The queries read the union of the named graphs (run on an rdflib ``Dataset`` with
``default_union=True``; :func:`run_query` provides that view of any ``Dataset``) and use
``GRAPH ?g`` where the article a fact comes from matters.

Federated queries: a query may name one ``SERVICE <IRI> { ... }`` (``queries/wikidata-labels.rq``
asks Wikidata). rdflib evaluates it by sending the inner pattern over HTTP; :func:`run_query` lets
the caller point the SERVICE IRI at another endpoint (``services={FROM: TO}``, applied to the
parsed algebra), sends a User-Agent that names tipgraph (:func:`user_agent`), gives up after
``timeout`` seconds without an answer (rdflib alone would wait forever) and turns every network,
HTTP or format problem into one :class:`QueryError` naming the endpoint. See docs/federated.md.

Renderers: :func:`to_table` (aligned text for people), :func:`to_csv` and :func:`to_json` (the W3C
SPARQL 1.1 Query Results CSV and JSON formats). All output is deterministic.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import http.client
import io
import json
import os
import re
import threading
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from rdflib import BNode, ConjunctiveGraph, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node, Variable

from .errors import QueryError, TipgraphError
from .namespace import PREFIXES
from .resources import project_file

__all__ = [
    "Parameter", "SavedQuery", "QueryResult", "QUERY_DIR", "list_queries", "query_names",
    "load_query", "run_query", "parse_param_value", "to_table", "to_csv", "to_json", "render",
    "shorten", "parse_service_option", "query_services", "user_agent", "SERVICE_TIMEOUT",
    "specialise",
]

QUERY_DIR: Path = project_file("queries")
"""Where the saved queries live."""

SERVICE_TIMEOUT = 60.0
"""Seconds :func:`run_query` waits for a SERVICE endpoint to accept the connection, and then for
each piece of its answer (not for the whole answer). rdflib itself passes no timeout to
``urlopen``, so without one a silent endpoint would hang the query forever."""

MAX_CELL = 60
"""Widest cell of :func:`to_table`, in characters (longer ones end with an ellipsis)."""

_HEADER_LINE = re.compile(r"^#\s*([A-Za-z][\w-]*)\s*:\s?(.*)$")
_WHEN_BOUND = re.compile(r"^([ \t]*)#[ \t]*when \?(\w+) is bound:[ \t]*(.*)$", re.MULTILINE)
# characters an IRI may not contain (RFC 3987 / the SPARQL IRIREF production)
_BAD_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+)$")


@dataclass(frozen=True)
class Parameter:
    """A parameter a saved query declares in its header."""

    name: str
    description: str = ""

    @property
    def required(self) -> bool:
        return self.description.lower().startswith("required")


@dataclass(frozen=True)
class SavedQuery:
    """A SPARQL SELECT query read from an ``.rq`` file, with its header."""

    name: str
    path: Path
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    prepared: Any = field(default=None, repr=False, compare=False)

    @property
    def parameter_names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def text_for(self, bound: Iterable[str]) -> str:
        """The query's text for a run with the parameters ``bound`` (see :func:`specialise`)."""
        return specialise(self.text, bound)


def specialise(text: str, bound: Iterable[str]) -> str:
    """``text`` with each ``# when ?NAME is bound: PATTERN`` line whose ``NAME`` is in ``bound``
    turned into ``PATTERN`` (same indentation); the other lines are left as they are."""
    names = set(bound)
    if not names:
        return text
    return _WHEN_BOUND.sub(lambda m: m.group(1) + m.group(3) if m.group(2) in names
                           else m.group(0), text)


@dataclass
class QueryResult:
    """The rows of a SELECT query, in the query's order, with its variables in projection order.

    Each row is a tuple of rdflib terms, ``None`` where the variable is unbound.
    """

    vars: list[str]
    rows: list[tuple[Node | None, ...]]
    query: SavedQuery | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        return iter(self.rows)

    def as_dicts(self) -> list[dict[str, Node]]:
        """Each row as a dict from variable name to term, unbound variables left out."""
        return [{v: t for v, t in zip(self.vars, row) if t is not None} for row in self.rows]

    def column(self, var: str) -> list[Node | None]:
        """The values of one variable, row by row."""
        try:
            i = self.vars.index(var)
        except ValueError:
            raise QueryError(f"no variable {var!r} in the result; variables: "
                             f"{', '.join(self.vars)}") from None
        return [row[i] for row in self.rows]


# ------------------------------------------------------------------------------------------------
# Finding and loading queries
# ------------------------------------------------------------------------------------------------

def list_queries(directory: str | Path | None = None) -> list[SavedQuery]:
    """Every saved query of ``directory`` (default: the project's ``queries/``), sorted by name.

    Raises :class:`QueryError` if one of them is malformed.
    """
    folder = Path(directory) if directory is not None else QUERY_DIR
    if not folder.is_dir():
        return []
    return [_read_query(path) for path in sorted(folder.glob("*.rq"))]


def query_names(directory: str | Path | None = None) -> list[str]:
    """Names of the saved queries (file stems), sorted; does not parse them."""
    folder = Path(directory) if directory is not None else QUERY_DIR
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.rq"))


def load_query(name_or_path: str | Path) -> SavedQuery:
    """A saved query by name (``actors`` looks for ``queries/actors.rq``) or by path to an ``.rq``.

    Unknown name -> :class:`QueryError` naming it and listing the available names. Malformed
    SPARQL -> :class:`QueryError` with the file and the parser's message.
    """
    if isinstance(name_or_path, SavedQuery):
        return name_or_path
    raw = str(name_or_path)
    as_path = Path(raw)
    looks_like_path = (isinstance(name_or_path, Path) or raw.endswith(".rq") or "/" in raw
                       or "\\" in raw)
    if looks_like_path:
        if as_path.is_file():
            return _read_query(as_path)
        saved = QUERY_DIR / as_path.name
        if as_path.parent == Path(".") and saved.is_file():
            return _read_query(saved)
        raise QueryError("no such query file", path=raw)
    path = QUERY_DIR / f"{raw}.rq"
    if not path.is_file():
        raise QueryError(f"unknown query {raw!r}; available: {', '.join(query_names()) or 'none'}")
    return _read_query(path)


def _read_query(path: Path) -> SavedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=path) from None
    except OSError as exc:
        raise QueryError(f"cannot read: {exc.strerror or exc}", path=path) from None
    header = _parse_header(text, path)
    parameters = _parse_parameters(header.get("parameters", ""), path)
    prepared = _prepare(text, path)
    algebra_name = getattr(prepared.algebra, "name", "")
    if algebra_name != "SelectQuery":
        kind = algebra_name.replace("Query", "").upper() or "unknown"
        raise QueryError(f"only SELECT queries can be saved queries, this is {kind}", path=path)
    body = _strip_comments(text)
    for p in parameters:
        if not re.search(r"[?$]" + re.escape(p.name) + r"\b", body):
            raise QueryError(f"parameter {p.name!r} is declared in the header but the query "
                             f"has no variable ?{p.name}", path=path)
    declared = {p.name for p in parameters}
    for match in _WHEN_BOUND.finditer(text):
        if match.group(2) not in declared:
            line = text.count("\n", 0, match.start()) + 1
            raise QueryError(f"'when ?{match.group(2)} is bound' names no parameter of the "
                             f"header", path=path, line=line)
    return SavedQuery(
        name=path.stem,
        path=path,
        title=header.get("title", "").strip() or path.stem,
        description=header.get("description", "").strip(),
        parameters=tuple(parameters),
        text=text,
        prepared=prepared,
    )


@functools.lru_cache(maxsize=64)
def _prepare_cached(text: str, path: Path):
    """:func:`_prepare`, remembered: a query's variant for bound parameters is parsed once.
    (rdflib's prepared queries are not changed by running them; a SERVICE redirect works on a
    fresh copy.)"""
    return _prepare(text, path)


def _prepare(text: str, path: Path):
    from rdflib.plugins.sparql import prepareQuery

    init_ns = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    try:
        return prepareQuery(text, initNs=init_ns)
    except Exception as exc:  # pyparsing.ParseException and rdflib's own errors
        line = getattr(exc, "lineno", None)
        message = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
        message = " ".join(str(message).split())
        if line is not None:
            col = getattr(exc, "col", None)
            found = getattr(exc, "line", "")
            where = f" (column {col})" if col is not None else ""
            detail = f": {found.strip()[:60]!r}" if found and found.strip() else ""
            message = f"malformed SPARQL{where}: {message}{detail}"
        else:
            message = f"malformed SPARQL: {message}"
        raise QueryError(message, path=path, line=line) from None


def _parse_header(text: str, path: Path) -> dict[str, str]:
    """The ``# key: value`` fields at the top of a query file (keys lower-cased)."""
    fields: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            if current is None and not fields:
                continue
            break
        if not stripped.startswith("#"):
            break
        content = stripped[1:]
        # "#   more words" (indented) continues the field above; "# key: value" starts one
        continuation = line.lstrip()[1:].startswith(("  ", "\t"))
        match = None if continuation else _HEADER_LINE.match(stripped)
        if match:
            current = match.group(1).lower()
            fields[current] = match.group(2).strip()
        elif current is not None and content.strip():
            fields[current] = (fields[current] + " " + content.strip()).strip()
    return fields


def _parse_parameters(spec: str, path: Path) -> list[Parameter]:
    """``name (description); name2 (description)`` -> parameters. ``none`` or empty -> []."""
    spec = spec.strip()
    if not spec or spec.lower() in ("none", "-"):
        return []
    items: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(spec):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in ";," and depth == 0:
            items.append(spec[start:i])
            start = i + 1
    items.append(spec[start:])
    params: list[Parameter] = []
    for item in (it.strip() for it in items):
        if not item:
            continue
        match = re.match(r"^[?$]?([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*$", item, re.S)
        if not match:
            raise QueryError(f"malformed parameter in the header: {item!r} "
                             "(expected: name (description))", path=path)
        name, description = match.group(1), " ".join((match.group(2) or "").split())
        if any(p.name == name for p in params):
            raise QueryError(f"parameter {name!r} is declared twice in the header", path=path)
        params.append(Parameter(name, description))
    return params


def _strip_comments(text: str) -> str:
    """The query text without ``#`` comments (a ``#`` inside <IRI> or a string is kept)."""
    out = []
    for line in text.splitlines():
        in_iri = in_str = False
        quote = ""
        cut = len(line)
        for i, ch in enumerate(line):
            if in_str:
                if ch == quote and line[i - 1] != "\\":
                    in_str = False
            elif in_iri:
                if ch == ">":
                    in_iri = False
            elif ch in "\"'":
                in_str, quote = True, ch
            elif ch == "<" and re.match(r"<[^\s<>\"{}|^`\\]*>", line[i:]):
                in_iri = True
            elif ch == "#":
                cut = i
                break
        out.append(line[:cut])
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------
# Running queries
# ------------------------------------------------------------------------------------------------

def parse_param_value(value: str | Node) -> Node:
    """The RDF term a parameter value on the command line stands for.

    ``http(s)://...``, ``urn:...`` and ``<...>`` -> IRI; ``prefix:local`` with a known prefix
    (see ``namespace.PREFIXES``) -> IRI; an integer or decimal -> ``xsd:integer`` /
    ``xsd:decimal`` literal; anything else -> a plain literal. rdflib terms pass through.
    """
    if isinstance(value, Node):
        return value
    text = str(value).strip()
    if text.startswith("<") and text.endswith(">") and len(text) > 2:
        return _iri(text[1:-1], value)
    if re.match(r"^(?:https?://|urn:)", text, re.I):
        return _iri(text, value)
    match = re.match(r"^([A-Za-z][\w.-]*)?:(.*)$", text, re.S)
    if match and (match.group(1) or "") in PREFIXES and not match.group(2).startswith("//"):
        return _iri(str(PREFIXES[match.group(1) or ""]) + match.group(2), value)
    if _INTEGER.match(text):
        return Literal(text, datatype=XSD.integer)
    if _DECIMAL.match(text):
        return Literal(text, datatype=XSD.decimal)
    return Literal(str(value))


def _iri(text: str, original) -> URIRef:
    if not text or _BAD_IRI_CHARS.search(text):
        raise QueryError(f"not a valid IRI: {str(original)!r}")
    return URIRef(text)


def run_query(query: SavedQuery | str | Path, graph: Graph,
              params: Mapping[str, str | Node] | None = None, *,
              services: Mapping[str, str] | None = None,
              timeout: float | None = SERVICE_TIMEOUT) -> QueryResult:
    """Run a saved query (a :class:`SavedQuery`, a name or a path) on ``graph``.

    ``graph`` is a :class:`tipgraph.store.Store` (the query runs where the store is) or, normally,
    the rdflib ``Dataset`` of ``graphio.load_graph``; the query sees the
    union of its graphs as the default graph (a ``Dataset`` without ``default_union`` is viewed
    with it, sharing the store) and its named graphs through ``GRAPH``. A plain ``Graph`` is
    wrapped in a dataset as its only named graph.

    ``params`` maps parameter names declared in the query's header to values, converted by
    :func:`parse_param_value` and bound with ``initBindings``. An undeclared name, a missing
    required parameter or a bad IRI raises :class:`QueryError`, as does a failure while
    evaluating.

    A query with a ``SERVICE <IRI> { ... }`` clause goes on the network: rdflib sends the inner
    pattern to the IRI. ``services`` maps a SERVICE IRI of the query to the endpoint to send it to
    instead (a mirror, a local stand-in); a key the query does not name is an error. ``timeout``
    (seconds, ``None``: wait forever) bounds the wait for the connection and for each piece of an
    answer. A network error, an HTTP error or an answer that is not SPARQL JSON results raises
    :class:`QueryError` naming the endpoint.
    """
    from .store import MemoryStore, Store

    saved = load_query(query) if not isinstance(query, SavedQuery) else query
    bindings = _bindings(saved, params or {})
    text = saved.text_for(str(v) for v in bindings)
    if text != saved.text:
        prepared = _prepare_cached(text, saved.path)
    else:
        prepared = saved.prepared if saved.prepared is not None else _prepare(text, saved.path)
    if isinstance(graph, MemoryStore):
        graph = graph.dataset()
    elif isinstance(graph, Store):
        if services or _service_nodes(prepared.algebra):
            raise QueryError("a query with SERVICE runs on graph files (rdflib evaluates it); "
                             "export the store first (tipgraph export --store ...)",
                             path=saved.path)
        try:
            return dataclasses.replace(
                graph.select(text, {str(k): v for k, v in bindings.items()}), query=saved)
        except TipgraphError as exc:
            raise QueryError(f"query failed: {exc.message}", path=saved.path) from exc
    redirects = {_service_iri(k, "--service FROM"): _service_iri(v, "--service TO")
                 for k, v in (services or {}).items()}
    if timeout is not None and not timeout > 0:
        raise QueryError(f"the SERVICE timeout must be a positive number of seconds, not {timeout}")
    endpoints: dict[str, str] = {}
    if redirects or _service_nodes(prepared.algebra):
        if redirects:  # rewrite a fresh copy: saved.prepared stays as the file says
            prepared = _prepare(text, saved.path)
        endpoints = _route_services(saved, prepared.algebra, redirects)
    target = _union_view(graph)
    transport = _service_transport(endpoints, timeout, saved.path) if endpoints else nullcontext()
    try:
        with transport:
            result = target.query(prepared, initBindings=bindings)
            variables = [str(v) for v in (result.vars or [])]
            rows = [tuple(row) for row in result]
    except QueryError:
        raise
    except Exception as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise QueryError(f"query failed: {message}", path=saved.path) from exc
    return QueryResult(vars=variables, rows=rows, query=saved)


def _bindings(saved: SavedQuery, params: Mapping[str, str | Node]) -> dict[str, Node]:
    declared = {p.name: p for p in saved.parameters}
    bindings: dict[str, Node] = {}
    for name, value in params.items():
        key = str(name).lstrip("?$")
        if key not in declared:
            available = ", ".join(declared) if declared else "none"
            raise QueryError(f"query {saved.name!r} has no parameter {key!r} "
                             f"(its parameters: {available})", path=saved.path)
        if value is None:
            continue
        try:
            bindings[key] = parse_param_value(value)
        except QueryError as exc:
            raise QueryError(f"parameter {key!r}: {exc.message}", path=saved.path) from None
    for p in saved.parameters:
        if p.required and p.name not in bindings:
            raise QueryError(f"query {saved.name!r} needs the parameter {p.name!r}",
                             path=saved.path)
    return {Variable(k): v for k, v in bindings.items()}


def _union_view(graph: Graph) -> Graph:
    if isinstance(graph, Dataset):
        if graph.default_union:
            return graph
        view = Dataset(store=graph.store, default_union=True)
        return view
    if isinstance(graph, ConjunctiveGraph):
        return graph
    if isinstance(graph, Graph):
        ds = Dataset(default_union=True)
        for prefix, ns in graph.namespaces():
            ds.bind(prefix, ns, override=False)
        identifier = graph.identifier if isinstance(graph.identifier, URIRef) else None
        named = ds.graph(identifier or URIRef("urn:x-tipgraph:graph"))
        for triple in graph:
            named.add(triple)
        return ds
    raise QueryError(f"cannot query a {type(graph).__name__}: expected an rdflib Dataset")


# ------------------------------------------------------------------------------------------------
# SERVICE: federated queries
# ------------------------------------------------------------------------------------------------

# rdflib 7 (plugins/sparql/evaluate.py, evalServiceQuery) finds the endpoint and the pattern by
# matching the clause's original text with this expression; a clause it does not match (SERVICE
# SILENT, a prefixed name or a variable for the endpoint, two spaces after SERVICE) silently gives
# no rows. It also gives every SERVICE node of a query the text of the first SERVICE clause.
_RDFLIB_SERVICE = re.compile(r"^service <(.*)>[ \n]*{(.*)}[ \n]*$", re.DOTALL | re.IGNORECASE)
_SERVICE_LOCK = threading.RLock()


def user_agent() -> str:
    """The User-Agent sent to SERVICE endpoints: ``TIPGRAPH_USER_AGENT`` when set (Wikimedia asks
    for a way to contact the operator, e.g. ``my-project/1.0 (me@example.org)``), else one naming
    tipgraph and rdflib. rdflib alone sends the generic ``rdflibForAnUser``."""
    configured = " ".join(os.environ.get("TIPGRAPH_USER_AGENT", "").split())
    if configured:
        return configured
    import rdflib

    from . import __version__

    return (f"tipgraph/{__version__} (federated query; https://w3id.org/tipgraph) "
            f"rdflib/{rdflib.__version__}")


def parse_service_option(text: str) -> tuple[str, str]:
    """``FROM=TO`` (the value of ``tipgraph query --service``) -> ``(FROM, TO)``: the SERVICE IRI
    a query names and the http(s) endpoint to send it to instead. The split is at the first
    ``=`` followed by ``http://`` or ``https://``, so FROM may itself contain ``=``."""
    raw = str(text).strip()
    for match in re.finditer(r"=", raw):
        left, right = raw[:match.start()].strip(), raw[match.end():].strip()
        if left and re.match(r"^<?https?://", right, re.I):
            return _service_iri(left, "--service FROM"), _service_iri(right, "--service TO")
    raise QueryError(f"--service {raw!r} is not FROM=TO (the SERVICE IRI the query names, '=', "
                     "the http(s) endpoint to send it to)")


def _service_iri(text: str, what: str) -> str:
    iri = str(text).strip()
    if iri.startswith("<") and iri.endswith(">"):
        iri = iri[1:-1]
    parts = urllib.parse.urlsplit(iri)
    if (not iri or _BAD_IRI_CHARS.search(iri) or parts.scheme.lower() not in ("http", "https")
            or not parts.netloc):
        raise QueryError(f"{what} {str(text)!r} is not an http(s) IRI")
    return iri


def query_services(query: SavedQuery | str | Path) -> list[str]:
    """The SERVICE IRIs a query names, in the order of its algebra ('' for a variable)."""
    saved = load_query(query) if not isinstance(query, SavedQuery) else query
    prepared = saved.prepared if saved.prepared is not None else _prepare(saved.text, saved.path)
    return [str(node.get("term", "")) if isinstance(node.get("term"), URIRef) else ""
            for node in _service_nodes(prepared.algebra)]


def _service_nodes(algebra) -> list:
    """Every ``ServiceGraphPattern`` node of a query's algebra (EXISTS patterns included)."""
    found, seen, stack = [], set(), [algebra]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            if getattr(node, "name", None) == "ServiceGraphPattern":
                found.append(node)
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, (list, tuple)):
            stack.extend(reversed(node))
    return found


def _route_services(saved: SavedQuery, algebra, redirects: Mapping[str, str]) -> dict[str, str]:
    """Check that rdflib can evaluate the query's SERVICE clause, point it where ``redirects``
    says (in the algebra: the clause's IRI and the text rdflib sends from), and return
    ``{endpoint: IRI as the query names it}``."""
    nodes = _service_nodes(algebra)
    if len(nodes) > 1:
        raise QueryError(f"the query has {len(nodes)} SERVICE clauses; rdflib can evaluate only "
                         "one (it sends the first clause's pattern for every one of them)",
                         path=saved.path)
    named = []
    for node in nodes:
        term = node.get("term")
        text = str(node.get("service_string", ""))
        match = _RDFLIB_SERVICE.match(text)
        if not isinstance(term, URIRef) or not match or match.group(1) != str(term):
            first = " ".join(text.split("{", 1)[0].split()) or "SERVICE"
            raise QueryError(f"rdflib evaluates only 'SERVICE <IRI> {{ ... }}' (one space, a full "
                             f"IRI, no SILENT, no variable); it would silently give no rows for "
                             f"{first!r}", path=saved.path)
        named.append(str(term))
    unknown = [iri for iri in redirects if iri not in named]
    if unknown:
        has = ", ".join(f"<{iri}>" for iri in named) or "none"
        raise QueryError(f"--service {unknown[0]}: the query has no SERVICE <{unknown[0]}> "
                         f"(its SERVICE IRIs: {has})", path=saved.path)
    endpoints: dict[str, str] = {}
    for node in nodes:
        iri = str(node["term"])
        endpoint = redirects.get(iri, iri)
        if endpoint != iri:
            text = str(node["service_string"])
            start = text.index("<") + 1  # the IRI token right after SERVICE, nothing else
            node["service_string"] = text[:start] + endpoint + text[start + len(iri):]
            node["term"] = URIRef(endpoint)
        endpoints[endpoint] = iri
    return endpoints


@dataclass
class _Answer:
    """What rdflib's evalServiceQuery reads from ``urlopen``: a status and the body."""

    status: int
    body: bytes

    def read(self) -> bytes:
        return self.body


@contextmanager
def _service_transport(endpoints: Mapping[str, str], timeout: float | None, path: Path):
    """While a query runs, let rdflib's SERVICE requests go through :func:`_fetch` (User-Agent,
    timeout, one clear error). rdflib calls the ``urlopen`` of its evaluate module with fixed
    headers and no timeout and offers no hook, so that name is replaced for the duration (under a
    lock: one federated query at a time in a process) and restored after."""
    from rdflib.plugins.sparql import evaluate

    original = getattr(evaluate, "urlopen", None)
    if original is None:  # another rdflib: let it do what it does
        yield
        return

    def fetch(request, *args, **kwargs):
        return _fetch(request, endpoints, timeout, path)

    with _SERVICE_LOCK:
        evaluate.urlopen = fetch
        try:
            yield
        finally:
            evaluate.urlopen = original


def _fetch(request: urllib.request.Request, endpoints: Mapping[str, str],
           timeout: float | None, path: Path) -> _Answer:
    url = request.full_url
    matches = [e for e in endpoints if url == e or url.startswith(e + "?")]
    endpoint = max(matches, key=len) if matches else url.split("?", 1)[0]
    iri = endpoints.get(endpoint, endpoint)
    name = f"SERVICE <{iri}>" + (f" (sent to {endpoint})" if iri != endpoint else "")
    seconds = f"{timeout:g} s" if timeout is not None else "ever"

    def fail(problem: str) -> QueryError:
        return QueryError(f"{name}: {problem}", path=path)

    request.add_header("User-Agent", user_agent())
    try:
        kwargs = {"timeout": timeout} if timeout is not None else {}
        with urllib.request.urlopen(request, **kwargs) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        problem = f"HTTP {exc.code} {exc.reason}".rstrip()
        retry = exc.headers.get("Retry-After") if exc.headers is not None else None
        if exc.code == 429:
            problem += " (too many requests" + (f"; retry after {retry} s" if retry else "") + ")"
        raise fail(problem) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise fail(f"no answer within {seconds}") from None
        raise fail(f"cannot connect: {_reason(reason)}") from None
    except TimeoutError:
        raise fail(f"no answer within {seconds}") from None
    except (OSError, http.client.HTTPException) as exc:
        raise fail(f"connection failed: {_reason(exc)}") from None
    if status != 200:
        raise fail(f"HTTP {status}; expected 200 with SPARQL JSON results")
    try:
        document = json.loads(body)
        document["head"]["vars"], document["results"]["bindings"]  # noqa: B018
    except (ValueError, KeyError, TypeError):
        text = " ".join(body[:300].decode("utf-8", "replace").split())
        snippet = f": {text[:100]!r}" if text else " (empty)"
        raise fail(f"the answer is not SPARQL JSON results{snippet}") from None
    return _Answer(status, body)


def _reason(reason) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    text = " ".join(str(reason).split())
    return text or type(reason).__name__


# ------------------------------------------------------------------------------------------------
# Rendering results
# ------------------------------------------------------------------------------------------------

def _namespaces() -> list[tuple[str, str]]:
    pairs = [(prefix, str(ns)) for prefix, ns in PREFIXES.items()]
    # longest namespace first, so tg: wins over a shorter namespace that is its prefix
    return sorted(pairs, key=lambda pair: (-len(pair[1]), pair[0]))


_NAMESPACES = _namespaces()


def shorten(term: Node | None) -> str:
    """A term as a person reads it: ``prefix:local`` for IRIs in a known namespace, the IRI
    otherwise, a literal's lexical form, ``_:id`` for a blank node, '' when unbound."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        iri = str(term)
        for prefix, ns in _NAMESPACES:
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (wide East Asian characters count two)."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _truncate(text: str, limit: int = MAX_CELL) -> str:
    if _width(text) <= limit:
        return text
    out, width = [], 0
    for ch in text:
        w = 0 if unicodedata.combining(ch) else (
            2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1)
        if width + w > limit - 1:
            break
        out.append(ch)
        width += w
    return "".join(out).rstrip() + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def to_table(result: QueryResult) -> str:
    """An aligned text table: a header row of variable names, a rule, one line per row and a
    last line ``(N rows)``. IRIs are shown as prefixed names, literals as their text (runs of
    white space as one space), cells longer than 60 characters cut with an ellipsis."""
    header = list(result.vars)
    cells = [[_truncate(" ".join(shorten(term).split())) for term in row]
             for row in result.rows]
    widths = [_width(h) for h in header]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], _width(cell))
    lines = []
    if header:
        lines.append("  ".join(_pad(h, w) for h, w in zip(header, widths)).rstrip())
        lines.append("  ".join("-" * w for w in widths))
        for row in cells:
            lines.append("  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip())
    n = len(result.rows)
    lines.append(f"({n} row{'' if n == 1 else 's'})")
    return "\n".join(lines)


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV: a header of the variable names, then one record per row;
    IRIs and the lexical forms of literals, ``_:id`` for blank nodes, nothing when unbound;
    CRLF after every record, fields quoted as RFC 4180 says."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(result.vars)
    for row in result.rows:
        writer.writerow([_csv_value(term) for term in row])
    return buffer.getvalue()


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None:
            out["datatype"] = str(term.datatype)
        return out
    return {"type": "literal", "value": str(term)}


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON: ``{"head": {"vars": [...]}, "results": {"bindings":
    [...]}}``, each binding holding the bound variables of a row in variable order, each term
    ``{"type": "uri"|"literal"|"bnode", "value": ..., "xml:lang"|"datatype": ...}``."""
    bindings = []
    for row in result.rows:
        bindings.append({var: _json_term(term)
                         for var, term in zip(result.vars, row) if term is not None})
    document = {"head": {"vars": list(result.vars)}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False)


def available_formats() -> Sequence[str]:
    """Names of the result formats the renderers produce."""
    return ("table", "csv", "json")


def render(result: QueryResult, fmt: str = "table") -> str:
    """Render ``result`` in ``fmt`` (table, csv or json)."""
    renderers = {"table": to_table, "csv": to_csv, "json": to_json}
    try:
        return renderers[fmt](result)
    except KeyError:
        raise QueryError(f"unknown result format {fmt!r}; formats: "
                         f"{', '.join(renderers)}") from None
