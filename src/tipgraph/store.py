"""Where a built graph lives: one interface over three kinds of store.

=====================  ==============================  ============================================
store                  ``--store``                     for
=====================  ==============================  ============================================
:class:`MemoryStore`   (none: a graph file is read)    a few articles: rdflib ``Dataset`` in memory
:class:`OxigraphStore` ``--store DIR``                 corpora: pyoxigraph's embedded, persistent
                                                       store in a folder
:class:`SparqlStore`   ``--store http://.../query``    any SPARQL 1.1 server: queries over the
                                                       SPARQL protocol, named graphs written with
                                                       the Graph Store Protocol
=====================  ==============================  ============================================

Every store holds one named graph per article (``tgid:graph/{id}``) and the graphs that linking
and ``--include`` add. What a store can do:

- :meth:`Store.graph_names`, :meth:`Store.graph` (one named graph as an rdflib ``Graph``),
  :meth:`Store.quads` (everything, for export);
- :meth:`Store.select` runs a SPARQL SELECT over the union of the named graphs with parameters
  bound (rdflib: ``initBindings``; pyoxigraph and servers: a ``VALUES`` block at the head of the
  query's outer group, :func:`bind_values`) and gives a :class:`tipgraph.query.QueryResult` of rdflib
  terms, so a saved query gives the same rows on every store;
- :meth:`Store.replace_graphs` puts new versions of whole named graphs in place, each in one
  step (in the embedded store an atomic bulk ingestion for graphs not there yet, a transaction
  that writes only the difference for the others; one ``PUT`` of the Graph Store Protocol): a
  reader sees either the old graph or the new one, never half of one; :meth:`Store.drop_graph`.

A store folder (``--store DIR``) holds the database in ``DIR/oxigraph`` (open it with
``pyoxigraph.Store("DIR/oxigraph")`` or ``oxigraph serve --location DIR/oxigraph``), the
mapper output cache of incremental builds in ``DIR/mapped`` and ``DIR/tipgraph-store.json``,
which marks the folder as a tipgraph store.

A server's default graph must be the union of its named graphs, as tipgraph's queries expect:
``oxigraph serve --union-default-graph``, Fuseki's ``tdb2:unionDefaultGraph true``; GraphDB,
Virtuoso and QLever query all graphs by default. ``docs/stores.md`` says how to point tipgraph at
each. User name and password for a server come from ``TIPGRAPH_STORE_USER`` and
``TIPGRAPH_STORE_PASSWORD``; ``TIPGRAPH_STORE_AUTH=digest`` selects HTTP digest authentication
(Virtuoso) instead of basic.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from .errors import StoreError
from .export import nt_term

__all__ = ["Store", "MemoryStore", "OxigraphStore", "SparqlStore", "open_store", "is_store_url",
           "STORE_MARKER", "nt_term", "nt_lines"]

STORE_MARKER = "tipgraph-store.json"
_LAYOUT_VERSION = 1
_RDF_LANGSTRING = str(RDF.langString)
_XSD_STRING = str(XSD.string)


# ------------------------------------------------------------------------------------------------
# N-Triples terms: the one text form every store reads
# ------------------------------------------------------------------------------------------------

def nt_lines(triples: Iterable[tuple[Node, Node, Node]]) -> list[str]:
    """Triples as sorted, de-duplicated N-Triples lines (without the final newline)."""
    # An article's few hundred IRIs each occur in many of its thousands of triples: write each
    # once. Only IRIs and blank nodes are remembered: they are equal exactly when they are
    # written the same way, which literals are not ("01" and "1" as xsd:integer, "@EN" and
    # "@en" are equal rdflib terms).
    written: dict[Node, str] = {}
    known = written.get
    lines = set()
    for s, p, o in triples:
        a = known(s)
        if a is None:
            a = nt_term(s)
            if not isinstance(s, Literal):
                written[s] = a
        b = known(p)
        if b is None:
            b = written[p] = nt_term(p)
        if isinstance(o, Literal):
            c = nt_term(o)
        else:
            c = known(o)
            if c is None:
                c = written[o] = nt_term(o)
        lines.add(f"{a} {b} {c} .")
    return sorted(lines)


# ------------------------------------------------------------------------------------------------
# The interface
# ------------------------------------------------------------------------------------------------

class Store(ABC):
    """A place that holds named graphs and answers SPARQL queries."""

    #: what to call the store in messages ("out/store", "http://127.0.0.1:7878/query")
    location: str

    @abstractmethod
    def graph_names(self) -> list[URIRef]:
        """The named graphs, sorted by IRI."""

    @abstractmethod
    def graph(self, name: URIRef) -> Graph:
        """A copy of one named graph (empty when there is no such graph)."""

    @abstractmethod
    def quads(self) -> Iterator[tuple[Node, Node, Node, URIRef | None]]:
        """Every statement with its graph (``None``: the default graph)."""

    @abstractmethod
    def select(self, text: str, bindings: Mapping[str, Node] | None = None):
        """Run a SPARQL SELECT over the union of the named graphs; a
        :class:`tipgraph.query.QueryResult`. ``bindings`` pre-binds variables (by name)."""

    @abstractmethod
    def replace_graphs(self, graphs: Iterable[tuple[URIRef, Iterable[str]]]) -> None:
        """Put each ``(name, N-Triples lines)`` in place of the named graph ``name``; each graph
        is replaced in one step, so readers see the old or the new version."""

    @abstractmethod
    def drop_graph(self, name: URIRef) -> None:
        """Remove one named graph (nothing happens when it is not there)."""

    def dataset(self) -> Dataset:
        """Everything in an rdflib ``Dataset`` (``default_union=True``): for small stores."""
        from .namespace import bind_prefixes

        dataset = Dataset(default_union=True)
        bind_prefixes(dataset)
        for s, p, o, g in self.quads():
            if g is None:
                dataset.add((s, p, o))
            else:
                dataset.graph(g).add((s, p, o))
        return dataset

    def __len__(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        return int(rows[0][0]) if rows else 0

    def close(self) -> None:
        """Release the store (files, connections)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _result(variables: list[str], rows: list[tuple]):
    from .query import QueryResult

    return QueryResult(vars=variables, rows=rows)


# ------------------------------------------------------------------------------------------------
# rdflib in memory
# ------------------------------------------------------------------------------------------------

class MemoryStore(Store):
    """An rdflib ``Dataset`` in memory: the default, and what a graph file is read into."""

    def __init__(self, dataset: Dataset | None = None, location: str = "memory"):
        from .namespace import bind_prefixes

        if dataset is None:
            dataset = Dataset(default_union=True)
            bind_prefixes(dataset)
        self._dataset = dataset
        self.location = location

    def graph_names(self) -> list[URIRef]:
        return sorted((g.identifier for g in self._dataset.graphs()
                       if isinstance(g.identifier, URIRef) and len(g)
                       and g.identifier != _RDFLIB_DEFAULT), key=str)

    def graph(self, name: URIRef) -> Graph:
        from .namespace import bind_prefixes

        copy = Graph(identifier=name)
        bind_prefixes(copy)
        for triple in self._dataset.graph(name):
            copy.add(triple)
        return copy

    def quads(self):
        for s, p, o, g in self._dataset.quads((None, None, None, None)):
            name = getattr(g, "identifier", g)
            yield s, p, o, (None if name in (None, _RDFLIB_DEFAULT) else name)

    def select(self, text, bindings=None):
        from .query import _union_view

        result = _union_view(self._dataset).query(
            text, initBindings={Variable(k): v for k, v in (bindings or {}).items()})
        return _result([str(v) for v in result.vars or []], [tuple(row) for row in result])

    def replace_graphs(self, graphs):
        for name, lines in graphs:
            graph = Graph()
            graph.parse(data="\n".join(lines) + "\n", format="nt")
            self._dataset.remove_graph(self._dataset.graph(name))
            target = self._dataset.graph(name)
            for triple in graph:
                target.add(triple)

    def drop_graph(self, name):
        self._dataset.remove_graph(self._dataset.graph(name))

    def dataset(self) -> Dataset:
        return self._dataset

    def __len__(self) -> int:
        return len(self._dataset)


_RDFLIB_DEFAULT = URIRef("urn:x-rdflib:default")


# ------------------------------------------------------------------------------------------------
# pyoxigraph, embedded
# ------------------------------------------------------------------------------------------------

def _to_rdflib(term) -> Node | None:
    """A pyoxigraph term as the rdflib term it is."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.DefaultGraph):
        return None
    raise StoreError(f"tipgraph does not read {type(term).__name__} terms")




def _ox():
    import pyoxigraph

    return pyoxigraph


# The default graph of a store (embedded or server) is the union of its named graphs, kept by
# tipgraph itself: a set of triples, each once however many articles state it. Oxigraph's own
# union default graph (and RDF4J's) is a bag, one match per graph, which gives queries duplicate
# rows and multiplies the work of every OPTIONAL; and not every server offers one.
def _in_union(pattern: str, union: URIRef | None) -> str:
    return pattern if union is None else f"GRAPH <{union}> {{ {pattern} }}"


def _unshare(name: URIRef, union: URIRef | None = None) -> str:
    """Take out of the union the triples that only the graph ``name`` holds."""
    return (f"DELETE {{ {_in_union('?s ?p ?o', union)} }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} "
            f"FILTER (?other != <{name}>{f' && ?other != <{union}>' if union else ''}) }} }}")


def _union_update(name: URIRef, lines: list[str], union: URIRef | None = None) -> str:
    """Make the union hold ``lines`` instead of the old version of the graph ``name``."""
    body = "\n".join(lines)
    return f"{_unshare(name, union)} ;\nINSERT DATA {{ {_in_union(chr(10) + body + chr(10), union)} }}"


def _replace_update(name: URIRef, lines: list[str]) -> str:
    """One SPARQL update that puts ``lines`` in place of the graph ``name``, union included."""
    body = "\n".join(lines)
    return (f"{_unshare(name)} ;\nDROP SILENT GRAPH <{name}> ;\n"
            f"INSERT DATA {{ GRAPH <{name}> {{\n{body}\n}} }} ;\nINSERT DATA {{\n{body}\n}}")


def _patch_update(name: URIRef, old: Iterable[str], new: list[str]) -> str | None:
    """One SPARQL update that turns the graph ``name`` holding the N-Triples lines ``old``
    into one holding ``new``, union included, by writing only the difference: the lines that
    go out of the graph (and out of the union, unless another graph holds them), the lines
    that come in. A triple written one way before and another way now (other escapes) goes
    out and comes back in the same update. ``None`` when that cannot be said with data
    (blank nodes: their labels are the store's own), or when the graph is to be empty."""
    if not new:
        return None
    old_set, new_set = set(old), set(new)
    gone = sorted(old_set - new_set)
    come = sorted(new_set - old_set)
    if any("_:" in line for line in gone) or any("_:" in line for line in come):
        return None
    parts = []
    if gone:
        body = "\n".join(gone)
        rows = "\n".join(f"({' '.join(line[:-2].split(' ', 2))})" for line in gone)
        parts.append(f"DELETE DATA {{ GRAPH <{name}> {{\n{body}\n}} }}")
    if come:
        body = "\n".join(come)
        parts.append(f"INSERT DATA {{ GRAPH <{name}> {{\n{body}\n}} }}")
    if gone:   # out of the union what no graph holds any more
        parts.append(f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES (?s ?p ?o) {{\n{rows}\n}} "
                     f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} }} }}")
    if come:
        parts.append(f"INSERT DATA {{\n{body}\n}}")
    return " ;\n".join(parts)


def _nquads(graphs: Iterable[tuple[URIRef, list[str]]]) -> str:
    """N-Triples lines as N-Quads: each in its named graph and in the default graph (the
    union)."""
    parts = []
    for name, lines in graphs:
        label = f"<{name}> .\n"
        parts.extend(f"{line[:-1]}{label}{line}\n" for line in lines)
    return "".join(parts)


def _drop_update(name: URIRef) -> str:
    return f"{_unshare(name)} ;\nDROP SILENT GRAPH <{name}>"


class OxigraphStore(Store):
    """pyoxigraph's persistent store in a folder (``--store DIR``), or in memory (``path=None``).

    ``read_only=True`` opens an existing store for reading, so that several processes (a build
    reading while a server serves) can share it."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False,
                 create: bool = True):
        import pyoxigraph as ox

        self.folder = Path(path) if path is not None else None
        self.location = str(path) if path is not None else "memory (oxigraph)"
        if self.folder is None:
            self._store = ox.Store()
            return
        marker = self.folder / STORE_MARKER
        if not marker.exists():
            if self.folder.exists() and any(self.folder.iterdir()):
                raise StoreError("is not a tipgraph store (no tipgraph-store.json) and not "
                                 "empty", self.folder)
            if read_only or not create:
                raise StoreError("no such store (build one with tipgraph build ... --store "
                                 "DIR)", self.folder)
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_marker(marker)
        else:
            _check_marker(marker)
        try:
            self._store = (ox.Store.read_only(str(self.database)) if read_only
                           else ox.Store(str(self.database)))
        except OSError as exc:
            reason = " ".join(str(exc).split())
            if "lock" in reason.lower():
                reason = "it is open in another process (a running build or server?)"
            raise StoreError(f"cannot open the store: {reason}", self.folder) from exc
        if not read_only:
            # A bulk load (replace_graphs) that was killed leaves the files it had not yet
            # handed to the database; they are no part of it (ingested files get RocksDB's own
            # names), and no one else writes here while this process holds the database's lock.
            for leftover in self.database.glob("bulk-*.sst"):
                try:
                    leftover.unlink()
                except OSError:
                    pass

    @property
    def database(self) -> Path:
        return self.folder / "oxigraph"

    @property
    def cache(self) -> Path | None:
        """Where incremental builds keep each article's mapper output."""
        return self.folder / "mapped" if self.folder is not None else None

    @property
    def projection(self) -> Path | None:
        """Where builds keep what each article graph contributes to the people's view
        (:class:`tipgraph.project.Part`), so that drawing a corpus reads no article twice."""
        return self.folder / "projection" if self.folder is not None else None

    @property
    def native(self):
        """The ``pyoxigraph.Store`` itself."""
        return self._store

    def graph_names(self):
        import pyoxigraph as ox

        return sorted((URIRef(g.value) for g in self._store.named_graphs()
                       if isinstance(g, ox.NamedNode)), key=str)

    def graph(self, name):
        import pyoxigraph as ox

        from .namespace import bind_prefixes

        copy = Graph(identifier=name)
        bind_prefixes(copy)
        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(name))):
            copy.add((_to_rdflib(quad.subject), _to_rdflib(quad.predicate),
                      _to_rdflib(quad.object)))
        return copy

    def quads(self):
        for quad in self._store:
            if isinstance(quad.graph_name, _ox().DefaultGraph):
                continue   # the union copy (see _replace_update)
            yield (_to_rdflib(quad.subject), _to_rdflib(quad.predicate), _to_rdflib(quad.object),
                   _to_rdflib(quad.graph_name))

    def select(self, text, bindings=None):
        import pyoxigraph as ox

        if bindings:   # pyoxigraph substitutes only variables of the projection
            text = bind_values(text, bindings)
        try:
            solutions = self._store.query(text)
        except (SyntaxError, RuntimeError) as exc:
            raise StoreError(f"query failed: {' '.join(str(exc).split())}") from exc
        except OSError as exc:
            raise StoreError(f"query failed: {' '.join(str(exc).split())}", self.location) \
                from exc
        if not isinstance(solutions, ox.QuerySolutions):
            raise StoreError("only SELECT queries give rows")
        variables = [v.value for v in solutions.variables]
        rows = [tuple(_to_rdflib(solution[v]) for v in variables) for solution in solutions]
        return _result(variables, rows)

    #: At most this many quads go to Oxigraph's bulk loader at once. It writes up to a million
    #: quads (its batch) as one set of files, one per index, which RocksDB ingests in one
    #: atomic step; staying well below that keeps every graph of one call in one step.
    BULK_QUADS = 400_000

    def replace_graphs(self, graphs):
        """New graphs (not in the store yet) are bulk-loaded, many at once, each whole in one
        atomic ingestion of files (see :attr:`BULK_QUADS`): two to three times faster than a
        transaction, and what is written goes to disk at once instead of piling up in
        RocksDB's write buffers. A graph's statements about itself (the build record of an
        article, ``tgid:graph/{id} tg:inputHash ...``) follow in one transaction once all the
        graphs are in: a graph that holds its record holds all of itself, whatever happens to
        the bulk load. Graphs that are there already are changed in one SPARQL update (one
        transaction) that writes only what differs from the version in the store, in the
        graph and in the union (:func:`_patch_update`; all of it where blank nodes are
        involved)."""
        ox = _ox()
        graphs = [(name, lines if isinstance(lines, list) else list(lines))
                  for name, lines in graphs]
        there = {name: self._store.contains_named_graph(ox.NamedNode(str(name)))
                 for name, _ in graphs}
        new = [(name, lines) for name, lines in graphs if not there[name]]
        old = [(name, lines) for name, lines in graphs if there[name]]
        if new:
            self._load_new(new)
        if old:   # one transaction: what changed in each graph (and the union), and only that
            updates = []
            for name, lines in old:
                patch = _patch_update(name, self._lines(name), lines)
                updates.append(_replace_update(name, lines) if patch is None else patch)
            updates = [update for update in updates if update]
            if updates:
                self._update(" ;\n".join(updates))

    def _lines(self, name: URIRef) -> list[str]:
        """The N-Triples lines of one named graph, as the store writes them."""
        ox = _ox()
        text = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(name)))
        return (text.decode("utf-8") if isinstance(text, bytes) else text).splitlines()

    def _load_new(self, graphs: list[tuple[URIRef, list[str]]]) -> None:
        """Graphs not in the store yet, each in its named graph and in the union."""
        if self.folder is None:   # in memory: one transaction
            self._load(_nquads(graphs), bulk=False)
            return
        records: list[tuple[URIRef, list[str]]] = []
        chunk: list[tuple[URIRef, list[str]]] = []
        size = 0
        for name, lines in graphs:
            own = f"<{name}> "
            body = [line for line in lines if not line.startswith(own)]
            records.append((name, [line for line in lines if line.startswith(own)]))
            if 2 * len(body) > self.BULK_QUADS:   # too big to be sure of one step
                self._load(_nquads([(name, body)]), bulk=False)
                continue
            if chunk and size + 2 * len(body) > self.BULK_QUADS:
                self._load(_nquads(chunk), bulk=True)
                chunk, size = [], 0
            chunk.append((name, body))
            size += 2 * len(body)
        if chunk:
            self._load(_nquads(chunk), bulk=True)
        if any(lines for _, lines in records):
            self._load(_nquads(records), bulk=False)

    def _load(self, text: str, bulk: bool) -> None:
        if not text:
            return
        ox = _ox()
        try:
            if bulk:
                self._store.bulk_load(input=text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
            else:
                self._store.load(input=text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot write: {' '.join(str(exc).split())}",
                             self.location) from exc

    def _update(self, text: str) -> None:
        try:
            self._store.update(text)
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"cannot write: {' '.join(str(exc).split())}",
                             self.location) from exc

    def drop_graph(self, name):
        self._update(_drop_update(name))

    def view(self) -> "OxigraphView":
        """A read-only view with rdflib's pattern methods (``triples``, ``quads``), read
        straight from the store: what :func:`tipgraph.project.project` needs, without loading
        the whole store into rdflib."""
        return OxigraphView(self._store)

    def export(self, fmt: str, target: str | Path) -> Path:
        """Write the store with Oxigraph's own serialisers (tens of times faster than rdflib's):
        ``ttl`` and ``nt`` the union, ``trig`` and ``nq`` the named graphs in IRI order; the same
        store content gives the same bytes. ``jsonld`` is tipgraph's own compacted JSON-LD
        (:func:`tipgraph.export.write_jsonld`, the same bytes as a file's export), written one
        named graph at a time so that memory stays that of one article."""
        from .export import atomic_output, write_jsonld
        from .namespace import PREFIXES

        ox = _ox()
        formats = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                   "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS}
        target = Path(target)
        if fmt == "jsonld":
            # the default graph holds only the union copy of the named graphs: not exported
            return write_jsonld(target, [], self.graph_names(), self.view().graph_triples)
        if fmt not in formats:
            raise StoreError(f"unknown export format {fmt!r}", target)
        if fmt in ("ttl", "nt"):
            quads = (ox.Triple(q.subject, q.predicate, q.object) for q in
                     self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        else:
            graphs = sorted((g for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)),
                            key=lambda g: g.value)
            quads = (q for g in graphs for q in self._store.quads_for_pattern(None, None, None, g))
        prefixes = {k: str(v) for k, v in PREFIXES.items()} if fmt in ("ttl", "trig") else None
        with atomic_output(target) as handle:
            try:
                ox.serialize(quads, handle, formats[fmt], prefixes=prefixes)
            except (OSError, ValueError, TypeError) as exc:
                raise StoreError(f"cannot export: {' '.join(str(exc).split())}", target) from exc
        return target

    def load_file(self, path: Path, graph: URIRef | None = None) -> None:
        """Bulk-load a graph file (fast, not transactional; for new stores)."""
        import pyoxigraph as ox

        fmt = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS,
               ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}.get(path.suffix.lower())
        if fmt is None:
            raise StoreError("only .trig, .nq, .ttl and .nt files load into an oxigraph store",
                             path)
        try:
            self._store.bulk_load(path=str(path), format=fmt,
                                  to_graph=ox.NamedNode(str(graph)) if graph else None)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot load: {' '.join(str(exc).split())}", path) from exc

    def __len__(self) -> int:
        return len(self._store)

    def close(self) -> None:
        if getattr(self, "_store", None) is not None:
            try:
                self._store.flush()
            except (OSError, RuntimeError):   # read-only handles have nothing to flush
                pass
            self._store = None


class OxigraphView:
    """rdflib-style pattern access to a pyoxigraph store: ``triples`` reads the union (the
    default graph, each triple once), ``quads`` the named graphs."""

    def __init__(self, store):
        self._store = store

    @staticmethod
    def _term(term):
        if term is None:
            return None
        if isinstance(term, URIRef):
            return _ox().NamedNode(str(term))
        raise StoreError("a view of a store matches on IRIs only")

    def triples(self, pattern):
        s, p, o = pattern
        ox = _ox()
        for quad in self._store.quads_for_pattern(self._term(s), self._term(p), self._term(o),
                                                  ox.DefaultGraph()):
            yield _to_rdflib(quad.subject), _to_rdflib(quad.predicate), _to_rdflib(quad.object)

    def quads(self, pattern):
        s, p, o, _g = pattern
        ox = _ox()
        for quad in self._store.quads_for_pattern(self._term(s), self._term(p), self._term(o)):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                continue
            yield (_to_rdflib(quad.subject), _to_rdflib(quad.predicate),
                   _to_rdflib(quad.object), URIRef(quad.graph_name.value))

    def graphs(self):
        ox = _ox()
        return [Graph(identifier=URIRef(g.value)) for g in self._store.named_graphs()
                if isinstance(g, ox.NamedNode)]

    def graph_triples(self, name: URIRef):
        """The statements of one named graph, as rdflib triples."""
        ox = _ox()
        memo: dict = {}     # a graph names the same subjects and predicates many times

        def term(node):
            found = memo.get(node)
            if found is None:
                found = memo[node] = _to_rdflib(node)
            return found

        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(name))):
            yield term(quad.subject), term(quad.predicate), term(quad.object)

    # lookups that make no rdflib terms: a term is (rdflib class name, text)

    _KIND = {"NamedNode": "URIRef", "Literal": "Literal", "BlankNode": "BNode"}

    def object_keys(self, subject: str, predicate: str) -> list[tuple[str, str]]:
        """The objects of ``subject`` (an IRI) and ``predicate`` in the union."""
        ox = _ox()
        kind = self._KIND
        return [(kind[type(q.object).__name__], q.object.value) for q in
                self._store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate),
                                              None, ox.DefaultGraph())]

    def object_keys_many(self, subjects: Iterable[str], predicates: Iterable[str]
                         ) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """:meth:`object_keys` of every subject and predicate given: (subject, predicate) ->
        objects, for the pairs that have some. (One index lookup per pair: here as fast as a
        SPARQL query with the subjects as VALUES, and faster than reading whole subjects.)"""
        predicates = list(predicates)
        out: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for subject in sorted(set(subjects)):
            for predicate in predicates:
                found = self.object_keys(subject, predicate)
                if found:
                    out[(subject, predicate)] = found
        return out

    def subject_graphs(self, predicate: str, obj: str) -> list[tuple[str, str]]:
        """(subject, named graph IRI) of the statements ``? predicate obj`` (``obj`` an IRI)."""
        ox = _ox()
        return [(q.subject.value, q.graph_name.value) for q in
                self._store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(obj))
                if isinstance(q.graph_name, ox.NamedNode) and isinstance(q.subject, ox.NamedNode)]


def _write_marker(path: Path) -> None:
    from .export import write_atomically

    text = json.dumps({"tipgraph-store": _LAYOUT_VERSION, "database": "oxigraph",
                       "cache": "mapped"}, indent=2, sort_keys=True) + "\n"
    write_atomically(path, text.encode("utf-8"))


def _check_marker(path: Path) -> None:
    try:
        marker = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"unreadable store marker: {exc}", path) from exc
    if not isinstance(marker, dict) or marker.get("tipgraph-store") != _LAYOUT_VERSION:
        raise StoreError(f"a store of another layout (this tipgraph reads layout "
                         f"{_LAYOUT_VERSION})", path)


# ------------------------------------------------------------------------------------------------
# A SPARQL 1.1 server
# ------------------------------------------------------------------------------------------------

class SparqlStore(Store):
    """Any SPARQL 1.1 server.

    - ``query_url`` answers the SPARQL protocol (queries, and CONSTRUCT to read one graph);
    - ``graph_store_url`` the Graph Store Protocol: ``PUT ?graph=IRI`` replaces one article's
      graph in one request, ``DELETE`` drops it;
    - ``update_url`` SPARQL Update, with which tipgraph keeps the union of the named graphs in the
      default graph (one request per article, made before its ``PUT``: a reader of the default
      graph sees the old article or the new one).

    ``union_graph``: for servers whose default graph is every graph at once (GraphDB, Virtuoso),
    the graph to keep the union in instead; queries then name it as their default graph
    (``default-graph-uri``). GraphDB: ``http://rdf4j.org/schema/rdf4j#nil``.

    Endpoints not given come from ``TIPGRAPH_GRAPH_STORE_URL``, ``TIPGRAPH_UPDATE_URL`` and
    ``TIPGRAPH_UNION_GRAPH``, else, when ``query_url`` ends in ``/query`` (Oxigraph's layout),
    ``/store`` and ``/update`` next to it. Credentials: the arguments or
    ``TIPGRAPH_STORE_USER``/``TIPGRAPH_STORE_PASSWORD``; ``auth="digest"`` (or
    ``TIPGRAPH_STORE_AUTH=digest``) uses HTTP digest authentication (Virtuoso)."""

    def __init__(self, query_url: str, graph_store_url: str | None = None,
                 update_url: str | None = None, *, union_graph: str | None = None,
                 user: str | None = None, password: str | None = None,
                 auth: str | None = None, timeout: float = 300.0):
        self.query_url = query_url
        self.location = query_url
        base = query_url.rstrip("/")
        oxigraph_layout = base.endswith("/query")
        self.graph_store_url = graph_store_url or os.environ.get("TIPGRAPH_GRAPH_STORE_URL") \
            or (base[: -len("query")] + "store" if oxigraph_layout else None)
        self.update_url = update_url or os.environ.get("TIPGRAPH_UPDATE_URL") \
            or (base[: -len("query")] + "update" if oxigraph_layout else None)
        union = union_graph or os.environ.get("TIPGRAPH_UNION_GRAPH") or None
        self.union_graph = URIRef(union) if union else None
        self.timeout = timeout
        user = user if user is not None else os.environ.get("TIPGRAPH_STORE_USER")
        password = password if password is not None else \
            os.environ.get("TIPGRAPH_STORE_PASSWORD", "")
        auth = (auth or os.environ.get("TIPGRAPH_STORE_AUTH") or "basic").lower()
        if auth not in ("basic", "digest"):
            raise StoreError(f"TIPGRAPH_STORE_AUTH must be basic or digest, not {auth!r}")
        handlers: list = [urllib.request.ProxyHandler({})] if _is_loopback(query_url) else []
        if user:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in filter(None, (query_url, self.graph_store_url, self.update_url)):
                manager.add_password(None, url, user, password)
            handlers.append(urllib.request.HTTPDigestAuthHandler(manager) if auth == "digest"
                            else urllib.request.HTTPBasicAuthHandler(manager))
        self._opener = urllib.request.build_opener(*handlers)

    # -- HTTP --------------------------------------------------------------------------------

    def _send(self, request: urllib.request.Request, what: str) -> bytes:
        from .query import user_agent

        request.add_header("User-Agent", user_agent())
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace")
            detail = " ".join(detail.split())
            raise StoreError(f"{what}: HTTP {exc.code} {exc.reason}"
                             + (f": {detail}" if detail else ""), request.full_url) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"{what}: cannot reach the server ({reason})",
                             request.full_url) from None

    def _query(self, text: str, accept: str) -> bytes:
        fields = {"query": text}
        if self.union_graph is not None:
            fields["default-graph-uri"] = str(self.union_graph)
        body = urllib.parse.urlencode(fields).encode("utf-8")
        request = urllib.request.Request(self.query_url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
        return self._send(request, "query failed")

    def _update(self, text: str) -> None:
        if not self.update_url:
            raise StoreError("writing needs the server's SPARQL Update endpoint: set "
                             "TIPGRAPH_UPDATE_URL (see docs/stores.md)", self.query_url)
        body = urllib.parse.urlencode({"update": text}).encode("utf-8")
        request = urllib.request.Request(self.update_url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        self._send(request, "cannot update the default graph")

    def _graph_url(self, name: URIRef) -> str:
        if not self.graph_store_url:
            raise StoreError("writing needs the server's Graph Store Protocol endpoint: set "
                             "TIPGRAPH_GRAPH_STORE_URL (see docs/stores.md)", self.query_url)
        sep = "&" if "?" in self.graph_store_url else "?"
        return f"{self.graph_store_url}{sep}{urllib.parse.urlencode({'graph': str(name)})}"

    # -- the interface -------------------------------------------------------------------------

    def graph_names(self):
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        return sorted((row[0] for row in rows
                       if isinstance(row[0], URIRef) and row[0] != self.union_graph), key=str)

    def graph(self, name):
        from .namespace import bind_prefixes

        data = self._query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}",
                           "application/n-triples")
        copy = Graph(identifier=name)
        bind_prefixes(copy)
        copy.parse(data=data.decode("utf-8"), format="nt")
        return copy

    def quads(self):
        for name in self.graph_names():
            for s, p, o in self.graph(name):
                yield s, p, o, name

    def select(self, text, bindings=None):
        import io

        from rdflib.query import Result

        if bindings:
            text = bind_values(text, bindings)
        data = self._query(text, "application/sparql-results+json")
        try:
            result = Result.parse(io.BytesIO(data), format="json")
        except Exception as exc:
            raise StoreError(f"the server's answer is not SPARQL JSON results "
                             f"({type(exc).__name__})", self.query_url) from exc
        variables = [str(v) for v in result.vars or []]
        rows = [tuple(_plain(row.get(Variable(v))) for v in variables)
                for row in result.bindings]
        return _result(variables, rows)

    def replace_graphs(self, graphs):
        for name, lines in graphs:
            self._update(_union_update(name, lines, self.union_graph))
            body = ("\n".join(lines) + "\n").encode("utf-8")
            request = urllib.request.Request(self._graph_url(name), data=body, method="PUT",
                                             headers={"Content-Type": "application/n-triples"})
            self._send(request, "cannot write the graph")

    def drop_graph(self, name):
        self._update(_unshare(name, self.union_graph))
        request = urllib.request.Request(self._graph_url(name), method="DELETE")
        try:
            self._send(request, "cannot drop the graph")
        except StoreError as exc:
            if "HTTP 404" not in str(exc):
                raise


def _plain(term: Node | None) -> Node | None:
    """rdflib's JSON results parser keeps an explicit xsd:string; the other stores do not."""
    if isinstance(term, Literal) and term.datatype is not None and \
            str(term.datatype) == _XSD_STRING:
        return Literal(str(term))
    return term


def _is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    return host in ("127.0.0.1", "localhost", "::1")


def bind_values(text: str, bindings: Mapping[str, Node]) -> str:
    """``text`` with ``VALUES (?a ?b) { (term term) }`` as the first element of the query's outer
    group, so that every pattern and FILTER of that group sees the values bound, as rdflib's
    ``initBindings`` does. Terms are written in N-Triples syntax (escaped), never pasted."""
    names = sorted(bindings)
    head = "VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + \
        " ".join(nt_term(bindings[n]) for n in names) + ") }\n"
    at = _outer_group(text)
    return text[: at + 1] + "\n" + head + text[at + 1:]


def _outer_group(text: str) -> int:
    """The offset of the ``{`` that opens the query's WHERE group (skipping comments, strings
    and IRIs of the prologue and projection)."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if c in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        if c == "<":
            end = text.find(">", i)
            if end > 0 and not any(ch in text[i + 1:end] for ch in " \n\t"):
                i = end + 1
                continue
        if c == "{":
            return i
        i += 1
    raise StoreError("the query has no WHERE group to bind parameters in")


# ------------------------------------------------------------------------------------------------
# Opening a store from a --store value
# ------------------------------------------------------------------------------------------------

def is_store_url(spec: str | Path) -> bool:
    return str(spec).startswith(("http://", "https://"))


def open_store(spec: str | Path, *, create: bool = False, read_only: bool = False) -> Store:
    """The store a ``--store`` value names: an ``http(s)://`` URL is a SPARQL server, anything
    else a store folder (created when ``create`` and missing)."""
    if is_store_url(spec):
        return SparqlStore(str(spec))
    return OxigraphStore(Path(spec), read_only=read_only, create=create)
