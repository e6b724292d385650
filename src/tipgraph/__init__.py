"""tipgraph: articles on human trafficking and human rights, as a validated, provenance-rich RDF
knowledge graph.

The pipeline, one module each: read (:mod:`tipgraph.article`), map (:mod:`tipgraph.mappers`),
assemble (:mod:`tipgraph.build`), validate (:mod:`tipgraph.validate`), query
(:mod:`tipgraph.query`) and export (:mod:`tipgraph.export`)::

    import tipgraph

    dataset = tipgraph.build_dataset(["data/articles"])
    report = tipgraph.validate(dataset)
    rows = tipgraph.run_query(tipgraph.load_query("claims"), dataset)
"""

from __future__ import annotations

__version__ = "0.1.0"

_API = {
    "read_article": "article", "find_articles": "article", "Article": "article",
    "map_article": "build", "build_dataset": "build",
    "validate": "validate",
    "load_query": "query", "run_query": "query", "list_queries": "query",
    "export": "export", "load_graph": "graphio",
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
