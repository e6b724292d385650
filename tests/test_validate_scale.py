"""Validation at scale: graphs in parallel, stores read one graph at a time, and the
cross-article constraints of ontology/constraints/*.rq.

- ``validate(dataset, jobs=N)`` gives the report of ``jobs=1`` (same results, order and text),
  and ``jobs=1`` starts no process;
- ``validate_store`` gives on a MemoryStore, an OxigraphStore and a minimal store (only
  ``graph_names``, ``graph`` and ``select``) the report ``validate`` gives on the same data, and
  holds only a few graphs at any time;
- each cross-article constraint finds what it is about in a corpus made from the tests' own
  small graphs, on every kind of store, and finds nothing in the bundled corpus.
"""

from __future__ import annotations

import gc
import multiprocessing
import re
import weakref
from pathlib import Path

import pytest
from helpers import oxigraph_store
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

import tipgraph.validate as validation
from tipgraph.errors import ValidationError
from tipgraph.namespace import SCHEMA, TG, TGID, bind_prefixes
from tipgraph.resources import project_file
from tipgraph.store import MemoryStore
from tipgraph.validate import load_constraints, validate, validate_store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "tests" / "shapes").glob("*.ttl"))
CONSTRAINTS = sorted((ROOT / "ontology" / "constraints").glob("*.rq"))


def constraint_id(name: str) -> str:
    return f"ontology/constraints/{name}.rq"


def cross(report) -> list:
    """The results of the cross-article constraints."""
    return [r for r in report.results if (r.constraint or "").endswith(".rq")]


def renamed(graph: Graph, old: str, new: str) -> Graph:
    """A copy of ``graph`` with ``old`` replaced by ``new`` in every IRI."""
    def term(t):
        return URIRef(str(t).replace(old, new)) if isinstance(t, URIRef) and old in str(t) else t

    copy = Graph()
    for s, p, o in graph:
        copy.add((term(s), term(p), term(o)))
    return copy


def example(name: str) -> Graph:
    graph = Graph()
    graph.parse(ROOT / "tests" / "shapes" / name, format="turtle")
    return graph


def dataset_of(graphs: dict[str, Graph]) -> Dataset:
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    for name, graph in graphs.items():
        target = dataset.graph(TGID[f"graph/{name}"])
        for triple in graph:
            target.add(triple)
    return dataset


class MinimalStore:
    """A store with only what validate_store may use: graph_names, graph and select."""

    def __init__(self, dataset: Dataset):
        self._dataset = dataset
        self.live: weakref.WeakSet = weakref.WeakSet()
        self.most_live = 0
        self.fetched: list[URIRef] = []

    def graph_names(self) -> list[URIRef]:
        return sorted((g.identifier for g in self._dataset.graphs()
                       if isinstance(g.identifier, URIRef) and len(g)
                       and str(g.identifier) != "urn:x-rdflib:default"), key=str)

    def graph(self, name: URIRef) -> Graph:
        gc.collect()
        copy = Graph(identifier=name)
        for triple in self._dataset.graph(name):
            copy.add(triple)
        self.live.add(copy)
        self.most_live = max(self.most_live, len(self.live))
        self.fetched.append(name)
        return copy

    def select(self, text, bindings=None):
        from rdflib import Variable

        union = Dataset(store=self._dataset.store, default_union=True)
        result = union.query(text, initBindings={Variable(k): v
                                                 for k, v in (bindings or {}).items()})
        return validation._Rows([str(v) for v in result.vars or []], [tuple(r) for r in result])


@pytest.fixture(scope="module")
def examples() -> Dataset:
    """Every example of tests/shapes in a named graph of its own (valid and invalid ones: the
    report has many results), each article renamed so that the graphs share nothing they should
    not."""
    graphs = {}
    for path in EXAMPLES:
        stem = path.name.removesuffix(".ttl").replace(".", "-")
        graphs[stem] = renamed(example(path.name), "/article/t", f"/article/{stem}-t")
    return dataset_of(graphs)


# --- jobs ----------------------------------------------------------------------------------------


def test_jobs_give_the_same_report(examples):
    one = validate(examples, jobs=1)
    two = validate(examples, jobs=2)
    assert not one.conforms and len(one.results) > 50
    assert two == one
    assert two.text() == one.text()
    assert one.nodes_checked == two.nodes_checked > 100


def test_jobs_give_the_same_report_with_pyshacl(examples):
    some = dataset_of({str(g.identifier).rsplit("/", 1)[-1]: g
                       for g in sorted(examples.graphs(), key=lambda g: str(g.identifier))
                       if len(g) and re.search(r"(span|claim|rating)", str(g.identifier))})
    one = validate(some, engine="pyshacl", jobs=1)
    assert len(one.results) > 5
    assert validate(some, engine="pyshacl", jobs=3) == one


def test_jobs_1_starts_no_process(examples, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("jobs=1 must not start processes")

    monkeypatch.setattr(validation.multiprocessing, "get_context", refuse)
    assert validate(examples, jobs=1).results
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("jobs", [0, -1, 1.5, "2", True])
def test_jobs_must_be_a_whole_number(jobs):
    with pytest.raises(ValidationError) as caught:
        validate(Graph(), jobs=jobs)
    assert "jobs" in str(caught.value)


def test_a_graph_rdflib_cannot_write_as_ntriples_is_validated_in_the_parent(examples):
    """An IRI with a space cannot go to a worker as N-Triples text: that graph is validated in
    the parent process (with pySHACL), in its place in the order."""
    dataset = dataset_of({str(g.identifier).rsplit("/", 1)[-1]: g
                          for g in examples.graphs() if len(g) and "claim" in str(g.identifier)})
    odd = next(g for g in dataset.graphs() if "claim-invalid" in str(g.identifier))
    odd.add((URIRef("https://w3id.org/tipgraph/id/odd iri"), SCHEMA.name, Literal("odd")))
    one = validate(dataset, jobs=1)
    assert validate(dataset, jobs=2) == one
    assert validate(dataset, engine="pyshacl") == one


# --- stores --------------------------------------------------------------------------------------


def test_every_store_gives_the_report_of_the_dataset(examples):
    expected = validate(examples)
    assert validate_store(MemoryStore(examples)) == expected
    minimal = MinimalStore(examples)
    assert validate_store(minimal) == expected
    assert validate_store(minimal, jobs=2) == expected


def test_oxigraph_store_fast_path_is_the_generic_path(examples):
    """An OxigraphStore's graphs are read as N-Triples straight from pyoxigraph; the report is
    the one of the same store read graph by graph through ``store.graph`` (a store that
    normalises literals, as Oxigraph does, is validated as it is)."""
    store = oxigraph_store(examples)
    fast = validate_store(store)
    assert fast.results and fast.nodes_checked > 100
    assert fast == validate_store(MinimalStore(store.dataset()))
    assert validate_store(store, jobs=2) == fast


def test_a_store_is_read_one_graph_at_a_time(examples):
    """validate_store asks for each graph once, in order, and lets it go before the next few:
    the corpus is never in memory as rdflib graphs."""
    some = dataset_of({str(g.identifier).rsplit("/", 1)[-1]: g
                       for g in sorted(examples.graphs(), key=lambda g: str(g.identifier))[:24]
                       if len(g)})
    for jobs in (1, 2):
        store = MinimalStore(some)
        validate_store(store, jobs=jobs, cross_article=False)
        assert store.fetched == store.graph_names()
        assert store.most_live <= 3, f"jobs={jobs}: {store.most_live} graphs alive at once"


def test_an_empty_store_conforms():
    report = validate_store(MinimalStore(Dataset(default_union=True)))
    assert report.conforms and report.results == [] and report.nodes_checked == 0


# --- cross-article constraints -------------------------------------------------------------------


@pytest.fixture(scope="module")
def clashing() -> Dataset:
    """Small graphs, each fine alone, that together break every cross-article constraint."""
    first = renamed(example("rating.valid.ttl"), "/article/t1", "/article/first")
    second = renamed(example("rating.valid.ttl"), "/article/t1", "/article/second")
    second.set((TGID["rating/hong-kong/tip-2024"], TG.tier, TGID["tier/tier-2"]))
    record = example("rating-record.valid.ttl")
    node = TGID["reference/rating/hong-kong/2018-trafficking-in-persons-report"]
    record.set((node, TG.ratedIn, TGID["report/tip-2024"]))
    record.set((node, TG.tier, TGID["tier/tier-1"]))
    law = example("law.valid.ttl")
    law.add((TGID["actor/hong-kong"], RDF.type, TG.Statute))
    copy_a = renamed(example("article.valid.ttl"), "/article/t1", "/article/copy-a")
    copy_b = renamed(example("article.valid.ttl"), "/article/t1", "/article/copy-b")
    shared_a = renamed(example("claim.valid.ttl"), "/article/t1", "/article/shared")
    shared_b = renamed(example("claim.valid.ttl"), "/article/t1", "/article/shared")
    ids = Graph()
    ids.parse(data="""
        @base <https://w3id.org/tipgraph/id/> .
        @prefix schema: <https://schema.org/> .
        <actor/hong-kong> schema:identifier <reference/identifier/wikidata/Q8646> .
        <actor/hksar> schema:identifier <reference/identifier/wikidata/Q8646> .
        <reference/identifier/wikidata/Q8646> schema:propertyID "wikidata" .
    """, format="turtle")
    more_ids = Graph()
    more_ids.parse(data="""
        @base <https://w3id.org/tipgraph/id/> .
        @prefix schema: <https://schema.org/> .
        <actor/hong-kong> schema:identifier <reference/identifier/wikidata/Q15> .
        <reference/identifier/wikidata/Q15> schema:propertyID "wikidata" .
    """, format="turtle")
    return dataset_of({"first": first, "second": second, "reference": record, "law": law,
                       "copy-a": copy_a, "copy-b": copy_b, "shared-a": shared_a,
                       "shared-b": shared_b, "links": ids, "include/more": more_ids})


ID = str(TGID)
EXPECTED = {
    # constraint: (severity, focus, value); IRIs outside the vocabularies are written in full
    "kind-conflict": ("Violation", "actor/hong-kong", "tg:Law"),
    "article-in-two-graphs": ("Warning", "article/shared", ID + "graph/shared-b"),
    "duplicate-content": ("Warning", "article/copy-b", ID + "article/copy-a"),
    "rating-tiers-disagree": ("Warning", "rating/hong-kong/tip-2024", ID + "tier/tier-2"),
    "rating-differs-from-record": ("Warning", "rating/hong-kong/tip-2024", None),
    "identifier-conflict": ("Violation", "actor/hong-kong",
                            ID + "reference/identifier/wikidata/Q8646"),
    "identifier-shared": ("Violation", "actor/hong-kong",
                          ID + "reference/identifier/wikidata/Q8646"),
}


def test_every_constraint_file_has_a_case():
    assert {p.stem for p in CONSTRAINTS} == set(EXPECTED)


def test_each_constraint_finds_its_clash(clashing):
    report = validate(clashing)
    assert not report.conforms
    found = cross(report)
    for name, (severity, focus, value) in EXPECTED.items():
        mine = [r for r in found if r.constraint == constraint_id(name)]
        assert mine, f"{name} found nothing"
        assert all(r.severity == severity for r in mine)
        assert any(r.focus == str(TGID[focus]) and (value is None or r.value == value)
                   for r in mine), f"{name}: {mine}"
    for result in found:
        assert "{?" not in result.message, result.message
        assert result.message and result.focus_label
    kinds = next(r for r in found if r.constraint == constraint_id("kind-conflict"))
    assert kinds.focus_label == "Hong Kong"
    assert kinds.focus_types == ("tg:State", "tg:Statute")
    assert "tg:Actor" in kinds.message and "tg:Law" in kinds.message
    assert ID + "graph/law" in kinds.message
    record = [r for r in found if r.constraint == constraint_id("rating-differs-from-record")]
    assert {r.value for r in record} == {ID + "tier/tier-2-watch-list", ID + "tier/tier-2"}
    assert all(r.path == "tg:tier" for r in record)


def test_constraints_give_the_same_results_on_every_store(clashing):
    expected = cross(validate(clashing))
    assert len(expected) >= len(EXPECTED)
    for store in (MemoryStore(clashing), MinimalStore(clashing), oxigraph_store(clashing)):
        assert cross(validate_store(store)) == expected, type(store).__name__


def test_a_sparql_server_gives_the_report_of_the_embedded_store(clashing, tmp_path_factory):
    """validate_store over the SPARQL protocol (a real Oxigraph server, whose default graph is
    not the union of its named graphs): the report of the same data in an OxigraphStore."""
    from sparql_server import ServerError, start_server
    from tipgraph.store import SparqlStore

    folder = tmp_path_factory.mktemp("validate-server")
    data = folder / "clashing.nq"
    clashing.serialize(data, format="nquads")
    try:
        server = start_server(folder / "store", [data], read_only=True)
    except ServerError as exc:
        pytest.fail(f"cannot start the test SPARQL server: {exc}", pytrace=False)
    try:
        report = validate_store(SparqlStore(server.query_url))
    finally:
        server.stop()
    expected = validate_store(oxigraph_store(clashing))
    assert cross(report) == cross(expected)
    assert report == expected


def test_warnings_alone_do_not_break_conformance():
    """Two copies of one article (a Warning) in graphs that are each valid: the report has the
    warning and conforms."""
    claim = example("claim.valid.ttl")
    report = validate(dataset_of({"one": claim, "two": claim}))
    assert report.conforms, report.text()
    assert [(r.constraint, r.severity) for r in report.results] == \
        [(constraint_id("article-in-two-graphs"), "Warning")]
    assert "Conforms: yes" in report.text()


def test_cross_article_can_be_left_out(clashing):
    assert cross(validate(clashing, cross_article=False)) == []
    assert cross(validate_store(MinimalStore(clashing), cross_article=False)) == []


def test_a_plain_graph_has_no_cross_article_check():
    claim = example("claim.valid.ttl")
    claim.add((TGID["actor/hong-kong"], RDF.type, TG.Statute))
    claim.add((TGID["actor/hong-kong"], RDF.type, TG.State))
    assert cross(validate(claim)) == []


def test_the_kind_table_follows_the_ontology():
    """kind-conflict.rq maps each tg: class to its top tg: class: the table must list every
    class of the ontology with the right kind."""
    ontology = Graph().parse(project_file("ontology/tipgraph.ttl"), format="turtle")
    tg = str(TG)
    expected = set()
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if not str(cls).startswith(tg):
            continue
        kind = cls
        while True:
            parents = [p for p in ontology.objects(kind, RDFS.subClassOf) if str(p).startswith(tg)]
            if not parents:
                break
            kind = parents[0]
        expected.add((str(cls)[len(tg):], str(kind)[len(tg):]))
    text = (ROOT / "ontology" / "constraints" / "kind-conflict.rq").read_text()
    table = set(re.findall(r"\(tg:(\w+) tg:(\w+)\)", text))
    assert table == expected


def test_constraint_headers():
    for constraint in load_constraints():
        assert constraint.title and constraint.message and constraint.description
        assert constraint.severity in ("Violation", "Warning")
        assert constraint.id.startswith("ontology/constraints/")


@pytest.mark.parametrize("text,reason", [
    ("SELECT ?focus WHERE { ?focus ?p ?o }", "title"),
    ("# title: t\n# message: m\nSELECT ?focus WHERE { ?focus ?p ?o }", "severity"),
    ("# title: t\n# severity: Fatal\n# message: m\nSELECT ?focus WHERE { ?focus ?p ?o }",
     "severity"),
    ("# title: t\n# severity: Warning\n# message: m\nSELECT ?x WHERE { ?x ?p ?o }", "?focus"),
    ("# title: t\n# severity: Warning\n# message: m\nSELECT ?focus WHERE { ?focus ?p }",
     "cannot parse"),
    ("# title: t\n# severity: Warning\n# message: m\nASK { ?focus ?p ?o }", "SELECT"),
])
def test_a_broken_constraint_is_a_one_line_error(tmp_path, text, reason):
    (tmp_path / "broken.rq").write_text(text)
    with pytest.raises(ValidationError) as caught:
        validate(Dataset(), constraints_path=tmp_path)
    message = str(caught.value)
    assert reason in message and "broken.rq" in message and "\n" not in message


def test_a_missing_constraints_folder_is_an_error(tmp_path):
    with pytest.raises(ValidationError):
        validate(Dataset(), constraints_path=tmp_path / "nope")


def test_the_bundled_corpus_has_no_cross_article_problem(bundled):
    assert len([g for g in bundled.graphs() if len(g)]) > 20
    constraints = load_constraints()
    found = validation._cross_article(validation._DatasetSource(bundled), constraints)
    assert found == [], "\n".join(f"{r.constraint}: {r.focus}: {r.message}" for r in found)
    store = oxigraph_store(bundled)
    assert validation._cross_article(store, constraints) == []
