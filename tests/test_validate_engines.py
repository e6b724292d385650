"""pySHACL and pyshacl-turbo give the same verdicts on tipgraph's shapes.

``validate(..., engine=...)`` runs pySHACL (the reference), pyshacl-turbo, or ``auto`` (turbo where
it agrees, pySHACL for the rest; see the documentation of tipgraph.validate). Here the engines are
compared on every example of tests/shapes/ (valid and invalid), on the seed article's graph (with
its reference and links graphs), and on copies of that graph broken in the ways the shapes
catch: same ``conforms`` and the same set of results compared on (focus, path, severity,
constraint component, value); ``auto`` gives exactly pySHACL's report, word for word. Then the
pieces that make turbo agree: the parentheses made explicit in SPARQL arithmetic (checked
against exact arithmetic evaluated by turbo itself), the split of shapes between engines, and
the fall-backs.
"""

from __future__ import annotations

import random
import re
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH, XSD

import tipgraph.validate as validation
from tipgraph.errors import ValidationError
from tipgraph.graphio import load_graph
from tipgraph.namespace import OA, SCHEMA, TG
from tipgraph.resources import project_file
from tipgraph.validate import explicit_associativity, turbo_available, validate

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "tests" / "shapes").glob("*.ttl"))
INVALID = [p for p in EXAMPLES if p.name.endswith(".invalid.ttl")]
SHAPES = ROOT / "ontology" / "shapes.ttl"
TGSH = Namespace("https://w3id.org/tipgraph/shapes#")
TGID = Namespace("https://w3id.org/tipgraph/id/")


def keys(report) -> set[tuple]:
    """What the engines must agree on, one tuple per result: focus node, path, severity,
    constraint component and value, and for a SPARQL constraint which one it is."""
    return {(r.focus, r.path, r.severity, r.component, r.value, r.constraint)
            for r in report.results}


def assert_agree(data, what: str) -> None:
    reference = validate(data, engine="pyshacl", cross_article=False)
    turbo = validate(data, engine="turbo", cross_article=False)
    assert turbo.conforms == reference.conforms, f"{what}: conforms differs"
    only_py = keys(reference) - keys(turbo)
    only_turbo = keys(turbo) - keys(reference)
    assert not only_py and not only_turbo, \
        f"{what}: only pySHACL: {sorted(only_py)}\nonly turbo: {sorted(only_turbo)}"
    auto = validate(data, engine="auto", cross_article=False)
    assert auto == reference, \
        f"{what}: auto differs from pySHACL\n{auto.text()}\n---\n{reference.text()}"
    assert auto.text() == reference.text()


def test_turbo_is_installed():
    """pyshacl-turbo is a dependency of tipgraph: without it the comparisons below mean
    nothing (auto would silently be pySHACL)."""
    assert turbo_available()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_engines_agree_on_every_example(path):
    assert_agree(load_graph(path), path.name)


# --- the seed article ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> Dataset:
    """The seed article's graph, linked (so with tgid:graph/reference and tgid:graph/links)."""
    from tipgraph.build import build_dataset
    from tipgraph.link import link
    from tipgraph.reference import load_reference

    dataset = build_dataset([project_file("data/articles/000_df495ebb58d21c9e.txt")])
    link(dataset, load_reference())
    return dataset


def article_graph(dataset: Dataset) -> Graph:
    name = next(g.identifier for g in dataset.graphs()
                if "/graph/" in str(g.identifier) and (None, RDF.type, TG.Article) in g)
    return dataset.graph(name)


def test_engines_agree_on_the_seed_article(seed):
    names = {str(g.identifier).rsplit("/", 1)[-1] for g in seed.graphs() if len(g)}
    assert {"reference", "links"} <= names
    report = validate(seed, engine="turbo", cross_article=False)
    assert report.nodes_checked > 500
    assert_agree(seed, "seed")


def _copy_of(graph: Graph) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy


def _first(graph: Graph, cls) -> URIRef:
    return sorted(graph.subjects(RDF.type, cls), key=str)[0]


def break_spans(graph: Graph) -> Graph:
    """Shift one position selector by a character and change one prefix: the quote, prefix and
    suffix checks (the SPARQL constraints with arithmetic) must fire."""
    broken = _copy_of(graph)
    selectors = sorted(broken.subjects(RDF.type, OA.TextPositionSelector), key=str)
    start = broken.value(selectors[3], OA.start)
    broken.set((selectors[3], OA.start, Literal(int(start) + 1, datatype=XSD.nonNegativeInteger)))
    quotes = sorted((q for q in broken.subjects(RDF.type, OA.TextQuoteSelector)
                     if broken.value(q, OA.prefix) is not None), key=str)
    broken.set((quotes[5], OA.prefix, Literal("not the text before")))
    return broken


def break_facts(graph: Graph) -> Graph:
    """Facts with a missing stance, a year out of range, a nameless actor, a lower-case
    currency, a missing end offset."""
    broken = _copy_of(graph)
    claim = _first(broken, TG.Claim)
    broken.remove((claim, TG.stance, None))
    report = _first(broken, TG.Report)
    broken.set((report, TG.year, Literal("1850", datatype=XSD.gYear)))
    actor = _first(broken, TG.State)
    broken.remove((actor, SCHEMA.name, None))
    amount = _first(broken, TG.MonetaryAmount)
    broken.set((amount, SCHEMA.currency, Literal("hkd")))
    position = _first(broken, OA.TextPositionSelector)
    broken.remove((position, OA.end, None))
    return broken


def break_evidence(graph: Graph) -> Graph:
    """A fact whose annotation is gone, a span past the end of the text, an annotation whose
    body comes from another article."""
    broken = _copy_of(graph)
    figure = _first(broken, TG.MonetaryAmount)
    for annotation in list(broken.subjects(OA.hasBody, figure)):
        broken.remove((annotation, OA.hasBody, figure))
    selectors = sorted(broken.subjects(RDF.type, OA.TextPositionSelector), key=str)
    broken.set((selectors[7], OA.end, Literal(10 ** 6, datatype=XSD.nonNegativeInteger)))
    claim = _first(broken, TG.Claim)
    broken.set((claim, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
                TGID["article/some-other-article"]))
    return broken


@pytest.mark.parametrize("breaker", [break_spans, break_facts, break_evidence],
                         ids=lambda f: f.__name__)
def test_engines_agree_on_a_broken_seed_article(seed, breaker):
    broken = breaker(article_graph(seed))
    report = validate(broken, engine="pyshacl")
    assert not report.conforms
    assert len(report.results) >= 2
    assert_agree(broken, breaker.__name__)


# --- why turbo needs explicit parentheses --------------------------------------------------------


def test_span_constraints_are_the_ones_rewritten():
    """Only the span checks with ``?start - ?n + 1`` have chains to make explicit; every other
    SPARQL text of the shapes goes to turbo as it is."""
    shapes = Graph().parse(SHAPES, format="turtle")
    changed = set()
    for node, text in shapes.subject_objects(SH.select):
        rewritten = explicit_associativity(str(text))
        if rewritten != str(text):
            changed.add(node)
            assert "(?start - " in rewritten
    assert changed == {TGSH.SpanPrefixMatches, TGSH.AnnotationsWithSpanProblems}


QUERIES = [
    "SELECT (1 - 2 + 3 AS ?x) (2 * 3 / 4 * 5 AS ?y) (-1 - -2 - 3 AS ?z) WHERE { ?s <p>/<q>* ?o }",
    "SELECT $this WHERE { $this <p> ?a . FILTER (?a - ?b + ?c > ?d * ?e / ?f || NOT EXISTS "
    "{ ?a <q> (1 -2 -3) FILTER (?x -1 -2 = 0) }) } ORDER BY DESC(?a - ?b - ?c) ?d",
    'SELECT (COUNT(*) AS ?n) (GROUP_CONCAT(DISTINCT STR(?x + 1 - 2); separator=",") AS ?g) '
    "WHERE { BIND (SUBSTR(?s, ?a - STRLEN(?p) + 1) AS ?q) } GROUP BY (?a - ?b - ?c AS ?k) "
    "HAVING (COUNT(*) - 1 - 1 > 0)",
    # a comment with - and + and a string "1 - 2 + 3" are not expressions
    'PREFIX ex: <http://ex/>\nSELECT * WHERE { # 1 - 2 + 3\n ?s ex:p "1 - 2 + 3" ; ex:q ?v .'
    " FILTER (ex:f(?v, 1 - 2 - 3) && ?v IN (1 - 1 - 1, 2) && ?v NOT IN (3 * 3 / 3)) }",
]


@pytest.mark.parametrize("query", QUERIES)
def test_rewrite_only_adds_parentheses(query):
    from rdflib.plugins.sparql import prepareQuery

    rewritten = explicit_associativity(query)
    assert rewritten != query
    assert re.sub(r"[()]", "", rewritten) == re.sub(r"[()]", "", query)
    assert explicit_associativity(rewritten) == rewritten        # nothing left to make explicit
    prepareQuery(rewritten)                                      # still SPARQL


def test_rewrite_leaves_patterns_and_simple_expressions_alone():
    query = ('SELECT ?a WHERE { ?a <p>/<q>+/^<r> ?b ; <s> (1 -2 -3) . '
             'FILTER (?b - 1 > 2 && ?c * 2 = 4) BIND (?b + 1 AS ?d) }')
    assert explicit_associativity(query) == query


def test_rewrite_refuses_what_it_cannot_read():
    with pytest.raises(ValueError):
        explicit_associativity("SELECT ?a WHERE { FILTER (?a - ) }")
    with pytest.raises(ValueError):
        explicit_associativity("SELECT ?a WHERE { ?a <p> ?b ")


def _random_expression(rng: random.Random, depth: int = 0) -> tuple:
    if depth > 3 or rng.random() < 0.25:
        return ("n", rng.randint(1, 9))
    if rng.random() < 0.1:
        return ("neg", _random_expression(rng, depth + 1))
    return (rng.choice("+-*/"), _random_expression(rng, depth + 1),
            _random_expression(rng, depth + 1))


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def _render(node, parent: int = 0, right: bool = False) -> str:
    """Standard SPARQL with as few parentheses as the grammar needs (left associativity)."""
    if node[0] == "n":
        return str(node[1])
    if node[0] == "neg":
        inner = node[1]
        return f"-{inner[1]}" if inner[0] == "n" else f"-({_render(inner)})"
    op = node[0]
    text = f"{_render(node[1], _PRECEDENCE[op])} {op} {_render(node[2], _PRECEDENCE[op], True)}"
    needs = _PRECEDENCE[op] < parent or (right and _PRECEDENCE[op] == parent)
    return f"({text})" if needs else text


def _value(node) -> Fraction:
    """Exact value. ZeroDivisionError (the case is not used) also where turbo's xsd:decimal
    arithmetic gives an error instead of a value, which is not what this test is about: a value
    that is not a decimal of at most six places (turbo keeps 18 and fails beyond), a decimal
    times zero."""
    if node[0] == "n":
        return Fraction(node[1])
    if node[0] == "neg":
        return -_value(node[1])
    a, b = _value(node[1]), _value(node[2])
    if node[0] == "/" and b == 0:
        raise ZeroDivisionError
    if node[0] == "*" and 0 in (a, b) and (a.denominator > 1 or b.denominator > 1):
        raise ZeroDivisionError
    value = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else 0}[node[0]]
    if 10 ** 6 % value.denominator:
        raise ZeroDivisionError
    return value


def test_turbo_computes_rewritten_arithmetic_exactly():
    """Random arithmetic, written with only the parentheses SPARQL needs, rewritten, evaluated by
    pyshacl-turbo: the values of exact arithmetic (left to right)."""
    import pyshacl_turbo

    rng = random.Random(20240624)
    cases = []
    while len(cases) < 60:
        node = _random_expression(rng)
        try:
            expected = _value(node)
        except ZeroDivisionError:
            continue
        text = _render(node)
        if re.search(r"[-+*/].*[-+*/]", text):          # at least two operators
            cases.append((text, expected))
    branches = " UNION ".join(f"{{ BIND ({text} AS ?value) BIND ({i} AS ?i) }}"
                              for i, (text, _) in enumerate(cases))
    query = f"SELECT $this ?value ?i WHERE {{ $this <http://ex/p> ?o . {branches} }}"
    shapes = Graph()
    shape, constraint = URIRef("http://ex/S"), URIRef("http://ex/C")
    shapes.add((shape, RDF.type, SH.NodeShape))
    shapes.add((shape, SH.targetNode, URIRef("http://ex/a")))
    shapes.add((shape, SH.sparql, constraint))
    shapes.add((constraint, SH.message, Literal("{?i}")))
    shapes.add((constraint, SH.select, Literal(explicit_associativity(query))))
    data = Graph()
    data.add((URIRef("http://ex/a"), URIRef("http://ex/p"), Literal(1)))
    _, report, _ = pyshacl_turbo.validate(data, shacl_graph=shapes, advanced=True)
    got = {int(str(report.value(r, SH.resultMessage))): Decimal(str(report.value(r, SH.value)))
           for r in report.subjects(RDF.type, SH.ValidationResult)}
    assert len(got) == len(cases)
    for i, (text, expected) in enumerate(cases):
        assert got[i] == Decimal(expected.numerator) / Decimal(expected.denominator), \
            f"{text} = {float(expected)}, turbo {got[i]}"


# --- splitting the shapes between the engines --------------------------------------------------


def _forced_split(names: set):
    """A validation plan that sends the named top-level shapes to pySHACL, the rest to turbo."""
    validation._engine_cache.clear()
    return validation._engines(SHAPES, "auto", frozenset(URIRef(n) for n in names))


def _run_plan(engines, data) -> "validation.ValidationReport":
    units = [validation._Unit(str(g.identifier), graph=g)
             for g in sorted(data.graphs(), key=lambda g: str(g.identifier)) if len(g)]
    return validation._combine(validation._run(units, engines, 1), [], engines)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_a_split_of_the_shapes_gives_pyshacls_report(path):
    """Each example validated with its own shape on pySHACL and every other shape on turbo, and
    the other way round: the merged report is pySHACL's."""
    shapes = Graph().parse(SHAPES, format="turtle")
    tops = sorted(str(s) for s in validation._top_level_shapes(shapes))
    shape = next(line.split(":", 1)[1].strip() for line in path.read_text().splitlines()
                 if line.startswith("# shape:"))
    own = str(TGSH[shape.split(":", 1)[1]])
    data = load_graph(path)
    reference = validate(data, engine="pyshacl", cross_article=False)
    try:
        for to_pyshacl in ({own}, set(tops) - {own}):
            engines = _forced_split(to_pyshacl)
            assert engines.turbo is not None and engines.pyshacl_shapes is not None
            assert {s for s, e in engines.routes.items() if e == "pyshacl"} == to_pyshacl
            assert _run_plan(engines, data) == reference
    finally:
        validation._engine_cache.clear()


def test_auto_sends_every_shape_to_turbo_today():
    validation._engine_cache.clear()
    engines = validation._engines(SHAPES, "auto")
    assert engines.turbo is not None and engines.pyshacl_shapes is None
    assert engines.routes and set(engines.routes.values()) == {"turbo"}


def test_a_shape_whose_sparql_cannot_be_rewritten_goes_to_pyshacl(tmp_path):
    """A SPARQL text the rewrite cannot read (here a malformed one) sends the shapes that reach
    it to pySHACL in auto, the others still go to turbo; pySHACL then reports the problem."""
    shapes = Graph().parse(SHAPES, format="turtle")
    odd = TGSH.OddConstraint
    shapes.add((TGSH.ClaimShape, SH.sparql, odd))
    shapes.add((odd, RDF.type, SH.SPARQLConstraint))
    shapes.add((odd, SH.message, Literal("never")))
    shapes.add((odd, SH.select, Literal(
        "SELECT $this WHERE { $this <https://w3id.org/tipgraph/ontology#stance> ?s . "
        "FILTER (?s - 1 - 2 ? 3) }")))
    path = tmp_path / "shapes.ttl"
    shapes.serialize(path, format="turtle")
    try:
        validation._engine_cache.clear()
        engines = validation._engines(path, "auto")
        assert engines.routes[str(TGSH.ClaimShape)] == "pyshacl"
        assert sum(e == "turbo" for e in engines.routes.values()) > 10
        with pytest.raises(ValidationError) as caught:
            validate(load_graph(ROOT / "tests" / "shapes" / "claim.valid.ttl"), path)
        assert "cannot use the shapes" in str(caught.value)
    finally:
        validation._engine_cache.clear()


# --- fall-backs ----------------------------------------------------------------------------------


def test_without_turbo_auto_is_pyshacl_and_turbo_is_an_error(monkeypatch):
    data = load_graph(ROOT / "tests" / "shapes" / "claim.invalid.ttl")
    reference = validate(data, engine="pyshacl")
    monkeypatch.setitem(sys.modules, "pyshacl_turbo", None)      # import fails
    monkeypatch.setattr(validation, "_engine_cache", {})
    assert not turbo_available()
    assert validate(data) == reference
    assert validation._engines(SHAPES, "auto").turbo is None
    with pytest.raises(ValidationError) as caught:
        validate(data, engine="turbo")
    message = str(caught.value)
    assert "pyshacl-turbo" in message and "\n" not in message


def test_unknown_engine_is_an_error():
    with pytest.raises(ValidationError) as caught:
        validate(Graph(), engine="fast")
    assert "fast" in str(caught.value) and "auto" in str(caught.value)


def test_a_graph_turbo_cannot_read_goes_to_pyshacl_in_auto():
    """rdflib accepts an IRI with a space; N-Triples (what turbo reads) does not."""
    data = load_graph(ROOT / "tests" / "shapes" / "claim.invalid.ttl")
    graph = next(g for g in data.graphs() if len(g))
    graph.add((URIRef("https://w3id.org/tipgraph/id/odd iri"), SCHEMA.name, Literal("odd")))
    reference = validate(data, engine="pyshacl")
    assert validate(data, engine="auto") == reference
    with pytest.raises(ValidationError) as caught:
        validate(data, engine="turbo")
    assert "pyshacl-turbo failed" in str(caught.value) and "\n" not in str(caught.value)


# --- where the engines differ beyond the examples --------------------------------------------


def test_known_difference_an_ill_formed_year():
    """``"20x4"^^xsd:gYear`` is not a year. Turbo says so (sh:datatype, as the SHACL and XSD
    specifications want); rdflib does not check gYear literals, so pySHACL does not. Both report
    the year check of tgsh:YearInRange. auto keeps turbo's stricter verdict."""
    data = load_graph(ROOT / "tests" / "shapes" / "report.valid.ttl")
    graph = next(g for g in data.graphs() if len(g))
    report_node = TGID["report/tip-2024"]
    graph.set((report_node, TG.year, Literal("20x4", datatype=XSD.gYear)))
    reference = {(r.shape, r.constraint or r.component)
                 for r in validate(data, engine="pyshacl").results}
    turbo = {(r.shape, r.constraint or r.component)
             for r in validate(data, engine="turbo").results}
    year_range = (str(TGSH["year-range"]), str(TGSH.YearInRange))
    datatype = (str(TGSH.year), str(SH.DatatypeConstraintComponent))
    assert reference == {year_range}
    assert turbo == {year_range, datatype}
    assert {(r.shape, r.constraint or r.component)
            for r in validate(data, engine="auto").results} == turbo
