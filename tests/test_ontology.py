"""The ontology (ontology/tipgraph.ttl) and the shapes file, checked as documents.

The ontology must define exactly the tg: terms that ``tipgraph.namespace.TG`` declares, each with
an English label and definition, linked to the vocabularies it reuses as docs/design.md says; the
shapes must only point at classes and terms that exist.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS

ROOT = Path(__file__).resolve().parents[1]
try:  # the editable install makes tipgraph importable; fall back to src/ for a bare checkout
    import tipgraph  # noqa: F401
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(ROOT / "src"))

from tipgraph.namespace import TG  # noqa: E402

ONTOLOGY = ROOT / "ontology" / "tipgraph.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/tipgraph/ontology")
TGNS = "https://w3id.org/tipgraph/ontology#"
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # a plain Namespace: rdflib's XSD warns when pytest probes it


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def tg(name: str) -> URIRef:
    return URIRef(TGNS + name)


def declared_terms() -> set[str]:
    return set(TG.__annotations__)


def defined_terms(onto: Graph) -> set[str]:
    """tg: IRIs that the ontology types (class, property or individual)."""
    return {str(s)[len(TGNS):] for s in set(onto.subjects(RDF.type, None))
            if isinstance(s, URIRef) and str(s).startswith(TGNS)}


def used_terms(graph: Graph) -> set[str]:
    return {str(t)[len(TGNS):] for triple in graph for t in triple
            if isinstance(t, URIRef) and str(t).startswith(TGNS)}


# --- the ontology -------------------------------------------------------------------------------


def test_ontology_parses(onto):
    assert len(onto) > 0


def test_ontology_metadata(onto):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license):
        assert onto.value(ONTOLOGY_IRI, prop) is not None, prop


def test_defined_terms_are_exactly_the_namespace(onto):
    defined = defined_terms(onto)
    declared = declared_terms()
    assert defined - declared == set(), "defined in the ontology but missing from namespace.TG"
    assert declared - defined == set(), "declared in namespace.TG but not defined in the ontology"


def test_no_undefined_tg_term_is_used(onto):
    assert used_terms(onto) - defined_terms(onto) == set()


@pytest.mark.parametrize("name", sorted(declared_terms()))
def test_every_term_has_one_english_label_and_definition(onto, name):
    term = tg(name)
    for prop, shortest in ((RDFS.label, 3), (SKOS.definition, 30)):
        values = list(onto.objects(term, prop))
        assert len(values) == 1, f"tg:{name} needs exactly one {prop}"
        assert isinstance(values[0], Literal) and values[0].language == "en"
        assert len(str(values[0]).strip()) >= shortest


def test_every_term_has_a_kind(onto):
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual}
    for name in declared_terms():
        types = set(onto.objects(tg(name), RDF.type))
        assert types & kinds, f"tg:{name} is neither class, property nor individual"
        is_property = bool(types & {OWL.ObjectProperty, OWL.DatatypeProperty})
        assert name[0].islower() == is_property, f"tg:{name}: lower-case names are properties"


def test_object_and_datatype_properties_are_disjoint(onto):
    objects = set(onto.subjects(RDF.type, OWL.ObjectProperty))
    datatypes = set(onto.subjects(RDF.type, OWL.DatatypeProperty))
    assert objects & datatypes == set()


@pytest.mark.parametrize("sub,sup", [
    ("Article", SCHEMA.Article), ("Actor", PROV.Agent), ("Person", SCHEMA.Person),
    ("Person", "Actor"), ("State", "Actor"), ("GovernmentBody", "Actor"),
    ("InternationalOrganisation", "Actor"), ("CivilSocietyOrganisation", "Actor"),
    ("MediaOrganisation", "Actor"), ("AffectedGroup", "Actor"), ("ActorGroup", "Actor"),
    ("Law", SCHEMA.Legislation), ("Statute", "Law"), ("Constitution", "Law"),
    ("ConstitutionalProvision", "Law"), ("Bill", "Law"),
    ("ReportSeries", SCHEMA.CreativeWorkSeries), ("Report", SCHEMA.Report),
    ("Instrument", SCHEMA.Legislation), ("Treaty", "Instrument"), ("Protocol", "Instrument"),
    ("Declaration", "Instrument"), ("Stance", SKOS.Concept),
    ("MonetaryAmount", "Figure"), ("MonetaryAmount", SCHEMA.MonetaryAmount), ("Count", "Figure"),
    ("Source", SCHEMA.CreativeWork),
])
def test_subclass_links(onto, sub, sup):
    sup = sup if isinstance(sup, URIRef) else tg(sup)
    assert (tg(sub), RDFS.subClassOf, sup) in onto


def test_speaks_for_specialises_acted_on_behalf_of(onto):
    assert (tg("speaksFor"), RDFS.subPropertyOf, PROV.actedOnBehalfOf) in onto


def test_individuals(onto):
    for name in ("Asserts", "Disputes", "Supports", "RaisesConcern"):
        assert (tg(name), RDF.type, tg("Stance")) in onto
        assert (tg(name), RDF.type, SKOS.Concept) in onto
        assert (tg(name), SKOS.inScheme, tg("StanceScheme")) in onto
    assert (tg("StanceScheme"), RDF.type, SKOS.ConceptScheme) in onto
    for name in ("DirectQuotation", "ReportedSpeech"):
        assert (tg(name), RDF.type, tg("AttributionMode")) in onto
    for name in ("Upgrade", "Downgrade", "Unchanged"):
        assert (tg(name), RDF.type, tg("Movement")) in onto


@pytest.mark.parametrize("prop,domain,range_", [
    ("speaksFor", "Person", "Actor"), ("ratedSubject", "Rating", "Actor"),
    ("ratedIn", "Rating", "Report"), ("tier", "Rating", SKOS.Concept),
    ("previousTier", "Rating", SKOS.Concept), ("movement", "Rating", "Movement"),
    ("series", "Report", "ReportSeries"), ("claimant", "Claim", "Actor"),
    ("stance", "Claim", "Stance"), ("attributionMode", "Claim", "AttributionMode"),
    ("supplements", "Instrument", "Instrument"), ("figureOf", "Figure", "Actor"),
    ("previousFigure", "Figure", "Figure"), ("year", None, XSD.gYear),
    ("adoptedOn", "Instrument", XSD.date), ("inForceSince", "Instrument", XSD.date),
    ("accessedOn", "Source", XSD.date), ("confidence", OA.Annotation, XSD.decimal),
    ("sentence", OA.Annotation, XSD.string), ("contentHash", "Article", XSD.string),
])
def test_domains_and_ranges(onto, prop, domain, range_):
    if domain is not None:
        domain = domain if isinstance(domain, URIRef) else tg(domain)
        assert onto.value(tg(prop), RDFS.domain) == domain
    range_ = range_ if isinstance(range_, URIRef) else tg(range_)
    assert onto.value(tg(prop), RDFS.range) == range_


def union_members(onto: Graph, node) -> set:
    assert isinstance(node, BNode)
    return set(onto.items(onto.value(node, OWL.unionOf)))


def test_union_domains_and_ranges(onto):
    assert union_members(onto, onto.value(tg("jurisdiction"), RDFS.domain)) == {tg("Law"), tg("Report")}
    assert union_members(onto, onto.value(tg("year"), RDFS.domain)) == {tg("Report"), tg("Rating")}
    for prop in ("disputes", "supports"):
        assert union_members(onto, onto.value(tg(prop), RDFS.range)) == {
            tg("Claim"), tg("Report"), tg("Rating"), tg("Law")}
    for prop in ("dateEnacted", "dateValue"):
        assert union_members(onto, onto.value(tg(prop), RDFS.range)) == {
            XSD.date, XSD.gYearMonth, XSD.gYear}


def test_external_terms_are_referenced_not_redefined(onto):
    redefining = {RDFS.label, SKOS.definition, RDFS.comment, RDFS.domain, RDFS.range,
                  RDFS.subClassOf, RDFS.subPropertyOf}
    for s in set(onto.subjects()):
        if isinstance(s, URIRef) and not str(s).startswith(TGNS) and s != ONTOLOGY_IRI:
            assert not set(onto.predicates(s)) & redefining, f"{s} is redefined"
    assert (SCHEMA.name, RDFS.isDefinedBy, URIRef("https://schema.org/")) in onto


def test_named_individuals_are_not_linked_in_cycles(onto):
    """pySHACL deep-copies each owl:NamedIndividual of the ontology into the data graph and
    follows links between individuals; a cycle (e.g. skos:hasTopConcept next to
    skos:topConceptOf) made that copy take minutes."""
    individuals = set(onto.subjects(RDF.type, OWL.NamedIndividual))
    edges = {i: {o for o in onto.objects(i, None) if o in individuals and o != i} for i in individuals}
    visiting, done = set(), set()

    def visit(node, trail):
        assert node not in visiting, f"cycle between individuals: {trail + [node]}"
        if node in done:
            return
        visiting.add(node)
        for nxt in edges[node]:
            visit(nxt, trail + [node])
        visiting.discard(node)
        done.add(node)

    for individual in individuals:
        visit(individual, [])


# --- the shapes ---------------------------------------------------------------------------------


def test_shapes_parse(shapes):
    assert len(shapes) > 0


def test_target_classes_exist_in_the_ontology(onto, shapes):
    for cls in shapes.objects(None, SH.targetClass):
        if str(cls).startswith(TGNS):
            assert (cls, RDF.type, OWL.Class) in onto, f"sh:targetClass {cls} is not in the ontology"
        else:
            assert (cls, RDF.type, OWL.Class) in onto, f"external class {cls} is not declared"


def test_classes_and_terms_used_by_the_shapes_exist(onto, shapes):
    for cls in shapes.objects(None, SH["class"]):
        assert (cls, RDF.type, OWL.Class) in onto, f"sh:class {cls} is not a class of the ontology"
    assert used_terms(shapes) - defined_terms(onto) == set()


def test_every_tg_class_with_instances_has_a_node_shape(shapes):
    targeted = {str(c)[len(TGNS):] for c in shapes.objects(None, SH.targetClass)
                if str(c).startswith(TGNS)}
    assert {"Article", "Actor", "Person", "Law", "ReportSeries", "Report", "Instrument", "Rating",
            "Claim", "Figure", "MonetaryAmount", "Count", "TemporalExpression",
            "Source"} <= targeted
    external = set(shapes.objects(None, SH.targetClass)) - {tg(n) for n in targeted}
    assert {OA.Annotation, OA.SpecificResource, OA.TextPositionSelector,
            OA.TextQuoteSelector} <= external


def test_shapes_are_documented(shapes):
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        assert shapes.value(shape, SH.name) is not None, shape
        assert shapes.value(shape, SH.description) is not None, shape
    for shape in shapes.subjects(RDF.type, SH.PropertyShape):
        assert shapes.value(shape, SH.name) is not None, shape
        has_message = shapes.value(shape, SH.message) is not None
        only_sparql = set(shapes.predicates(shape)) & {SH.minCount, SH.maxCount, SH.datatype,
                                                       SH["class"], SH.pattern, SH["in"]} == set()
        assert has_message or only_sparql, f"{shape} has no sh:message"
    for constraint in shapes.objects(None, SH.sparql):
        assert shapes.value(constraint, SH.message) is not None, constraint
        assert shapes.value(constraint, SH.select) is not None, constraint


def test_every_property_shape_is_used(shapes):
    used = set(shapes.objects(None, SH.property))
    declared = set(shapes.subjects(RDF.type, SH.PropertyShape))
    assert declared - used == set()
