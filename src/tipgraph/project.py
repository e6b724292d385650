"""The people's view of a tipgraph dataset: a networkx graph of who and what, without the plumbing.

:func:`project` turns the RDF dataset into a :class:`networkx.MultiDiGraph` that a person can read
and that graph tools (Gephi, Cytoscape, the interactive HTML, the static pictures, the statistics)
work on:

- **nodes** are the actors (every ``tg:Actor`` class, article-local people and groups included),
  laws, report series, reports, international instruments, ratings and claims, identified by their
  full IRI. Articles, annotations, selectors, activities, mappers, figures, dates, sources, tiers
  and literals are not nodes: what they say becomes attributes of the nodes they are about;
- **edges** carry one of the relations of :data:`RELATIONS` (the networkx edge key is the
  relation), e.g. ``claimant -claims-> claim -disputes-> report``.

Node attributes (the interactive view and the exchange formats rely on these names):

``kind``        one of :data:`KINDS` ("Actor", "Law", "ReportSeries", "Report", "Instrument",
                "Rating", "Claim")
``type``        the most specific tg class, local name ("State", "Person", "Protocol", ...)
``label``       a short readable name (a rating: "Ruritania: Tier 2 (2024)"; a claim:
                "claimant: the first words of its text")
``names``       sorted names and aliases
``articles``    sorted ids of the articles the node comes from
``facts``       sorted, deduplicated ``[property, value]`` pairs: the node's own properties as
                prefixed names (``tg:stance``, ``tg:jurisdiction``, ``schema:identifier`` as
                ``scheme:value``, ``owl:sameAs`` ...) with readable values (literal text or the
                label of the node pointed to), and the records about the node under their class
                name: ``tg:MonetaryAmount`` / ``tg:Count`` (figures, ``tg:figureOf``),
                ``tg:TemporalExpression`` (dates, ``tg:refersTo``), ``tg:RatingRecord`` (tier
                history from the reference data), ``tg:TreatyEvent`` and
                ``tg:TerritorialApplication`` (treaty records)
``evidence``    up to :data:`MAX_EVIDENCE` dicts ``{article, sentence, exact, start, end}`` from the
                annotations whose body is the node, sorted by article and start
``confidence``  the highest ``tg:confidence`` of those annotations, or None

Edge attributes: ``relation``, ``emphasis`` (True for disputes, supports and does-not-apply-to)
and ``articles`` (sorted ids of the articles that state it; empty for reference data).

``project(dataset, reference=False)`` leaves out the reference data, the links and included files
(``tgid:graph/reference``, ``tgid:graph/links``, ``tgid:graph/include/...``): only what the
articles say.

The projection is deterministic (nodes and edges are added in sorted order). It is assembled from
one :class:`Part` per named graph (:func:`graph_part`, one pass over the graph, no SPARQL), merged
by :func:`assemble`; builds into an embedded store keep each article graph's part, so
:func:`project_store` reads small records instead of the whole corpus. The evidence is looked up
afterwards (:func:`add_evidence`), for the nodes that need it.

:func:`neighbourhood` cuts out the surroundings of one node, :func:`cap` keeps the most important
nodes of a graph too big to draw.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import networkx as nx
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, SKOS
from rdflib.term import Node

from .errors import TipgraphError
from .namespace import OA, PREFIXES, SCHEMA, TG, TGID

__all__ = ["KINDS", "RELATIONS", "EMPHASIS", "KIND_COLOURS", "EMPHASIS_COLOUR", "KIND_SHAPES_DOT",
           "MAX_EVIDENCE", "ProjectionError", "Part", "graph_part", "dataset_parts", "assemble",
           "project", "project_store", "keep_views", "add_evidence", "neighbourhood", "cap",
           "totals", "resolve_node", "short_iri"]

KINDS: tuple[str, ...] = ("Actor", "Law", "ReportSeries", "Report", "Instrument", "Rating", "Claim")
"""The kinds of node, in the order legends list them."""

RELATIONS: tuple[str, ...] = (
    "claims", "about", "disputes", "supports", "on-behalf-of", "rates", "rated-in", "series",
    "published-by", "jurisdiction", "speaks-for", "part-of", "enacted-under", "restricts",
    "supplements", "applies-to", "does-not-apply-to",
)
"""The relations edges carry (the edge key)."""

EMPHASIS: frozenset[str] = frozenset({"disputes", "supports", "does-not-apply-to"})
"""Relations drawn so that they stand out."""

KIND_COLOURS: dict[str, str] = {
    "Actor": "#56B4E9",         # sky blue
    "Law": "#E69F00",           # orange
    "ReportSeries": "#CC79A7",  # reddish purple
    "Report": "#F0E442",        # yellow
    "Instrument": "#009E73",    # bluish green
    "Rating": "#D55E00",        # vermilion
    "Claim": "#D9D9D9",         # light grey
}
"""One colour per kind (Okabe-Ito, safe for colour-blind readers), shared by the pictures and the
exchange formats."""

EMPHASIS_COLOUR = "#C0392B"
"""The colour of disputes, supports and does-not-apply-to edges."""

KIND_SHAPES_DOT: dict[str, str] = {
    "Actor": "ellipse", "Law": "house", "ReportSeries": "folder", "Report": "note",
    "Instrument": "hexagon", "Rating": "octagon", "Claim": "box",
}
"""Graphviz node shapes per kind."""

MAX_EVIDENCE = 20
"""Most evidence entries kept per node (spread over the node's articles)."""

CLAIM_LABEL_CHARS = 80
"""How much of a claim's text its label shows."""

LONG_NAME = 40
"""A name longer than this is replaced in the label by the shortest readable alias."""


class ProjectionError(TipgraphError):
    """A node asked for is not in the graph (or the name is ambiguous)."""


_TG = str(PREFIXES["tg"])
_TGID = str(TGID)

# tg class -> kind; the base class of each kind last (less specific)
_CLASS_KIND: dict[URIRef, str] = {}
_BASE_CLASSES = {TG.Actor, TG.Law, TG.Instrument}
for _cls in (TG.State, TG.GovernmentBody, TG.InternationalOrganisation, TG.CivilSocietyOrganisation,
             TG.MediaOrganisation, TG.Business, TG.Person, TG.AffectedGroup, TG.ActorGroup,
             TG.Actor):
    _CLASS_KIND[_cls] = "Actor"
for _cls in (TG.Statute, TG.Constitution, TG.ConstitutionalProvision, TG.Bill, TG.Law):
    _CLASS_KIND[_cls] = "Law"
for _cls in (TG.Treaty, TG.Protocol, TG.Declaration, TG.Instrument):
    _CLASS_KIND[_cls] = "Instrument"
_CLASS_KIND[TG.ReportSeries] = "ReportSeries"
_CLASS_KIND[TG.Report] = "Report"
_CLASS_KIND[TG.Rating] = "Rating"
_CLASS_KIND[TG.Claim] = "Claim"
# when a node has classes of two kinds (should not happen), the first kind here wins
_KIND_PRIORITY = {"Claim": 0, "Rating": 1, "Report": 2, "ReportSeries": 3, "Instrument": 4,
                  "Law": 5, "Actor": 6}

# predicate -> (relation, reversed?) for edges between nodes
_EDGE_PREDICATES: dict[URIRef, tuple[str, bool]] = {
    TG.claimant: ("claims", True),
    TG.about: ("about", False),
    TG.disputes: ("disputes", False),
    TG.supports: ("supports", False),
    TG.onBehalfOf: ("on-behalf-of", False),
    TG.ratedSubject: ("rates", False),
    TG.ratedIn: ("rated-in", False),
    TG.series: ("series", False),
    SCHEMA.publisher: ("published-by", False),
    TG.jurisdiction: ("jurisdiction", False),
    TG.speaksFor: ("speaks-for", False),
    TG.partOf: ("part-of", False),
    TG.enactedUnder: ("enacted-under", False),
    TG.restricts: ("restricts", False),
    TG.supplements: ("supplements", False),
    TG.appliesTo: ("applies-to", False),
    TG.doesNotApplyTo: ("does-not-apply-to", False),
}

# properties shown as facts of the node they belong to (edges too: a fact names the other end)
_FACT_PREDICATES: tuple[URIRef, ...] = (
    TG.stance, TG.reportingVerb, TG.quotation, TG.claimText, TG.attributionMode, TG.claimant,
    TG.onBehalfOf, TG.about, TG.disputes, TG.supports, TG.tier, TG.previousTier, TG.movement,
    TG.year, TG.ratedSubject, TG.ratedIn, TG.jurisdiction, TG.dateEnacted, TG.enactedUnder,
    TG.restricts, TG.partOf, TG.speaksFor, TG.series, TG.supplements, TG.appliesTo,
    TG.doesNotApplyTo, TG.adoptedOn, TG.inForceSince, SCHEMA.jobTitle, SCHEMA.affiliation,
    SCHEMA.publisher, SCHEMA.datePublished, SCHEMA.url, OWL.sameAs,
)
_NAME_PREDICATES = (SCHEMA.name, SKOS.prefLabel, SKOS.altLabel, SCHEMA.alternateName)

_GRAPH_PREFIX = _TGID + "graph/"
_ARTICLE_PREFIX = _TGID + "article/"
_REFERENCE_GRAPHS = {_GRAPH_PREFIX + "reference", _GRAPH_PREFIX + "links"}
_INCLUDE_PREFIX = _GRAPH_PREFIX + "include/"

_NAMESPACES = sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda x: -len(x[1]))


# ------------------------------------------------------------------------------------------------
# Small helpers
# ------------------------------------------------------------------------------------------------

def short_iri(iri: str) -> str:
    """``prefix:local`` for an IRI in one of tipgraph's namespaces, else the IRI."""
    for prefix, ns in _NAMESPACES:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _expand(name: str) -> str:
    """The full IRI of a prefixed name (``tgid:actor/hong-kong``), else ``name`` unchanged."""
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return str(PREFIXES[prefix]) + local
    return name


def _article_id(iri: str) -> str | None:
    """The article id of an article IRI (``tgid:article/{id}``), else None."""
    if iri.startswith(_ARTICLE_PREFIX):
        rest = iri[len(_ARTICLE_PREFIX):]
        if rest and "/" not in rest:
            return rest
    return None


def _graph_article(graph: str) -> str | None:
    """The article id of an article's named graph (``tgid:graph/{id}``), else None."""
    if graph.startswith(_GRAPH_PREFIX) and graph not in _REFERENCE_GRAPHS:
        rest = graph[len(_GRAPH_PREFIX):]
        if rest and "/" not in rest:
            return rest
    return None


def _is_reference_graph(graph: str) -> bool:
    """Whether ``graph`` holds reference data, links or an included file (not an article)."""
    return graph in _REFERENCE_GRAPHS or graph.startswith(_INCLUDE_PREFIX)


def _text(term: Node) -> str:
    """A literal's text with runs of white space as one space."""
    return " ".join(str(term).split())


def _local(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1]
    return iri


def _shorten_text(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.") + "…"


def _decimal_text(term: Node) -> str:
    text = str(term)
    if "." in text and isinstance(term, Literal):
        text = text.rstrip("0").rstrip(".")
    return text


# ------------------------------------------------------------------------------------------------
# What one named graph contributes: a Part
# ------------------------------------------------------------------------------------------------

Key = tuple[str, str]
"""A term as ``(rdflib class name, text)``: how parts keep terms (small, picklable, ordered the
way the projection orders terms)."""

_RECORD_CLASSES = frozenset({TG.MonetaryAmount, TG.Count, TG.Figure, TG.TemporalExpression,
                             TG.RatingRecord, TG.TreatyEvent, TG.TerritorialApplication})
_REFERENCE_RECORDS = (TG.RatingRecord, TG.TreatyEvent, TG.TerritorialApplication)
_CLASS_KIND_IRI = {str(c): kind for c, kind in _CLASS_KIND.items()}
_BASE_CLASS_IRIS = {str(c) for c in _BASE_CLASSES}
_MAIN_NAMES = {short_iri(str(p)) for p in (SCHEMA.name, SKOS.prefLabel)}
_FIRSTS = (TG.ratedSubject, TG.tier, TG.year, TG.claimant, TG.claimText, TG.quotation)
_STATEMENT_PREDICATES = _FACT_PREDICATES + tuple(p for p in _EDGE_PREDICATES
                                                 if p not in _FACT_PREDICATES)
_RELATION_OF = {short_iri(str(p)): relation for p, relation in _EDGE_PREDICATES.items()}


def _key(term: Node) -> Key:
    return (type(term).__name__, str(term))


@dataclass
class Part:
    """What one named graph contributes to the projection, with IRIs and terms as text.

    The projection of a dataset is :func:`assemble` over the parts of its graphs, so a part can
    be computed once, when the graph is built, and kept (:func:`save_part`): drawing a corpus of
    thousands of articles then reads these small records instead of every annotation again.
    What depends on other graphs (which IRIs are nodes, labels, which node wins a name) is left
    to :func:`assemble`."""

    graph: str
    typed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """node IRI -> the tg classes that make it a node here"""
    names: dict[str, set[tuple]] = field(default_factory=dict)
    """IRI -> {(name predicate, text, language, datatype)}"""
    firsts: dict[str, dict[str, Key]] = field(default_factory=dict)
    """label predicate -> subject -> its smallest object"""
    statements: set[tuple[str, str, Key]] = field(default_factory=set)
    """(subject, predicate, object) of the fact and edge predicates"""
    identifiers: set[tuple[str, str]] = field(default_factory=set)
    """(subject, "scheme:value")"""
    record_facts: set[tuple[str, str, str]] = field(default_factory=set)
    """(owner, record class, text): figures and dates"""
    reference_records: set[tuple] = field(default_factory=set)
    """tier history, treaty events and territorial applications (label keys unresolved)"""
    derived: set[tuple[str, str]] = field(default_factory=set)
    """(subject, article id) of prov:wasDerivedFrom"""
    annotated: dict[str, tuple[float | None, frozenset[str]]] = field(default_factory=dict)
    """annotation body -> (highest confidence, articles of its annotations)"""


class _Index:
    """The triples of one graph by predicate, from one pass."""

    def __init__(self, triples: Iterable[tuple[Node, Node, Node]]):
        by: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        for s, p, o in triples:
            by[p].append((s, o))
        self.by = by

    def triples(self, predicate: URIRef) -> list[tuple[Node, Node]]:
        return self.by.get(predicate, [])

    def pairs(self, predicate: URIRef) -> dict[Node, set[Node]]:
        out: dict[Node, set[Node]] = defaultdict(set)
        for s, o in self.triples(predicate):
            out[s].add(o)
        return out

    def single(self, predicate: URIRef) -> dict[Node, Node]:
        """subject -> one object (the smallest, when there are several)."""
        out: dict[Node, Node] = {}
        for s, o in self.triples(predicate):
            if s not in out or _key(o) < _key(out[s]):
                out[s] = o
        return out


def graph_part(graph: str, triples: Iterable[tuple[Node, Node, Node]]) -> Part:
    """The :class:`Part` of the named graph ``graph`` (its IRI; ``""`` for a graph without a
    name) whose statements are ``triples`` (an rdflib Graph will do)."""
    index = _Index(triples)
    part = Part(str(graph))

    classes: dict[str, set[str]] = defaultdict(set)
    record_type: dict[Node, URIRef] = {}
    for s, o in index.triples(RDF.type):
        if not isinstance(s, URIRef):
            continue
        if o in _CLASS_KIND:
            classes[str(s)].add(str(o))
        elif o in _RECORD_CLASSES:
            current = record_type.get(s)  # a figure's specific class wins over tg:Figure
            if current is None or current == TG.Figure or (o != TG.Figure and str(o) < str(current)):
                record_type[s] = o
    part.typed = {iri: tuple(sorted(found)) for iri, found in classes.items()}

    for predicate in _NAME_PREDICATES:
        short = short_iri(str(predicate))
        for s, o in index.triples(predicate):
            if isinstance(o, Literal):
                part.names.setdefault(str(s), set()).add(
                    (short, str(o), o.language, str(o.datatype) if o.datatype else None))
    for predicate in _FIRSTS:
        part.firsts[short_iri(str(predicate))] = {
            str(s): _key(o) for s, o in index.single(predicate).items()}
    for predicate in _STATEMENT_PREDICATES:
        short = short_iri(str(predicate))
        for s, o in index.triples(predicate):
            part.statements.add((str(s), short, _key(o)))

    identifiers = index.triples(SCHEMA.identifier)
    if identifiers:
        prop_id, value = index.single(SCHEMA.propertyID), index.single(SCHEMA.value)
        for s, o in identifiers:
            if o in prop_id and o in value:
                part.identifiers.add((str(s), f"{prop_id[o]}:{value[o]}"))

    _figure_facts(index, part.record_facts, record_type)
    _date_facts(index, part.record_facts)
    _reference_records(index, part.reference_records, record_type)

    for s, o in index.triples(PROV.wasDerivedFrom):
        article = _article_id(str(o))
        if article:
            part.derived.add((str(s), article))

    bodies = index.triples(OA.hasBody)
    if bodies:
        target, source = index.single(OA.hasTarget), index.single(OA.hasSource)
        confidence_of = index.single(TG.confidence)
        found: dict[str, tuple[float | None, set[str]]] = {}
        for ann, body in bodies:
            best, articles = found.setdefault(str(body), (None, set()))
            conf = confidence_of.get(ann)
            if conf is not None:
                value = float(conf.toPython())
                if best is None or value > best:
                    best = value
            spec = target.get(ann)
            article = _article_id(str(source[spec])) if spec in source else None
            if article:
                articles.add(article)
            found[str(body)] = (best, articles)
        part.annotated = {body: (best, frozenset(articles))
                          for body, (best, articles) in found.items()}
    return part


def _figure_facts(index: _Index, out: set, record_type) -> None:
    figure_of = index.pairs(TG.figureOf)
    if not figure_of:
        return
    value = index.single(SCHEMA.value)
    currency = index.single(SCHEMA.currency)
    unit = index.single(SCHEMA.unitText)
    period = index.single(TG.period)
    purpose = index.single(TG.purpose)
    value_text = index.single(TG.valueText)
    for figure, owners in figure_of.items():
        kind = record_type.get(figure)
        prop = short_iri(str(kind)) if kind in (TG.MonetaryAmount, TG.Count) else "tg:Figure"
        amount = _decimal_text(value[figure]) if figure in value else \
            _text(value_text.get(figure, Literal("?")))
        parts = [p for p in (_text(currency[figure]) if figure in currency else "", amount,
                             _text(unit[figure]) if figure in unit else "") if p]
        detail = [_text(x[figure]) for x in (period, purpose) if figure in x]
        text = " ".join(parts) + (f" ({', '.join(detail)})" if detail else "")
        for owner in owners:
            out.add((str(owner), prop, text))


def _date_facts(index: _Index, out: set) -> None:
    refers = index.pairs(TG.refersTo)
    if not refers:
        return
    date_value = index.single(TG.dateValue)
    for date, targets in refers.items():
        if date in date_value:
            for target in targets:
                out.add((str(target), "tg:TemporalExpression", _text(date_value[date])))


def _reference_records(index: _Index, out: set, record_type) -> None:
    records = [s for s, t in record_type.items() if t in _REFERENCE_RECORDS]
    if not records:
        return
    subject = index.single(TG.ratedSubject)
    tier = index.single(TG.tier)
    year = index.single(TG.year)
    waived = index.single(TG.downgradeWaived)
    instrument = index.single(TG.instrument)
    event_type = index.single(TG.eventType)
    event_date = index.single(TG.eventDate)
    party = index.single(TG.party)
    territory = index.single(TG.territory)
    applies = index.single(TG.applies)
    description = index.single(SCHEMA.description)
    for record in records:
        kind = record_type[record]
        if kind == TG.RatingRecord and record in subject:
            out.add(("tg:RatingRecord", str(subject[record]), str(year.get(record, "?")),
                     _key(tier[record]) if record in tier else None,
                     record in waived and waived[record].toPython() is True))
        elif kind == TG.TreatyEvent and record in instrument:
            out.add(("tg:TreatyEvent", str(instrument[record]),
                     f"{event_date.get(record, '?')} {event_type.get(record, 'event')}",
                     _key(party[record]) if record in party else None))
        elif kind == TG.TerritorialApplication and record in instrument and record in territory:
            out.add(("tg:TerritorialApplication", str(instrument[record]),
                     _key(territory[record]),
                     record in applies and applies[record].toPython() is True,
                     _text(description[record]) if record in description else None))


def dataset_parts(dataset) -> list[Part]:
    """The parts of every graph of ``dataset`` (an rdflib Dataset or ConjunctiveGraph: one per
    named graph; a plain Graph: one)."""
    if hasattr(dataset, "graph_triples"):  # a store's view
        return [graph_part(str(g.identifier), dataset.graph_triples(g.identifier))
                for g in sorted(dataset.graphs(), key=lambda g: str(g.identifier))]
    if hasattr(dataset, "quads") and hasattr(dataset, "graphs"):
        graphs = sorted(dataset.graphs(), key=lambda g: str(g.identifier))
        return [graph_part(str(g.identifier), g.triples((None, None, None))) for g in graphs
                if len(g)]
    if hasattr(dataset, "contexts"):
        graphs = sorted(dataset.contexts(), key=lambda g: str(g.identifier))
        return [graph_part(str(g.identifier), g.triples((None, None, None))) for g in graphs]
    return [graph_part("", dataset.triples((None, None, None)))]


# ------------------------------------------------------------------------------------------------
# The projection
# ------------------------------------------------------------------------------------------------

def project(dataset, *, reference: bool = True, evidence: bool = True) -> nx.MultiDiGraph:
    """Project a tipgraph dataset (an rdflib Dataset, ConjunctiveGraph or Graph) onto a
    :class:`networkx.MultiDiGraph` of actors, laws, report series, reports, instruments, ratings
    and claims (see the module's docstring for the attributes). ``reference=False`` uses only the
    articles' named graphs; ``evidence=False`` leaves the evidence lists empty (fill them later,
    for the nodes kept, with :func:`add_evidence`)."""
    G = assemble(dataset_parts(dataset), reference=reference)
    if evidence:
        add_evidence(G, dataset, reference=reference)
    return G


def project_store(store, *, reference: bool = True, evidence: bool = True,
                  max_nodes: int | None = None) -> nx.MultiDiGraph:
    """:func:`project` of a :class:`tipgraph.store.Store`, the same graph; with ``max_nodes``,
    that graph cut down by :func:`cap` (its ``graph`` attributes ``nodes_total`` and
    ``edges_total`` say how big it was).

    On an embedded store the projection is assembled from the parts its builds kept (a graph
    without one is read and its part computed) and is itself kept in the store's ``projection``
    folder, and so is each cut-down version asked for, named by a digest of every part they
    were made from: the next call with the same graphs in the store reads one file. The
    evidence is then looked up for the nodes returned. Other stores are read whole."""
    from .store import OxigraphStore

    if not isinstance(store, OxigraphStore) or store.projection is None:
        dataset = store.dataset()
        G = project(dataset, reference=reference, evidence=False)
        if max_nodes is not None:
            G, _ = cap(G, max_nodes)
        return add_evidence(G, dataset, reference=reference) if evidence else G
    G = _StoreViews(store, reference).get(max_nodes)
    return add_evidence(G, store.view(), reference=reference) if evidence else G


def keep_views(store, caps: Iterable[int] = ()) -> None:
    """Assemble and keep the view of an embedded store (with the reference data), and its
    versions cut down to each of ``caps`` nodes, unless they are kept already."""
    views = _StoreViews(store, True)
    views.get(None)
    for n in caps:
        views.get(n)


class _StoreViews:
    """The kept projections of an embedded store as it is now."""

    def __init__(self, store, reference: bool):
        self.store, self.reference = store, reference
        self.sources = _part_sources(store)
        view = store.view()
        self.computed = {name: graph_part(name, view.graph_triples(URIRef(name)))
                         for name, key in self.sources if key is None}
        digest = hashlib.sha256(f"{_PART_VERSION}\n{reference}\n".encode())
        for name, key in self.sources:
            digest.update(f"{name} {key or _part_digest(self.computed[name])}\n".encode())
        self.kind = "view-all" if reference else "view-articles"
        self.stem = f"{self.kind}-{digest.hexdigest()}"
        self._full: nx.MultiDiGraph | None = None

    def _path(self, max_nodes: int | None) -> Path:
        suffix = f"-cap{max_nodes}" if max_nodes is not None else ""
        return Path(self.store.projection) / f"{self.stem}{suffix}.pickle"

    def get(self, max_nodes: int | None) -> nx.MultiDiGraph:
        if max_nodes is not None:
            G = _load_pickle(self._path(max_nodes), nx.MultiDiGraph)
            if G is None:
                G, _ = cap(self.get(None), max_nodes)
                self._keep(self._path(max_nodes), G)
            return G
        if self._full is None:
            self._full = _load_pickle(self._path(None), nx.MultiDiGraph)
            if self._full is None:
                # the parts are read from their files as assembling goes, twice, one at a time
                self._full = assemble(lambda: iter_store_parts(self.store, self.sources,
                                                               self.computed),
                                      reference=self.reference)
                self._keep(self._path(None), self._full)
        return self._full

    def _keep(self, path: Path, G: nx.MultiDiGraph) -> None:
        """Keep ``G`` for the next reader, in place of the views of older states of the store;
        a store that cannot be written to is simply not helped."""
        from .export import write_atomically

        try:
            write_atomically(path, pickle.dumps(G, protocol=pickle.HIGHEST_PROTOCOL))
            for older in path.parent.glob(f"{self.kind}-*.pickle"):
                if not older.name.startswith(self.stem):
                    older.unlink(missing_ok=True)
        except OSError:
            pass


def assemble(parts: Iterable[Part] | Callable[[], Iterable[Part]], *,
             reference: bool = True) -> nx.MultiDiGraph:
    """The projection of the graphs whose parts are ``parts`` (any order), evidence lists empty.
    ``reference=False`` leaves out the parts of the reference data, links and included files.

    ``parts`` is read twice (first what names the nodes, then what is said about them). Given a
    function that returns the parts afresh each time (read from files one by one), no more than
    one part is in memory at a time: what a store's view of a large corpus is assembled from.
    """
    if callable(parts):
        source = parts
    else:
        kept = list(parts)
        source = lambda: kept   # noqa: E731

    def each() -> Iterator[Part]:
        for part in source():
            if reference or not _is_reference_graph(part.graph):
                yield part

    # 1. nodes: IRIs typed with a tg entity class, the graphs that type them; names of
    #    everything that may be pointed to; the first values that ratings and claims are named by
    classes: dict[str, set[str]] = defaultdict(set)
    graphs_of: dict[str, set[str]] = defaultdict(set)
    literals: dict[str, set[tuple]] = defaultdict(set)
    firsts: dict[str, dict[str, Key]] = defaultdict(dict)
    for part in each():
        for iri, found in part.typed.items():
            classes[iri].update(found)
            graphs_of[iri].add(part.graph)
        for iri, found in part.names.items():
            literals[iri].update(found)
        for predicate, found in part.firsts.items():
            merged = firsts[predicate]
            for s, key in found.items():
                if s not in merged or key < merged[s]:
                    merged[s] = key
    kind_of: dict[str, str] = {}
    type_of: dict[str, str] = {}
    for node, cls in classes.items():
        kinds = sorted({_CLASS_KIND_IRI[c] for c in cls}, key=_KIND_PRIORITY.__getitem__)
        kind = kinds[0]
        own = [c for c in cls if _CLASS_KIND_IRI[c] == kind]
        specific = sorted(_local(c) for c in own if c not in _BASE_CLASS_IRIS) or \
            sorted(_local(c) for c in own)
        kind_of[node] = kind
        type_of[node] = specific[0]
    del classes
    nodes = set(kind_of)

    # 2. names and labels
    names: dict[str, set[str]] = defaultdict(set)
    main_name: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for iri, found in literals.items():
        for predicate, value, _language, _datatype in found:
            text = _text(value)
            if text:
                names[iri].add(text)
                if predicate in _MAIN_NAMES:
                    main_name[iri][text] += 1
    del literals

    def name_of(iri: str) -> str:
        counts = main_name.get(iri)
        if counts:
            return min(counts, key=lambda t: (-counts[t], len(t), t))
        if iri.startswith(_TG):  # tg:RaisesConcern -> "raises concern"
            return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", _local(iri)).lower()
        return short_iri(iri)

    labels: dict[str, str] = {iri: _short_label(name_of(iri), names.get(iri, ())) for iri in nodes}

    def label_of(key: Key) -> str:
        if key[0] == "Literal":
            return _text(key[1])
        return labels[key[1]] if key[1] in labels else name_of(key[1])

    # labels of ratings and claims (they name other nodes)
    for iri in sorted(nodes):
        if kind_of[iri] == "Rating":
            labels[iri] = _rating_label(iri, firsts, label_of)
    for iri in sorted(nodes):
        if kind_of[iri] == "Claim":
            labels[iri] = _claim_label(iri, firsts, label_of)
    del firsts

    # 3. the properties of the nodes: edges and facts; records about them (figures, dates, tier
    #    history, treaty events, applications); the articles that derive or annotate them and
    #    the highest confidence of those annotations
    facts: dict[str, set[tuple[str, str]]] = defaultdict(set)
    edges: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    articles: dict[str, set[str]] = defaultdict(set)
    confidence: dict[str, float] = {}
    for part in each():
        article = _graph_article(part.graph)
        for subject, predicate, key in part.statements:
            if subject not in nodes:
                continue
            facts[subject].add((predicate, label_of(key)))
            relation = _RELATION_OF.get(predicate)
            if relation is not None and key[0] == "URIRef" and key[1] in nodes:
                name, backwards = relation
                u, v = (key[1], subject) if backwards else (subject, key[1])
                if u == v:
                    continue
                if name == "published-by" and kind_of[subject] not in ("Report", "ReportSeries"):
                    continue
                bucket = edges[(u, v, name)]
                if article:
                    bucket.add(article)
        for owner, prop, text in part.record_facts:
            if owner in nodes:
                facts[owner].add((prop, text))
        if reference:
            for subject, text in part.identifiers:
                if subject in nodes:
                    facts[subject].add(("schema:identifier", text))
            for record in part.reference_records:
                _reference_fact(record, nodes, facts, edges, label_of)
        for s, derived_in in part.derived:
            if s in nodes:
                articles[s].add(derived_in)
        for body, (best, found) in part.annotated.items():
            if body in nodes:
                articles[body].update(found)
                if best is not None and (body not in confidence or best > confidence[body]):
                    confidence[body] = best

    # 4. an entity only the reference data knows is kept when an article's entity points to it
    #    (the territory an instrument does not apply to), not for its own sake (the earlier
    #    editions of a report series that only tier-history records name)
    from_articles = {iri for iri in nodes
                     if any(not _is_reference_graph(g) for g in graphs_of[iri])}
    if from_articles != nodes:
        wanted = set(from_articles)
        wanted.update(v for (u, v, _r) in edges if u in from_articles)
        nodes = wanted
        for key in [k for k in edges if k[0] not in nodes or k[1] not in nodes]:
            del edges[key]

    # 5. the articles of the graphs that type a node
    for iri, graphs in graphs_of.items():
        for g in graphs:
            found_in = _graph_article(g)
            if found_in:
                articles[iri].add(found_in)

    # 6. the graph, in sorted order
    graph = nx.MultiDiGraph()
    for iri in sorted(nodes):
        graph.add_node(
            iri,
            kind=kind_of[iri],
            type=type_of[iri],
            label=labels[iri],
            names=sorted(names.get(iri, ())),
            articles=sorted(articles.get(iri, ())),
            facts=[list(f) for f in sorted(facts.get(iri, ()))],
            evidence=[],
            confidence=confidence.get(iri),
        )
    for (u, v, relation) in sorted(edges):
        graph.add_edge(u, v, key=relation, relation=relation, emphasis=relation in EMPHASIS,
                       articles=sorted(edges[(u, v, relation)]))
    return graph


def _reference_fact(record: tuple, nodes, facts, edges, label_of) -> None:
    kind, owner = record[0], record[1]
    if owner not in nodes:
        return
    if kind == "tg:RatingRecord":
        _kind, _owner, year, tier, waived = record
        text = f"{year}: {label_of(tier) if tier is not None else '?'}"
        if waived:
            text += " (downgrade waived)"
        facts[owner].add((kind, text))
    elif kind == "tg:TreatyEvent":
        _kind, _owner, text, party = record
        if party is not None:
            text += f" ({label_of(party)})"
        facts[owner].add((kind, text))
    else:
        _kind, _owner, territory, applied, description = record
        text = f"{label_of(territory)}: {'applies' if applied else 'does not apply'}"
        if description is not None:
            text += f" ({description})"
        facts[owner].add((kind, text))
        where = territory[1]
        if where in nodes and where != owner:
            edges.setdefault((owner, where, "applies-to" if applied else "does-not-apply-to"),
                             set())


def _short_label(name: str, aliases: Iterable[str]) -> str:
    """``name``, or for a long name the shortest readable alias (not an abbreviation)."""
    if len(name) <= LONG_NAME:
        return name
    readable = [a for a in aliases
                if 8 <= len(a) < len(name) and any(c.islower() for c in a)]
    if readable:
        return min(readable, key=lambda a: (len(a), a))
    return _shorten_text(name, LONG_NAME)


def _rating_label(rating: str, firsts, label_of) -> str:
    subject = firsts["tg:ratedSubject"].get(rating)
    tier = firsts["tg:tier"].get(rating)
    year = firsts["tg:year"].get(rating)
    text = label_of(subject) if subject is not None else short_iri(rating)
    if tier is not None:
        text += f": {label_of(tier)}"
    if year is not None:
        text += f" ({year[1]})"
    return text


def _claim_label(claim: str, firsts, label_of) -> str:
    claimant = firsts["tg:claimant"].get(claim)
    said = firsts["tg:claimText"].get(claim)
    if said is None:
        said = firsts["tg:quotation"].get(claim)
    who = label_of(claimant) if claimant is not None else "unknown"
    what = _shorten_text(said[1], CLAIM_LABEL_CHARS) if said is not None else _local(claim)
    return f"{who}: {what}"


# ------------------------------------------------------------------------------------------------
# Evidence: looked up for the nodes that need it
# ------------------------------------------------------------------------------------------------

def add_evidence(G: nx.MultiDiGraph, source, *, reference: bool = True) -> nx.MultiDiGraph:
    """Fill the ``evidence`` list of every node of ``G`` from ``source`` (the dataset ``G`` was
    projected from, or a store's :meth:`~tipgraph.store.OxigraphStore.view`): up to
    :data:`MAX_EVIDENCE` entries, sorted by article and offset, taken in turn from the first
    articles (by id) that annotate the node. Looks up only the annotations of these nodes, so a
    capped view of a large corpus costs little. Returns ``G``."""
    lookup = source if hasattr(source, "object_keys_many") else _DatasetLookup(source)
    # 1. the annotations of each node that can give an entry: _spread takes entries in turn
    #    from each article in order, so only those of the first MAX_EVIDENCE articles can (an
    #    annotation is in the graph of the article it annotates)
    wanted: dict[str, list[str]] = {}
    for node in G:
        groups: dict[str, set[str]] = defaultdict(set)
        for ann, graph in lookup.subject_graphs(_HAS_BODY, node):
            if reference or not _is_reference_graph(graph):
                groups[_graph_article(graph) or ""].add(ann)
        chosen = sorted(groups)[:MAX_EVIDENCE + (1 if "" in groups else 0)]
        wanted[node] = sorted({a for g in chosen for a in groups[g]})
    # 2. what they say, three lookups in all: annotations, their targets, the selectors
    found: dict[tuple[str, str], list[Key]] = {}
    anns = {a for found_anns in wanted.values() for a in found_anns}
    found.update(lookup.object_keys_many(anns, (_HAS_TARGET, _SENTENCE)))
    targets = {t[1] for a in anns for t in found.get((a, _HAS_TARGET), ()) if t[0] == "URIRef"}
    found.update(lookup.object_keys_many(targets, (_HAS_SOURCE, _HAS_SELECTOR)))
    selectors = {s[1] for t in targets for s in found.get((t, _HAS_SELECTOR), ())
                 if s[0] == "URIRef"}
    found.update(lookup.object_keys_many(selectors, (_START, _END, _EXACT)))
    # 3. the entries
    for node in G:
        G.nodes[node]["evidence"] = _evidence_entries(wanted[node], found)
    return G


class _DatasetLookup:
    """The lookups :func:`add_evidence` makes, on an rdflib Dataset or Graph (a store's view
    makes them itself, without rdflib terms)."""

    def __init__(self, dataset):
        self.dataset = dataset
        self.named = hasattr(dataset, "quads") and hasattr(dataset, "graphs")

    def object_keys_many(self, subjects, predicates) -> dict[tuple[str, str], list[Key]]:
        out: dict[tuple[str, str], list[Key]] = {}
        for s in subjects:
            for p in predicates:
                objects = [_key(o) for o in self.dataset.objects(URIRef(s), URIRef(p))]
                if objects:
                    out[(s, p)] = objects
        return out

    def subject_graphs(self, predicate: str, obj: str) -> list[tuple[str, str]]:
        pattern = (None, URIRef(predicate), URIRef(obj))
        if not self.named:
            return [(str(s), "") for s, _p, _o in self.dataset.triples(pattern)
                    if isinstance(s, URIRef)]
        return [(str(s), _graph_of(g)) for s, _p, _o, g in self.dataset.quads((*pattern, None))
                if isinstance(s, URIRef)]


def _graph_of(g) -> str:
    return str(getattr(g, "identifier", g)) if g is not None else ""


_HAS_BODY, _HAS_TARGET, _HAS_SOURCE, _HAS_SELECTOR = (str(OA.hasBody), str(OA.hasTarget),
                                                      str(OA.hasSource), str(OA.hasSelector))
_START, _END, _EXACT, _SENTENCE = str(OA.start), str(OA.end), str(OA.exact), str(TG.sentence)


def _evidence_entries(anns: list[str], found: dict[tuple[str, str], list[Key]]) -> list[dict]:
    """The evidence entries of a node from its annotations ``anns``, each value the smallest
    one (what :meth:`_Index.single` picks)."""
    def first(subject: Key | None, predicate: str) -> Key | None:
        if subject is None or subject[0] != "URIRef":
            return None
        values = found.get((subject[1], predicate))
        return min(values) if values else None

    entries: set[tuple] = set()
    for ann in anns:
        target = first(("URIRef", ann), _HAS_TARGET)
        origin = first(target, _HAS_SOURCE)
        article = _article_id(origin[1]) if origin is not None else None
        begin = stop = None
        quote = None
        selectors = found.get((target[1], _HAS_SELECTOR), []) if target is not None else []
        for selector in selectors:
            start = first(selector, _START)
            if start is not None:
                end = first(selector, _END)
                begin, stop = int(start[1]), int(end[1]) if end is not None else None
            exact = first(selector, _EXACT)
            if exact is not None:
                quote = exact[1]
        if article is None and begin is None:
            continue
        sentence = first(("URIRef", ann), _SENTENCE)
        entries.add((article or "", begin if begin is not None else -1,
                     stop if stop is not None else -1, quote or "",
                     sentence[1] if sentence is not None else ""))
    return [{"article": a, "sentence": sent, "exact": q, "start": b, "end": e}
            for a, b, e, q, sent in _spread(sorted(entries), MAX_EVIDENCE)]


def _spread(items: list[tuple], limit: int) -> list[tuple]:
    """At most ``limit`` of the sorted ``items``, taken in turn from each article; sorted."""
    if len(items) <= limit:
        return items
    by_article: dict[str, list[tuple]] = defaultdict(list)
    for item in items:
        by_article[item[0]].append(item)
    chosen: list[tuple] = []
    queues = [by_article[a] for a in sorted(by_article)]
    i = 0
    while len(chosen) < limit:
        progressed = False
        for queue in queues:
            if i < len(queue) and len(chosen) < limit:
                chosen.append(queue[i])
                progressed = True
        if not progressed:
            break
        i += 1
    return sorted(chosen)


# ------------------------------------------------------------------------------------------------
# Parts kept with a store
# ------------------------------------------------------------------------------------------------

def part_key(input_hash: str, resolution_hash: str) -> str:
    """The name of the kept part of an article graph built from these digests (and this
    version of the projection)."""
    return hashlib.sha256(f"{_PART_VERSION}\n{input_hash}\n{resolution_hash}".encode()).hexdigest()


def _part_path(folder: Path, key: str) -> Path:
    return Path(folder) / key[:2] / f"{key}.pickle"


def save_part(folder: Path, key: str, part: Part) -> None:
    """Keep ``part`` under ``folder`` (written whole or not at all)."""
    from .export import write_atomically

    path = _part_path(folder, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))


def load_part(folder: Path, key: str) -> Part | None:
    """The part kept under ``key``, or None when there is none (or it cannot be read)."""
    return _load_pickle(_part_path(folder, key), Part)


def prune_parts(folder: Path, keep: set[str]) -> int:
    """Delete the kept parts not named in ``keep``; how many were deleted."""
    removed = 0
    if not Path(folder).is_dir():
        return 0
    for path in sorted(Path(folder).glob("*/*.pickle")):
        if path.stem not in keep:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _part_sources(store) -> list[tuple[str, str | None]]:
    """(graph IRI, the key of its kept part or None) of every named graph of an embedded
    store; only the article graphs its builds wrote have a key."""
    from .build import stored_records

    records = stored_records(store)
    return [(str(name), part_key(*records[name]) if name in records else None)
            for name in store.graph_names()]


def store_parts(store, sources=None, computed=None) -> list[Part]:
    """The parts of every named graph of an embedded store: those its builds kept, the others
    (graphs written some other way, or kept by an older tipgraph) computed from the graph."""
    return list(iter_store_parts(store, sources, computed))


def iter_store_parts(store, sources=None, computed=None) -> Iterator[Part]:
    """:func:`store_parts` one at a time, each read from its file when its turn comes; a part
    computed from its graph is remembered in ``computed`` (a dict, graph name -> part), so that
    reading them all again computes nothing twice."""
    view = store.view()
    computed = computed if computed is not None else {}
    for name, key in sources if sources is not None else _part_sources(store):
        part = computed.get(name)
        if part is None and key is not None:
            part = load_part(store.projection, key)
        if part is None or part.graph != name:
            part = computed[name] = graph_part(name, view.graph_triples(URIRef(name)))
        yield part


def _part_digest(part: Part) -> str:
    """A digest of what ``part`` holds, the same whatever the order of its sets."""
    def canonical(value) -> str:
        if isinstance(value, dict):
            return "{" + ",".join(sorted(f"{k!r}:{canonical(v)}" for k, v in value.items())) + "}"
        if isinstance(value, (set, frozenset)):
            return "{" + ",".join(sorted(canonical(v) for v in value)) + "}"
        if isinstance(value, (tuple, list)):
            return "(" + ",".join(canonical(v) for v in value) + ")"
        return repr(value)

    return hashlib.sha256(canonical(vars(part)).encode()).hexdigest()


def _load_pickle(path: Path, kind: type):
    try:
        with open(path, "rb") as stream:
            value = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        return None
    return value if isinstance(value, kind) else None


def _projection_version() -> str:
    """A digest of this module: a part kept by another version is computed again."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


_PART_VERSION = _projection_version()

# ------------------------------------------------------------------------------------------------
# Neighbourhood and cap
# ------------------------------------------------------------------------------------------------

def resolve_node(G: nx.Graph, node: str) -> str:
    """The node of ``G`` called ``node``: its IRI, a prefixed IRI (``tgid:actor/hong-kong``), its
    label, or one of its names (case-insensitive; must be unique). ProjectionError otherwise."""
    if node in G:
        return node
    full = _expand(node)
    if full in G:
        return full
    wanted = " ".join(node.split()).casefold()
    for attribute in ("label", "names"):
        found = []
        for n, data in G.nodes(data=True):
            value = data.get(attribute)
            texts = value if isinstance(value, list) else [value] if value else []
            if any(str(t).casefold() == wanted for t in texts):
                found.append(n)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            shown = ", ".join(short_iri(n) for n in sorted(found)[:5])
            raise ProjectionError(f"{node!r} names {len(found)} nodes ({shown}); give the IRI")
    raise ProjectionError(f"no node {node!r} in the graph (give an IRI, a prefixed IRI such as "
                          "tgid:actor/hong-kong, or a label)")


def neighbourhood(G: nx.MultiDiGraph, node: str, depth: int = 1) -> nx.MultiDiGraph:
    """The nodes at most ``depth`` edges away from ``node`` (in either direction) and the edges
    between them, in ``G``'s order. ``node``: see :func:`resolve_node`."""
    if depth < 0:
        raise ProjectionError(f"depth must be 0 or more, not {depth}")
    centre = resolve_node(G, node)
    seen = {centre}
    frontier = [centre]
    for _ in range(depth):
        nxt = []
        for n in frontier:
            for m in sorted(set(G.successors(n)) | set(G.predecessors(n))):
                if m not in seen:
                    seen.add(m)
                    nxt.append(m)
        frontier = nxt
        if not frontier:
            break
    return _induced(G, seen)


def _induced(G: nx.MultiDiGraph, keep: set) -> nx.MultiDiGraph:
    out = G.__class__()
    out.graph.update(G.graph)
    for n, data in G.nodes(data=True):
        if n in keep:
            out.add_node(n, **data)
    for u, v, k, data in G.edges(keys=True, data=True):
        if u in keep and v in keep:
            out.add_edge(u, v, key=k, **data)
    return out


def cap(G: nx.MultiDiGraph, max_nodes: int) -> tuple[nx.MultiDiGraph, int]:
    """At most ``max_nodes`` nodes of ``G``, chosen so that the drawing stays connected: first
    the best connected non-claim nodes (by the number of distinct neighbours, then by IRI) for a
    third of the room, then the claims that link kept nodes (those that dispute or support
    something first, then by how many of their neighbours are kept), each with its claimant and
    what it is about, then the best connected of the rest. Returns the smaller graph (in ``G``'s
    order) and how many nodes were left out."""
    if max_nodes < 0:
        raise ProjectionError(f"the cap must be 0 or more, not {max_nodes}")
    if G.number_of_nodes() <= max_nodes:
        return G, 0
    degree = {n: len(set(G.successors(n)) | set(G.predecessors(n))) for n in G}
    rank = sorted(G, key=lambda n: (-degree[n], n))
    order = {n: i for i, n in enumerate(rank)}
    keep: set = set()

    def companions(claim) -> set:
        found = {u for u, _v, k in G.in_edges(claim, keys=True) if k == "claims"}
        return found | {v for _u, v, k in G.out_edges(claim, keys=True)
                        if k in ("about", "disputes", "supports")}

    def add_claim(claim) -> None:
        claimants = {u for u, _v, k in G.in_edges(claim, keys=True) if k == "claims"}
        if len(keep) + 1 + len(claimants - keep) > max_nodes:
            return  # a claim is drawn with who made it, or not at all
        keep.add(claim)
        for m in sorted(companions(claim) - keep, key=order.__getitem__):
            if len(keep) >= max_nodes:
                break
            keep.add(m)

    hubs = [n for n in rank if G.nodes[n].get("kind") != "Claim"]
    keep.update(hubs[:max_nodes // 3 or min(1, max_nodes)])
    claims = [n for n in rank if G.nodes[n].get("kind") == "Claim"]

    def claim_rank(claim):
        heated = any(k in ("disputes", "supports") for _u, _v, k in G.out_edges(claim, keys=True))
        return (not heated, -len(companions(claim) & keep), order[claim])

    for claim in sorted((c for c in claims if companions(c) & keep), key=claim_rank):
        if len(keep) >= max_nodes:
            break
        add_claim(claim)
    for n in rank:
        if len(keep) >= max_nodes:
            break
        if n not in keep:
            if G.nodes[n].get("kind") == "Claim":
                add_claim(n)
            else:
                keep.add(n)
    out = _induced(G, keep)
    out.graph["nodes_total"], out.graph["edges_total"] = totals(G)
    return out, G.number_of_nodes() - len(keep)


def totals(G: nx.MultiDiGraph) -> tuple[int, int]:
    """How many nodes and edges the graph ``G`` was cut down from (by :func:`cap`), or has."""
    return (G.graph.get("nodes_total", G.number_of_nodes()),
            G.graph.get("edges_total", G.number_of_edges()))
