"""Entity resolution across articles: the same entity named differently in different articles
(or twice in one) is one node of the corpus graph, and different entities stay apart."""

from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from helpers import write_article
from tipgraph.build import build_dataset
from tipgraph.namespace import OA, SCHEMA, TG, TGID
from tipgraph.resolve import name_keys, resolve_entities
from tipgraph.validate import validate

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"
# The articles the cases below come from (a part of the corpus keeps the module fast).
CORPUS = ("101_thailand_fishing.txt", "103_qatar_domestic_workers.html",
          "106_cambodia_scam_compounds.html", "107_philippines_iacat.md",
          "110_global_estimates_explainer.md", "111_us_tip_report_2025.txt", "202_gulf_kafala.md",
          "204_unodc_global_report.txt", "301_libya_migrant_detention.txt",
          "303_pakistan_brick_kilns.html")

# (merged, kept): names the articles write differently, and the node they all become.
MERGES = [
    # "Forced Labour Convention of 1930" (202) is the gazetteer's ILO C029 (303)
    ("instrument/forced-labour-convention-of-1930", "instrument/ilo-c029"),
    # "ILO Forced Labour Protocol of 2014" (101) is the Protocol of 2014 (202)
    ("instrument/ilo-forced-labour-protocol-of-2014", "instrument/ilo-p029"),
    # "UNODC Global Report on Trafficking in Persons" (204, the series and its 2024 edition)
    ("series/unodc-global-report-on-trafficking-in-persons",
     "series/global-report-on-trafficking-in-persons"),
    ("report/2024-unodc-global-report-on-trafficking-in-persons",
     "report/2024-global-report-on-trafficking-in-persons"),
    # a body whose state an article's list of sources did not know, and its abbreviation
    ("actor/ministry-of-human-resources-and-social-development",
     "actor/saudi-arabia-ministry-of-human-resources-and-social-development"),
    ("actor/mhrsd", "actor/saudi-arabia-ministry-of-human-resources-and-social-development"),
    ("actor/gmjf", "actor/gulf-migrant-justice-forum"),
    ("actor/crossing-post", "actor/the-crossing-post"),
]


def _copy(dataset: Dataset) -> Dataset:
    copy = Dataset(default_union=True)
    for s, p, o, g in dataset.quads((None, None, None, None)):
        copy.graph(g).add((s, p, o))
    return copy


def _graph(dataset: Dataset, article: str):
    return dataset.graph(TGID[f"graph/{article}"])


def _declared_in(dataset: Dataset, iri: URIRef) -> set[str]:
    return {str(g.identifier).rsplit("/", 1)[-1] for g in dataset.graphs()
            if (iri, RDF.type, None) in g}


def _used(dataset: Dataset, iri: URIRef) -> bool:
    return any((iri, None, None) in g or (None, None, iri) in g for g in dataset.graphs())


@pytest.fixture(scope="module")
def corpus():
    """(the articles' graphs before resolution, after it, what was merged)."""
    before = build_dataset([ARTICLES / name for name in CORPUS], resolve=False)
    after = _copy(before)
    return before, after, resolve_entities(after)


# ------------------------------------------------------------------------------ the corpus

@pytest.mark.parametrize("merged,kept", MERGES)
def test_names_of_one_entity_become_one_node(corpus, merged, kept):
    before, after, resolution = corpus
    merged, kept = TGID[merged], TGID[kept]
    assert _declared_in(before, merged) and _declared_in(before, kept)
    assert resolution.mapping[merged] == kept
    assert not _used(after, merged)
    # wherever either was, the kept node is, with its annotations
    assert _declared_in(after, kept) == _declared_in(before, merged) | _declared_in(before, kept)
    for article in _declared_in(before, merged):
        if (None, OA.hasBody, merged) in _graph(before, article):
            assert (None, OA.hasBody, kept) in _graph(after, article)


def test_one_node_across_articles(corpus):
    _, after, _ = corpus
    assert {"202_gulf_kafala", "303_pakistan_brick_kilns"} <= \
        _declared_in(after, TGID["instrument/ilo-c029"])
    assert {"101_thailand_fishing", "202_gulf_kafala"} <= \
        _declared_in(after, TGID["instrument/ilo-p029"])
    assert {"110_global_estimates_explainer", "204_unodc_global_report"} <= \
        _declared_in(after, TGID["report/2024-global-report-on-trafficking-in-persons"])


def test_merged_node_keeps_the_variant_names(corpus):
    _, after, _ = corpus
    cases = [("202_gulf_kafala", "actor/gulf-migrant-justice-forum", "Gulf Migrant Justice Forum",
              "GMJF"),
             ("202_gulf_kafala", "actor/saudi-arabia-ministry-of-human-resources-and-social-"
              "development", "Ministry of Human Resources and Social Development", "MHRSD"),
             ("301_libya_migrant_detention", "actor/the-crossing-post", "The Crossing Post",
              "Crossing Post"),
             ("202_gulf_kafala", "instrument/ilo-c029", "Forced Labour Convention, 1930 (No. 29)",
              "Forced Labour Convention of 1930"),
             ("101_thailand_fishing", "instrument/ilo-p029",
              "Protocol of 2014 to the Forced Labour Convention, 1930",
              "ILO Forced Labour Protocol of 2014")]
    for article, iri, name, variant in cases:
        graph = _graph(after, article)
        assert list(graph.objects(TGID[iri], SCHEMA.name)) == [Literal(name)], iri
        assert Literal(variant) in set(graph.objects(TGID[iri], SKOS.altLabel)), iri
        assert Literal(name) not in set(graph.objects(TGID[iri], SKOS.altLabel)), iri


def test_a_gazetteer_entity_brought_into_an_article_gets_its_facts(corpus):
    _, after, _ = corpus
    graph = _graph(after, "202_gulf_kafala")
    convention, protocol = TGID["instrument/ilo-c029"], TGID["instrument/ilo-p029"]
    assert (protocol, TG.supplements, convention) in graph
    assert str(graph.value(convention, TG.adoptedOn)) == "1930-06-28"


def test_kind_of_an_abbreviation_is_that_of_the_name(corpus):
    _, after, _ = corpus
    graph = _graph(after, "202_gulf_kafala")
    forum = TGID["actor/gulf-migrant-justice-forum"]
    assert TG.CivilSocietyOrganisation in set(graph.objects(forum, RDF.type))
    assert TG.MediaOrganisation not in set(graph.objects(forum, RDF.type))


def test_same_named_bodies_of_different_states_stay_apart(corpus):
    _, after, resolution = corpus
    qatar = TGID["actor/qatar-ministry-of-labour"]
    thailand = TGID["actor/thailand-ministry-of-labour"]
    assert _declared_in(after, qatar) == {"103_qatar_domestic_workers"}
    assert "101_thailand_fishing" in _declared_in(after, thailand)
    assert qatar not in resolution.mapping and thailand not in resolution.mapping


def test_laws_of_different_years_stay_apart(corpus):
    _, after, resolution = corpus
    for year in ("2012", "2022"):
        iri = TGID[f"law/philippines-expanded-anti-trafficking-in-persons-act-{year}"]
        assert _declared_in(after, iri) and iri not in resolution.mapping


def test_article_local_nodes_are_never_merged(corpus):
    _, _, resolution = corpus
    for old, new in resolution.mapping.items():
        assert "/article/" not in str(old) and "/article/" not in str(new)


def test_ratings_of_two_articles_are_one_node(corpus):
    _, after, _ = corpus
    rating = TGID["rating/cambodia/2024-trafficking-in-persons-report"]
    assert {"106_cambodia_scam_compounds", "111_us_tip_report_2025"} <= _declared_in(after, rating)
    same = {r for r in after.subjects(TG.ratedSubject, TGID["actor/cambodia"])
            if (r, TG.ratedIn, TGID["report/2024-trafficking-in-persons-report"]) in after}
    assert same == {rating}


def test_the_resolved_graph_conforms(corpus):
    _, after, _ = corpus
    graphs = Dataset(default_union=True)
    for article in ("202_gulf_kafala", "204_unodc_global_report", "301_libya_migrant_detention",
                    "101_thailand_fishing"):
        for triple in _graph(after, article):
            graphs.graph(TGID[f"graph/{article}"]).add(triple)
    report = validate(graphs)
    assert report.conforms, report.text()


def test_resolution_is_reported(corpus):
    _, _, resolution = corpus
    lines = resolution.lines()
    assert "tgid:actor/gulf-migrant-justice-forum <- tgid:actor/gmjf (initials: \"GMJF\" ~ " \
           "\"Gulf Migrant Justice Forum\")" in lines
    assert len(resolution) == len(lines)


# ------------------------------------------------------------------------------ small articles

def test_abbreviation_declared_in_another_article(tmp_path):
    write_article(tmp_path, "The Mekong Fishers Alliance (MFA) said on Monday that 40 fishers "
                            "had been held on boats off the coast of Thailand. MFA called for "
                            "inspections.", name="a1")
    write_article(tmp_path, "A survey of fishers.\n\nFishers in Thailand still pay recruitment "
                            "fees, a survey found. Most said they had borrowed the money from a "
                            "broker.\n\nSources:\n\nSomchai Dee (2024) *Nets and Debts*. Bangkok: "
                            "MFA. Available at: https://example.org/mfa/nets (Accessed: 1 May "
                            "2025).", name="a2")
    dataset = build_dataset([tmp_path])
    alliance = TGID["actor/mekong-fishers-alliance"]
    assert not _used(dataset, TGID["actor/mfa"])
    assert _declared_in(dataset, alliance) == {"a1", "a2"}
    graph = _graph(dataset, "a2")
    source = next(graph.subjects(RDF.type, TG.Source))
    assert graph.value(source, SCHEMA.publisher) == alliance
    assert graph.value(alliance, SCHEMA.name) == Literal("Mekong Fishers Alliance")
    assert Literal("MFA") in set(graph.objects(alliance, SKOS.altLabel))


def test_leading_the_is_dropped(tmp_path):
    write_article(tmp_path, "Fishers in Thailand were interviewed, the Riverside Post reported.",
                  meta={"publisher": "The Riverside Post"}, name="a3")
    write_article(tmp_path, "Riverside Post reporters found that fishers in Thailand were held "
                            "at sea.", name="a4")
    dataset = build_dataset([tmp_path])
    assert not _used(dataset, TGID["actor/the-riverside-post"])
    post = TGID["actor/riverside-post"]
    assert _declared_in(dataset, post) == {"a3", "a4"}
    assert (TGID["article/a3"], SCHEMA.publisher, post) in dataset


def test_no_resolution_when_asked_not_to(tmp_path):
    write_article(tmp_path, "Fishers in Thailand were interviewed, the Riverside Post reported.",
                  meta={"publisher": "The Riverside Post"}, name="a3")
    write_article(tmp_path, "Riverside Post reporters found that fishers in Thailand were held "
                            "at sea.", name="a4")
    dataset = build_dataset([tmp_path], resolve=False)
    assert _used(dataset, TGID["actor/the-riverside-post"])


# ------------------------------------------------------------------------------ rules

def _entity(graph, iri, kind, name, **links):
    graph.add((iri, RDF.type, TG[kind]))
    graph.add((iri, SCHEMA.name, Literal(name)))
    for prop, target in links.items():
        graph.add((iri, TG[prop], target))


def _dataset(*graphs) -> Dataset:
    """Article graphs from (article id, [(iri, kind, name, links), ...])."""
    dataset = Dataset(default_union=True)
    for article, entities in graphs:
        graph = dataset.graph(TGID[f"graph/{article}"])
        for iri, kind, name, links in entities:
            _entity(graph, TGID[iri], kind, name, **links)
            graph.add((TGID[f"article/{article}/annotation/{iri.replace('/', '-')}"], OA.hasBody,
                       TGID[iri]))
    return dataset


QATAR, THAILAND = TGID["actor/qatar"], TGID["actor/thailand"]


def test_name_keys():
    assert name_keys("The Crossing Post") == name_keys("Crossing Post")
    assert name_keys("International Labour Organisation") == \
        name_keys("International Labor Organization")
    assert name_keys("Forced Labour Convention of 1930", dated=True) == \
        ("forced labor convention", "1930")
    assert name_keys("Trafficking Victims Protection Act 2000", dated=True) == \
        name_keys("Trafficking Victims Protection Act of 2000", dated=True)
    assert name_keys("Law No. 17 of 2020", dated=True) == ("law 17", "2020")
    assert name_keys("2024 Global Report", dated=True) == ("global report", "2024")


def test_a_person_does_not_merge_with_an_organisation():
    dataset = _dataset(("a", [("actor/harbour-light", "Person", "Harbour Light", {})]),
                       ("b", [("actor/the-harbour-light", "CivilSocietyOrganisation",
                               "The Harbour Light", {})]))
    assert not resolve_entities(dataset).merges


def test_bodies_of_different_states_never_merge():
    dataset = _dataset(
        ("a", [("actor/qatar", "State", "Qatar", {}),
               ("actor/qatar-ministry-of-labour", "GovernmentBody", "Ministry of Labour",
                {"partOf": QATAR})]),
        ("b", [("actor/thailand", "State", "Thailand", {}),
               ("actor/thailand-ministry-of-labour", "GovernmentBody", "Thai Ministry of Labour",
                {"partOf": THAILAND})]))
    assert not resolve_entities(dataset).merges


def test_a_body_of_unknown_state_merges_only_when_one_state_fits():
    stateless = ("actor/ministry-of-labour", "GovernmentBody", "Ministry of Labour", {})
    qatar = [("actor/qatar", "State", "Qatar", {}),
             ("actor/qatar-ministry-of-labour", "GovernmentBody", "Ministry of Labour",
              {"partOf": QATAR})]
    thailand = [("actor/thailand", "State", "Thailand", {}),
                ("actor/thailand-ministry-of-labour", "GovernmentBody", "Ministry of Labour",
                 {"partOf": THAILAND})]
    # named in an article about Qatar: Qatar's
    dataset = _dataset(("a", qatar), ("b", [qatar[0], stateless]))
    resolution = resolve_entities(dataset)
    assert resolution.mapping == {TGID["actor/ministry-of-labour"]:
                                  TGID["actor/qatar-ministry-of-labour"]}
    # in an article that names neither state: no one's
    dataset = _dataset(("a", qatar), ("b", [stateless]))
    assert not resolve_entities(dataset).merges
    # in an article that names both states as often: no one's
    dataset = _dataset(("a", qatar), ("b", thailand), ("c", [qatar[0], thailand[0], stateless]))
    assert not resolve_entities(dataset).merges
    # in an article with both states' ministries: ambiguous, left alone
    dataset = _dataset(("a", qatar), ("b", thailand), ("c", [*qatar, *thailand, stateless]))
    resolution = resolve_entities(dataset)
    assert not resolution.merges
    assert _declared_in(dataset, TGID["actor/ministry-of-labour"]) == {"c"}


def test_laws_of_different_years_never_merge():
    dataset = _dataset(("a", [("law/qatar-labour-law-of-2004", "Statute", "Labour Law of 2004",
                               {"jurisdiction": QATAR}), ("actor/qatar", "State", "Qatar", {})]),
                       ("b", [("law/qatar-labour-law-2020", "Statute", "Labour Law 2020",
                               {"jurisdiction": QATAR}), ("actor/qatar", "State", "Qatar", {})]))
    assert not resolve_entities(dataset).merges
    dataset = _dataset(("a", [("law/qatar-labour-law-of-2004", "Statute", "Labour Law of 2004",
                               {"jurisdiction": QATAR}), ("actor/qatar", "State", "Qatar", {})]),
                       ("b", [("law/qatar-labour-law-2004", "Statute", "Labour Law 2004",
                               {"jurisdiction": QATAR}), ("actor/qatar", "State", "Qatar", {})]))
    assert resolve_entities(dataset).mapping == {TGID["law/qatar-labour-law-2004"]:
                                                 TGID["law/qatar-labour-law-of-2004"]}


def test_ratings_are_minted_again_from_the_merged_report():
    thailand = ("actor/thailand", "State", "Thailand", {})
    dataset = _dataset(("a", [thailand, ("report/2024-crossing-index", "Report",
                                         "2024 Crossing Index", {})]),
                       ("b", [thailand, ("report/the-crossing-index-2024", "Report",
                                         "The Crossing Index 2024", {})]))
    for article, report in (("a", "2024-crossing-index"), ("b", "the-crossing-index-2024")):
        graph = dataset.graph(TGID[f"graph/{article}"])
        rating = TGID[f"rating/thailand/{report}"]
        graph.add((rating, RDF.type, TG.Rating))
        graph.add((rating, TG.ratedSubject, TGID["actor/thailand"]))
        graph.add((rating, TG.ratedIn, TGID[f"report/{report}"]))
        graph.add((rating, TG.tier, TGID["tier/tier-2"]))
        graph.add((TGID[f"article/{article}/annotation/9"], OA.hasBody, rating))
    resolution = resolve_entities(dataset)
    kept = TGID["report/the-crossing-index-2024"]
    assert resolution.mapping[TGID["report/2024-crossing-index"]] == kept
    rating = TGID["rating/thailand/the-crossing-index-2024"]
    assert resolution.renamed == {TGID["rating/thailand/2024-crossing-index"]: rating}
    assert set(dataset.subjects(RDF.type, TG.Rating)) == {rating}
    assert _declared_in(dataset, rating) == {"a", "b"}
    assert (TGID["article/a/annotation/9"], OA.hasBody, rating) in dataset
    assert (rating, TG.ratedIn, kept) in dataset.graph(TGID["graph/a"])


def test_resolution_is_deterministic():
    def build():
        return _dataset(("a", [("actor/crossing-post", "MediaOrganisation", "Crossing Post", {})]),
                        ("b", [("actor/the-crossing-post", "MediaOrganisation",
                                "The Crossing Post", {})]),
                        ("c", [("actor/crossing-post", "MediaOrganisation", "Crossing Post", {})]))
    first, second = build(), build()
    assert resolve_entities(first).lines() == resolve_entities(second).lines()
    assert sorted(first.quads((None, None, None, None))) == \
        sorted(second.quads((None, None, None, None)))
    # seen in most articles: kept
    assert _declared_in(first, TGID["actor/crossing-post"]) == {"a", "b", "c"}
