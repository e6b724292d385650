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

The projection is deterministic (nodes and edges are added in sorted order) and takes one pass over
the dataset per predicate it needs, no SPARQL.

:func:`neighbourhood` cuts out the surroundings of one node, :func:`cap` keeps the most important
nodes of a graph too big to draw.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable, Iterator

import networkx as nx
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, SKOS
from rdflib.term import Node

from .errors import TipgraphError
from .namespace import OA, PREFIXES, SCHEMA, TG, TGID

__all__ = ["KINDS", "RELATIONS", "EMPHASIS", "KIND_COLOURS", "EMPHASIS_COLOUR", "KIND_SHAPES_DOT",
           "MAX_EVIDENCE", "ProjectionError", "project", "neighbourhood", "cap", "resolve_node",
           "short_iri"]

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
# Reading the dataset: one pass per predicate
# ------------------------------------------------------------------------------------------------

class _Reader:
    """Triples of one predicate, with the graphs they are in, optionally without reference data."""

    def __init__(self, dataset, reference: bool):
        self.dataset = dataset
        self.reference = reference
        self._quads = hasattr(dataset, "quads") and hasattr(dataset, "graphs")

    def _keep(self, graph: str) -> bool:
        return self.reference or not _is_reference_graph(graph)

    def quads(self, predicate: URIRef) -> Iterator[tuple[Node, Node, str]]:
        """(subject, object, graph IRI) of every statement with ``predicate``."""
        if self._quads:
            for s, _p, o, g in self.dataset.quads((None, predicate, None, None)):
                graph = str(getattr(g, "identifier", g)) if g is not None else ""
                if self._keep(graph):
                    yield s, o, graph
        else:  # a plain Graph: no named graphs
            for s, _p, o in self.dataset.triples((None, predicate, None)):
                yield s, o, ""

    def triples(self, predicate: URIRef) -> Iterator[tuple[Node, Node]]:
        """(subject, object) of every statement with ``predicate`` (once, whatever the graphs;
        much faster than :meth:`quads` when the graphs do not matter)."""
        if self.reference or not self._quads:
            for s, _p, o in self.dataset.triples((None, predicate, None)):
                yield s, o
        else:
            seen = set()
            for s, o, _g in self.quads(predicate):
                if (s, o) not in seen:
                    seen.add((s, o))
                    yield s, o

    def pairs(self, predicate: URIRef) -> dict[Node, set[Node]]:
        """subject -> objects of ``predicate``."""
        out: dict[Node, set[Node]] = defaultdict(set)
        for s, o in self.triples(predicate):
            out[s].add(o)
        return out

    def single(self, predicate: URIRef) -> dict[Node, Node]:
        """subject -> one object of ``predicate`` (the smallest, when there are several)."""
        out: dict[Node, Node] = {}
        for s, o in self.triples(predicate):
            if s not in out or _sort_key(o) < _sort_key(out[s]):
                out[s] = o
        return out


def _sort_key(term: Node) -> tuple[str, str]:
    return (type(term).__name__, str(term))


# ------------------------------------------------------------------------------------------------
# The projection
# ------------------------------------------------------------------------------------------------

def project(dataset, *, reference: bool = True) -> nx.MultiDiGraph:
    """Project a tipgraph dataset (an rdflib Dataset, ConjunctiveGraph or Graph) onto a
    :class:`networkx.MultiDiGraph` of actors, laws, report series, reports, instruments, ratings
    and claims (see the module's docstring for the attributes). ``reference=False`` uses only the
    articles' named graphs."""
    reader = _Reader(dataset, reference)

    # 1. nodes: subjects typed with a tg entity class; the graphs that type them
    classes: dict[Node, set[URIRef]] = defaultdict(set)
    graphs_of: dict[Node, set[str]] = defaultdict(set)
    record_type: dict[Node, URIRef] = {}
    for s, o, g in reader.quads(RDF.type):
        if not isinstance(s, URIRef):
            continue
        if o in _CLASS_KIND:
            classes[s].add(o)
            graphs_of[s].add(g)
        elif o in (TG.MonetaryAmount, TG.Count, TG.Figure, TG.TemporalExpression, TG.RatingRecord,
                   TG.TreatyEvent, TG.TerritorialApplication):
            if s not in record_type or o != TG.Figure:
                record_type[s] = o
    kind_of: dict[str, str] = {}
    type_of: dict[str, str] = {}
    for node, cls in classes.items():
        kinds = sorted({_CLASS_KIND[c] for c in cls}, key=_KIND_PRIORITY.__getitem__)
        kind = kinds[0]
        own = [c for c in cls if _CLASS_KIND[c] == kind]
        specific = sorted(_local(str(c)) for c in own if c not in _BASE_CLASSES) or \
            sorted(_local(str(c)) for c in own)
        kind_of[str(node)] = kind
        type_of[str(node)] = specific[0]
    nodes = set(kind_of)

    # 2. names and labels of everything that may be pointed to
    names: dict[str, set[str]] = defaultdict(set)
    main_name: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for predicate in _NAME_PREDICATES:
        for s, o in reader.triples(predicate):
            if isinstance(o, Literal):
                text = _text(o)
                if not text:
                    continue
                names[str(s)].add(text)
                if predicate in (SCHEMA.name, SKOS.prefLabel):
                    main_name[str(s)][text] += 1

    def name_of(iri: str) -> str:
        counts = main_name.get(iri)
        if counts:
            return min(counts, key=lambda t: (-counts[t], len(t), t))
        if iri.startswith(_TG):  # tg:RaisesConcern -> "raises concern"
            return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", _local(iri)).lower()
        return short_iri(iri)

    labels: dict[str, str] = {}
    for iri in nodes:
        labels[iri] = _short_label(name_of(iri), names.get(iri, ()))

    def label_of(term: Node) -> str:
        if isinstance(term, Literal):
            return _text(term)
        iri = str(term)
        if iri in labels:
            return labels[iri]
        return name_of(iri)

    # labels of ratings and claims (they name other nodes)
    firsts = {p: reader.single(p) for p in (TG.ratedSubject, TG.tier, TG.year, TG.claimant,
                                             TG.claimText, TG.quotation)}
    for iri in sorted(nodes):
        if kind_of[iri] == "Rating":
            labels[iri] = _rating_label(URIRef(iri), firsts, label_of)
    for iri in sorted(nodes):
        if kind_of[iri] == "Claim":
            labels[iri] = _claim_label(URIRef(iri), firsts, label_of)

    # 3. the properties of the nodes: edges and facts
    facts: dict[str, set[tuple[str, str]]] = defaultdict(set)
    edges: dict[tuple[str, str, str], set[str]] = defaultdict(set)

    for predicate in _FACT_PREDICATES + tuple(p for p in _EDGE_PREDICATES
                                              if p not in _FACT_PREDICATES):
        prop = short_iri(str(predicate))
        relation = _EDGE_PREDICATES.get(predicate)
        statements = reader.quads(predicate) if relation else \
            ((s, o, "") for s, o in reader.triples(predicate))
        for s, o, g in statements:
            subject = str(s)
            if subject not in nodes:
                continue
            facts[subject].add((prop, label_of(o)))
            if relation is not None and isinstance(o, URIRef) and str(o) in nodes:
                name, backwards = relation
                u, v = (str(o), subject) if backwards else (subject, str(o))
                if u == v:
                    continue
                if name == "published-by" and kind_of[subject] not in ("Report", "ReportSeries"):
                    continue
                article = _graph_article(g)
                bucket = edges[(u, v, name)]
                if article:
                    bucket.add(article)

    # identifiers (links graph): schema:identifier -> propertyID:value
    if reference:
        prop_id = reader.single(SCHEMA.propertyID)
        value = reader.single(SCHEMA.value)
        for s, o in reader.triples(SCHEMA.identifier):
            if str(s) in nodes and o in prop_id and o in value:
                facts[str(s)].add(("schema:identifier", f"{prop_id[o]}:{value[o]}"))

    # 4. records about the nodes: figures, dates, tier history, treaty events, applications
    _figure_facts(reader, nodes, facts, record_type, label_of)
    _date_facts(reader, nodes, facts, record_type)
    if reference:
        _reference_facts(reader, nodes, facts, edges, record_type, label_of)

    # 5. an entity only the reference data knows is kept when an article's entity points to it
    #    (the territory an instrument does not apply to), not for its own sake (the earlier
    #    editions of a report series that only tier-history records name)
    from_articles = {iri for iri in nodes
                     if any(not _is_reference_graph(g) for g in graphs_of[URIRef(iri)])}
    if from_articles != nodes:
        wanted = set(from_articles)
        wanted.update(v for (u, v, _r) in edges if u in from_articles)
        nodes = wanted
        for key in [k for k in edges if k[0] not in nodes or k[1] not in nodes]:
            del edges[key]

    # 6. articles
    articles: dict[str, set[str]] = defaultdict(set)
    for node, graphs in graphs_of.items():
        iri = str(node)
        for g in graphs:
            article = _graph_article(g)
            if article:
                articles[iri].add(article)
    for s, o in reader.triples(PROV.wasDerivedFrom):
        if str(s) in nodes:
            article = _article_id(str(o))
            if article:
                articles[str(s)].add(article)

    # 7. evidence and confidence from the annotations
    evidence, confidence, mentioned_in = _evidence(reader, nodes)
    for iri, found in mentioned_in.items():
        articles[iri].update(found)

    # 8. the graph, in sorted order
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
            evidence=evidence.get(iri, []),
            confidence=confidence.get(iri),
        )
    for (u, v, relation) in sorted(edges):
        graph.add_edge(u, v, key=relation, relation=relation, emphasis=relation in EMPHASIS,
                       articles=sorted(edges[(u, v, relation)]))
    return graph


def _short_label(name: str, aliases: Iterable[str]) -> str:
    """``name``, or for a long name the shortest readable alias (not an abbreviation)."""
    if len(name) <= LONG_NAME:
        return name
    readable = [a for a in aliases
                if 8 <= len(a) < len(name) and any(c.islower() for c in a)]
    if readable:
        return min(readable, key=lambda a: (len(a), a))
    return _shorten_text(name, LONG_NAME)


def _rating_label(rating: URIRef, firsts, label_of) -> str:
    subject = firsts[TG.ratedSubject].get(rating)
    tier = firsts[TG.tier].get(rating)
    year = firsts[TG.year].get(rating)
    text = label_of(subject) if subject is not None else short_iri(str(rating))
    if tier is not None:
        text += f": {label_of(tier)}"
    if year is not None:
        text += f" ({year})"
    return text


def _claim_label(claim: URIRef, firsts, label_of) -> str:
    claimant = firsts[TG.claimant].get(claim)
    said = firsts[TG.claimText].get(claim)
    if said is None:
        said = firsts[TG.quotation].get(claim)
    who = label_of(claimant) if claimant is not None else "unknown"
    what = _shorten_text(str(said), CLAIM_LABEL_CHARS) if said is not None else _local(str(claim))
    return f"{who}: {what}"


def _figure_facts(reader: _Reader, nodes, facts, record_type, label_of) -> None:
    figure_of = reader.pairs(TG.figureOf)
    if not figure_of:
        return
    value = reader.single(SCHEMA.value)
    currency = reader.single(SCHEMA.currency)
    unit = reader.single(SCHEMA.unitText)
    period = reader.single(TG.period)
    purpose = reader.single(TG.purpose)
    value_text = reader.single(TG.valueText)
    for figure, owners in figure_of.items():
        owners = [str(o) for o in owners if str(o) in nodes]
        if not owners:
            continue
        kind = record_type.get(figure)
        prop = short_iri(str(kind)) if kind in (TG.MonetaryAmount, TG.Count) else "tg:Figure"
        amount = _decimal_text(value[figure]) if figure in value else \
            _text(value_text.get(figure, Literal("?")))
        parts = [p for p in (_text(currency[figure]) if figure in currency else "", amount,
                             _text(unit[figure]) if figure in unit else "") if p]
        detail = [_text(x[figure]) for x in (period, purpose) if figure in x]
        text = " ".join(parts) + (f" ({', '.join(detail)})" if detail else "")
        for owner in owners:
            facts[owner].add((prop, text))


def _date_facts(reader: _Reader, nodes, facts, record_type) -> None:
    refers = reader.pairs(TG.refersTo)
    if not refers:
        return
    date_value = reader.single(TG.dateValue)
    for date, targets in refers.items():
        if date not in date_value:
            continue
        for target in targets:
            if str(target) in nodes:
                facts[str(target)].add(("tg:TemporalExpression", _text(date_value[date])))


def _reference_facts(reader: _Reader, nodes, facts, edges, record_type, label_of) -> None:
    records = {s for s, t in record_type.items()
               if t in (TG.RatingRecord, TG.TreatyEvent, TG.TerritorialApplication)}
    if not records:
        return
    subject = reader.single(TG.ratedSubject)
    tier = reader.single(TG.tier)
    year = reader.single(TG.year)
    waived = reader.single(TG.downgradeWaived)
    instrument = reader.single(TG.instrument)
    event_type = reader.single(TG.eventType)
    event_date = reader.single(TG.eventDate)
    party = reader.single(TG.party)
    territory = reader.single(TG.territory)
    applies = reader.single(TG.applies)
    description = reader.single(SCHEMA.description)
    for record in sorted(records, key=str):
        kind = record_type[record]
        if kind == TG.RatingRecord and record in subject and str(subject[record]) in nodes:
            text = f"{year.get(record, '?')}: {label_of(tier[record]) if record in tier else '?'}"
            if record in waived and waived[record].toPython() is True:
                text += " (downgrade waived)"
            facts[str(subject[record])].add(("tg:RatingRecord", text))
        elif kind == TG.TreatyEvent and record in instrument and str(instrument[record]) in nodes:
            text = f"{event_date.get(record, '?')} {event_type.get(record, 'event')}"
            if record in party:
                text += f" ({label_of(party[record])})"
            facts[str(instrument[record])].add(("tg:TreatyEvent", text))
        elif (kind == TG.TerritorialApplication and record in instrument
              and str(instrument[record]) in nodes and record in territory):
            where = str(territory[record])
            applied = record in applies and applies[record].toPython() is True
            text = f"{label_of(territory[record])}: {'applies' if applied else 'does not apply'}"
            if record in description:
                text += f" ({_text(description[record])})"
            facts[str(instrument[record])].add(("tg:TerritorialApplication", text))
            if where in nodes and where != str(instrument[record]):
                edges.setdefault((str(instrument[record]), where,
                                  "applies-to" if applied else "does-not-apply-to"), set())


def _evidence(reader: _Reader, nodes) -> tuple[dict[str, list[dict]], dict[str, float],
                                               dict[str, set[str]]]:
    """Evidence entries (capped), highest confidence and the articles of the annotations of
    each node."""
    body_of: dict[Node, list[str]] = defaultdict(list)
    for ann, body in reader.triples(OA.hasBody):
        if str(body) in nodes:
            body_of[ann].append(str(body))
    if not body_of:
        return {}, {}, {}
    target = reader.single(OA.hasTarget)
    source = reader.single(OA.hasSource)
    selectors = reader.pairs(OA.hasSelector)
    start = reader.single(OA.start)
    end = reader.single(OA.end)
    exact = reader.single(OA.exact)
    sentence = reader.single(TG.sentence)
    confidence_of = reader.single(TG.confidence)

    entries: dict[str, set[tuple]] = defaultdict(set)
    confidence: dict[str, float] = {}
    for ann, bodies in body_of.items():
        conf = confidence_of.get(ann)
        spec = target.get(ann)
        article = _article_id(str(source[spec])) if spec in source else None
        begin = stop = None
        quote = None
        for sel in selectors.get(spec, ()):
            if sel in start:
                begin, stop = int(start[sel]), int(end[sel]) if sel in end else None
            if sel in exact:
                quote = str(exact[sel])
        for body in bodies:
            if conf is not None:
                value = float(conf.toPython())
                if body not in confidence or value > confidence[body]:
                    confidence[body] = value
            if article is None and begin is None:
                continue
            entries[body].add((article or "", begin if begin is not None else -1,
                               stop if stop is not None else -1, quote or "",
                               str(sentence[ann]) if ann in sentence else ""))
    evidence: dict[str, list[dict]] = {}
    mentioned_in: dict[str, set[str]] = {}
    for body, found in entries.items():
        mentioned_in[body] = {entry[0] for entry in found if entry[0]}
        chosen = _spread(sorted(found), MAX_EVIDENCE)
        evidence[body] = [{"article": a, "sentence": sent, "exact": q, "start": b, "end": e}
                          for a, b, e, q, sent in chosen]
    return evidence, confidence, mentioned_in


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
    return _induced(G, keep), G.number_of_nodes() - len(keep)
