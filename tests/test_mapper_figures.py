"""The figures mapper: sums of money and counts with their value, currency, period, purpose,
owner and the earlier figure they are compared with."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, XSD

from tipgraph.article import read_article
from tipgraph.build import map_article
from tipgraph.gazetteer import load_gazetteer, load_lexicon
from tipgraph.mappers import ordered
from tipgraph.mappers.context import MappingContext
from tipgraph.namespace import OA, SCHEMA, TG, TGID
from tipgraph.recognise import get_recogniser
from tipgraph.validate import validate

from helpers import graph_of, write_article  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "articles" / "000_df495ebb58d21c9e.txt"


def write(tmp_path, body: str, meta: dict | None = None, name: str = "t1") -> Path:
    return write_article(tmp_path, body, meta, name, title="Test article on trafficking figures")


def build(tmp_path, body: str, meta: dict | None = None) -> Graph:
    return graph_of(write(tmp_path, body, meta))


def figures(graph: Graph, cls=None) -> dict:
    """Figure nodes by their value as written."""
    return {str(text): node for node, text in graph.subject_objects(TG.valueText)
            if cls is None or (node, RDF.type, cls) in graph}


def one(graph: Graph, node, prop):
    values = list(graph.objects(node, prop))
    assert len(values) <= 1, f"{prop} has {values}"
    return values[0] if values else None


def confidence(graph: Graph, node, prop) -> float:
    """The confidence of the annotation that is evidence for ``prop`` of ``node``."""
    for ann in graph.subjects(OA.hasBody, node):
        if (ann, TG.property, prop) in graph:
            return float(graph.value(ann, TG.confidence))
    raise AssertionError(f"no annotation for {prop} of {node}")


def evidence(graph: Graph, node, prop) -> str:
    for ann in graph.subjects(OA.hasBody, node):
        if (ann, TG.property, prop) in graph:
            target = graph.value(ann, OA.hasTarget)
            for selector in graph.objects(target, OA.hasSelector):
                exact = graph.value(selector, OA.exact)
                if exact is not None:
                    return str(exact)
    raise AssertionError(f"no annotation for {prop} of {node}")


# ------------------------------------------------------------------------------ the seed

def test_seed_budget_compared_with_previous_year():
    graph = graph_of(SEED)
    amounts = figures(graph, TG.MonetaryAmount)
    now, before = amounts["HK$77 million"], amounts["HK$62 million"]
    assert one(graph, now, SCHEMA.value) == Literal(Decimal("77000000"), datatype=XSD.decimal)
    assert str(one(graph, now, SCHEMA.value)) == "77000000"
    assert str(one(graph, now, SCHEMA.currency)) == "HKD"
    assert str(one(graph, now, TG.period)) == "2024-25"
    assert "anti-trafficking" in str(one(graph, now, TG.purpose))
    assert one(graph, now, TG.figureOf) == TGID["actor/hong-kong"]
    assert one(graph, now, TG.previousFigure) == before
    assert str(one(graph, before, SCHEMA.value)) == "62000000"
    assert str(one(graph, before, SCHEMA.currency)) == "HKD"
    assert str(one(graph, before, TG.period)) == "2023-24"
    assert one(graph, before, TG.purpose) == one(graph, now, TG.purpose)
    assert one(graph, before, TG.previousFigure) is None
    assert evidence(graph, now, TG.period) == "2024-25 budget"
    assert evidence(graph, before, TG.period) == "the previous fiscal year"


def test_seed_has_no_counts():
    """The seed states "Tier 2", "Article 23", years and "two governments": none is a count."""
    graph = graph_of(SEED)
    assert figures(graph, TG.Count) == {}


def test_seed_output_is_deterministic():
    article = read_article(SEED)
    assert map_article(article) == map_article(article)


# ------------------------------------------------------------------------------ amounts

@pytest.mark.parametrize("text, value, currency", [
    ("HK$77 million", "77000000", "HKD"),
    ("US$1.2 million", "1200000", "USD"),
    ("$450,000", "450000", "USD"),
    ("£3.5m", "3500000", "GBP"),
    ("€12 million", "12000000", "EUR"),
    ("250 million baht", "250000000", "THB"),
    ("40m naira", "40000000", "NGN"),
    ("RM 5 million", "5000000", "MYR"),
    ("RM100,000", "100000", "MYR"),
    ("PHP 80 million", "80000000", "PHP"),
    ("USD 2bn", "2000000000", "USD"),
    ("3,000 dirhams", "3000", "AED"),
    ("eight thousand dollars", "8000", "USD"),
    ("Rs 2 crore", "20000000", "INR"),
    ("1.25 billion euros", "1250000000", "EUR"),
    ("USD 2 bn", "2000000000", "USD"),
    ("one million dollars", "1000000", "USD"),
])
def test_amount_forms(tmp_path, text, value, currency):
    graph = build(tmp_path, f"The agency received {text} for victim shelters in 2024.")
    node = figures(graph, TG.MonetaryAmount)[text]
    literal = one(graph, node, SCHEMA.value)
    assert literal.datatype == XSD.decimal and str(literal) == value
    assert str(one(graph, node, SCHEMA.currency)) == currency
    assert evidence(graph, node, SCHEMA.value) == text


def test_dollar_sign_reads_as_the_article_state_currency(tmp_path):
    body = ("Hong Kong has stepped up its response. Hong Kong set aside $40 million for "
            "shelters, officials in Hong Kong said.")
    graph = build(tmp_path, body)
    node = figures(graph, TG.MonetaryAmount)["$40 million"]
    assert str(one(graph, node, SCHEMA.currency)) == "HKD"
    assert confidence(graph, node, SCHEMA.value) < 0.9


def test_dollar_sign_defaults_to_usd_with_lower_confidence(tmp_path):
    body = ("Cambodia has stepped up raids. Lotus Bridge received a $450,000 grant in 2025, "
            "and a separate donor gave HK$2 million.")
    graph = build(tmp_path, body)
    amounts = figures(graph, TG.MonetaryAmount)
    assert str(one(graph, amounts["$450,000"], SCHEMA.currency)) == "USD"
    assert confidence(graph, amounts["$450,000"], SCHEMA.value) < \
        confidence(graph, amounts["HK$2 million"], SCHEMA.value)


def test_shared_name_without_default_needs_the_state(tmp_path):
    philippines = build(tmp_path, "The Philippines approved 1.5 billion pesos for legal "
                                  "assistance to overseas workers.")
    node = figures(philippines, TG.MonetaryAmount)["1.5 billion pesos"]
    assert str(one(philippines, node, SCHEMA.currency)) == "PHP"
    nowhere = build(tmp_path, "Donors approved 1.5 billion pesos for legal assistance.")
    assert figures(nowhere, TG.MonetaryAmount) == {}


@pytest.mark.parametrize("sentence, text, period", [
    ("The department spent HK$9.6 million on publicity in fiscal year 2023/24.",
     "HK$9.6 million", "2023-24"),
    ("Members lost $3.2 million in federal grants in FY2025.", "$3.2 million", "2025"),
    ("The shelters spent €850,000 in 2022 on emergency accommodation.", "€850,000", "2022"),
    ("The law set a minimum wage of QAR 1,000 a month from March 2021.",
     "QAR 1,000 a month", "monthly"),
    ("Companies with an annual turnover of £36m or more must publish a statement.",
     "£36m", "annual"),
    ("The council pledged €2 million for the 2024-2025 programme.", "€2 million", "2024-25"),
])
def test_periods(tmp_path, sentence, text, period):
    graph = build(tmp_path, sentence)
    node = figures(graph, TG.MonetaryAmount)[text]
    assert str(one(graph, node, TG.period)) == period


def test_previous_year_and_comparison(tmp_path):
    body = ("Thailand's labour ministry reported on inspections. The Ministry of Labour said it "
            "had set aside 250 million baht in fiscal year 2025 for labour inspections in the "
            "fisheries sector, up from 210 million baht the previous year.")
    graph = build(tmp_path, body)
    amounts = figures(graph, TG.MonetaryAmount)
    now, before = amounts["250 million baht"], amounts["210 million baht"]
    assert one(graph, now, TG.previousFigure) == before
    assert str(one(graph, now, TG.period)) == "2025"
    assert str(one(graph, before, TG.period)) == "2024"
    assert str(one(graph, now, TG.purpose)) == "labour inspections in the fisheries sector"
    assert one(graph, before, TG.purpose) == one(graph, now, TG.purpose)
    assert one(graph, now, TG.figureOf) is not None
    assert one(graph, before, TG.figureOf) == one(graph, now, TG.figureOf)


def test_from_one_amount_to_another(tmp_path):
    graph = build(tmp_path, "Shelter funding rose from $2 million in 2022 to $3 million in 2023.")
    amounts = figures(graph, TG.MonetaryAmount)
    assert one(graph, amounts["$3 million"], TG.previousFigure) == amounts["$2 million"]
    assert str(one(graph, amounts["$2 million"], TG.period)) == "2022"
    assert str(one(graph, amounts["$3 million"], TG.period)) == "2023"


def test_amounts_in_other_currencies_are_not_compared(tmp_path):
    graph = build(tmp_path, "The grant grew to €5 million, up from $4 million in 2023.")
    amounts = figures(graph, TG.MonetaryAmount)
    assert one(graph, amounts["€5 million"], TG.previousFigure) is None


@pytest.mark.parametrize("sentence, text, purpose", [
    ("The city allocated $5 million towards anti-trafficking efforts.", "$5 million",
     "anti-trafficking efforts"),
    ("The donor set aside $2 million to fund shelters for survivors.", "$2 million",
     "shelters for survivors"),
    ("Authorities spent US$1.2 million on their repatriation.", "US$1.2 million",
     "their repatriation"),
    ("Employers face a fine of up to RM100,000, or up to two years in prison.", "up to RM100,000",
     "fine"),
    ("The women were owed a combined QAR 2.4 million in unpaid wages.", "QAR 2.4 million",
     "unpaid wages"),
    ("The charity has pledged £3.5m over three years to survivor-led groups while the bill is "
     "debated.", "£3.5m", "survivor-led groups"),
    ("The group received a $450,000 grant from a foundation in 2025 to expand its legal "
     "clinic.", "$450,000", "its legal clinic"),
])
def test_purposes(tmp_path, sentence, text, purpose):
    graph = build(tmp_path, sentence)
    node = figures(graph, TG.MonetaryAmount)[text]
    assert str(one(graph, node, TG.purpose)) == purpose
    assert evidence(graph, node, TG.purpose) == purpose


def test_listed_amounts_keep_their_purpose_and_share_the_rate(tmp_path):
    body = ("The law set a minimum wage of QAR 1,000 a month from March 2021, plus QAR 500 for "
            "housing and QAR 300 for food where the employer does not provide them.")
    graph = build(tmp_path, body)
    amounts = figures(graph, TG.MonetaryAmount)
    assert str(one(graph, amounts["QAR 1,000 a month"], TG.purpose)) == "minimum wage"
    assert str(one(graph, amounts["QAR 500"], TG.purpose)) == "housing"
    assert str(one(graph, amounts["QAR 300"], TG.purpose)) == "food"
    assert {str(one(graph, node, TG.period)) for node in amounts.values()} == {"monthly"}
    assert all(one(graph, node, TG.previousFigure) is None for node in amounts.values())


def test_owner_from_possessive_and_from_verb(tmp_path):
    body = ("Hong Kong's allocation of HK$77 million went to shelters. "
            "Malaysia acted too: the Ministry of Home Affairs said it had set aside RM 5 million "
            "for government shelters in 2024.")
    graph = build(tmp_path, body)
    amounts = figures(graph, TG.MonetaryAmount)
    assert one(graph, amounts["HK$77 million"], TG.figureOf) == TGID["actor/hong-kong"]
    assert confidence(graph, amounts["HK$77 million"], TG.figureOf) >= 0.8
    owner = one(graph, amounts["RM 5 million"], TG.figureOf)
    assert owner is not None and owner != TGID["actor/malaysia"]
    assert "Ministry of Home Affairs" in str(graph.value(owner, SCHEMA.name))


def test_budget_with_no_named_owner_is_the_state_s(tmp_path):
    body = ("Cambodia has removed thousands of foreigners from scam compounds in Cambodia. "
            "Authorities spent US$1.2 million on repatriation in 2024.")
    graph = build(tmp_path, body)
    node = figures(graph, TG.MonetaryAmount)["US$1.2 million"]
    assert one(graph, node, TG.figureOf) == TGID["actor/cambodia"]
    assert confidence(graph, node, TG.figureOf) <= 0.5


def test_amount_that_is_no_budget_has_no_owner(tmp_path):
    graph = build(tmp_path, "In Nigeria, a woman who owes a madam three million naira has no job.")
    node = figures(graph, TG.MonetaryAmount)["three million naira"]
    assert str(one(graph, node, SCHEMA.value)) == "3000000"
    assert one(graph, node, TG.figureOf) is None


# ------------------------------------------------------------------------------ counts

@pytest.mark.parametrize("sentence, text, value, unit", [
    ("Officials identified 1,243 victims of trafficking in 2024.", "1,243 victims", "1243",
     "victims of trafficking"),
    ("Only 17 convictions were recorded.", "Only 17 convictions", "17", "convictions"),
    ("Inspectors checked more than 50,000 workers.", "more than 50,000 workers", "50000",
     "workers"),
    ("The charity runs three shelters in the north.", "three shelters", "3", "shelters"),
    ("A dozen shelters closed in 2023.", "A dozen shelters", "12", "shelters"),
    ("About 40 per cent of victims were children.", "About 40 per cent", "40", "percent"),
    ("Some 40% of victims were children.", "Some 40%", "40", "percent"),
    ("Officials say 1.5 million people are at risk.", "1.5 million people", "1500000", "people"),
    ("Of those interviewed, fewer than 200 had been identified as victims.", "fewer than 200",
     "200", "identified as victims"),
])
def test_counts(tmp_path, sentence, text, value, unit):
    graph = build(tmp_path, sentence)
    node = figures(graph, TG.Count)[text]
    assert str(one(graph, node, SCHEMA.value)) == value
    assert str(one(graph, node, SCHEMA.unitText)) == unit
    assert one(graph, node, SCHEMA.currency) is None


def test_count_period_and_comparison(tmp_path):
    body = ("Federal trafficking convictions fell from 289 in fiscal year 2023 to 210 in FY2024, "
            "and 486 returnees were supported last year.")
    graph = build(tmp_path, body, meta={"date": "2024-07-02"})
    counts = figures(graph, TG.Count)
    assert one(graph, counts["210"], TG.previousFigure) == counts["289"]
    assert str(one(graph, counts["289"], SCHEMA.unitText)) == "Federal trafficking convictions"
    assert str(one(graph, counts["289"], TG.period)) == "2023"
    assert str(one(graph, counts["210"], TG.period)) == "2024"
    assert str(one(graph, counts["486 returnees"], TG.period)) == "2023"


def test_labels_years_dates_ages_and_durations_are_not_counts(tmp_path):
    body = ("The country stayed on Tier 2 in 2023 under Article 23 of the Basic Law. "
            "Law No. 15 of 2017 and the ILO Convention No. 29 apply, as does the Modern Slavery "
            "Act 2015. A 29-year-old worker said she had worked for two years without pay. "
            "Hundreds of victims were found on 25 June 2024, and thousands more since 2020. "
            "One of the most thorough systems in the region took twelve months to build.")
    graph = build(tmp_path, body)
    assert figures(graph, TG.Count) == {}


def test_spelled_numbers_count_only_counted_nouns(tmp_path):
    body = "The two governments met. Only nine women were referred, and two compounds closed."
    graph = build(tmp_path, body)
    assert set(figures(graph, TG.Count)) == {"Only nine women"}


# ------------------------------------------------------------------------------ interfaces

def test_found_figures_for_later_mappers(tmp_path):
    path = write(tmp_path, "Thailand spent 250 million baht in 2024 and rescued 1,243 victims.")
    ctx = MappingContext(read_article(path), load_gazetteer(), load_lexicon(), get_recogniser())
    for spec in ordered():
        ctx.current_mapper = spec.name
        for triple in spec.func(ctx) or ():
            ctx.add(*triple)
    found = ctx.found["figures"]
    assert [f["kind"] for f in found] == ["MonetaryAmount", "Count"]
    assert found[0]["value"] == Decimal("250000000") and found[0]["currency"] == "THB"
    assert found[0]["period"] == "2024"
    assert ctx.text[found[1]["start"]:found[1]["end"]] == "1,243 victims"
    assert (found[1]["node"], RDF.type, TG.Count) in set(ctx.triples)


def test_figures_conform_to_the_shapes(tmp_path):
    body = ("Hong Kong's allocation of HK$77 million in the 2024-25 budget towards "
            "anti-trafficking efforts was an increase from HK$62 million the previous fiscal "
            "year. Police identified 12 victims and 40 per cent of them were women.")
    report = validate(build(tmp_path, body))
    assert report.conforms, report.text()


# ------------------------------------------------------------------------------ partitive counts

def test_part_of_a_group_named_before_counts_that_group(tmp_path):
    body = ("Researchers interviewed 412 fishers in three ports. More than 130 of them said a boat "
            "owner was holding their passport.")
    graph = build(tmp_path, body)
    unit = str(one(graph, figures(graph, TG.Count)["More than 130"], SCHEMA.unitText))
    assert unit.startswith("fishers ") and "passport" in unit


def test_of_the_group_then_bare_numbers_count_the_group(tmp_path):
    body = ("The group said that of the 640 foreign workers it interviewed, fewer than 200 had been "
            "formally identified as victims, and only 17 had been offered shelter.")
    graph = build(tmp_path, body)
    counts = figures(graph, TG.Count)
    assert str(one(graph, counts["fewer than 200"], SCHEMA.unitText)).startswith("foreign workers")
    assert str(one(graph, counts["only 17"], SCHEMA.unitText)) == \
        "foreign workers who had been offered shelter"


def test_a_verb_phrase_alone_is_no_unit(tmp_path):
    graph = build(tmp_path, "Asked about their debts, 684 said they had borrowed money.")
    assert "684" not in figures(graph, TG.Count)


def test_part_of_a_group_takes_its_period(tmp_path):
    body = ("Its staff stopped 1,146 women and girls at the border in 2024. Of them, 212 were "
            "under 18.")
    graph = build(tmp_path, body)
    node = figures(graph, TG.Count)["212"]
    assert str(one(graph, node, SCHEMA.unitText)) == "women and girls who were under 18"
    assert str(one(graph, node, TG.period)) == "2024"


def test_a_bare_earlier_figure_counts_what_it_is_compared_with(tmp_path):
    graph = build(tmp_path, "Members assisted 2,914 presumed victims in 2024, up from 2,377 in 2023.")
    counts = figures(graph, TG.Count)
    assert str(one(graph, counts["2,377"], SCHEMA.unitText)) == "presumed victims"
    assert one(graph, counts["2,914 presumed victims"], TG.previousFigure) == counts["2,377"]


# ------------------------------------------------------------------------------ periods, populations

def test_a_running_total_since_a_year_keeps_since(tmp_path):
    body = ("Inspectors rescued 3,151 workers in 2023, and more than 63,000 people have been freed "
            "since the mobile groups were created in 1995.")
    graph = build(tmp_path, body, meta={"date": "2025-10-06"})
    counts = figures(graph, TG.Count)
    assert str(one(graph, counts["3,151 workers"], TG.period)) == "2023"
    assert str(one(graph, counts["more than 63,000 people"], TG.period)) == "since 1995"


def test_since_a_month_of_this_year_is_this_year(tmp_path):
    body = "His unit had rescued more than 300 people and arrested 41 traffickers since January."
    graph = build(tmp_path, body, meta={"date": "2025-11-10"})
    counts = figures(graph, TG.Count)
    assert str(one(graph, counts["41 traffickers"], TG.period)) == "2025"
    assert str(one(graph, counts["more than 300 people"], TG.period)) == "2025"


def test_a_change_on_the_previous_year_is_of_the_figure_s_year(tmp_path):
    body = ("Eurostat recorded 10,093 registered victims in 2022, a rise of 41 per cent on the "
            "previous year.")
    graph = build(tmp_path, body)
    assert str(one(graph, figures(graph, TG.Count)["41 per cent"], TG.period)) == "2022"


def test_a_population_used_for_comparison_is_no_count(tmp_path):
    body = "The service had fewer than 2,000 inspectors for a country of more than 200 million people."
    graph = build(tmp_path, body)
    assert set(figures(graph, TG.Count)) == {"fewer than 2,000 inspectors"}


def test_a_fiscal_year_of_another_calendar_is_moved_to_the_common_era(tmp_path):
    body = "Its staff counselled 1,146 women in fiscal year 2081/82, the group said."
    graph = build(tmp_path, body, meta={"date": "2025-11-10"})
    assert str(one(graph, figures(graph, TG.Count)["1,146 women"], TG.period)) == "2024-25"


# ------------------------------------------------------------------------------ currencies

def test_an_ambiguous_symbol_takes_the_currency_of_the_state_named_in_its_sentence(tmp_path):
    body = ("Nepal's courts are slow, and Nepal's border is open. A court in India awarded Rs 5 lakh "
            "to each survivor. In Nepal, a father was paid Rs 80,000.")
    graph = build(tmp_path, body)
    amounts = figures(graph, TG.MonetaryAmount)
    assert str(one(graph, amounts["Rs 5 lakh"], SCHEMA.currency)) == "INR"
    assert str(one(graph, amounts["Rs 5 lakh"], SCHEMA.value)) == "500000"
    assert str(one(graph, amounts["Rs 80,000"], SCHEMA.currency)) == "NPR"


def test_another_part_of_the_same_group_joined_by_and(tmp_path):
    body = ("The charity supported 146 Vietnamese minors in 2021. Of those, 38 were charged with "
            "cannabis offences, and 11 were convicted before a decision arrived.")
    graph = build(tmp_path, body)
    node = figures(graph, TG.Count)["11"]
    assert str(one(graph, node, SCHEMA.unitText)).startswith("Vietnamese minors who were convicted")


def test_the_year_after_a_law_s_name_is_no_period(tmp_path):
    body = ("The court sentenced them under the Modern Slavery Act, 2015, and ordered them to pay "
            "a combined £25,000 in compensation.")
    graph = build(tmp_path, body)
    assert one(graph, figures(graph, TG.MonetaryAmount)["£25,000"], TG.period) is None
