"""``tipgraph serve``: a SPARQL 1.1 endpoint over graph files or a store folder, with a query page.

::

    tipgraph serve out/store                  # a store folder (tipgraph build ... --store DIR)
    tipgraph serve out/corpus.trig            # graph files (.trig .nq .ttl .nt .jsonld)

The server listens on 127.0.0.1 (``--host``), port 7878 (``--port``), and answers:

- ``/``: the query page (offline: its script and style come from this server, and a
  Content-Security-Policy forbids every other origin), with the saved queries one click away;
- ``/sparql``: the SPARQL 1.1 Protocol. Queries by ``GET ?query=`` or ``POST`` (a form with
  ``query=``, or the query itself as ``application/sparql-query``), with ``default-graph-uri`` and
  ``named-graph-uri``; results by content negotiation (SPARQL JSON by default, XML, CSV, TSV;
  Turtle, N-Triples, RDF/XML or JSON-LD for CONSTRUCT and DESCRIBE) or a ``format=`` parameter.
  Updates (a form with ``update=``, or ``application/sparql-update``) only with
  ``--allow-update``, else 403. A parameter ``$NAME=VALUE`` binds the variable ``?NAME`` to a
  term the way ``tipgraph query --param`` does (an extension: saved queries' parameters).

The data. A store folder is served as it is: its default graph already holds the union of its
named graphs, a set kept by tipgraph (see :mod:`tipgraph.store`), and queries read that default
graph. Graph files are loaded into a temporary store of the same layout: each named graph as
in the file, the triples a file has outside any named graph in the graph
``tgid:graph/include/{file name}`` (as ``tipgraph build --include`` names them), and the union
of all of them in the default graph. The temporary store is deleted when the server stops; an
update changes it, never the files.

Timeouts. pyoxigraph cannot cancel a query, so queries run in worker processes (``--workers``,
each with its own read-only handle on the database, ``pyoxigraph.Store.read_only``): a query that
runs longer than ``--timeout`` seconds is answered with 503, its worker is killed and replaced,
and the other workers go on serving. Nothing is forked from a process that has the database open:
workers are fresh interpreters.

Updates (``--allow-update``). RocksDB must not be written while another process reads it
read-only, so an update waits until no query runs (queries that come meanwhile wait for it), the
workers close their handles, a fresh process opens the database for writing, applies the update
and, in the same transaction, makes the default graph the union of the named graphs again, then
closes it; the workers reopen it for the next query. An update that runs longer than
``--timeout`` is killed before it commits: nothing is written. What an update writes into the
default graph alone does not stay there (the default graph is the union of the named graphs);
write into a named graph.

SERVICE. Oxigraph sends a SERVICE clause's pattern once, without the bindings of the rest of the
query (for ``queries/wikidata-labels.rq`` that would ask Wikidata for every label it has), so a
SELECT query with a SERVICE clause is evaluated by rdflib over the same data, as
``tipgraph query`` does: one request per binding, tipgraph's User-Agent, ``--service FROM=TO``
to send it elsewhere. See ``docs/serve.md``.
"""

from __future__ import annotations

import gc
import http.server
import ipaddress
import json
import os
import pickle
import queue
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from .errors import GraphFileError, StoreError, TipgraphError

__all__ = ["command", "serve", "Server", "DEFAULT_PORT", "DEFAULT_TIMEOUT", "DEFAULT_WORKERS",
           "MAX_BODY"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 30.0
DEFAULT_WORKERS = 2
MAX_BODY = 256 * 1024 * 1024
"""Largest request body (a query or an update) the server reads, in bytes."""

STARTUP_TIMEOUT = 120.0
"""Seconds a worker may take to start and open the database."""

_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "ip6-localhost"}
_PAGE_FILES = {"/serve_page.js": ("serve_page.js", "text/javascript; charset=utf-8"),
               "/serve_page.css": ("serve_page.css", "text/css; charset=utf-8"),
               "/favicon.svg": ("serve_page.svg", "image/svg+xml")}
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

# (media type, format name) in order of preference; the first is the default
_RESULT_TYPES = [
    ("application/sparql-results+json", "json"), ("application/json", "json"),
    ("application/sparql-results+xml", "xml"), ("application/xml", "xml"), ("text/xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"),
]
_GRAPH_TYPES = [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("text/plain", "nt"),
    ("application/rdf+xml", "rdfxml"), ("application/xml", "rdfxml"), ("text/xml", "rdfxml"),
    ("application/ld+json", "jsonld"), ("application/json", "jsonld"),
]
_CONTENT_TYPES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8", "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml", "jsonld": "application/ld+json",
}
# values of the format= (output=, results=) parameter, as SPARQLWrapper and others send them
_FORMAT_NAMES = {
    "results": {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv",
                "tsv": "tsv"},
    "graph": {"turtle": "turtle", "ttl": "turtle", "n3": "turtle", "nt": "nt",
              "ntriples": "nt", "n-triples": "nt", "xml": "rdfxml", "rdf": "rdfxml",
              "rdfxml": "rdfxml", "rdf+xml": "rdfxml", "json": "jsonld", "jsonld": "jsonld",
              "json-ld": "jsonld"},
}

# After every update, in the same transaction: the default graph is the union of the named graphs
# again (a set: each triple once), as in every tipgraph store.
RESYNC_UPDATE = (
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } ;\n"
    "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }")

_UPDATE_START = re.compile(
    r"^\s*(?:(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)


class ServeError(StoreError):
    """The server cannot start (the port is taken, the data cannot be loaded)."""


# ================================================================================================
# The data: a store folder, or graph files loaded into a temporary store of the same layout
# ================================================================================================

@dataclass
class Source:
    """What is served: the database folder (``pyoxigraph.Store`` layout) and how to name it."""

    database: Path
    label: str
    kind: str                      # "store" or "files"
    temporary: Any = None          # a TemporaryDirectory to delete at the end (graph files)

    def cleanup(self) -> None:
        if self.temporary is not None:
            self.temporary.cleanup()
            self.temporary = None


def open_source(paths: list[Path], allow_update: bool = False) -> Source:
    """The database to serve for the command's arguments: one store folder, or graph files."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise ServeError("nothing to serve: give graph files or a store folder")
    folders = [p for p in paths if p.is_dir()]
    if folders:
        if len(paths) > 1:
            raise ServeError("serve either one store folder or graph files, not both",
                             folders[0])
        return _store_source(paths[0], allow_update)
    return _files_source(paths)


def _store_source(folder: Path, allow_update: bool) -> Source:
    from .store import OxigraphStore

    # opened here only to check it (marker, layout, lock); the workers open their own handles
    store = OxigraphStore(folder, read_only=not allow_update, create=False)
    try:
        store.close()
    except (RuntimeError, OSError):  # pyoxigraph cannot flush a read-only store
        pass
    del store
    gc.collect()
    return Source(database=folder / "oxigraph", label=str(folder), kind="store")


def _graph_format(path: Path):
    import pyoxigraph as ox

    from .graphio import format_for

    format_for(path)  # unknown extension -> GraphFileError with the list of formats
    return {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS,
            ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}.get(path.suffix.lower())


def _file_graph(path: Path) -> str:
    from .gazetteer import slugify
    from .namespace import TGID

    return str(TGID[f"graph/include/{slugify(path.stem) or 'file'}"])


def _file_quads(path: Path, rename: bool):
    """The quads of one graph file as pyoxigraph quads; triples outside a named graph go to the
    file's own graph. JSON-LD is read by :func:`tipgraph.graphio.load_graph` (it never fetches a
    remote context); the other formats by pyoxigraph's parsers."""
    import pyoxigraph as ox

    if not path.exists():
        raise GraphFileError("no such file", path)
    if not path.is_file():
        raise GraphFileError("is not a graph file", path)
    own = ox.NamedNode(_file_graph(path))
    fmt = _graph_format(path)
    if fmt is None:  # JSON-LD
        from rdflib import URIRef

        from .graphio import load_graph

        for s, p, o, g in load_graph(path).quads((None, None, None, None)):
            name = getattr(g, "identifier", g)
            graph = ox.NamedNode(str(name)) if isinstance(name, URIRef) and \
                str(name) != "urn:x-rdflib:default" else own
            yield ox.Quad(_ox_term(_term_tuple(s)), _ox_term(_term_tuple(p)),
                          _ox_term(_term_tuple(o)), graph)
        return
    try:
        for quad in ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri(),
                             rename_blank_nodes=rename):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                quad = ox.Quad(quad.subject, quad.predicate, quad.object, own)
            yield quad
    except (SyntaxError, ValueError, OSError) as exc:
        raise GraphFileError(f"cannot parse: {' '.join(str(exc).split())}", path) from None


def _files_source(paths: list[Path]) -> Source:
    import pyoxigraph as ox

    for path in paths:
        _graph_format(path)
        if not path.exists():
            raise GraphFileError("no such file", path)
    temporary = tempfile.TemporaryDirectory(prefix="tipgraph-serve-")
    database = Path(temporary.name) / "oxigraph"
    try:
        store = ox.Store(str(database))

        def quads():
            for path in paths:
                for quad in _file_quads(path, rename=len(paths) > 1):
                    yield quad
                    yield ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph())

        store.bulk_extend(quads())
        store.flush()
        del store
        gc.collect()
    except BaseException:
        temporary.cleanup()
        raise
    label = ", ".join(str(p) for p in paths)
    return Source(database=database, label=label, kind="files", temporary=temporary)


# ================================================================================================
# Messages between the server and its workers: length-prefixed pickles over pipes
# ================================================================================================

def _write_message(fd: int, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(struct.pack(">Q", len(data)) + data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_message(fd: int) -> Any:
    (size,) = struct.unpack(">Q", _read_exactly(fd, 8))
    return pickle.loads(_read_exactly(fd, size))


class _Timeout(Exception):
    pass


class _WorkerGone(Exception):
    pass


class _Worker:
    """One worker process: a fresh interpreter running :func:`_worker_main`."""

    def __init__(self, config: dict):
        command = [sys.executable, "-c", "from tipgraph.serve import _worker_main; _worker_main()"]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        bufsize=0, close_fds=True,
                                        start_new_session=False)
        self._in = self.process.stdin.fileno()
        self._out = self.process.stdout.fileno()
        _write_message(self._in, config)

    def call(self, message: dict, timeout: float | None) -> dict:
        """Send one request and wait for its answer; :class:`_Timeout` after ``timeout``
        seconds, :class:`_WorkerGone` when the process died."""
        try:
            _write_message(self._in, message)
        except OSError as exc:
            raise _WorkerGone(self._death()) from exc
        ready, _, _ = select.select([self._out], [], [], timeout)
        if not ready:
            raise _Timeout
        try:
            return _read_message(self._out)
        except (EOFError, OSError, pickle.UnpicklingError):
            raise _WorkerGone(self._death()) from None

    def _death(self) -> str:
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "the query worker stopped answering"
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            return f"the query worker was killed ({name}; out of memory?)"
        return f"the query worker exited with status {code}"

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._close_pipes()

    def stop(self, grace: float = 3.0) -> None:
        """Ask the process to end (its input closes), kill it if it does not."""
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._close_pipes()

    def _close_pipes(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


class _Gate:
    """Many queries at a time, or one update alone; a waiting update goes before new queries."""

    def __init__(self):
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._waiting_writers = 0

    @contextmanager
    def reading(self):
        with self._cond:
            while self._writing or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self):
        with self._cond:
            self._waiting_writers += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._waiting_writers -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class _Pool:
    """The query workers, and the updates."""

    def __init__(self, config: dict, size: int, timeout: float):
        self.config = config
        self.size = size
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._gate = _Gate()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self.stats: dict = {}
        self.closing = False

    def _spawn(self) -> _Worker:
        worker = _Worker(self.config)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)

    def start(self) -> None:
        workers = [self._spawn() for _ in range(self.size)]
        for number, worker in enumerate(workers):
            try:
                answer = worker.call({"kind": "open", "stats": number == 0}, STARTUP_TIMEOUT)
            except (_Timeout, _WorkerGone) as exc:
                detail = str(exc) or f"no answer within {STARTUP_TIMEOUT:g} s"
                raise ServeError(f"cannot start a query worker: {detail}") from None
            if answer.get("error"):
                raise ServeError(answer["error"])
            self.stats = answer.get("stats") or self.stats
            self._idle.put(worker)

    def stop(self) -> None:
        self.closing = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.stop(grace=1.0)

    def query(self, request: dict) -> dict:
        with self._gate.reading():
            try:
                worker = self._idle.get(timeout=self.timeout)
            except queue.Empty:
                return _error(503, f"all {self.size} query workers are busy; try again later "
                                   f"(or start tipgraph serve with more --workers)")
            try:
                answer = worker.call(request, self.timeout)
            except _Timeout:
                self._retire(worker)
                self._idle.put(self._spawn())
                return _error(503, f"the query ran longer than {self.timeout:g} s and was "
                                   f"stopped (tipgraph serve --timeout SECONDS sets the limit)")
            except _WorkerGone as exc:
                if self.closing:
                    return _error(503, "the server is stopping")
                self._retire(worker)
                self._idle.put(self._spawn())
                return _error(500, f"the query failed: {exc}")
            self._idle.put(worker)
            return answer

    def update(self, request: dict) -> dict:
        with self._gate.writing():
            workers = []
            while True:
                try:
                    workers.append(self._idle.get_nowait())
                except queue.Empty:
                    break
            try:
                for worker in list(workers):  # every handle closed before the database is written
                    try:
                        worker.call({"kind": "close"}, 30.0)
                    except (_Timeout, _WorkerGone):
                        workers.remove(worker)
                        self._retire(worker)
                        workers.append(self._spawn())
                writer = self._spawn()
                try:
                    answer = writer.call(request, self.timeout)
                except _Timeout:
                    self._retire(writer)
                    return _error(503, f"the update ran longer than {self.timeout:g} s and was "
                                       f"stopped before it was committed: nothing was changed "
                                       f"(tipgraph serve --timeout SECONDS sets the limit)")
                except _WorkerGone as exc:
                    self._retire(writer)
                    if self.closing:
                        return _error(503, "the server is stopping")
                    return _error(500, f"the update failed: {exc}")
                writer.stop(grace=30.0)
                with self._lock:
                    self._workers.discard(writer)
                if "stats" in answer:
                    self.stats = answer["stats"]
                return answer
            finally:
                for worker in workers:
                    self._idle.put(worker)


def _error(status: int, message: str) -> dict:
    return {"status": status, "error": message}


# ================================================================================================
# The worker process
# ================================================================================================

def _worker_main() -> None:
    """Answer requests from the server on stdin/stdout until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    inp = os.dup(0)
    out = os.dup(1)
    os.dup2(2, 1)  # anything printed goes to stderr, never into the answers
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.stdout = sys.stderr
    try:
        config = _read_message(inp)
    except EOFError:
        return
    worker = _WorkerState(config)
    while True:
        try:
            request = _read_message(inp)
        except EOFError:
            return
        try:
            answer = worker.handle(request)
        except Exception as exc:  # noqa: BLE001 - one request failing must not end the worker
            answer = _error(500, f"internal error: {type(exc).__name__}: "
                                 f"{' '.join(str(exc).split())}")
        _write_message(out, answer)


class _WorkerState:
    def __init__(self, config: dict):
        self.config = config
        self.database = config["database"]
        self.store = None
        self._rdflib_view = None

    # -- the database ---------------------------------------------------------------------------

    def open(self):
        import pyoxigraph as ox

        if self.store is None:
            try:
                self.store = ox.Store.read_only(self.database)
            except OSError as exc:
                raise _Refusal(500, f"cannot open the database: {' '.join(str(exc).split())}") \
                    from None
        return self.store

    def close(self) -> None:
        self.store = None
        self._rdflib_view = None
        gc.collect()

    # -- requests --------------------------------------------------------------------------------

    def handle(self, request: dict) -> dict:
        kind = request["kind"]
        try:
            if kind == "open":
                store = self.open()
                return {"status": 200, "stats": _stats(store) if request.get("stats") else {}}
            if kind == "close":
                self.close()
                return {"status": 200}
            if kind == "query":
                return self.query(request)
            if kind == "update":
                return self.update(request)
        except _Refusal as exc:
            return _error(exc.status, exc.message)
        return _error(500, f"unknown request {kind!r}")

    def query(self, request: dict) -> dict:
        import pyoxigraph as ox

        text = request["query"]
        store = self.open()
        bindings = request.get("bindings") or {}
        if _uses_service(text):
            return self.federated(request)
        options: dict = {"prefixes": self.config.get("prefixes") or None}
        if request.get("default_graphs"):
            options["default_graph"] = [ox.NamedNode(g) for g in request["default_graphs"]]
        if request.get("named_graphs"):
            options["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
        if bindings:  # a VALUES block, as tipgraph's stores bind (pyoxigraph's substitutions
            text = request["bound"]  # bind only variables of the projection)
        try:
            result = store.query(text, **options)
        except SyntaxError as exc:
            return _error(400, f"malformed query: {_one_line(exc)}")
        except (OSError, ValueError, TypeError, RuntimeError) as exc:
            return _error(500, f"the query failed: {_one_line(exc)}")
        graph = isinstance(result, ox.QueryTriples)
        fmt = negotiate(request.get("accept", ""), request.get("format"), graph)
        if fmt is None:
            return _not_acceptable(graph)
        try:
            body = result.serialize(format=_ox_format(fmt))
        except (OSError, ValueError, RuntimeError, SyntaxError) as exc:
            return _error(500, f"the query failed: {_one_line(exc)}")
        return {"status": 200, "type": _CONTENT_TYPES[fmt], "body": body}

    def federated(self, request: dict) -> dict:
        """A query with a SERVICE clause: rdflib evaluates it over this database, sending each
        binding to the service (see :func:`tipgraph.query.run_query`)."""
        from pathlib import Path as _Path

        from rdflib.query import Result
        from rdflib.term import Variable

        from .errors import QueryError
        from .query import Parameter, SavedQuery, run_query

        if request.get("default_graphs") or request.get("named_graphs"):
            return _error(400, "default-graph-uri and named-graph-uri cannot be used with a "
                               "SERVICE query")
        from .query import _prepare

        try:
            prepared = _prepare(request["query"], _Path("query"))
        except QueryError as exc:
            return _error(400, exc.message)
        kind = getattr(prepared.algebra, "name", "")
        if kind != "SelectQuery":
            return _error(400, "only SELECT queries can have a SERVICE clause here (rdflib "
                               "evaluates them, one request per binding)")
        if self._rdflib_view is None:
            self._rdflib_view = _rdflib_dataset(self.open())
        bindings = {k: _rdflib_term(v) for k, v in (request.get("bindings") or {}).items()}
        saved = SavedQuery(name="query", path=_Path("query"), title="query", description="",
                           parameters=tuple(Parameter(k) for k in bindings),
                           text=request["query"], prepared=prepared)
        try:
            result = run_query(saved, self._rdflib_view, bindings,
                               services=self.config.get("services") or {},
                               timeout=self.config.get("service_timeout"))
        except QueryError as exc:
            message = exc.message
            if message.startswith(("malformed", "rdflib evaluates only", "the query has")):
                return _error(400, message)
            return _error(502 if message.startswith("SERVICE") else 500, message)
        fmt = negotiate(request.get("accept", ""), request.get("format"), False)
        if fmt is None:
            return _not_acceptable(False)
        out = Result("SELECT")
        out.vars = [Variable(v) for v in result.vars]
        out.bindings = [{Variable(v): t for v, t in zip(result.vars, row) if t is not None}
                        for row in result.rows]
        body = out.serialize(format=fmt)
        if isinstance(body, str):
            body = body.encode("utf-8")
        return {"status": 200, "type": _CONTENT_TYPES[fmt], "body": body}

    def update(self, request: dict) -> dict:
        import pyoxigraph as ox

        self.close()
        text = request["update"].rstrip()
        while text.endswith(";"):
            text = text[:-1].rstrip()
        if not _strip_sparql_comments(text).strip():
            return _error(400, "the update is empty")
        try:
            store = ox.Store(self.database)
        except OSError as exc:
            reason = " ".join(str(exc).split())
            if "lock" in reason.lower():
                return _error(409, "cannot write: the store is open for writing in another "
                                   "process (a running build?)")
            return _error(500, f"cannot open the database for writing: {reason}")
        try:
            store.update(f"{text}\n;\n{RESYNC_UPDATE}",
                         prefixes=self.config.get("prefixes") or None)
        except SyntaxError as exc:
            return _error(400, f"malformed update: {_one_line(exc)}")
        except (OSError, ValueError, RuntimeError) as exc:
            return _error(500, f"the update failed: {_one_line(exc)}")
        finally:
            try:
                store.flush()
            except OSError:
                pass
        stats = _stats(store)
        del store
        gc.collect()
        return {"status": 200, "type": "text/plain; charset=utf-8",
                "body": (f"update done: {stats['graphs']:,} named graphs, "
                         f"{stats['triples']:,} triples\n").encode(), "stats": stats}


class _Refusal(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _stats(store) -> dict:
    import pyoxigraph as ox

    graphs = sum(1 for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    rows = list(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    triples = int(rows[0]["n"].value) if rows else 0
    return {"graphs": graphs, "triples": triples}


def _not_acceptable(graph: bool) -> dict:
    types = ", ".join(dict.fromkeys(t for t, _ in (_GRAPH_TYPES if graph else _RESULT_TYPES)))
    kind = "CONSTRUCT and DESCRIBE results" if graph else "SELECT and ASK results"
    return _error(406, f"none of the accepted media types is available; {kind} come as {types}")


def _ox_format(name: str):
    import pyoxigraph as ox

    return {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
            "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
            "turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
            "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}[name]


def negotiate(accept: str, fmt: str | None, graph: bool) -> str | None:
    """The format name to answer in: ``fmt`` (a ``format=`` value: a name or a media type) when
    it names one for this kind of result, else the first media type of the Accept header (by
    quality) that the kind offers; the kind's default when there is no header, ``None`` when
    the header accepts nothing offered."""
    table = _GRAPH_TYPES if graph else _RESULT_TYPES
    if fmt:
        value = fmt.strip().lower()
        name = _FORMAT_NAMES["graph" if graph else "results"].get(value)
        if name:
            return name
        for media, name in table:
            if media == value.split(";")[0].strip():
                return name
    if not accept or not accept.strip():
        return table[0][1]
    ranked = []
    for position, part in enumerate(accept.split(",")):
        fields = part.strip().split(";")
        media = fields[0].strip().lower()
        quality = 1.0
        for item in fields[1:]:
            key, _, value = item.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, position, media))
    for _, _, media in sorted(ranked):
        if media == "*/*":
            return table[0][1]
        if media.endswith("/*"):
            major = media[:-1]
            for offered, name in table:
                if offered.startswith(major):
                    return name
            continue
        for offered, name in table:
            if offered == media:
                return name
    return None


def _uses_service(text: str) -> bool:
    if "service" not in text.lower():
        return False
    return re.search(r"\bSERVICE\b", _strip_sparql_comments(text), re.IGNORECASE) is not None


def _strip_sparql_comments(text: str) -> str:
    """``text`` without ``#`` comments and string contents (IRIs kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            out.append('""')
            continue
        if c == "<":
            end = text.find(">", i)
            if end > 0 and not any(ch in text[i + 1:end] for ch in " \n\t{}"):
                out.append(text[i:end + 1])
                i = end + 1
                continue
        out.append(c)
        i += 1
    return "".join(out)


# terms travel between processes as tuples: ("iri", value) ("bnode", id)
# ("literal", value, language, datatype)

def _term_tuple(term) -> tuple:
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, BNode):
        return ("bnode", str(term))
    if isinstance(term, Literal):
        return ("literal", str(term), term.language,
                str(term.datatype) if term.datatype is not None else None)
    raise StoreError(f"cannot bind a {type(term).__name__}")


def _ox_term(value: tuple):
    import pyoxigraph as ox

    if value[0] == "iri":
        return ox.NamedNode(value[1])
    if value[0] == "bnode":
        return ox.BlankNode(value[1])
    _, text, language, datatype = value
    if language:
        return ox.Literal(text, language=language)
    if datatype:
        return ox.Literal(text, datatype=ox.NamedNode(datatype))
    return ox.Literal(text)


def _rdflib_term(value: tuple):
    from rdflib import BNode, Literal, URIRef

    if value[0] == "iri":
        return URIRef(value[1])
    if value[0] == "bnode":
        return BNode(value[1])
    _, text, language, datatype = value
    return Literal(text, lang=language or None,
                   datatype=URIRef(datatype) if datatype and not language else None)


def _from_ox(term):
    """A pyoxigraph term as the rdflib term it is (a plain literal for xsd:string)."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise StoreError(f"tipgraph does not read {type(term).__name__} terms")


def _rdflib_dataset(ox_store):
    """An rdflib ``Dataset`` (``default_union=True``) that reads ``ox_store`` without copying
    it: rdflib's SPARQL engine, for SERVICE queries. The union is the store's default graph (a
    set, kept by tipgraph), the named graphs are the store's."""
    import pyoxigraph as ox
    from rdflib import BNode, Dataset, Graph, Literal, URIRef
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
    from rdflib.store import Store as RdflibStore

    def pattern_term(term):
        if term is None or not isinstance(term, (URIRef, Literal, BNode)):
            return None
        return _ox_term(_term_tuple(term))

    class OxigraphView(RdflibStore):
        context_aware = True
        graph_aware = True
        formula_aware = False
        transaction_aware = False

        def _graph_name(self, context):
            name = getattr(context, "identifier", context)
            if name is None or name == DATASET_DEFAULT_GRAPH_ID:
                return ox.DefaultGraph()
            if isinstance(name, URIRef):
                return ox.NamedNode(str(name))
            if isinstance(name, BNode):
                return ox.BlankNode(str(name))
            return ox.DefaultGraph()

        def triples(self, pattern, context=None):
            s, p, o = pattern
            terms = []
            for term in (s, p, o):
                if term is not None and not isinstance(term, (URIRef, Literal, BNode)):
                    return  # a path or a variable: the engine never asks us for those
                terms.append(pattern_term(term))
            graph = self._graph_name(context)
            for quad in ox_store.quads_for_pattern(*terms, graph):
                triple = (_from_ox(quad.subject), _from_ox(quad.predicate),
                          _from_ox(quad.object))
                yield triple, iter((context,) if context is not None else ())

        def contexts(self, triple=None):
            if triple is None:
                for name in ox_store.named_graphs():
                    if isinstance(name, ox.NamedNode):
                        yield Graph(store=self, identifier=URIRef(name.value))
                return
            terms = [pattern_term(t) for t in triple]
            seen = set()
            for quad in ox_store.quads_for_pattern(*terms, None):
                name = quad.graph_name
                if isinstance(name, ox.NamedNode) and name.value not in seen:
                    seen.add(name.value)
                    yield Graph(store=self, identifier=URIRef(name.value))

        def __len__(self, context=None):
            return sum(1 for _ in ox_store.quads_for_pattern(None, None, None,
                                                             self._graph_name(context)))

        def add_graph(self, graph):
            pass

        def add(self, triple, context, quoted=False):
            raise TypeError("read only")

        def remove(self, triple, context=None):
            raise TypeError("read only")

    return Dataset(store=OxigraphView(), default_union=True)


# ================================================================================================
# HTTP
# ================================================================================================

class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "tipgraph-serve"
    protocol_version = "HTTP/1.1"
    timeout = 120  # seconds a connection may stay silent

    app: "Server"  # set on the subclass made for each server

    # -- plumbing ---------------------------------------------------------------------------------

    def version_string(self) -> str:
        from . import __version__

        return f"tipgraph-serve/{__version__}"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if self.app.verbose:
            sys.stderr.write(f"tipgraph serve: {self.address_string()} {format % args}\n")

    def _send(self, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        for key, value in self._cors_headers().items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, (message.rstrip("\n") + "\n").encode("utf-8"),
                   "text/plain; charset=utf-8", headers)

    def _cors_headers(self) -> dict[str, str]:
        origin = self.headers.get("Origin")
        allowed = self.app.cors
        if not origin or not allowed or not self.path.startswith("/sparql"):
            return {}
        if "*" in allowed:
            return {"Access-Control-Allow-Origin": "*"}
        if origin in allowed:
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return {}

    def _host_ok(self) -> bool:
        """Refuse requests for another host name when serving on a loopback address: a web page
        cannot then reach this server through a DNS name of its own (DNS rebinding)."""
        if not self.app.loopback:
            return True
        host = self.headers.get("Host")
        if host is None:
            return True
        name = urllib.parse.urlsplit(f"//{host}").hostname or ""
        return name.lower() in _LOOPBACK_NAMES | {self.app.host.lower()}

    def _origin_ok(self) -> bool:
        """A write must come from this server's own page, a non-browser client (no Origin), or
        an origin given with --cors."""
        origin = self.headers.get("Origin")
        if not origin:
            return True
        if origin in self.app.cors or "*" in self.app.cors:
            return True
        parts = urllib.parse.urlsplit(origin)
        own_host = self.headers.get("Host", "")
        return parts.netloc == own_host and parts.scheme == "http"

    # -- methods ----------------------------------------------------------------------------------

    def do_GET(self):  # noqa: N802 - the base class's name
        if not self._host_ok():
            return self._text(403, "unexpected Host header (tipgraph serve answers requests "
                                   "for 127.0.0.1 and localhost)")
        url = urllib.parse.urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            return self._page()
        if url.path in _PAGE_FILES:
            name, content_type = _PAGE_FILES[url.path]
            return self._send(200, _asset_bytes(name), content_type,
                              {"Cache-Control": "no-cache"})
        if url.path == "/sparql":
            params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            return self._sparql(params, None, get=True)
        if url.path == "/queries.json":
            return self._send(200, json.dumps(self.app.page_data()["queries"],
                                              ensure_ascii=False).encode("utf-8"),
                              "application/json")
        return self._text(404, f"no such page: {url.path} (the query page is /, the SPARQL "
                               f"endpoint /sparql)")

    do_HEAD = do_GET

    def do_POST(self):  # noqa: N802
        if not self._host_ok():
            self.close_connection = True
            return self._text(403, "unexpected Host header (tipgraph serve answers requests "
                                   "for 127.0.0.1 and localhost)")
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            self.close_connection = True
            return self._text(404, f"no such endpoint: {url.path} (POST to /sparql)")
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            body = self._read_chunked()
            if body is None:
                self.close_connection = True
                return self._text(413, f"the request body is larger than {MAX_BODY:,} bytes, "
                                       f"or its chunks are malformed")
        else:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY:
                self.close_connection = True
                return self._text(413 if length > MAX_BODY else 400,
                                  f"the request body must have a Content-Length of at most "
                                  f"{MAX_BODY:,} bytes")
            body = self.rfile.read(length) if length else b""
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return self._text(400, "the request body is not UTF-8")
        if media == "application/x-www-form-urlencoded":
            for key, values in urllib.parse.parse_qs(text, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
            return self._sparql(params, None)
        if media == "application/sparql-query":
            params.pop("update", None)
            params["query"] = [text]
            return self._sparql(params, None)
        if media == "application/sparql-update":
            params.pop("query", None)
            return self._sparql(params, text)
        return self._text(415, "POST a form (application/x-www-form-urlencoded) with query= or "
                               "update=, or the text itself as application/sparql-query or "
                               "application/sparql-update")

    def _read_chunked(self) -> bytes | None:
        """A body sent with ``Transfer-Encoding: chunked``; ``None`` when too large or
        malformed."""
        parts, size = [], 0
        while True:
            line = self.rfile.readline(1024)
            try:
                chunk = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                return None
            if chunk == 0:
                while self.rfile.readline(1024).strip():  # trailers
                    pass
                return b"".join(parts)
            size += chunk
            if size > MAX_BODY:
                return None
            parts.append(self.rfile.read(chunk))
            self.rfile.readline(8)  # the CRLF after the chunk

    def do_OPTIONS(self):  # noqa: N802 - CORS preflight, for origins given with --cors
        headers = self._cors_headers()
        if headers:
            headers.update({"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                            "Access-Control-Allow-Headers": "Content-Type, Accept",
                            "Access-Control-Max-Age": "600"})
            if self.headers.get("Access-Control-Request-Private-Network"):
                # Chromium asks before a public page may call a server on this machine
                headers["Access-Control-Allow-Private-Network"] = "true"
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.send_header("Allow", "GET, POST, OPTIONS")
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()

    # -- pages ------------------------------------------------------------------------------------

    def _page(self):
        body = self.app.page().encode("utf-8")
        self._send(200, body, "text/html; charset=utf-8",
                   {"Content-Security-Policy": PAGE_CSP, "Referrer-Policy": "no-referrer",
                    "X-Frame-Options": "DENY"})

    # -- the SPARQL protocol ----------------------------------------------------------------------

    def _sparql(self, params: dict[str, list[str]], update: str | None, get: bool = False):
        queries = params.get("query", [])
        updates = params.get("update", [])
        if update is not None:
            updates = [update]
        if queries and updates:
            return self._text(400, "give either query= or update=, not both")
        if len(queries) > 1 or len(updates) > 1:
            return self._text(400, "give one query (or one update) per request")
        if updates:
            if get:
                return self._text(400, "updates are sent with POST, not GET")
            return self._update(updates[0], params)
        if not queries:
            return self._text(400, "no query: send query=... (GET or POST), or open / for the "
                                   "query page")
        if _UPDATE_START.match(_strip_sparql_comments(queries[0])):
            if not self.app.allow_update:
                return self._text(403, "this is an update, and this endpoint is read-only "
                                       "(start tipgraph serve with --allow-update to accept "
                                       "updates)")
            return self._text(400, "this is an update: send it as update=... (POST), not as "
                                   "query=...")
        try:
            bindings = _bindings(params)
        except TipgraphError as exc:
            return self._text(400, exc.message)
        text, bound = queries[0], None
        if bindings:
            from .query import specialise
            from .store import bind_values

            text = specialise(text, bindings)  # its "# when ?NAME is bound:" lines
            try:
                bound = bind_values(text, {k: _rdflib_term(v) for k, v in bindings.items()})
            except TipgraphError as exc:
                return self._text(400, f"cannot bind the parameters: {exc.message}")
        request = {"kind": "query", "query": text, "bound": bound,
                   "accept": self.headers.get("Accept", ""),
                   "format": _first(params, "format", "output", "results"),
                   "default_graphs": params.get("default-graph-uri", []),
                   "named_graphs": params.get("named-graph-uri", []),
                   "bindings": bindings}
        started = time.monotonic()
        answer = self.app.pool.query(request)
        self._answer(answer, started)

    def _update(self, text: str, params: dict[str, list[str]]):
        if not self.app.allow_update:
            return self._text(403, "this endpoint is read-only: updates are refused (start "
                                   "tipgraph serve with --allow-update to accept them)")
        if not self._origin_ok():
            return self._text(403, "updates from another origin are refused (a web page may "
                                   "not change the store; tipgraph serve --cors ORIGIN allows "
                                   "one)")
        if params.get("using-graph-uri") or params.get("using-named-graph-uri"):
            return self._text(400, "using-graph-uri and using-named-graph-uri are not "
                                   "supported: name the graphs in the update (USING, WITH, "
                                   "GRAPH)")
        started = time.monotonic()
        answer = self.app.pool.update({"kind": "update", "update": text})
        self._answer(answer, started)

    def _answer(self, answer: dict, started: float):
        elapsed = f"{time.monotonic() - started:.3f}"
        if answer.get("error"):
            status = answer.get("status", 500)
            if status >= 500 and not self.app.pool.closing:
                sys.stderr.write(f"tipgraph serve: {status}: {answer['error']}\n")
            return self._text(status, answer["error"], {"X-Elapsed-Seconds": elapsed})
        self._send(answer.get("status", 200), answer["body"], answer["type"],
                   {"Vary": "Accept", "X-Elapsed-Seconds": elapsed})


def _first(params: dict[str, list[str]], *names: str) -> str | None:
    for name in names:
        values = params.get(name)
        if values and values[0].strip():
            return values[0]
    return None


def _bindings(params: dict[str, list[str]]) -> dict[str, tuple]:
    """``$NAME=VALUE`` parameters: ``?NAME`` bound to the term the value stands for (as
    ``tipgraph query --param``); an empty value binds nothing."""
    from .errors import QueryError
    from .query import parse_param_value

    out: dict[str, tuple] = {}
    for key, values in params.items():
        if not key.startswith("$"):
            continue
        name = key[1:]
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"parameter {key!r}: not a variable name")
        if len(values) > 1:
            raise QueryError(f"parameter {key!r} is given {len(values)} times")
        if not values[0].strip():
            continue
        try:
            out[name] = _term_tuple(parse_param_value(values[0]))
        except QueryError as exc:
            raise QueryError(f"parameter {name!r}: {exc.message}") from None
    return out


# ================================================================================================
# The page
# ================================================================================================

def _asset_bytes(name: str) -> bytes:
    return (Path(__file__).with_name(name)).read_bytes()


def _saved_queries() -> list[dict]:
    from .query import list_queries, query_services

    items = []
    for saved in list_queries():
        items.append({
            "name": saved.name, "title": saved.title, "description": saved.description,
            "text": saved.text,
            "parameters": [{"name": p.name, "description": p.description,
                            "required": p.required} for p in saved.parameters],
            "services": query_services(saved),
        })
    return items


def _json_for_html(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


# ================================================================================================
# The server
# ================================================================================================

class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


@dataclass
class Server:
    """A running endpoint: the HTTP server, its workers and the data. Use :func:`serve` to run
    one from start to Ctrl-C; tests can drive :meth:`start`, :attr:`url` and :meth:`close`."""

    source: Source
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    allow_update: bool = False
    timeout: float = DEFAULT_TIMEOUT
    workers: int = DEFAULT_WORKERS
    services: dict[str, str] = field(default_factory=dict)
    cors: tuple[str, ...] = ()
    verbose: bool = False

    def __post_init__(self):
        self.httpd = None
        self.pool = None
        self.loopback = _is_loopback(self.host)
        self._queries = None

    # -- life ---------------------------------------------------------------------------------

    def bind(self) -> None:
        """Take the port (first, so that a taken port is reported before anything loads)."""
        handler = type("Handler", (_Handler,), {"app": self})
        cls = _HTTPServer6 if ":" in self.host else _HTTPServer
        try:
            self.httpd = cls((self.host, self.port), handler)
        except OSError as exc:
            import errno

            if exc.errno == errno.EADDRINUSE:
                raise ServeError(f"port {self.port} on {self.host} is already in use (another "
                                 f"server? use --port)") from None
            if exc.errno == errno.EACCES:
                raise ServeError(f"cannot listen on port {self.port} of {self.host}: permission "
                                 f"denied (ports below 1024 need root; use --port)") from None
            reason = exc.strerror or " ".join(str(exc).split())
            raise ServeError(f"cannot listen on {self.host} port {self.port}: {reason} "
                             f"(use --host and --port)") from None
        self.port = self.httpd.server_address[1]

    def start(self) -> None:
        """Load the saved queries and start the workers (after :meth:`bind`)."""
        from .namespace import PREFIXES
        from .query import SERVICE_TIMEOUT

        if self.httpd is None:
            self.bind()
        self._queries = _saved_queries()
        config = {"database": str(self.source.database),
                  "prefixes": {k: str(v) for k, v in PREFIXES.items()},
                  "services": dict(self.services),
                  "service_timeout": min(SERVICE_TIMEOUT, self.timeout)}
        self.pool = _Pool(config, self.workers, self.timeout)
        self.pool.start()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.host in ("0.0.0.0", "::"):
            host = "127.0.0.1" if self.host == "0.0.0.0" else "[::1]"
        return f"http://{host}:{self.port}/"

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def close(self) -> None:
        if self.httpd is not None:
            self.httpd.server_close()
        if self.pool is not None:
            self.pool.stop()
        self.source.cleanup()

    # -- the page -----------------------------------------------------------------------------

    def page_data(self) -> dict:
        stats = self.pool.stats if self.pool is not None else {}
        return {"endpoint": "/sparql", "source": self.source.label, "kind": self.source.kind,
                "readOnly": not self.allow_update, "timeout": self.timeout,
                "graphs": stats.get("graphs"), "triples": stats.get("triples"),
                "prefixes": self.pool.config["prefixes"] if self.pool else {},
                "queries": self._queries or []}

    def page(self) -> str:
        template = _asset_bytes("serve_page.html").decode("utf-8")
        data = self.page_data()
        title = f"tipgraph serve: {self.source.label}"
        return (template.replace("@@TITLE@@", _html_escape(title))
                .replace("@@DATA@@", _json_for_html(data)))


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(paths: list[Path], *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          allow_update: bool = False, timeout: float = DEFAULT_TIMEOUT,
          workers: int = DEFAULT_WORKERS, services: dict[str, str] | None = None,
          cors: tuple[str, ...] = (), verbose: bool = False, echo=print) -> None:
    """Serve ``paths`` (graph files or one store folder) until Ctrl-C (or SIGTERM)."""
    if not timeout > 0:
        raise ServeError(f"--timeout must be a positive number of seconds, not {timeout:g}")
    app = Server(source=None, host=host, port=port, allow_update=allow_update,  # type: ignore
                 timeout=timeout, workers=workers, services=dict(services or {}),
                 cors=tuple(cors), verbose=verbose)
    app.bind()  # a taken port is reported before anything is loaded
    previous = signal.getsignal(signal.SIGTERM)

    def terminate(signum, frame):
        raise KeyboardInterrupt

    main_thread = threading.current_thread() is threading.main_thread()
    try:
        if main_thread:  # SIGTERM stops the server as Ctrl-C does
            signal.signal(signal.SIGTERM, terminate)
        try:
            app.source = open_source(paths, allow_update)
            app.start()
            mode = "read-write (--allow-update)" if allow_update else "read-only"
            echo(f"serving {app.source.label} at {app.url} (SPARQL endpoint {app.url}sparql, "
                 f"{mode}; Ctrl-C stops)")
            app.serve_forever()
        except KeyboardInterrupt:
            echo("stopped")
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
        if app.source is not None:
            app.close()
        elif app.httpd is not None:
            app.httpd.server_close()


# ================================================================================================
# The command (registered by tipgraph.cli, which turns tipgraph errors into one line)
# ================================================================================================

@click.command(name="serve")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="GRAPH...|STORE")
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help="Address to listen on. Anything but a loopback address lets other machines "
                   "query (and, with --allow-update, change) the data.")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to listen on (0: any free port; the line printed at the start says "
                   "which).")
@click.option("--allow-update", is_flag=True,
              help="Accept SPARQL updates (default: read-only, updates get 403). Graph files "
                   "are never changed: updates go to the server's copy.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True),
              default=DEFAULT_TIMEOUT, show_default=True, metavar="SECONDS",
              help="Stop a query or update that runs longer and answer 503.")
@click.option("--workers", type=click.IntRange(1, 64), default=DEFAULT_WORKERS,
              show_default=True, help="Queries that can run at the same time (one process "
                                      "each).")
@click.option("--service", "services", multiple=True, metavar="FROM=TO",
              help="Send a query's SERVICE <FROM> to the endpoint TO instead (a mirror, a local "
                   "stand-in; repeatable), as tipgraph query --service.")
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN",
              help="Let web pages of ORIGIN (e.g. https://yasgui.triply.cc, or '*') query the "
                   "endpoint from the browser (repeatable; default: none).")
@click.option("-v", "--verbose", is_flag=True, help="Log every request on stderr.")
def command(paths, host, port, allow_update, timeout, workers, services, cors, verbose):
    """Serve graph files or a store folder as a SPARQL 1.1 endpoint on 127.0.0.1, with a
    query page (offline) that runs the saved queries in one click.

    The endpoint is http://HOST:PORT/sparql (SPARQL 1.1 Protocol: GET or POST, results by
    content negotiation); the page is http://HOST:PORT/. Read-only unless --allow-update; a
    query running longer than --timeout is stopped (503). See docs/serve.md.

    Example: tipgraph serve out/store
    """
    from .errors import QueryError
    from .query import parse_service_option

    redirects: dict[str, str] = {}
    for item in services:
        source, target = parse_service_option(item)
        if redirects.get(source, target) != target:
            raise QueryError(f"--service {source} is given twice, with different endpoints")
        redirects[source] = target
    serve(list(paths), host=host, port=port, allow_update=allow_update, timeout=timeout,
          workers=workers, services=redirects, cors=tuple(cors), verbose=verbose,
          echo=lambda line: click.echo(line))
