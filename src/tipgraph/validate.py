"""Validating a tipgraph graph against the SHACL shapes in ``ontology/shapes.ttl``.

``validate(data)`` runs pySHACL with the ontology mixed in (so that a ``tg:State`` is checked as a
``tg:Actor``), no inference, SPARQL-based constraints enabled and warnings allowed, and turns the
SHACL results graph into a list of ``Result`` objects that name the node by its label, the
property in prefixed form and, when the node has an annotation, the article sentence behind it.
``ValidationReport.text()`` renders them for people.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pyshacl
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.plugins.sparql.processor import SPARQLProcessor, prepareQuery

from tipgraph.errors import ValidationError
from tipgraph.namespace import OA, SCHEMA, TG, bind_prefixes
from tipgraph.resources import project_file

__all__ = ["Result", "ValidationReport", "validate", "SHAPES_FILE", "ONTOLOGY_FILE"]

SHAPES_FILE = "ontology/shapes.ttl"
ONTOLOGY_FILE = "ontology/tipgraph.ttl"
TGSH = Namespace("https://w3id.org/tipgraph/shapes#")

_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_MAX_VALUE = 120


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, made readable."""

    focus: str                      # IRI (or blank node id) of the node that failed
    focus_label: str                # its schema:name, rdfs:label or skos:prefLabel, else the IRI
    path: str | None                # the property, in prefixed form ("schema:name", "^oa:hasBody")
    message: str
    severity: str                   # "Violation", "Warning" or "Info"
    sentence: str | None            # tg:sentence of the annotation behind the node, if any
    value: str | None = None        # the offending value, when there is one
    shape: str | None = None        # IRI of the shape that reported it (sh:sourceShape)
    component: str | None = None    # IRI of the constraint component
    constraint: str | None = None   # IRI of the SPARQL constraint (sh:sourceConstraint), if any
    focus_types: tuple[str, ...] = ()  # the node's rdf:types, prefixed ("tg:Claim")


@dataclass
class ValidationReport:
    """The outcome of ``validate``: whether the graph conforms, and every result."""

    conforms: bool
    results: list[Result] = field(default_factory=list)
    nodes_checked: int = 0

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    def text(self) -> str:
        """A report for people: one block per result, then a summary line."""
        blocks: list[str] = []
        total = len(self.results)
        for number, result in enumerate(self.results, start=1):
            lines = [f"[{number}/{total}] {result.severity}: {_node_heading(result)}"]
            lines.append(f"  property: {result.path or '(the node itself)'}")
            lines.append(f"  problem:  {result.message}")
            if result.value is not None and result.value != result.focus:
                lines.append(f"  value:    {result.value}")
            if result.sentence:
                lines.append(f"  sentence: {_one_line(result.sentence)}")
            blocks.append("\n".join(lines))
        blocks.append(self.summary())
        return "\n\n".join(blocks)

    def summary(self) -> str:
        if self.conforms:
            return f"Conforms: yes ({_plural(self.nodes_checked, 'node')} checked)"
        return f"Does not conform: {_plural(len(self.results), 'problem')}"


def validate(data: Graph | Dataset, shapes_path: str | Path | None = None) -> ValidationReport:
    """Validate ``data`` against the tipgraph shapes (or the shapes in ``shapes_path``).

    A ``Dataset`` (or any context-aware graph) is validated one named graph at a time: each
    article's graph holds everything its facts refer to, so the shapes hold per article, and a
    name two articles spell differently is not a conflict. Raises ``ValidationError`` when the
    shapes or the ontology cannot be read or used; a graph that does not conform is not an error,
    it gives a report with ``conforms`` false.
    """
    if not isinstance(data, Graph):
        raise TypeError(f"validate() needs an rdflib Graph or Dataset, not {type(data).__name__}")
    shapes_file = Path(shapes_path) if shapes_path is not None else project_file(SHAPES_FILE)
    shapes = _load_turtle(shapes_file, "shapes")
    ontology = _load_turtle(project_file(ONTOLOGY_FILE), "ontology")
    if not getattr(data, "context_aware", False):
        return _validate_one(data, shapes, ontology, shapes_file)
    graphs = data.graphs() if isinstance(data, Dataset) else data.contexts()
    parts = [_validate_one(_copy(graph), shapes, ontology, shapes_file)
             for graph in sorted(graphs, key=lambda g: str(g.identifier))
             if len(graph)]
    if not parts:
        return _validate_one(Graph(), shapes, ontology, shapes_file)
    results = sorted((r for part in parts for r in part.results), key=_result_order)
    return ValidationReport(conforms=all(p.conforms for p in parts), results=results,
                            nodes_checked=sum(p.nodes_checked for p in parts))


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    bind_prefixes(copy)
    for triple in graph:
        copy.add(triple)
    return copy


def _result_order(r):
    return (_SEVERITY_ORDER.get(r.severity, 9), r.focus_label, r.focus, r.path or "", r.message,
            r.value or "")


def _validate_one(graph: Graph, shapes: Graph, ontology: Graph, shapes_file: Path
                  ) -> ValidationReport:

    try:
        with _prepared_queries():
            conforms, results_graph, _ = pyshacl.validate(
                graph,
                shacl_graph=shapes,
                ont_graph=ontology,
                inference="none",
                abort_on_first=False,
                allow_infos=True,
                allow_warnings=True,
                meta_shacl=False,
                advanced=True,
                js=False,
                debug=False,
            )
    except Exception as exc:  # pySHACL raises its own errors for shapes it cannot load or run
        raise ValidationError(f"cannot use the shapes: {_first_line(exc)}", shapes_file) from exc

    namer = _Namer()
    results = [_result(results_graph, node, graph, namer)
               for node in results_graph.subjects(RDF.type, SH.ValidationResult)]
    results.sort(key=_result_order)
    return ValidationReport(conforms=bool(conforms), results=results,
                            nodes_checked=_count_focus_nodes(graph, shapes, ontology))


# --- loading -----------------------------------------------------------------------------------

_cache: dict[tuple[str, int, int], Graph] = {}


def _load_turtle(path: Path, what: str) -> Graph:
    """Parse a Turtle file once per version of the file (keyed by path, mtime and size)."""
    try:
        stat = os.stat(path)
    except OSError:
        raise ValidationError(f"{what} file not found", path) from None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    graph = Graph()
    try:
        with open(path, "rb") as stream:
            graph.parse(source=stream, format="turtle", publicID=path.resolve().as_uri())
    except Exception as exc:
        raise ValidationError(f"cannot parse {what}: {_parse_reason(exc)}", path) from exc
    _cache[key] = graph
    return graph


def _union(data: Graph) -> Graph:
    """Copy every quad of a Dataset into one plain Graph (the union of all its graphs)."""
    union = Graph()
    bind_prefixes(union)
    for s, p, o, _ in data.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


_patch_lock = threading.RLock()


@contextmanager
def _prepared_queries() -> Iterator[None]:
    """Parse each SPARQL query text once while pySHACL runs.

    pySHACL runs a SPARQL constraint once per focus node and hands rdflib the query *text* each
    time, and rdflib parses it again on every call (tens of milliseconds per parse), which made
    validation of a graph with a few hundred annotations take minutes. For the duration of the
    block, rdflib's SPARQL processor keeps the prepared (parsed and translated) form of each
    distinct query text and reuses it; a prepared query evaluated with different initial bindings
    is exactly what ``rdflib.plugins.sparql.prepareQuery`` is for. The original method is put back
    afterwards.
    """
    with _patch_lock:
        original = SPARQLProcessor.query
        prepared: dict = {}

        def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):
            if isinstance(strOrQuery, str):
                key = (strOrQuery, base, tuple(sorted((initNs or {}).items())))
                found = prepared.get(key)
                if found is None:
                    found = prepared[key] = prepareQuery(strOrQuery, initNs=initNs, base=base)
                strOrQuery = found
            return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

        SPARQLProcessor.query = query
        try:
            yield
        finally:
            SPARQLProcessor.query = original


# --- results -----------------------------------------------------------------------------------


class _Namer:
    """Prefixed names for IRIs, with tipgraph's prefixes and the shapes' own."""

    def __init__(self) -> None:
        scratch = Graph(bind_namespaces="none")
        bind_prefixes(scratch)
        scratch.bind("tgsh", TGSH)
        scratch.bind("sh", SH)
        self._nsm = scratch.namespace_manager

    def name(self, node) -> str:
        if isinstance(node, URIRef):
            try:
                text = node.n3(self._nsm)
            except Exception:  # pragma: no cover - defensive: odd IRIs
                return str(node)
            return text[1:-1] if text.startswith("<") else text
        return str(node)


def _result(report: Graph, node, data: Graph, namer: _Namer) -> Result:
    focus = report.value(node, SH.focusNode)
    path_node = report.value(node, SH.resultPath)
    path_text = _path_text(report, path_node, namer) if path_node is not None else None
    messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
    severity_node = report.value(node, SH.resultSeverity)
    severity = str(severity_node).rsplit("#", 1)[-1] if severity_node is not None else "Violation"
    value = report.value(node, SH.value)
    shape = report.value(node, SH.sourceShape)
    component = report.value(node, SH.sourceConstraintComponent)
    constraint = report.value(node, SH.sourceConstraint)
    return Result(
        focus=str(focus),
        focus_label=_label(data, focus, namer),
        path=path_text,
        message="; ".join(messages) if messages else _component_name(component),
        severity=severity,
        sentence=_sentence(data, focus, path_node),
        value=_value_text(value, namer) if value is not None else None,
        shape=str(shape) if isinstance(shape, URIRef) else None,
        component=str(component) if component is not None else None,
        constraint=str(constraint) if isinstance(constraint, URIRef) else None,
        focus_types=tuple(sorted(namer.name(t) for t in data.objects(focus, RDF.type)
                                 if isinstance(t, URIRef))) if focus is not None else (),
    )


def _path_text(report: Graph, path, namer: _Namer) -> str:
    if isinstance(path, URIRef):
        return namer.name(path)
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(report, inverse, namer)
    first = report.value(path, RDF.first)
    if first is not None:  # a sequence path
        parts = [_path_text(report, item, namer) for item in report.items(path)]
        return "/".join(parts)
    for kind, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = report.value(path, kind)
        if inner is not None:
            return f"({_path_text(report, inner, namer)}){mark}"
    alternatives = report.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(report, i, namer) for i in report.items(alternatives)) + ")"
    return str(path)


def _label(data: Graph, node, namer: _Namer) -> str:
    if node is None:
        return "(no node)"
    for prop in (SCHEMA.name, RDFS.label, SKOS.prefLabel):
        labels = sorted(str(label) for label in data.objects(node, prop) if isinstance(label, Literal))
        if labels:
            return labels[0]
    return str(node)


def _sentence(data: Graph, focus, path) -> str | None:
    """The tg:sentence of the annotation behind ``focus``: the focus itself if it is an annotation,
    else an annotation whose body, target or selector it is. Prefers an annotation whose
    tg:property is the failing path, then one motivated by describing."""
    if focus is None:
        return None
    annotations: list = []
    if (focus, RDF.type, OA.Annotation) in data or (focus, TG.sentence, None) in data:
        annotations = [focus]
    if not annotations:
        annotations = list(data.subjects(OA.hasBody, focus))
    if not annotations:
        annotations = list(data.subjects(OA.hasTarget, focus))
    if not annotations:
        for target in data.subjects(OA.hasSelector, focus):
            annotations.extend(data.subjects(OA.hasTarget, target))
    candidates = [a for a in annotations if data.value(a, TG.sentence) is not None]
    if not candidates:
        return None

    def rank(annotation) -> tuple:
        evidence_for_path = path is not None and (annotation, TG.property, path) in data
        describing = (annotation, OA.motivatedBy, OA.describing) in data
        return (not evidence_for_path, not describing, str(annotation))

    best = min(candidates, key=rank)
    return str(data.value(best, TG.sentence))


def _value_text(value, namer: _Namer) -> str:
    if isinstance(value, Literal):
        text = str(value)
        if len(text) > _MAX_VALUE:
            text = text[: _MAX_VALUE - 3] + "..."
        shown = f'"{_one_line(text)}"'
        if value.datatype is not None:
            shown += f"^^{namer.name(value.datatype)}"
        elif value.language:
            shown += f"@{value.language}"
        return shown
    if isinstance(value, BNode):
        return "(blank node)"
    return namer.name(value)


def _component_name(component) -> str:
    if component is None:
        return "constraint not satisfied"
    return str(component).rsplit("#", 1)[-1]


# --- counting the nodes checked ------------------------------------------------------------------


def _count_focus_nodes(data: Graph, shapes: Graph, ontology: Graph) -> int:
    """How many distinct nodes of ``data`` are targets of at least one shape."""
    nodes: set = set()
    for cls in set(shapes.objects(None, SH.targetClass)):
        for sub in _subclasses(cls, (ontology, data, shapes)):
            nodes.update(data.subjects(RDF.type, sub))
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        if (shape, RDF.type, RDFS.Class) in shapes:  # implicit class target
            for sub in _subclasses(shape, (ontology, data, shapes)):
                nodes.update(data.subjects(RDF.type, sub))
    for node in shapes.objects(None, SH.targetNode):
        if (node, None, None) in data or (None, None, node) in data:
            nodes.add(node)
    for prop in shapes.objects(None, SH.targetSubjectsOf):
        nodes.update(data.subjects(prop, None))
    for prop in shapes.objects(None, SH.targetObjectsOf):
        nodes.update(data.objects(None, prop))
    return len(nodes)


def _subclasses(cls, graphs: Iterable[Graph]) -> set:
    graphs = tuple(graphs)
    found = {cls}
    todo = [cls]
    while todo:
        current = todo.pop()
        for graph in graphs:
            for sub in graph.subjects(RDFS.subClassOf, current):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
    return found


# --- small text helpers ---------------------------------------------------------------------------


def _node_heading(result: Result) -> str:
    kinds = f" ({', '.join(result.focus_types)})" if result.focus_types else ""
    if result.focus_label and result.focus_label != result.focus:
        return f"{result.focus_label} <{result.focus}>{kinds}"
    return f"<{result.focus}>{kinds}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _parse_reason(exc: Exception) -> str:
    lines = getattr(exc, "lines", None)
    why = getattr(exc, "_why", None)
    if why is not None and isinstance(lines, int):
        return f"line {lines + 1}: bad syntax ({why})"
    return _first_line(exc)
