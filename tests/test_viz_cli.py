"""`tipgraph viz` and `tipgraph stats` on the seed's linked graph: every kind of output, the
neighbourhood of one entity, and the errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tipgraph.cli import cli
from tipgraph.exchange import read_network
from tipgraph.resources import project_file

SEED = project_file("data/articles/000_df495ebb58d21c9e.txt")


@pytest.fixture(scope="module")
def seed_graph(tmp_path_factory):
    out = tmp_path_factory.mktemp("viz") / "seed.trig"
    result = CliRunner().invoke(cli, ["build", str(SEED), "--link", "-q", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("suffix", [".html", ".svg", ".png", ".graphml", ".gexf", ".dot"])
def test_viz_writes_every_kind_of_view(seed_graph, tmp_path, suffix):
    out = tmp_path / f"seed{suffix}"
    result = run("viz", seed_graph, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out} (")
    assert out.stat().st_size > 1000
    again = tmp_path / f"again{suffix}"
    run("viz", seed_graph, "-o", again)
    assert out.read_bytes() == again.read_bytes()  # deterministic


def test_viz_exchange_keeps_the_projection(seed_graph, tmp_path):
    from tipgraph.graphio import load_graph
    from tipgraph.project import project

    G = project(load_graph(seed_graph))
    out = tmp_path / "seed.graphml"
    run("viz", seed_graph, "-o", out)
    back = read_network(out)
    assert (back.number_of_nodes(), back.number_of_edges()) == (G.number_of_nodes(),
                                                                G.number_of_edges())


def test_viz_focus_draws_a_neighbourhood(seed_graph, tmp_path):
    out = tmp_path / "hk.graphml"
    result = run("viz", seed_graph, "--focus", "tgid:instrument/palermo-protocol", "--depth", 1,
                 "-o", out)
    assert result.exit_code == 0, result.output
    back = read_network(out)
    assert "https://w3id.org/tipgraph/id/actor/hong-kong" in back
    assert back.number_of_nodes() < 10


def test_viz_errors(seed_graph, tmp_path):
    unknown = run("viz", seed_graph, "--focus", "Atlantis", "-o", tmp_path / "x.svg")
    assert unknown.exit_code == 2 and "Atlantis" in unknown.output
    assert not (tmp_path / "x.svg").exists()
    wrong = run("viz", seed_graph, "-o", tmp_path / "x.pdf")
    assert wrong.exit_code == 2 and "unknown kind of view '.pdf'" in wrong.output
    missing = run("viz", tmp_path / "missing.trig", "-o", tmp_path / "y.html")
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_stats_table_and_json(seed_graph):
    table = run("stats", seed_graph)
    assert table.exit_code == 0 and "Nodes by kind" in table.output
    data = json.loads(run("stats", seed_graph, "--format", "json").output)
    assert json.dumps(data)  # parses
    assert "Hong Kong" in json.dumps(data)
