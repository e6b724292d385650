"""Saved queries (queries/*.rq) and tipgraph.query, run on the hand-written fixture
tests/data/mini.trig (two articles, one named graph each, following docs/design.md)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD

from tipgraph.errors import QueryError
from tipgraph.namespace import OA, SCHEMA, TG, TGID
from tipgraph.query import (
    QUERY_DIR,
    QueryResult,
    SavedQuery,
    list_queries,
    load_query,
    parse_param_value,
    run_query,
    shorten,
    specialise,
    to_csv,
    to_json,
    to_table,
)

FIXTURE = Path(__file__).parent / "data" / "mini.trig"

# The public interface: saved query -> result variables, in order (docs/design.md).
PUBLIC = {
    "actors": ["actor", "name", "type"],
    "laws": ["law", "name", "jurisdiction", "date"],
    "reports": ["report", "name", "publisher", "year"],
    "instruments": ["instrument", "name"],
    "ratings": ["subject", "subjectName", "rating", "report", "year"],
    "claims": ["claim", "claimant", "claimantName", "text", "quote", "stance"],
    "amounts": ["amount", "value", "currency", "period", "purpose"],
    "sources": ["source", "title", "author", "publisher", "date", "url"],
}
ANALYTICAL = {
    "disputes": ["claim", "claimant", "claimantName", "onBehalfOf", "disputed", "disputedName",
                 "disputedKind", "text"],
    "budget-change": ["actor", "purpose", "currency", "earlier", "earlierPeriod", "earlierValue",
                      "later", "laterPeriod", "laterValue", "difference"],
    "ngo-restrictions": ["law", "lawName", "jurisdiction", "restricted", "restrictedName",
                         "claim", "text"],
    "evidence": ["fact", "property", "exact", "start", "end", "sentence", "article", "mapper",
                 "confidence"],
    "counts": ["count", "value", "unit", "period", "actor", "actorName", "valueText"],
    "dates": ["date", "value", "text", "entity", "entityName", "article"],
    "quotes": ["claim", "quote", "speaker", "speakerName", "onBehalfOf", "onBehalfOfName", "verb",
               "article"],
}
# Queries over a linked corpus (reference data, links, included datasets): they are about the
# corpus, not one article, so they take no "article" parameter.
CORPUS = {
    "identifiers": ["entity", "name", "kind", "scheme", "identifier", "label", "iri", "decision"],
    "tier-history": ["jurisdiction", "name", "year", "recorded", "waiver", "claimed", "agrees",
                     "article", "disputes"],
    "not-applicable": ["instrument", "instrumentName", "jurisdiction", "jurisdictionName",
                       "declaredBy", "statedIn", "text"],
    "report-claims": ["report", "reportName", "articleId", "claim", "claimantName", "stance",
                      "text"],
    "linked-labels": ["entity", "name", "external", "label", "language"],
    "wikidata-labels": None,
}
ALL = {**PUBLIC, **ANALYTICAL}

A1 = "tgid:article/mini-1"
A2 = "tgid:article/mini-2"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    ds = Dataset(default_union=True)
    ds.parse(FIXTURE, format="trig")
    return ds


def table(result: QueryResult) -> list[tuple[str, ...]]:
    """Rows as tuples of shortened strings ('' for unbound)."""
    return [tuple(shorten(term) for term in row) for row in result.rows]


# ------------------------------------------------------------------------------------------------
# The fixture itself
# ------------------------------------------------------------------------------------------------

def test_fixture_has_one_named_graph_per_article(dataset):
    graphs = sorted(str(g.identifier) for g in dataset.graphs() if len(g))
    assert graphs == [str(TGID["graph/mini-1"]), str(TGID["graph/mini-2"])]
    for g in dataset.graphs():
        if len(g):
            articles = list(g.subjects(predicate=None, object=TG.Article))
            assert len(articles) == 1


def test_fixture_selectors_point_at_the_quoted_text(dataset):
    checked = 0
    for g in dataset.graphs():
        for target in g.subjects(OA.hasSource, None):
            article = g.value(target, OA.hasSource)
            text = str(g.value(article, SCHEMA.text))
            selectors = list(g.objects(target, OA.hasSelector))
            starts = [g.value(s, OA.start) for s in selectors if g.value(s, OA.start) is not None]
            exacts = [g.value(s, OA.exact) for s in selectors if g.value(s, OA.exact) is not None]
            assert len(starts) == 1 and len(exacts) == 1
            position = next(s for s in selectors if g.value(s, OA.start) is not None)
            quote = next(s for s in selectors if g.value(s, OA.exact) is not None)
            start, end = int(g.value(position, OA.start)), int(g.value(position, OA.end))
            assert text[start:end] == str(g.value(quote, OA.exact))
            assert text[:start].endswith(str(g.value(quote, OA.prefix)))
            assert text[end:].startswith(str(g.value(quote, OA.suffix)))
            checked += 1
    assert checked == 22


# ------------------------------------------------------------------------------------------------
# Finding and loading saved queries
# ------------------------------------------------------------------------------------------------

def test_list_queries_has_every_saved_query_with_its_header():
    saved = list_queries()
    assert [q.name for q in saved] == sorted({**ALL, **CORPUS})
    for q in saved:
        assert isinstance(q, SavedQuery)
        assert q.path == QUERY_DIR / f"{q.name}.rq"
        assert q.title and q.title != q.name
        assert q.description
        assert q.name in CORPUS or "article" in q.parameter_names
    actors = load_query("actors")
    assert actors.title == "Actors"
    assert actors.parameters[0].name == "article"
    assert actors.parameters[0].description.startswith("optional IRI of an article")
    assert not actors.parameters[0].required
    assert load_query("evidence").parameter_names == ["fact", "article"]


def test_every_saved_query_declares_the_prefixes_it_uses():
    from rdflib.plugins.sparql import prepareQuery

    for q in list_queries():
        prepareQuery(q.text)  # no initNs: the file must stand on its own


def test_load_query_by_path(tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text("# title: Mine\n# description: Names.\n# parameters: none\n"
                    "SELECT ?s ?name WHERE { ?s schema:name ?name } ORDER BY ?s\n",
                    encoding="utf-8")
    saved = load_query(path)
    assert (saved.name, saved.title, saved.description, saved.parameters) == (
        "mine", "Mine", "Names.", ())
    assert load_query(str(path)).path == path
    assert load_query("actors.rq").path == QUERY_DIR / "actors.rq"


def test_unknown_query_name_lists_the_available_names():
    with pytest.raises(QueryError) as caught:
        load_query("no-such-query")
    message = str(caught.value)
    assert "no-such-query" in message
    for name in ALL:
        assert name in message


def test_missing_query_file_names_the_file(tmp_path):
    with pytest.raises(QueryError, match="gone.rq"):
        load_query(tmp_path / "gone.rq")


def test_malformed_query_names_the_file_and_the_parser_message(tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("# title: Broken\n# parameters: none\nSELECT ?s WHERE { ?s ?p \n",
                    encoding="utf-8")
    with pytest.raises(QueryError) as caught:
        load_query(path)
    message = str(caught.value)
    assert "broken.rq" in message
    assert "malformed SPARQL" in message
    assert caught.value.path == str(path)


def test_only_select_queries(tmp_path):
    path = tmp_path / "ask.rq"
    path.write_text("# title: Ask\nASK { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match="only SELECT"):
        load_query(path)


def test_declared_parameter_must_be_a_variable_of_the_query(tmp_path):
    path = tmp_path / "param.rq"
    path.write_text("# title: P\n# parameters: who (optional IRI)\n"
                    "SELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match="who"):
        load_query(path)


def test_header_continuation_lines_and_several_parameters(tmp_path):
    path = tmp_path / "multi.rq"
    path.write_text(
        "# title: Multi\n"
        "# description: First line,\n"
        "#   second line.\n"
        "# parameters: a (optional IRI, of something); b (required number)\n"
        "PREFIX schema: <https://schema.org/>\n"
        "SELECT ?s WHERE { ?s schema:value ?b . FILTER (!BOUND(?a) || ?s = ?a) }\n",
        encoding="utf-8")
    saved = load_query(path)
    assert saved.description == "First line, second line."
    assert [(p.name, p.description, p.required) for p in saved.parameters] == [
        ("a", "optional IRI, of something", False), ("b", "required number", True)]
    with pytest.raises(QueryError, match="needs the parameter 'b'"):
        run_query(saved, Dataset(default_union=True))


def test_a_when_bound_line_is_a_pattern_only_when_its_parameter_is_bound():
    text = ("SELECT ?s WHERE {\n"
            "  # when ?a is bound: GRAPH ?g { ?a ?p ?s }\n"
            "    #when ?b is bound:?s ?q ?b .\n"
            "  # when ?a was bound: not this one\n"
            "  ?s ?p ?o FILTER (!BOUND(?a) || ?o = ?a)\n}\n")
    assert specialise(text, []) == text
    assert specialise(text, ["c"]) == text
    assert specialise(text, ["a"]).splitlines()[1:4] == [
        "  GRAPH ?g { ?a ?p ?s }", "    #when ?b is bound:?s ?q ?b .",
        "  # when ?a was bound: not this one"]
    assert specialise(text, {"a", "b"}).splitlines()[1:3] == [
        "  GRAPH ?g { ?a ?p ?s }", "    ?s ?q ?b ."]


def test_a_when_bound_line_must_name_a_declared_parameter(tmp_path):
    path = tmp_path / "when.rq"
    path.write_text("# title: W\n# parameters: a (optional IRI)\n"
                    "SELECT ?s WHERE {\n  # when ?b is bound: ?s ?p ?b\n"
                    "  ?s ?p ?o FILTER (!BOUND(?a) || ?o = ?a)\n}\n", encoding="utf-8")
    with pytest.raises(QueryError, match=r"when \?b is bound") as caught:
        load_query(path)
    assert caught.value.line == 4 and str(path) in str(caught.value)


def test_run_query_uses_the_when_bound_pattern(tmp_path, dataset):
    # the pattern is run only when the parameter is bound: here it narrows the rows, which a
    # saved query's pattern must never do, so that the test can see it
    path = tmp_path / "narrow.rq"
    path.write_text("# title: N\n# parameters: article (optional IRI)\n"
                    "PREFIX schema: <https://schema.org/>\n"
                    "SELECT DISTINCT ?s WHERE {\n"
                    "  # when ?article is bound: ?s schema:name \"no such name\" .\n"
                    "  ?s schema:name ?name\n"
                    "  FILTER (!BOUND(?article) || EXISTS { GRAPH ?g { ?article ?p ?o . ?s ?q ?r } })\n"
                    "}\n", encoding="utf-8")
    assert len(run_query(path, dataset)) > 0
    assert run_query(path, dataset, {"article": A1}).rows == []


def _queries_with_when_bound_lines():
    return [q.name for q in list_queries() if q.text_for(q.parameter_names) != q.text]


def test_the_saved_queries_start_from_the_article_when_it_is_bound():
    assert {"actors", "claims", "disputes", "laws", "sources"} <= set(
        _queries_with_when_bound_lines())


@pytest.mark.parametrize("name", _queries_with_when_bound_lines())
def test_a_when_bound_pattern_keeps_the_rows_for_every_bundled_article(bundled, name):
    """The pattern only tells the engine where to start: for every article of the bundled
    corpus (linked, with the external graphs), the rows are those of the query without it."""
    from helpers import oxigraph_store

    store = oxigraph_store(bundled)
    saved = load_query(name)
    articles = [row[0] for row in store.select(
        "SELECT DISTINCT ?a WHERE { GRAPH ?g { ?a a <%s> } } ORDER BY ?a" % TG.Article).rows]
    assert len(articles) > 20
    found = 0
    for article in articles:
        bindings = {"article": article}
        plain = store.select(saved.text, bindings)
        started = store.select(saved.text_for(bindings), bindings)
        assert started.vars == plain.vars
        assert started.rows == plain.rows, article
        found += len(plain.rows)
    assert found or name == "budget-change"


# ------------------------------------------------------------------------------------------------
# Every saved query runs on the fixture and returns its public variables
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ALL))
def test_saved_query_runs_and_returns_exactly_its_variables(dataset, name):
    result = run_query(name, dataset)
    assert result.vars == ALL[name]
    assert len(result) > 0
    for row in result.rows:
        assert len(row) == len(result.vars)
    # deterministic: same rows in the same order on a second run
    assert run_query(name, dataset).rows == result.rows


@pytest.mark.parametrize("name", sorted(ALL))
def test_saved_query_restricted_to_an_article(dataset, name):
    everything = table(run_query(name, dataset))
    one = table(run_query(name, dataset, {"article": A1}))
    two = table(run_query(name, dataset, {"article": A2}))
    assert set(one) <= set(everything) and set(two) <= set(everything)
    assert set(one) | set(two) == set(everything)
    assert run_query(name, dataset, {"article": "tgid:article/none"}).rows == []


def test_actors(dataset):
    assert table(run_query("actors", dataset)) == [
        ("tgid:article/mini-1/person/1", "Alex Chan", "tg:Person"),
        ("tgid:article/mini-1/group/1", "critics", "tg:ActorGroup"),
        ("tgid:actor/hong-kong", "Hong Kong", "tg:State"),
        ("tgid:actor/justice-centre-hong-kong", "Justice Centre Hong Kong",
         "tg:CivilSocietyOrganisation"),
        ("tgid:article/mini-2/group/1", "lawmakers", "tg:ActorGroup"),
        ("tgid:actor/united-states", "United States", "tg:State"),
        ("tgid:actor/us-department-of-state", "US Department of State", "tg:GovernmentBody"),
    ]
    # the type is the class IRI
    result = run_query("actors", dataset, {"article": A2})
    assert result.rows[0] == (TGID["actor/hong-kong"], Literal("Hong Kong"), TG.State)


def test_actor_without_a_specific_kind_is_a_tg_actor():
    ds = Dataset(default_union=True)
    g = ds.graph(TGID["graph/x"])
    from rdflib.namespace import RDF

    g.add((TGID["article/x"], RDF.type, TG.Article))
    g.add((TGID["actor/a"], RDF.type, TG.Actor))
    g.add((TGID["actor/b"], RDF.type, TG.Actor))
    g.add((TGID["actor/b"], RDF.type, TG.MediaOrganisation))
    rows = table(run_query("actors", ds))
    assert rows == [("tgid:actor/a", "", "tg:Actor"), ("tgid:actor/b", "", "tg:MediaOrganisation")]


def test_laws(dataset):
    result = run_query("laws", dataset)
    assert table(result) == [
        ("tgid:law/national-security-law", "National Security Law", "Hong Kong", "2020-06")]
    assert result.rows[0][3] == Literal("2020-06", datatype=XSD.gYearMonth)


def test_reports(dataset):
    result = run_query("reports", dataset)
    assert table(result) == [("tgid:report/tip-report-2024", "2024 Trafficking in Persons Report",
                              "US Department of State", "2024")]
    assert result.rows[0][3].datatype == XSD.gYear


def test_instruments(dataset):
    assert table(run_query("instruments", dataset)) == [
        ("tgid:instrument/palermo-protocol", "Palermo Protocol")]


def test_ratings_are_distinct_across_articles(dataset):
    # the same rating IRI is stated in both articles' graphs: one row
    assert table(run_query("ratings", dataset)) == [
        ("tgid:actor/hong-kong", "Hong Kong", "Tier 2 Watch List",
         "2024 Trafficking in Persons Report", "2024")]


def test_claims(dataset):
    assert table(run_query("claims", dataset)) == [
        ("tgid:article/mini-1/claim/1", "tgid:article/mini-1/person/1", "Alex Chan",
         "\"The report's claims are unfounded,\" said Alex Chan, a government spokesperson.",
         "The report's claims are unfounded", "disputes"),
        ("tgid:article/mini-1/claim/2", "tgid:article/mini-1/group/1", "critics",
         "Critics say the National Security Law, enacted in June 2020, has forced NGOs such as "
         "Justice Centre Hong Kong to close.", "", "raises concern"),
        ("tgid:article/mini-2/claim/1", "tgid:article/mini-2/group/1", "lawmakers",
         "Lawmakers said the rating was unfair.", "", "disputes"),
    ]


def test_claims_in_numeric_order():
    from rdflib.namespace import RDF

    ds = Dataset(default_union=True)
    g = ds.graph(TGID["graph/x"])
    for n in (10, 2, 1):
        g.add((TGID[f"article/x/claim/{n}"], RDF.type, TG.Claim))
    assert [row[0] for row in table(run_query("claims", ds))] == [
        "tgid:article/x/claim/1", "tgid:article/x/claim/2", "tgid:article/x/claim/10"]


def test_amounts(dataset):
    result = run_query("amounts", dataset)
    assert table(result) == [
        ("tgid:article/mini-1/figure/1", "77000000", "HKD", "2024-25", "anti-trafficking work"),
        ("tgid:article/mini-1/figure/2", "62000000", "HKD", "2023-24", "anti-trafficking work"),
    ]
    assert result.rows[0][1].datatype == XSD.decimal


def test_sources(dataset):
    assert table(run_query("sources", dataset)) == [
        ("tgid:source/673d01e0e0cf275e", "2024 Trafficking in Persons Report",
         "US Department of State", "US Department of State", "2024-06-24",
         "https://www.state.gov/reports/2024-trafficking-in-persons-report/")]


def test_disputes(dataset):
    assert table(run_query("disputes", dataset)) == [
        ("tgid:article/mini-1/claim/1", "tgid:article/mini-1/person/1", "Alex Chan",
         "tgid:actor/hong-kong", "tgid:report/tip-report-2024",
         "2024 Trafficking in Persons Report", "tg:Report",
         "\"The report's claims are unfounded,\" said Alex Chan, a government spokesperson."),
        ("tgid:article/mini-2/claim/1", "tgid:article/mini-2/group/1", "lawmakers", "",
         "tgid:rating/hong-kong/tip-report-2024",
         "Hong Kong: Tier 2 Watch List (2024 Trafficking in Persons Report)", "tg:Rating",
         "Lawmakers said the rating was unfair."),
    ]


def test_budget_change(dataset):
    result = run_query("budget-change", dataset)
    assert table(result) == [
        ("tgid:actor/hong-kong", "anti-trafficking work", "HKD", "tgid:article/mini-1/figure/2",
         "2023-24", "62000000", "tgid:article/mini-1/figure/1", "2024-25", "77000000",
         "15000000")]
    assert result.rows[0][-1].toPython() == Decimal(15000000)


def test_budget_change_by_matching_purpose_without_previous_figure(dataset):
    from rdflib.namespace import RDF

    ds = Dataset(default_union=True)
    g = ds.graph(TGID["graph/x"])
    values = {"2022": "10", "2023": "12.5", "2024": "9"}
    for n, (period, value) in enumerate(values.items(), 1):
        f = TGID[f"article/x/figure/{n}"]
        g.add((f, RDF.type, TG.MonetaryAmount))
        g.add((f, TG.period, Literal(period)))
        g.add((f, TG.purpose, Literal("Victim Support" if n == 2 else "victim support")))
        g.add((f, SCHEMA.value, Literal(value, datatype=XSD.decimal)))
        g.add((f, SCHEMA.currency, Literal("EUR")))
    other = TGID["article/x/figure/9"]  # another currency: not paired
    g.add((other, RDF.type, TG.MonetaryAmount))
    g.add((other, TG.period, Literal("2025")))
    g.add((other, TG.purpose, Literal("victim support")))
    g.add((other, SCHEMA.currency, Literal("USD")))
    rows = [(r[4], r[5], r[7], r[8], r[9]) for r in table(run_query("budget-change", ds))]
    assert rows == [("2022", "10", "2023", "12.5", "2.5"), ("2023", "12.5", "2024", "9", "-3.5")]


def test_ngo_restrictions(dataset):
    sentence = ("Critics say the National Security Law, enacted in June 2020, has forced NGOs "
                "such as Justice Centre Hong Kong to close.")
    assert table(run_query("ngo-restrictions", dataset)) == [
        ("tgid:law/national-security-law", "National Security Law", "Hong Kong", "", "",
         "tgid:article/mini-1/claim/2", sentence),
        ("tgid:law/national-security-law", "National Security Law", "Hong Kong",
         "tgid:actor/justice-centre-hong-kong", "Justice Centre Hong Kong", "", sentence),
    ]


def test_evidence_of_a_fact(dataset):
    result = run_query("evidence", dataset, {"fact": "tgid:article/mini-1/claim/1"})
    assert table(result) == [
        ("tgid:article/mini-1/claim/1", "tg:quotation", "The report's claims are unfounded",
         "319", "352",
         "\"The report's claims are unfounded,\" said Alex Chan, a government spokesperson.",
         A1, "tgid:mapper/claims", "0.9")]
    # the offsets are into the article's text
    text = str(dataset.value(TGID["article/mini-1"], SCHEMA.text))
    row = result.as_dicts()[0]
    assert text[int(row["start"]):int(row["end"])] == str(row["exact"])


def test_evidence_of_an_entity_in_every_article(dataset):
    result = run_query("evidence", dataset, {"fact": str(TGID["actor/hong-kong"])})
    assert [(r[6], r[3]) for r in table(result)] == [(A1, "112"), (A2, "34")]
    only_two = run_query("evidence", dataset, {"fact": "tgid:actor/hong-kong", "article": A2})
    assert [(r[6], r[3]) for r in table(only_two)] == [(A2, "34")]


def test_evidence_mapper_from_the_activity_name_when_no_agent_is_recorded():
    from rdflib.namespace import PROV

    ds = Dataset(default_union=True)
    g = ds.graph(TGID["graph/x"])
    ann = TGID["article/x/annotation/1"]
    g.add((ann, OA.hasBody, TGID["actor/a"]))
    g.add((ann, OA.hasTarget, TGID["article/x/annotation/1/target"]))
    g.add((TGID["article/x/annotation/1/target"], OA.hasSource, TGID["article/x"]))
    g.add((TGID["article/x/annotation/1/target"], OA.hasSelector,
           TGID["article/x/annotation/1/position"]))
    g.add((TGID["article/x/annotation/1/position"], OA.start, Literal(0)))
    g.add((TGID["article/x/annotation/1/position"], OA.end, Literal(3)))
    g.add((ann, PROV.wasGeneratedBy, TGID["article/x/activity/actors"]))
    assert table(run_query("evidence", ds))[0][7] == "tgid:mapper/actors"


def test_counts_dates_quotes(dataset):
    assert table(run_query("counts", dataset)) == [
        ("tgid:article/mini-1/figure/3", "12", "victims of trafficking", "2023",
         "tgid:actor/hong-kong", "Hong Kong", "12")]
    assert table(run_query("dates", dataset)) == [
        ("tgid:article/mini-1/date/1", "2020-06", "June 2020", "tgid:law/national-security-law",
         "National Security Law", A1)]
    assert table(run_query("quotes", dataset)) == [
        ("tgid:article/mini-1/claim/1", "The report's claims are unfounded",
         "tgid:article/mini-1/person/1", "Alex Chan", "tgid:actor/hong-kong", "Hong Kong", "said",
         A1)]


def test_dataset_without_default_union_is_queried_as_the_union():
    ds = Dataset()  # default_union=False
    ds.parse(FIXTURE, format="trig")
    assert len(run_query("actors", ds)) == 7
    assert ds.default_union is False


def test_plain_graph_is_queried_too():
    ds = Dataset(default_union=True)
    ds.parse(FIXTURE, format="trig")
    g = Graph()
    for triple in ds.graph(TGID["graph/mini-2"]):
        g.add(triple)
    assert [r[2] for r in table(run_query("claims", g))] == ["lawmakers"]


# ------------------------------------------------------------------------------------------------
# Parameters are bound, never pasted
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("https://w3id.org/tipgraph/id/article/mini-1", URIRef(TGID["article/mini-1"])),
    ("http://example.org/x", URIRef("http://example.org/x")),
    ("urn:isbn:0451450523", URIRef("urn:isbn:0451450523")),
    ("<http://example.org/y>", URIRef("http://example.org/y")),
    ("tgid:article/mini-1", URIRef(TGID["article/mini-1"])),
    ("tg:Disputes", TG.Disputes),
    ("schema:name", SCHEMA.name),
    ("42", Literal("42", datatype=XSD.integer)),
    ("-7", Literal("-7", datatype=XSD.integer)),
    ("3.25", Literal("3.25", datatype=XSD.decimal)),
    ("Hong Kong", Literal("Hong Kong")),
    ("nope:thing", Literal("nope:thing")),
    ("2024-25", Literal("2024-25")),
    ('x" } ; DROP GRAPH <urn:g> ; #', Literal('x" } ; DROP GRAPH <urn:g> ; #')),
])
def test_parameter_values(value, expected):
    term = parse_param_value(value)
    assert term == expected and type(term) is type(expected)


@pytest.mark.parametrize("value", ['http://example.org/a b', 'https://x.org/"} DROP', 'tg:a>b'])
def test_parameter_that_looks_like_a_bad_iri_is_refused(value):
    with pytest.raises(QueryError, match="not a valid IRI"):
        parse_param_value(value)


def test_parameter_with_sparql_syntax_is_a_literal_not_syntax(dataset):
    before = len(dataset)
    hostile = 'x" } ; DROP GRAPH <https://w3id.org/tipgraph/id/graph/mini-1> ; SELECT * { "'
    for name in ALL:
        result = run_query(name, dataset, {"article": hostile})
        assert result.rows == []
        assert result.vars == ALL[name]
    result = run_query("evidence", dataset, {"fact": '") } UNION { ?fact ?p ?o } #'})
    assert result.rows == []
    assert len(dataset) == before


def test_unknown_parameter_is_refused(dataset):
    with pytest.raises(QueryError) as caught:
        run_query("actors", dataset, {"country": "Hong Kong"})
    assert "country" in str(caught.value) and "article" in str(caught.value)


# ------------------------------------------------------------------------------------------------
# Rendering
# ------------------------------------------------------------------------------------------------

def test_to_table(dataset):
    result = run_query("claims", dataset)
    text = to_table(result)
    lines = text.split("\n")
    assert lines[0].split() == PUBLIC["claims"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[-1] == "(3 rows)"
    assert "tgid:article/mini-1/claim/1" in lines[2]
    assert "https://" not in text
    # the long claim text is cut to 60 characters ending with an ellipsis
    cut = "\"The report's claims are unfounded,\" said Alex Chan, a gove…"
    assert len(cut) == 60 and cut in lines[2]
    # columns are aligned: every header starts where its cells start
    col = lines[0].index("claimantName")
    assert lines[2][col:].startswith("Alex Chan")
    assert lines[4][col:].startswith("lawmakers")
    assert to_table(run_query("instruments", dataset)).endswith("(1 row)")


def test_to_table_empty_result(dataset):
    text = to_table(run_query("actors", dataset, {"article": "tgid:article/none"}))
    assert text.split("\n")[0].split() == PUBLIC["actors"]
    assert text.endswith("(0 rows)")


def test_to_csv_is_the_w3c_format(dataset):
    result = run_query("claims", dataset)
    text = to_csv(result)
    assert text.startswith("claim,claimant,claimantName,text,quote,stance\r\n")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    records = list(csv.reader(io.StringIO(text, newline="")))
    assert records[0] == PUBLIC["claims"]
    assert records[1] == [
        str(TGID["article/mini-1/claim/1"]), str(TGID["article/mini-1/person/1"]), "Alex Chan",
        "\"The report's claims are unfounded,\" said Alex Chan, a government spokesperson.",
        "The report's claims are unfounded", "disputes"]
    assert records[2][4] == ""  # unbound
    # RFC 4180: a field with quotes and commas is quoted, inner quotes doubled
    assert ',"""The report\'s claims are unfounded,"" said Alex Chan' in text
    year = to_csv(run_query("reports", dataset)).split("\r\n")[1]
    assert year.endswith(",2024")  # lexical form, no datatype


def test_to_json_is_the_w3c_format(dataset):
    result = run_query("reports", dataset)
    document = json.loads(to_json(result))
    assert list(document) == ["head", "results"]
    assert document["head"] == {"vars": PUBLIC["reports"]}
    [binding] = document["results"]["bindings"]
    assert binding["report"] == {"type": "uri", "value": str(TGID["report/tip-report-2024"])}
    assert binding["name"] == {"type": "literal", "value": "2024 Trafficking in Persons Report"}
    assert binding["year"] == {"type": "literal", "value": "2024", "datatype": str(XSD.gYear)}
    assert list(binding["year"]) == ["type", "value", "datatype"]
    claims = json.loads(to_json(run_query("claims", dataset)))
    assert "quote" not in claims["results"]["bindings"][1]  # unbound: left out
    assert to_json(result) == to_json(run_query("reports", dataset))


def test_to_json_language_tags_and_blank_nodes():
    result = QueryResult(vars=["a", "b", "c"],
                         rows=[(Literal("Tier 2", lang="en"), BNode("b0"), None)])
    document = json.loads(to_json(result))
    assert document["results"]["bindings"] == [
        {"a": {"type": "literal", "value": "Tier 2", "xml:lang": "en"},
         "b": {"type": "bnode", "value": "b0"}}]
    assert to_csv(result) == "a,b,c\r\nTier 2,_:b0,\r\n"


def test_renderers_are_deterministic(dataset):
    for name in ALL:
        first, second = run_query(name, dataset), run_query(name, dataset)
        assert to_table(first) == to_table(second)
        assert to_csv(first) == to_csv(second)
        assert to_json(first) == to_json(second)
