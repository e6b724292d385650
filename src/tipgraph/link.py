"""Linking: identity links from the graph's entities to the reference data's identifiers.

For each identifier of the reference data (:mod:`tipgraph.reference`), :func:`candidates` finds
the entities of a graph it may identify:

- a row that names a tipgraph id identifies that entity: score 1, written without asking;
- a row with only a label is matched by name (``schema:name`` and ``skos:altLabel``) against
  entities of a compatible kind. Only a unique exact match of a kind that names one thing
  (not a person) is certain; anything else becomes a *candidate* for review.

Candidates the tool is not sure of are never written silently. They go to a review file (CSV:
decision, entity, name, scheme, identifier, label, score, evidence) where a person writes
``accept`` or ``reject``; :func:`link` honours those decisions, keeps them, and adds new
candidates on the next run. A review file that was edited and broken is an error naming the file
and line.

The result is two named graphs: ``tgid:graph/links`` (the identity triples, a ``tg:Link`` record
per link with its score, evidence and decision, and the identifiers' descriptions) and
``tgid:graph/reference`` (the reference records about the graph's entities, see
:func:`tipgraph.reference.reference_graph`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from .errors import ReferenceError
from .export import write_atomically
from .gazetteer import KIND_PATHS
from .literals import decimal_literal
from .namespace import SCHEMA, TG, TGID
from .reference import (CURRENCY, REFERENCE_GRAPH, Identifier, Reference, add_identifier,
                        entity_iri, read_table, reference_graph)

__all__ = ["Candidate", "LinkResult", "candidates", "link", "load_review", "write_review",
           "LINKS_GRAPH", "REVIEW_COLUMNS", "CERTAIN", "CANDIDATE"]

LINKS_GRAPH = TGID["graph/links"]
REVIEW_COLUMNS = ("decision", "entity", "name", "scheme", "identifier", "label", "score",
                  "evidence")
DECISIONS = ("", "accept", "reject")
CERTAIN = 0.95      # at or above: written without review (when unique and not a person)
CANDIDATE = 0.75    # at or above: proposed for review
_AMBIGUOUS_KINDS = ("Person",)  # names that many different things share
_REVIEW_HEADER = """\
# tipgraph link review. For each candidate, write accept or reject in the decision column and
# run the build (or `tipgraph link`) again: accepted links are written, rejected ones are never
# proposed again, and both decisions are kept here. Rows with an empty decision wait.
"""


@dataclass(frozen=True)
class Candidate:
    """A possible identity link from a graph entity to an external identifier."""

    entity: URIRef
    name: str
    identifier: Identifier
    score: float
    evidence: str
    certain: bool

    @property
    def key(self) -> tuple[str, str, str]:
        return str(self.entity), self.identifier.scheme, self.identifier.identifier


@dataclass
class LinkResult:
    links: list[Candidate] = field(default_factory=list)      # written
    pending: list[Candidate] = field(default_factory=list)    # waiting for a decision
    rejected: int = 0
    review_path: Path | None = None
    review_rows: list[dict] = field(default_factory=list)

    def save_review(self) -> None:
        """Write the review file (pending candidates and every decision so far). Call it once
        the linked graph has been written, so that a failed build changes nothing."""
        if self.review_path is not None and (self.review_rows or self.review_path.exists()):
            write_review(self.review_path, self.review_rows)


# --------------------------------------------------------------------------------- matching
def _norm(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    folded = re.sub(r"[^a-z0-9]+", " ", folded.replace("&", " and ")).strip()
    return re.sub(r"^the ", "", folded)


@dataclass
class _Entity:
    iri: URIRef
    kinds: set[str]
    names: set[str]           # every name and alias, for matching
    labels: set[str] = field(default_factory=set)  # schema:name values

    @property
    def name(self) -> str:
        return min(self.labels or self.names or {str(self.iri)})


def graph_entities(dataset: Graph) -> dict[URIRef, _Entity]:
    """The named entities of a graph that can be linked (not article-local ones)."""
    kinds = {TG[k]: k for k in KIND_PATHS if k != "Tier"}
    found: dict[URIRef, _Entity] = {}
    for s, _, cls in dataset.triples((None, RDF.type, None)):
        if cls not in kinds or not isinstance(s, URIRef) or "/id/article/" in s:
            continue
        if not str(s).startswith(str(TGID)) or str(s).startswith(str(TGID["reference/"])):
            continue
        found.setdefault(s, _Entity(s, set(), set())).kinds.add(kinds[cls])
    for entity in found.values():
        entity.labels.update(str(o) for o in dataset.objects(entity.iri, SCHEMA.name))
        entity.names.update(entity.labels)
        entity.names.update(str(o) for o in dataset.objects(entity.iri, SKOS.altLabel))
    return found


def _kind_factor(row_kind: str, kinds: set[str]) -> float:
    if row_kind in kinds:
        return 1.0
    if any(KIND_PATHS.get(k) == KIND_PATHS.get(row_kind) for k in kinds):
        return 0.85  # an actor of another sort (a State row, a GovernmentBody node)
    return 0.0


def candidates(entities: dict[URIRef, _Entity], ref: Reference) -> list[Candidate]:
    """Every identity link the reference data suggests for these entities, scored."""
    out: list[Candidate] = []
    by_norm: dict[str, set[URIRef]] = {}
    for entity in entities.values():
        for name in entity.names:
            by_norm.setdefault(_norm(name), set()).add(entity.iri)
    for ident in ref.identifiers:
        if ident.kind == CURRENCY:
            continue
        where = f"{ident.where.file.name}:{ident.where.line}"
        if ident.entity:
            iri = entity_iri(ident.kind, ident.entity)
            if iri in entities:
                out.append(Candidate(iri, entities[iri].name, ident, 1.0,
                                     f"{where} names this entity ({ident.entity})", True))
            continue
        label = _norm(ident.label)
        scored: list[tuple[float, URIRef, str]] = []
        for entity in entities.values():
            factor = _kind_factor(ident.kind, entity.kinds)
            if not factor:
                continue
            best, best_name = 0.0, ""
            for name in sorted(entity.names):
                score = 1.0 if _norm(name) == label else \
                    fuzz.token_sort_ratio(_norm(name), label) / 100 * 0.9
                if score > best:
                    best, best_name = score, name
            score = round(best * factor, 3)
            if score >= CANDIDATE:
                scored.append((score, entity.iri, best_name))
        top = [s for s in scored if s[0] >= CERTAIN]
        for score, iri, name in sorted(scored, key=lambda s: (-s[0], str(s[1]))):
            entity = entities[iri]
            exact = score >= CERTAIN
            certain = exact and len(top) == 1 and not (entity.kinds & set(_AMBIGUOUS_KINDS))
            how = "same name" if exact else "similar name"
            evidence = (f"{how}: graph '{name}' ~ {ident.scheme} label '{ident.label}' "
                        f"({where}); kinds {'/'.join(sorted(entity.kinds))} ~ {ident.kind}")
            if exact and not certain:
                evidence += "; not unique or a person's name, so not certain"
            out.append(Candidate(iri, entity.name, ident, score, evidence, certain))
    return sorted(out, key=lambda c: c.key)


# ------------------------------------------------------------------------------ review file
@dataclass(frozen=True)
class Decision:
    decision: str
    row: dict
    line: int


def load_review(path: Path, ref: Reference) -> dict[tuple[str, str, str], Decision]:
    """Decisions of a review file, checked. A missing file holds no decisions."""
    if not path.exists():
        return {}
    header, rows = read_table(path)
    if header != REVIEW_COLUMNS:
        raise ReferenceError(f"not a link review file: header {','.join(header)!r}, expected "
                             f"{','.join(REVIEW_COLUMNS)!r}", path)
    decisions: dict[tuple[str, str, str], Decision] = {}
    for where, row in rows:
        line = where.line
        if row["decision"].lower() not in DECISIONS:
            raise ReferenceError(f"decision {row['decision']!r} is not accept, reject or empty",
                                 path, line)
        if not row["entity"].startswith(str(TGID)):
            raise ReferenceError(f"entity {row['entity']!r} is not a tipgraph IRI", path, line)
        scheme = ref.schemes.get(row["scheme"])
        if scheme is None:
            raise ReferenceError(f"unknown scheme '{row['scheme']}'", path, line)
        if not scheme.pattern.fullmatch(row["identifier"]):
            raise ReferenceError(f"malformed {scheme.name} {row['identifier']!r}", path, line)
        try:
            float(row["score"])
        except ValueError:
            raise ReferenceError(f"score {row['score']!r} is not a number", path, line) from None
        key = (row["entity"], row["scheme"], row["identifier"])
        if key in decisions:
            raise ReferenceError(f"duplicate row for {key[0]} {key[1]} {key[2]} (first at line "
                                 f"{decisions[key].line})", path, line)
        decisions[key] = Decision(row["decision"].lower(), row, line)
    return decisions


def _candidate_row(candidate: Candidate, decision: str = "") -> dict:
    return {"decision": decision, "entity": str(candidate.entity), "name": candidate.name,
            "scheme": candidate.identifier.scheme, "identifier": candidate.identifier.identifier,
            "label": candidate.identifier.label, "score": f"{candidate.score:.3f}",
            "evidence": candidate.evidence}


def write_review(path: Path, rows: list[dict]) -> None:
    """Write a review file atomically, rows sorted by entity, scheme and identifier."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REVIEW_COLUMNS)
    for row in sorted(rows, key=lambda r: (r["entity"], r["scheme"], r["identifier"])):
        writer.writerow([row[c] for c in REVIEW_COLUMNS])
    write_atomically(path, (_REVIEW_HEADER + buffer.getvalue()).encode("utf-8"))


# ------------------------------------------------------------------------------------ links
def _link_iri(candidate: Candidate) -> URIRef:
    digest = hashlib.sha1("|".join(candidate.key).encode()).hexdigest()[:16]
    return TGID[f"link/{digest}"]


def links_graph(dataset: Graph, ref: Reference, links: list[Candidate],
                entities: dict[URIRef, _Entity]) -> Graph:
    graph = Graph()
    for candidate in links:
        entity = candidate.entity
        ident = candidate.identifier
        target = add_identifier(graph, ref, ident)
        for cls in sorted(entities[entity].kinds):
            graph.add((entity, RDF.type, TG[cls]))
        graph.add((entity, SCHEMA.name, Literal(entities[entity].name)))
        graph.add((entity, SCHEMA.identifier, target))
        scheme = ref.schemes[ident.scheme]
        if scheme.link is not None:
            graph.add((entity, scheme.link, scheme.iri_of(ident.identifier)))
        node = _link_iri(candidate)
        graph.add((node, RDF.type, TG.Link))
        graph.add((node, TG.linkSubject, entity))
        graph.add((node, TG.linkTarget, target))
        graph.add((node, TG.confidence, decimal_literal(f"{candidate.score:.3f}")))
        graph.add((node, TG.evidence, Literal(candidate.evidence)))
        graph.add((node, TG.decision, Literal("automatic" if candidate.certain
                                              else "accepted")))
    return graph


def link(dataset: Dataset, ref: Reference, review: str | Path | None = None) -> LinkResult:
    """Add ``tgid:graph/links`` and ``tgid:graph/reference`` to ``dataset`` (replacing them if
    there), honouring the decisions of the review file ``review``. The updated review rows are
    in the result; :meth:`LinkResult.save_review` writes them."""
    for name in (LINKS_GRAPH, REFERENCE_GRAPH):
        dataset.remove_graph(dataset.graph(name))
    entities = graph_entities(dataset)
    found = candidates(entities, ref)
    path = Path(review) if review is not None else None
    decisions = load_review(path, ref) if path is not None else {}
    result = LinkResult(review_path=path)
    rows: dict[tuple[str, str, str], dict] = {k: d.row | {"decision": d.decision}
                                               for k, d in decisions.items() if d.decision}
    for candidate in found:
        decision = decisions.get(candidate.key)
        verdict = decision.decision if decision is not None else ""
        if verdict == "reject":
            result.rejected += 1
        elif verdict == "accept":
            result.links.append(Candidate(candidate.entity, candidate.name, candidate.identifier,
                                          candidate.score, candidate.evidence, False))
        elif candidate.certain:
            result.links.append(candidate)
        else:
            result.pending.append(candidate)
            rows[candidate.key] = _candidate_row(candidate)
    # one external identifier names one thing, and a thing has one identifier per scheme
    used: dict[tuple, Candidate] = {}
    for candidate in result.links:
        for key in ((candidate.identifier.key, "target"),
                    (str(candidate.entity), candidate.identifier.scheme)):
            if key in used and used[key].key != candidate.key:
                raise ReferenceError(
                    f"{candidate.key[0]} and {used[key].key[0]} would both be linked to "
                    f"{candidate.identifier.scheme} {candidate.identifier.identifier}, or one "
                    f"entity to two identifiers of one scheme: reject one of them",
                    path or ref.folder)
            used[key] = candidate
    result.review_rows = list(rows.values())
    linked = links_graph(dataset, ref, result.links, entities)
    target = dataset.graph(LINKS_GRAPH)
    for triple in linked:
        target.add(triple)
    currencies = {str(o) for o in dataset.objects(None, SCHEMA.currency)}
    records = reference_graph(ref, set(entities), currencies)
    target = dataset.graph(REFERENCE_GRAPH)
    for triple in records:
        target.add(triple)
    return result
