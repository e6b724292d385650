"""Assembling the graph: run the mappers over each article and store the triples.

The layers, from raw to stored:

- :func:`map_article` runs the mappers on one :class:`~tipgraph.article.Article` and returns its
  triples (a sorted, de-duplicated list);
- :func:`build_dataset` reads article files and puts each article's triples in its own named
  graph of an rdflib :class:`~rdflib.Dataset`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from rdflib import Dataset, Graph, URIRef

from .article import Article, find_articles, read_article
from .errors import MapperError, TipgraphError
from .gazetteer import load_gazetteer, load_lexicon
from .mappers import ordered
from .mappers.context import MappingContext
from .namespace import TGID, bind_prefixes
from .recognise import get_recogniser

__all__ = ["map_article", "article_graph", "build_dataset", "graph_iri"]


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
    return sorted(set(ctx.triples))


def article_graph(article: Article, mappers: Iterable[str] | None = None) -> Graph:
    """One article's triples as an rdflib Graph, with tipgraph's prefixes bound."""
    graph = Graph()
    bind_prefixes(graph)
    for triple in map_article(article, mappers):
        graph.add(triple)
    return graph


def build_dataset(paths: Iterable[str | Path], mappers: Iterable[str] | None = None,
                  progress: Callable[[Path], None] | None = None, strict: bool = True,
                  warn: Callable[[str], None] | None = None, resolve: bool = True) -> Dataset:
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
