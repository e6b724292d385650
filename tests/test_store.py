"""The stores behind one interface: rdflib in memory, the embedded Oxigraph store, and a real
SPARQL server (``oxigraph serve``, started by the tests on 127.0.0.1).

- every saved query gives the same rows on every store, with and without its parameters;
- builds into a store are incremental (unchanged articles are neither mapped nor written again,
  changed ones are replaced, removed ones dropped) and atomic per article: a build killed at any
  moment, or whose server goes away, leaves each article's graph old or new, never half, and
  the next build completes it;
- ``--jobs 2`` gives byte-identical output to a serial build.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from sparql_server import start_server
from tipgraph.build import build_dataset, build_store, stored_records
from tipgraph.errors import StoreError
from tipgraph.namespace import TG, TGID
from tipgraph.query import list_queries, run_query
from tipgraph.store import MemoryStore, OxigraphStore, SparqlStore, bind_values, open_store

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"
# the seed and two articles that share entities with it (resolution across articles matters)
CORPUS = ["000_df495ebb58d21c9e.txt", "111_us_tip_report_2025.txt",
          "112_hong_kong_domestic_helpers.txt"]
NETWORK_QUERIES = {"wikidata-labels"}
TIPGRAPH = [sys.executable, "-m", "tipgraph"]


def _copy_corpus(folder: Path, names=CORPUS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        for path in ARTICLES.glob(Path(name).stem + ".*"):
            shutil.copy(path, folder / path.name)
    return folder


def _graphs(store) -> dict[URIRef, set]:
    """Every article graph of a store as a set of triples, without the build record."""
    record = {TG.inputHash, TG.resolutionHash}
    return {name: {t for t in store.graph(name) if t[1] not in record}
            for name in store.graph_names()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return _copy_corpus(tmp_path_factory.mktemp("articles"))


@pytest.fixture(scope="module")
def memory(corpus) -> MemoryStore:
    return MemoryStore(build_dataset([corpus]))


@pytest.fixture(scope="module")
def embedded(corpus, tmp_path_factory):
    store = OxigraphStore(tmp_path_factory.mktemp("embedded") / "store")
    report = build_store(store, [corpus])
    assert report.written == len(CORPUS) and not report.invalid
    yield store
    store.close()


@pytest.fixture(scope="module")
def server(corpus, tmp_path_factory):
    running = start_server(tmp_path_factory.mktemp("server") / "oxigraph")
    try:
        store = SparqlStore(running.query_url)
        report = build_store(store, [corpus])
        assert report.written == len(CORPUS) and not report.invalid
        yield store
    finally:
        running.stop()


def _parameter_cases():
    cases = []
    for saved in list_queries():
        if saved.name in NETWORK_QUERIES:
            continue
        cases.append((saved.name, {}))
        if "article" in saved.parameter_names:
            cases.append((saved.name, {"article": "tgid:article/000_df495ebb58d21c9e"}))
    cases += [("evidence", {"fact": "tgid:actor/hong-kong"}),
              ("report-claims", {"report": "tgid:report/2024-trafficking-in-persons-report"})]
    return cases


# ------------------------------------------------------------------------------------------------
# the same rows everywhere
# ------------------------------------------------------------------------------------------------

def test_the_stores_hold_the_same_article_graphs(memory, embedded, server):
    expected = _graphs(memory)
    assert len(expected) == len(CORPUS)
    assert _graphs(embedded) == expected
    assert _graphs(server) == expected


@pytest.mark.parametrize("name,params", _parameter_cases(),
                         ids=lambda v: v if isinstance(v, str) else ",".join(v) or "all")
def test_every_saved_query_gives_the_same_rows_on_every_store(memory, embedded, server, name,
                                                               params):
    expected = run_query(name, memory, params)
    assert expected.rows or params or name in {"budget-change", "linked-labels", "identifiers",
                                               "not-applicable", "tier-history",
                                               "ngo-restrictions"}
    for store in (embedded, server):
        got = run_query(name, store, params)
        assert got.vars == expected.vars, store.location
        assert got.rows == expected.rows, store.location


def test_the_default_graph_is_the_union_without_duplicates(embedded, server):
    # a triple stated by several articles (the seed's state is named in all three) is one row
    query = ("SELECT ?name WHERE { <%s> <https://schema.org/name> ?name }"
             % TGID["actor/hong-kong"])
    for store in (embedded, server):
        assert [r[0] for r in store.select(query).rows] == [Literal("Hong Kong")]


def test_bound_values_are_written_as_terms_never_pasted():
    text = 'SELECT ?x WHERE {\n  ?x ?p ?o FILTER(!BOUND(?article) || ?o = ?article)\n}'
    bound = bind_values(text, {"article": Literal('a"} } DROP ALL #')})
    assert 'VALUES (?article) { ("a\\"} } DROP ALL #") }' in bound
    assert bound.index("VALUES") > bound.index("{")
    prologue = 'PREFIX ex: <http://example.org/{x}>\n# a { in a comment\nSELECT ("{" AS ?b) ?x WHERE { ?x ?p ?o }'
    assert bind_values(prologue, {"x": URIRef("http://a")}).split("WHERE {")[1].lstrip() \
        .startswith("VALUES (?x) { (<http://a>) }")


def test_a_server_that_does_not_answer_is_one_clear_error():
    store = SparqlStore("http://127.0.0.1:9/query", timeout=2)
    with pytest.raises(StoreError, match=r"http://127.0.0.1:9/query: query failed: cannot reach"):
        store.graph_names()


def test_a_folder_that_is_not_a_store_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine\n")
    with pytest.raises(StoreError, match="not a tipgraph store"):
        open_store(tmp_path, create=True)
    with pytest.raises(StoreError, match="no such store"):
        open_store(tmp_path / "missing", read_only=True)
    assert not (tmp_path / "missing").exists()


# ------------------------------------------------------------------------------------------------
# incremental builds
# ------------------------------------------------------------------------------------------------

def test_a_rebuild_maps_and_writes_only_what_changed(tmp_path):
    articles = _copy_corpus(tmp_path / "articles")
    store = OxigraphStore(tmp_path / "store")
    first = build_store(store, [articles])
    assert (first.mapped, first.written, first.unchanged) == (3, 3, 0)
    records = stored_records(store)
    assert set(records) == {TGID[f"graph/{Path(n).stem}"] for n in CORPUS}

    again = build_store(store, [articles])
    assert (again.mapped, again.written, again.unchanged, again.dropped) == (0, 0, 3, [])

    changed = articles / CORPUS[2]
    changed.write_text(changed.read_text(encoding="utf-8").replace(
        "\n\n", "\n\nA new paragraph says the Labour Department met the helpers' union.\n\n", 1),
        encoding="utf-8")
    (articles / CORPUS[1]).unlink()
    (articles / (Path(CORPUS[1]).stem + ".meta.yaml")).unlink()
    third = build_store(store, [articles])
    assert third.mapped == 1 and third.dropped == [TGID[f"graph/{Path(CORPUS[1]).stem}"]]
    assert third.written >= 1 and third.written + third.unchanged == 2
    assert set(stored_records(store)) == {TGID[f"graph/{Path(n).stem}"]
                                          for n in (CORPUS[0], CORPUS[2])}
    # the store now holds what a clean build of the same articles holds
    clean = build_dataset([articles])
    assert _graphs(store) == _graphs(MemoryStore(clean))
    # and the parts kept for the people's view are those of the graphs it now holds
    from tipgraph.project import project, project_store

    assert len(list(store.projection.glob("*/*.pickle"))) == 2
    drawn, expected = project_store(store), project(clean)
    assert list(drawn.nodes(data=True)) == list(expected.nodes(data=True))
    assert list(drawn.edges(keys=True, data=True)) == list(expected.edges(keys=True, data=True))
    store.close()


def _store_state(folder: Path) -> dict[URIRef, set]:
    with OxigraphStore(folder, read_only=True) as store:
        return _graphs(store)


def test_a_killed_build_leaves_every_article_old_or_new_and_the_next_completes(tmp_path):
    old = _copy_corpus(tmp_path / "old", CORPUS)
    new = _copy_corpus(tmp_path / "new", CORPUS)
    for name in CORPUS:   # every article changes
        path = new / name
        path.write_text(path.read_text(encoding="utf-8") + "\nThe ministry declined to comment "
                        "further, its spokesperson said.\n", encoding="utf-8")
    expected_old = _graphs(MemoryStore(build_dataset([old])))
    expected_new = _graphs(MemoryStore(build_dataset([new])))
    folder = tmp_path / "store"
    with OxigraphStore(folder) as store:
        build_store(store, [old])
    assert _store_state(folder) == expected_old
    env = dict(os.environ, PYTHONHASHSEED="0")
    seen_partial = False
    for delay in (0.5, 2.0, 4.0, 6.0):
        shutil.rmtree(folder / "mapped", ignore_errors=True)   # make it map (and so take time)
        process = subprocess.Popen(TIPGRAPH + ["build", str(new), "--store", str(folder), "-q"],
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        state = _store_state(folder)
        assert set(state) == set(expected_old)
        for name, triples in state.items():
            assert triples in (expected_old[name], expected_new[name]), name
        seen_partial |= state != expected_old
    with OxigraphStore(folder) as store:
        report = build_store(store, [new])
    assert not report.invalid
    assert _store_state(folder) == expected_new
    del seen_partial   # which delays catch the writing phase depends on the machine's speed


def test_a_build_whose_server_goes_away_fails_cleanly_and_the_next_completes(tmp_path):
    articles = _copy_corpus(tmp_path / "articles")
    location = tmp_path / "oxigraph"
    running = start_server(location)
    store = SparqlStore(running.query_url)
    running.stop()
    with pytest.raises(StoreError, match="cannot reach the server"):
        build_store(store, [articles])
    running = start_server(location)
    try:
        store = SparqlStore(running.query_url)
        report = build_store(store, [articles])
        assert report.written == len(CORPUS)
        assert _graphs(store) == _graphs(MemoryStore(build_dataset([articles])))
    finally:
        running.stop()


# ------------------------------------------------------------------------------------------------
# parallel mapping
# ------------------------------------------------------------------------------------------------

def test_jobs_give_byte_identical_output(corpus, tmp_path):
    outputs = []
    for jobs in ("1", "2"):
        target = tmp_path / f"jobs{jobs}.trig"
        done = subprocess.run(TIPGRAPH + ["build", str(corpus), "-o", str(target), "--jobs", jobs,
                                          "-q"], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def test_parallel_keeps_the_order_over_many_windows(monkeypatch):
    from tipgraph import build

    monkeypatch.setattr(build, "WINDOW", 8)   # 45 tasks: six windows, two in flight at a time
    tasks = list(range(-45, 0))
    assert list(build._parallel(abs, tasks, 2)) == [abs(t) for t in tasks]
    assert list(build._parallel(abs, tasks[:1], 2)) == [45]


def test_cli_builds_queries_validates_and_exports_a_store(corpus, tmp_path):
    folder = tmp_path / "store"

    def run(*args):
        return subprocess.run(TIPGRAPH + list(args), capture_output=True, text=True, timeout=600)

    done = run("build", str(corpus), "--store", str(folder), "--jobs", "2")
    assert done.returncode == 0, done.stderr
    assert "3 mapped, 3 written, 0 unchanged, 0 dropped" in done.stdout
    done = run("build", str(corpus), "--store", str(folder))
    assert "0 mapped, 0 written, 3 unchanged" in done.stdout
    done = run("query", "ratings", "--store", str(folder), "--format", "csv")
    assert done.returncode == 0 and "Hong Kong" in done.stdout
    done = run("validate", "--store", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    out = tmp_path / "store.nq"
    done = run("export", "--store", str(folder), "--format", "nq", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "/id/graph/000_df495ebb58d21c9e>" in out.read_text(encoding="utf-8")
    done = run("query", "ratings", str(out), "--store", str(folder))
    assert done.returncode == 2 and "not both" in done.stderr


def test_a_store_projects_like_the_file_from_the_parts_its_build_kept(memory, embedded,
                                                                       monkeypatch):
    import tipgraph.project as projection

    def same(A, B):
        assert list(A.nodes(data=True)) == list(B.nodes(data=True))
        assert list(A.edges(keys=True, data=True)) == list(B.edges(keys=True, data=True))

    from_file = projection.project(memory.dataset())
    assert from_file.number_of_nodes() > 50
    kept = sorted(embedded.projection.glob("*/*.pickle"))
    assert len(kept) == len(CORPUS)
    # the build kept the assembled view too, and the versions viz draws (html, svg)
    kept_views = sorted(embedded.projection.glob("view-all-*.pickle"))
    assert sorted(p.name.partition("-cap")[2] or "whole" for p in kept_views) == \
        ["1500.pickle", "250.pickle", "whole"]
    views = [p for p in kept_views if "-cap" not in p.name]
    read, loaded = [], []
    original_part, original_load = projection.graph_part, projection.load_part
    monkeypatch.setattr(projection, "graph_part",
                        lambda name, triples: read.append(name) or original_part(name, triples))
    monkeypatch.setattr(projection, "load_part",
                        lambda folder, key: loaded.append(key) or original_load(folder, key))
    same(projection.project_store(embedded), from_file)
    assert read == [] and loaded == []  # one file read: the kept view
    views[0].unlink()
    same(projection.project_store(embedded), from_file)  # from the kept parts
    # each part read from its file twice (assemble's two passes), never all of them at once
    assert read == [] and sorted(loaded) == sorted(2 * list(set(loaded))) \
        and len(set(loaded)) == len(CORPUS)
    assert views[0].exists()  # kept again
    views[0].unlink()
    monkeypatch.setattr(projection, "load_part", lambda folder, key: None)
    same(projection.project_store(embedded), from_file)  # without them: read from the graphs
    assert len(read) == len(CORPUS)
    same(projection.project(embedded.view()), from_file)
    same(projection.project_store(embedded, reference=False),
         projection.project(memory.dataset(), reference=False))
    # cut down to 40 nodes: what cap gives on the whole, kept too, with the totals
    expected, dropped = projection.cap(from_file, 40)
    assert dropped
    for _ in range(2):
        capped = projection.project_store(embedded, max_nodes=40)
        same(capped, expected)
        assert projection.totals(capped) == (from_file.number_of_nodes(),
                                             from_file.number_of_edges())
    assert len(list(embedded.projection.glob("view-all-*-cap40.pickle"))) == 1


def test_a_store_exports_what_it_holds_the_same_way_every_time(memory, embedded, tmp_path):
    from tipgraph.export import export
    from tipgraph.graphio import load_graph

    for fmt in ("trig", "nq", "ttl", "nt"):
        first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        embedded.export(fmt, first)
        embedded.export(fmt, second)
        assert first.read_bytes() == second.read_bytes(), fmt
    # JSON-LD, written graph by graph from the store: the bytes of the whole dataset's export
    embedded.export("jsonld", tmp_path / "a.jsonld")
    export(embedded.dataset(), "jsonld", tmp_path / "b.jsonld")
    assert (tmp_path / "a.jsonld").read_bytes() == (tmp_path / "b.jsonld").read_bytes()
    assert _graphs(MemoryStore(load_graph(tmp_path / "a.jsonld"))) == _graphs(embedded)
    assert _graphs(MemoryStore(load_graph(tmp_path / "a.trig"))) == _graphs(memory)
    union = {t for graph in _graphs(memory).values() for t in graph}
    exported = set(load_graph(tmp_path / "a.nt").triples((None, None, None)))
    assert {t for t in exported if t[1] not in (TG.inputHash, TG.resolutionHash)} == union
