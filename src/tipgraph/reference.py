"""Reference data: what other datasets and official records say about the entities tipgraph finds.

``data/reference/`` holds small CSV tables that people curate and review (see its README):
identifier schemes, sources, identifiers of entities in other datasets (Wikidata, ISO 3166,
ISO 4217, the UN Treaty Collection), the tier history of jurisdictions, treaty events and the
territorial application of instruments. Every row names its source.

:func:`load_reference` reads and checks a folder of such tables; a bad row is a
:class:`~tipgraph.errors.ReferenceError` naming the file and line. :func:`reference_graph` turns
the records about a given set of entities into RDF: each record is a node with ``dcterms:source``
and the file and line it was read from.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, SKOS, XSD

from .errors import ReferenceError
from .gazetteer import ACTOR_KINDS, INSTRUMENT_KINDS, KIND_PATHS, Gazetteer, load_gazetteer
from .literals import integer_literal
from .mappers.reports import edition_record
from .namespace import SCHEMA, TG, TGID, bind_prefixes
from .resources import project_file

__all__ = ["Reference", "Scheme", "Source", "Identifier", "RatingRecord", "TreatyEvent",
           "Application", "load_reference", "reference_graph", "entity_iri", "declare_entity",
           "REFERENCE_GRAPH"]

REFERENCE_GRAPH = TGID["graph/reference"]
CURRENCY = "Currency"
KINDS = tuple(k for k in KIND_PATHS if k != "Tier") + (CURRENCY,)
PARTY_EVENTS = ("signature", "ratification", "accession", "acceptance", "approval", "succession")
TEXT_EVENTS = ("adoption", "opening-for-signature", "entry-into-force")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_YEAR = re.compile(r"(1[89]|20)[0-9]{2}")
_BOOL = {"yes": True, "no": False}
_LINKS = {"owl:sameAs": OWL.sameAs, "schema:sameAs": SCHEMA.sameAs, "": None}


@dataclass(frozen=True)
class Where:
    """The file and line a record was read from."""

    file: Path
    line: int

    def error(self, message: str) -> ReferenceError:
        return ReferenceError(message, self.file, self.line)


@dataclass(frozen=True)
class Scheme:
    id: str
    name: str
    pattern: re.Pattern
    iri: str
    link: URIRef | None
    where: Where

    def iri_of(self, identifier: str) -> URIRef | None:
        return URIRef(self.iri.replace("{id}", identifier)) if self.iri else None


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    url: str
    note: str
    where: Where


@dataclass(frozen=True)
class Identifier:
    entity: str            # tipgraph id, or "" when the row is to be matched by label
    kind: str
    label: str
    scheme: str
    identifier: str
    source: str
    where: Where

    @property
    def key(self) -> tuple[str, str]:
        return self.scheme, self.identifier


@dataclass(frozen=True)
class RatingRecord:
    jurisdiction: str
    series: str
    year: str
    tier: str
    waiver: bool
    source: str
    where: Where


@dataclass(frozen=True)
class TreatyEvent:
    instrument: str
    event: str
    party: str
    date: str
    place: str
    document: str
    source: str
    where: Where


@dataclass(frozen=True)
class Application:
    instrument: str
    party: str
    territory: str
    applies: bool
    note: str
    source: str
    where: Where


# The kinds of table, told apart by their header row.
_TABLES = {
    ("scheme", "name", "pattern", "iri", "link"): "schemes",
    ("id", "title", "publisher", "url", "note"): "sources",
    ("entity", "kind", "label", "scheme", "identifier", "source"): "identifiers",
    ("jurisdiction", "series", "year", "tier", "waiver", "source"): "ratings",
    ("instrument", "event", "party", "date", "place", "document", "source"): "events",
    ("instrument", "party", "territory", "applies", "note", "source"): "applications",
}


@dataclass
class Reference:
    """Everything in a reference folder, checked."""

    folder: Path
    gazetteer: Gazetteer
    schemes: dict[str, Scheme] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    identifiers: list[Identifier] = field(default_factory=list)
    ratings: list[RatingRecord] = field(default_factory=list)
    events: list[TreatyEvent] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)

    def gazetteer_iri(self, ident: str) -> URIRef:
        record = self.gazetteer[ident]
        return entity_iri(record.kind, record.id)


def entity_iri(kind: str, ident: str) -> URIRef:
    """The IRI of a tipgraph entity of ``kind`` with id ``ident`` (currencies included)."""
    path = "currency" if kind == CURRENCY else KIND_PATHS[kind]
    return TGID[f"{path}/{ident}"]


# ------------------------------------------------------------------------------------- reading
def read_table(path: Path) -> tuple[tuple[str, ...], list[tuple[Where, dict[str, str]]]]:
    """The header and rows of one CSV file. Lines starting with ``#`` before the header are
    comments; every row must have as many cells as the header."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReferenceError(f"cannot read: {exc.strerror or exc}", path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReferenceError("not UTF-8 text", path) from None
    header: tuple[str, ...] | None = None
    rows: list[tuple[Where, dict[str, str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or (header is None and line.startswith("#")):
            continue
        try:
            cells = next(csv.reader([line], strict=True))
        except csv.Error as exc:
            raise ReferenceError(f"malformed CSV: {exc}", path, number) from None
        cells = [c.strip() for c in cells]
        if header is None:
            header = tuple(cells)
            continue
        if len(cells) != len(header):
            raise ReferenceError(f"{len(cells)} cells where the header has {len(header)}",
                                 path, number)
        rows.append((Where(path, number), dict(zip(header, cells))))
    if header is None:
        raise ReferenceError("empty: no header row", path)
    return header, rows


def load_reference(folder: str | Path | None = None,
                   entities_dir: str | None = None) -> Reference:
    """Read and check every ``*.csv`` table under ``folder`` (default ``data/reference``)."""
    root = Path(folder) if folder else project_file("data/reference")
    if not root.is_dir():
        raise ReferenceError("no such folder", root)
    ref = Reference(root, load_gazetteer(entities_dir))
    tables: dict[str, list] = {kind: [] for kind in _TABLES.values()}
    files = sorted(root.glob("*.csv"))
    if not files:
        raise ReferenceError("no reference tables (*.csv) in this folder", root)
    for path in files:
        header, rows = read_table(path)
        kind = _TABLES.get(header)
        if kind is None:
            known = "; ".join(",".join(h) for h in _TABLES)
            raise ReferenceError(f"unknown kind of table, header {','.join(header)!r}; "
                                 f"expected one of: {known}", path)
        tables[kind].extend(rows)
    # schemes and sources first: the other tables' rows refer to them
    readers = {"schemes": _scheme, "sources": _source, "identifiers": _identifier,
               "ratings": _rating, "events": _event, "applications": _application}
    for kind, read_row in readers.items():
        for where, row in tables[kind]:
            read_row(ref, where, row)
    _check_unique(ref)
    return ref


def _required(where: Where, row: dict, *names: str) -> None:
    for name in names:
        if not row[name]:
            raise where.error(f"'{name}' is empty")


def _scheme(ref: Reference, where: Where, row: dict) -> None:
    _required(where, row, "scheme", "name", "pattern")
    if not _SLUG.fullmatch(row["scheme"]):
        raise where.error(f"scheme id {row['scheme']!r} is not a slug (a-z, 0-9, -)")
    if row["scheme"] in ref.schemes:
        raise where.error(f"duplicate scheme '{row['scheme']}' (first at line "
                          f"{ref.schemes[row['scheme']].where.line})")
    try:
        pattern = re.compile(row["pattern"])
    except re.error as exc:
        raise where.error(f"pattern {row['pattern']!r} is not a regular expression: {exc}")
    if row["link"] not in _LINKS:
        raise where.error(f"link {row['link']!r} is not one of owl:sameAs, schema:sameAs or empty")
    if row["link"] and "{id}" not in row["iri"]:
        raise where.error("a scheme with a link needs an iri template containing {id}")
    ref.schemes[row["scheme"]] = Scheme(row["scheme"], row["name"], pattern, row["iri"],
                                        _LINKS[row["link"]], where)


def _source(ref: Reference, where: Where, row: dict) -> None:
    _required(where, row, "id", "title", "publisher")
    if not _SLUG.fullmatch(row["id"]):
        raise where.error(f"source id {row['id']!r} is not a slug (a-z, 0-9, -)")
    if row["id"] in ref.sources:
        raise where.error(f"duplicate source '{row['id']}' (first at "
                          f"{ref.sources[row['id']].where.file.name}:"
                          f"{ref.sources[row['id']].where.line})")
    if row["url"] and not re.fullmatch(r"https?://\S+", row["url"]):
        raise where.error(f"url {row['url']!r} is not an http(s) URL")
    ref.sources[row["id"]] = Source(row["id"], row["title"], row["publisher"], row["url"],
                                    row["note"], where)


def _check_source(ref: Reference, where: Where, source: str) -> str:
    if not source:
        raise where.error("'source' is empty: every fact needs its source")
    if source not in ref.sources:
        raise where.error(f"unknown source '{source}' (not in any sources table)")
    return source


def _known(ref: Reference, where: Where, column: str, ident: str, kinds: Iterable[str]) -> str:
    """``ident`` must be a gazetteer entity of one of ``kinds``."""
    if not ident:
        raise where.error(f"'{column}' is empty")
    record = ref.gazetteer.get(ident)
    if record is None:
        raise where.error(f"unknown {column} '{ident}': no entity with this id in "
                          f"data/entities")
    if record.kind not in kinds:
        raise where.error(f"{column} '{ident}' is a {record.kind}, not one of "
                          f"{', '.join(sorted(set(kinds)))}")
    return ident


def _date(where: Where, column: str, value: str) -> str:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        dt.date.fromisoformat(value)
    except ValueError:
        raise where.error(f"{column} {value!r} is not a date (YYYY-MM-DD)") from None
    return value


def _bool(where: Where, column: str, value: str, default: bool | None = None) -> bool:
    if not value and default is not None:
        return default
    if value not in _BOOL:
        raise where.error(f"{column} {value!r} is not yes or no")
    return _BOOL[value]


def _identifier(ref: Reference, where: Where, row: dict) -> None:
    _required(where, row, "kind", "label", "scheme", "identifier")
    kind, ident, scheme_id = row["kind"], row["entity"], row["scheme"]
    if kind not in KINDS:
        raise where.error(f"unknown kind '{kind}'; kinds are {', '.join(KINDS)}")
    scheme = ref.schemes.get(scheme_id)
    if scheme is None:
        raise where.error(f"unknown scheme '{scheme_id}'; schemes are "
                          f"{', '.join(sorted(ref.schemes)) or '(none: no schemes table)'}")
    if not scheme.pattern.fullmatch(row["identifier"]):
        raise where.error(f"malformed {scheme.name} {row['identifier']!r} (expected "
                          f"{scheme.pattern.pattern})")
    if ident:
        if not _SLUG.fullmatch(ident):
            raise where.error(f"entity {ident!r} is not a tipgraph id (a slug: a-z, 0-9, -)")
        record = ref.gazetteer.get(ident)
        if record is not None and kind != CURRENCY and \
                KIND_PATHS[record.kind] != KIND_PATHS[kind]:
            raise where.error(f"entity '{ident}' is a {record.kind} in data/entities, "
                              f"not a {kind}")
    elif kind == CURRENCY:
        raise where.error("a currency row needs its entity (the lower-case code)")
    ref.identifiers.append(Identifier(ident, kind, row["label"], scheme_id, row["identifier"],
                                      _check_source(ref, where, row["source"]), where))


def _rating(ref: Reference, where: Where, row: dict) -> None:
    _known(ref, where, "jurisdiction", row["jurisdiction"], ACTOR_KINDS)
    _known(ref, where, "series", row["series"], ("ReportSeries",))
    _known(ref, where, "tier", row["tier"], ("Tier",))
    if not _YEAR.fullmatch(row["year"]):
        raise where.error(f"year {row['year']!r} is not a year (YYYY)")
    ref.ratings.append(RatingRecord(row["jurisdiction"], row["series"], row["year"], row["tier"],
                                    _bool(where, "waiver", row["waiver"], default=False),
                                    _check_source(ref, where, row["source"]), where))


def _event(ref: Reference, where: Where, row: dict) -> None:
    _known(ref, where, "instrument", row["instrument"], INSTRUMENT_KINDS)
    event = row["event"]
    if event in PARTY_EVENTS:
        _known(ref, where, "party", row["party"], ACTOR_KINDS)
    elif event in TEXT_EVENTS:
        if row["party"]:
            raise where.error(f"an {event} has no party (the party column must be empty)")
    else:
        raise where.error(f"unknown event '{event}'; events are "
                          f"{', '.join(TEXT_EVENTS + PARTY_EVENTS)}")
    ref.events.append(TreatyEvent(row["instrument"], event, row["party"],
                                  _date(where, "date", row["date"]), row["place"],
                                  row["document"], _check_source(ref, where, row["source"]),
                                  where))


def _application(ref: Reference, where: Where, row: dict) -> None:
    _known(ref, where, "instrument", row["instrument"], INSTRUMENT_KINDS)
    _known(ref, where, "party", row["party"], ACTOR_KINDS)
    _known(ref, where, "territory", row["territory"], ACTOR_KINDS)
    ref.applications.append(Application(row["instrument"], row["party"], row["territory"],
                                        _bool(where, "applies", row["applies"]), row["note"],
                                        _check_source(ref, where, row["source"]), where))


def _check_unique(ref: Reference) -> None:
    """No two rows may state the same thing (a duplicate key), even from different files."""
    keys = (
        (ref.identifiers, lambda r: ("identifier", r.scheme, r.identifier)),
        (ref.identifiers, lambda r: ("entity", r.entity, r.kind == CURRENCY, r.scheme)
         if r.entity else None),
        (ref.ratings, lambda r: ("rating", r.jurisdiction, r.series, r.year)),
        (ref.events, lambda r: ("event", r.instrument, r.event, r.party)),
        (ref.applications, lambda r: ("application", r.instrument, r.territory)),
    )
    for records, key_of in keys:
        seen: dict[tuple, Where] = {}
        for record in records:
            key = key_of(record)
            if key is None:
                continue
            if key in seen:
                first = seen[key]
                what = " ".join(str(k) for k in key[1:] if not isinstance(k, bool))
                raise record.where.error(f"duplicate {key[0]} key '{what}' (first at "
                                         f"{first.file.name}:{first.line})")
            seen[key] = record.where


# ---------------------------------------------------------------------------------------- RDF
def _provenance(graph: Graph, node: URIRef, source: str, where: Where) -> None:
    graph.add((node, DCTERMS.source, TGID[f"reference/source/{source}"]))
    graph.add((node, TG.referenceFile, Literal(where.file.name)))
    graph.add((node, TG.referenceLine, integer_literal(where.line)))


def add_source(graph: Graph, source: Source) -> None:
    node = TGID[f"reference/source/{source.id}"]
    graph.add((node, RDF.type, TG.ReferenceSource))
    graph.add((node, SCHEMA.name, Literal(source.title)))
    graph.add((node, DCTERMS.publisher, Literal(source.publisher)))
    if source.url:
        graph.add((node, SCHEMA.url, Literal(source.url, datatype=XSD.anyURI)))
    if source.note:
        graph.add((node, SCHEMA.description, Literal(source.note)))


def identifier_iri(ident: Identifier) -> URIRef:
    return TGID[f"reference/identifier/{ident.scheme}/{ident.identifier}"]


def add_identifier(graph: Graph, ref: Reference, ident: Identifier) -> URIRef:
    """The node of one external identifier (a schema:PropertyValue) with its source."""
    node = identifier_iri(ident)
    scheme = ref.schemes[ident.scheme]
    graph.add((node, RDF.type, TG.ExternalIdentifier))
    graph.add((node, RDF.type, SCHEMA.PropertyValue))
    graph.add((node, SCHEMA.propertyID, Literal(ident.scheme)))
    graph.add((node, SCHEMA.value, Literal(ident.identifier)))
    graph.add((node, SCHEMA.name, Literal(ident.label)))
    iri = scheme.iri_of(ident.identifier)
    if iri is not None:
        graph.add((node, SCHEMA.url, Literal(str(iri), datatype=XSD.anyURI)))
    _provenance(graph, node, ident.source, ident.where)
    add_source(graph, ref.sources[ident.source])
    return node


def declare_entity(graph: Graph, ref: Reference, ident: str) -> URIRef:
    """Type and name of a gazetteer entity, so that a graph holds what its records refer to."""
    record = ref.gazetteer[ident]
    iri = entity_iri(record.kind, record.id)
    if record.kind == "Tier":
        graph.add((iri, RDF.type, SKOS.Concept))
        graph.add((iri, SKOS.prefLabel, Literal(record.name, lang="en")))
    else:
        graph.add((iri, RDF.type, TG[record.kind]))
        if record.kind in ACTOR_KINDS:
            graph.add((iri, RDF.type, PROV.Agent))
        if record.kind == "Person":
            graph.add((iri, RDF.type, SCHEMA.Person))
    graph.add((iri, SCHEMA.name, Literal(record.name)))
    return iri


def _declare_edition(graph: Graph, ref: Reference, series: str, year: str) -> URIRef:
    record, key, name = edition_record(ref.gazetteer, ref.gazetteer[series], year)
    iri = TGID[f"report/{key}"]
    graph.add((iri, RDF.type, TG.Report))
    graph.add((iri, SCHEMA.name, Literal(record.name if record is not None else name)))
    graph.add((iri, TG.series, declare_entity(graph, ref, series)))
    graph.add((iri, TG.year, Literal(year, datatype=XSD.gYear)))
    return iri


def reference_graph(ref: Reference, entities: set[URIRef] | None = None,
                    currencies: Iterable[str] = ()) -> Graph:
    """The reference records about ``entities`` (all records when None) and the ISO 4217
    currencies whose codes are in ``currencies``, as one graph. A record is about an entity
    when it names it in any of its columns; every entity a record names is declared (type and
    name) in the graph, so that the graph stands on its own."""
    graph = Graph()
    bind_prefixes(graph)

    def wanted(*idents: str) -> bool:
        return entities is None or any(
            ident and ref.gazetteer_iri(ident) in entities for ident in idents)

    used: set[str] = set()
    for rating in ref.ratings:
        if not wanted(rating.jurisdiction):
            continue
        edition = _declare_edition(graph, ref, rating.series, rating.year)
        node = TGID[f"reference/rating/{rating.jurisdiction}/{edition.split('/')[-1]}"]
        graph.add((node, RDF.type, TG.RatingRecord))
        graph.add((node, TG.ratedSubject, declare_entity(graph, ref, rating.jurisdiction)))
        graph.add((node, TG.ratedIn, edition))
        graph.add((node, TG.tier, declare_entity(graph, ref, rating.tier)))
        graph.add((node, TG.year, Literal(rating.year, datatype=XSD.gYear)))
        graph.add((node, TG.downgradeWaived, Literal(rating.waiver)))
        _provenance(graph, node, rating.source, rating.where)
        used.add(rating.source)
    for event in ref.events:
        if not wanted(event.instrument, event.party):
            continue
        tail = f"{event.event}/{event.party}" if event.party else event.event
        node = TGID[f"reference/event/{event.instrument}/{tail}"]
        graph.add((node, RDF.type, TG.TreatyEvent))
        graph.add((node, TG.instrument, declare_entity(graph, ref, event.instrument)))
        graph.add((node, TG.eventType, Literal(event.event)))
        graph.add((node, TG.eventDate, Literal(event.date, datatype=XSD.date)))
        if event.party:
            graph.add((node, TG.party, declare_entity(graph, ref, event.party)))
        if event.place:
            graph.add((node, SCHEMA.location, Literal(event.place)))
        if event.document:
            graph.add((node, TG.document, Literal(event.document)))
        _provenance(graph, node, event.source, event.where)
        used.add(event.source)
    for app in ref.applications:
        if not wanted(app.instrument, app.territory):
            continue
        node = TGID[f"reference/application/{app.instrument}/{app.territory}"]
        instrument = declare_entity(graph, ref, app.instrument)
        territory = declare_entity(graph, ref, app.territory)
        graph.add((node, RDF.type, TG.TerritorialApplication))
        graph.add((node, TG.instrument, instrument))
        graph.add((node, TG.party, declare_entity(graph, ref, app.party)))
        graph.add((node, TG.territory, territory))
        graph.add((node, TG.applies, Literal(app.applies)))
        if app.note:
            graph.add((node, SCHEMA.description, Literal(app.note)))
        graph.add((instrument, TG.appliesTo if app.applies else TG.doesNotApplyTo, territory))
        _provenance(graph, node, app.source, app.where)
        used.add(app.source)
    codes = set(currencies)
    for ident in ref.identifiers:
        if ident.kind != CURRENCY or ident.identifier not in codes:
            continue
        node = entity_iri(CURRENCY, ident.entity)
        graph.add((node, RDF.type, TG.Currency))
        graph.add((node, SCHEMA.name, Literal(ident.label)))
        graph.add((node, SCHEMA.identifier, add_identifier(graph, ref, ident)))
    for source in sorted(used):
        add_source(graph, ref.sources[source])
    return graph
