"""The reference data under data/reference: what it holds, and how a broken table is reported."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import RDF

from tipgraph.errors import ReferenceError
from tipgraph.namespace import TG, TGID
from tipgraph.reference import load_reference, reference_graph
from tipgraph.resources import project_file

REFERENCE = project_file("data/reference")

# Wikidata ids that have been checked by hand. Add an id here only once it has been verified:
# a wrong link is worse than none.
VERIFIED_WIKIDATA = {
    "hong-kong": "Q8646", "china": "Q148", "united-states": "Q30",
    "us-department-of-state": "Q789915",
}


@pytest.fixture(scope="module")
def ref():
    return load_reference()


def test_verified_facts_are_there(ref):
    wikidata = {i.entity: i.identifier for i in ref.identifiers if i.scheme == "wikidata"}
    assert wikidata == VERIFIED_WIKIDATA
    untc = {i.entity: i.identifier for i in ref.identifiers if i.scheme == "untc"}
    assert untc == {"palermo-protocol": "XVIII-12-a"}
    events = {(e.instrument, e.event, e.party): (e.date, e.place, e.document) for e in ref.events}
    assert events[("palermo-protocol", "adoption", "")] == (
        "2000-11-15", "New York", "General Assembly resolution 55/25")
    assert events[("palermo-protocol", "entry-into-force", "")][0] == "2003-12-25"
    assert events[("palermo-protocol", "accession", "china")][0] == "2010-02-08"
    applies = {(a.territory, a.party): a.applies for a in ref.applications
               if a.instrument == "palermo-protocol"}
    assert applies == {("hong-kong", "china"): False, ("macao", "china"): True}


def test_hong_kong_tier_history(ref):
    history = {r.year: (r.tier, r.waiver) for r in ref.ratings if r.jurisdiction == "hong-kong"}
    wl, t2 = "tier-2-watch-list", "tier-2"
    assert history == {
        "2016": (wl, False), "2017": (wl, False), "2018": (wl, True), "2019": (t2, False),
        "2020": (wl, False), "2021": (wl, False), "2022": (wl, False), "2023": (t2, False),
        "2024": (wl, False), "2025": (wl, False)}


def test_every_fact_has_a_known_source(ref):
    records = ref.identifiers + ref.ratings + ref.events + ref.applications
    assert records and all(r.source in ref.sources for r in records)


def test_iso_codes_are_generated_from_pycountry():
    """iso-codes.csv is exactly what make_iso.py writes today (no hand edits, no drift)."""
    spec = importlib.util.spec_from_file_location("make_iso", REFERENCE / "make_iso.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    lines = (REFERENCE / "iso-codes.csv").read_text(encoding="utf-8").splitlines()
    body = [line for line in lines if not line.startswith("#")][1:]
    assert body == [",".join(f'"{c}"' if "," in c else c for c in row)
                    for row in module.rows()]
    assert "hong-kong,State,Hong Kong,iso3166-1-alpha2,HK,iso-3166-1" in body


def test_reference_graph_states_sources_and_rows(ref):
    graph = reference_graph(ref)
    app = TGID["reference/application/palermo-protocol/hong-kong"]
    assert (app, TG.applies, Literal(False)) in graph
    assert (TGID["instrument/palermo-protocol"], TG.doesNotApplyTo,
            TGID["actor/hong-kong"]) in graph
    for node in graph.subjects(RDF.type, TG.RatingRecord):
        source = graph.value(node, TG.referenceFile)
        assert str(source) == "tier-history.csv"
    # only the records about the entities asked for
    only_hk = reference_graph(ref, {TGID["actor/hong-kong"]})
    assert set(only_hk.subjects(RDF.type, TG.RatingRecord))
    none = reference_graph(ref, {TGID["actor/iceland"]})
    assert not set(none.subjects(RDF.type, TG.RatingRecord))


# ------------------------------------------------------------------------------ bad tables
@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "reference"
    shutil.copytree(REFERENCE, target, ignore=shutil.ignore_patterns("*.py", "*.md"))
    return target


def append(path: Path, line: str) -> int:
    """Add a row; return its line number."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    return len(text.splitlines()) + 1


@pytest.mark.parametrize("table, row, problem", [
    ("identifiers.csv", "iceland,State,Iceland,wikidata,42,wikidata", "malformed Wikidata item '42'"),
    ("identifiers.csv", "iceland,Planet,Iceland,wikidata,Q1,wikidata", "unknown kind 'Planet'"),
    ("identifiers.csv", "iceland,State,Iceland,doi,10.1/x,wikidata", "unknown scheme 'doi'"),
    ("identifiers.csv", "iceland,State,Iceland,wikidata,Q8646,wikidata",
     "duplicate identifier key 'wikidata Q8646'"),
    ("identifiers.csv", "china,State,China,wikidata,Q999,wikidata",
     "duplicate entity key 'china wikidata'"),
    ("identifiers.csv", "china,Protocol,China,wikidata,Q999,wikidata", "is a State in data/entities"),
    ("identifiers.csv", "iceland,State,Iceland,wikidata,Q9,nowhere", "unknown source 'nowhere'"),
    ("identifiers.csv", "iceland,State,Iceland,wikidata,Q9,", "'source' is empty"),
    ("tier-history.csv", "atlantis,trafficking-in-persons-report,2024,tier-1,,tip-report",
     "unknown jurisdiction 'atlantis'"),
    ("tier-history.csv", "hong-kong,trafficking-in-persons-report,2024,tier-1,,tip-report",
     "duplicate rating key"),
    ("tier-history.csv", "iceland,trafficking-in-persons-report,24,tier-1,,tip-report",
     "year '24' is not a year"),
    ("tier-history.csv", "iceland,trafficking-in-persons-report,2024,tier-9,,tip-report",
     "unknown tier 'tier-9'"),
    ("tier-history.csv", "iceland,trafficking-in-persons-report,2024,tier-1,maybe,tip-report",
     "waiver 'maybe' is not yes or no"),
    ("treaty-events.csv", "palermo-protocol,ratification,iceland,2010-02-30,,,untc-xviii-12-a",
     "date '2010-02-30' is not a date"),
    ("treaty-events.csv", "palermo-protocol,ratification,iceland,last spring,,,untc-xviii-12-a",
     "date 'last spring' is not a date"),
    ("treaty-events.csv", "palermo-protocol,celebration,iceland,2010-02-01,,,untc-xviii-12-a",
     "unknown event 'celebration'"),
    ("treaty-events.csv", "palermo-protocol,adoption,iceland,2000-11-15,,,untc-xviii-12-a",
     "an adoption has no party"),
    ("territorial-application.csv", "palermo-protocol,china,hong-kong,no,,untc-xviii-12-a",
     "duplicate application key"),
    ("territorial-application.csv", "hong-kong,china,macao,no,,untc-xviii-12-a",
     "instrument 'hong-kong' is a State"),
    ("identifiers.csv", 'iceland,State,"Iceland,wikidata,Q9,wikidata', "malformed CSV"),
    ("identifiers.csv", "iceland,State,Iceland,wikidata,Q9", "5 cells where the header has 6"),
])
def test_a_bad_row_is_reported_with_file_and_line(folder, table, row, problem):
    line = append(folder / table, row)
    with pytest.raises(ReferenceError) as caught:
        load_reference(folder)
    message = str(caught.value)
    assert message.startswith(f"{folder / table}:{line}: "), message
    assert problem in message, message


def test_unknown_table_and_empty_folder(folder, tmp_path):
    (folder / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ReferenceError, match=r"notes\.csv: unknown kind of table"):
        load_reference(folder)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ReferenceError, match="no reference tables"):
        load_reference(empty)
    with pytest.raises(ReferenceError, match="no such folder"):
        load_reference(tmp_path / "missing")


def test_a_bad_scheme_is_reported(folder):
    line = append(folder / "schemes.csv", "isbn,ISBN,[0-9,,")
    with pytest.raises(ReferenceError, match=rf"schemes\.csv:{line}: pattern"):
        load_reference(folder)
