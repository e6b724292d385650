"""Reading articles: layout of plain text, Markdown and HTML, sidecars, and bad input."""

from pathlib import Path

import pytest

from tipgraph.article import find_articles, read_article
from tipgraph.errors import ArticleError, MetadataError

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"
SEED = ARTICLES / "000_df495ebb58d21c9e.txt"


def test_seed_layout():
    art = read_article(SEED)
    assert art.title.text == "Hong Kong Slams US Human Trafficking Watch List"
    assert art.standfirst.text.startswith("The US has criticized Hong Kong's handling")
    assert art.author.text == "Marina Sáenz"
    assert art.role.text == "Human Rights Researcher"
    assert art.organisation.text == "Global Human Rights Defence"
    assert art.body.text.startswith("In a contentious response")
    assert art.body.text.endswith("promoting human rights.")
    assert [s.text.split(".")[0] for s in art.sources] == [
        "Mercedes Hutton", "Alisha Bibi", "US Department of State"]
    assert art.meta["publisher"] == "Global Human Rights Defence"
    assert art.meta["url"] == "https://ghrtv.org/hong-kong-slams-us-human-trafficking-watch-list"


def test_every_span_is_the_text_it_claims():
    for path in find_articles([ARTICLES]):
        art = read_article(path)
        for span in [art.title, art.standfirst, art.author, art.role, art.organisation,
                     art.dateline, art.body, *art.sources]:
            if span is not None:
                assert art.text[span.start:span.end] == span.text, path


def test_folder_skips_readme_and_sidecars():
    files = find_articles([ARTICLES])
    assert all(not f.name.endswith(".meta.yaml") and f.stem != "README" for f in files)
    assert {f.suffix for f in files} == {".txt", ".md", ".html"}


def test_markdown_front_matter_and_byline(tmp_path):
    path = tmp_path / "piece.md"
    path.write_text("---\ntitle: Front\ndate: 2024-05-01\n---\n# A Title Here\n\n"
                    "*By Jane Roe, Senior Reporter, Example Wire*\n\n"
                    "First paragraph of the body with a [link](https://example.org/a).\n\n"
                    "## Sources\n\n- [Report title](https://example.org/r), Example Org, 2024\n",
                    encoding="utf-8")
    art = read_article(path)
    assert art.title.text == "A Title Here"
    assert art.author.text == "Jane Roe"
    assert art.role.text == "Senior Reporter"
    assert art.organisation.text == "Example Wire"
    assert art.meta["date"] == "2024-05-01"
    assert "https://example.org/a" not in art.body.text
    assert art.sources[0].text == "Report title (https://example.org/r), Example Org, 2024"


def test_html_main_text_without_page_clutter():
    art = read_article(ARTICLES / "103_qatar_domestic_workers.html")
    assert art.title is not None and art.body is not None
    assert "cookie" not in art.text.lower()
    assert art.meta.get("publisher")


def test_dateline(tmp_path):
    path = tmp_path / "wire.txt"
    path.write_text("Title Of The Piece\n\nBANGKOK, 14 March 2025 — The body starts here. "
                    "It goes on.\n", encoding="utf-8")
    art = read_article(path)
    assert art.dateline.text.startswith("BANGKOK, 14 March 2025")
    assert art.date == "2025-03-14"


@pytest.mark.parametrize("content, problem", [
    (b"", "empty file"),
    (b"   \n\n", "empty file"),
    (b"\x00\x01\x02binary", "binary file"),
    (b"Title\n\nCaf\xe9 au lait.\n", "not UTF-8"),
])
def test_bad_input(tmp_path, content, problem):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleError) as err:
        read_article(path)
    assert problem in str(err.value) and "bad.txt" in str(err.value)


def test_no_body(tmp_path):
    path = tmp_path / "title-only.txt"
    path.write_text("Only A Title\n", encoding="utf-8")
    with pytest.raises(ArticleError, match="no body"):
        read_article(path)


@pytest.mark.parametrize("sidecar, problem", [
    ("publisher: [unclosed\n", "malformed YAML"),
    ("- a list\n", "mapping"),
    ("colour: blue\n", "unknown key"),
    ("date: last week\n", "not an ISO date"),
    ("url: ftp://example.org\n", "not an http"),
])
def test_bad_sidecar(tmp_path, sidecar, problem):
    (tmp_path / "a.txt").write_text("Title\n\nBody text here.\n", encoding="utf-8")
    (tmp_path / "a.meta.yaml").write_text(sidecar, encoding="utf-8")
    with pytest.raises(MetadataError) as err:
        read_article(tmp_path / "a.txt")
    assert problem in str(err.value) and "a.meta.yaml" in str(err.value)


def test_missing_path():
    with pytest.raises(ArticleError, match="no such file"):
        find_articles(["/nonexistent/article.txt"])
