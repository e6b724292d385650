"""Statistics of the people's view of the graph (:func:`tipgraph.project.project`).

:func:`graph_stats` counts nodes by kind and type and edges by relation, ranks the most central
actors (degree and betweenness), the claims, reports and ratings disputed by most claims, and the
connected components; :func:`render_stats` prints them as aligned text tables or as JSON. Both are
deterministic: ties are broken by label and IRI, floats rounded.

Betweenness is exact while it costs less than :data:`BETWEENNESS_BUDGET` (nodes x (nodes + edges));
on bigger graphs it is estimated from as many sample nodes as the budget allows (at least
:data:`MIN_SAMPLES`, with a fixed seed), and the result says so.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import networkx as nx

from .errors import TipgraphError
from .project import KINDS, short_iri
from .query import _pad, _truncate, _width

__all__ = ["TOP", "BETWEENNESS_BUDGET", "MIN_SAMPLES", "STATS_FORMATS", "graph_stats",
           "render_stats"]

TOP = 10
"""How many actors and disputed nodes the rankings list."""

BETWEENNESS_BUDGET = 3_000_000
"""Roughly how many node and edge visits betweenness may cost (one traversal per sample node)."""

MIN_SAMPLES = 32
"""Fewest sample nodes of an estimated betweenness."""

STATS_FORMATS = ("table", "json")


def _label(G: nx.Graph, node: str) -> str:
    return str(G.nodes[node].get("label") or node)


def graph_stats(G: nx.MultiDiGraph, top: int = TOP) -> dict[str, Any]:
    """Counts, rankings and components of a projected graph (see the module's docstring)."""
    kinds = Counter(data.get("kind", "") for _n, data in G.nodes(data=True))
    types = Counter(data.get("type", "") for _n, data in G.nodes(data=True))
    relations = Counter(k if G.is_multigraph() else data.get("relation", "")
                        for *_uv, k, data in _edges(G))
    articles = set()
    for _n, data in G.nodes(data=True):
        articles.update(data.get("articles") or ())

    actors = [n for n, data in G.nodes(data=True) if data.get("kind") == "Actor"]
    degree = dict(G.degree())
    by_degree = sorted(actors, key=lambda n: (-degree[n], _label(G, n), n))[:top]

    simple = nx.Graph()
    simple.add_nodes_from(G.nodes)
    simple.add_edges_from((u, v) for u, v in G.edges() if u != v)
    n_nodes = simple.number_of_nodes()
    samples = max(MIN_SAMPLES, BETWEENNESS_BUDGET // max(1, n_nodes + simple.number_of_edges()))
    sampled = samples < n_nodes
    if n_nodes:
        between = nx.betweenness_centrality(simple, k=samples if sampled else None,
                                            seed=0 if sampled else None, normalized=True)
    else:
        between = {}
    by_between = sorted(actors, key=lambda n: (-round(between.get(n, 0.0), 9), _label(G, n),
                                               n))[:top]

    disputed = Counter()
    disputers: dict[str, set[str]] = {}
    for u, v, k, data in _edges(G):
        relation = k if G.is_multigraph() else data.get("relation")
        if relation == "disputes":
            disputed[v] += 1
            disputers.setdefault(v, set()).add(u)
    most_disputed = sorted(disputed, key=lambda n: (-disputed[n], _label(G, n), n))[:top]

    components = sorted((len(c) for c in nx.connected_components(simple)), reverse=True)

    def actor_row(n: str, **extra) -> dict[str, Any]:
        data = G.nodes[n]
        return {"node": n, "label": _label(G, n), "type": data.get("type", ""), **extra}

    return {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "articles": len(articles),
        "nodes_by_kind": {kind: kinds.get(kind, 0) for kind in
                          list(KINDS) + sorted(k for k in kinds if k not in KINDS)},
        "nodes_by_type": dict(sorted(types.items())),
        "edges_by_relation": dict(sorted(relations.items())),
        "top_actors_by_degree": [actor_row(n, degree=degree[n]) for n in by_degree],
        "top_actors_by_betweenness": [actor_row(n, betweenness=round(between.get(n, 0.0), 6))
                                      for n in by_between],
        "betweenness": {"exact": not sampled, "samples": samples if sampled else n_nodes},
        "most_disputed": [
            {"node": n, "label": _label(G, n), "kind": G.nodes[n].get("kind", ""),
             "disputes": disputed[n], "claimants": len({
                 c for claim in disputers[n] for c, _x, key in G.in_edges(claim, keys=True)
                 if key == "claims"} if G.is_multigraph() else set())}
            for n in most_disputed],
        "components": {
            "count": len(components),
            "largest": components[:5],
            "isolated": sum(1 for size in components if size == 1),
        },
    }


def _edges(G: nx.Graph):
    if G.is_multigraph():
        yield from G.edges(keys=True, data=True)
    else:
        for u, v, data in G.edges(data=True):
            yield u, v, data.get("relation", ""), data


# ------------------------------------------------------------------------------------------------
# Rendering
# ------------------------------------------------------------------------------------------------

def render_stats(stats: dict[str, Any], fmt: str = "table") -> str:
    """``stats`` (from :func:`graph_stats`) as aligned text tables (``table``) or JSON (``json``:
    sorted keys, two-space indent)."""
    if fmt == "json":
        return json.dumps(stats, sort_keys=True, indent=2, ensure_ascii=False)
    if fmt != "table":
        raise TipgraphError(f"unknown stats format {fmt!r}; formats: {', '.join(STATS_FORMATS)}")
    parts = [
        f"{stats['nodes']} nodes, {stats['edges']} edges, {stats['articles']} articles",
        _section("Nodes by kind", ["kind", "nodes"],
                 [[k, v] for k, v in stats["nodes_by_kind"].items()]),
        _section("Nodes by type", ["type", "nodes"],
                 [[k, v] for k, v in stats["nodes_by_type"].items()]),
        _section("Edges by relation", ["relation", "edges"],
                 [[k, v] for k, v in stats["edges_by_relation"].items()]),
        _section("Most central actors by degree", ["label", "type", "degree", "node"],
                 [[r["label"], r["type"], r["degree"], short_iri(r["node"])]
                  for r in stats["top_actors_by_degree"]]),
        _section("Most central actors by betweenness" + (
            "" if stats["betweenness"]["exact"]
            else f" (estimated from {stats['betweenness']['samples']} samples)"),
            ["label", "type", "betweenness", "node"],
            [[r["label"], r["type"], f"{r['betweenness']:.4f}", short_iri(r["node"])]
             for r in stats["top_actors_by_betweenness"]]),
        _section("Most disputed", ["label", "kind", "disputes", "claimants", "node"],
                 [[r["label"], r["kind"], r["disputes"], r["claimants"], short_iri(r["node"])]
                  for r in stats["most_disputed"]]),
        _section("Connected components", ["components", "largest", "isolated"],
                 [[stats["components"]["count"],
                   ", ".join(str(n) for n in stats["components"]["largest"]),
                   stats["components"]["isolated"]]]),
    ]
    return "\n\n".join(parts)


def _section(title: str, header: list[str], rows: list[list[Any]]) -> str:
    """A title and an aligned table like :func:`tipgraph.query.to_table`'s, numbers
    right-aligned."""
    cells = [[_truncate(" ".join(str(c).split())) for c in row] for row in rows]
    numeric = [all(isinstance(row[i], int) for row in rows) if rows else False
               for i in range(len(header))]
    widths = [_width(h) for h in header]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], _width(cell))

    def line(row: list[str]) -> str:
        out = []
        for i, (cell, width) in enumerate(zip(row, widths)):
            out.append(" " * (width - _width(cell)) + cell if numeric[i] else _pad(cell, width))
        return "  ".join(out).rstrip()

    lines = [title, line(header), "  ".join("-" * w for w in widths)]
    lines.extend(line(row) for row in cells)
    if not rows:
        lines.append("(none)")
    return "\n".join(lines)
