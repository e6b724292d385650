"""tipgraph: articles on human trafficking and human rights, as a validated, provenance-rich RDF
knowledge graph.

The pipeline, one module each: read (:mod:`tipgraph.article`), map (:mod:`tipgraph.mappers`),
assemble (:mod:`tipgraph.build`), validate (:mod:`tipgraph.validate`), query
(:mod:`tipgraph.query`) and export (:mod:`tipgraph.export`)::

    from tipgraph import build_dataset, load_query, run_query
    from tipgraph.validate import validate

    dataset = build_dataset(["data/articles"])
    report = validate(dataset)
    rows = run_query(load_query("claims"), dataset)
"""

from __future__ import annotations

__version__ = "0.1.0"

_API = {
    "read_article": "article", "find_articles": "article", "Article": "article",
    "map_article": "build", "build_dataset": "build",
    "load_query": "query", "run_query": "query", "list_queries": "query",
    "load_graph": "graphio",
    "TipgraphError": "errors",
}

__all__ = sorted(_API)


def __getattr__(name):
    # Import on first use so that `import tipgraph` stays fast (spaCy, pySHACL load lazily).
    if name in _API:
        import importlib

        module = importlib.import_module(f"{__name__}.{_API[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'tipgraph' has no attribute '{name}'")
