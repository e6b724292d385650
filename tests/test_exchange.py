"""Exchange formats (GraphML, GEXF, DOT) and static pictures (SVG, PNG) of the seed's projection."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from tipgraph.errors import ExportError
from tipgraph.exchange import FORMATS, network_bytes, read_network, write_network
from tipgraph.project import neighbourhood
from tipgraph.visualise import draw_static

from helpers import linked_seed_projection  # noqa: E402

TGID = "https://w3id.org/tipgraph/id/"
HONG_KONG = TGID + "actor/hong-kong"
REPORT = TGID + "report/2024-trafficking-in-persons-report"
SPOKESPERSON = TGID + "article/000_df495ebb58d21c9e/person/spokesperson-hong-kong"


@pytest.fixture(scope="module")
def G():
    return linked_seed_projection()


def quoted_claim(G) -> str:
    """A claim of the spokesperson with a quotation (its evidence holds quotation marks)."""
    for _u, claim, key in sorted(G.out_edges(SPOKESPERSON, keys=True)):
        if key == "claims" and any(p == "tg:quotation" for p, _v in G.nodes[claim]["facts"]):
            return claim
    raise AssertionError("no quoted claim")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip(G, tmp_path, fmt):
    path = write_network(G, tmp_path / f"seed.{fmt}")
    back = read_network(path)
    assert isinstance(back, nx.MultiDiGraph)
    assert back.number_of_nodes() == G.number_of_nodes()
    assert back.number_of_edges() == G.number_of_edges()
    assert list(back.nodes) == list(G.nodes)
    assert sorted(back.edges(keys=True)) == sorted(G.edges(keys=True))
    for node, data in G.nodes(data=True):
        assert back.nodes[node] == data, node  # every attribute, with its type
    for u, v, key, data in G.edges(keys=True, data=True):
        assert back.edges[u, v, key] == data
    claim = quoted_claim(G)
    evidence = back.nodes[claim]["evidence"]
    assert evidence and evidence == G.nodes[claim]["evidence"]
    assert any('"' in e["sentence"] or "vehemently" in e["sentence"] for e in evidence)
    assert back.edges[claim, REPORT, "disputes"]["emphasis"] is True


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_bytes_are_deterministic(G, tmp_path, fmt):
    first = write_network(G, tmp_path / f"a.{fmt}").read_bytes()
    second = write_network(project_again(G), tmp_path / f"b.{fmt}").read_bytes()
    assert first == second
    assert network_bytes(G, fmt) == first


def project_again(G):
    """A copy of G built in the same order (what a second projection gives)."""
    H = nx.MultiDiGraph()
    H.add_nodes_from((n, dict(d)) for n, d in G.nodes(data=True))
    H.add_edges_from((u, v, k, dict(d)) for u, v, k, d in G.edges(keys=True, data=True))
    return H


def test_graphml_attributes_for_graph_tools(G, tmp_path):
    path = write_network(G, tmp_path / "seed.graphml")
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(path).getroot()
    keys = {k.get("attr.name"): (k.get("for"), k.get("attr.type"))
            for k in root.findall("g:key", ns)}
    assert keys["kind"] == ("node", "string")
    assert keys["label"] == ("node", "string")
    assert keys["confidence"] == ("node", "double")
    assert keys["evidence"] == ("node", "string")
    assert keys["emphasis"] == ("edge", "boolean")
    assert keys["relation"] == ("edge", "string")
    edge_ids = [e.get("id") for e in root.iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert len(edge_ids) == len(set(edge_ids)) == G.number_of_edges()
    raw = nx.read_graphml(path)  # what any GraphML reader sees: plain strings
    hk = raw.nodes[HONG_KONG]
    assert hk["names"].split("; ") == G.nodes[HONG_KONG]["names"]
    assert json.loads(hk["facts"]) == G.nodes[HONG_KONG]["facts"]
    assert json.loads(raw.nodes[quoted_claim(G)]["evidence"])[0]["article"] == \
        "000_df495ebb58d21c9e"


def test_none_is_left_out(G, tmp_path):
    without = [n for n, d in G.nodes(data=True) if d["confidence"] is None]
    assert without  # the report series of the seed has no annotation of its own
    raw = nx.read_graphml(write_network(G, tmp_path / "seed.graphml"))
    assert "confidence" not in raw.nodes[without[0]]
    assert read_network(tmp_path / "seed.graphml").nodes[without[0]]["confidence"] is None


def test_gexf_for_gephi(G, tmp_path):
    path = write_network(G, tmp_path / "seed.gexf")
    text = path.read_text(encoding="utf-8")
    assert "lastmodifieddate" not in text
    raw = nx.read_gexf(path)
    assert raw.nodes[HONG_KONG]["label"] == "Hong Kong"
    assert raw.nodes[HONG_KONG]["viz"]["color"]  # coloured by kind
    assert raw.nodes[HONG_KONG]["kind"] == "Actor"


def test_dot(G, tmp_path):
    path = write_network(G, tmp_path / "seed.dot")
    text = path.read_text(encoding="utf-8")
    assert text.startswith('digraph "tipgraph" {')
    assert f'"{HONG_KONG}" [kind="Actor"' in text
    assert '\\"' in text  # quotation marks inside values are escaped
    pydot = pytest.importorskip("pydot")
    graphs = pydot.graph_from_dot_file(str(path))
    assert graphs and len(graphs[0].get_edges()) == G.number_of_edges()


def test_odd_text_survives(tmp_path):
    G = nx.MultiDiGraph()
    odd = 'a "quoted" back\\slash, ends with \\'
    G.add_node("x", kind="Actor", type="Person", label=odd, names=["a; b", "c"], articles=[],
               facts=[["tg:quotation", 'line\nbreak "x"']], evidence=[], confidence=None)
    G.add_node("y", kind="Claim", type="Claim", label="ü ✓ 東京", names=[], articles=["a1"],
               facts=[], evidence=[{"article": "a1", "sentence": "s\\n", "exact": "s",
                                    "start": 0, "end": 1}], confidence=0.5)
    G.add_edge("x", "y", key="claims", relation="claims", emphasis=False, articles=["a1"])
    for fmt in sorted(FORMATS):
        back = read_network(write_network(G, tmp_path / f"odd.{fmt}"))
        assert back.nodes["x"]["label"] == odd, fmt
        assert back.nodes["x"]["facts"] == G.nodes["x"]["facts"], fmt
        assert back.nodes["y"] == G.nodes["y"], fmt
        # names joined with "; " cannot hold "; " themselves: documented, not silently wrong
        assert back.nodes["x"]["names"] in (["a; b", "c"], ["a", "b", "c"])


def test_errors(G, tmp_path):
    with pytest.raises(ExportError, match="unknown network format"):
        write_network(G, tmp_path / "seed.xyz")
    with pytest.raises(ExportError, match="no such file"):
        read_network(tmp_path / "missing.graphml")
    (tmp_path / "bad.graphml").write_text("<graphml", encoding="utf-8")
    with pytest.raises(ExportError, match="cannot read"):
        read_network(tmp_path / "bad.graphml")
    (tmp_path / "dir.graphml").mkdir()
    with pytest.raises(ExportError):
        write_network(G, tmp_path / "dir.graphml")
    assert not list(tmp_path.glob(".*.tmp"))  # no partial file left behind


# ------------------------------------------------------------------------------------------------
# Static pictures
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_static_picture(G, tmp_path, fmt):
    first = draw_static(G, tmp_path / f"seed.{fmt}", title="Hong Kong slams US watch list")
    second = draw_static(G, tmp_path / f"again.{fmt}", title="Hong Kong slams US watch list")
    data = first.read_bytes()
    assert data == second.read_bytes()  # deterministic
    if fmt == "svg":
        text = data.decode("utf-8")
        assert text.lstrip().startswith("<?xml") and "<svg" in text
        assert "<dc:date>" not in text
        for label in ("Hong Kong", "Palermo Protocol", "2024 Trafficking in", "Hong Kong: Tier 2",
                      "government", "Actor (", "Claim (", "disputes",
                      "Hong Kong slams US watch list"):
            assert label in text, label
    else:
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        width = int.from_bytes(data[16:20], "big")
        height = int.from_bytes(data[20:24], "big")
        assert width >= 1200 and height >= 900


def test_static_focus_and_cap(G, tmp_path):
    part = neighbourhood(G, "Palermo Protocol", 1)
    svg = draw_static(part, tmp_path / "palermo.svg").read_text(encoding="utf-8")
    assert "Macao" in svg and "does not apply to" in svg
    capped = draw_static(G, tmp_path / "capped.svg", max_nodes=10).read_text(encoding="utf-8")
    assert "the 10 best connected of" in capped
    with pytest.raises(ExportError, match="unknown picture format"):
        draw_static(G, tmp_path / "seed.jpg")
