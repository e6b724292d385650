"""`tipgraph serve`: the SPARQL 1.1 endpoint and its query page, through real clients.

Each server runs as its own process (``python -m tipgraph serve ... --port 0``; the line it prints
at the start gives the URL) on data made once per module: the seed article built into a TriG file
by ``tipgraph build`` and into a store folder by :func:`tipgraph.build.build_store`, and a small
graph whose entities are linked to Wikidata. Queries go through SPARQLWrapper and rdflib's
SPARQLStore and are compared with :func:`tipgraph.query.run_query` on the files. The federated
query's SERVICE goes to the tests' stand-in server (``sparql_server`` of conftest.py), never to
Wikidata. The page is opened in headless Chromium (Debian's /usr/bin/chromium, through
Playwright), which must not make any request to another host; its screenshot is kept as
tests/artifacts/browser/serve.png.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import OWL, RDF

from tipgraph.build import build_store
from tipgraph.cli import cli
from tipgraph.namespace import TG, TGID
from tipgraph.query import list_queries, load_query, run_query
from tipgraph.store import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "articles" / "000_df495ebb58d21c9e.txt"
ARTICLE = TGID["article/000_df495ebb58d21c9e"]
ARTIFACTS = Path(__file__).parent / "artifacts" / "browser"
CHROMIUM = os.environ.get("TIPGRAPH_CHROMIUM", "/usr/bin/chromium")
WIKIDATA = "https://query.wikidata.org/sparql"
YASGUI = "https://yasgui.triply.cc"
WD = "http://www.wikidata.org/entity/"
SCHEMA_NAME = URIRef("https://schema.org/name")
# a query that cannot finish: the cross product of every triple with every other, three times
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                    "ALL_PROXY")


def _serve_command() -> list[str]:
    """``python -m tipgraph serve``, the command as users run it."""
    assert "serve" in cli.commands
    return [sys.executable, "-m", "tipgraph", "serve"]


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _PROXY_VARIABLES}
    env.pop("TIPGRAPH_DEBUG", None)
    return env


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch):
    """The clients of these tests talk to 127.0.0.1 directly, whatever *_proxy says."""
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


class Served:
    """A ``tipgraph serve`` process, started on a free port; ``url`` is its base URL."""

    def __init__(self, *args, startup: float = 60.0):
        self.args = [str(a) for a in args]
        self.process = subprocess.Popen([*_serve_command(), *self.args, "--port", "0"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        stdin=subprocess.DEVNULL, env=_environment(),
                                        text=True)
        deadline = time.monotonic() + startup
        line = ""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                line = self.process.stdout.readline()
                break
            if self.process.poll() is not None:
                break
        match = re.search(r" at (http://\S+/) ", line)
        if not match:
            self.stop()
            pytest.fail(f"tipgraph serve {' '.join(self.args)} did not start: {line!r} "
                        f"{self.process.stderr.read()}", pytrace=False)
        self.first_line = line.strip()
        self.url = match.group(1)
        self.endpoint = self.url + "sparql"

    def stop(self) -> tuple[int, str]:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        rest = self.process.stdout.read() if self.process.stdout else ""
        return self.process.returncode, rest


def http(url: str, data: bytes | dict | None = None, headers: dict | None = None,
         method: str | None = None, timeout: float = 30.0):
    """(status, content type, body text) of one request, errors included."""
    if isinstance(data, dict):
        data = urllib.parse.urlencode(data).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with _DIRECT.open(request, timeout=timeout) as response:
            return (response.status, response.headers.get("Content-Type", ""),
                    response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode("utf-8")


def query_url(server: Served, text: str, **params) -> str:
    return server.endpoint + "?" + urllib.parse.urlencode({"query": text, **params})


# ------------------------------------------------------------------------------------------------
# The data and the servers
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def seed_trig(data_dir) -> Path:
    path = data_dir / "seed.trig"
    result = CliRunner().invoke(cli, ["build", str(SEED), "-o", str(path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def linked_trig(data_dir) -> Path:
    """Two entities linked to Wikidata (owl:sameAs), as `tipgraph link` links them."""
    ds = Dataset()
    graph = ds.graph(TGID["graph/serve-links"])
    graph.add((TGID["article/serve-links"], RDF.type, TG.Article))
    for slug, name, qid in (("hong-kong", "Hong Kong", "Q8646"), ("china", "China", "Q148")):
        node = TGID[f"actor/{slug}"]
        graph.add((node, RDF.type, TG.State))
        graph.add((node, SCHEMA_NAME, Literal(name)))
        graph.add((node, OWL.sameAs, URIRef(WD + qid)))
    path = data_dir / "links.trig"
    ds.serialize(path, format="trig")
    return path


@pytest.fixture(scope="module")
def seed_store(data_dir, seed_trig) -> Path:
    folder = data_dir / "store"
    store = OxigraphStore(folder)
    try:
        report = build_store(store, [SEED])
        assert report.written == 1 and not report.invalid
    finally:
        store.close()
    return folder


@pytest.fixture(scope="module")
def seed(seed_trig):
    from tipgraph.graphio import load_graph

    return load_graph(seed_trig)


@pytest.fixture(scope="module")
def files(seed_trig, linked_trig):
    """The two graph files as one rdflib dataset, as `tipgraph query` reads them."""
    from tipgraph.graphio import load_graph

    dataset = load_graph(seed_trig)
    for quad in load_graph(linked_trig).quads((None, None, None, None)):
        dataset.add(quad)
    return dataset


@pytest.fixture(scope="module")
def files_server(seed_trig, linked_trig, sparql_server):
    """Read-only, graph files, a short timeout, SERVICE <Wikidata> sent to the stand-in."""
    server = Served(seed_trig, linked_trig, "--timeout", "2", "--workers", "2",
                    "--service", f"{WIKIDATA}={sparql_server.query_url}", "--cors", YASGUI)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def store_server(seed_store, data_dir):
    """A copy of the store folder, read-write."""
    folder = data_dir / "store-rw"
    shutil.copytree(seed_store, folder)
    server = Served(folder, "--allow-update", "--timeout", "10")
    yield server
    server.stop()


# ------------------------------------------------------------------------------------------------
# Comparing answers with run_query
# ------------------------------------------------------------------------------------------------

def term(binding: dict | None):
    """An rdflib term from a SPARQL JSON results term."""
    if binding is None:
        return None
    if binding["type"] == "uri":
        return URIRef(binding["value"])
    if binding["type"] == "bnode":
        return BNode(binding["value"])
    if "xml:lang" in binding:
        return Literal(binding["value"], lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = None
    return Literal(binding["value"], datatype=URIRef(datatype) if datatype else None)


def json_rows(document: dict) -> tuple[list[str], list[tuple]]:
    variables = document["head"]["vars"]
    rows = [tuple(term(b.get(v)) for v in variables) for b in document["results"]["bindings"]]
    return variables, rows


def plain(row) -> tuple:
    """A row with literals as (lexical form, language, datatype) and nodes as text: tipgraph
    writes numbers in canonical form, so every store gives back exactly what was written."""
    out = []
    for value in row:
        if isinstance(value, Literal):
            out.append((str(value), value.language, str(value.datatype or "")))
        else:
            out.append(None if value is None else str(value))
    return tuple(out)


def same_rows(left: list[tuple], right: list[tuple]) -> bool:
    return sorted(map(plain, left), key=repr) == sorted(map(plain, right), key=repr)


def sparqlwrapper(server: Served, text: str, method: str = "GET", fmt: str = "json"):
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    client = SPARQLWrapper(server.endpoint)
    client.setQuery(text)
    client.setReturnFormat(JSON if fmt == "json" else fmt)
    if method == "POST":
        client.setMethod(POST)
    return client.query()


# ------------------------------------------------------------------------------------------------
# Queries
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["ratings", "claims", "amounts", "disputes"])
def test_saved_queries_give_the_rows_of_run_query(files_server, files, name):
    saved = load_query(name)
    expected = run_query(saved, files)
    assert expected.rows, f"{name} gives no rows on the seed article"
    for method in ("GET", "POST"):
        document = sparqlwrapper(files_server, saved.text, method).convert()
        variables, rows = json_rows(document)
        assert variables == expected.vars
        assert same_rows(rows, expected.rows), name


def test_rdflib_sparqlstore_reads_the_store(store_server, seed):
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(query_endpoint=store_server.endpoint, returnFormat="json"))
    for name in ("actors", "ratings", "quotes"):
        saved = load_query(name)
        expected = run_query(saved, seed)
        assert expected.rows
        answer = graph.query(saved.text)
        assert [str(v) for v in answer.vars] == expected.vars
        assert same_rows([tuple(row) for row in answer], expected.rows), name
    # the default graph is the union of the named graphs, each triple once
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    distinct = ("SELECT (COUNT(*) AS ?n) "
                "WHERE { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }")
    assert int(list(graph.query(count))[0][0]) == int(list(graph.query(distinct))[0][0]) > 3000


def test_parameters_are_bound_like_tipgraph_query(files_server, files):
    saved = load_query("evidence")
    fact = "https://w3id.org/tipgraph/id/rating/hong-kong/2024-trafficking-in-persons-report"
    expected = run_query(saved, files, {"fact": fact})
    assert expected.rows
    status, kind, body = http(files_server.endpoint, {"query": saved.text, "$fact": fact},
                              {"Accept": "application/sparql-results+json"})
    assert status == 200 and kind.startswith("application/sparql-results+json")
    variables, rows = json_rows(json.loads(body))
    assert variables == expected.vars and same_rows(rows, expected.rows)
    # a prefixed name works as on the command line; a bad IRI is a 400
    status, _, body = http(files_server.endpoint, {
        "query": saved.text, "$fact": "tgid:rating/hong-kong/2024-trafficking-in-persons-report"})
    assert status == 200 and same_rows(json_rows(json.loads(body))[1], expected.rows)
    status, _, body = http(files_server.endpoint, {"query": saved.text, "$fact": "<a b>"})
    assert status == 400 and "parameter 'fact'" in body
    # a parameter that is not among the results: the actors of one article's graph
    actors = load_query("actors")
    assert "article" in actors.parameter_names
    article = TGID["article/serve-links"]
    expected = run_query(actors, files, {"article": str(article)})
    assert len(expected.rows) == 2 < len(run_query(actors, files).rows)
    status, _, body = http(files_server.endpoint, {"query": actors.text, "$article": article})
    assert status == 200 and same_rows(json_rows(json.loads(body))[1], expected.rows)


def test_content_negotiation(files_server):
    select_ = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    cases = {
        "application/sparql-results+xml": ("application/sparql-results+xml", "<sparql"),
        "text/csv": ("text/csv", "g\r\n"),
        "text/tab-separated-values": ("text/tab-separated-values", "?g\n"),
        "text/html,application/xhtml+xml,*/*;q=0.8": ("application/sparql-results+json",
                                                      '"head"'),
    }
    for accept, (wanted, start) in cases.items():
        status, kind, body = http(query_url(files_server, select_), headers={"Accept": accept})
        assert status == 200 and kind.startswith(wanted), (accept, kind)
        assert start in body[:200], (accept, body[:200])
    status, kind, body = http(query_url(files_server, select_, format="csv"))
    assert kind.startswith("text/csv") and str(TGID["graph/000_df495ebb58d21c9e"]) in body
    construct = f"CONSTRUCT {{ <{ARTICLE}> ?p ?o }} WHERE {{ <{ARTICLE}> ?p ?o }}"
    status, kind, turtle = http(query_url(files_server, construct))
    assert status == 200 and kind.startswith("text/turtle")
    status, kind, nt = http(query_url(files_server, construct),
                            headers={"Accept": "application/n-triples"})
    assert status == 200 and kind.startswith("application/n-triples")
    assert nt.count(f"<{ARTICLE}> ") >= 10
    status, kind, body = http(query_url(files_server, f"ASK {{ <{ARTICLE}> ?p ?o }}"))
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}
    status, _, body = http(query_url(files_server, select_), headers={"Accept": "image/png"})
    assert status == 406 and "application/sparql-results+json" in body
    # the query itself as the body of a POST
    status, kind, body = http(files_server.endpoint, select_.encode(),
                              {"Content-Type": "application/sparql-query"})
    assert status == 200 and json.loads(body)["head"]["vars"] == ["g"]


def test_default_graph_and_named_graph_parameters(files_server):
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    links = str(TGID["graph/serve-links"])
    status, _, body = http(query_url(files_server, text, **{"default-graph-uri": links}))
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "7"
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    status, _, body = http(query_url(files_server, graphs, **{"named-graph-uri": links}))
    assert [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]] == [links]


def test_a_malformed_query_is_a_400_with_the_parsers_message(files_server):
    status, kind, body = http(query_url(files_server, "SELECT ?s WHERE { ?s ?p }"))
    assert status == 400 and kind.startswith("text/plain")
    assert body.startswith("malformed query: error at 1:") and "expected" in body
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed, match="malformed query"):
        sparqlwrapper(files_server, "SELECT * WHERE { ?s ?p }").convert()
    status, _, body = http(files_server.endpoint)
    assert status == 400 and body.startswith("no query")


def test_cors_only_for_the_origins_given(files_server):
    ask = query_url(files_server, f"ASK {{ <{ARTICLE}> ?p ?o }}")
    request = urllib.request.Request(ask, headers={"Origin": YASGUI})
    with _DIRECT.open(request, timeout=10) as response:
        assert response.headers["Access-Control-Allow-Origin"] == YASGUI
    request = urllib.request.Request(ask, headers={"Origin": "https://elsewhere.example"})
    with _DIRECT.open(request, timeout=10) as response:
        assert response.headers["Access-Control-Allow-Origin"] is None
    preflight = urllib.request.Request(files_server.endpoint, method="OPTIONS", headers={
        "Origin": YASGUI, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Private-Network": "true"})
    with _DIRECT.open(preflight, timeout=10) as response:
        assert response.status == 204
        assert "POST" in response.headers["Access-Control-Allow-Methods"]
        assert response.headers["Access-Control-Allow-Private-Network"] == "true"


def test_requests_for_other_host_names_are_refused(files_server):
    """A page of another site cannot reach the server through a DNS name of its own."""
    ask = query_url(files_server, f"ASK {{ <{ARTICLE}> ?p ?o }}")
    status, _, body = http(ask, headers={"Host": "attacker.example:80"})
    assert status == 403 and "Host" in body
    port = urllib.parse.urlsplit(files_server.url).port
    assert http(ask, headers={"Host": f"localhost:{port}"})[0] == 200


# ------------------------------------------------------------------------------------------------
# Updates
# ------------------------------------------------------------------------------------------------

def test_read_only_refuses_updates(files_server):
    update = "INSERT DATA { GRAPH <urn:test:g> { <urn:test:a> <urn:test:b> <urn:test:c> } }"
    status, _, body = http(files_server.endpoint, {"update": update})
    assert status == 403
    assert body.strip() == ("this endpoint is read-only: updates are refused (start tipgraph "
                            "serve with --allow-update to accept them)")
    status, _, _ = http(files_server.endpoint, update.encode(),
                        {"Content-Type": "application/sparql-update"})
    assert status == 403
    with pytest.raises(urllib.error.HTTPError) as raised:  # SPARQLWrapper: an update, POSTed
        sparqlwrapper(files_server, update, "POST")
    assert raised.value.code == 403
    status, _, body = http(query_url(files_server, update))  # an update sent as a query
    assert status == 403 and "read-only" in body
    ask = "ASK { GRAPH ?g { <urn:test:a> ?p ?o } }"
    assert json.loads(http(query_url(files_server, ask))[2])["boolean"] is False


def test_updates_with_allow_update_keep_the_union(store_server):
    from SPARQLWrapper import POST, SPARQLWrapper

    notes = "urn:test:notes"
    triple = f"<{ARTICLE}> <https://schema.org/comment> \"checked\""
    client = SPARQLWrapper(store_server.endpoint)
    client.setMethod(POST)
    client.setQuery(f"INSERT DATA {{ GRAPH <{notes}> {{ {triple} }} }}")
    answer = client.query()
    assert answer.response.status == 200
    in_graph = f"ASK {{ GRAPH <{notes}> {{ {triple} }} }}"
    in_union = f"ASK {{ {triple} }}"
    for ask in (in_graph, in_union):
        assert json.loads(http(query_url(store_server, ask))[2])["boolean"] is True, ask
    # the saved queries see it through the default graph; dropping the graph takes it away
    status, _, body = http(store_server.endpoint, f"DROP GRAPH <{notes}>".encode(),
                           {"Content-Type": "application/sparql-update"})
    assert status == 200 and body.startswith("update done")
    for ask in (in_graph, in_union):
        assert json.loads(http(query_url(store_server, ask))[2])["boolean"] is False, ask
    # a triple that only the article's graph held leaves the union with it
    title = f"ASK {{ <{ARTICLE}> <https://schema.org/headline> ?h }}"
    assert json.loads(http(query_url(store_server, title))[2])["boolean"] is True
    headline = f"<{ARTICLE}> <https://schema.org/headline> ?h"
    status, _, _ = http(store_server.endpoint,
                        {"update": f"DELETE WHERE {{ GRAPH ?g {{ {headline} }} }}"})
    assert status == 200
    assert json.loads(http(query_url(store_server, title))[2])["boolean"] is False
    # a page of another origin may not write; a malformed update is a 400
    status, _, body = http(store_server.endpoint, {"update": f"DROP GRAPH <{notes}>"},
                           {"Origin": "http://evil.example"})
    assert status == 403 and "another origin" in body
    status, _, body = http(store_server.endpoint, {"update": "INSERT DATA { <a> }"})
    assert status == 400 and body.startswith("malformed update")


# ------------------------------------------------------------------------------------------------
# Timeouts, SERVICE, starting and stopping
# ------------------------------------------------------------------------------------------------

def test_a_slow_query_is_stopped_and_the_server_goes_on(files_server):
    started = time.monotonic()
    status, _, body = http(query_url(files_server, ENDLESS))
    took = time.monotonic() - started
    assert status == 503, body
    assert body.strip() == ("the query ran longer than 2 s and was stopped (tipgraph serve "
                            "--timeout SECONDS sets the limit)")
    assert 1.9 < took < 6
    for _ in range(3):  # the other worker, then the one that replaced the killed one
        status, _, body = http(query_url(files_server, f"ASK {{ <{ARTICLE}> ?p ?o }}"))
        assert status == 200 and json.loads(body)["boolean"] is True


def test_service_queries_send_one_request_per_binding(files_server, files, sparql_server):
    saved = load_query("wikidata-labels")
    redirect = {WIKIDATA: sparql_server.query_url}
    expected = run_query(saved, files, {"lang": "zh"}, services=redirect)
    assert {str(row[3]) for row in expected.rows} == {"香港", "中华人民共和国"}
    status, _, body = http(files_server.endpoint, {"query": saved.text, "$lang": "zh"})
    assert status == 200, body
    variables, rows = json_rows(json.loads(body))
    assert variables == expected.vars and same_rows(rows, expected.rows)


def test_port_taken_is_one_clear_line(seed_trig):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([*_serve_command(), str(seed_trig), "--port", str(port)],
                              capture_output=True, text=True, timeout=60, env=_environment())
    assert done.returncode == 2
    assert done.stderr == (f"tipgraph: error: port {port} on 127.0.0.1 is already in use "
                           f"(another server? use --port)\n")
    assert done.stdout == ""


def test_bad_arguments_are_one_clear_line(tmp_path, seed_trig):
    def run(*args):
        done = subprocess.run([*_serve_command(), *map(str, args), "--port", "0"],
                              capture_output=True, text=True, timeout=60, env=_environment())
        assert done.returncode == 2, done
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("tipgraph: error: "), done.stderr
        return lines[0]

    assert "no such file" in run(tmp_path / "missing.trig")
    assert "no such store" in run(tmp_path)
    (tmp_path / "x.txt").write_text("hello")
    assert "not a tipgraph store" in run(tmp_path)
    assert "unknown graph format" in run(tmp_path / "x.txt")


def test_a_store_served_read_only_stops_cleanly(seed_store, seed):
    server = Served(seed_store, "--workers", "1")
    assert server.first_line.startswith(f"serving {seed_store} at {server.url} ")
    assert "read-only" in server.first_line
    saved = load_query("ratings")
    variables, rows = json_rows(sparqlwrapper(server, saved.text).convert())
    assert same_rows(rows, run_query(saved, seed).rows)
    code, rest = server.stop()
    assert code == 0 and rest.strip() == "stopped"


# ------------------------------------------------------------------------------------------------
# The page, in a real browser
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser test needs Playwright's Python package: run `make test`",
                    pytrace=False)
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"the browser test needs Chromium at {CHROMIUM}: run `make test`",
                    pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def test_the_query_page_runs_saved_queries_offline(browser, files_server):
    context = browser.new_context(viewport={"width": 1600, "height": 1000},
                                  device_scale_factor=1)
    page = context.new_page()
    origin = files_server.url.rstrip("/")
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # anything that is not the server itself is stopped here, and counted above
    page.route("**/*", lambda route: route.continue_()
               if route.request.url.startswith(origin + "/") else route.abort())
    try:
        response = page.goto(files_server.url)
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "connect-src 'self'" in csp
        page.wait_for_function("() => window.tipgraph && window.tipgraph.ready", timeout=15_000)
        # every saved query is there, the federated one marked as going on the network
        names = page.eval_on_selector_all(".tg-saved", "els => els.map(e => e.dataset.name)")
        assert names == [q.name for q in list_queries()]
        network = page.locator('.tg-saved[data-name="wikidata-labels"] .tg-net')
        assert network.inner_text() == "network"
        assert page.locator(".tg-saved .tg-net").count() == 1
        # one click: the query is loaded and run, its rows shown as a table
        page.click('.tg-saved[data-name="ratings"]')
        page.wait_for_selector("#tg-results table tbody tr")
        assert page.eval_on_selector_all("#tg-results th", "els => els.map(e => e.textContent)") \
            == ["subject", "subjectName", "rating", "report", "year"]
        row = page.locator("#tg-results tbody tr").first.inner_text()
        assert "tgid:actor/hong-kong" in row and "Hong Kong" in row and "Tier 2 Watch List" in row
        assert page.locator("#tg-status").inner_text().startswith("1 row")
        assert page.input_value("#tg-query") == load_query("ratings").text
        # a query with a parameter: its field; a malformed query: the server's message
        page.click('.tg-saved[data-name="evidence"]')
        page.fill("#tg-param-fact", "tgid:rating/hong-kong/2024-trafficking-in-persons-report")
        page.click("#tg-run")
        page.wait_for_function(
            "() => window.tipgraph.result() && window.tipgraph.result().rows > 0")
        page.click('.tg-saved[data-name="wikidata-labels"]')
        assert "query.wikidata.org" in page.locator("#tg-notice").inner_text()
        page.fill("#tg-query", "SELECT * WHERE { ?s ?p }")
        page.click("#tg-run")
        page.wait_for_selector("#tg-error:not([hidden])")
        assert "400" in page.locator("#tg-error").inner_text()
        assert "malformed query" in page.locator("#tg-error").inner_text()
        page.click('.tg-saved[data-name="amounts"]')
        page.wait_for_selector("#tg-results table tbody tr")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "serve.png"))
        assert [u for u in requests if not u.startswith(origin + "/")] == []
        assert page.evaluate("() => window.__tgViolations") == []
        assert [e for e in errors if "400" not in e] == []
    finally:
        context.close()
