"""Statistics of the people's view of the seed article's graph."""

from __future__ import annotations

import json
from collections import Counter

import networkx as nx
import pytest

from tipgraph.errors import TipgraphError
from tipgraph.project import KINDS
from tipgraph.stats import graph_stats, render_stats

from helpers import linked_seed_projection  # noqa: E402

TGID = "https://w3id.org/tipgraph/id/"
HONG_KONG = TGID + "actor/hong-kong"
REPORT = TGID + "report/2024-trafficking-in-persons-report"
RATING = TGID + "rating/hong-kong/2024-trafficking-in-persons-report"


@pytest.fixture(scope="module")
def G():
    return linked_seed_projection()


@pytest.fixture(scope="module")
def stats(G):
    return graph_stats(G)


def test_counts_match_the_projection(G, stats):
    assert stats["nodes"] == G.number_of_nodes()
    assert stats["edges"] == G.number_of_edges()
    assert stats["articles"] == 1
    kinds = Counter(d["kind"] for _n, d in G.nodes(data=True))
    assert list(stats["nodes_by_kind"]) == list(KINDS)
    assert stats["nodes_by_kind"] == {k: kinds.get(k, 0) for k in KINDS}
    assert stats["nodes_by_kind"]["Claim"] == 14
    assert stats["nodes_by_type"] == dict(sorted(Counter(
        d["type"] for _n, d in G.nodes(data=True)).items()))
    assert sum(stats["nodes_by_type"].values()) == G.number_of_nodes()
    relations = Counter(k for _u, _v, k in G.edges(keys=True))
    assert stats["edges_by_relation"] == dict(sorted(relations.items()))
    assert stats["edges_by_relation"]["claims"] == 14


def test_top_actors(G, stats):
    by_degree = stats["top_actors_by_degree"]
    assert 0 < len(by_degree) <= 10
    assert by_degree[0]["node"] == HONG_KONG and by_degree[0]["label"] == "Hong Kong"
    assert by_degree[0]["degree"] == G.degree(HONG_KONG)
    degrees = [row["degree"] for row in by_degree]
    assert degrees == sorted(degrees, reverse=True)
    assert all(G.nodes[row["node"]]["kind"] == "Actor" for row in by_degree)
    assert TGID + "actor/us-department-of-state" in [row["node"] for row in by_degree[:3]]

    by_between = stats["top_actors_by_betweenness"]
    assert by_between[0]["node"] == HONG_KONG
    values = [row["betweenness"] for row in by_between]
    assert values == sorted(values, reverse=True)
    exact = nx.betweenness_centrality(nx.Graph(G.to_undirected()))
    assert by_between[0]["betweenness"] == pytest.approx(exact[HONG_KONG], abs=1e-6)
    assert stats["betweenness"] == {"exact": True, "samples": G.number_of_nodes()}


def test_most_disputed(G, stats):
    rows = stats["most_disputed"]
    assert rows[0]["node"] == REPORT
    in_disputes = Counter(v for _u, v, k in G.edges(keys=True) if k == "disputes")
    assert rows[0]["disputes"] == in_disputes[REPORT] == max(in_disputes.values())
    assert {row["node"] for row in rows} == set(in_disputes)
    assert RATING in {row["node"] for row in rows}
    assert any(row["kind"] == "Claim" for row in rows)
    report = rows[0]
    assert report["claimants"] == 2  # Hong Kong officials and the government spokesperson


def test_components(G, stats):
    components = sorted((len(c) for c in nx.weakly_connected_components(G)), reverse=True)
    assert stats["components"]["count"] == len(components)
    assert stats["components"]["largest"] == components[:5]
    assert stats["components"]["isolated"] == sum(1 for n in components if n == 1)
    assert stats["components"]["largest"][0] > 30


def test_json(stats):
    text = render_stats(stats, "json")
    assert json.loads(text) == stats
    assert text == render_stats(json.loads(text), "json")
    assert text == json.dumps(stats, sort_keys=True, indent=2, ensure_ascii=False)


def test_table(stats):
    text = render_stats(stats, "table")
    assert text.startswith(f"{stats['nodes']} nodes, {stats['edges']} edges, 1 articles")
    for title in ("Nodes by kind", "Nodes by type", "Edges by relation",
                  "Most central actors by degree", "Most central actors by betweenness",
                  "Most disputed", "Connected components"):
        assert f"\n{title}\n" in text
    lines = text.splitlines()
    kind_lines = lines[lines.index("Nodes by kind") + 1:lines.index("Nodes by kind") + 10]
    assert kind_lines[0].split() == ["kind", "nodes"]
    assert set(kind_lines[1]) <= {"-", " "}
    assert "Claim" in text and "tgid:actor/hong-kong" in text
    # aligned: every row of a table as wide as its rule or narrower
    rule = kind_lines[1]
    for row in kind_lines[2:9]:
        assert len(row) <= len(rule)
        assert row.split()[-1].isdigit()
    assert render_stats(stats, "table") == text  # deterministic


def test_empty_graph_and_bad_format():
    stats = graph_stats(nx.MultiDiGraph())
    assert stats["nodes"] == 0 and stats["components"]["count"] == 0
    assert "0 nodes" in render_stats(stats, "table")
    with pytest.raises(TipgraphError, match="unknown stats format"):
        render_stats(stats, "yaml")


def test_deterministic(G, stats):
    assert graph_stats(G) == stats
    assert render_stats(graph_stats(G), "json") == render_stats(stats, "json")
