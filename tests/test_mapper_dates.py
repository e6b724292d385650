"""The dates mapper: dates the prose states, their normalised values and what they date."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, XSD

from tipgraph.article import read_article
from tipgraph.gazetteer import load_gazetteer, load_lexicon
from tipgraph.mappers import ordered
from tipgraph.mappers.context import MappingContext
from tipgraph.namespace import OA, SCHEMA, TG, TGID
from tipgraph.recognise import get_recogniser
from tipgraph.validate import validate

from helpers import graph_of, write_article  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "articles" / "000_df495ebb58d21c9e.txt"
SNSO = TGID["law/safeguarding-national-security-ordinance"]


def write(tmp_path, body: str, meta: dict | None = None, name: str = "t1") -> Path:
    return write_article(tmp_path, body, meta, name, title="Test article on trafficking dates")


def build(tmp_path, body: str, meta: dict | None = None) -> Graph:
    return graph_of(write(tmp_path, body, meta))


def quote(graph: Graph, node) -> str:
    """The text of the annotation that states the date (the one for tg:dateValue)."""
    for ann in graph.subjects(OA.hasBody, node):
        if (ann, TG.property, TG.dateValue) in graph:
            for selector in graph.objects(graph.value(ann, OA.hasTarget), OA.hasSelector):
                if graph.value(selector, OA.exact) is not None:
                    return str(graph.value(selector, OA.exact))
    raise AssertionError(f"no evidence for {node}")


def dates(graph: Graph) -> list[tuple[str, Literal, object]]:
    """(text as written, value, what it refers to) for every date, in text order."""
    nodes = sorted(graph.subjects(RDF.type, TG.TemporalExpression),
                   key=lambda n: int(str(n).rsplit("/", 1)[1]))
    return [(quote(graph, n), graph.value(n, TG.dateValue), graph.value(n, TG.refersTo))
            for n in nodes]


def by_text(graph: Graph) -> dict:
    return {text: (value, target) for text, value, target in dates(graph)}


# ------------------------------------------------------------------------------ the seed

def test_seed_dates():
    graph = graph_of(SEED)
    found = by_text(graph)
    assert found["March 2024"] == (Literal("2024-03", datatype=XSD.gYearMonth), SNSO)
    for year in ("2020", "2024"):
        value, target = found[year]
        assert value == Literal(year, datatype=XSD.gYear)
        assert (target, RDF.type, TG.Statute) in graph
        assert "national security laws" in str(graph.value(target, SCHEMA.name))
    assert len(dates(graph)) == 3  # names ("2024 Trafficking in Persons Report") and sources aren't
    laws = found["2020"][1]
    assert list(graph.objects(laws, TG.dateEnacted)) == [Literal("2020", datatype=XSD.gYear)]


def test_seed_law_keeps_its_known_enactment_date():
    graph = graph_of(SEED)
    assert list(graph.objects(SNSO, TG.dateEnacted)) == \
        [Literal("2024-03-23", datatype=XSD.date)]


# ------------------------------------------------------------------------------ forms

@pytest.mark.parametrize("sentence, text, value, datatype", [
    ("Police raided the compound on 25 June 2024.", "25 June 2024", "2024-06-25", XSD.date),
    ("Police raided the compound on June 25, 2024.", "June 25, 2024", "2024-06-25", XSD.date),
    ("Police raided the compound on 26th June 2024.", "26th June 2024", "2024-06-26", XSD.date),
    ("Police raided the compound on Oct. 2, 2025.", "Oct. 2, 2025", "2025-10-02", XSD.date),
    ("Police raided the compound in March 2024.", "March 2024", "2024-03", XSD.gYearMonth),
    ("Shelters have been closed since 2017.", "2017", "2017", XSD.gYear),
    ("Referrals fell in the first half of 2025.", "the first half of 2025", "2025", XSD.gYear),
])
def test_date_forms(tmp_path, sentence, text, value, datatype):
    found = by_text(build(tmp_path, sentence))
    assert found[text][0] == Literal(value, datatype=datatype)


def test_coordinated_years_and_month_ranges(tmp_path):
    body = ("Police raided the compounds in 2020 and 2024. Researchers interviewed fishers "
            "between June and December 2024.")
    found = dates(build(tmp_path, body))
    assert [(text, str(value)) for text, value, _ in found] == [
        ("2020", "2020"), ("2024", "2024"), ("June", "2024-06"), ("December 2024", "2024-12")]


def test_names_and_fiscal_periods_are_not_dates(tmp_path):
    body = ("The 2024 Trafficking in Persons Report criticised the Modern Slavery Act 2015. "
            "The 2024-25 budget and fiscal year 2025 spending, like FY2024 grants, replaced the "
            "2003 law. The May deadline may slip.")
    assert dates(build(tmp_path, body)) == []


def test_months_and_days_without_a_year_take_the_article_date(tmp_path):
    body = ("The 2023 Trafficking in Persons Report, released on 15 June, kept the country on "
            "Tier 2. Shelters opened last year, and the survey was published on Sunday.")
    found = by_text(build(tmp_path, body, meta={"date": "2023-07-03"}))
    assert str(found["15 June"][0]) == "2023-06-15"
    assert str(found["last year"][0]) == "2022"
    assert str(found["Sunday"][0]) == "2023-07-02"


@pytest.mark.parametrize("article_date, value", [("2025-03-14", "2024-06"),
                                                 ("2023-07-03", "2023-06")])
def test_last_month_is_the_latest_before_the_article(tmp_path, article_date, value):
    body = "The report, published by the US Department of State last June, kept it on Tier 2."
    found = by_text(build(tmp_path, body, meta={"date": article_date}))
    assert str(found["last June"][0]) == value


def test_relative_dates_need_the_article_date(tmp_path):
    body = "The report was released on 15 June. Shelters opened last year."
    assert dates(build(tmp_path, body)) == []


def test_previous_year_is_the_year_before_the_one_named(tmp_path):
    body = "Eurostat recorded 10,093 victims in 2022, a rise of 41 per cent on the previous year."
    found = by_text(build(tmp_path, body))
    assert str(found["the previous year"][0]) == "2021"


# ------------------------------------------------------------------------------ what it dates

def test_publication_date_of_a_report(tmp_path):
    body = ("The 2023 Trafficking in Persons Report, released on 15 June, kept the country on "
            "Tier 2.")
    graph = build(tmp_path, body, meta={"date": "2023-07-03"})
    report = TGID["report/2023-trafficking-in-persons-report"]
    assert by_text(graph)["15 June"][1] == report
    assert list(graph.objects(report, SCHEMA.datePublished)) == \
        [Literal("2023-06-15", datatype=XSD.date)]


def test_enactment_date_of_a_law(tmp_path):
    body = ("The Freedom From Servitude Act, passed in 2015, created a national referral "
            "system.")
    graph = build(tmp_path, body)
    law = by_text(graph)["2015"][1]
    assert law is not None and (law, RDF.type, TG.Statute) in graph
    assert list(graph.objects(law, TG.dateEnacted)) == [Literal("2015", datatype=XSD.gYear)]
    evidence = [a for a in graph.subjects(OA.hasBody, law)
                if (a, TG.property, TG.dateEnacted) in graph]
    assert len(evidence) == 1


def test_date_before_the_noun_of_enactment(tmp_path):
    body = ("Critics pointed to the March 2024 enactment of the Safeguarding National Security "
            "Ordinance in Hong Kong.")
    graph = build(tmp_path, body)
    assert by_text(graph)["March 2024"][1] == SNSO
    assert len(list(graph.objects(SNSO, TG.dateEnacted))) == 1


def test_ratification_is_the_state_s_date_not_the_instrument_s(tmp_path):
    graph = build(tmp_path, "Cambodia ratified the Palermo Protocol in 2007.")
    value, target = by_text(graph)["2007"]
    assert value == Literal("2007", datatype=XSD.gYear)
    assert target is None   # a bare tg:refersTo would read as the Protocol's own date
    assert Literal("2007", datatype=XSD.gYear) not in set(graph.objects(None, TG.adoptedOn))


def test_accession_is_not_the_instrument_s_date(tmp_path):
    graph = build(tmp_path, "Thailand acceded to the Palermo Protocol in 2013, and the Protocol "
                            "entered into force on 25 December 2003.")
    found = by_text(graph)
    assert found["2013"][1] is None
    assert found["25 December 2003"][1] is not None


def test_a_recurring_deadline_is_no_date(tmp_path):
    body = ("The law requires the department to release the 2025 Trafficking in Persons Report by "
            "June 30 each year. It was published on 29 September.")
    graph = build(tmp_path, body, meta={"date": "2025-10-06"})
    found = by_text(graph)
    assert "June 30" not in found
    assert found["29 September"][0] == Literal("2025-09-29", datatype=XSD.date)


@pytest.mark.parametrize("text, iso", [("Aug. 14, 2025", "2025-08-14"),
                                       ("Sept. 29, 2025", "2025-09-29"),
                                       ("Aug 14, 2025", "2025-08-14")])
def test_us_style_abbreviated_dates_parse(tmp_path, text, iso):
    graph = build(tmp_path, f"The court ruled on {text}, after a nine-day trial.")
    assert by_text(graph)[text][0] == Literal(iso, datatype=XSD.date)


def test_date_with_no_event_refers_to_nothing(tmp_path):
    graph = build(tmp_path, "The European Union lifted its warning in January 2019.")
    assert by_text(graph)["January 2019"] == (Literal("2019-01", datatype=XSD.gYearMonth), None)


def test_dateline_date_refers_to_the_article(tmp_path):
    body = "BANGKOK, 14 March 2025 — Migrant fishers still borrow heavily to secure their jobs."
    path = write(tmp_path, body)
    graph = graph_of(path)
    assert by_text(graph)["14 March 2025"][1] == TGID[f"article/{path.stem}"]


# ------------------------------------------------------------------------------ interfaces

def test_found_dates_for_later_mappers(tmp_path):
    path = write(tmp_path, "Cambodia ratified the Palermo Protocol, adopted in 2000, and joined "
                           "ASEAN in April 1999.")
    ctx = MappingContext(read_article(path), load_gazetteer(), load_lexicon(), get_recogniser())
    for spec in ordered():
        ctx.current_mapper = spec.name
        for triple in spec.func(ctx) or ():
            ctx.add(*triple)
    found = ctx.found["dates"]
    assert [d["iso"] for d in found] == ["2000", "1999-04"]
    assert ctx.text[found[1]["start"]:found[1]["end"]] == "April 1999"
    assert found[0]["refers_to"] is not None and found[1]["refers_to"] is None


def test_dates_conform_to_the_shapes(tmp_path):
    body = ("The Freedom From Servitude Act, passed in 2015, and the 2023 Trafficking in Persons "
            "Report, released on 15 June, were debated in March 2024 and last year.")
    report = validate(build(tmp_path, body, meta={"date": "2024-07-03"}))
    assert report.conforms, report.text()


def test_iso_date_in_the_prose(tmp_path):
    graph = build(tmp_path, "The hearing was held on 2025-05-12 in Athens. A date like 05/06/2024 "
                            "is ambiguous.")
    values = {str(v) for v in graph.objects(None, TG.dateValue)}
    assert "2025-05-12" in values
