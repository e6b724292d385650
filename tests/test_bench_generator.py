"""The benchmark corpus generator (benchmarks/generate.py): deterministic output, one sidecar per
article, articles of news length, and text the mappers turn into claims, ratings and amounts.
Nothing here is timed: the benchmark itself is benchmarks/bench.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

from tipgraph.article import read_article
from tipgraph.build import build_dataset
from tipgraph.query import load_query, run_query

ROOT = Path(__file__).resolve().parents[1]
SIDECAR_KEYS = {"title", "publisher", "url", "date", "language", "author", "note"}


def _load_generator():
    spec = importlib.util.spec_from_file_location("bench_generate",
                                                  ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generate = _load_generator()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes(tmp_path):
    generate.write_corpus(8, 7, tmp_path / "a")
    generate.write_corpus(8, 7, tmp_path / "b")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    generate.write_corpus(8, 8, tmp_path / "c")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_a_prefix_of_a_bigger_corpus_is_the_smaller_corpus(tmp_path):
    generate.write_corpus(3, 5, tmp_path / "small")
    generate.write_corpus(6, 5, tmp_path / "big")
    small, big = _files(tmp_path / "small"), _files(tmp_path / "big")
    assert small == {name: big[name] for name in small}


def test_n_articles_each_with_its_sidecar(tmp_path):
    paths = generate.write_corpus(12, 3, tmp_path)
    assert len(paths) == 12
    assert len(list(tmp_path.iterdir())) == 24
    assert {p.suffix for p in paths} <= {".txt", ".md", ".html"}
    for path in paths:
        sidecar = path.with_name(path.stem + ".meta.yaml")
        meta = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
        assert set(meta) == SIDECAR_KEYS
        assert meta["language"] == "en" and meta["url"].startswith("https://example.org/")
        article = read_article(path)                   # the sidecar is valid for the reader
        assert article.title is not None and article.body is not None
        assert 2500 <= len(article.text) <= 6000, (path.name, len(article.text))


def test_lengths_and_paragraphs_in_range():
    gen = generate.Generator(11)
    formats = set()
    for index in range(300):
        _, fmt, _, _, draft = gen.article(index)
        formats.add(fmt)
        assert 6 <= len(draft.sections) <= 15
        assert 2500 <= len(generate.plain_text(draft)) <= 6000
    assert formats == {"txt", "md", "html"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Three generated articles, one of each format, built into one dataset."""
    gen = generate.Generator(2)
    folder = tmp_path_factory.mktemp("generated")
    wanted, index = {}, 0
    while len(wanted) < 3:
        stem, fmt, text, meta, _ = gen.article(index)
        if fmt not in wanted:
            wanted[fmt] = folder / f"{stem}.{fmt}"
            wanted[fmt].write_text(text, encoding="utf-8")
            (folder / f"{stem}.meta.yaml").write_text(yaml.safe_dump(meta, sort_keys=False),
                                                      encoding="utf-8")
        index += 1
    return build_dataset([folder])


@pytest.mark.parametrize("name", ["claims", "ratings", "amounts", "laws", "instruments",
                                  "counts", "quotes", "disputes"])
def test_generated_articles_map_to_facts(built, name):
    rows = run_query(load_query(name), built).rows
    assert rows, f"no {name} in the generated articles"
