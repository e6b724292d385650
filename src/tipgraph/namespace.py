"""The vocabularies tipgraph writes, as rdflib namespaces.

``TG`` is closed: it lists exactly the terms defined in ``ontology/tipgraph.ttl`` (a test keeps the
two in step), so a misspelt term fails at import time instead of producing a silent new IRI.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace
from rdflib.term import URIRef

__all__ = ["TG", "TGID", "SCHEMA", "PROV", "OA", "SKOS", "DCTERMS", "RDF", "RDFS", "OWL", "XSD",
           "PREFIXES", "bind_prefixes"]

ONTOLOGY_IRI = "https://w3id.org/tipgraph/ontology"


class TG(DefinedNamespace):
    """Terms of the tipgraph ontology."""

    _fail = True
    _NS = Namespace(ONTOLOGY_IRI + "#")

    # classes
    Article: URIRef
    Actor: URIRef
    State: URIRef
    GovernmentBody: URIRef
    InternationalOrganisation: URIRef
    CivilSocietyOrganisation: URIRef
    MediaOrganisation: URIRef
    Business: URIRef
    Person: URIRef
    AffectedGroup: URIRef
    ActorGroup: URIRef
    Law: URIRef
    Statute: URIRef
    Constitution: URIRef
    ConstitutionalProvision: URIRef
    Bill: URIRef
    ReportSeries: URIRef
    Report: URIRef
    Instrument: URIRef
    Treaty: URIRef
    Protocol: URIRef
    Declaration: URIRef
    Rating: URIRef
    Claim: URIRef
    Stance: URIRef
    AttributionMode: URIRef
    Movement: URIRef
    Figure: URIRef
    MonetaryAmount: URIRef
    Count: URIRef
    TemporalExpression: URIRef
    Source: URIRef
    # reference data and links
    ReferenceSource: URIRef
    ExternalIdentifier: URIRef
    Link: URIRef
    RatingRecord: URIRef
    TreatyEvent: URIRef
    TerritorialApplication: URIRef
    Currency: URIRef

    # individuals
    Asserts: URIRef
    Disputes: URIRef
    Supports: URIRef
    RaisesConcern: URIRef
    StanceScheme: URIRef
    DirectQuotation: URIRef
    ReportedSpeech: URIRef
    Upgrade: URIRef
    Downgrade: URIRef
    Unchanged: URIRef

    # properties: article
    contentHash: URIRef
    # properties: the build record of an article's named graph (tipgraph.build.build_store)
    inputHash: URIRef
    resolutionHash: URIRef
    sourceFile: URIRef
    dateline: URIRef
    # actors
    speaksFor: URIRef
    partOf: URIRef
    # laws, reports, instruments
    jurisdiction: URIRef
    dateEnacted: URIRef
    enactedUnder: URIRef
    restricts: URIRef
    series: URIRef
    year: URIRef
    supplements: URIRef
    appliesTo: URIRef
    doesNotApplyTo: URIRef
    adoptedOn: URIRef
    inForceSince: URIRef
    # ratings
    ratedSubject: URIRef
    ratedIn: URIRef
    tier: URIRef
    previousTier: URIRef
    movement: URIRef
    # claims
    claimant: URIRef
    onBehalfOf: URIRef
    claimText: URIRef
    quotation: URIRef
    stance: URIRef
    attributionMode: URIRef
    reportingVerb: URIRef
    about: URIRef
    disputes: URIRef
    supports: URIRef
    # figures
    valueText: URIRef
    period: URIRef
    purpose: URIRef
    previousFigure: URIRef
    figureOf: URIRef
    # dates
    dateValue: URIRef
    refersTo: URIRef
    # sources
    accessedOn: URIRef
    citationText: URIRef
    # provenance
    property: URIRef
    confidence: URIRef
    sentence: URIRef
    # reference data and links
    referenceFile: URIRef
    referenceLine: URIRef
    downgradeWaived: URIRef
    instrument: URIRef
    eventType: URIRef
    eventDate: URIRef
    party: URIRef
    document: URIRef
    territory: URIRef
    applies: URIRef
    linkSubject: URIRef
    linkTarget: URIRef
    evidence: URIRef
    decision: URIRef


TGID = Namespace("https://w3id.org/tipgraph/id/")
SCHEMA = SDO
OA = Namespace("http://www.w3.org/ns/oa#")

PREFIXES: dict[str, Namespace] = {
    "tg": Namespace(ONTOLOGY_IRI + "#"),
    "tgid": TGID,
    "schema": SCHEMA,
    "prov": PROV,
    "oa": OA,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "xsd": XSD,
    "owl": OWL,
    "rdfs": RDFS,
    "rdf": RDF,
}


def bind_prefixes(graph) -> None:
    """Bind tipgraph's prefixes on an rdflib graph or dataset (replacing rdflib's defaults)."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
