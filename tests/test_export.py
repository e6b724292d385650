"""tipgraph.export: every format round-trips and is byte-for-byte the same on every run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from tipgraph import export as export_module
from tipgraph.errors import ExportError
from tipgraph.export import CONTEXT_PATH, FORMATS, export, load_context, serialize
from tipgraph.namespace import SCHEMA, TG, TGID

FIXTURE = Path(__file__).parent / "data" / "mini.trig"
SRC = Path(__file__).resolve().parents[1] / "src"

# export format -> rdflib parser
PARSERS = {"ttl": "turtle", "trig": "trig", "nt": "nt", "nq": "nquads", "jsonld": "json-ld"}
UNION_FORMATS = {"ttl", "nt"}  # these write the union of the graphs


def load_fixture() -> Dataset:
    ds = Dataset(default_union=True)
    ds.parse(FIXTURE, format="trig")
    return ds


def named_graphs(ds: Dataset) -> dict[URIRef, Graph]:
    return {g.identifier: g for g in ds.graphs() if len(g)}


def union_of(ds: Dataset) -> Graph:
    union = Graph()
    for g in ds.graphs():
        for triple in g:
            union.add(triple)
    return union


def parse_back(path: Path, fmt: str) -> Dataset:
    back = Dataset(default_union=True)
    options = {"context": load_context()} if fmt == "jsonld" else {}
    back.parse(path, format=PARSERS[fmt], **options)
    return back


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_fixture()


def test_formats():
    assert list(FORMATS) == ["ttl", "trig", "nt", "nq", "jsonld"]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_round_trips(dataset, tmp_path, fmt):
    out = tmp_path / f"graph.{fmt}"
    assert export(dataset, fmt, out) == out
    back = parse_back(out, fmt)
    if fmt in UNION_FORMATS:
        assert isomorphic(union_of(back), union_of(dataset))
        assert len(named_graphs(back)) <= 1
    else:
        original, restored = named_graphs(dataset), named_graphs(back)
        assert sorted(restored) == sorted(original)
        for identifier, graph in original.items():
            assert isomorphic(restored[identifier], graph), identifier


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_is_byte_identical_across_runs_and_loads(dataset, tmp_path, fmt):
    first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    export(dataset, fmt, first)
    export(dataset, fmt, second)
    assert first.read_bytes() == second.read_bytes()
    # the same file loaded into two fresh datasets
    third, fourth = tmp_path / f"c.{fmt}", tmp_path / f"d.{fmt}"
    export(load_fixture(), fmt, third)
    export(load_fixture(), fmt, fourth)
    assert third.read_bytes() == fourth.read_bytes() == first.read_bytes()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_does_not_depend_on_insertion_order(dataset, fmt):
    reordered = Dataset(default_union=True)
    for graph in sorted(named_graphs(dataset).values(), key=lambda g: str(g.identifier),
                        reverse=True):
        target = reordered.graph(graph.identifier)
        for triple in sorted(graph, reverse=True):
            target.add(triple)
    assert serialize(reordered, fmt) == serialize(dataset, fmt)


def test_export_does_not_depend_on_the_hash_seed():
    script = (
        "import hashlib, sys\n"
        "from rdflib import Dataset\n"
        "from tipgraph.export import serialize, FORMATS\n"
        "ds = Dataset(default_union=True)\n"
        f"ds.parse({str(FIXTURE)!r}, format='trig')\n"
        "print(' '.join(hashlib.sha256(serialize(ds, f).encode()).hexdigest() for f in FORMATS))\n"
    )
    digests = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed,
                   PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
        done = subprocess.run([sys.executable, "-W", "ignore", "-c", script], env=env,
                              capture_output=True, text=True, check=True)
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_reexport_of_an_export_is_identical(dataset, tmp_path):
    for fmt in ("trig", "nq", "jsonld"):
        first = tmp_path / f"first.{fmt}"
        export(dataset, fmt, first)
        again = tmp_path / f"again.{fmt}"
        export(parse_back(first, fmt), fmt, again)
        assert again.read_bytes() == first.read_bytes(), fmt


def test_ntriples_lines_are_sorted_unique_statements(dataset):
    text = serialize(dataset, "nt")
    lines = text.splitlines()
    assert text.endswith(" .\n")
    assert lines == sorted(set(lines))
    assert len(lines) == len(union_of(dataset))
    # the article text, with its line breaks, stays on one line, escaped
    [line] = [l for l in lines if f"<{SCHEMA.text}>" in l and "mini-2" in l]
    assert '"Hong Kong stays on US watch list\\n\\nHong Kong remains' in line
    # statements stated in both articles appear once
    assert sum(f"<{TGID['actor/hong-kong']}> <{RDF.type}>" in l for l in lines) == 1


def test_nquads_keep_the_graph_of_every_statement(dataset):
    lines = serialize(dataset, "nq").splitlines()
    assert lines == sorted(set(lines))
    assert sum(len(g) for g in named_graphs(dataset).values()) == len(lines)
    hong_kong = [l for l in lines if l.startswith(f"<{TGID['actor/hong-kong']}> <{RDF.type}>")]
    assert [l.split()[-2] for l in hong_kong] == [f"<{TGID['graph/mini-1']}>",
                                                 f"<{TGID['graph/mini-2']}>"]


def test_turtle_keeps_lexical_forms_and_prefixes(dataset):
    text = serialize(dataset, "ttl")
    assert "@prefix tg: <https://w3id.org/tipgraph/ontology#> ." in text
    assert "@prefix schema: <https://schema.org/> ." in text
    assert 'schema:value "77000000"^^xsd:decimal' in text  # not 77000000.0
    assert "tg:confidence 0.9" in text
    trig = serialize(dataset, "trig")
    assert trig.index(f"<{TGID['graph/mini-1']}>") < trig.index(f"<{TGID['graph/mini-2']}>")


def test_jsonld_keys_are_plain_words(dataset):
    document = json.loads(serialize(dataset, "jsonld"))
    assert document["@context"] == load_context()
    graphs = {g["id"]: g["@graph"] for g in document["@graph"]}
    assert sorted(graphs) == ["tgid:graph/mini-1", "tgid:graph/mini-2"]
    nodes = {node["id"]: node for node in graphs["tgid:graph/mini-1"]}
    claim = nodes["tgid:article/mini-1/claim/1"]
    assert claim == {
        "id": "tgid:article/mini-1/claim/1",
        "type": "Claim",
        "claimant": "tgid:article/mini-1/person/1",
        "onBehalfOf": "tgid:actor/hong-kong",
        "claimText": "\"The report's claims are unfounded,\" said Alex Chan, a government "
                     "spokesperson.",
        "quotation": "The report's claims are unfounded",
        "stance": "Disputes",
        "attributionMode": "DirectQuotation",
        "reportingVerb": "said",
        "about": "tgid:report/tip-report-2024",
        "disputes": "tgid:report/tip-report-2024",
        "wasDerivedFrom": "tgid:article/mini-1",
    }
    assert nodes["tgid:article/mini-1/person/1"]["type"] == ["Person", "schema:Person"]
    assert nodes["tgid:article/mini-1/person/1"]["name"] == "Alex Chan"
    assert nodes["tgid:article/mini-1/figure/1"]["value"] == "77000000"
    assert nodes["tgid:article/mini-1/annotation/8/position"]["start"] == "319"
    assert nodes["tgid:rating/hong-kong/tip-report-2024"]["year"] == "2024"
    assert nodes["tgid:law/national-security-law"]["dateEnacted"] == {
        "@type": "xsd:gYearMonth", "@value": "2020-06"}
    assert nodes["tgid:tier/tier-2-watch-list"]["prefLabel"] == {
        "@language": "en", "@value": "Tier 2 Watch List"}

    def keys(value):
        if isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from keys(item)
        elif isinstance(value, list):
            for item in value:
                yield from keys(item)

    used = set(keys(document["@graph"]))
    assert not [k for k in used if ":" in k or k.startswith("http")]
    assert used - {"@graph", "@value", "@type", "@language"} <= set(load_context())


def test_jsonld_is_sorted(dataset):
    text = serialize(dataset, "jsonld")
    document = json.loads(text)
    for graph in document["@graph"]:
        ids = [node["id"] for node in graph["@graph"]]
        assert ids == sorted(ids)
    assert text == json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_jsonld_written_graph_by_graph_is_one_indented_document(tmp_path):
    # the writer streams one graph at a time; its text must still be exactly json.dumps of the
    # whole document, also when the default graph describes a named graph and when it is empty
    ds = Dataset(default_union=False)
    g = URIRef("https://w3id.org/tipgraph/id/graph/x")
    ds.add((g, SCHEMA.name, Literal("graph x")))
    ds.add((TGID["actor/z"], SCHEMA.name, Literal("line\nbreak \"quoted\" ünï")))
    ds.graph(g).add((TGID["actor/a"], RDF.type, TG.State))
    ds.graph(URIRef("urn:a")).add((TGID["actor/b"], SCHEMA.name, Literal("B", lang="en")))
    for source in (ds, Dataset()):
        text = serialize(source, "jsonld")
        assert text == json.dumps(json.loads(text), sort_keys=True, indent=2,
                                  ensure_ascii=False) + "\n"
        export(source, "jsonld", tmp_path / "out.jsonld")
        assert (tmp_path / "out.jsonld").read_text(encoding="utf-8") == text
    top = json.loads(serialize(ds, "jsonld"))["@graph"]
    assert [entry["id"] for entry in top] == sorted(entry["id"] for entry in top)
    holder = next(entry for entry in top if entry["id"] == "tgid:graph/x")
    assert holder["name"] == "graph x" and holder["@graph"][0]["type"] == "State"
    assert json.loads(serialize(Dataset(), "jsonld"))["@graph"] == []


def test_jsonld_is_read_by_the_graph_loader_without_fetching(dataset, tmp_path):
    from tipgraph.graphio import load_graph

    out = tmp_path / "graph.jsonld"
    export(dataset, "jsonld", out)
    back = load_graph(out)
    original, restored = named_graphs(dataset), named_graphs(back)
    assert sorted(restored) == sorted(original)
    for identifier, graph in original.items():
        assert isomorphic(restored[identifier], graph)


def test_context_file_covers_every_tipgraph_term():
    context = load_context()
    assert json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))["@context"] == context
    for prefix in ("tg", "tgid", "schema", "prov", "oa", "skos", "xsd"):
        assert prefix in context
    assert context["id"] == "@id" and context["type"] == "@type"
    iris = {v if isinstance(v, str) else v["@id"] for v in context.values()}
    for term in TG.__annotations__:
        assert f"tg:{term}" in iris, term
    for word, iri in {"name": "schema:name", "claimant": "tg:claimant",
                      "quotation": "tg:quotation", "stance": "tg:stance", "value": "schema:value",
                      "currency": "schema:currency", "tier": "tg:tier",
                      "ratedSubject": "tg:ratedSubject"}.items():
        definition = context[word]
        assert (definition if isinstance(definition, str) else definition["@id"]) == iri
    assert context["claimant"]["@type"] == "@id"
    assert context["year"]["@type"] == "xsd:gYear"
    assert context["confidence"]["@type"] == "xsd:decimal"


def test_plain_graph_and_default_graph(tmp_path):
    graph = Graph()
    graph.add((TGID["actor/a"], RDF.type, TG.State))
    graph.add((TGID["actor/a"], SCHEMA.name, Literal("A")))
    for fmt in FORMATS:
        out = tmp_path / f"plain.{fmt}"
        export(graph, fmt, out)
        assert isomorphic(union_of(parse_back(out, fmt)), graph), fmt
    assert serialize(graph, "nq").endswith(f'<{SCHEMA.name}> "A" .\n')
    document = json.loads(serialize(graph, "jsonld"))
    assert document["@graph"] == [{"id": "tgid:actor/a", "name": "A", "type": "State"}]


def test_blank_nodes_come_out_the_same_on_every_load(tmp_path):
    source = tmp_path / "bnodes.trig"
    source.write_text(
        "@prefix schema: <https://schema.org/> .\n"
        "<urn:g> { <urn:a> schema:author [ schema:name \"X\" ] ; "
        "schema:publisher [ schema:name \"Y\" ] . }\n", encoding="utf-8")
    outputs = set()
    for _ in range(2):
        ds = Dataset(default_union=True)
        ds.parse(source, format="trig")
        outputs.add(tuple(serialize(ds, fmt) for fmt in FORMATS))
    assert len(outputs) == 1


def test_literals_that_need_escaping(tmp_path):
    ds = Dataset(default_union=True)
    g = ds.graph(URIRef("urn:g"))
    s = URIRef("urn:s")
    g.add((s, SCHEMA.text, Literal('line "one"\nline\ttwo \\ end é 香港')))
    g.add((s, SCHEMA.name, Literal("Hong Kong", lang="en")))
    g.add((s, SCHEMA.value, Literal("1e3", datatype=XSD.double)))
    g.add((s, SCHEMA.value, Literal("01", datatype=XSD.integer)))
    g.add((s, TG.year, Literal("2024", datatype=XSD.gYear)))
    for fmt in FORMATS:
        out = tmp_path / f"esc.{fmt}"
        export(ds, fmt, out)
        back = parse_back(out, fmt)
        assert isomorphic(union_of(back), union_of(ds)), fmt


def test_unknown_format_lists_the_formats(dataset, tmp_path):
    out = tmp_path / "graph.xml"
    with pytest.raises(ExportError) as caught:
        export(dataset, "rdfxml", out)
    message = str(caught.value)
    assert "rdfxml" in message
    for fmt in FORMATS:
        assert fmt in message
    assert not out.exists()


def test_failed_write_leaves_no_file(dataset, tmp_path, monkeypatch):
    out = tmp_path / "graph.ttl"

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_module.os, "replace", refuse)
    with pytest.raises(ExportError, match="No space left"):
        export(dataset, "ttl", out)
    assert list(tmp_path.iterdir()) == []


def test_failed_export_keeps_the_previous_file(dataset, tmp_path, monkeypatch):
    out = tmp_path / "graph.nt"
    out.write_text("previous\n", encoding="utf-8")

    def explode(*args, **kwargs):
        raise RuntimeError("serializer failed")

    monkeypatch.setattr(export_module, "_ntriples", explode)
    with pytest.raises(RuntimeError):
        export(dataset, "nt", out)
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nt"]


def test_export_into_a_new_directory(dataset, tmp_path):
    out = tmp_path / "new" / "dir" / "graph.nq"
    export(dataset, "nq", out)
    assert out.read_text(encoding="utf-8") == serialize(dataset, "nq")


def test_export_onto_a_directory_is_an_error(dataset, tmp_path):
    with pytest.raises(ExportError, match="directory"):
        export(dataset, "ttl", tmp_path)
