"""The ratings mapper: tiers that report editions give states, with previous tier and movement."""

from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS, XSD

from tipgraph.article import read_article
from tipgraph.build import article_graph
from tipgraph.gazetteer import load_gazetteer, load_lexicon
from tipgraph.mappers import ordered
from tipgraph.mappers.context import MappingContext
from tipgraph.namespace import OA, TG, TGID
from tipgraph.recognise import get_recogniser

SEED = Path(__file__).resolve().parents[1] / "data" / "articles" / "000_df495ebb58d21c9e.txt"
MAPPERS = ("article", "actors", "laws", "reports", "instruments", "ratings")


def _graph(article) -> Graph:
    return article_graph(article, MAPPERS)


def _article(tmp_path, body: str, name: str = "piece.txt"):
    path = tmp_path / name
    path.write_text(f"A Test Headline About Trafficking Ratings\n\n{body}\n", encoding="utf-8")
    return read_article(path)


def rating(subject: str, report: str):
    return TGID[f"rating/{subject}/{report}"]


def tier(key: str):
    return TGID[f"tier/{key}"]


def ratings_of(graph: Graph) -> dict:
    """{rating node: (tier key, previous key, movement name)} for every rating."""
    def key(node):
        return str(node).rsplit("/", 1)[-1].split("#")[-1] if node is not None else None
    return {node: (key(graph.value(node, TG.tier)), key(graph.value(node, TG.previousTier)),
                   key(graph.value(node, TG.movement)))
            for node in graph.subjects(RDF.type, TG.Rating)}


def evidence(graph: Graph, node, prop=None) -> list[str]:
    """The quoted text of the annotations of ``node`` (for ``prop`` when given)."""
    quotes = []
    for ann in graph.subjects(OA.hasBody, node):
        if prop is not None and graph.value(ann, TG.property) != prop:
            continue
        for selector in graph.objects(graph.value(ann, OA.hasTarget), OA.hasSelector):
            exact = graph.value(selector, OA.exact)
            if exact is not None:
                quotes.append(str(exact))
    return sorted(quotes)


# ------------------------------------------------------------------------------ the seed

@pytest.fixture(scope="module")
def seed_graph():
    return _graph(read_article(SEED))


def test_seed_has_one_rating_for_hong_kong_in_the_2024_report(seed_graph):
    node = rating("hong-kong", "2024-trafficking-in-persons-report")
    assert ratings_of(seed_graph) == {node: ("tier-2-watch-list", None, "Downgrade")}
    assert seed_graph.value(node, TG.ratedSubject) == TGID["actor/hong-kong"]
    assert seed_graph.value(node, TG.ratedIn) == TGID["report/2024-trafficking-in-persons-report"]
    assert seed_graph.value(node, TG.year) == Literal("2024", datatype=XSD.gYear)


def test_seed_rating_has_one_tier_and_both_statements_as_evidence(seed_graph):
    node = rating("hong-kong", "2024-trafficking-in-persons-report")
    assert list(seed_graph.objects(node, TG.tier)) == [tier("tier-2-watch-list")]
    assert evidence(seed_graph, node, TG.tier) == ["Tier 2 (Watch List)", "watch list"]
    assert evidence(seed_graph, node, TG.movement) == ["downgraded"]
    assert "Hong Kong" in evidence(seed_graph, node, TG.ratedSubject)
    assert (node, TG.previousTier, None) not in seed_graph


def test_seed_tier_concept_is_in_its_scheme(seed_graph):
    concept = tier("tier-2-watch-list")
    scheme = TGID["scheme/tip-tiers"]
    assert (concept, RDF.type, SKOS.Concept) in seed_graph
    assert (concept, SKOS.inScheme, scheme) in seed_graph
    assert (scheme, RDF.type, SKOS.ConceptScheme) in seed_graph
    # the title's "Watch List" is named, but nothing there links it to a state
    assert len(evidence(seed_graph, concept)) >= 3


# ------------------------------------------------------------------------------ shapes of rating

CASES = [
    ("Thailand remained on Tier 2 in the 2024 Trafficking in Persons Report.",
     {rating("thailand", "2024-trafficking-in-persons-report"): ("tier-2", "tier-2", "Unchanged"),
      # "remained": it was on Tier 2 in the edition before
      rating("thailand", "2023-trafficking-in-persons-report"): ("tier-2", None, None)}),
    ("The 2021 Trafficking in Persons Report placed Malaysia on Tier 3.",
     {rating("malaysia", "2021-trafficking-in-persons-report"): ("tier-3", None, None)}),
    ("Malaysia was upgraded from Tier 2 Watch List to Tier 2 in the 2024 Trafficking in Persons "
     "Report.",
     {rating("malaysia", "2024-trafficking-in-persons-report"):
      ("tier-2", "tier-2-watch-list", "Upgrade"),
      rating("malaysia", "2023-trafficking-in-persons-report"): ("tier-2-watch-list", None, None)}),
    ("The 2022 Trafficking in Persons Report moved Cambodia from the Tier 2 Watch List to Tier 3.",
     {rating("cambodia", "2022-trafficking-in-persons-report"):
      ("tier-3", "tier-2-watch-list", "Downgrade"),
      rating("cambodia", "2021-trafficking-in-persons-report"): ("tier-2-watch-list", None, None)}),
    ("Officials defended Thailand's Tier 1 ranking in the 2024 Trafficking in Persons Report.",
     {rating("thailand", "2024-trafficking-in-persons-report"): ("tier-1", None, None)}),
    ("In the 2019 Trafficking in Persons Report, Malaysia was placed on the Tier 2 Watch List "
     "for a second consecutive year.",
     {rating("malaysia", "2019-trafficking-in-persons-report"):
      ("tier-2-watch-list", "tier-2-watch-list", "Unchanged"),
      rating("malaysia", "2018-trafficking-in-persons-report"): ("tier-2-watch-list", None, None)}),
    ("Brazil and South Africa were downgraded to the Tier 2 Watch List in the 2025 Trafficking in "
     "Persons Report, while Cuba and Russia remained on Tier 3.",
     {rating("brazil", "2025-trafficking-in-persons-report"): ("tier-2-watch-list", None,
                                                              "Downgrade"),
      rating("south-africa", "2025-trafficking-in-persons-report"): ("tier-2-watch-list", None,
                                                                    "Downgrade"),
      rating("cuba", "2025-trafficking-in-persons-report"): ("tier-3", "tier-3", "Unchanged"),
      rating("russia", "2025-trafficking-in-persons-report"): ("tier-3", "tier-3", "Unchanged"),
      rating("cuba", "2024-trafficking-in-persons-report"): ("tier-3", None, None),
      rating("russia", "2024-trafficking-in-persons-report"): ("tier-3", None, None)}),
    ("The 2025 Trafficking in Persons Report moved Brazil from Tier 2 to the Tier 2 Watch List. "
     "South Africa received the same downgrade.",
     {rating("brazil", "2025-trafficking-in-persons-report"):
      ("tier-2-watch-list", "tier-2", "Downgrade"),
      rating("brazil", "2024-trafficking-in-persons-report"): ("tier-2", None, None),
      rating("south-africa", "2025-trafficking-in-persons-report"):
      ("tier-2-watch-list", "tier-2", "Downgrade")}),
]


@pytest.mark.parametrize("body, expected", CASES, ids=[c[0][:40] for c in CASES])
def test_rating_shapes(tmp_path, body, expected):
    assert ratings_of(_graph(_article(tmp_path, body))) == expected


def test_year_of_the_edition_without_the_report_named_in_the_clause(tmp_path):
    body = ("Nigeria has remained on Tier 2 in the 2024 Trafficking in Persons Report.\n\n"
            "The country first reached Tier 1 in 2009. It was also rated Tier 2 in 2022 and 2023.")
    found = ratings_of(_graph(_article(tmp_path, body)))
    assert found[rating("nigeria", "2009-trafficking-in-persons-report")][0] == "tier-1"
    assert found[rating("nigeria", "2022-trafficking-in-persons-report")][0] == "tier-2"
    assert found[rating("nigeria", "2023-trafficking-in-persons-report")][0] == "tier-2"
    assert found[rating("nigeria", "2024-trafficking-in-persons-report")] == (
        "tier-2", "tier-2", "Unchanged")


def test_year_of_a_rating_is_the_year_of_its_edition(tmp_path):
    graph = _graph(_article(tmp_path, "The 2021 Trafficking in Persons Report placed Malaysia on "
                                      "Tier 3."))
    node = rating("malaysia", "2021-trafficking-in-persons-report")
    assert graph.value(node, TG.year) == Literal("2021", datatype=XSD.gYear)


def test_default_edition_is_the_one_the_article_discusses(tmp_path):
    body = ("The 2024 Trafficking in Persons Report was released in June, and it placed Hong Kong "
            "on the watch list.\n\nThe rating of Hong Kong at Tier 2 (Watch List) is unfair, "
            "officials said.")
    graph = _graph(_article(tmp_path, body))
    node = rating("hong-kong", "2024-trafficking-in-persons-report")
    assert ratings_of(graph) == {node: ("tier-2-watch-list", None, None)}
    assert evidence(graph, node, TG.tier) == ["Tier 2 (Watch List)", "watch list"]


def test_a_statement_with_a_named_edition_wins_over_one_without(tmp_path):
    body = ("Nigeria was placed on the Tier 2 Watch List before the 2019 Trafficking in Persons "
            "Report upgraded it from the Tier 2 Watch List to Tier 2.")
    graph = _graph(_article(tmp_path, body))
    node = rating("nigeria", "2019-trafficking-in-persons-report")
    assert list(graph.objects(node, TG.tier)) == [tier("tier-2")]
    assert ratings_of(graph)[node] == ("tier-2", "tier-2-watch-list", "Upgrade")


def test_previous_tier_from_the_rating_of_the_year_before(tmp_path):
    body = ("The 2021 Trafficking in Persons Report downgraded Malaysia to Tier 3, and it "
            "remained on Tier 3 in 2022 before the 2023 report lifted it to the Tier 2 Watch List.")
    found = ratings_of(_graph(_article(tmp_path, body)))
    assert found[rating("malaysia", "2021-trafficking-in-persons-report")] == (
        "tier-3", None, "Downgrade")
    assert found[rating("malaysia", "2022-trafficking-in-persons-report")] == (
        "tier-3", "tier-3", "Unchanged")
    assert found[rating("malaysia", "2023-trafficking-in-persons-report")] == (
        "tier-2-watch-list", "tier-3", "Upgrade")


def test_a_span_of_years_gives_one_rating_a_year(tmp_path):
    body = ("Hong Kong was moved to the Tier 2 Watch List in the 2024 Trafficking in Persons "
            "Report. The city had been on the Tier 2 Watch List for three consecutive years, "
            "from 2020 to 2022.")
    found = ratings_of(_graph(_article(tmp_path, body)))
    assert found[rating("hong-kong", "2020-trafficking-in-persons-report")] == (
        "tier-2-watch-list", None, None)
    assert found[rating("hong-kong", "2022-trafficking-in-persons-report")] == (
        "tier-2-watch-list", "tier-2-watch-list", "Unchanged")


@pytest.mark.parametrize("sentence", [
    "Nigeria is still waiting for a return to Tier 1.",
    "A Tier 3 ranking can expose a country to restrictions on aid.",
    "Thirty-three governments were placed on Tier 1.",
    '"Tier 2 is not a certificate," the researcher said.',
])
def test_tiers_named_without_a_placement_give_no_rating(tmp_path, sentence):
    body = ("Nigeria is discussed in the 2024 Trafficking in Persons Report, and Nigeria "
            f"officials read it closely.\n\n{sentence}")
    assert ratings_of(_graph(_article(tmp_path, body))) == {}


def test_no_rating_without_an_edition(tmp_path):
    # A rating is given by one edition; with only the series named, the year is unknown.
    body = "Thailand remained on Tier 2 of the Trafficking in Persons Report, officials said."
    graph = _graph(_article(tmp_path, body))
    assert ratings_of(graph) == {}


def test_ratings_are_shared_with_later_mappers_in_text_order():
    article = read_article(SEED)
    ctx = MappingContext(article, load_gazetteer(), load_lexicon(), get_recogniser())
    for spec in ordered(MAPPERS):
        ctx.current_mapper = spec.name
        for triple in spec.func(ctx) or ():
            ctx.add(*triple)
    found = ctx.found["ratings"]
    node = rating("hong-kong", "2024-trafficking-in-persons-report")
    assert [f["node"] for f in found] == [node, node]
    assert [article.text[f["start"]:f["end"]] for f in found] == [
        '2024 Trafficking in Persons Report has downgraded Hong Kong to a "watch list',
        "Hong Kong at Tier 2 (Watch List)"]
    assert all(f["subject"] == TGID["actor/hong-kong"] and f["tier"] == tier("tier-2-watch-list")
               and f["report"] == TGID["report/2024-trafficking-in-persons-report"]
               for f in found)


# ------------------------------------------------------------------------------ implied ratings

def test_a_tier_left_in_a_named_edition_implies_the_editions_before(tmp_path):
    body = ("The 2024 Trafficking in Persons Report upgraded Vietnam from the Tier 2 Watch List to "
            "Tier 2, a year after the 2023 report had lifted the country off Tier 3.")
    found = ratings_of(_graph(_article(tmp_path, body)))
    assert found[rating("vietnam", "2024-trafficking-in-persons-report")] == \
        ("tier-2", "tier-2-watch-list", "Upgrade")
    assert found[rating("vietnam", "2023-trafficking-in-persons-report")] == \
        ("tier-2-watch-list", "tier-3", "Upgrade")
    assert found[rating("vietnam", "2022-trafficking-in-persons-report")] == ("tier-3", None, None)


def test_an_implied_rating_never_overrides_a_stated_one(tmp_path):
    body = ("The 2024 Trafficking in Persons Report upgraded Vietnam from the Tier 2 Watch List to "
            "Tier 2. The 2023 Trafficking in Persons Report placed Vietnam on Tier 3.")
    found = ratings_of(_graph(_article(tmp_path, body)))
    assert found[rating("vietnam", "2023-trafficking-in-persons-report")][0] == "tier-3"


def test_both_editions_gives_the_tier_in_the_last_two_editions_named(tmp_path):
    body = ("The 2025 Trafficking in Persons Report kept Nepal on the Tier 2 Watch List for a second "
            "consecutive year. The 2024 report had downgraded Nepal from Tier 2 to the watch list. "
            "India remained on Tier 2 in both editions.")
    found = ratings_of(_graph(_article(tmp_path, body)))
    assert found[rating("india", "2025-trafficking-in-persons-report")][0] == "tier-2"
    assert found[rating("india", "2024-trafficking-in-persons-report")][0] == "tier-2"
    assert found[rating("nepal", "2025-trafficking-in-persons-report")] == \
        ("tier-2-watch-list", "tier-2-watch-list", "Unchanged")
    assert found[rating("nepal", "2024-trafficking-in-persons-report")] == \
        ("tier-2-watch-list", "tier-2", "Downgrade")
