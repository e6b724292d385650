"""The sources mapper and the citation reader: works an article cites in its list of sources."""

import hashlib
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, XSD

from tipgraph.article import read_article
from tipgraph.build import article_graph
from tipgraph.citations import CitationWords, parse_citation, url_key
from tipgraph.gazetteer import load_lexicon
from tipgraph.namespace import OA, SCHEMA, TG, TGID

SEED = Path(__file__).resolve().parents[1] / "data" / "articles" / "000_df495ebb58d21c9e.txt"
MAPPERS = ("article", "actors", "reports", "sources")
HFP_URL = ("https://hongkongfp.com/2024/06/26/after-us-downgrades-hong-kong-to-watch-list-over-"
           "response-to-human-trafficking-govt-rebuts-unfair-report/")


def _graph(article) -> Graph:
    return article_graph(article, MAPPERS)


def _article(tmp_path, entries: str, name: str = "piece.txt"):
    path = tmp_path / name
    path.write_text("A Headline About Cited Reports\n\nA standfirst on trafficking.\n\nThe body of "
                    f"the article says something about trafficking.\n\nSources:\n\n{entries}\n",
                    encoding="utf-8")
    return read_article(path)


def source(url_or_title: str):
    return TGID[f"source/{hashlib.sha1(url_or_title.encode()).hexdigest()[:16]}"]


def cited(graph: Graph) -> list:
    return sorted(graph.objects(None, SCHEMA.citation))


def one(graph: Graph, node, prop):
    values = list(graph.objects(node, prop))
    assert len(values) <= 1, values
    return values[0] if values else None


def name(graph: Graph, node) -> str | None:
    return str(graph.value(node, SCHEMA.name)) if node is not None else None


def evidence(graph: Graph, node, prop) -> list[str]:
    quotes = []
    for ann in graph.subjects(OA.hasBody, node):
        if graph.value(ann, TG.property) == prop:
            for selector in graph.objects(graph.value(ann, OA.hasTarget), OA.hasSelector):
                if graph.value(selector, OA.exact) is not None:
                    quotes.append(str(graph.value(selector, OA.exact)))
    return quotes


# ------------------------------------------------------------------------------ the seed

@pytest.fixture(scope="module")
def seed():
    article = read_article(SEED)
    return article, _graph(article)


def test_seed_cites_three_sources(seed):
    article, graph = seed
    nodes = cited(graph)
    assert len(nodes) == 3
    assert all((n, RDF.type, TG.Source) in graph for n in nodes)
    assert sorted(str(one(graph, n, TG.citationText)) for n in nodes) == sorted(
        s.text for s in article.sources)


def test_seed_news_article_source(seed):
    _, graph = seed
    node = source(url_key(HFP_URL))
    assert node in cited(graph)
    assert str(one(graph, node, SCHEMA.headline)).startswith(
        "After US downgrades Hong Kong to ‘watch list’ over response to human trafficking")
    assert one(graph, node, SCHEMA.url) == Literal(HFP_URL, datatype=XSD.anyURI)
    assert one(graph, node, SCHEMA.datePublished) == Literal("2024-06-26", datatype=XSD.date)
    assert one(graph, node, TG.accessedOn) == Literal("2024-07-08", datatype=XSD.date)
    author = one(graph, node, SCHEMA.author)
    assert name(graph, author) == "Mercedes Hutton" and (author, RDF.type, TG.Person) in graph
    assert name(graph, one(graph, node, SCHEMA.publisher)) == "Hong Kong Free Press"
    assert evidence(graph, node, SCHEMA.datePublished) == ["June 26th, 2024"]
    assert evidence(graph, node, TG.accessedOn) == ["July 8th, 2024"]
    assert evidence(graph, node, SCHEMA.author) == ["Mercedes Hutton"]


def test_seed_second_source_keeps_its_odd_url(seed):
    _, graph = seed
    titles = {str(one(graph, n, SCHEMA.headline)): n for n in cited(graph)}
    node = titles["HK slams 'false, unfounded' US human trafficking report"]
    assert name(graph, one(graph, node, SCHEMA.author)) == "Alisha Bibi"
    assert name(graph, one(graph, node, SCHEMA.publisher)) == "The Standard"
    assert one(graph, node, SCHEMA.datePublished) == Literal("2024-06-26", datatype=XSD.date)
    url = str(one(graph, node, SCHEMA.url))
    assert url.startswith("https://www.thestandard.com.hk/") and url.endswith(
        "unfounded.%22") and "'false,-unfounded'" in url


def test_seed_report_source_has_an_organisation_as_author(seed):
    _, graph = seed
    titles = {str(one(graph, n, SCHEMA.headline)): n for n in cited(graph)}
    node = titles["2024 Trafficking in Persons Report"]
    author = one(graph, node, SCHEMA.author)
    assert author == TGID["actor/us-department-of-state"]
    assert (author, RDF.type, TG.Person) not in graph
    assert one(graph, node, SCHEMA.publisher) is None
    assert one(graph, node, SCHEMA.datePublished) == Literal("2024-06-25", datatype=XSD.date)
    assert one(graph, node, SCHEMA.exampleOfWork) == \
        TGID["report/2024-trafficking-in-persons-report"]


# ------------------------------------------------------------------------------ citation styles

@pytest.fixture(scope="module")
def words():
    return CitationWords(load_lexicon())


def _parts(citation) -> dict:
    text = lambda f: f.text if f is not None else None  # noqa: E731
    return {"authors": [a.text for a in citation.authors], "title": text(citation.title),
            "publisher": text(citation.publisher), "container": text(citation.container),
            "date": citation.date[0] if citation.date else None,
            "accessed": citation.accessed[0] if citation.accessed else None,
            "url": text(citation.url)}


STYLES = [
    ("Freedom Harbour Network. (2025, March 14). Nets of debt: Recruitment and wages. Freedom "
     "Harbour Network. https://example.org/fhn/nets (accessed 10 March 2025)",
     {"authors": ["Freedom Harbour Network"], "title": "Nets of debt: Recruitment and wages",
      "publisher": "Freedom Harbour Network", "container": None, "date": "2025-03-14",
      "accessed": "2025-03-10", "url": "https://example.org/fhn/nets"}),
    ("Jane Doe (2024) 'Paid before we arrive', Harbour Times, https://example.org/paid",
     {"authors": ["Jane Doe"], "title": "Paid before we arrive", "publisher": "Harbour Times",
      "container": None, "date": "2024", "accessed": None, "url": "https://example.org/paid"}),
    ("Modern Slavery Act 2015 (https://example.org/ukpga/2015/30) — UK legislation, accessed 20 "
     "March 2025",
     {"authors": [], "title": "Modern Slavery Act 2015", "publisher": "UK legislation",
      "container": None, "date": None, "accessed": "2025-03-20",
      "url": "https://example.org/ukpga/2015/30"}),
    ("Annual Review (https://example.org/review), Example Press, 12 March 2024",
     {"authors": [], "title": "Annual Review", "publisher": "Example Press", "container": None,
      "date": "2024-03-12", "accessed": None, "url": "https://example.org/review"}),
    ("https://example.org/only-a-link",
     {"authors": [], "title": None, "publisher": None, "container": None, "date": None,
      "accessed": None, "url": "https://example.org/only-a-link"}),
    ("[3] US Department of State, 2019 Trafficking in Persons Report, June 2019. "
     "https://example.org/state/2019",
     {"authors": ["US Department of State"], "title": "2019 Trafficking in Persons Report",
      "publisher": None, "container": None, "date": "2019-06", "accessed": None,
      "url": "https://example.org/state/2019"}),
    ("ILO, Walk Free and IOM (2022), Global Estimates of Modern Slavery (https://example.org/ge),"
     " Geneva, September 2022",
     {"authors": ["ILO", "Walk Free", "IOM"], "title": "Global Estimates of Modern Slavery",
      "publisher": None, "container": None, "date": "2022-09", "accessed": None,
      "url": "https://example.org/ge"}),
    ("Aziz, Farah. \"Malaysia Stays on Watch List.\" Tipgraph Test Desk, 16 June 2023, "
     "https://example.org/desk/malaysia.",
     {"authors": ["Aziz, Farah"], "title": "Malaysia Stays on Watch List",
      "publisher": "Tipgraph Test Desk", "container": None, "date": "2023-06-16",
      "accessed": None, "url": "https://example.org/desk/malaysia"}),
    ("Office to Monitor and Combat Trafficking in Persons. \"Malaysia.\" 2024 Trafficking in "
     "Persons Report, U.S. Department of State, 24 June 2024, example.org/state/malaysia.",
     {"authors": ["Office to Monitor and Combat Trafficking in Persons"], "title": "Malaysia",
      "publisher": "U.S. Department of State", "container": "2024 Trafficking in Persons Report",
      "date": "2024-06-24", "accessed": None, "url": "example.org/state/malaysia"}),
    ("U.S. Department of State. 2025. \"2025 Trafficking in Persons Report: Brazil.\" "
     "Washington, DC, September 29, 2025. https://example.org/state/brazil.",
     {"authors": ["U.S. Department of State"], "title": "2025 Trafficking in Persons Report: "
      "Brazil", "publisher": None, "container": None, "date": "2025-09-29", "accessed": None,
      "url": "https://example.org/state/brazil"}),
    ("Helpers Alliance (2024) Paid Before We Arrive: A Survey. Hong Kong: Helpers Alliance, 18 "
     "August. Available at: https://example.org/ha (Accessed: 20 August 2024).",
     {"authors": ["Helpers Alliance"], "title": "Paid Before We Arrive: A Survey",
      "publisher": "Helpers Alliance", "container": None, "date": "2024-08-18",
      "accessed": "2024-08-20", "url": "https://example.org/ha"}),
    ("Lotus Bridge Legal Aid, Detained, not identified: interviews, January–June 2025, 12 August "
     "2025. Read the report (https://example.org/lotus)",
     {"authors": ["Lotus Bridge Legal Aid"],
      "title": "Detained, not identified: interviews, January–June 2025", "publisher": None,
      "container": None, "date": "2025-08-12", "accessed": None,
      "url": "https://example.org/lotus"}),
    ("Congressional testimony on the trafficking office, U.S. Congress, 2025 - "
     "https://example.org/testimony",
     {"authors": [], "title": "Congressional testimony on the trafficking office",
      "publisher": "U.S. Congress", "container": None, "date": "2025", "accessed": None,
      "url": "https://example.org/testimony"}),
]


@pytest.mark.parametrize("entry, expected", STYLES, ids=[s[0][:36] for s in STYLES])
def test_citation_styles(words, entry, expected):
    is_report = lambda name: name == "2024 Trafficking in Persons Report"  # noqa: E731
    citation = parse_citation(entry, words, is_report)
    assert _parts(citation) == expected
    for part in [citation.title, citation.publisher, citation.url, *citation.authors]:
        if part is not None:
            assert entry[part.start:part.end] == part.text


# ------------------------------------------------------------------------------ in the graph

def test_several_authors_and_a_numbered_list(tmp_path):
    article = _article(tmp_path, "[1] Jane Doe, John Roe and Amal Haddad (2023). Working at sea. "
                                 "Harbour Press. https://example.org/sea\n"
                                 "[2] Walk Free (2023). The Global Slavery Index 2023. "
                                 "https://example.org/gsi")
    graph = _graph(article)
    sea = source("example.org/sea")
    assert sorted(name(graph, a) for a in graph.objects(sea, SCHEMA.author)) == [
        "Amal Haddad", "Jane Doe", "John Roe"]
    assert all((a, RDF.type, TG.Person) in graph for a in graph.objects(sea, SCHEMA.author))
    assert name(graph, one(graph, sea, SCHEMA.publisher)) == "Harbour Press"
    gsi = source("example.org/gsi")
    assert one(graph, gsi, SCHEMA.author) == TGID["actor/walk-free"]
    assert one(graph, gsi, SCHEMA.datePublished) == Literal("2023", datatype=XSD.gYear)
    assert one(graph, gsi, SCHEMA.exampleOfWork) == TGID["report/2023-global-slavery-index"]


def test_markdown_link_entries(tmp_path):
    path = tmp_path / "piece.md"
    path.write_text("# A Headline About Cited Reports\n\nA standfirst on trafficking.\n\nThe body "
                    "says something about trafficking.\n\n## Sources\n\n"
                    "- [2024 Trafficking in Persons Report: Thailand](https://example.org/th) - "
                    "U.S. Department of State, 24 June 2024\n"
                    "- [Annual Review](https://www.example.org/review/), Example Press, "
                    "12 March 2024\n", encoding="utf-8")
    graph = _graph(read_article(path))
    thailand = source("example.org/th")
    assert one(graph, thailand, SCHEMA.publisher) == TGID["actor/us-department-of-state"]
    assert one(graph, thailand, SCHEMA.isPartOf) == \
        TGID["report/2024-trafficking-in-persons-report"]
    review = source("example.org/review")
    assert one(graph, review, SCHEMA.url) == Literal("https://www.example.org/review/",
                                                    datatype=XSD.anyURI)
    publisher = one(graph, review, SCHEMA.publisher)
    assert (publisher, RDF.type, TG.MediaOrganisation) in graph


def test_entry_without_url_is_keyed_by_its_title(tmp_path):
    graph = _graph(_article(tmp_path, "Home Office (2024). National Referral Mechanism "
                                      "statistics. London: Home Office."))
    node = source("national referral mechanism statistics")
    assert cited(graph) == [node]
    assert (node, SCHEMA.url, None) not in graph
    assert one(graph, node, SCHEMA.datePublished) == Literal("2024", datatype=XSD.gYear)


def test_same_work_cited_by_two_articles_is_one_node(tmp_path):
    first = _article(tmp_path, "Walk Free (2023). The Global Slavery Index 2023. "
                               "https://example.org/gsi-2023", "one.txt")
    second = _article(tmp_path, "Walk Free, \"The Global Slavery Index 2023\", 2023, "
                                "https://www.example.org/gsi-2023/", "two.txt")
    assert cited(_graph(first)) == cited(_graph(second)) == [source("example.org/gsi-2023")]


def test_every_field_has_evidence_in_the_entry(tmp_path):
    article = _article(tmp_path, "Jane Doe. (June 26th, 2024). A title here. Harbour Times. "
                                 "https://example.org/a. (Accessed July 8th, 2024).")
    graph = _graph(article)
    node = source("example.org/a")
    assert evidence(graph, node, SCHEMA.headline) == ["A title here"]
    assert evidence(graph, node, SCHEMA.url) == ["https://example.org/a"]
    assert evidence(graph, node, SCHEMA.publisher) == ["Harbour Times"]
    assert evidence(graph, node, TG.accessedOn) == ["July 8th, 2024"]
    author = one(graph, node, SCHEMA.author)
    mentions = [str(graph.value(sel, OA.exact)) for ann in graph.subjects(OA.hasBody, author)
                for sel in graph.objects(graph.value(ann, OA.hasTarget), OA.hasSelector)
                if graph.value(sel, OA.exact) is not None]
    assert mentions == ["Jane Doe"]
