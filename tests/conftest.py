"""Fixtures shared by several test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from sparql_server import ServerError, start_server

WIKIDATA_EXTRACT = Path(__file__).parent / "data" / "wikidata-extract.nt"


@pytest.fixture(scope="session")
def sparql_server(tmp_path_factory):
    """A real SPARQL 1.1 server (Oxigraph, see tests/sparql_server.py) on 127.0.0.1, for the whole
    session. Its default graph holds tests/data/wikidata-extract.nt, a stand-in for Wikidata;
    it is read-write (query, update, Graph Store Protocol at ``store_url``): a test that writes
    should use named graphs of its own and leave the default graph alone. No server -> the tests
    that use it fail (they are not skipped)."""
    try:
        server = start_server(tmp_path_factory.mktemp("sparql-server") / "store",
                              [WIKIDATA_EXTRACT])
    except ServerError as exc:
        pytest.fail(f"cannot start the test SPARQL server: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def bundled():
    """The bundled corpus as `tipgraph build data/articles --link --include data/external`
    builds it (an rdflib ``Dataset``; tests must not change it)."""
    from tipgraph.build import build_dataset, include_graphs
    from tipgraph.link import link
    from tipgraph.reference import load_reference
    from tipgraph.resources import project_file

    dataset = build_dataset([project_file("data/articles")], strict=False)
    include_graphs(dataset, [project_file("data/external")])
    link(dataset, load_reference())
    return dataset

