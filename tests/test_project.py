"""The people's view of the graph: tipgraph.project on the seed article."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from tipgraph.article import read_article
from tipgraph.build import build_dataset
from tipgraph.errors import TipgraphError
from tipgraph.link import link
from tipgraph.project import (EMPHASIS, KINDS, RELATIONS, ProjectionError, cap, neighbourhood,
                              project, resolve_node)
from tipgraph.reference import load_reference

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "articles" / "000_df495ebb58d21c9e.txt"
ARTICLE = "000_df495ebb58d21c9e"
TGID = "https://w3id.org/tipgraph/id/"
HONG_KONG = TGID + "actor/hong-kong"
STATE_DEPARTMENT = TGID + "actor/us-department-of-state"
PALERMO = TGID + "instrument/palermo-protocol"
REPORT = TGID + "report/2024-trafficking-in-persons-report"
SERIES = TGID + "series/trafficking-in-persons-report"
RATING = TGID + "rating/hong-kong/2024-trafficking-in-persons-report"
OFFICIALS = TGID + f"article/{ARTICLE}/group/hong-kong-officials"
SPOKESPERSON = TGID + f"article/{ARTICLE}/person/spokesperson-hong-kong"
NODE_ATTRIBUTES = {"kind", "type", "label", "names", "articles", "facts", "evidence", "confidence"}


@pytest.fixture(scope="module")
def dataset():
    ds = build_dataset([SEED])
    link(ds, load_reference())
    return ds


@pytest.fixture(scope="module")
def G(dataset):
    return project(dataset)


@pytest.fixture(scope="module")
def text():
    return read_article(SEED).text


def facts(G, node, prop):
    return sorted(value for p, value in G.nodes[node]["facts"] if p == prop)


def claims_of(G, claimant):
    return sorted(v for _u, v, k in G.out_edges(claimant, keys=True) if k == "claims")


# ------------------------------------------------------------------------------------------------
# Nodes
# ------------------------------------------------------------------------------------------------

def test_expected_nodes(G):
    expected = {
        HONG_KONG: ("Actor", "State", "Hong Kong"),
        STATE_DEPARTMENT: ("Actor", "GovernmentBody", "United States Department of State"),
        PALERMO: ("Instrument", "Protocol", "Palermo Protocol"),
        REPORT: ("Report", "Report", "2024 Trafficking in Persons Report"),
        SERIES: ("ReportSeries", "ReportSeries", "Trafficking in Persons Report"),
        RATING: ("Rating", "Rating", "Hong Kong: Tier 2 Watch List (2024)"),
        OFFICIALS: ("Actor", "ActorGroup", "Hong Kong officials"),
        SPOKESPERSON: ("Actor", "Person", "government spokesperson"),
        TGID + "law/safeguarding-national-security-ordinance":
            ("Law", "Statute", "Safeguarding National Security Ordinance"),
    }
    for node, (kind, type_, label) in expected.items():
        data = G.nodes[node]
        assert (data["kind"], data["type"], data["label"]) == (kind, type_, label), node
    claims = [n for n, d in G.nodes(data=True) if d["kind"] == "Claim"]
    assert len(claims) == 14
    assert all(n.startswith(TGID + f"article/{ARTICLE}/claim/") for n in claims)


def test_no_plumbing_nodes(G):
    for node, data in G.nodes(data=True):
        assert set(data) == NODE_ATTRIBUTES, node
        assert data["kind"] in KINDS
        assert "/annotation/" not in node
        assert "/activity/" not in node
        assert not node.startswith(TGID + "mapper/")
        assert not node.startswith(TGID + "source/")
        assert not node.startswith(TGID + "tier/")
        assert not node.startswith(TGID + "reference/")
        assert not node.startswith(TGID + "link/")
        assert node != TGID + f"article/{ARTICLE}"
        for part in ("/figure/", "/date/"):
            assert part not in node
    # no literal became a node: every node is an IRI of tipgraph's entities
    assert all(n.startswith(TGID) for n in G)


def test_attributes_are_plain_and_sorted(G):
    for node, data in G.nodes(data=True):
        assert data["names"] == sorted(set(data["names"]))
        assert data["articles"] == sorted(set(data["articles"]))
        pairs = [tuple(f) for f in data["facts"]]
        assert pairs == sorted(set(pairs)), node
        assert all(len(f) == 2 and all(isinstance(x, str) for x in f) for f in data["facts"])
        assert data["confidence"] is None or 0.0 <= data["confidence"] <= 1.0


def test_literals_become_attributes(G):
    hk = G.nodes[HONG_KONG]
    assert "HKSAR" in hk["names"] and "Hong Kong" in hk["names"]
    assert hk["articles"] == [ARTICLE]
    assert ["tg:partOf", "China"] in hk["facts"]
    assert ["schema:identifier", "wikidata:Q8646"] in hk["facts"]
    assert ["owl:sameAs", "http://www.wikidata.org/entity/Q8646"] in hk["facts"]
    assert "HKD 77000000 (2024-25, anti-trafficking efforts)" in facts(G, HONG_KONG,
                                                                       "tg:MonetaryAmount")
    assert "2024: Tier 2 Watch List" in facts(G, HONG_KONG, "tg:RatingRecord")
    assert "2018: Tier 2 Watch List (downgrade waived)" in facts(G, HONG_KONG, "tg:RatingRecord")

    rating = G.nodes[RATING]
    assert facts(G, RATING, "tg:tier") == ["Tier 2 Watch List"]
    assert facts(G, RATING, "tg:year") == ["2024"]
    assert facts(G, RATING, "tg:movement") == ["downgrade"]
    assert rating["articles"] == [ARTICLE]

    palermo = G.nodes[PALERMO]
    assert "Palermo Protocol" in palermo["names"]
    assert facts(G, PALERMO, "tg:adoptedOn") == ["2000-11-15"]
    assert facts(G, PALERMO, "tg:doesNotApplyTo") == ["Hong Kong"]
    assert facts(G, PALERMO, "schema:identifier") == ["untc:XVIII-12-a"]
    assert "2010-02-08 accession (China)" in facts(G, PALERMO, "tg:TreatyEvent")

    law = TGID + "law/safeguarding-national-security-ordinance"
    assert facts(G, law, "tg:dateEnacted") == ["2024-03-23"]
    assert facts(G, law, "tg:jurisdiction") == ["Hong Kong"]
    assert "2024-03" in facts(G, law, "tg:TemporalExpression")


def test_claims(G):
    quoted = [n for n in claims_of(G, SPOKESPERSON)
              if facts(G, n, "tg:quotation")]
    assert len(quoted) == 2
    for claim in quoted:
        data = G.nodes[claim]
        assert data["label"].startswith("government spokesperson: ")
        assert len(data["label"]) <= len("government spokesperson: ") + 81
        assert facts(G, claim, "tg:stance") == ["disputes"]
        assert facts(G, claim, "tg:claimant") == ["government spokesperson"]
        assert facts(G, claim, "tg:onBehalfOf") == ["Hong Kong"]
        assert data["confidence"] is not None
    rejected = [n for n in claims_of(G, OFFICIALS)
                if facts(G, n, "tg:reportingVerb") == ["rejected"]]
    assert len(rejected) == 1


# ------------------------------------------------------------------------------------------------
# Edges
# ------------------------------------------------------------------------------------------------

def test_edges(G):
    assert set(k for _u, _v, k in G.edges(keys=True)) <= set(RELATIONS)
    for u, v, k, data in G.edges(keys=True, data=True):
        assert data["relation"] == k
        assert data["emphasis"] is (k in EMPHASIS)
        assert data["articles"] == sorted(data["articles"])
        assert u in G and v in G and u != v
    assert G.has_edge(RATING, HONG_KONG, "rates")
    assert G.has_edge(RATING, REPORT, "rated-in")
    assert G.has_edge(REPORT, SERIES, "series")
    assert G.has_edge(REPORT, STATE_DEPARTMENT, "published-by")
    assert G.has_edge(SERIES, STATE_DEPARTMENT, "published-by")
    assert G.has_edge(SPOKESPERSON, HONG_KONG, "speaks-for")
    assert G.has_edge(OFFICIALS, HONG_KONG, "speaks-for")
    assert G.has_edge(HONG_KONG, TGID + "actor/china", "part-of")
    assert G.has_edge(TGID + "law/safeguarding-national-security-ordinance",
                      TGID + "law/hong-kong-basic-law-article-23", "enacted-under")
    assert G.has_edge(TGID + "law/hong-kong-security-laws",
                      TGID + f"article/{ARTICLE}/group/ngos", "restricts")
    assert G.has_edge(TGID + "law/safeguarding-national-security-ordinance", HONG_KONG,
                      "jurisdiction")
    # from the reference data: the Protocol does not apply to Hong Kong (emphasised)
    edge = G.edges[PALERMO, HONG_KONG, "does-not-apply-to"]
    assert edge["emphasis"] is True
    assert G.has_edge(PALERMO, TGID + "actor/macao", "applies-to")


def test_claims_dispute_the_report_and_the_rating(G):
    spokesperson_claims = claims_of(G, SPOKESPERSON)
    assert spokesperson_claims
    for claim in spokesperson_claims:
        assert G.has_edge(claim, REPORT, "disputes")
        assert G.edges[claim, REPORT, "disputes"]["emphasis"] is True
        assert G.edges[claim, REPORT, "disputes"]["articles"] == [ARTICLE]
        assert G.has_edge(claim, HONG_KONG, "on-behalf-of")
    assert any(G.has_edge(claim, RATING, "disputes") for claim in spokesperson_claims)
    # the claims they dispute are the State Department's
    disputed_claims = {v for c in spokesperson_claims for _u, v, k in G.out_edges(c, keys=True)
                       if k == "disputes" and G.nodes[v]["kind"] == "Claim"}
    assert disputed_claims
    for claim in disputed_claims:
        assert G.has_edge(STATE_DEPARTMENT, claim, "claims")


def test_claimant_edges(G):
    for node, data in G.nodes(data=True):
        if data["kind"] == "Claim":
            claimants = [u for u, _v, k in G.in_edges(node, keys=True) if k == "claims"]
            assert len(claimants) == 1, node
            assert G.nodes[claimants[0]]["kind"] == "Actor"
            assert data["label"].startswith(G.nodes[claimants[0]]["label"] + ": ")


# ------------------------------------------------------------------------------------------------
# Evidence
# ------------------------------------------------------------------------------------------------

def test_evidence_matches_the_article(G, text):
    seen = 0
    for node, data in G.nodes(data=True):
        evidence = data["evidence"]
        assert len(evidence) <= 20
        assert evidence == sorted(evidence, key=lambda e: (e["article"], e["start"], e["end"],
                                                           e["exact"], e["sentence"]))
        for entry in evidence:
            assert set(entry) == {"article", "sentence", "exact", "start", "end"}
            assert entry["article"] == ARTICLE
            assert text[entry["start"]:entry["end"]] == entry["exact"]
            assert " ".join(entry["exact"].split()) in " ".join(entry["sentence"].split()) or \
                entry["sentence"] in entry["exact"]
            seen += 1
    assert seen > 50
    rating = G.nodes[RATING]["evidence"]
    assert any("Tier 2" in e["exact"] or "watch list" in e["exact"].lower() for e in rating)
    quoted = [n for n in claims_of(G, SPOKESPERSON) if facts(G, n, "tg:quotation")]
    assert any("vehemently oppose" in e["sentence"]
               for n in quoted for e in G.nodes[n]["evidence"])


def test_confidence_is_the_highest_of_the_annotations(G):
    assert G.nodes[HONG_KONG]["confidence"] == pytest.approx(0.95)
    assert all(isinstance(d["confidence"], float) for n, d in G.nodes(data=True)
               if d["evidence"])


# ------------------------------------------------------------------------------------------------
# Without the reference data; determinism; speed
# ------------------------------------------------------------------------------------------------

def test_without_reference(dataset, G):
    H = project(dataset, reference=False)
    assert TGID + "actor/macao" not in H  # only the reference data names it
    assert set(H) <= set(G)
    assert not facts(H, HONG_KONG, "schema:identifier")
    assert not facts(H, HONG_KONG, "tg:RatingRecord")
    assert facts(H, HONG_KONG, "tg:MonetaryAmount")
    assert not H.has_edge(PALERMO, HONG_KONG, "does-not-apply-to")
    assert H.has_edge(RATING, HONG_KONG, "rates")


def test_unlinked_dataset():
    H = project(build_dataset([SEED]))
    assert HONG_KONG in H and RATING in H
    assert not facts(H, HONG_KONG, "schema:identifier")


def test_deterministic(dataset, G):
    again = project(dataset)
    assert list(again.nodes(data=True)) == list(G.nodes(data=True))
    assert list(again.edges(keys=True, data=True)) == list(G.edges(keys=True, data=True))
    assert list(G.nodes) == sorted(G.nodes)
    assert list(G.edges(keys=True)) == sorted(G.edges(keys=True))


def test_a_plain_graph_works(dataset, G):
    plain = Graph()
    for triple in dataset.triples((None, None, None)):
        plain.add(triple)
    H = project(plain)
    # without named graphs nothing tells the reference data from the article's: the earlier
    # editions of the report that only the tier history names become nodes too
    assert set(G) <= set(H)
    assert set(H) - set(G) == {TGID + f"report/{year}-trafficking-in-persons-report"
                               for year in range(2016, 2026) if year != 2024}
    assert set(G.edges(keys=True)) <= set(H.edges(keys=True))
    assert H.nodes[HONG_KONG]["facts"] == G.nodes[HONG_KONG]["facts"]
    assert H.nodes[HONG_KONG]["articles"] == [ARTICLE]  # from the annotations' provenance


# ------------------------------------------------------------------------------------------------
# neighbourhood, resolve_node, cap
# ------------------------------------------------------------------------------------------------

def test_neighbourhood(G):
    one = neighbourhood(G, "tgid:actor/hong-kong", 1)
    assert HONG_KONG in one
    expected = {HONG_KONG} | set(G.successors(HONG_KONG)) | set(G.predecessors(HONG_KONG))
    assert set(one) == expected
    assert list(one) == [n for n in G if n in expected]  # G's order
    for u, v, k in one.edges(keys=True):
        assert G.has_edge(u, v, k)
    assert one.nodes[HONG_KONG] == G.nodes[HONG_KONG]
    two = neighbourhood(G, HONG_KONG, 2)
    assert set(one) < set(two)
    assert set(neighbourhood(G, "Hong Kong", 0)) == {HONG_KONG}
    by_label = neighbourhood(G, "Palermo Protocol", 1)
    assert set(by_label) == {PALERMO, HONG_KONG, TGID + "actor/macao"}


def test_resolve_node(G):
    assert resolve_node(G, HONG_KONG) == HONG_KONG
    assert resolve_node(G, "tgid:actor/hong-kong") == HONG_KONG
    assert resolve_node(G, "hong kong") == HONG_KONG
    assert resolve_node(G, "HKSAR") == HONG_KONG  # an alias
    with pytest.raises(ProjectionError, match="Atlantis") as info:
        neighbourhood(G, "Atlantis", 1)
    assert isinstance(info.value, TipgraphError)


def test_cap(G):
    same, dropped = cap(G, 1000)
    assert same.number_of_nodes() == G.number_of_nodes() and dropped == 0
    small, dropped = cap(G, 12)
    assert small.number_of_nodes() == 12
    assert dropped == G.number_of_nodes() - 12
    assert HONG_KONG in small  # the best connected node
    assert list(small) == [n for n in G if n in small]
    for node, data in small.nodes(data=True):
        if data["kind"] == "Claim":  # a kept claim keeps its claimant
            assert any(k == "claims" for _u, _v, k in small.in_edges(node, keys=True)), node
    again, _ = cap(G, 12)
    assert list(again.nodes) == list(small.nodes)
    assert list(again.edges(keys=True)) == list(small.edges(keys=True))
    assert cap(G, 0)[0].number_of_nodes() == 0


# ------------------------------------------------------------------------------------------------
# Parts: what each graph contributes, kept with a store, and evidence looked up afterwards
# ------------------------------------------------------------------------------------------------

THREE = [ROOT / "data" / "articles" / name for name in
         ("000_df495ebb58d21c9e.txt", "111_us_tip_report_2025.txt",
          "112_hong_kong_domestic_helpers.txt")]


@pytest.fixture(scope="module")
def three():
    ds = build_dataset(THREE)
    link(ds, load_reference())
    return ds


def _same(A, B):
    assert list(A.nodes(data=True)) == list(B.nodes(data=True))
    assert list(A.edges(keys=True, data=True)) == list(B.edges(keys=True, data=True))


def test_the_parts_of_the_graphs_assemble_in_any_order_into_the_projection(three):
    from tipgraph.project import add_evidence, assemble, dataset_parts

    parts = dataset_parts(three)
    assert len(parts) == len(THREE) + 2  # three articles, the links and the reference data
    whole = project(three)
    shared = [n for n in whole if len(whole.nodes[n]["articles"]) == 3]
    assert TGID + "actor/united-states" in shared  # merged, not just put side by side
    for order in (parts, parts[::-1], parts[1:] + parts[:1]):
        _same(add_evidence(assemble(order), three), whole)
    no_reference = assemble(parts, reference=False)
    _same(add_evidence(no_reference, three, reference=False), project(three, reference=False))


def test_evidence_looked_up_for_a_capped_view_is_that_of_the_whole_projection(three):
    from tipgraph.project import add_evidence

    whole = project(three)
    lean = project(three, evidence=False)
    assert all(d["evidence"] == [] for _n, d in lean.nodes(data=True))
    assert [d["confidence"] for _n, d in lean.nodes(data=True)] == \
        [d["confidence"] for _n, d in whole.nodes(data=True)]
    drawn, dropped = cap(lean, 40)
    assert dropped and HONG_KONG in drawn
    add_evidence(drawn, three)
    for node, data in drawn.nodes(data=True):
        assert data["evidence"] == whole.nodes[node]["evidence"], node
    assert drawn.nodes[HONG_KONG]["evidence"]


def test_evidence_is_spread_over_the_first_articles_and_capped(three, monkeypatch):
    import tipgraph.project as projection

    monkeypatch.setattr(projection, "MAX_EVIDENCE", 2)
    few = projection.add_evidence(project(three, evidence=False), three)
    entries = few.nodes[TGID + "actor/united-states"]["evidence"]
    # two entries, from the first two articles (one each), sorted by article and offset
    assert [e["article"] for e in entries] == [Path(p).stem for p in THREE[:2]]
    text = read_article(THREE[0]).text
    assert text[entries[0]["start"]:entries[0]["end"]] == entries[0]["exact"]


def test_a_kept_part_reads_back_and_a_damaged_one_is_ignored(dataset, tmp_path):
    from tipgraph.project import dataset_parts, load_part, prune_parts, save_part

    part = next(p for p in dataset_parts(dataset) if p.graph.endswith(ARTICLE))
    save_part(tmp_path, "ab" + "0" * 62, part)
    assert load_part(tmp_path, "ab" + "0" * 62) == part
    (tmp_path / "cd").mkdir()
    (tmp_path / "cd" / ("cd" + "1" * 62 + ".pickle")).write_bytes(b"not a pickle")
    assert load_part(tmp_path, "cd" + "1" * 62) is None
    assert load_part(tmp_path, "ef" + "2" * 62) is None
    assert prune_parts(tmp_path, {"ab" + "0" * 62}) == 1
    assert load_part(tmp_path, "ab" + "0" * 62) == part


def test_a_view_cut_down_beforehand_draws_the_same_page(three):
    from tipgraph.project import add_evidence, totals
    from tipgraph.visualise import html_page

    whole = project(three)
    capped, dropped = cap(project(three, evidence=False), 40)
    assert totals(capped) == (whole.number_of_nodes(), whole.number_of_edges())
    assert totals(whole) == (whole.number_of_nodes(), whole.number_of_edges())
    again, _ = cap(capped, 30)
    assert totals(again) == totals(capped)  # still the size of the whole
    page, summary = html_page(whole, title="t", max_nodes=40)
    early, early_summary = html_page(capped, title="t", max_nodes=40,
                                     details=lambda H: add_evidence(H, three))
    assert early == page and early_summary == summary
    assert summary.nodes_total == whole.number_of_nodes() and summary.nodes_drawn == 40
