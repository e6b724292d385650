"""Writing a tipgraph dataset as Turtle, TriG, N-Triples, N-Quads or JSON-LD.

Every format is byte-for-byte the same on every run for the same input, whatever order the
triples were added in and whatever the interpreter's hash seed:

- ``ttl``: the union of all graphs, one Turtle document (rdflib's serializer, which sorts
  subjects, predicates and objects), tipgraph's prefixes.
- ``trig``: the named graphs kept, in order of graph IRI (rdflib's TriG serializer, with the
  graphs sorted: rdflib writes them in the store's set order).
- ``nt``: the union of all graphs, one statement per line, duplicates dropped, lines sorted.
- ``nq``: every graph's statements with the graph IRI (none for the default graph), sorted.
- ``jsonld``: JSON-LD compacted with the context shipped in ``ontology/context.jsonld`` (embedded
  in the output: nothing is fetched), so keys read as plain words (``name``, ``claimant``,
  ``type``); one ``@graph`` object per named graph; nodes sorted by ``id``, values sorted,
  ``json.dumps(sort_keys=True, indent=2, ensure_ascii=False)``.

Blank nodes (tipgraph writes none) are relabelled canonically (``rdflib.compare``) so that they
too come out the same on every run.

The file is written to a temporary file in the target directory and moved into place with
``os.replace``: a failed export leaves no partial file.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import warnings
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator

from rdflib import BNode, ConjunctiveGraph, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node

from .errors import ExportError
from .namespace import bind_prefixes
from .resources import project_file

__all__ = ["FORMATS", "CONTEXT_PATH", "export", "serialize", "load_context", "jsonld_document",
           "write_jsonld", "write_atomically", "atomic_output", "nt_term", "triple_key"]

FORMATS: dict[str, str] = {
    "ttl": "Turtle: the union of all graphs",
    "trig": "TriG: one named graph per article",
    "nt": "N-Triples: the union of all graphs, sorted lines",
    "nq": "N-Quads: every graph's statements, sorted lines",
    "jsonld": "JSON-LD: one named graph per article, compacted with ontology/context.jsonld",
}
"""Export formats and what each writes."""

CONTEXT_PATH: Path = project_file("ontology/context.jsonld")

_Triple = tuple[Node, Node, Node]


# ------------------------------------------------------------------------------------------------
# Entry points
# ------------------------------------------------------------------------------------------------

def export(dataset: Graph, fmt: str, out_path: str | Path) -> Path:
    """Write ``dataset`` to ``out_path`` in ``fmt`` (ttl, trig, nt, nq, jsonld); return the path.

    Unknown format or a file that cannot be written -> :class:`ExportError`; on failure no file
    (and no partial file) is left at ``out_path``.
    """
    target = Path(out_path)
    if _format_key(fmt) == "jsonld":
        graphs = _normalise(dataset)
        by_key = dict(graphs)
        write_jsonld(target, by_key.pop(None, []), list(by_key), by_key.__getitem__)
        return target
    data = serialize(dataset, fmt)
    write_atomically(target, data.encode("utf-8"))
    return target


def serialize(dataset: Graph, fmt: str) -> str:
    """``dataset`` in ``fmt`` as a string (what :func:`export` writes, UTF-8 encoded)."""
    key = _format_key(fmt)
    graphs = _normalise(dataset)
    if key == "ttl":
        return _turtle(graphs)
    if key == "trig":
        return _trig(graphs)
    if key == "nt":
        return _ntriples(graphs)
    if key == "nq":
        return _nquads(graphs)
    return _jsonld(graphs)


def _format_key(fmt: str) -> str:
    key = str(fmt).lower().lstrip(".")
    key = {"turtle": "ttl", "ntriples": "nt", "n-triples": "nt", "nquads": "nq",
           "n-quads": "nq", "json-ld": "jsonld"}.get(key, key)
    if key not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; formats: {', '.join(FORMATS)}")
    return key


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder and a rename, so
    that a failure leaves no partial file (shared by every writer of tipgraph)."""
    with atomic_output(target) as handle:
        handle.write(data)


@contextmanager
def atomic_output(target: Path) -> Iterator[BinaryIO]:
    """A binary file to write ``target`` through: a temporary file in the same folder, renamed
    to ``target`` when the ``with`` block ends without an error, removed otherwise."""
    target = Path(target)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create the directory: {exc.strerror or exc}",
                          path=directory) from None
    if target.is_dir():
        raise ExportError("is a directory", path=target)
    tmp = directory / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write: {exc.strerror or exc}", path=target) from None


# ------------------------------------------------------------------------------------------------
# A canonical view of the input: [(graph id or None for the default graph, sorted triples)]
# ------------------------------------------------------------------------------------------------

def _normalise(dataset: Graph) -> list[tuple[Node | None, list[_Triple]]]:
    if not isinstance(dataset, Graph):
        raise ExportError(f"cannot export a {type(dataset).__name__}: expected an rdflib graph")
    parts: dict[Node | None, list[_Triple]] = {}
    if isinstance(dataset, ConjunctiveGraph):  # Dataset is a ConjunctiveGraph
        default_id = _default_graph(dataset).identifier
        contexts = dataset.graphs() if isinstance(dataset, Dataset) else dataset.contexts()
        for context in contexts:
            triples = list(context.triples((None, None, None)))
            if not triples:
                continue
            key = None if context.identifier == default_id else context.identifier
            parts.setdefault(key, []).extend(triples)
    else:
        triples = list(dataset.triples((None, None, None)))
        if triples:
            parts[None] = triples
    out = []
    for key in sorted(parts, key=_graph_sort_key):
        triples = parts[key]
        if any(isinstance(term, BNode) for triple in triples for term in triple):
            triples = _canonical_bnodes(triples)
        unique = {t: None for t in triples}
        out.append((key, sorted(unique, key=triple_key)))
    return out


def _default_graph(dataset: ConjunctiveGraph) -> Graph:
    """The default graph (``Dataset.default_graph`` in rdflib >= 7.1, else ``default_context``)."""
    if isinstance(dataset, Dataset) and hasattr(type(dataset), "default_graph"):
        return dataset.default_graph
    return dataset.default_context


def _graph_sort_key(identifier: Node | None) -> tuple[int, str]:
    if identifier is None:
        return (0, "")
    return (2 if isinstance(identifier, BNode) else 1, str(identifier))


def triple_key(triple: _Triple) -> str:
    """A sort key for triples: their N-Triples text (much faster than comparing rdflib terms)."""
    return " ".join(nt_term(term) for term in triple)


def _canonical_bnodes(triples: list[_Triple]) -> list[_Triple]:
    from rdflib.compare import to_canonical_graph

    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return list(to_canonical_graph(graph).triples((None, None, None)))


# ------------------------------------------------------------------------------------------------
# N-Triples and N-Quads
# ------------------------------------------------------------------------------------------------

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
          "\f": "\\f"}


_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
_IRI_NEEDS_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _escape_string(text: str) -> str:
    if not _NEEDS_ESCAPE.search(text):   # most strings: nothing to escape
        return text
    out = []
    for ch in text:
        if ch in _ECHAR:
            out.append(_ECHAR[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def _escape_iri(iri: str) -> str:
    if not _IRI_NEEDS_ESCAPE.search(iri):
        return iri
    out = []
    for ch in iri:
        if ord(ch) <= 0x20 or ch in '<>"{}|^`\\':
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def nt_term(term: Node) -> str:
    """A term in N-Triples syntax (UTF-8, strings escaped as the N-Triples grammar requires)."""
    if isinstance(term, URIRef):
        return f"<{_escape_iri(str(term))}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        lexical = f'"{_escape_string(str(term))}"'
        if term.language:
            return f"{lexical}@{term.language}"
        if term.datatype is not None:
            return f"{lexical}^^<{_escape_iri(str(term.datatype))}>"
        return lexical
    raise ExportError(f"cannot write the term {term!r} as N-Triples")


def _ntriples(graphs: list[tuple[Node | None, list[_Triple]]]) -> str:
    lines = {f"{nt_term(s)} {nt_term(p)} {nt_term(o)} ." for _, triples in graphs for s, p, o in triples}
    return "".join(line + "\n" for line in sorted(lines))


def _nquads(graphs: list[tuple[Node | None, list[_Triple]]]) -> str:
    lines = set()
    for key, triples in graphs:
        label = "" if key is None else " " + nt_term(key)
        for s, p, o in triples:
            lines.add(f"{nt_term(s)} {nt_term(p)} {nt_term(o)}{label} .")
    return "".join(line + "\n" for line in sorted(lines))


# ------------------------------------------------------------------------------------------------
# Turtle and TriG
# ------------------------------------------------------------------------------------------------

# Turtle's shorthand for numbers and booleans, by datatype: the lexical forms that the shorthand
# reads back as exactly the same literal.
_SHORTHAND = {
    str(XSD.integer): re.compile(r"[+-]?[0-9]+"),
    str(XSD.decimal): re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    str(XSD.double): re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    str(XSD.boolean): re.compile(r"true|false"),
}


class _ExactLiterals:
    """Mixin for rdflib's Turtle and TriG serializers: literals keep their lexical form.

    rdflib writes ``"77000000"^^xsd:decimal`` as ``77000000.0`` and reformats doubles, which
    reads back as a different literal; here the shorthand is used only when it is the literal's
    own lexical form, otherwise the quoted, typed form is written.
    """

    def label(self, node: Node, position: int) -> str:
        if isinstance(node, Literal) and node.datatype is not None \
                and str(node.datatype) in _SHORTHAND:
            if _SHORTHAND[str(node.datatype)].fullmatch(str(node)):
                return str(node)
            return node._literal_n3(use_plain=False,
                                    qname_callback=lambda dt: self.get_pname(dt, False))
        return super().label(node, position)  # type: ignore[misc]


class _TurtleSerializer(_ExactLiterals, TurtleSerializer):
    pass


def _turtle(graphs: list[tuple[Node | None, list[_Triple]]]) -> str:
    union = Graph(bind_namespaces="none")
    bind_prefixes(union)
    triples = sorted({t for _, ts in graphs for t in ts}, key=triple_key)
    for triple in triples:
        union.add(triple)
    stream = io.BytesIO()
    _TurtleSerializer(union).serialize(stream, encoding="utf-8")
    return stream.getvalue().decode("utf-8")


class _SortedTrigSerializer(_ExactLiterals, TrigSerializer):
    """rdflib's TriG serializer, writing the default graph first and then the named graphs in
    order of identifier (rdflib takes them in the order of the store's set of contexts)."""

    def __init__(self, store: Graph):
        super().__init__(store)
        by_id: dict[Node, Graph] = {}
        for context in self.contexts:
            if len(context):
                by_id.setdefault(context.identifier, context)
        default = by_id.pop(self.default_context, None) if self.default_context else None
        ordered = [by_id[key] for key in sorted(by_id, key=_graph_sort_key)]
        self.contexts = ([default] if default is not None else []) + ordered


def _trig(graphs: list[tuple[Node | None, list[_Triple]]]) -> str:
    dataset = Dataset(default_union=False)
    bind_prefixes(dataset)
    for key, triples in graphs:
        target = _default_graph(dataset) if key is None else dataset.graph(key)
        for triple in triples:
            target.add(triple)
    stream = io.BytesIO()
    with warnings.catch_warnings():
        # rdflib's TriG serializer reads Dataset.default_context, deprecated in rdflib 7.1
        warnings.simplefilter("ignore", DeprecationWarning)
        _SortedTrigSerializer(dataset).serialize(stream, encoding="utf-8")
    return stream.getvalue().decode("utf-8")


# ------------------------------------------------------------------------------------------------
# JSON-LD
# ------------------------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _read_context(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"cannot read the JSON-LD context: {exc.strerror or exc}",
                          path=path) from None


def load_context(path: str | Path | None = None) -> dict[str, Any]:
    """The JSON-LD context shipped with tipgraph (the value of its ``@context``), as a dict.

    Pass it to rdflib's JSON-LD parser (``context=``) to read an export without fetching anything.
    """
    where = Path(path) if path is not None else CONTEXT_PATH
    try:
        document = json.loads(_read_context(str(where)))
    except json.JSONDecodeError as exc:
        raise ExportError(f"the JSON-LD context is not JSON: {exc.msg}", path=where,
                          line=exc.lineno) from None
    context = document.get("@context") if isinstance(document, dict) else None
    if not isinstance(context, dict):
        raise ExportError("the JSON-LD context file has no @context object", path=where)
    return context


class _Compactor:
    """Compacts RDF terms with a JSON-LD context of prefixes and plain-word terms.

    A term is used for a predicate only when its type coercion fits the value (``@id``/``@vocab``
    for IRIs, the datatype for a typed literal, none for plain and language-tagged strings and
    other datatypes); otherwise the key is the predicate as a compact IRI and the value a full
    value object. The result expands back to exactly the same triples.
    """

    def __init__(self, context: dict[str, Any]):
        self.prefixes: list[tuple[str, str]] = []
        self.aliases: dict[str, str] = {}
        definitions: dict[str, tuple[str, str | None]] = {}
        for term, value in context.items():
            if term.startswith("@"):
                continue
            if isinstance(value, str):
                if value.startswith("@"):
                    self.aliases[value] = term
                    continue
                iri, coercion = value, None
            elif isinstance(value, dict) and isinstance(value.get("@id"), str):
                iri, coercion = value["@id"], value.get("@type")
            else:
                continue
            if _is_absolute(iri) and iri[-1:] in ("/", "#") and coercion is None:
                self.prefixes.append((term, iri))
            else:
                definitions[term] = (iri, coercion)
        self.prefixes.sort(key=lambda pair: (-len(pair[1]), pair[0]))
        self.terms_by_iri: dict[str, str] = {}
        self.property_terms: dict[tuple[str, str | None], str] = {}
        for term in sorted(definitions):
            iri, coercion = definitions[term]
            iri = self.expand(iri)
            coercion = self.expand(coercion) if coercion and not coercion.startswith("@") \
                else coercion
            self.terms_by_iri.setdefault(iri, term)
            self.property_terms.setdefault((iri, coercion), term)
        self.id_key = self.aliases.get("@id", "@id")
        self.type_key = self.aliases.get("@type", "@type")

    def expand(self, value: str) -> str:
        """A compact IRI (``prefix:local``) with a known prefix as an absolute IRI."""
        prefix, sep, local = value.partition(":")
        if sep and not local.startswith("//"):
            for name, iri in self.prefixes:
                if name == prefix:
                    return iri + local
        return value

    def iri(self, term: Node) -> str:
        """A node reference: ``_:id`` for a blank node, a compact IRI where a prefix fits."""
        if isinstance(term, BNode):
            return f"_:{term}"
        text = str(term)
        for name, ns in self.prefixes:
            if text.startswith(ns) and len(text) > len(ns):
                local = text[len(ns):]
                if not local.startswith("//"):
                    return f"{name}:{local}"
        return text

    def vocab(self, term: Node) -> str:
        """A vocabulary IRI (class, individual): its term where one maps to it."""
        if isinstance(term, URIRef) and str(term) in self.terms_by_iri:
            return self.terms_by_iri[str(term)]
        return self.iri(term)

    def entry(self, predicate: URIRef, obj: Node) -> tuple[str, Any]:
        """The key and JSON value of one statement of a node."""
        p = str(predicate)
        if isinstance(obj, (URIRef, BNode)):
            term = self.property_terms.get((p, "@id"))
            if term:
                return term, self.iri(obj)
            term = self.property_terms.get((p, "@vocab"))
            if term:
                return term, self.vocab(obj)
            return self._plain_key(p), {self.id_key: self.iri(obj)}
        assert isinstance(obj, Literal)
        lexical = str(obj)
        if obj.language:
            term = self.property_terms.get((p, None))
            value = {"@value": lexical, "@language": obj.language}
            return (term or self.iri(predicate)), value
        if obj.datatype is not None:
            datatype = str(obj.datatype)
            term = self.property_terms.get((p, datatype))
            if term:
                return term, lexical
            value = {"@value": lexical, "@type": self.iri(obj.datatype)}
            return self._plain_key(p), value
        term = self.property_terms.get((p, None))
        if term:
            return term, lexical
        return self.iri(predicate), {"@value": lexical}

    def _plain_key(self, predicate: str) -> str:
        """A key for values that need no coercion: the uncoerced term, else the compact IRI."""
        return self.property_terms.get((predicate, None)) or self.iri(URIRef(predicate))


def _is_absolute(iri: str) -> bool:
    scheme, sep, rest = iri.partition(":")
    return bool(sep) and (rest.startswith("//") or scheme in ("urn", "mailto", "tag"))


def _sort_values(values: list[Any]) -> list[Any]:
    unique = {json.dumps(v, sort_keys=True, ensure_ascii=False): v for v in values}
    return [unique[key] for key in sorted(unique)]


def _nodes(triples: Iterable[_Triple], compactor: _Compactor) -> dict[str, dict[str, Any]]:
    grouped: dict[str, dict[str, list[Any]]] = {}
    for s, p, o in triples:
        node = grouped.setdefault(compactor.iri(s), {})
        if p == RDF.type and isinstance(o, (URIRef, BNode)):
            node.setdefault(compactor.type_key, []).append(compactor.vocab(o))
            continue
        key, value = compactor.entry(p, o)
        node.setdefault(key, []).append(value)
    nodes: dict[str, dict[str, Any]] = {}
    for node_id, properties in grouped.items():
        node: dict[str, Any] = {compactor.id_key: node_id}
        for key, values in properties.items():
            ordered = _sort_values(values)
            node[key] = ordered[0] if len(ordered) == 1 else ordered
        nodes[node_id] = node
    return nodes


def jsonld_document(dataset: Graph, context: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON-LD document :func:`export` writes, as a dict (context embedded)."""
    return json.loads(_jsonld(_normalise(dataset), context))


def _jsonld_chunks(default: list[_Triple], names: Iterable[Node],
                   load: Callable[[Node], Iterable[_Triple]],
                   context: dict[str, Any] | None = None) -> Iterator[str]:
    """The JSON-LD document, piece by piece: the statements of the default graph, then those of
    each named graph in ``names`` read with ``load(name)`` one graph at a time, so that a corpus
    of any size is written with one graph in memory.

    The text is ``json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False)`` of
    ``{"@context": ..., "@graph": [...]}``: the top-level entries (the default graph's nodes and
    one holder per named graph, with the graph's nodes under ``@graph``) sorted by their id.
    """
    ctx = context if context is not None else load_context()
    compactor = _Compactor(ctx)
    top = _nodes(_clean(default), compactor)
    holders = {compactor.iri(name): name for name in names}
    yield '{\n  "@context": ' + _dumps(ctx, 2) + ',\n  "@graph": ['
    written = 0
    for key in sorted(set(top) | set(holders)):
        entry = top.get(key) or {compactor.id_key: key}
        if key in holders:
            nodes = _nodes(_clean(load(holders[key])), compactor)
            if not nodes and key not in top:
                continue     # an empty named graph is not written
            entry["@graph"] = [nodes[k] for k in sorted(nodes)]
        yield (",\n    " if written else "\n    ") + _dumps(entry, 4)
        written += 1
    yield "\n  ]\n}\n" if written else "]\n}\n"


def _dumps(value: Any, indent: int) -> str:
    """``value`` as it appears nested ``indent`` spaces deep in an indented JSON document (JSON
    strings hold no raw line breaks, so indenting every line after the first is exact)."""
    text = json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)
    return text.replace("\n", "\n" + " " * indent)


def _clean(triples: Iterable[_Triple]) -> list[_Triple]:
    """One graph's statements, each once, blank nodes labelled canonically."""
    unique = list(dict.fromkeys(triples))
    if any(isinstance(term, BNode) for triple in unique for term in triple):
        unique = _canonical_bnodes(unique)
    return unique


def write_jsonld(target: Path, default: list[_Triple], names: Iterable[Node],
                 load: Callable[[Node], Iterable[_Triple]]) -> Path:
    """Write the JSON-LD export to ``target`` (through a temporary file) graph by graph: the
    default graph's statements ``default``, and each named graph in ``names`` read with
    ``load(name)`` when its turn comes (what a store's export uses to keep one graph in memory).
    """
    with atomic_output(Path(target)) as handle:
        for chunk in _jsonld_chunks(default, names, load):
            handle.write(chunk.encode("utf-8"))
    return Path(target)


def _jsonld(graphs: list[tuple[Node | None, list[_Triple]]],
            context: dict[str, Any] | None = None) -> str:
    by_key = dict(graphs)
    default = by_key.pop(None, [])
    return "".join(_jsonld_chunks(default, list(by_key), by_key.__getitem__, context))
