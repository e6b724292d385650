"""The federated query queries/wikidata-labels.rq and `tipgraph query --service`, offline.

A real SPARQL server (Oxigraph, the session fixture ``sparql_server`` of conftest.py) stands in for
Wikidata with the labels of tests/data/wikidata-extract.nt; ``--service`` points the query's
SERVICE <https://query.wikidata.org/sparql> at it. Every test runs with the network blocked (only
loopback host names resolve), so no test can reach the real Wikidata.
"""

from __future__ import annotations

import csv
import http.server
import io
import json
import socket
import threading
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import OWL, RDF

from tipgraph.cli import cli
from tipgraph.errors import QueryError
from tipgraph.namespace import TG, TGID
from tipgraph.query import (
    load_query,
    parse_service_option,
    query_services,
    run_query,
    user_agent,
)

from sparql_server import ServerError, block_network, free_port, start_server

WIKIDATA = "https://query.wikidata.org/sparql"
WD = "http://www.wikidata.org/entity/"
SCHEMA_NAME = URIRef("https://schema.org/name")
NAMES = {
    "hong-kong": "Hong Kong", "china": "China", "united-states": "United States",
    "us-department-of-state": "US Department of State", "united-nations": "United Nations",
    "justice-centre-hong-kong": "Justice Centre Hong Kong",
}


def actor(slug: str) -> str:
    return str(TGID[f"actor/{slug}"])


# every label of the extract for the linked entities, in the query's order (name, entity, lang)
ALL_ROWS = [
    (actor("china"), "China", WD + "Q148", "People's Republic of China", "en"),
    (actor("china"), "China", WD + "Q148", "中华人民共和国", "zh"),
    (actor("hong-kong"), "Hong Kong", WD + "Q8646", "Hong Kong", "en"),
    (actor("hong-kong"), "Hong Kong", WD + "Q8646", "香港", "zh"),
    (actor("hong-kong"), "Hong Kong", WD + "Q8646", "香港", "zh-hk"),
    (actor("united-states"), "United States", WD + "Q30", "United States", "en"),
    (actor("united-states"), "United States", WD + "Q30", "美国", "zh"),
    (actor("us-department-of-state"), "US Department of State", WD + "Q789915",
     "United States Department of State", "en"),
    (actor("us-department-of-state"), "US Department of State", WD + "Q789915", "美国国务院",
     "zh"),
]


@pytest.fixture(autouse=True)
def refused_hosts(monkeypatch):
    """No test of this module goes on the network: only loopback names resolve, no proxy."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                 "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("TIPGRAPH_USER_AGENT", raising=False)
    return block_network(monkeypatch)


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory) -> Path:
    """Two articles; entities linked to Wikidata as the identity links will be (owl:sameAs)."""
    ds = Dataset()
    one, two = ds.graph(TGID["graph/fed-1"]), ds.graph(TGID["graph/fed-2"])
    one.add((TGID["article/fed-1"], RDF.type, TG.Article))
    two.add((TGID["article/fed-2"], RDF.type, TG.Article))
    entities = [
        (one, "hong-kong", TG.State, "Q8646"),
        (one, "china", TG.State, "Q148"),
        (one, "justice-centre-hong-kong", TG.CivilSocietyOrganisation, None),  # not linked
        (two, "hong-kong", TG.State, "Q8646"),
        (two, "united-states", TG.State, "Q30"),
        (two, "us-department-of-state", TG.GovernmentBody, "Q789915"),
        (two, "united-nations", TG.InternationalOrganisation, "Q1065"),  # not in the extract
    ]
    for graph, slug, kind, qid in entities:
        node = TGID[f"actor/{slug}"]
        graph.add((node, RDF.type, kind))
        graph.add((node, SCHEMA_NAME, Literal(NAMES[slug])))
        if qid:
            graph.add((node, OWL.sameAs, URIRef(WD + qid)))
    # a link to another knowledge base is not sent to Wikidata
    one.add((TGID["actor/china"], OWL.sameAs, URIRef("http://dbpedia.org/resource/China")))
    path = tmp_path_factory.mktemp("federated") / "linked.trig"
    ds.serialize(path, format="trig")
    return path


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def stand_in(server) -> str:
    return f"{WIKIDATA}={server.query_url}"


def csv_rows(text: str) -> list[tuple[str, ...]]:
    records = list(csv.reader(io.StringIO(text, newline="")))
    assert records[0] == ["entity", "name", "wikidata", "label", "lang"]
    return [tuple(r) for r in records[1:]]


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("tipgraph: error: ") and "Traceback" not in stderr
    return lines[0]


# ------------------------------------------------------------------------------------------------
# The stand-in server
# ------------------------------------------------------------------------------------------------

def test_the_stand_in_serves_the_wikidata_extract(sparql_server):
    assert sparql_server.running()
    answer = sparql_server.select(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o }")
    assert answer["results"]["bindings"][0]["n"]["value"] == "11"


def test_a_missing_server_binary_fails_with_a_clear_message(tmp_path):
    with pytest.raises(ServerError, match="cannot run .*no-such-oxigraph.*pip install"):
        start_server(tmp_path / "store", [Path(__file__).parent / "data" /
                                          "wikidata-extract.nt"],
                     binary=str(tmp_path / "no-such-oxigraph"))


# ------------------------------------------------------------------------------------------------
# The saved query
# ------------------------------------------------------------------------------------------------

def test_the_saved_query_names_wikidata_as_its_only_service():
    saved = load_query("wikidata-labels")
    assert saved.title.startswith("Wikidata labels")
    assert saved.parameter_names == ["lang", "article"]
    assert query_services(saved) == [WIKIDATA]
    assert "PREFIX rdfs:" in saved.text


def test_labels_from_the_stand_in(graph_file, sparql_server, refused_hosts):
    code, out, stderr = run("query", "wikidata-labels", graph_file, "--format", "csv",
                            "--service", stand_in(sparql_server))
    assert code == 0, stderr
    assert csv_rows(out) == ALL_ROWS
    assert refused_hosts == []


def test_labels_keep_their_language_tags(graph_file, sparql_server):
    code, out, stderr = run("query", "wikidata-labels", graph_file, "--format", "json",
                            "--service", stand_in(sparql_server))
    assert code == 0, stderr
    document = json.loads(out)
    assert document["head"]["vars"] == ["entity", "name", "wikidata", "label", "lang"]
    fourth = document["results"]["bindings"][3]
    assert fourth == {
        "entity": {"type": "uri", "value": actor("hong-kong")},
        "name": {"type": "literal", "value": "Hong Kong"},
        "wikidata": {"type": "uri", "value": WD + "Q8646"},
        "label": {"type": "literal", "value": "香港", "xml:lang": "zh"},
        "lang": {"type": "literal", "value": "zh"},
    }


def test_the_table_shows_the_labels(graph_file, sparql_server):
    code, out, stderr = run("query", "wikidata-labels", graph_file,
                            "--service", stand_in(sparql_server))
    assert code == 0, stderr
    lines = out.splitlines()
    assert lines[0].split() == ["entity", "name", "wikidata", "label", "lang"]
    assert lines[-1] == "(9 rows)"
    assert any("tgid:actor/hong-kong" in line and "香港" in line and line.endswith("zh")
               for line in lines)


def test_lang_parameter_keeps_one_language_tag(graph_file, sparql_server):
    code, out, stderr = run("query", "wikidata-labels", graph_file, "--format", "csv",
                            "--param", "lang=zh", "--service", stand_in(sparql_server))
    assert code == 0, stderr
    # exactly "zh": Hong Kong's zh-hk label is left out
    assert csv_rows(out) == [row for row in ALL_ROWS if row[4] == "zh"]


def test_article_parameter_keeps_the_entities_of_one_article(graph_file, sparql_server):
    code, out, stderr = run("query", "wikidata-labels", graph_file, "--format", "csv",
                            "--param", "article=tgid:article/fed-1",
                            "--service", stand_in(sparql_server))
    assert code == 0, stderr
    assert csv_rows(out) == [row for row in ALL_ROWS
                             if row[0] in (actor("china"), actor("hong-kong"))]


def test_run_query_with_services(graph_file, sparql_server):
    from tipgraph.graphio import load_graph

    result = run_query("wikidata-labels", load_graph(graph_file), {"lang": "en"},
                       services={WIKIDATA: sparql_server.query_url})
    assert [(str(r[0]), str(r[3])) for r in result.rows] == [
        (row[0], row[3]) for row in ALL_ROWS if row[4] == "en"]
    assert result.rows[0][3] == Literal("People's Republic of China", lang="en")
    # the saved query itself still names Wikidata
    assert query_services("wikidata-labels") == [WIKIDATA]


def test_one_request_per_linked_entity_with_its_values(graph_file, sparql_server,
                                                       monkeypatch):
    """What goes out: per Wikidata-linked entity one request that carries the entity and its
    Wikidata IRI as VALUES and the prefixes; no local names; a User-Agent naming tipgraph."""
    sent = []
    real_urlopen = urllib.request.urlopen

    def spy(request, *args, **kwargs):
        if request.data:
            query = urllib.parse.parse_qs(request.data.decode())["query"][0]
        else:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.full_url).query)[
                "query"][0]
        sent.append((query, dict(request.header_items())))
        return real_urlopen(request, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", spy)
    code, _, stderr = run("query", "wikidata-labels", graph_file, "--format", "csv",
                          "--service", stand_in(sparql_server))
    assert code == 0, stderr
    linked = {WD + q for q in ("Q8646", "Q148", "Q30", "Q789915", "Q1065")}
    asked = set()
    for query, headers in sent:
        assert "PREFIX rdfs:<http://www.w3.org/2000/01/rdf-schema#>" in query
        assert "?wikidata rdfs:label ?label" in query
        values = query[query.index("VALUES"):]
        asked |= {iri for iri in linked if f"<{iri}>" in values}
        assert "dbpedia" not in query
        for name in NAMES.values():
            assert f'"{name}"' not in query
        assert headers["User-agent"] == user_agent()
        assert headers["User-agent"].startswith("tipgraph/")
        assert headers["Accept"] == "application/sparql-results+json"
    assert len(sent) == len(linked) and asked == linked


def test_user_agent_from_the_environment(monkeypatch):
    monkeypatch.setenv("TIPGRAPH_USER_AGENT", "  lab-project/1.0  (someone@example.org) ")
    assert user_agent() == "lab-project/1.0 (someone@example.org)"


# ------------------------------------------------------------------------------------------------
# Without --service nothing leaves the machine in tests
# ------------------------------------------------------------------------------------------------

def test_without_service_option_wikidata_is_asked_and_the_guard_refuses(graph_file,
                                                                        refused_hosts):
    code, out, stderr = run("query", "wikidata-labels", graph_file)
    assert code == 2 and out == ""
    line = one_error_line(stderr)
    assert f"SERVICE <{WIKIDATA}>: cannot connect: network blocked in tests" in line
    assert "wikidata-labels.rq" in line
    # the only name looked up was Wikidata's, and it was refused: nothing was sent
    assert set(refused_hosts) == {"query.wikidata.org"}


def test_no_request_at_all_when_nothing_is_linked(tmp_path, refused_hosts):
    ds = Dataset()
    g = ds.graph(TGID["graph/plain"])
    g.add((TGID["article/plain"], RDF.type, TG.Article))
    g.add((TGID["actor/hong-kong"], SCHEMA_NAME, Literal("Hong Kong")))
    path = tmp_path / "plain.trig"
    ds.serialize(path, format="trig")
    code, out, stderr = run("query", "wikidata-labels", path)
    assert code == 0, stderr
    assert out.splitlines()[-1] == "(0 rows)"
    assert refused_hosts == []


# ------------------------------------------------------------------------------------------------
# Endpoint problems: one error line, exit 2
# ------------------------------------------------------------------------------------------------

def test_unreachable_endpoint(graph_file):
    endpoint = f"http://127.0.0.1:{free_port()}/query"  # nothing listens there
    code, out, stderr = run("query", "wikidata-labels", graph_file, "--service",
                            f"{WIKIDATA}={endpoint}")
    assert code == 2 and out == ""
    line = one_error_line(stderr)
    assert f"SERVICE <{WIKIDATA}> (sent to {endpoint}): cannot connect" in line


def test_http_error_from_the_endpoint(graph_file, sparql_server):
    endpoint = f"{sparql_server.base_url}/no-such-endpoint"
    code, _, stderr = run("query", "wikidata-labels", graph_file, "--service",
                          f"{WIKIDATA}={endpoint}")
    assert code == 2
    line = one_error_line(stderr)
    assert f"(sent to {endpoint}): HTTP 404" in line


@contextmanager
def http_server(status: int, body: bytes, content_type: str = "text/plain",
                headers: dict | None = None):
    """A tiny HTTP server on 127.0.0.1 that gives every GET and POST the same answer."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = answer

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_an_answer_that_is_not_sparql_results(graph_file):
    # what Wikidata answers (with status 200) to a client without a proper User-Agent
    with http_server(200, b"Please set a user-agent and respect our robot policy") as endpoint:
        code, _, stderr = run("query", "wikidata-labels", graph_file, "--service",
                              f"{WIKIDATA}={endpoint}")
    assert code == 2
    line = one_error_line(stderr)
    assert f"(sent to {endpoint}): the answer is not SPARQL JSON results: 'Please set" in line


def test_too_many_requests(graph_file):
    with http_server(429, b"slow down", headers={"Retry-After": "30"}) as endpoint:
        code, _, stderr = run("query", "wikidata-labels", graph_file, "--service",
                              f"{WIKIDATA}={endpoint}")
    assert code == 2
    assert "HTTP 429 Too Many Requests (too many requests; retry after 30 s)" in \
        one_error_line(stderr)


def test_an_endpoint_that_never_answers_times_out(graph_file):
    # the kernel accepts the connection (listen backlog); nobody ever reads or answers
    with socket.create_server(("127.0.0.1", 0)) as silent:
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}/sparql"
        code, _, stderr = run("query", "wikidata-labels", graph_file, "--timeout", "0.5",
                              "--service", f"{WIKIDATA}={endpoint}")
    assert code == 2
    assert f"(sent to {endpoint}): no answer within 0.5 s" in one_error_line(stderr)


# ------------------------------------------------------------------------------------------------
# --service values
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "nonsense",
    WIKIDATA,
    f"={WIKIDATA}",
    f"{WIKIDATA}=",
    f"{WIKIDATA}=ftp://example.org/sparql",
    f"{WIKIDATA}=http://exa mple.org/sparql",
    "query.wikidata.org/sparql=http://127.0.0.1:9/query",
    f"{WIKIDATA}=http://",
])
def test_malformed_service_option(graph_file, value, refused_hosts):
    code, out, stderr = run("query", "wikidata-labels", graph_file, "--service", value)
    assert code == 2 and out == ""
    assert "--service" in one_error_line(stderr)
    assert refused_hosts == []


def test_service_the_query_does_not_name(graph_file, refused_hosts):
    code, _, stderr = run("query", "wikidata-labels", graph_file, "--service",
                          "https://example.org/sparql=http://127.0.0.1:9/query")
    assert code == 2
    line = one_error_line(stderr)
    assert "no SERVICE <https://example.org/sparql>" in line and f"<{WIKIDATA}>" in line
    assert refused_hosts == []


def test_same_service_twice_with_different_endpoints(graph_file):
    code, _, stderr = run("query", "wikidata-labels", graph_file,
                          "--service", f"{WIKIDATA}=http://127.0.0.1:9/a",
                          "--service", f"{WIKIDATA}=http://127.0.0.1:9/b")
    assert code == 2 and "given twice" in one_error_line(stderr)


def test_parse_service_option():
    assert parse_service_option(f"{WIKIDATA}=http://127.0.0.1:7878/query") == (
        WIKIDATA, "http://127.0.0.1:7878/query")
    # FROM may hold '=': the split is before the endpoint's scheme
    assert parse_service_option("https://a.org/sparql?x=1=https://b.org/q?y=2") == (
        "https://a.org/sparql?x=1", "https://b.org/q?y=2")
    assert parse_service_option(f"<{WIKIDATA}>=<http://127.0.0.1:1/q>") == (
        WIKIDATA, "http://127.0.0.1:1/q")


def test_only_the_service_iri_is_redirected(tmp_path, sparql_server, graph_file):
    """The Wikidata IRI also appears elsewhere in this query (a string): only the SERVICE token
    is changed."""
    from tipgraph.graphio import load_graph

    path = tmp_path / "mention.rq"
    path.write_text(
        "# title: Mention\n# parameters: none\n"
        "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?wikidata ?label ?source WHERE {\n"
        f"  {{ ?entity owl:sameAs ?wikidata . FILTER (?wikidata = <{WD}Q30>) }}\n"
        f"  SERVICE <{WIKIDATA}> {{\n"
        "    ?wikidata rdfs:label ?label .\n  }\n"
        f'  BIND ("{WIKIDATA}" AS ?source)\n'
        "} ORDER BY ?label\n", encoding="utf-8")
    result = run_query(path, load_graph(graph_file),
                       services={WIKIDATA: sparql_server.query_url})
    assert [(str(r[1]), str(r[2])) for r in result.rows] == [
        ("United States", WIKIDATA), ("美国", WIKIDATA)]


# ------------------------------------------------------------------------------------------------
# SERVICE clauses rdflib cannot evaluate as written are refused, not silently empty
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("clause, problem", [
    (f"SERVICE SILENT <{WIKIDATA}> {{ ?s ?p ?o }}", "no SILENT"),
    ("SERVICE ?endpoint { ?s ?p ?o }", "no variable"),
    (f"SERVICE <{WIKIDATA}> {{ ?s ?p ?o }} SERVICE <http://127.0.0.1:9/q> {{ ?s ?p ?x }}",
     "2 SERVICE clauses"),
])
def test_service_clauses_rdflib_cannot_evaluate(tmp_path, clause, problem, refused_hosts):
    path = tmp_path / "odd.rq"
    path.write_text(f"# title: Odd\nSELECT * WHERE {{ ?s ?p ?o . {clause} }}\n",
                    encoding="utf-8")
    ds = Dataset(default_union=True)
    ds.graph(TGID["graph/x"]).add((TGID["actor/x"], OWL.sameAs, URIRef(WD + "Q30")))
    with pytest.raises(QueryError, match=problem):
        run_query(path, ds)
    assert refused_hosts == []
