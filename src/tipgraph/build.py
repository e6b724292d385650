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
                  warn: Callable[[str], None] | None = None) -> Dataset:
    """Read every article under ``paths`` and map each into its own named graph.

    With ``strict=False`` a mapper that fails on an article is reported through ``warn`` and
    left out for that article instead of stopping the build."""
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
    return dataset
