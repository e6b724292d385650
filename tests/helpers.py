"""Small articles written for a test, and their graphs (shared by the mapper tests)."""

from __future__ import annotations

from pathlib import Path

import yaml
from rdflib import Graph

from tipgraph.article import read_article
from tipgraph.build import article_graph


def write_article(tmp_path: Path, body: str, meta: dict | None = None, name: str = "t1",
                  title: str = "Test article on trafficking") -> Path:
    """``tmp_path/NAME.txt`` with a title line and ``body``, and a sidecar when ``meta``."""
    path = tmp_path / f"{name}.txt"
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    if meta:
        (tmp_path / f"{name}.meta.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    return path


def graph_of(path: Path) -> Graph:
    return article_graph(read_article(path))


def linked_seed_projection():
    """The people's view (tipgraph.project) of the seed article's graph, linked to the
    reference data."""
    from tipgraph.build import build_dataset
    from tipgraph.link import link
    from tipgraph.project import project
    from tipgraph.reference import load_reference
    from tipgraph.resources import project_file

    dataset = build_dataset([project_file("data/articles/000_df495ebb58d21c9e.txt")])
    link(dataset, load_reference())
    return project(dataset)


def oxigraph_store(dataset):
    """An in-memory embedded store holding every non-empty named graph of ``dataset``."""
    from rdflib import URIRef

    from tipgraph.store import OxigraphStore, nt_lines

    store = OxigraphStore(None)
    store.replace_graphs([(g.identifier, nt_lines(g)) for g in dataset.graphs()
                          if len(g) and isinstance(g.identifier, URIRef)])
    return store
