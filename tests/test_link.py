"""Linking the graph to the reference data: certain links, the review file, and the joins the
saved queries make across articles, reference records and included external data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from tipgraph.build import build_dataset, include_graphs
from tipgraph.cli import cli
from tipgraph.errors import ReferenceError
from tipgraph.link import LINKS_GRAPH, link, load_review
from tipgraph.namespace import SCHEMA, TG, TGID
from tipgraph.query import load_query, run_query
from tipgraph.reference import REFERENCE_GRAPH, load_reference
from tipgraph.resources import project_file
from tipgraph.validate import validate

SEED = project_file("data/articles/000_df495ebb58d21c9e.txt")
WD = "http://www.wikidata.org/entity/"


@pytest.fixture(scope="module")
def seed_dataset():
    return build_dataset([SEED])


@pytest.fixture
def seed(seed_dataset):
    """A fresh copy of the seed's dataset (linking changes it)."""
    from rdflib import Dataset
    copy = Dataset(default_union=True)
    for quad in seed_dataset.quads((None, None, None, None)):
        copy.add(quad)
    return copy


def rows(dataset, name, **params):
    result = run_query(load_query(name), dataset, params)
    return [{var: (str(v) if v is not None else None) for var, v in zip(result.vars, row)}
            for row in result]


def test_seed_links_hong_kong_state_department_and_the_protocol(seed):
    result = link(seed, load_reference())
    assert not result.pending
    links = seed.graph(LINKS_GRAPH)
    assert (TGID["actor/hong-kong"], OWL.sameAs, URIRef(WD + "Q8646")) in links
    assert (TGID["actor/us-department-of-state"], OWL.sameAs, URIRef(WD + "Q789915")) in links
    untc = TGID["reference/identifier/untc/XVIII-12-a"]
    assert (TGID["instrument/palermo-protocol"], SCHEMA.identifier, untc) in links
    assert (untc, SCHEMA.value, Literal("XVIII-12-a")) in links
    found = {(r["entity"], r["scheme"], r["identifier"]) for r in rows(seed, "identifiers")}
    assert {(str(TGID["actor/hong-kong"]), "wikidata", "Q8646"),
            (str(TGID["actor/hong-kong"]), "iso3166-1-alpha2", "HK"),
            (str(TGID["actor/us-department-of-state"]), "wikidata", "Q789915"),
            (str(TGID["instrument/palermo-protocol"]), "untc", "XVIII-12-a")} <= found
    assert validate(seed).conforms


def test_a_query_shows_the_protocol_does_not_apply_to_hong_kong(seed):
    link(seed, load_reference())
    found = rows(seed, "not-applicable")
    assert any(r["instrument"] == str(TGID["instrument/palermo-protocol"])
               and r["jurisdiction"] == str(TGID["actor/hong-kong"])
               and r["declaredBy"] == "China" and "Treaty" not in (r["statedIn"] or "")
               for r in found), found
    # Macao, where it applies, is not listed
    assert not any(r["jurisdiction"] == str(TGID["actor/macao"]) for r in found)


def test_tier_history_sits_next_to_the_article(seed):
    link(seed, load_reference())
    history = rows(seed, "tier-history")
    assert [r["year"] for r in history] == [str(y) for y in range(2016, 2026)]
    by_year = {r["year"]: r for r in history}
    assert by_year["2018"]["waiver"] == "waiver"
    assert by_year["2024"]["claimed"] == "Tier 2 Watch List"
    assert by_year["2024"]["agrees"] == "yes"
    assert by_year["2024"]["article"] == "000_df495ebb58d21c9e"
    assert by_year["2019"]["recorded"] == "Tier 2" and by_year["2019"]["claimed"] is None


def test_reference_records_name_their_source_and_row(seed):
    link(seed, load_reference())
    reference = seed.graph(REFERENCE_GRAPH)
    record = TGID["reference/event/palermo-protocol/accession/china"]
    assert reference.value(record, TG.eventDate) == Literal("2010-02-08", datatype=
                                                             URIRef("http://www.w3.org/2001/XMLSchema#date"))
    assert str(reference.value(record, TG.referenceFile)) == "treaty-events.csv"
    source = reference.value(record, URIRef("http://purl.org/dc/terms/source"))
    assert "Treaty Collection" in str(reference.value(source, URIRef("http://purl.org/dc/terms/publisher")))


# ------------------------------------------------------------------------------- review
@pytest.fixture
def reference_with_label_rows(tmp_path):
    """The bundled reference data plus identifiers known only by label (no tipgraph id)."""
    folder = tmp_path / "reference"
    shutil.copytree(project_file("data/reference"), folder,
                    ignore=shutil.ignore_patterns("*.py", "*.md"))
    with (folder / "identifiers.csv").open("a", encoding="utf-8") as handle:
        # an exact name of a government spokesperson-free entity: certain
        handle.write(",GovernmentBody,Hong Kong Security Bureau,wikidata,Q900001,wikidata\n")
        # a similar, not identical, name: a candidate for review
        handle.write(",InternationalOrganisation,International Labor Organisation,wikidata,Q900002,wikidata\n")
    return folder


def build_two(tmp_path):
    from helpers import write_article
    folder = tmp_path / "articles"
    folder.mkdir(exist_ok=True)
    write_article(folder, "The Hong Kong Security Bureau said on Monday that trafficking was "
                  "rare. The International Labour Organization disagreed with the bureau.")
    return build_dataset([folder])


def test_uncertain_matches_go_to_review_and_decisions_are_kept(tmp_path,
                                                               reference_with_label_rows):
    ref = load_reference(reference_with_label_rows)
    review = tmp_path / "review.csv"
    dataset = build_two(tmp_path)
    result = link(dataset, ref, review)
    linked = {(str(c.entity), c.identifier.identifier) for c in result.links}
    assert (str(TGID["actor/hong-kong-security-bureau"]), "Q900001") in linked
    pending = {(str(c.entity), c.identifier.identifier) for c in result.pending}
    assert (str(TGID["actor/ilo"]), "Q900002") in pending
    assert not any(ident == "Q900002" for _, ident in linked)  # never written silently
    result.save_review()
    text = review.read_text(encoding="utf-8")
    assert "Q900002" in text and "similar name" in text

    # a person accepts it: the next run writes it, marked as accepted, and keeps the decision
    review.write_text(text.replace("\n,https://w3id.org/tipgraph/id/actor/ilo,",
                                   "\naccept,https://w3id.org/tipgraph/id/actor/ilo,"),
                      encoding="utf-8")
    again = build_two(tmp_path)
    second = link(again, ref, review)
    second.save_review()
    assert (TGID["actor/ilo"], OWL.sameAs, URIRef(WD + "Q900002")) in again.graph(LINKS_GRAPH)
    decisions = [str(o) for o in again.graph(LINKS_GRAPH).objects(None, TG.decision)]
    assert "accepted" in decisions and "automatic" in decisions
    assert not second.pending
    assert "accept,https://w3id.org/tipgraph/id/actor/ilo," in review.read_text(encoding="utf-8")

    # rejecting it removes the link and it is not proposed again
    review.write_text(review.read_text(encoding="utf-8").replace("accept,", "reject,"),
                      encoding="utf-8")
    third_ds = build_two(tmp_path)
    third = link(third_ds, ref, review)
    assert third.rejected == 1 and not third.pending
    assert (TGID["actor/ilo"], OWL.sameAs, URIRef(WD + "Q900002")) not in third_ds


@pytest.mark.parametrize("edit, problem", [
    (lambda t: t.replace("\n,https", "\nmaybe,https", 1), "decision 'maybe' is not accept"),
    (lambda t: t.replace(",wikidata,Q900002,", ",wikidata,900002,", 1), "malformed Wikidata"),
    (lambda t: t.replace(",Q900002,International Labor Organisation,0.", ",Q900002,International Labor Organisation,x0.", 1),
     "is not a number"),
    (lambda t: t + t.splitlines()[-1] + "\n", "duplicate row"),
    (lambda t: t.replace("decision,entity", "verdict,entity", 1), "not a link review file"),
])
def test_a_broken_review_file_is_reported(tmp_path, reference_with_label_rows, edit, problem):
    ref = load_reference(reference_with_label_rows)
    review = tmp_path / "review.csv"
    link(build_two(tmp_path), ref, review).save_review()
    review.write_text(edit(review.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ReferenceError) as caught:
        load_review(review, ref)
    assert str(caught.value).startswith(str(review)) and problem in str(caught.value)


# ----------------------------------------------------------------------------------- CLI
def test_cli_build_link_include_and_bad_reference(tmp_path):
    extract = tmp_path / "wikidata.nt"
    extract.write_text(f'<{WD}Q8646> <http://www.w3.org/2000/01/rdf-schema#label> '
                       f'"Hong Kong"@en .\n', encoding="utf-8")
    out = tmp_path / "seed.trig"
    result = CliRunner().invoke(cli, ["build", str(SEED), "--link", "--include", str(extract),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    from rdflib import Dataset
    graph = Dataset(default_union=True)
    graph.parse(out, format="trig")
    included = graph.graph(TGID["graph/include/wikidata"])
    assert (URIRef(WD + "Q8646"), None, Literal("Hong Kong", lang="en")) in included
    joined = CliRunner().invoke(cli, ["query", "identifiers", str(out), "--format", "csv"])
    assert "Q8646" in joined.output

    bad = tmp_path / "reference"
    shutil.copytree(project_file("data/reference"), bad,
                    ignore=shutil.ignore_patterns("*.py", "*.md"))
    with (bad / "treaty-events.csv").open("a", encoding="utf-8") as handle:
        handle.write("palermo-protocol,accession,iceland,sometime,,,untc-xviii-12-a\n")
    out2 = tmp_path / "bad.trig"
    failed = CliRunner().invoke(cli, ["link", str(out), "--reference", str(bad), "-o", str(out2)])
    assert failed.exit_code == 2
    assert "treaty-events.csv:" in failed.output and "is not a date" in failed.output
    assert not out2.exists()


def test_include_refuses_unknown_files(tmp_path):
    from rdflib import Dataset
    from tipgraph.errors import TipgraphError
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(TipgraphError, match="no graph files"):
        include_graphs(Dataset(), [tmp_path])
    with pytest.raises(TipgraphError, match="no such file"):
        include_graphs(Dataset(), [tmp_path / "missing.ttl"])


def test_corpus_queries_return_their_documented_variables(seed):
    from test_query import CORPUS
    link(seed, load_reference())
    for name, variables in CORPUS.items():
        if variables is None:
            continue  # goes to a SERVICE: tested offline in test_federated.py
        result = run_query(load_query(name), seed)
        assert list(map(str, result.vars)) == variables, name
        assert len(result) > 0 or name in ("report-claims", "linked-labels"), name


def test_claims_of_two_articles_meet_at_one_report():
    """The seed and the team's Hong Kong article both make claims about the 2024 TIP Report:
    one node, and report-claims lists the claims of both next to it."""
    both = build_dataset([SEED, project_file("data/articles/112_hong_kong_domestic_helpers.txt")])
    found = rows(both, "report-claims")
    tip = str(TGID["report/2024-trafficking-in-persons-report"])
    articles = {r["articleId"] for r in found if r["report"] == tip}
    assert articles == {"000_df495ebb58d21c9e", "112_hong_kong_domestic_helpers"}
    assert all(r["claim"].startswith(str(TGID["article/"])) for r in found)
