"""The command line, in-process: exit codes, one-line errors and no partial output."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tipgraph.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "articles" / "000_df495ebb58d21c9e.txt"


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def seed_graph(tmp_path_factory):
    out = tmp_path_factory.mktemp("build") / "seed.trig"
    code, stdout, stderr = run("build", SEED, "-o", out, "--quiet")
    assert code == 0, stderr
    return out


def test_build_writes_a_conforming_graph(seed_graph):
    assert seed_graph.exists() and seed_graph.stat().st_size > 0
    code, stdout, _ = run("validate", seed_graph)
    assert code == 0
    assert "Conforms: yes" in stdout


def test_build_into_a_folder(tmp_path):
    code, stdout, _ = run("build", SEED, "-o", tmp_path / "out", "--no-validate")
    assert code == 0
    assert (tmp_path / "out" / "graph.trig").exists()
    assert "built 1 article(s)" in stdout


@pytest.mark.parametrize("name, content, problem", [
    ("empty.txt", b"", "empty file"),
    ("binary.txt", b"\x00\xff\x00\xfe", "binary file"),
    ("latin1.txt", b"Title\n\nna\xefve text\n", "not UTF-8"),
    ("notitle.txt", b"Just a title\n", "no body"),
])
def test_build_bad_article(tmp_path, name, content, problem):
    article = tmp_path / name
    article.write_bytes(content)
    out = tmp_path / "graph.trig"
    code, stdout, stderr = run("build", article, "-o", out)
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and problem in lines[0]
    assert "Traceback" not in stderr
    assert not out.exists()


def test_build_bad_sidecar(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\nSome body text.\n", encoding="utf-8")
    (tmp_path / "a.meta.yaml").write_text("url: [\n", encoding="utf-8")
    code, _, stderr = run("build", tmp_path / "a.txt", "-o", tmp_path / "g.trig")
    assert code == 2 and "a.meta.yaml" in stderr and len(stderr.strip().splitlines()) == 1
    assert not (tmp_path / "g.trig").exists()


def test_build_missing_file(tmp_path):
    code, _, stderr = run("build", tmp_path / "nope.txt", "-o", tmp_path / "g.trig")
    assert code == 2 and "nope.txt" in stderr and "no such file" in stderr


def test_existing_output_survives_a_failed_build(tmp_path):
    out = tmp_path / "graph.trig"
    out.write_text("previous content", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    code, _, _ = run("build", tmp_path / "empty.txt", "-o", out)
    assert code == 2
    assert out.read_text(encoding="utf-8") == "previous content"


@pytest.mark.parametrize("content, problem", [
    (None, "no such file"),
    ("@prefix : <http://x/> . :a :b", "cannot parse"),
])
def test_graph_file_errors(tmp_path, content, problem):
    graph = tmp_path / "g.ttl"
    if content is not None:
        graph.write_text(content, encoding="utf-8")
    for args in (("validate", graph), ("query", "actors", graph),
                 ("export", graph, "--format", "nt", "-o", tmp_path / "x.nt")):
        code, _, stderr = run(*args)
        assert code == 2, args
        assert "g.ttl" in stderr and problem in stderr
        assert len(stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.nt").exists()


def test_validate_exit_1_when_not_conforming(tmp_path):
    invalid = sorted((ROOT / "tests" / "shapes").glob("*.invalid.ttl"))[0]
    code, stdout, _ = run("validate", invalid)
    assert code == 1
    assert "Does not conform" in stdout


def test_query_unknown_name(seed_graph):
    code, _, stderr = run("query", "no-such-query", seed_graph)
    assert code == 2
    assert "no-such-query" in stderr and "actors" in stderr


def test_query_malformed_file(tmp_path, seed_graph):
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: Bad\nSELECT ?x WHERE { ?x ", encoding="utf-8")
    code, _, stderr = run("query", bad, seed_graph)
    assert code == 2 and "bad.rq" in stderr


def test_query_formats(seed_graph):
    code, table, _ = run("query", "actors", seed_graph)
    assert code == 0 and "Hong Kong" in table and "rows)" in table
    result = CliRunner().invoke(cli, ["query", "actors", str(seed_graph), "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"actor,name,type\r\n")
    code, json_text, _ = run("query", "actors", seed_graph, "--format", "json")
    data = json.loads(json_text)
    assert data["head"]["vars"] == ["actor", "name", "type"]
    assert any(b["name"]["value"] == "Hong Kong" for b in data["results"]["bindings"])


def test_query_parameter_is_bound_not_pasted(seed_graph):
    code, out, stderr = run("query", "actors", seed_graph, "--param",
                            'article=" } ; DROP ALL ; #')
    assert code in (0, 2)
    assert "Traceback" not in stderr


def test_queries_lists_saved_queries():
    code, out, _ = run("queries")
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()]
    for name in ("actors", "laws", "reports", "instruments", "ratings", "claims", "amounts",
                 "sources"):
        assert name in names


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nt", "nq", "jsonld"])
def test_export_is_deterministic(tmp_path, seed_graph, fmt):
    first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    assert run("export", seed_graph, "--format", fmt, "-o", first)[0] == 0
    assert run("export", seed_graph, "--format", fmt, "-o", second)[0] == 0
    assert first.read_bytes() == second.read_bytes()


def test_build_is_deterministic(tmp_path, seed_graph):
    again = tmp_path / "again.trig"
    assert run("build", SEED, "-o", again, "--quiet", "--no-validate")[0] == 0
    assert again.read_bytes() == seed_graph.read_bytes()


def test_mappers_listed():
    code, out, _ = run("mappers")
    assert code == 0
    for name in ("article", "actors", "laws", "reports", "instruments", "ratings", "claims",
                 "figures", "dates", "sources"):
        assert f"{name}:" in out


def test_same_bytes_across_processes(tmp_path):
    """Hash randomisation must not reach the output: two processes, two hash seeds."""
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed-{seed}.nq"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "tipgraph", "build", str(SEED), "-o", str(out),
                        "--quiet", "--no-validate"], check=True, env=env)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_build_refuses_to_write_a_graph_that_does_not_conform(tmp_path):
    """A mapper that writes a claim with no claimant: build exits 1 and writes nothing, unless
    --no-validate is given."""
    from rdflib.namespace import RDF

    from tipgraph.mappers import _REGISTRY, mapper
    from tipgraph.namespace import TG

    @mapper("broken-claims", after=("article",))
    def broken(ctx):
        node = ctx.local("claim")
        ctx.fact(node, TG.Claim, 0, 5, 0.5)
        yield node, RDF.type, TG.Claim

    try:
        out = tmp_path / "g.trig"
        code, _, stderr = run("build", SEED, "-o", out, "--mapper", "article",
                              "--mapper", "broken-claims")
        assert code == 1
        assert "does not conform" in stderr and "claimant" in stderr
        assert not out.exists()
        code, _, _ = run("build", SEED, "-o", out, "--mapper", "article",
                         "--mapper", "broken-claims", "--no-validate")
        assert code == 0 and out.exists()
    finally:
        _REGISTRY.pop("broken-claims", None)


def test_one_row_per_quotation_and_per_disputed_thing(seed_graph):
    """Optional look-ups never pair a claim with unrelated nodes."""
    from rdflib.namespace import RDF

    from tipgraph.graphio import load_graph
    from tipgraph.namespace import TG

    data = load_graph(seed_graph)
    quoted = {c for c in data.subjects(TG.attributionMode, TG.DirectQuotation)}
    disputes = set(data.subject_objects(TG.disputes))
    assert all((c, RDF.type, TG.Claim) in data for c in quoted)
    code, quotes_csv, _ = run("query", "quotes", seed_graph, "--format", "csv")
    assert code == 0 and len(quotes_csv.strip().splitlines()) - 1 == len(quoted)
    code, disputes_csv, _ = run("query", "disputes", seed_graph, "--format", "csv")
    assert code == 0 and len(disputes_csv.strip().splitlines()) - 1 == len(disputes)


def test_a_failing_mapper_is_reported_and_left_out(tmp_path):
    """A mapper bug on one article: a warning naming the file and mapper, the rest is built;
    with --strict the build stops with exit 2 and writes nothing."""
    from tipgraph.mappers import _REGISTRY, mapper

    @mapper("crashing", after=("article",))
    def crashing(ctx):
        ctx.local("claim")
        yield ctx.iri, ctx.iri, ctx.iri
        raise ValueError("boom")

    try:
        out = tmp_path / "g.trig"
        code, _, stderr = run("build", SEED, "-o", out, "--mapper", "article",
                              "--mapper", "crashing", "--quiet")
        assert code == 0 and out.exists()
        assert "warning" in stderr and "crashing" in stderr and SEED.name in stderr
        assert "boom" in stderr
        from tipgraph.graphio import load_graph
        from tipgraph.namespace import TGID

        article = TGID["article/" + SEED.stem]
        graph = load_graph(out)
        assert (article, article, article) not in graph  # what the mapper wrote is taken back
        assert (article, None, None) in graph  # the other mappers' facts are there
        strict_out = tmp_path / "strict.trig"
        code, _, stderr = run("build", SEED, "-o", strict_out, "--mapper", "article",
                              "--mapper", "crashing", "--strict")
        assert code == 2 and "crashing" in stderr and not strict_out.exists()
    finally:
        _REGISTRY.pop("crashing", None)
