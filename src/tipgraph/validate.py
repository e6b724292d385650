"""Validating a tipgraph graph: SHACL shapes per named graph, SPARQL constraints across graphs.

``validate(data)`` checks an rdflib ``Graph`` or ``Dataset``; ``validate_store(store)`` checks a
:mod:`tipgraph.store` store graph by graph, without ever holding the corpus in one rdflib graph.
Both give a :class:`ValidationReport` of :class:`Result` objects that name the node by its label,
the property in prefixed form and, when the node has an annotation, the article sentence behind
it; ``ValidationReport.text()`` renders them for people.

Two levels
==========

*Per graph (SHACL).* Each named graph is validated on its own against ``ontology/shapes.ttl``,
with the ontology (``ontology/tipgraph.ttl``) mixed into the data graph so that a ``tg:State`` is
checked as a ``tg:Actor``, no inference, SPARQL-based constraints on and warnings allowed. An
article's graph holds everything its facts refer to, so the shapes hold per article, and a name
two articles spell differently is not a conflict. The graphs that linking adds,
``tgid:graph/reference`` and ``tgid:graph/links``, are validated on their own too, as before: by
design (see the shapes file) each declares the type and name of every entity its records point
to, and no article triple points at a node that only they describe, so validating an article
together with them would check nothing more; it would re-check every reference record once per
article and report its problems once per article.

*Across graphs (SPARQL).* What no single graph can show is checked by the SELECT queries in
``ontology/constraints/*.rq`` over all the named graphs: one IRI typed with two kinds of thing,
one article in two graphs, two articles with the same text, articles that disagree on a rating or
with the published rating record, an entity with two identifiers of one scheme, one identifier for
two entities. Each file has a header (``# title:``, ``# severity: Violation|Warning|Info``,
``# message:`` with ``{?var}`` placeholders, ``# description:``) and selects ``?focus`` and
optionally ``?value`` and ``?path``. They match data with ``GRAPH ?g { ... }`` patterns only, so
they give the same rows whether or not a server's default graph is the union of its named
graphs. On a store they run through ``store.select`` (so on every backend), on a Dataset through
rdflib. Each row becomes a :class:`Result` whose ``constraint`` is the file
(``ontology/constraints/NAME.rq``); a Violation among them makes the report not conform, Warnings
do not.

Engines
=======

``engine="pyshacl"`` is pySHACL, the reference. ``engine="turbo"`` is pyshacl-turbo (import name
``pyshacl_turbo``), a SHACL engine in Rust with pySHACL's interface: here it spends about a
fifteenth of pySHACL's CPU time per article (``benchmarks/validation.py``).
``engine="auto"`` (the default) uses turbo where it gives pySHACL's verdicts and pySHACL for the
rest, and pySHACL alone, silently, when pyshacl-turbo is not installed; an explicit
``engine="turbo"`` without it raises :class:`ValidationError`.

How turbo is run, and why (each point checked by tests/test_validate_engines.py, which compares
the two engines' results on every example of tests/shapes/ and on a whole article):

- *The ontology.* pySHACL's ``ont_graph`` copies the ontology's RDFS/OWL triples into the data
  graph before validating. Those triples do not depend on the data, so they are computed once
  (with pySHACL's own ``inoculate`` into an empty graph) and appended to every graph turbo reads:
  the same data graph pySHACL validates.
- *Arithmetic in SPARQL.* pyshacl-turbo 0.6.5 parses chains of ``+``/``-`` and of ``*``/``/``
  right-associatively: ``?start - ?n + 1`` is evaluated as ``?start - (?n + 1)``, ``8 / 2 / 2``
  as 8. The span checks (``tgsh:SpanPrefixMatches`` and the target
  ``tgsh:AnnotationsWithSpanProblems``) then flag every annotation that has a prefix, and a
  graph that conforms for pySHACL does not for turbo. Before the shapes go to turbo, every
  ``sh:select``/``sh:ask`` text gets explicit parentheses around each such chain
  (``(?start - ?n) + 1``), which every engine reads the same way; nothing else in the text
  changes (:func:`explicit_associativity`, tested against exact arithmetic through turbo itself).
- *The split.* ``auto`` validates each top-level shape (one with a target) with one engine: with
  turbo, unless a SPARQL text reachable from the shape cannot be parsed by that rewrite (then
  it goes to pySHACL, whose results are merged). SHACL results of different top-level shapes are
  independent, so the split gives what one engine would give. With today's shapes every shape
  goes to turbo. A graph turbo cannot read (an IRI that is not valid N-Triples, which rdflib
  accepts) is validated with pySHACL alone, in ``auto``; ``engine="turbo"`` raises instead.
- *Known differences beyond the examples*, where turbo follows the specifications and pySHACL
  does not, so ``auto`` keeps turbo's verdict: a literal of a type rdflib does not check
  (``"20x4"^^xsd:gYear``) is ill-formed for turbo (``sh:datatype`` fails) and fine for pySHACL;
  SPARQL comparing a plain string with a number (``"1950" > 1900``) is an error (false) for turbo
  and true for rdflib; ``sh:lessThan`` between values that cannot be compared is counted
  differently. Tests pin the first one down. One the other way, which the shapes do not meet
  (their arithmetic is on integers): turbo's ``xsd:decimal`` keeps 18 decimal places and fails
  (leaves the variable unbound) where a product needs more, or where a fraction is multiplied by
  zero; rdflib rounds.

Turbo reads each graph as N-Triples text (``rdflib`` writes it, or the store dumps it directly:
pyoxigraph's ``dump`` of one article's graph takes a few milliseconds in memory and tens on disk,
where building an rdflib graph of it takes over a hundred), so the usual path builds no rdflib
graph at all: the number of nodes checked is
counted from the text, and the text is parsed into rdflib only when there are results to describe
(labels, sentences) or for pySHACL.

Scale
=====

``jobs=N`` spreads the graphs over N worker processes (``fork`` where the platform has it; shapes,
ontology and the compiled turbo shapes are loaded once per process). The parent hands each worker
one graph as N-Triples text, at most two graphs per worker ahead, so memory stays that of a few
graphs whatever the corpus size; results come back in graph order, and the final list is sorted,
so the report is the same, in the same order and words, for any ``jobs``. ``jobs=1`` starts no
process. ``benchmarks/validation.py`` measures the engines and ``jobs``.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import threading
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import pyshacl
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef, Variable
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.plugins.parsers.ntriples import W3CNTriplesParser, r_literal, unquote, uriquote
from rdflib.plugins.sparql.processor import SPARQLProcessor, prepareQuery

from tipgraph.errors import ValidationError
from tipgraph.namespace import OA, SCHEMA, TG, bind_prefixes
from tipgraph.resources import PROJECT_ROOT, project_file

__all__ = ["Result", "ValidationReport", "CrossConstraint", "validate", "validate_ntriples",
           "validate_store",
           "load_constraints", "turbo_available", "explicit_associativity", "ENGINES",
           "SHAPES_FILE", "ONTOLOGY_FILE", "CONSTRAINTS_DIR"]

SHAPES_FILE = "ontology/shapes.ttl"
ONTOLOGY_FILE = "ontology/tipgraph.ttl"
CONSTRAINTS_DIR = "ontology/constraints"
TGSH = Namespace("https://w3id.org/tipgraph/shapes#")
ENGINES = ("auto", "pyshacl", "turbo")

_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_MAX_VALUE = 120
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
_QUERY_TEXTS = (SH.select, SH.ask)


@dataclass(frozen=True)
class Result:
    """One validation result, made readable."""

    focus: str                      # IRI (or blank node id) of the node that failed
    focus_label: str                # its schema:name, rdfs:label or skos:prefLabel, else the IRI
    path: str | None                # the property, in prefixed form ("schema:name", "^oa:hasBody")
    message: str
    severity: str                   # "Violation", "Warning" or "Info"
    sentence: str | None            # tg:sentence of the annotation behind the node, if any
    value: str | None = None        # the offending value, when there is one
    shape: str | None = None        # IRI of the shape that reported it (sh:sourceShape)
    component: str | None = None    # IRI of the constraint component
    constraint: str | None = None   # IRI of the SPARQL constraint (sh:sourceConstraint), or the
    #                                 cross-article constraint file ("ontology/constraints/X.rq")
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


# --- the entry points ----------------------------------------------------------------------------


def validate(data: Graph | Dataset, shapes_path: str | Path | None = None, *,
             engine: str = "auto", jobs: int = 1, constraints_path: str | Path | None = None,
             cross_article: bool = True) -> ValidationReport:
    """Validate ``data`` against the tipgraph shapes (or the shapes in ``shapes_path``).

    A ``Dataset`` (or any context-aware graph) is validated one named graph at a time, in
    ``jobs`` processes, and then with the cross-article constraints (``constraints_path``: a
    folder of ``.rq`` files, default ``ontology/constraints``; ``cross_article=False`` skips
    them); a plain ``Graph`` is one graph. ``engine`` is ``"auto"``, ``"pyshacl"`` or
    ``"turbo"`` (see the module's documentation). Raises ``ValidationError`` when the shapes, the
    ontology or a constraint cannot be read or used, or the engine is not available; a graph that
    does not conform is not an error, it gives a report with ``conforms`` false.
    """
    if not isinstance(data, Graph):
        raise TypeError(f"validate() needs an rdflib Graph or Dataset, not {type(data).__name__}")
    jobs = _check_jobs(jobs)
    engines = _engines(_shapes_file(shapes_path), engine)
    if not getattr(data, "context_aware", False):
        return _combine([_check(_Unit("", graph=data), engines)], [])
    constraints = load_constraints(constraints_path) if cross_article else []
    graphs = data.graphs() if isinstance(data, Dataset) else data.contexts()
    units = (_Unit(str(graph.identifier), graph=graph)
             for graph in sorted(graphs, key=lambda g: str(g.identifier)) if len(graph))
    parts = _run(units, engines, jobs)
    cross = _cross_article(_DatasetSource(data), constraints) if constraints else []
    return _combine(parts, cross, engines)


def validate_ntriples(text: str, name: str = "", shapes_path: str | Path | None = None, *,
                      engine: str = "auto") -> ValidationReport:
    """Validate one graph given as N-Triples text (``name``: the graph, for messages), as
    :func:`validate` validates a plain ``Graph``: the same verdict and results. The text goes to
    pyshacl-turbo as it is; an rdflib graph is parsed from it only when pySHACL or the report
    needs one. What a build that already has an article's N-Triples uses."""
    engines = _engines(_shapes_file(shapes_path), engine)
    return _combine([_check(_Unit(name, nt=text), engines)], [])


def validate_store(store: Any, shapes_path: str | Path | None = None, jobs: int = 1,
                   engine: str = "auto", *, constraints_path: str | Path | None = None,
                   cross_article: bool = True) -> ValidationReport:
    """Validate every named graph of a :mod:`tipgraph.store` store, then the cross-article
    constraints through ``store.select`` (the union of the named graphs).

    Graphs are read one at a time (``store.graph_names()``, then each graph: as N-Triples text
    straight from pyoxigraph for an ``OxigraphStore``, as a view of the Dataset for a
    ``MemoryStore``, ``store.graph(name)`` for any other store), so memory holds a few graphs and
    the results, never the corpus. Arguments as for :func:`validate`.
    """
    jobs = _check_jobs(jobs)
    engines = _engines(_shapes_file(shapes_path), engine)
    constraints = load_constraints(constraints_path) if cross_article else []
    units = (_fetch(store, name) for name in store.graph_names())
    parts = _run(units, engines, jobs)
    cross = _cross_article(store, constraints) if constraints else []
    return _combine(parts, cross, engines)


def turbo_available() -> bool:
    """Whether pyshacl-turbo (with the interface this module uses) can be imported."""
    return _turbo() is not None


def _check_jobs(jobs) -> int:
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValidationError(f"jobs must be a whole number of at least 1, not {jobs!r}")
    return jobs


def _shapes_file(shapes_path) -> Path:
    return Path(shapes_path) if shapes_path is not None else project_file(SHAPES_FILE)


def _combine(parts: list[ValidationReport], cross: list[Result],
             engines: "_Engines | None" = None) -> ValidationReport:
    if not parts and engines is not None:
        parts = [_check(_Unit("", graph=Graph()), engines)]
    results = sorted([r for part in parts for r in part.results] + cross, key=_result_order)
    conforms = all(p.conforms for p in parts) and not any(r.severity == "Violation" for r in cross)
    return ValidationReport(conforms=conforms, results=results,
                            nodes_checked=sum(p.nodes_checked for p in parts))


def _result_order(r: Result):
    return (_SEVERITY_ORDER.get(r.severity, 9), r.focus_label, r.focus, r.path or "", r.message,
            r.value or "", r.shape or "", r.constraint or "", r.component or "")


# --- one graph -----------------------------------------------------------------------------------


class _Unit:
    """One graph to validate, as an rdflib graph, as N-Triples text, or both (each made from the
    other when first needed)."""

    __slots__ = ("name", "_graph", "_nt")

    def __init__(self, name: str, graph: Graph | None = None, nt: str | None = None):
        self.name = name
        self._graph = graph
        self._nt = nt

    @property
    def has_graph(self) -> bool:
        return self._graph is not None

    def ntriples(self) -> str:
        if self._nt is None:
            self._nt = self._graph.serialize(format="nt")
        return self._nt

    def graph(self) -> Graph:
        if self._graph is None:
            self._graph = _parse_ntriples(self._nt)
        return self._graph


def _check(unit: _Unit, engines: "_Engines") -> ValidationReport:
    """Validate one graph with the engines' plan: a ValidationReport of that graph alone."""
    reports: list[Graph] = []
    conforms = True
    pyshacl_shapes = engines.pyshacl_shapes
    if engines.turbo is not None:
        outcome = engines.run_turbo(unit)
        if outcome is None:                 # auto, and turbo cannot read this graph
            pyshacl_shapes = engines.shapes
        else:
            conforms, report = outcome
            reports.append(report)
    if pyshacl_shapes is not None:
        ok, report = engines.run_pyshacl(unit, pyshacl_shapes)
        conforms = conforms and ok
        reports.append(report)
    results: list[Result] = []
    if any((None, RDF.type, SH.ValidationResult) in report for report in reports):
        data = unit.graph()
        namer = _Namer()
        for report in reports:
            results.extend(_result(report, node, data, namer)
                           for node in report.subjects(RDF.type, SH.ValidationResult))
        results.sort(key=_result_order)
    return ValidationReport(conforms=bool(conforms), results=results,
                            nodes_checked=engines.counter.count(unit))


def _fetch(store: Any, name: URIRef) -> _Unit:
    """One named graph of a store, the cheapest way the store allows."""
    native = getattr(store, "native", None)
    if native is not None and type(native).__module__.startswith("pyoxigraph"):
        import pyoxigraph

        text = native.dump(format=pyoxigraph.RdfFormat.N_TRIPLES,
                           from_graph=pyoxigraph.NamedNode(str(name)))
        return _Unit(str(name), nt=text.decode("utf-8") if isinstance(text, bytes) else text)
    dataset = None
    try:
        from tipgraph.store import MemoryStore
    except ImportError:  # pragma: no cover - the store module ships with tipgraph
        MemoryStore = None  # noqa: N806
    if MemoryStore is not None and isinstance(store, MemoryStore):
        dataset = store.dataset()
    if dataset is not None:
        return _Unit(str(name), graph=dataset.graph(URIRef(str(name))))
    return _Unit(str(name), graph=store.graph(name))


class _NodeIds(dict):
    """Blank node labels kept as they are when N-Triples text is parsed (so that a result names
    the same blank node whichever way the graph travelled)."""

    def get(self, key, default=None):
        return self.setdefault(key, BNode(key))


class _NTriples(W3CNTriplesParser):
    """rdflib's N-Triples parser, keeping each literal's lexical form as written."""

    def literal(self):
        if not self.peek('"'):
            return False
        lexical, language, datatype = self.eat(r_literal).groups()
        datatype = URIRef(uriquote(unquote(datatype))) if datatype else None
        return Literal(unquote(lexical), language or None, datatype, normalize=False)


class _Sink:
    __slots__ = ("graph",)

    def __init__(self, graph: Graph):
        self.graph = graph

    def triple(self, s, p, o) -> None:
        self.graph.add((s, p, o))


def _parse_ntriples(text: str) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    _NTriples(_Sink(graph)).parse(io.StringIO(text), bnode_context=_NodeIds())
    return graph


# --- the engines ---------------------------------------------------------------------------------


def _turbo():
    """The pyshacl_turbo module and its N-Triples input class, or None when not available."""
    try:
        import pyshacl_turbo
        from pyshacl_turbo.rdf import Input
    except Exception:  # not installed, or an incompatible version
        return None
    if not callable(getattr(pyshacl_turbo, "compile_shapes", None)):
        return None
    return pyshacl_turbo, Input


class _Engines:
    """What validating one graph needs, prepared once per process: the shapes and ontology, which
    engine checks which top-level shape, turbo's compiled shapes and the ontology triples turbo
    reads with each graph."""

    def __init__(self, shapes_file: Path, engine: str, force_pyshacl: frozenset = frozenset()):
        self.shapes_file = shapes_file
        self.engine = engine
        self.force_pyshacl = force_pyshacl
        self.shapes = _load_turtle(shapes_file, "shapes")
        self.ontology = _load_turtle(project_file(ONTOLOGY_FILE), "ontology")
        self.counter = _FocusCounter(self.shapes, self.ontology)
        self.turbo = None
        self.pyshacl_shapes: Graph | None = self.shapes
        self.routes: dict[str, str] = {}     # top-level shape -> "turbo" or "pyshacl"
        self.note = ""                       # why auto runs pySHACL alone, when it does
        if engine == "pyshacl":
            return
        found = _turbo()
        if found is None:
            if engine == "turbo":
                raise ValidationError("engine 'turbo' needs pyshacl-turbo, which is not "
                                      "installed (pip install pyshacl-turbo)")
            self.note = "pyshacl-turbo is not installed"
            return
        module, self._input = found
        rewritten, refused = _turbo_shapes(self.shapes)
        tops = _top_level_shapes(self.shapes)
        to_pyshacl = set()
        if engine == "auto":
            to_pyshacl = {s for s in tops
                          if s in force_pyshacl or _reaches(self.shapes, s, refused)}
        elif refused:
            rewritten = _turbo_shapes_as_they_are(self.shapes)
        self.routes = {str(s): ("pyshacl" if s in to_pyshacl else "turbo") for s in tops}
        if to_pyshacl == tops and tops:
            self.note = "no shape can go to pyshacl-turbo"
            self.routes = {}
            return
        try:
            self.turbo = module.compile_shapes(_without_targets(rewritten, to_pyshacl),
                                               advanced=True)
        except Exception as exc:
            if engine == "turbo":
                raise ValidationError(f"pyshacl-turbo cannot use the shapes: {_first_line(exc)}",
                                      shapes_file) from exc
            self.note = f"pyshacl-turbo cannot use the shapes ({_first_line(exc)})"
            self.routes = {}
            return
        self.pyshacl_shapes = (_without_targets(self.shapes, tops - to_pyshacl)
                               if to_pyshacl else None)
        self.ontology_nt = _ontology_ntriples(self.ontology)

    def run_turbo(self, unit: _Unit) -> tuple[bool, Graph] | None:
        """Turbo's verdict and results graph for one graph; None (in auto) when turbo cannot read
        the graph, which then goes to pySHACL whole."""
        try:
            text = unit.ntriples()
            if not text.endswith("\n"):
                text += "\n"
            conforms, report, _ = self.turbo.validate(
                self._input(text + self.ontology_nt, "nt", None, {}),
                allow_infos=True, allow_warnings=True)
        except Exception as exc:
            if self.engine == "turbo":
                where = f" on graph {unit.name}" if unit.name else ""
                raise ValidationError(f"pyshacl-turbo failed{where}: {_first_line(exc)}",
                                      self.shapes_file) from exc
            return None
        return bool(conforms), report

    def run_pyshacl(self, unit: _Unit, shapes: Graph) -> tuple[bool, Graph]:
        graph = _copy(unit.graph()) if unit.has_graph else unit.graph()
        try:
            with _prepared_queries():
                conforms, report, _ = pyshacl.validate(
                    graph, shacl_graph=shapes, ont_graph=self.ontology, inference="none",
                    abort_on_first=False, allow_infos=True, allow_warnings=True,
                    meta_shacl=False, advanced=True, js=False, debug=False)
        except Exception as exc:  # pySHACL raises its own errors for shapes it cannot load or run
            raise ValidationError(f"cannot use the shapes: {_first_line(exc)}",
                                  self.shapes_file) from exc
        return bool(conforms), report


_engine_cache: dict[tuple, _Engines] = {}
_engine_lock = threading.Lock()


def _engines(shapes_file: Path, engine: str, force_pyshacl: frozenset = frozenset()) -> _Engines:
    if engine not in ENGINES:
        raise ValidationError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    key = (_file_key(shapes_file, "shapes"), _file_key(project_file(ONTOLOGY_FILE), "ontology"),
           engine, force_pyshacl)
    with _engine_lock:
        found = _engine_cache.get(key)
        if found is None:
            found = _engine_cache[key] = _Engines(shapes_file, engine, force_pyshacl)
        return found


def _top_level_shapes(shapes: Graph) -> set:
    """The shapes validation starts from: those with a target (or that are also a class)."""
    tops = {s for p in _TARGETS for s in shapes.subjects(p, None)}
    tops |= {s for s in shapes.subjects(RDF.type, SH.NodeShape)
             if (s, RDF.type, RDFS.Class) in shapes}
    return tops


def _reaches(shapes: Graph, start, nodes: set) -> bool:
    """Whether any of ``nodes`` can be reached from ``start`` along triples of ``shapes``."""
    if not nodes:
        return False
    seen = {start}
    todo = [start]
    while todo:
        node = todo.pop()
        if node in nodes:
            return True
        for obj in shapes.objects(node, None):
            if isinstance(obj, (URIRef, BNode)) and obj not in seen:
                seen.add(obj)
                todo.append(obj)
    return False


def _without_targets(shapes: Graph, dropped: set) -> Graph:
    """A copy of ``shapes`` in which the shapes in ``dropped`` target nothing (they stay
    available to shapes that refer to them)."""
    copy = Graph()
    for prefix, namespace in shapes.namespaces():
        copy.bind(prefix, namespace, override=True, replace=True)
    for s, p, o in shapes:
        if s in dropped and (p in _TARGETS or (p == RDF.type and o == RDFS.Class)):
            continue
        copy.add((s, p, o))
    return copy


def _turbo_shapes(shapes: Graph) -> tuple[Graph, set]:
    """The shapes as turbo gets them (every SPARQL text with explicit associativity), and the
    nodes whose SPARQL text could not be rewritten: they are left out of turbo's copy (the
    top-level shapes that reach them go to pySHACL)."""
    copy = Graph()
    for prefix, namespace in shapes.namespaces():
        copy.bind(prefix, namespace, override=True, replace=True)
    refused = set()
    for s, p, o in shapes:
        if p in _QUERY_TEXTS and isinstance(o, Literal):
            try:
                explicit_associativity(str(o))
            except _Unparsable:
                refused.add(s)
    for s, p, o in shapes:
        if s in refused or o in refused:    # only shapes that go to pySHACL reach them
            continue
        if p in _QUERY_TEXTS and isinstance(o, Literal):
            o = Literal(explicit_associativity(str(o)), lang=o.language, datatype=o.datatype)
        copy.add((s, p, o))
    return copy, refused


def _turbo_shapes_as_they_are(shapes: Graph) -> Graph:
    """For ``engine="turbo"``: every SPARQL text made explicit where it can be, the others left
    as they are (turbo then reports what it makes of them)."""
    copy = Graph()
    for prefix, namespace in shapes.namespaces():
        copy.bind(prefix, namespace, override=True, replace=True)
    for s, p, o in shapes:
        if p in _QUERY_TEXTS and isinstance(o, Literal):
            try:
                o = Literal(explicit_associativity(str(o)), lang=o.language, datatype=o.datatype)
            except _Unparsable:
                pass
        copy.add((s, p, o))
    return copy


def _ontology_ntriples(ontology: Graph) -> str:
    """The triples pySHACL's ``ont_graph`` adds to a data graph, as N-Triples text (they do not
    depend on the data). Blank nodes get labels of their own so they cannot meet the data's."""
    from pyshacl.rdfutil.inoculate import inoculate

    mixed = inoculate(Graph(), ontology)
    labels: dict[BNode, BNode] = {}

    def rename(term):
        if isinstance(term, BNode):
            return labels.setdefault(term, BNode(f"tipgraphOntology{len(labels)}"))
        return term

    renamed = Graph()
    for s, p, o in sorted(mixed):
        renamed.add((rename(s), p, rename(o)))
    text = renamed.serialize(format="nt")
    return text if text.endswith("\n") else text + "\n"


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    bind_prefixes(copy)
    for triple in graph:
        copy.add(triple)
    return copy


# --- counting the nodes checked ------------------------------------------------------------------


class _FocusCounter:
    """How many distinct nodes of a graph are targets of at least one shape (SPARQL targets
    aside), from an rdflib graph or straight from its N-Triples text."""

    _TYPE_LINE = re.compile(r"^(<[^>]*>|_:\S+) <http://www\.w3\.org/1999/02/22-rdf-syntax-ns#type>"
                            r" <([^>]*)> \.\s*$", re.MULTILINE)
    _SUBCLASS = f"<{RDFS.subClassOf}>"

    def __init__(self, shapes: Graph, ontology: Graph):
        self.shapes = shapes
        self.ontology = ontology
        self.roots = set(shapes.objects(None, SH.targetClass))
        self.roots |= {s for s in shapes.subjects(RDF.type, SH.NodeShape)
                       if (s, RDF.type, RDFS.Class) in shapes}
        self.classes = set()
        for cls in self.roots:
            self.classes |= _subclasses(cls, (ontology, shapes))
        self.class_names = {str(c) for c in self.classes if isinstance(c, URIRef)}
        self.other_targets = any(True for p in (SH.targetNode, SH.targetSubjectsOf,
                                                SH.targetObjectsOf)
                                 for _ in shapes.subjects(p, None))

    def count(self, unit: _Unit) -> int:
        if unit.has_graph or self.other_targets or self._SUBCLASS in unit.ntriples():
            return self._count_graph(unit.graph())
        return len({m.group(1) for m in self._TYPE_LINE.finditer(unit.ntriples())
                    if m.group(2) in self.class_names})

    def _count_graph(self, data: Graph) -> int:
        classes = self.classes
        if (None, RDFS.subClassOf, None) in data:
            classes = set()
            for cls in self.roots:
                classes |= _subclasses(cls, (self.ontology, data, self.shapes))
        nodes: set = set()
        for cls in classes:
            nodes.update(data.subjects(RDF.type, cls))
        for node in self.shapes.objects(None, SH.targetNode):
            if (node, None, None) in data or (None, None, node) in data:
                nodes.add(node)
        for prop in self.shapes.objects(None, SH.targetSubjectsOf):
            nodes.update(data.subjects(prop, None))
        for prop in self.shapes.objects(None, SH.targetObjectsOf):
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


# --- many graphs, in parallel --------------------------------------------------------------------


def _run(units: Iterable[_Unit], engines: _Engines, jobs: int) -> list[ValidationReport]:
    """Validate each unit; with ``jobs`` > 1 in that many worker processes, at most two graphs
    per worker in flight, the reports in the order of the units."""
    if jobs == 1:
        return [_check(unit, engines) for unit in units]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    spec = (str(engines.shapes_file), engines.engine, engines.force_pyshacl)
    reports: list[ValidationReport] = []
    with context.Pool(jobs, initializer=_worker_start, initargs=spec) as pool:
        pending: deque = deque()
        for unit in units:
            try:
                text = unit.ntriples()
            except Exception:   # rdflib cannot write it as N-Triples: validate it here
                pending.append(_Done(_check(unit, engines)))
            else:
                pending.append(pool.apply_async(_worker_check, (unit.name, text)))
            if len(pending) >= 2 * jobs:
                reports.append(pending.popleft().get())
        while pending:
            reports.append(pending.popleft().get())
    return reports


class _Done:
    """A report made in the parent, queued with the workers' pending ones (same ``get``)."""

    def __init__(self, report: ValidationReport):
        self.report = report

    def get(self) -> ValidationReport:
        return self.report


_worker_engines: _Engines | None = None


def _worker_start(shapes_file: str, engine: str, force_pyshacl: frozenset) -> None:
    global _worker_engines
    _worker_engines = _engines(Path(shapes_file), engine, force_pyshacl)


def _worker_check(name: str, nt: str) -> ValidationReport:
    return _check(_Unit(name, nt=nt), _worker_engines)


# --- cross-article constraints -------------------------------------------------------------------


@dataclass(frozen=True)
class CrossConstraint:
    """A SPARQL SELECT over all the named graphs that finds what per-graph SHACL cannot see;
    each row (with ``?focus``, optionally ``?value`` and ``?path``) is a result."""

    id: str                  # "ontology/constraints/NAME.rq" (the path, outside the project)
    path: Path
    title: str
    severity: str            # "Violation", "Warning" or "Info"
    message: str             # with {?var} placeholders
    description: str
    text: str


_HEADER_LINE = re.compile(r"^#\s*([A-Za-z][\w-]*)\s*:\s?(.*)$")
_PLACEHOLDER = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
_constraint_cache: dict[tuple, list[CrossConstraint]] = {}


def load_constraints(path: str | Path | None = None) -> list[CrossConstraint]:
    """The cross-article constraints in the folder ``path`` (default ``ontology/constraints``),
    or in one ``.rq`` file, sorted by file name. A file without a title, severity or message,
    with a severity other than Violation, Warning or Info, that does not parse or does not
    select ``?focus`` raises ``ValidationError`` naming it."""
    root = Path(path) if path is not None else project_file(CONSTRAINTS_DIR)
    if root.is_dir():
        files = sorted(root.glob("*.rq"))
    elif root.is_file():
        files = [root]
    else:
        raise ValidationError("constraints folder not found", root)
    key = tuple(_file_key(f, "constraint") for f in files)
    found = _constraint_cache.get(key)
    if found is None:
        found = _constraint_cache[key] = [_read_constraint(f) for f in files]
    return list(found)


def _read_constraint(path: Path) -> CrossConstraint:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"cannot read the constraint: {_first_line(exc)}", path) from None
    fields: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped or fields:
                break
            continue
        continuation = line.lstrip()[1:].startswith(("  ", "\t"))
        match = None if continuation else _HEADER_LINE.match(stripped)
        if match:
            current = match.group(1).lower()
            fields[current] = match.group(2).strip()
        elif current is not None and stripped[1:].strip():
            fields[current] = (fields[current] + " " + stripped[1:].strip()).strip()
    for name in ("title", "severity", "message"):
        if not fields.get(name):
            raise ValidationError(f"the constraint has no '# {name}:' line", path)
    severity = fields["severity"].capitalize()
    if severity not in _SEVERITY_ORDER:
        raise ValidationError(f"severity must be Violation, Warning or Info, not "
                              f"{fields['severity']!r}", path)
    try:
        prepared = prepareQuery(text)
    except Exception as exc:
        raise ValidationError(f"cannot parse the constraint: {_first_line(exc)}", path) from None
    if getattr(prepared.algebra, "name", "") != "SelectQuery":
        raise ValidationError("a constraint is a SELECT query", path)
    projected = {str(v) for v in prepared.algebra.get("PV", [])}
    if "focus" not in projected:
        raise ValidationError("the constraint does not select ?focus", path)
    try:
        ident = path.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        ident = str(path)
    return CrossConstraint(id=ident, path=path, title=fields["title"], severity=severity,
                           message=fields["message"], description=fields.get("description", ""),
                           text=text)


class _DatasetSource:
    """An rdflib Dataset seen as a store for the cross-article constraints: SELECT over the union
    of its graphs."""

    def __init__(self, data: Graph):
        if isinstance(data, Dataset) and not data.default_union:
            data = Dataset(store=data.store, default_union=True)
        self.union = data

    def select(self, text: str, bindings: Mapping[str, Any] | None = None):
        result = self.union.query(text, initBindings={Variable(k): v
                                                      for k, v in (bindings or {}).items()})
        variables = [str(v) for v in result.vars or []]
        return _Rows(variables, [tuple(row) for row in result])


@dataclass
class _Rows:
    vars: list[str]
    rows: list[tuple]


_DESCRIBE = """
SELECT DISTINCT ?p ?o WHERE {
  GRAPH ?g { ?focus ?p ?o }
  FILTER (?p IN (<https://schema.org/name>, <http://www.w3.org/2000/01/rdf-schema#label>,
                 <http://www.w3.org/2004/02/skos/core#prefLabel>,
                 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>))
}
"""


def _cross_article(source: Any, constraints: list[CrossConstraint]) -> list[Result]:
    """Run each constraint through ``source.select`` and turn its rows into results."""
    namer = _Namer()
    described: dict = {}
    results: list[Result] = []
    for constraint in constraints:
        try:
            found = source.select(constraint.text)
        except Exception as exc:
            raise ValidationError(f"the constraint failed: {_first_line(exc)}",
                                  constraint.path) from exc
        for row in found.rows:
            values = {v: t for v, t in zip(found.vars, row) if t is not None}
            focus = values.get("focus")
            if focus is None:
                continue
            if focus not in described:
                described[focus] = _describe(source, focus, namer)
            label, types = described[focus]
            value, path = values.get("value"), values.get("path")
            results.append(Result(
                focus=str(focus), focus_label=label,
                path=namer.name(path) if isinstance(path, URIRef) else None,
                message=_fill(constraint.message, values, namer), severity=constraint.severity,
                sentence=None, value=_value_text(value, namer) if value is not None else None,
                constraint=constraint.id, focus_types=types))
    return results


def _describe(source: Any, focus, namer: "_Namer") -> tuple[str, tuple[str, ...]]:
    """The label and the types of a node, over all the named graphs."""
    if isinstance(focus, Literal):
        return str(focus), ()
    rows = source.select(_DESCRIBE, {"focus": focus}).rows
    by_property: dict = {}
    for p, o in rows:
        by_property.setdefault(p, []).append(o)
    label = str(focus)
    for prop in (SCHEMA.name, RDFS.label, SKOS.prefLabel):
        labels = sorted(str(o) for o in by_property.get(prop, []) if isinstance(o, Literal))
        if labels:
            label = labels[0]
            break
    types = tuple(sorted({namer.name(t) for t in by_property.get(RDF.type, [])
                          if isinstance(t, URIRef)}))
    return label, types


def _fill(message: str, values: Mapping[str, Any], namer: "_Namer") -> str:
    def term(match):
        found = values.get(match.group(1))
        if found is None:
            return match.group(0)
        if isinstance(found, URIRef):
            return namer.name(found)
        return str(found)

    return _PLACEHOLDER.sub(term, message)


# --- SPARQL arithmetic made explicit for pyshacl-turbo -------------------------------------------


class _Unparsable(ValueError):
    """A SPARQL text :func:`explicit_associativity` does not understand."""


_SPARQL_TOKEN = re.compile(r"""
    (?P<skip>\s+|\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\U000EFFFF]+)
  | (?P<number>\d+\.\d*[eE][+-]?\d+|\.\d+[eE][+-]?\d+|\d+[eE][+-]?\d+|\d*\.\d+|\d+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<bnode>_:[A-Za-z0-9_\u00C0-\U000EFFFF](?:[\w.\-\u00B7]*[\w\-\u00B7])?)
  | (?P<name>(?:[A-Za-z\u00C0-\U000EFFFF](?:[\w.\-\u00B7]*[\w\-\u00B7])?)?:
              (?:(?:[\w:\u00C0-\U000EFFFF]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%])
                 (?:(?:[\w.:\-\u00B7\u00C0-\U000EFFFF]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%])*
                    (?:[\w:\-\u00B7\u00C0-\U000EFFFF]|%[0-9A-Fa-f]{2}
                      |\\[_~.\-!$&'()*+,;=/?\#@%]))?)?
             |[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\|\||&&|!=|<=|>=|\^\^|[=<>!+\-*/^|?(){}\[\],;.])
    """, re.VERBOSE)
_COMPARISON = frozenset({"=", "!=", "<", ">", "<=", ">="})


class _Token:
    __slots__ = ("kind", "text", "start", "end", "key")

    def __init__(self, kind: str, text: str, start: int, end: int):
        self.kind, self.text, self.start, self.end = kind, text, start, end
        self.key = text.upper() if kind == "name" else text


def explicit_associativity(query: str) -> str:
    """``query`` with explicit parentheses around every chain of two or more ``+``/``-`` or
    ``*``/``/`` operators in its expressions: ``?a - ?b + 1`` becomes ``(?a - ?b) + 1``.

    SPARQL's arithmetic operators associate to the left; pyshacl-turbo 0.6.5 evaluates such
    chains from the right. With the parentheses every engine computes the same thing. Only
    parentheses are inserted: graph patterns, property paths, strings, comments and the layout
    stay as they were. Raises ``_Unparsable`` (a ``ValueError``) for text it cannot follow.
    """
    return _Associativity(query).rewrite()


class _Associativity:
    """A recursive-descent reader of SPARQL that copies graph patterns as they are and parses
    expressions (FILTER, BIND, HAVING, ORDER BY, GROUP BY, the SELECT clause) by the grammar's
    productions [110]-[121], noting where parentheses go."""

    def __init__(self, query: str):
        self.query = query
        self.tokens: list[_Token] = []
        at = 0
        while at < len(query):
            match = _SPARQL_TOKEN.match(query, at)
            if match is None:
                raise _Unparsable(f"unexpected character {query[at]!r} at offset {at}")
            if match.lastgroup != "skip":
                self.tokens.append(_Token(match.lastgroup, match.group(), match.start(),
                                          match.end()))
            at = match.end()
        self.opens: dict[int, int] = {}
        self.closes: dict[int, int] = {}

    def rewrite(self) -> str:
        end = self.pattern(0, top=True)
        if end != len(self.tokens):
            raise _Unparsable(f"unbalanced '}}' at offset {self.tokens[end].start}")
        if not self.opens:
            return self.query
        out, last = [], 0
        for point in sorted(set(self.opens) | set(self.closes)):
            out.append(self.query[last:point])
            out.append(")" * self.closes.get(point, 0) + "(" * self.opens.get(point, 0))
            last = point
        out.append(self.query[last:])
        return "".join(out)

    def at(self, i: int) -> _Token | None:
        return self.tokens[i] if i < len(self.tokens) else None

    def is_(self, i: int, *keys: str) -> bool:
        token = self.at(i)
        return token is not None and token.key in keys

    def expect(self, i: int, key: str) -> int:
        if not self.is_(i, key):
            token = self.at(i)
            where = token.start if token is not None else len(self.query)
            raise _Unparsable(f"expected {key!r} at offset {where}")
        return i + 1

    def variable(self, i: int) -> int:
        token = self.at(i)
        if token is None or token.kind != "var":
            raise _Unparsable("AS needs a variable")
        return i + 1

    def chain(self, operands: list[tuple[int, int]]) -> None:
        """Parenthesise one left-associative chain, given its operands as token spans:
        o1 - o2 + o3 - o4 -> ((o1 - o2) + o3) - o4."""
        if len(operands) < 3:
            return
        first = self.tokens[operands[0][0]].start
        self.opens[first] = self.opens.get(first, 0) + len(operands) - 2
        for _, end in operands[1:-1]:
            after = self.tokens[end - 1].end
            self.closes[after] = self.closes.get(after, 0) + 1

    # graph patterns and the query's clauses: copied, looking for expressions
    def pattern(self, i: int, top: bool = False) -> int:
        clause = None
        while i < len(self.tokens):
            token = self.tokens[i]
            key = token.key
            if key == "{":
                clause = None
                i = self.pattern(i + 1)
                continue
            if key == "}":
                return i if top else i + 1
            if token.kind != "name" and not (key == "(" and clause in ("select", "order")):
                i += 1
                continue
            if key in ("FILTER", "HAVING"):
                i = self.primary(i + 1)
                while key == "HAVING" and self.starts_constraint(i):
                    i = self.primary(i)
                continue
            if key == "BIND":
                i = self.expression(self.expect(i + 1, "("))
                i = self.expect(self.variable(self.expect(i, "AS")), ")")
                continue
            if key == "SELECT":
                clause = "select"
            elif key == "BY" and self.is_(i - 1, "ORDER", "GROUP"):
                clause = "order"
            elif key in ("WHERE", "FROM", "LIMIT", "OFFSET", "VALUES"):
                clause = None
            elif clause == "select" and key == "(":
                i = self.expression(i + 1)
                i = self.expect(self.variable(self.expect(i, "AS")), ")")
                continue
            elif clause == "order" and key == "(":
                i = self.expression(i + 1)
                if self.is_(i, "AS"):
                    i = self.variable(i + 1)
                i = self.expect(i, ")")
                continue
            elif clause == "order" and key not in ("ASC", "DESC") and self.starts_constraint(i):
                i = self.primary(i)
                continue
            i += 1
        if not top:
            raise _Unparsable("a '{' is not closed")
        return i

    def starts_constraint(self, i: int) -> bool:
        token = self.at(i)
        if token is None:
            return False
        if token.key == "(":
            return True
        return token.kind in ("name", "iri") and self.is_(i + 1, "(")

    # expressions
    def expression(self, i: int) -> int:
        i = self.conjunction(i)
        while self.is_(i, "||"):
            i = self.conjunction(i + 1)
        return i

    def conjunction(self, i: int) -> int:
        i = self.relational(i)
        while self.is_(i, "&&"):
            i = self.relational(i + 1)
        return i

    def relational(self, i: int) -> int:
        i = self.additive(i)
        token = self.at(i)
        if token is None:
            return i
        if token.kind == "op" and token.text in _COMPARISON:
            return self.additive(i + 1)
        if token.key == "IN":
            return self.arguments(i + 1)
        if token.key == "NOT" and self.is_(i + 1, "IN"):
            return self.arguments(i + 2)
        return i

    def additive(self, i: int) -> int:
        operands = [(i, self.multiplicative(i))]
        while self.is_(operands[-1][1], "+", "-"):
            start = operands[-1][1] + 1
            operands.append((start, self.multiplicative(start)))
        self.chain(operands)
        return operands[-1][1]

    def multiplicative(self, i: int) -> int:
        operands = [(i, self.unary(i))]
        while self.is_(operands[-1][1], "*", "/"):
            start = operands[-1][1] + 1
            operands.append((start, self.unary(start)))
        self.chain(operands)
        return operands[-1][1]

    def unary(self, i: int) -> int:
        while self.is_(i, "!", "+", "-"):
            i += 1
        return self.primary(i)

    def primary(self, i: int) -> int:
        token = self.at(i)
        if token is None:
            raise _Unparsable("the query ends inside an expression")
        if token.key == "(":
            return self.expect(self.expression(i + 1), ")")
        if token.kind in ("var", "number"):
            return i + 1
        if token.kind == "string":
            i += 1
            following = self.at(i)
            if following is not None and following.kind == "lang":
                return i + 1
            if self.is_(i, "^^"):
                datatype = self.at(i + 1)
                if datatype is None or datatype.kind not in ("iri", "name"):
                    raise _Unparsable("^^ needs a datatype IRI")
                return i + 2
            return i
        if token.kind == "name" and token.key in ("TRUE", "FALSE") and not self.is_(i + 1, "("):
            return i + 1
        if token.key == "NOT" and self.is_(i + 1, "EXISTS"):
            i += 1
            token = self.tokens[i]
        if token.key == "EXISTS":
            return self.pattern(self.expect(i + 1, "{"))
        if token.kind in ("name", "iri"):
            if self.is_(i + 1, "("):
                return self.arguments(i + 1)
            if token.kind == "iri" or ":" in token.text:
                return i + 1
        raise _Unparsable(f"unexpected {token.text!r} in an expression at offset {token.start}")

    def arguments(self, i: int) -> int:
        """An argument list from its '(': also NIL, COUNT(*), DISTINCT and GROUP_CONCAT's
        separator."""
        i = self.expect(i, "(")
        if self.is_(i, ")"):
            return i + 1
        if self.is_(i, "DISTINCT"):
            i += 1
        if self.is_(i, "*"):
            return self.expect(i + 1, ")")
        i = self.expression(i)
        while self.is_(i, ","):
            i = self.expression(i + 1)
        if self.is_(i, ";"):
            i = self.expect(self.expect(i + 1, "SEPARATOR"), "=")
            token = self.at(i)
            if token is None or token.kind != "string":
                raise _Unparsable("SEPARATOR needs a string")
            i += 1
        return self.expect(i, ")")


# --- loading -----------------------------------------------------------------------------------

_cache: dict[tuple[str, int, int], Graph] = {}


def _file_key(path: Path, what: str) -> tuple[str, int, int]:
    try:
        stat = os.stat(path)
    except OSError:
        raise ValidationError(f"{what} file not found", path) from None
    return (str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size)


def _load_turtle(path: Path, what: str) -> Graph:
    """Parse a Turtle file once per version of the file (keyed by path, mtime and size)."""
    key = _file_key(path, what)
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
