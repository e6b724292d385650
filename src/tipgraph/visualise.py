"""Pictures of the people's view (:func:`tipgraph.project.project`): interactive HTML and static images.

**Interactive HTML** (:func:`write_html`): one self-contained file that works offline and makes no
network request at all. The drawing library is Plotly (``plotly.js``, shipped inside the ``plotly``
Python package and inlined into the page); the graph's data is embedded as JSON (with ``<``, ``>``
and ``&`` escaped, so no text from an article can close a script element), and a small script of
ours (``viz_page.js``, styled by ``viz_page.css``) turns it into Plotly traces: nodes coloured and
shaped by kind with a legend that filters by kind, labels, a search box, a side panel with the
clicked node's type, names, facts and evidence sentences (the exact span highlighted), and
disputes/supports edges that stand out. A Content-Security-Policy forbids every request the page
could make. The layout is computed here with networkx (Kamada-Kawai for small connected
components, a spring layout with a bounded number of iterations for big ones, the components
packed side by side; labels placed where they cover the fewest other labels and nodes), so the
same graph gives the same bytes. A graph with more than ``max_nodes`` nodes is cut down with
:func:`tipgraph.project.cap` (the most connected nodes) and the page says so. From
:data:`WEBGL_NODES` nodes on the page draws with WebGL and labels only the best connected nodes in
view. Needs ``plotly`` and ``scipy`` (networkx's layouts use it).

**Static pictures** (:func:`draw_static`): SVG and PNG for reports.
"""

from __future__ import annotations

import html
import json
import math
from importlib import resources
from pathlib import Path
from typing import Callable, NamedTuple

import networkx as nx

from .project import EMPHASIS, KINDS, cap, totals

__all__ = ["MAX_HTML_NODES", "HtmlSummary", "write_html", "html_page", "layout",
           "MAX_STATIC_NODES", "STATIC_FORMATS", "draw_static"]

# ------------------------------------------------------------------------------------------------
# Interactive HTML
# ------------------------------------------------------------------------------------------------

MAX_HTML_NODES = 1500
"""Most nodes the interactive view draws; a bigger graph is cut down with :func:`cap`."""

WEBGL_NODES = 400
"""From this many nodes (or ten times as many edges) on, the page draws with WebGL (``scattergl``)."""

LAYOUT_SEED = 20240601

KAMADA_KAWAI_NODES = 200
"""Components up to this size get the Kamada-Kawai layout, bigger ones the spring layout."""

NODE_SPACING = 150.0
"""About the distance between neighbouring nodes, in page units (a pixel at the first view)."""

STRETCH = 1.15
"""How much wider than high a component is drawn: labels are wide, screens too."""

LABEL_ROOM = 190.0
"""Room left beside a component for the labels of its nodes."""

# kind -> (colour, Plotly marker symbol); the legend lists the kinds in KINDS order
KIND_STYLE: dict[str, tuple[str, str]] = {
    "Actor": ("#2166ac", "circle"),
    "Law": ("#8c510a", "square"),
    "ReportSeries": ("#c51b7d", "triangle-down"),
    "Report": ("#e08214", "diamond"),
    "Instrument": ("#762a83", "star"),
    "Rating": ("#b8860b", "pentagon"),
    "Claim": ("#1b7837", "hexagon"),
}
OTHER_KIND_STYLE = ("#777777", "circle")

# edge style name -> (colour, width, dash, legend text); "plain" is every other relation
EDGE_STYLES: dict[str, tuple[str, float, str, str]] = {
    "plain": ("#a8b0bd", 1.2, "solid", "other relations"),
    "disputes": ("#d7191c", 3.2, "dash", "disputes"),
    "supports": ("#1a9641", 3.2, "dot", "supports"),
    "does-not-apply-to": ("#f07d00", 2.6, "dashdot", "does not apply to"),
    "emphasis": ("#d7191c", 2.6, "dash", "other emphasised relations"),
}


class HtmlSummary(NamedTuple):
    """What :func:`write_html` drew."""

    nodes_drawn: int
    nodes_total: int
    edges_drawn: int
    edges_total: int
    bytes: int


def write_html(G: nx.MultiDiGraph, path: str | Path, *, title: str, note: str | None = None,
               max_nodes: int = MAX_HTML_NODES,
               details: Callable[[nx.MultiDiGraph], object] | None = None) -> HtmlSummary:
    """Write the interactive view of ``G`` (a projection, see :func:`tipgraph.project.project`) to
    ``path`` as one self-contained, offline HTML file. ``title`` heads the page; ``note`` (optional)
    is shown under it. A graph of more than ``max_nodes`` nodes is cut down to the ``max_nodes``
    most connected ones (:func:`tipgraph.project.cap`), and the page says how many it shows.
    ``details``, when given, is called with the graph to be drawn before it is drawn, to fill in
    what the projection left out (the evidence: :func:`tipgraph.project.add_evidence`).
    The same graph gives the same bytes."""
    from .export import write_atomically

    page, summary = html_page(G, title=title, note=note, max_nodes=max_nodes, details=details)
    data = page.encode("utf-8")
    write_atomically(Path(path), data)
    return summary._replace(bytes=len(data))


def html_page(G: nx.MultiDiGraph, *, title: str, note: str | None = None,
              max_nodes: int = MAX_HTML_NODES,
              details: Callable[[nx.MultiDiGraph], object] | None = None
              ) -> tuple[str, HtmlSummary]:
    """The page :func:`write_html` writes, as text, and what it draws."""
    total_nodes, total_edges = totals(G)
    drawn, _ = cap(G, max_nodes)
    dropped = total_nodes - drawn.number_of_nodes()
    if details is not None:
        details(drawn)
    pos = layout(drawn)
    data = _page_data(drawn, pos, title=title, note=note, total_nodes=total_nodes,
                      total_edges=total_edges, dropped=dropped, max_nodes=max_nodes)
    page = _render(title, data)
    summary = HtmlSummary(drawn.number_of_nodes(), total_nodes, drawn.number_of_edges(),
                          total_edges, len(page.encode("utf-8")))
    return page, summary


def layout(G: nx.Graph, *, seed: int = LAYOUT_SEED) -> dict[str, tuple[float, float]]:
    """Deterministic 2-D positions for the nodes of ``G``, in page units (about a pixel at the
    first view of a small graph). Each connected component is laid out on its own: Kamada-Kawai
    up to :data:`KAMADA_KAWAI_NODES` nodes (even spacing, readable labels), networkx's spring
    layout above (fewer iterations for big components, so that 1,500 nodes take seconds); it is
    scaled to about :data:`NODE_SPACING` units per node and stretched sideways (labels are wide).
    The components are packed in rows, biggest first, the single nodes last."""
    H = nx.Graph()
    H.add_nodes_from(G)
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    components = sorted((sorted(c, key=str) for c in nx.connected_components(H)),
                        key=lambda c: (-len(c), str(c[0])))
    boxes: list[tuple[dict, float, float]] = []  # (positions from 0,0 down and right, width, height)
    for nodes in components:
        n = len(nodes)
        if n == 1:
            local = {nodes[0]: (0.0, 0.0)}
        elif n == 2:
            local = {nodes[0]: (0.0, 0.0), nodes[1]: (0.0, NODE_SPACING * 0.8)}
        else:
            sub = nx.relabel_nodes(H.subgraph(nodes), {m: i for i, m in enumerate(nodes)})
            sub = nx.Graph(sorted(sub.edges()))  # a fixed node order, whatever the input's
            sub.add_nodes_from(range(n))
            if n <= KAMADA_KAWAI_NODES:
                # an edge at a hub is longer: room around the hub for its neighbours' labels
                degree = dict(sub.degree())
                for u, v in sub.edges():
                    sub.edges[u, v]["length"] = 1.0 + 0.12 * math.sqrt(degree[u] + degree[v])
                raw = nx.kamada_kawai_layout(sub, weight="length")
            else:
                # about n*n work per iteration: as many iterations as a few seconds allow
                iterations = max(15, min(60, int(2.5e7 / (n * n))))
                raw = nx.spring_layout(sub, seed=seed, iterations=iterations, method="force")
            xs = [float(raw[i][0]) for i in range(n)]
            ys = [float(raw[i][1]) for i in range(n)]
            w = max(max(xs) - min(xs), 1e-9)
            h = max(max(ys) - min(ys), 1e-9)
            # bounding box of about n * NODE_SPACING^2, STRETCH times wider than high
            sx = math.sqrt(n * NODE_SPACING ** 2 * STRETCH) / w
            sy = math.sqrt(n * NODE_SPACING ** 2 / STRETCH) / h
            local = {nodes[i]: (xs[i] * sx, -ys[i] * sy) for i in range(n)}
        x0 = min(p[0] for p in local.values())
        y0 = min(p[1] for p in local.values())
        local = {m: (p[0] - x0, p[1] - y0) for m, p in local.items()}
        w = max(p[0] for p in local.values())
        h = max(p[1] for p in local.values())
        boxes.append((local, w, h))

    # pack in rows (shelves), a label needing room beside and below its node; the single nodes
    # (no edge drawn) in columns to the right
    gap_x, gap_y = LABEL_ROOM, NODE_SPACING * 0.7
    linked = [b for b in boxes if len(b[0]) > 1]
    single = [next(iter(b[0])) for b in boxes if len(b[0]) == 1]
    area = sum((w + gap_x) * (h + gap_y) for _l, w, h in linked)
    row_width = max([math.sqrt(area * STRETCH)] + [w + gap_x for _l, w, _h in linked])
    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = right = 0.0
    for local, w, h in linked:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height + gap_y, 0.0
        for m, p in local.items():
            positions[m] = (round(x + p[0], 1), round(-(y + p[1]), 1))
        right = max(right, x + w)
        x += w + gap_x
        row_height = max(row_height, h)
    if single:
        # in columns to the right or in rows below, whichever gives a picture closer to a screen's
        # shape (about 3:2)
        step = NODE_SPACING * 0.5
        width, height = right, y + row_height
        k = len(single)
        per_column = max(1, int(height // step) + 1)
        columns = math.ceil(k / per_column)
        beside = ((width + gap_x if linked else 0.0) + (columns - 0.5) * LABEL_ROOM,
                  max(height, (min(k, per_column) - 1) * step) + step)
        per_row = max(1, int(width // LABEL_ROOM) + 1) if linked else \
            max(1, math.ceil(math.sqrt(k * step / LABEL_ROOM * 1.5)))
        rows = math.ceil(k / per_row)
        below = (max(width, (min(k, per_row) - 0.5) * LABEL_ROOM),
                 (height + gap_y if linked else 0.0) + rows * step)

        def misfit(size):
            return abs(math.log(max(size[0], 1.0) / max(size[1], 1.0) / 1.5))
        if linked and misfit(beside) <= misfit(below):
            x0 = width + gap_x
            for i, m in enumerate(single):
                column, row = divmod(i, per_column)
                positions[m] = (round(x0 + column * LABEL_ROOM, 1), round(-row * step, 1))
        else:
            y0 = height + gap_y if linked else 0.0
            for i, m in enumerate(single):
                row, column = divmod(i, per_row)
                positions[m] = (round(column * LABEL_ROOM, 1), round(-(y0 + row * step), 1))
    return positions


# label placement: Plotly's text positions, counter-clockwise from the right
_TEXT_POSITIONS = ("middle right", "top right", "top center", "top left", "middle left",
                   "bottom left", "bottom center", "bottom right")
_CHAR_WIDTH = 7.4   # about the width of a character of a 13 px label, in page units
_LINE_HEIGHT = 16.0
_GRID = 120.0       # cell of the spatial index used to find the labels and nodes nearby


def _neighbours(G, n) -> set:
    if G.is_directed():
        return (set(G.successors(n)) | set(G.predecessors(n))) - {n}
    return set(G.neighbors(n)) - {n}


def _marker_size(kind: str, degree: int) -> float:
    """The diameter of a node's marker in pixels (the SVG rendering; WebGL draws smaller ones)."""
    return round(min(44.0, (15.0 if kind == "Claim" else 18.0) + 3.4 * math.sqrt(degree)), 1)


def _drawn_label(G, n) -> str:
    """The label drawn next to a node: its label, shortened; for a claim, without its claimant in
    front (the edge from the claimant shows who) and in quotation marks."""
    data = G.nodes[n]
    label = " ".join(str(data.get("label") or n).split())
    if data.get("kind") == "Claim":
        for u in sorted(G.predecessors(n) if G.is_directed() else G.neighbors(n)):
            who = " ".join(str(G.nodes[u].get("label") or "").split())
            if who and label.startswith(who + ": "):
                label = label[len(who) + 2:]
                break
        return "\u201c" + _shorten(label.rstrip("\u2026"), 32) + "\u201d"
    return _shorten(label, 36)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "\u2026"


def _label_box(x: float, y: float, radius: float, width: float, where: int) -> tuple:
    """The box (x0, y0, x1, y1; y up) a label of ``width`` takes at text position ``where``."""
    pad = radius + 3.0
    h = _LINE_HEIGHT
    name = _TEXT_POSITIONS[where]
    if name.endswith("right"):
        x0 = x + (pad if name.startswith("middle") else pad * 0.5)
    elif name.endswith("left"):
        x0 = x - (pad if name.startswith("middle") else pad * 0.5) - width
    else:
        x0 = x - width / 2
    if name.startswith("top"):
        y0 = y + pad * (1.0 if name.endswith("center") else 0.5)
    elif name.startswith("bottom"):
        y0 = y - pad * (1.0 if name.endswith("center") else 0.5) - h
    else:
        y0 = y - h / 2
    return (x0, y0, x0 + width, y0 + h)


def _overlap(a: tuple, b: tuple) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _cells(box: tuple):
    for i in range(int(math.floor(box[0] / _GRID)), int(math.floor(box[2] / _GRID)) + 1):
        for j in range(int(math.floor(box[1] / _GRID)), int(math.floor(box[3] / _GRID)) + 1):
            yield (i, j)


def _label_positions(G, pos, texts: dict, sizes: dict) -> tuple[dict, list[float]]:
    """Where each node's label goes (an index into :data:`_TEXT_POSITIONS`): away from the node's
    edges (opposite the mean of its neighbours) unless that label would cover another label or
    node, then the nearest free direction; the best connected nodes choose first. Page units are
    taken as pixels, true at the first view of a small graph. Also returns the bounds of the
    nodes and their labels, ``[x0, x1, y0, y1]``."""
    grid: dict[tuple, list[tuple]] = {}

    def add(box):
        for cell in _cells(box):
            grid.setdefault(cell, []).append(box)

    def cost(box):
        seen = set()
        total = 0.0
        for cell in _cells(box):
            for other in grid.get(cell, ()):
                if id(other) not in seen:
                    seen.add(id(other))
                    total += _overlap(box, other)
        return total

    for n in G:  # the markers first: labels should not cover nodes
        x, y = pos[n]
        r = sizes[n] / 2
        add((x - r, y - r, x + r, y + r))
    degree = {n: len(_neighbours(G, n)) for n in G}
    out = {}
    for n in sorted(G, key=lambda m: (-degree[m], str(m))):
        x, y = pos[n]
        r = sizes[n] / 2
        others = [m for m in _neighbours(G, n) if m in pos]
        preferred = 6  # bottom center
        if others:
            dx = x - sum(pos[m][0] for m in others) / len(others)
            dy = y - sum(pos[m][1] for m in others) / len(others)
            if abs(dx) > 1e-6 or abs(dy) > 1e-6:
                preferred = int(((math.degrees(math.atan2(dy, dx)) % 360 + 22.5) % 360) // 45)
        width = len(texts[n]) * _CHAR_WIDTH
        own = (x - r, y - r, x + r, y + r)
        best = None
        for step in range(8):
            for where in sorted({(preferred + step) % 8, (preferred - step) % 8}):
                box = _label_box(x, y, r, width, where)
                value = cost(box) - _overlap(box, own) + step * 12.0
                if best is None or value < best[0]:
                    best = (value, where, box)
            if best[0] <= step * 12.0:  # nothing covered: the nearest free direction
                break
        out[n] = best[1]
        add(best[2])
    bounds = [0.0, 0.0, 0.0, 0.0]
    for i, box in enumerate(b for boxes in grid.values() for b in boxes):
        if i == 0:
            bounds = [box[0], box[2], box[1], box[3]]
        bounds = [min(bounds[0], box[0]), max(bounds[1], box[2]),
                  min(bounds[2], box[1]), max(bounds[3], box[3])]
    return out, [round(v, 1) for v in bounds]


def _edge_style(relation: str, emphasis: bool) -> str:
    if relation in EDGE_STYLES:
        return relation
    return "emphasis" if emphasis or relation in EMPHASIS else "plain"


def _page_data(G, pos, *, title, note, total_nodes, total_edges, dropped, max_nodes) -> dict:
    order = list(G.nodes())
    index = {n: i for i, n in enumerate(order)}
    kinds = list(KINDS) + sorted({str(d.get("kind") or "Other") for _n, d in G.nodes(data=True)}
                                 - set(KINDS))
    kind_index = {k: i for i, k in enumerate(kinds)}
    counts = {k: 0 for k in kinds}
    degree = {n: len(set(G.successors(n)) | set(G.predecessors(n))) if G.is_directed()
              else len(set(G.neighbors(n))) for n in order}
    texts = {n: _drawn_label(G, n) for n in order}
    sizes = {n: _marker_size(str(G.nodes[n].get("kind") or ""), degree[n]) for n in order}
    label_at, bounds = _label_positions(G, pos, texts, sizes)
    nodes = []
    for n in order:
        d = G.nodes[n]
        kind = str(d.get("kind") or "Other")
        counts[kind] += 1
        x, y = pos.get(n, (0.0, 0.0))
        evidence = []
        for e in d.get("evidence") or []:
            evidence.append([str(e.get("article") or ""), str(e.get("sentence") or ""),
                             str(e.get("exact") or ""), e.get("start"), e.get("end")])
        confidence = d.get("confidence")
        nodes.append({
            "id": str(n),
            "k": kind_index[kind],
            "t": str(d.get("type") or kind),
            "l": str(d.get("label") or n),
            "x": round(x, 1),
            "y": round(y, 1),
            "p": label_at[n],
            "s": texts[n],
            "z": sizes[n],
            "d": degree[n],
            "n": [str(v) for v in d.get("names") or []],
            "a": [str(v) for v in d.get("articles") or []],
            "f": [[str(p), str(v)] for p, v in (tuple(f) for f in d.get("facts") or [])],
            "e": evidence,
            "c": None if confidence is None else round(float(confidence), 3),
        })
    edges = []
    for u, v, key, d in G.edges(keys=True, data=True):
        relation = str(d.get("relation") or key)
        style = _edge_style(relation, bool(d.get("emphasis")))
        edges.append([index[u], index[v], relation, style,
                      [str(a) for a in d.get("articles") or []]])
    drawn = len(order)
    if dropped:
        cap_note = (f"showing {drawn:,} of {total_nodes:,} nodes: the most connected; "
                    f"use --focus to see a neighbourhood")
    else:
        cap_note = None
    return {
        "title": title,
        "note": note,
        "capNote": cap_note,
        "total": total_nodes,
        "totalEdges": total_edges,
        "drawn": drawn,
        "dropped": dropped,
        "maxNodes": max_nodes,
        "textPositions": list(_TEXT_POSITIONS),
        "bounds": bounds,
        "render": "webgl" if drawn >= WEBGL_NODES or len(edges) >= 10 * WEBGL_NODES else "svg",
        "kinds": [{"name": k, "color": KIND_STYLE.get(k, OTHER_KIND_STYLE)[0],
                   "symbol": KIND_STYLE.get(k, OTHER_KIND_STYLE)[1], "count": counts[k]}
                  for k in kinds],
        "edgeStyles": [{"name": s, "color": c, "width": w, "dash": dash, "legend": text}
                       for s, (c, w, dash, text) in EDGE_STYLES.items()],
        "nodes": nodes,
        "edges": edges,
    }


def _json_for_script(value) -> str:
    """JSON that can sit inside a ``<script>`` element: ``<``, ``>``, ``&`` and the line separators
    are escaped, so no string can end the element or start a comment."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _asset(name: str) -> str:
    return resources.files("tipgraph").joinpath(name).read_text(encoding="utf-8")


def _plotly_js() -> str:
    try:
        from plotly.offline import get_plotlyjs
    except ImportError as exc:  # pragma: no cover - a dependency
        raise RuntimeError("the interactive view needs the 'plotly' package "
                           "(pip install plotly)") from exc
    js = get_plotlyjs()
    # it is inlined in a <script> element: nothing in it may close the element
    return js.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


# no request of any kind may leave the page: scripts and styles are inline, images data:/blob:
_CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; worker-src blob:; "
        "connect-src 'none'; form-action 'none'; base-uri 'none'")


def _render(title: str, data: dict) -> str:
    template = _asset("viz_page.html")
    parts = {
        "@@CSP@@": html.escape(_CSP, quote=True),
        "@@TITLE@@": html.escape(title),
        "@@CSS@@": _asset("viz_page.css"),
        "@@DATA@@": _json_for_script(data),
        "@@PLOTLY@@": _plotly_js(),
        "@@APP@@": _asset("viz_page.js"),
    }
    out = []
    rest = template
    # replace the markers in template order, without looking into what was put in
    while True:
        found = [(rest.find(m), m) for m in parts if rest.find(m) >= 0]
        if not found:
            out.append(rest)
            break
        at, marker = min(found)
        out.append(rest[:at])
        out.append(parts[marker])
        rest = rest[at + len(marker):]
    return "".join(out)


# ------------------------------------------------------------------------------------------------
# Static pictures (SVG, PNG) with matplotlib
# ------------------------------------------------------------------------------------------------

STATIC_FORMATS = ("svg", "png")
"""Formats of :func:`draw_static`."""

MAX_STATIC_NODES = 250
"""Most nodes a static picture draws; a bigger graph is cut down with :func:`cap` (and the
picture says so)."""

_STATIC_MARKERS = {"Actor": "o", "Law": "s", "ReportSeries": "H", "Report": "D",
                   "Instrument": "p", "Rating": "*", "Claim": "^"}
_STATIC_SUPPORTS_COLOUR = "#1E8449"
_STATIC_EDGE_COLOUR = "#9A9A9A"


def _static_positions(G: nx.Graph) -> dict:
    """Deterministic positions: Kamada-Kawai for each connected component (spring layout with a
    fixed seed for big ones), the components packed in rows, biggest first."""
    H = nx.Graph()
    H.add_nodes_from(G)
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    components = sorted((sorted(c, key=str) for c in nx.connected_components(H)),
                        key=lambda c: (-len(c), str(c[0])))
    boxes = []
    for nodes in components:
        n = len(nodes)
        if n == 1:
            local = {nodes[0]: (0.0, 0.0)}
        else:
            sub = nx.relabel_nodes(H.subgraph(nodes), {m: i for i, m in enumerate(nodes)})
            ordered = nx.Graph()
            ordered.add_nodes_from(range(n))
            deg = dict(sub.degree())
            # edges at a hub are longer, so that its many neighbours get room around it
            ordered.add_edges_from((a, b, {"length": 1.0 + 0.12 * max(deg[a], deg[b])})
                                   for a, b in sorted(tuple(sorted(e)) for e in sub.edges()))
            if n <= 150:
                start = nx.circular_layout(ordered)
                raw = nx.kamada_kawai_layout(ordered, pos=start, weight="length")
            else:
                raw = nx.spring_layout(ordered, seed=LAYOUT_SEED, iterations=100)
            radius = math.sqrt(n) * 0.75
            local = _spread_labels({nodes[i]: (float(p[0]) * radius, float(p[1]) * radius)
                                    for i, p in sorted(raw.items())})
        xs = [p[0] for p in local.values()]
        ys = [p[1] for p in local.values()]
        local = {m: (p[0] - min(xs), p[1] - min(ys)) for m, p in local.items()}
        boxes.append((local, max(xs) - min(xs), max(ys) - min(ys)))
    gap = 1.0
    area = sum((w + gap) * (h + gap) for _l, w, h in boxes)
    row_width = max(math.sqrt(area) * 1.2, boxes[0][1] + gap) if boxes else 0.0
    if boxes and len(components[0]) * 2 >= H.number_of_nodes():
        row_width = boxes[0][1] + gap  # one big component: the small ones in rows below it
    positions = {}
    x = y = row_height = 0.0
    for local, w, h in boxes:
        if x > 0 and x + w >= row_width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        for m, p in local.items():
            positions[m] = (x + p[0], -(y + p[1]))
        x += w + gap
        row_height = max(row_height, h)
    return positions


def _spread_labels(pos: dict, width: float = 0.9, height: float = 0.55,
                   rounds: int = 60) -> dict:
    """Push apart the nodes whose labels (about ``width`` x ``height`` layout units, below the
    node) would overlap, along the axis where they overlap least. Deterministic."""
    names = list(pos)
    xy = [list(pos[m]) for m in names]
    for _ in range(rounds):
        moved = False
        order = sorted(range(len(xy)), key=lambda i: (xy[i][0], i))
        for a_at, i in enumerate(order):
            for j in order[a_at + 1:]:
                dx = xy[j][0] - xy[i][0]
                if dx >= width:
                    break
                dy = xy[j][1] - xy[i][1]
                if abs(dy) >= height:
                    continue
                over_x, over_y = width - abs(dx), height - abs(dy)
                if over_x * 0.6 < over_y:  # moving sideways costs less
                    step = over_x / 2 + 0.01
                    xy[i][0] -= step
                    xy[j][0] += step
                else:
                    step = (over_y / 2 + 0.01) * (1 if dy >= 0 else -1)
                    xy[i][1] -= step
                    xy[j][1] += step
                moved = True
        if not moved:
            break
    return {m: (xy[k][0], xy[k][1]) for k, m in enumerate(names)}


def _static_label(data: dict, width: int = 22) -> str:
    """A node's label cut and wrapped for a picture: at most two lines of about ``width``."""
    label = " ".join(str(data.get("label") or "").split())
    if data.get("kind") == "Claim" and ": " in label:
        label = "“" + label.split(": ", 1)[1].rstrip("…") + "”"
    words, lines, line = label.split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
            if len(lines) == 2:
                break
        else:
            line = f"{line} {word}" if line else word
    else:
        lines.append(line)
        line = ""
    if len(lines) > 2 or line:
        lines = lines[:2]
        lines[-1] = lines[-1][: width - 1].rstrip(" ,;:.") + "…"
    return "\n".join(text[: width + 8] for text in lines)


def draw_static(G: nx.MultiDiGraph, path: str | Path, fmt: str | None = None,
                title: str | None = None, *, max_nodes: int = MAX_STATIC_NODES) -> Path:
    """Draw ``G`` (a projection, or a part of one) as an SVG or PNG picture at ``path``; ``fmt``
    defaults to the extension. Nodes are coloured and shaped by kind (legend), labels shortened,
    disputes (red), supports (green) and does-not-apply-to (red, dashed) edges stand out. The
    layout is deterministic and so are the bytes (SVG: fixed hash salt, no date). A graph with
    more than ``max_nodes`` nodes is cut down with :func:`cap` first. Returns the path."""
    import io

    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    from .errors import ExportError
    from .export import write_atomically
    from .project import EMPHASIS_COLOUR, KIND_COLOURS

    target = Path(path)
    key = (fmt or target.suffix.lstrip(".")).lower()
    if key not in STATIC_FORMATS:
        raise ExportError(f"unknown picture format {key or '(none)'!r}; formats: "
                          f"{', '.join(STATIC_FORMATS)}", path=target)
    total_nodes, total_edges = totals(G)
    drawn, _ = cap(G, max_nodes)
    dropped = total_nodes - drawn.number_of_nodes()
    pos = _static_positions(drawn)
    n = drawn.number_of_nodes()

    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    span_x, span_y = max(xs) - min(xs) or 1.0, max(ys) - min(ys) or 1.0
    side = min(30.0, max(9.0, math.sqrt(max(n, 1)) * 2.1))
    aspect = span_y / span_x
    width, height = (side, max(6.0, side * aspect)) if aspect <= 1 else \
        (max(8.0, side / aspect), side)
    height += 1.2  # title and legend

    degree = dict(drawn.degree())
    with matplotlib.rc_context({"svg.hashsalt": "tipgraph", "svg.fonttype": "none",
                                "font.family": "DejaVu Sans", "path.simplify": True}):
        fig = Figure(figsize=(width, height), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.01, 0.01, 0.98, 0.98 - 1.0 / height))
        ax.set_axis_off()
        pad = 0.6
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
        ax.set_ylim(min(ys) - pad, max(ys) + pad)

        # edges: one line per pair of nodes; its style from the most telling relation
        pairs: dict[tuple, set] = {}
        for u, v, k in drawn.edges(keys=True):
            if u != v:
                pairs.setdefault((u, v), set()).add(k)
        plain, special = [], []
        for (u, v), relations in pairs.items():
            if "disputes" in relations:
                special.append((u, v, EMPHASIS_COLOUR, "solid"))
            elif "supports" in relations:
                special.append((u, v, _STATIC_SUPPORTS_COLOUR, "solid"))
            elif "does-not-apply-to" in relations:
                special.append((u, v, EMPHASIS_COLOUR, "dashed"))
            else:
                plain.append((u, v))
        marker_size = {m: 90 + 25 * min(degree.get(m, 0), 16) for m in drawn}
        for u, v in plain:
            ax.add_patch(FancyArrowPatch(
                pos[u], pos[v], arrowstyle="-|>", mutation_scale=7, color=_STATIC_EDGE_COLOUR,
                linewidth=0.7, alpha=0.8, shrinkA=6, shrinkB=math.sqrt(marker_size[v]) / 2 + 1,
                zorder=1))
        for u, v, colour, style in special:
            ax.add_patch(FancyArrowPatch(
                pos[u], pos[v], arrowstyle="-|>", mutation_scale=10, color=colour,
                linewidth=1.6, linestyle=style, shrinkA=6,
                shrinkB=math.sqrt(marker_size[v]) / 2 + 1, connectionstyle="arc3,rad=0.06",
                zorder=2))

        # nodes, one scatter per kind (the legend's entries)
        kinds_present = [k for k in KINDS if any(d.get("kind") == k for _m, d in
                                                 drawn.nodes(data=True))]
        others = sorted({str(d.get("kind")) for _m, d in drawn.nodes(data=True)} - set(KINDS))
        handles = []
        for kind in kinds_present + others:
            members = [m for m, d in drawn.nodes(data=True) if str(d.get("kind")) == kind]
            colour = KIND_COLOURS.get(kind, "#777777")
            marker = _STATIC_MARKERS.get(kind, "o")
            ax.scatter([pos[m][0] for m in members], [pos[m][1] for m in members],
                       s=[marker_size[m] * (1.8 if marker == "*" else 1) for m in members],
                       c=colour, marker=marker, edgecolors="#333333", linewidths=0.6, zorder=4)
            handles.append(Line2D([], [], linestyle="none", marker=marker, markersize=9,
                                  markerfacecolor=colour, markeredgecolor="#333333",
                                  label=f"{kind} ({len(members)})"))
        handles.append(Line2D([], [], color=EMPHASIS_COLOUR, linewidth=1.6, label="disputes"))
        handles.append(Line2D([], [], color=_STATIC_SUPPORTS_COLOUR, linewidth=1.6,
                              label="supports"))
        handles.append(Line2D([], [], color=EMPHASIS_COLOUR, linewidth=1.6, linestyle="dashed",
                              label="does not apply to"))
        handles.append(Line2D([], [], color=_STATIC_EDGE_COLOUR, linewidth=0.8,
                              label="other relation"))

        font = 7.5 if n <= 80 else 6.5 if n <= 160 else 5.5
        for m, data in drawn.nodes(data=True):
            x, y = pos[m]
            ax.text(x, y - 0.16 - math.sqrt(marker_size[m]) / 180, _static_label(data),
                    fontsize=font, ha="center", va="top", zorder=3, color="#111111",
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.75,
                          "edgecolor": "none"})

        heading = title or f"tipgraph: {n} nodes, {drawn.number_of_edges()} edges"
        if dropped:
            heading += (f"  (the {n} best connected of {total_nodes} nodes; "
                        f"{total_edges - drawn.number_of_edges()} edges not drawn)")
        fig.suptitle(heading, fontsize=12, x=0.01, ha="left", y=1 - 0.25 / height)
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 1.0), fontsize=8,
                  frameon=True, framealpha=0.9, ncols=min(len(handles), 6))

        buffer = io.BytesIO()
        metadata = {"Date": None} if key == "svg" else {"Software": None}
        fig.savefig(buffer, format=key, dpi=100 if key == "svg" else 150, metadata=metadata)
    write_atomically(target, buffer.getvalue())
    return target
