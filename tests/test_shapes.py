"""The SHACL shapes, checked against small example graphs in tests/shapes/.

Every example file starts with a comment header:

    # shape: tgsh:ClaimShape                      the node shape the example is about
    # <free text saying what the example is / which constraint it breaks>
    # expect: tgsh:Claim-stance sh:MinCountConstraintComponent

``NAME.valid.ttl`` files must conform with no result at all. ``NAME.invalid.ttl`` files must not
conform, and the set of (source shape, constraint) pairs among their results must be exactly the
``expect:`` lines: the expected constraint fires (so a missing or broken shape fails the test) and
nothing else does (so the example breaks only what it says it breaks). The second token of an
``expect:`` line is a constraint component (``sh:...ConstraintComponent``) or, for SPARQL-based
constraints, the IRI of the sh:SPARQLConstraint.

The end of the file checks the library API around the shapes: ``validate`` on a Dataset, the
readable report, and ``graphio.load_graph``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

ROOT = Path(__file__).resolve().parents[1]
try:  # the editable install makes tipgraph importable; fall back to src/ for a bare checkout
    import tipgraph  # noqa: F401
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(ROOT / "src"))

from tipgraph.errors import GraphFileError, ValidationError  # noqa: E402
from tipgraph.graphio import load_graph  # noqa: E402
from tipgraph.resources import project_file  # noqa: E402
from tipgraph.validate import validate  # noqa: E402

EXAMPLES = ROOT / "tests" / "shapes"
SHAPES = ROOT / "ontology" / "shapes.ttl"
ONTOLOGY = ROOT / "ontology" / "tipgraph.ttl"
PREFIXES = {
    "tgsh": "https://w3id.org/tipgraph/shapes#",
    "sh": str(SH),
}

VALID = sorted(EXAMPLES.glob("*.valid.ttl"))
INVALID = sorted(EXAMPLES.glob("*.invalid.ttl"))


def expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


def header(path: Path) -> dict:
    """The ``shape:`` and ``expect:`` lines of an example's leading comment block."""
    shape = None
    expected: set[tuple[str, str]] = set()
    described = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if m := re.match(r"#\s*shape:\s*(\S+)\s*$", line):
            shape = expand(m.group(1))
        elif m := re.match(r"#\s*expect:\s*(\S+)\s+(\S+)\s*$", line):
            expected.add((expand(m.group(1)), expand(m.group(2))))
        elif line.strip("# "):
            described = True
    return {"shape": shape, "expect": expected, "described": described}


def shapes_graph() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def node_shapes(graph: Graph) -> set[str]:
    return {str(s) for s in graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}


def owning_node_shapes(graph: Graph, shape: str) -> set[str]:
    """A node shape owns itself and every property shape it lists with sh:property."""
    node = URIRef(shape)
    if (node, RDF.type, SH.NodeShape) in graph:
        return {shape}
    return {str(s) for s in graph.subjects(SH.property, node)}


def observed(report) -> set[tuple[str, str]]:
    return {(r.shape, r.constraint or r.component) for r in report.results}


# --- the examples ------------------------------------------------------------------------------


def test_examples_exist():
    assert VALID and INVALID


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: p.name)
def test_example_header(path):
    info = header(path)
    assert info["shape"] is not None, f"{path.name}: no '# shape:' line"
    assert info["described"], f"{path.name}: no comment saying what the example shows"
    if path.name.endswith(".invalid.ttl"):
        assert info["expect"], f"{path.name}: no '# expect:' line naming the constraint it breaks"
    else:
        assert not info["expect"], f"{path.name}: a valid example expects no violation"


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_example_conforms(path):
    graph = load_graph(path)
    report = validate(graph)
    assert report.conforms, report.text()
    assert report.results == [], report.text()
    # the example really exercises its shape: it has at least one focus node of that shape
    # (a shape with a SPARQL target, tgsh:SpanShape, targets only nodes that break it: a valid
    # example has none, by design)
    info = header(path)
    sg = shapes_graph()
    ontology = Graph().parse(ONTOLOGY, format="turtle")
    targets = set(sg.objects(URIRef(info["shape"]), SH.targetClass))
    if not targets:
        assert (URIRef(info["shape"]), SH.target, None) in sg
        return
    classes = set(targets)
    for target in targets:
        classes |= set(ontology.transitive_subjects(RDFS.subClassOf, target))
    assert any((None, RDF.type, c) in graph for c in classes), \
        f"{path.name} has no node that {info['shape']} targets"


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_example_breaks_exactly_the_expected_constraint(path):
    report = validate(load_graph(path))
    expected = header(path)["expect"]
    assert not report.conforms, f"{path.name} conforms but should break {sorted(expected)}"
    got = observed(report)
    missing = expected - got
    assert not missing, f"{path.name}: expected violations not reported: {sorted(missing)}\n{report.text()}"
    unexpected = got - expected
    assert not unexpected, f"{path.name}: other constraints fail too: {sorted(unexpected)}\n{report.text()}"
    assert all(r.severity == "Violation" for r in report.results)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_example_expectations_belong_to_its_shape(path):
    sg = shapes_graph()
    info = header(path)
    for shape, _ in info["expect"]:
        assert info["shape"] in owning_node_shapes(sg, shape), \
            f"{path.name}: {shape} is not part of {info['shape']}"


def test_every_node_shape_has_a_valid_and_an_invalid_example():
    declared = node_shapes(shapes_graph())
    with_valid = {header(p)["shape"] for p in VALID}
    with_invalid = {header(p)["shape"] for p in INVALID}
    assert declared - with_valid == set(), "node shapes without a valid example"
    assert declared - with_invalid == set(), "node shapes without an invalid example"
    assert (with_valid | with_invalid) - declared == set(), "examples name shapes that do not exist"


def test_every_sparql_constraint_is_exercised():
    sg = shapes_graph()
    constraints = {str(c) for c in sg.objects(None, SH.sparql)}
    assert constraints
    exercised = {c for p in INVALID for _, c in header(p)["expect"]}
    assert constraints - exercised == set()


def test_a_quote_that_does_not_match_the_text_is_reported():
    report = validate(load_graph(EXAMPLES / "span-quote.invalid.ttl"))
    [result] = report.results
    assert result.constraint == expand("tgsh:SpanExactMatches")
    assert '"Hong Kong officials"' in result.message and '"Hong Kong"' in result.message
    assert result.sentence and result.sentence.startswith("Hong Kong officials rejected")


# --- validate(): datasets, the report, errors ----------------------------------------------------


def test_dataset_is_validated_one_named_graph_at_a_time():
    """Each article's graph must hold what its facts refer to; two articles may spell a shared
    entity's name differently without a conflict."""
    from rdflib import Literal
    from rdflib.namespace import SDO

    source = Graph().parse(EXAMPLES / "claim.valid.ttl", format="turtle")
    named = next(s for s, o in source.subject_objects(SDO.name) if "/actor/" in str(s))
    ds = Dataset(default_union=True)
    first = ds.graph(URIRef("https://w3id.org/tipgraph/id/graph/first"))
    second = ds.graph(URIRef("https://w3id.org/tipgraph/id/graph/second"))
    for s, p, o in source:
        first.add((s, p, o))
        second.add((s, p, Literal(str(o).upper()) if (s, p) == (named, SDO.name) else o))
    report = validate(ds)
    assert report.conforms, report.text()
    # split one article's facts from their evidence: the evidence graph alone does not conform
    annotations = {s for s in source.subjects() if "/annotation/" in str(s)}
    split = Dataset(default_union=True)
    facts = split.graph(URIRef("https://w3id.org/tipgraph/id/graph/facts"))
    evidence = split.graph(URIRef("https://w3id.org/tipgraph/id/graph/evidence"))
    for s, p, o in source:
        (evidence if s in annotations else facts).add((s, p, o))
    assert not validate(split).conforms


def test_report_text_for_a_conforming_graph():
    report = validate(load_graph(EXAMPLES / "claim.valid.ttl"))
    assert report.nodes_checked > 0
    assert report.text().strip().splitlines()[-1] == f"Conforms: yes ({report.nodes_checked} nodes checked)"


def test_report_text_names_node_property_message_and_sentence():
    report = validate(load_graph(EXAMPLES / "claim.invalid.ttl"))
    [result] = report.results
    assert result.focus == "https://w3id.org/tipgraph/id/article/t1/claim/1"
    assert result.path == "tg:stance"
    assert result.severity == "Violation"
    assert result.sentence.startswith("\u201cThe accusations are unfounded")
    text = report.text()
    assert "tg:stance" in text and result.message in text and result.sentence in text
    assert text.strip().splitlines()[-1] == "Does not conform: 1 problem"


def test_report_uses_the_name_as_label():
    report = validate(load_graph(EXAMPLES / "report-year.invalid.ttl"))
    [result] = report.results
    assert result.focus_label == "1850 Trafficking in Persons Report"
    assert result.path == "tg:year"
    assert result.sentence is None
    assert "1850 Trafficking in Persons Report" in report.text()


def test_inverse_path_is_rendered():
    report = validate(load_graph(EXAMPLES / "figure-unannotated.invalid.ttl"))
    assert [r.path for r in report.results] == ["^oa:hasBody"]


def test_unparsable_shapes_raise_validation_error(tmp_path):
    bad = tmp_path / "shapes.ttl"
    bad.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\nthis is not turtle\n")
    with pytest.raises(ValidationError) as caught:
        validate(Graph(), shapes_path=bad)
    assert str(bad) in str(caught.value) and "cannot parse" in str(caught.value)


def test_missing_shapes_raise_validation_error(tmp_path):
    with pytest.raises(ValidationError):
        validate(Graph(), shapes_path=tmp_path / "nope.ttl")


def test_validation_time_stays_reasonable():
    """A few thousand triples (60 copies of the claim example) validate in seconds, not minutes.

    Guards against the two traps met while writing the shapes: pySHACL re-parsing SPARQL per
    focus node, and SPARQL patterns that rdflib answers by scanning the whole graph."""
    import time

    source = Graph().parse(EXAMPLES / "claim.valid.ttl", format="turtle")
    data = Graph()
    article = "https://w3id.org/tipgraph/id/article/t1"
    for n in range(60):
        def copy(term):
            if isinstance(term, URIRef) and str(term).startswith(article):
                return URIRef(str(term).replace(article, f"{article}-{n}"))
            return term
        for s, p, o in source:
            data.add((copy(s), copy(p), copy(o)))
    assert len(data) > 2000
    start = time.perf_counter()
    report = validate(data)
    elapsed = time.perf_counter() - start
    assert report.conforms, report.text()
    assert elapsed < 30, f"validation took {elapsed:.1f}s"


# --- resources and graphio ------------------------------------------------------------------------


def test_project_file_points_at_the_repository():
    assert project_file("ontology/shapes.ttl") == SHAPES
    assert project_file("ontology/tipgraph.ttl").is_file()


@pytest.mark.parametrize("fmt,suffix", [("trig", ".trig"), ("nquads", ".nq"), ("turtle", ".ttl"),
                                        ("nt", ".nt"), ("json-ld", ".jsonld")])
def test_load_graph_reads_every_format(tmp_path, fmt, suffix):
    source = Graph().parse(EXAMPLES / "claim.valid.ttl", format="turtle")
    ds = Dataset()
    graph = ds.graph(URIRef("https://w3id.org/tipgraph/id/graph/t1"))
    for triple in source:
        graph.add(triple)
    path = tmp_path / f"graph{suffix}"
    if fmt in ("turtle", "nt"):
        source.serialize(path, format=fmt, encoding="utf-8")
    else:
        ds.serialize(path, format=fmt, encoding="utf-8")
    loaded = load_graph(path)
    assert isinstance(loaded, Dataset)
    assert len(loaded) == len(source)  # default_union: the union of all graphs
    assert validate(loaded).conforms


def test_load_graph_missing_file(tmp_path):
    with pytest.raises(GraphFileError) as caught:
        load_graph(tmp_path / "missing.trig")
    assert str(tmp_path / "missing.trig") in str(caught.value)


def test_load_graph_syntax_error_is_one_line(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    with pytest.raises(GraphFileError) as caught:
        load_graph(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: cannot parse: ")
    assert "\n" not in message


def test_load_graph_unknown_extension(tmp_path):
    path = tmp_path / "graph.rdfx"
    path.write_text("")
    with pytest.raises(GraphFileError):
        load_graph(path)


def test_load_graph_refuses_remote_jsonld_context(tmp_path):
    path = tmp_path / "remote.jsonld"
    path.write_text(json.dumps({"@context": "https://schema.org/", "@id": "https://example.org/x",
                                "name": "x"}))
    with pytest.raises(GraphFileError) as caught:
        load_graph(path)
    assert "remote JSON-LD context" in str(caught.value)
    nested = tmp_path / "nested.jsonld"
    nested.write_text(json.dumps({"@context": {"@import": "https://example.org/ctx.jsonld"},
                                  "@id": "https://example.org/x"}))
    with pytest.raises(GraphFileError):
        load_graph(nested)


def test_load_graph_reads_jsonld_with_inline_context(tmp_path):
    path = tmp_path / "inline.jsonld"
    path.write_text(json.dumps({"@context": {"schema": "https://schema.org/"},
                                "@id": "https://example.org/x", "schema:name": "x"}))
    assert len(load_graph(path)) == 1
