"""Assembling the graph: run the mappers over each article and store the triples.

The layers, from raw to stored:

- :func:`map_article` runs the mappers on one :class:`~tipgraph.article.Article` and returns its
  triples (a sorted, de-duplicated list);
- :func:`build_dataset` reads article files and puts each article's triples in its own named
  graph of an rdflib :class:`~rdflib.Dataset` (``jobs`` processes map the articles);
- :func:`build_store` does the same into a :mod:`~tipgraph.store` (an embedded pyoxigraph store
  or a SPARQL server), incrementally: see its docstring.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from rdflib import Dataset, Graph, Literal, URIRef

from .article import Article, find_articles, read_article
from .errors import MapperError, TipgraphError
from .export import triple_key
from .gazetteer import load_gazetteer, load_lexicon
from .mappers import ordered
from .mappers.context import MappingContext
from .namespace import SCHEMA, TG, TGID, bind_prefixes
from .recognise import get_recogniser

__all__ = ["map_article", "article_graph", "build_dataset", "graph_iri", "build_store",
           "BuildReport", "ArticleFile", "mapping_fingerprint", "stored_records"]


def graph_iri(article: Article) -> URIRef:
    return TGID[f"graph/{article.id}"]


def map_article(article: Article, mappers: Iterable[str] | None = None,
                entities_dir: str | None = None, lexicon_dir: str | None = None,
                strict: bool = True, warn: Callable[[str], None] | None = None
                ) -> list[tuple]:
    """All triples the mappers find in one article, sorted and without duplicates.

    A mapper that fails raises :class:`MapperError` when ``strict``; otherwise what it wrote is
    taken back, ``warn`` is told in one line, and the other mappers go on."""
    gazetteer = load_gazetteer(entities_dir)
    lexicon = load_lexicon(lexicon_dir)
    ctx = MappingContext(article, gazetteer, lexicon, get_recogniser(entities_dir, lexicon_dir))
    for spec in ordered(mappers):
        ctx.current_mapper = spec.name
        kept = len(ctx.triples), len(ctx.mentions)
        try:
            for triple in spec.func(ctx) or ():
                ctx.add(*triple)
        except TipgraphError:
            raise
        except Exception as exc:
            error = MapperError(f"mapper '{spec.name}' failed: {type(exc).__name__}: {exc}",
                                article.path)
            if strict:
                raise error from exc
            del ctx.triples[kept[0]:], ctx.mentions[kept[1]:]
            if warn is not None:
                warn(f"{error}; its facts are left out")
    ctx.finish()
    return sorted(set(ctx.triples), key=triple_key)


def article_graph(article: Article, mappers: Iterable[str] | None = None) -> Graph:
    """One article's triples as an rdflib Graph, with tipgraph's prefixes bound."""
    graph = Graph()
    bind_prefixes(graph)
    for triple in map_article(article, mappers):
        graph.add(triple)
    return graph


def build_dataset(paths: Iterable[str | Path], mappers: Iterable[str] | None = None,
                  progress: Callable[[Path], None] | None = None, strict: bool = True,
                  warn: Callable[[str], None] | None = None, resolve: bool = True,
                  jobs: int = 1) -> Dataset:
    """Read every article under ``paths`` and map each into its own named graph.

    With ``strict=False`` a mapper that fails on an article is reported through ``warn`` and
    left out for that article instead of stopping the build. When ``resolve`` is true, nodes of
    different spellings of one entity are merged, within and across the articles (:func:`tipgraph.resolve.resolve_entities`; call it yourself after
    ``resolve=False`` to see what it merges)."""
    files = find_articles(list(paths))
    articles = [read_article(path) for path in files]
    seen: dict[str, Path] = {}
    for article in articles:
        if article.id in seen:
            raise TipgraphError(f"article id '{article.id}' is also used by {seen[article.id]}",
                                article.path)
        seen[article.id] = article.path
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    names = list(mappers) if mappers is not None else None
    for article in articles:
        if progress is not None:
            progress(article.path)
        graph = dataset.graph(graph_iri(article))
        for triple in map_article(article, names, strict=strict, warn=warn):
            graph.add(triple)
    if resolve:
        from .resolve import resolve_entities

        resolve_entities(dataset)
    return dataset


def include_graphs(dataset: Dataset, paths: Iterable[str | Path]) -> list[URIRef]:
    """Merge external RDF files (or every graph file in a folder) into ``dataset``, each in its
    own named graph ``tgid:graph/include/{file stem}``, so that queries can join across them.
    Files are read locally only (see :func:`tipgraph.graphio.load_graph`)."""
    from .gazetteer import slugify
    from .graphio import FORMATS, load_graph

    files: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            found = sorted(p for p in item.iterdir() if p.suffix.lower() in FORMATS)
            if not found:
                raise TipgraphError("no graph files (.ttl, .nt, .trig, .nq, .jsonld) in this "
                                    "folder", item)
            files.extend(found)
        else:
            files.append(item)
    names: list[URIRef] = []
    seen: dict[URIRef, Path] = {}
    for path in files:
        name = TGID[f"graph/include/{slugify(path.stem)}"]
        if name in seen:
            raise TipgraphError(f"included twice under the same name (also {seen[name]})", path)
        seen[name] = path
        graph = dataset.graph(name)
        for s, p, o, _ in load_graph(path).quads((None, None, None, None)):
            graph.add((s, p, o))
        names.append(name)
    return names


# ------------------------------------------------------------------------------------------------
# Mapping many articles, in parallel
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ArticleFile:
    """An article file as a build sees it before mapping: its id (from the sidecar or the file
    name, as :func:`~tipgraph.article.read_article` makes it), its graph and the digest of its
    bytes and its sidecar's."""

    path: Path
    id: str
    digest: str

    @classmethod
    def of(cls, path: Path) -> "ArticleFile":
        from .article import SIDECAR_SUFFIX, _article_id, read_sidecar

        digest = hashlib.sha256()
        for part in (path, path.with_name(path.stem + SIDECAR_SUFFIX)):
            try:
                data = part.read_bytes() if part.exists() else b""
            except OSError as exc:
                raise TipgraphError(f"cannot read: {exc.strerror or exc}", part) from None
            digest.update(len(data).to_bytes(8, "big") + data)
        meta = read_sidecar(path)
        return cls(path, str(meta.get("id") or _article_id(path)), digest.hexdigest())

    @property
    def graph(self) -> URIRef:
        return TGID[f"graph/{self.id}"]


def _check_ids(articles: list[ArticleFile]) -> None:
    seen: dict[str, Path] = {}
    for item in articles:
        if item.id in seen:
            raise TipgraphError(f"article id '{item.id}' is also used by {seen[item.id]}",
                                item.path)
        seen[item.id] = item.path


def _map_file(task: tuple[ArticleFile, tuple | None, bool]) -> tuple[list[tuple], list[str]]:
    """Read and map one article file: its triples and the warnings of its failed mappers."""
    item, names, strict = task
    warnings: list[str] = []
    article = read_article(item.path)
    if article.id != item.id:
        raise TipgraphError(f"the article's id '{article.id}' is not the expected '{item.id}'",
                            item.path)
    return map_article(article, names, strict=strict, warn=warnings.append), warnings


def _pool(jobs: int):
    """A pool of ``jobs`` worker processes, forked so that they share what is loaded (the
    gazetteer, the language pipeline, a resolution plan)."""
    import gc
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    # what the workers inherit is moved out of the collector's reach while they fork: their
    # collections then leave those pages shared instead of copying them (tens of MB per
    # worker with the resolution plan of a large corpus)
    gc.collect()
    gc.freeze()
    try:
        return multiprocessing.get_context(method).Pool(jobs)
    finally:
        gc.unfreeze()


#: Tasks handed to the workers ahead of the results read back: two windows of this many. The
#: workers never wait for the parent at a window's end, and when the parent is the slower side
#: (writing to the store) the results waiting for it stay a few windows' worth instead of
#: growing with the corpus (an article's N-Triples are about 1 MB).
WINDOW = 64


def _parallel(func, tasks: list, jobs: int):
    """``func`` over ``tasks`` in order, in ``jobs`` processes when there is more than one."""
    if jobs <= 1 or len(tasks) < 2:
        yield from map(func, tasks)
        return
    from collections import deque

    chunksize = max(1, min(16, len(tasks) // (jobs * 8), WINDOW // (jobs * 2)))
    with _pool(min(jobs, len(tasks))) as pool:
        running: deque = deque()
        for start in range(0, len(tasks), WINDOW):
            running.append(pool.imap(func, tasks[start:start + WINDOW], chunksize=chunksize))
            if len(running) == 2:
                yield from running.popleft()
        while running:
            yield from running.popleft()


def _map_all(articles: list[ArticleFile], names, strict: bool, jobs: int):
    if jobs > 1:   # load what the workers share before forking them
        load_gazetteer(), load_lexicon(), get_recogniser(None, None)
    yield from _parallel(_map_file, [(a, names, strict) for a in articles], jobs)


# ------------------------------------------------------------------------------------------------
# Incremental builds into a store
# ------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def mapping_fingerprint() -> str:
    """A digest of everything besides an article that decides what the mappers make of it:
    tipgraph's version and code, the gazetteer and the lexicon. A build records it with each
    article, so that a new version of any of them maps every article again."""
    from . import __version__
    from .resources import project_file

    digest = hashlib.sha256(f"tipgraph {__version__}\n".encode())
    package = Path(__file__).resolve().parent
    files = sorted(package.rglob("*.py")) + sorted(project_file("data/entities").glob("*.yaml")) \
        + sorted(project_file("data/lexicon").glob("*.yaml"))
    for path in files:
        data = path.read_bytes()
        digest.update(f"{path.name} {len(data)}\n".encode() + data)
    return digest.hexdigest()[:32]


@dataclass
class BuildReport:
    """What :func:`build_store` did."""

    articles: int = 0
    mapped: int = 0            # articles the mappers ran on (the others came from the cache)
    written: int = 0           # article graphs written (new or changed)
    unchanged: int = 0         # article graphs left as they were
    dropped: list[URIRef] = field(default_factory=list)   # graphs of articles no longer there
    invalid: list[tuple[Path, str]] = field(default_factory=list)  # not written: (file, report)
    extra: list[URIRef] = field(default_factory=list)     # links, reference, included graphs
    resolution: object = None  # the tipgraph.resolve.Resolution of the corpus
    warnings: list[str] = field(default_factory=list)


class _Cache:
    """Each article's mapper output (its triples before resolution) and its resolution summary,
    in files named by the article's input digest, so that an unchanged article is never mapped
    again and a no-change rebuild reads only the small summaries."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, key: str, kind: str) -> Path:
        return self.folder / key[:2] / f"{key}.{kind}.pickle"

    def has(self, key: str) -> bool:
        return self._path(key, "summary").exists() and self._path(key, "triples").exists()

    def load(self, key: str, kind: str):
        with open(self._path(key, kind), "rb") as stream:
            return pickle.load(stream)

    def save(self, key: str, triples: list[tuple], summary) -> None:
        from .export import write_atomically

        for kind, value in (("triples", triples), ("summary", summary)):
            path = self._path(key, kind)
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


#: Article graphs are written to the store in batches of about this many N-Triples lines (an
#: embedded store bulk-loads a batch, with its union copy, in one call).
WRITE_BATCH = 50_000

# What forked workers read: set by build_store before the pools start.
_SHARED: dict = {}


def _map_into_cache(task) -> tuple[object, list[str]]:
    from .resolve import summarise

    item, key, names, strict = task
    triples, warnings = _map_file((item, names, strict))
    summary = summarise(item.graph, triples)
    _SHARED["cache"].save(key, triples, summary)
    return summary, warnings


def _finish_article(task) -> tuple[URIRef, list[str] | None, str | None, object]:
    """Resolve one cached article with the plan, validate it, and give its N-Triples lines (or
    ``None`` and the validation report) and its part of the people's view
    (:func:`tipgraph.project.graph_part`). With ``write`` false, only the part."""
    from .project import graph_part
    from .store import nt_lines

    item, key, resolution_key, write = task
    cache, plan = _SHARED["cache"], _SHARED["plan"]
    dataset = Dataset(default_union=True)
    graph = dataset.graph(item.graph)
    for triple in cache.load(key, "triples"):
        graph.add(triple)
    plan.apply(dataset)
    lines = None
    if write:
        lines = nt_lines(graph)
        if _SHARED["validate"]:
            from .validate import validate_ntriples

            report = validate_ntriples("\n".join(lines) + "\n", str(item.graph))
            if not report.conforms:
                return item.graph, None, report.text(), None
    record = [(item.graph, TG.inputHash, Literal(key)),
              (item.graph, TG.resolutionHash, Literal(resolution_key))]
    for triple in record:
        graph.add(triple)
    part = graph_part(str(item.graph), graph) if _SHARED["parts"] is not None else None
    if lines is not None:
        lines = sorted(set(lines).union(nt_lines(record)))
    return item.graph, lines, None, part


def stored_records(store) -> dict[URIRef, tuple[str, str]]:
    """The article graphs of ``store`` built by :func:`build_store`, with the input and
    resolution digests each was built from."""
    rows = store.select(
        "SELECT ?g ?input ?resolution WHERE { GRAPH ?g { ?g <%s> ?input ; <%s> ?resolution } }"
        % (TG.inputHash, TG.resolutionHash)).rows
    return {row[0]: (str(row[1]), str(row[2])) for row in rows}


def build_store(store, paths: Iterable[str | Path], *, mappers: Iterable[str] | None = None,
                jobs: int = 1, strict: bool = False, validate: bool = True,
                cache: str | Path | None = None,
                progress: Callable[[str, int], None] | None = None,
                link_reference: str | Path | None = None, do_link: bool = False,
                review: str | Path | None = None,
                includes: Iterable[str | Path] = ()) -> BuildReport:
    """Build the articles under ``paths`` into ``store`` (a :class:`tipgraph.store.Store`),
    changing only what changed.

    1. Each article's *input digest* covers its file, its sidecar and
       :func:`mapping_fingerprint`. An article whose digest is in the cache (``cache``, default
       the store's ``mapped`` folder) is not mapped again; the others are mapped in ``jobs``
       processes, and their triples and resolution summary go to the cache.
    2. Entity resolution is planned over the summaries of every article
       (:func:`tipgraph.resolve.plan_resolution`); each article's part of the plan has a digest.
    3. An article whose graph in the store records the same input and resolution digests is
       left alone. Each other one is resolved, validated (``validate``) and written in place of
       its old graph in one step (:meth:`tipgraph.store.Store.replace_graphs`), with the two
       digests recorded in it (``tg:inputHash``, ``tg:resolutionHash``). An article that does not
       conform is not written (its old graph stays) and is listed in ``invalid``.
    4. The graphs of articles no longer among ``paths`` are dropped; with ``do_link`` the links
       and reference graphs are made again, and ``includes`` are put in their graphs.

    A build that stops half way (killed, or the server gone) leaves each article's graph either
    as it was or as it should be; the next build finds the rest by their digests."""
    import tempfile

    from .project import load_part, part_key, prune_parts, save_part
    from .resolve import plan_resolution

    report = BuildReport()
    files = find_articles(list(paths))
    articles = [ArticleFile.of(path) for path in files]
    _check_ids(articles)
    report.articles = len(articles)
    fingerprint = mapping_fingerprint()
    keys = {a.graph: hashlib.sha256(f"{fingerprint}\n{a.digest}".encode()).hexdigest()
            for a in articles}
    names = tuple(mappers) if mappers is not None else None
    temporary = None
    if cache is None:
        cache = getattr(store, "cache", None)
    if cache is None:
        temporary = tempfile.TemporaryDirectory(prefix="tipgraph-build-")
        cache = temporary.name
    try:
        parts = getattr(store, "projection", None)
        _SHARED.update(cache=_Cache(Path(cache)), validate=validate, parts=parts)
        # 1. map what is not cached
        todo = [a for a in articles if not _SHARED["cache"].has(keys[a.graph])]
        if jobs > 1 and todo:
            load_gazetteer(), load_lexicon(), get_recogniser(None, None)
        summaries = {}
        tasks = [(a, keys[a.graph], names, strict) for a in todo]
        for item, (summary, warnings) in zip(todo, _parallel(_map_into_cache, tasks, jobs)):
            summaries[item.graph] = summary
            report.warnings.extend(f"{item.path}: {w}" if str(item.path) not in w else w
                                   for w in warnings)
            if progress is not None:
                progress("mapping", 1)
        report.mapped = len(todo)
        for item in articles:
            if item.graph not in summaries:
                summaries[item.graph] = _SHARED["cache"].load(keys[item.graph], "summary")
        # 2. plan the resolution of the whole corpus
        plan = plan_resolution(summaries[a.graph] for a in articles)
        _SHARED["plan"] = plan
        report.resolution = plan.resolution
        # 3. write what changed
        stored = stored_records(store)
        tasks = []
        part_keys = {}
        for item in articles:
            wanted = (keys[item.graph], plan.key(summaries[item.graph]))
            part_keys[item.graph] = part_key(*wanted)
            if stored.get(item.graph) == wanted:
                report.unchanged += 1
                if parts is not None and load_part(parts, part_keys[item.graph]) is None:
                    tasks.append((item, wanted[0], wanted[1], False))  # its part is missing
                elif progress is not None:
                    progress("writing", 1)
            else:
                tasks.append((item, wanted[0], wanted[1], True))
        # the summaries are needed again only to link; the workers about to be forked need not
        # inherit them (about 40 KB an article)
        linking = list(summaries.values()) if do_link else []
        del summaries
        batch: list[tuple[URIRef, list[str]]] = []
        by_graph = {a.graph: a for a in articles}
        for graph, lines, problem, part in _parallel(_finish_article, tasks, jobs):
            if part is not None:
                save_part(parts, part_keys[graph], part)
            if problem is not None:
                report.invalid.append((by_graph[graph].path, problem))
            elif lines is None:
                pass  # only its part was wanted
            else:
                batch.append((graph, lines))
                if sum(len(b[1]) for b in batch) >= WRITE_BATCH:
                    store.replace_graphs(batch)
                    report.written += len(batch)
                    batch = []
            if progress is not None:
                progress("writing", 1)
        if batch:
            store.replace_graphs(batch)
            report.written += len(batch)
        # 4. what is gone, and the graphs made from the whole corpus
        for graph in sorted(set(stored) - set(keys), key=str):
            store.drop_graph(graph)
            report.dropped.append(graph)
        if parts is not None:
            prune_parts(parts, set(part_keys.values()))
        if do_link or includes:
            report.extra = _corpus_graphs(store, plan, linking, do_link,
                                          link_reference, review, includes, report)
        views = parts is not None and bool(tasks or report.dropped or report.extra)
    finally:
        _SHARED.clear()
        if temporary is not None:
            temporary.cleanup()
    if views:
        from .project import keep_views
        from .visualise import MAX_HTML_NODES, MAX_STATIC_NODES

        del linking, plan   # the corpus' summaries and plan are not needed any more
        keep_views(store, (MAX_HTML_NODES, MAX_STATIC_NODES))  # what viz and stats read
    return report


def _corpus_graphs(store, plan, summaries, do_link, reference, review, includes,
                   report) -> list[URIRef]:
    """The links and reference graphs (from the resolved summaries: the entities' kinds and
    names) and the included files, each written in place of its old version."""
    from .store import nt_lines

    written: list[URIRef] = []
    extra = Dataset(default_union=True)
    if includes:
        written += include_graphs(extra, includes)
    if do_link:
        from .link import LINKS_GRAPH, REFERENCE_GRAPH, link
        from .reference import load_reference

        names = Dataset(default_union=True)
        for summary in summaries:
            graph = names.graph(summary.graph)
            for triple in summary.triples:
                graph.add(triple)
            for currency in summary.currencies:
                graph.add((summary.graph, SCHEMA.currency, currency))
        plan.apply(names)
        result = link(names, load_reference(reference), review)
        report.link = result
        for name in (LINKS_GRAPH, REFERENCE_GRAPH):
            graph = extra.graph(name)
            for triple in names.graph(name):
                graph.add(triple)
            written.append(name)
    store.replace_graphs((name, nt_lines(extra.graph(name))) for name in written)
    return written
