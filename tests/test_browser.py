"""The interactive view (tipgraph.visualise.write_html) in a real browser.

Headless Chromium, Debian's ``chromium`` package at /usr/bin/chromium (or $TIPGRAPH_CHROMIUM),
driven by Playwright's Python package (never Playwright's own browser download). The page of the
seed article must draw the expected nodes and edges, make no request at all, find nodes by name,
open the details panel on a click, and filter by kind. Screenshots are kept in
tests/artifacts/browser/ (git-ignored): seed.png (the first view), seed-panel.png (after a click).
A missing browser or Playwright fails the tests: ``make test`` installs both.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import networkx as nx
import pytest

from tipgraph.build import build_dataset
from tipgraph.link import link
from tipgraph.project import project
from tipgraph.reference import load_reference
from tipgraph.visualise import write_html

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "articles" / "000_df495ebb58d21c9e.txt"
ARTICLE = "000_df495ebb58d21c9e"
ARTIFACTS = Path(__file__).parent / "artifacts" / "browser"
CHROMIUM = os.environ.get("TIPGRAPH_CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1920, "height": 1200}

TGID = "https://w3id.org/tipgraph/id/"
HONG_KONG = TGID + "actor/hong-kong"
STATE_DEPARTMENT = TGID + "actor/us-department-of-state"
PALERMO = TGID + "instrument/palermo-protocol"
REPORT = TGID + "report/2024-trafficking-in-persons-report"
SECURITY_ORDINANCE = TGID + "law/safeguarding-national-security-ordinance"
RATING = TGID + "rating/hong-kong/2024-trafficking-in-persons-report"
SPEAKER_CLAIM = TGID + f"article/{ARTICLE}/claim/9"

# the labels drawn next to these nodes in the first view
KEY_LABELS = {
    HONG_KONG: "Hong Kong",
    STATE_DEPARTMENT: "United States Department of State",
    PALERMO: "Palermo Protocol",
    REPORT: "2024 Trafficking in Persons Report",
    SECURITY_ORDINANCE: "Safeguarding National Security\u2026",
    RATING: "Hong Kong: Tier 2 Watch List (2024)",
}

# what the page may load: itself, and data:/blob: URLs it makes
ALLOWED = re.compile(r"^(data:|blob:|about:blank$)")


# ------------------------------------------------------------------------------------------------
# fixtures
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_graph() -> nx.MultiDiGraph:
    dataset = build_dataset([SEED])
    link(dataset, load_reference())
    return project(dataset)


@pytest.fixture(scope="module")
def seed_html(seed_graph, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "seed.html"
    write_html(seed_graph, path, title=f"tipgraph: {ARTICLE}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "seed.html").write_bytes(path.read_bytes())
    return path


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser test needs Playwright's Python package: run `make test`, or "
                    "`.venv/bin/pip install -e '.[test]'`", pytrace=False)
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"the browser test needs Chromium at {CHROMIUM}: run `make test`, or "
                    "`apt-get install chromium` (Debian's package), or set TIPGRAPH_CHROMIUM",
                    pytrace=False)
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        except Exception as exc:  # noqa: BLE001 - any failure to start is the same failure
            pytest.fail(f"cannot start {CHROMIUM}: {exc}", pytrace=False)
        yield chromium
        chromium.close()


class Visit:
    """One page opened on an HTML file, with everything it asked for and complained about."""

    def __init__(self, browser, path: Path):
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda msg: self.errors.append(f"console {msg.type}: {msg.text}")
                     if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        # anything but the page itself is stopped here, and counted above
        self.page.route("**/*", lambda route: route.continue_()
                        if route.request.url == self.url else route.abort())
        self.page.goto(self.url)
        self.page.wait_for_function("window.tipgraph && window.tipgraph.ready", timeout=30_000)

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def left_the_page(self) -> list[str]:
        return [u for u in self.requests if u != self.url and not ALLOWED.match(u)]

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, seed_html):
    opened = Visit(browser, seed_html)
    yield opened
    opened.close()


# what Plotly drew: per trace of the graph, its role and the SVG it made
DRAWN = """() => {
  const gd = document.getElementById("tg-plot");
  const layers = Array.from(gd.querySelectorAll(".scatterlayer .trace"));
  return gd.data.map((t, i) => ({
    role: t.meta.role, style: t.meta.style || null, kind: t.meta.kind || null,
    ids: t.customdata ? t.customdata.map(j => window.tipgraph.data.nodes[j].id) : null,
    points: layers[i].querySelectorAll(".points path.point").length,
    texts: Array.from(layers[i].querySelectorAll(".text text")).map(x => x.textContent),
    line: (() => { const p = layers[i].querySelector("path.js-line");
                   return p ? {dash: p.style.strokeDasharray, colour: p.style.stroke,
                               width: parseFloat(p.style.strokeWidth), d: p.getAttribute("d").length}
                            : null; })(),
  }));
}"""

# the boxes of the labels drawn: text, box, and the box of the plot
LABEL_BOXES = """() => {
  const plot = document.getElementById("tg-plot").getBoundingClientRect();
  const out = Array.from(document.querySelectorAll("#tg-plot .scatterlayer .text text"))
    .filter(t => t.textContent).map(t => {
      const r = t.getBoundingClientRect();
      return {text: t.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom};
    });
  return {plot: {x0: plot.left, y0: plot.top, x1: plot.right, y1: plot.bottom}, labels: out};
}"""


def _overlap(a, b) -> float:
    w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    h = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
    return w * h if w > 0 and h > 0 else 0.0


# ------------------------------------------------------------------------------------------------
# tests
# ------------------------------------------------------------------------------------------------

def test_page_draws_every_node_with_its_label(visit, seed_graph):
    drawn = visit.js(DRAWN)
    nodes = [t for t in drawn if t["role"] == "nodes"]
    ids = [i for t in nodes for i in t["ids"]]
    assert sorted(ids) == sorted(seed_graph.nodes())
    # one SVG marker per node, in the trace of its kind
    for trace in nodes:
        assert trace["points"] == len(trace["ids"]), trace["kind"]
        assert {seed_graph.nodes[i]["kind"] for i in trace["ids"]} == {trace["kind"]}
    texts = {text for t in nodes for text in t["texts"]}
    for node, label in KEY_LABELS.items():
        assert node in ids
        assert label in texts, label
    claims = [n for n, d in seed_graph.nodes(data=True) if d["kind"] == "Claim"]
    assert len(claims) == 14
    claim_texts = [text for t in nodes if t["kind"] == "Claim" for text in t["texts"]]
    assert len(claim_texts) == len(claims)
    assert all(text.startswith("\u201c") and len(text) > 10 for text in claim_texts)
    assert "\u201cThe findings in the Report are\u2026\u201d" in claim_texts
    # every node is on screen, inside the plot
    box = visit.page.locator("#tg-plot").bounding_box()
    for node in seed_graph.nodes():
        at = visit.js("id => window.tipgraph.screenPosition(id)", node)
        assert box["x"] <= at["x"] <= box["x"] + box["width"], node
        assert box["y"] <= at["y"] <= box["y"] + box["height"], node
    # the legend lists the kinds with their counts
    legend = visit.page.locator("#tg-kinds").inner_text()
    for kind, count in (("Actor", 21), ("Claim", 14), ("Law", 6), ("Instrument", 1),
                        ("Report", 1), ("Rating", 1), ("ReportSeries", 1)):
        assert re.search(rf"{kind}\s+{count}\b", legend), (kind, legend)
    assert visit.errors == []


def test_page_draws_every_edge_disputes_standing_out(visit, seed_graph):
    drawn = visit.js(DRAWN)
    counts = visit.js("() => window.tipgraph.drawnEdges()")
    relations = [k for _u, _v, k in seed_graph.edges(keys=True)]
    assert sum(counts.values()) == len(relations) == 71
    assert counts["disputes"] == relations.count("disputes") == 13
    assert counts["does-not-apply-to"] == relations.count("does-not-apply-to") == 1
    lines = {t["style"]: t["line"] for t in drawn if t["role"] == "edges"}
    assert set(lines) == {"plain", "disputes", "does-not-apply-to"}
    for style in lines.values():
        assert style is not None and style["d"] > 10  # an SVG path was drawn
    plain, disputes = lines["plain"], lines["disputes"]
    assert disputes["dash"] not in ("", "none") and plain["dash"] in ("", "none")
    assert disputes["width"] >= 2 * plain["width"]
    assert disputes["colour"] != plain["colour"]
    assert lines["does-not-apply-to"]["dash"] not in ("", "none")
    # an arrow on every edge, its relation in the hover text
    arrows = [t for t in drawn if t["role"] == "arrows"]
    assert len(arrows) == 1 and arrows[0]["points"] == 71
    # the edge legend
    legend = visit.page.locator("#tg-edges").inner_text()
    assert re.search(r"disputes\s+13", legend) and re.search(r"does not apply to\s+1", legend)


def test_search_finds_and_highlights(visit):
    page = visit.page
    page.fill("#tg-search", "Palermo")
    page.wait_for_selector(f'#tg-results button[data-node="{PALERMO}"]', timeout=5_000)
    assert visit.js("() => window.tipgraph.matches()") == [PALERMO]
    assert page.locator("#tg-found-count").text_content() == "1 match"
    assert page.locator("#tg-results").inner_text().strip() == "Palermo Protocol"
    # a ring is drawn around the node found, and the view moves to it
    rings = [t for t in visit.js(DRAWN) if t["role"] == "matches"]
    assert len(rings) == 1 and rings[0]["points"] == 1
    ring = page.locator("#tg-plot .scatterlayer .trace").nth(
        [t["role"] for t in visit.js(DRAWN)].index("matches")).locator("path.point").bounding_box()
    at = visit.js("id => window.tipgraph.screenPosition(id)", PALERMO)
    assert abs(ring["x"] + ring["width"] / 2 - at["x"]) < 3
    assert abs(ring["y"] + ring["height"] / 2 - at["y"]) < 3
    box = page.locator("#tg-plot").bounding_box()
    assert box["x"] < at["x"] < box["x"] + box["width"]
    assert box["y"] < at["y"] < box["y"] + box["height"]
    # names count too, whatever the accents and case; Enter opens the first one found
    page.fill("#tg-search", "trafficking protocol")
    page.wait_for_function(f"window.tipgraph.matches()[0] === {PALERMO!r}")
    page.fill("#tg-search", "saenz")
    page.wait_for_function("window.tipgraph.matches()[0] !== " + repr(PALERMO))
    assert visit.js("() => window.tipgraph.matches()") == [TGID + "actor/marina-saenz"]
    page.press("#tg-search", "Enter")
    page.wait_for_selector("#tg-panel:not([hidden])")
    assert page.locator("#tg-panel h2").inner_text() == "Marina Sáenz"
    page.fill("#tg-search", "no such thing anywhere")
    page.wait_for_function("window.tipgraph.matches().length === 0")
    assert page.locator("#tg-found-count").text_content() == "No match"
    assert visit.errors == []


def test_click_on_a_node_shows_facts_and_evidence(visit):
    page = visit.page
    assert page.locator("#tg-panel").is_hidden()
    at = visit.js("id => window.tipgraph.screenPosition(id)", PALERMO)
    page.mouse.click(at["x"], at["y"])
    page.wait_for_selector("#tg-panel:not([hidden])", timeout=5_000)
    assert visit.js("() => window.tipgraph.selected()") == PALERMO
    panel = page.locator("#tg-panel")
    assert panel.locator(".tg-kind-line").inner_text() == "Instrument \u00b7 Protocol"
    assert panel.locator("h2").inner_text() == "Palermo Protocol"
    assert "UN Trafficking Protocol" in panel.locator(".tg-names").inner_text()
    facts = panel.locator(".tg-facts").inner_text()
    assert re.search(r"tg:doesNotApplyTo\s+Hong Kong", facts)
    assert re.search(r"schema:identifier\s+untc:XVIII-12-a", facts)
    evidence = panel.locator(".tg-evidence").first
    sentence = evidence.locator("blockquote").inner_text()
    assert sentence.startswith("International human rights standards")
    assert "(Palermo Protocol)" in sentence
    marked = evidence.locator("mark").inner_text()
    assert marked in sentence and "Trafficking in Persons" in marked
    assert evidence.locator(".tg-where").inner_text() == f"article {ARTICLE}, characters 3627\u20133724"
    assert "does-not-apply-to" in panel.locator(".tg-connections").inner_text()
    page.wait_for_timeout(300)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "seed-panel.png"))

    # a claim: its stance and its quotation; the connections lead on
    visit.js("id => window.tipgraph.select(id)", SPEAKER_CLAIM)
    page.wait_for_function(f"window.tipgraph.selected() === {SPEAKER_CLAIM!r}")
    at = visit.js("id => window.tipgraph.screenPosition(id)", SPEAKER_CLAIM)
    page.mouse.click(at["x"], at["y"])
    page.wait_for_function(f"window.tipgraph.selected() === {SPEAKER_CLAIM!r}")
    facts = panel.locator(".tg-facts").inner_text()
    assert re.search(r"tg:stance\s+disputes", facts)
    # the span runs on past the sentence it starts in: the sentence, then the whole span marked
    quote = panel.locator(".tg-evidence").nth(1)
    assert quote.locator("mark").inner_text().startswith(
        "The findings in the Report are groundless. The rating of Hong Kong at Tier 2")
    assert quote.locator("blockquote").inner_text() == quote.locator("mark").inner_text()
    panel.locator(f'.tg-connections button[data-node="{REPORT}"]').first.click()
    page.wait_for_function(f"window.tipgraph.selected() === {REPORT!r}")
    assert panel.locator("h2").inner_text() == "2024 Trafficking in Persons Report"
    page.click("#tg-panel-close")
    page.wait_for_selector("#tg-panel", state="hidden")
    assert visit.errors == []


def test_filter_by_kind(visit, seed_graph):
    page = visit.page
    page.uncheck('#tg-kinds input[data-kind="Claim"]')
    page.wait_for_function("!window.tipgraph.drawnNodeIds().some(id => id.includes('/claim/'))")
    ids = visit.js("() => window.tipgraph.drawnNodeIds()")
    assert len(ids) == seed_graph.number_of_nodes() - 14
    assert visit.js("() => window.tipgraph.drawnEdges()").get("disputes", 0) == 0
    page.uncheck('#tg-edges input[data-edge-style="plain"]')
    page.wait_for_function("!('plain' in window.tipgraph.drawnEdges())")
    page.check('#tg-kinds input[data-kind="Claim"]')
    page.check('#tg-edges input[data-edge-style="plain"]')
    page.wait_for_function(f"window.tipgraph.drawnNodeIds().length === {seed_graph.number_of_nodes()}")
    assert visit.js("() => window.tipgraph.drawnEdges()")["disputes"] == 13


def test_no_request_leaves_the_page(visit):
    page = visit.page
    page.fill("#tg-search", "Hong Kong")
    page.wait_for_function("window.tipgraph.matches().length > 1")
    at = visit.js("id => window.tipgraph.screenPosition(id)", HONG_KONG)
    page.mouse.move(at["x"], at["y"])
    page.mouse.click(at["x"], at["y"])
    page.wait_for_selector("#tg-panel:not([hidden])")
    page.mouse.wheel(0, -400)
    page.uncheck('#tg-kinds input[data-kind="Actor"]')
    page.check('#tg-kinds input[data-kind="Actor"]')
    page.mouse.dblclick(at["x"] - 200, at["y"] + 200)
    page.wait_for_timeout(500)
    assert visit.requests[0] == visit.url
    assert visit.left_the_page() == []
    assert visit.js("() => window.__tgViolations") == []
    assert visit.errors == []
    html = Path(visit.url.removeprefix("file://")).read_text(encoding="utf-8")
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", html)


def test_screenshot_is_legible(visit, seed_graph):
    """The first view, kept as tests/artifacts/browser/seed.png: the key labels are inside the
    plot and no other label covers them; labels hardly overlap at all."""
    page = visit.page
    page.wait_for_timeout(300)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "seed.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 50_000
    boxes = visit.js(LABEL_BOXES)
    plot, labels = boxes["plot"], boxes["labels"]
    assert len(labels) == seed_graph.number_of_nodes()
    for label in labels:
        assert plot["x0"] <= label["x0"] and label["x1"] <= plot["x1"], label["text"]
        assert plot["y0"] <= label["y0"] and label["y1"] <= plot["y1"], label["text"]
        height = label["y1"] - label["y0"]
        assert 12 <= height <= 24, label  # a readable size
    key = set(KEY_LABELS.values()) | {t["text"] for t in labels if t["text"].startswith("\u201c")}
    for label in labels:
        area = (label["x1"] - label["x0"]) * (label["y1"] - label["y0"])
        covered = sum(_overlap(label, other) for other in labels if other is not label)
        limit = 0.05 if label["text"] in key else 0.25
        assert covered <= limit * area, (label["text"], covered / area)


def test_text_from_articles_cannot_escape(browser, tmp_path):
    """Labels, names and sentences are data: nothing in them runs, loads or closes the script."""
    evil = '</script><script>window.pwned = 1</script><img src="http://example.org/x.png" onerror="window.pwned = 2">'
    G = nx.MultiDiGraph()
    G.add_node("urn:a", kind="Actor", type="State", label=evil, names=[evil, "A & B <b>"],
               articles=["x"], facts=[["tg:stance", evil]],
               evidence=[{"article": "x", "sentence": f"It said {evil} today.", "exact": evil,
                          "start": 0, "end": 1}], confidence=0.5)
    G.add_node("urn:b", kind="Claim", type="Claim", label="<i>claim</i> $77 million", names=[],
               articles=["x"], facts=[], evidence=[], confidence=None)
    G.add_edge("urn:a", "urn:b", key="claims", relation="claims", emphasis=False, articles=["x"])
    path = tmp_path / "evil.html"
    write_html(G, path, title=evil, note=evil)
    text = path.read_text(encoding="utf-8")
    assert text.count("</script>") == 4  # the page's own four script elements
    visit = Visit(browser, path)
    try:
        assert visit.js("() => window.pwned === undefined")
        assert visit.page.title() == evil
        assert visit.page.locator("#tg-note").inner_text() == evil
        visit.js("id => window.tipgraph.select(id)", "urn:a")
        visit.page.wait_for_selector("#tg-panel:not([hidden])")
        assert visit.page.locator("#tg-panel h2").inner_text() == evil
        assert visit.page.locator("#tg-panel .tg-evidence mark").inner_text() == evil
        assert visit.page.locator("#tg-panel img").count() == 0
        texts = {t for tr in visit.js(DRAWN) if tr["role"] == "nodes" for t in tr["texts"]}
        assert "\u201c<i>claim</i> $77 million\u201d" in texts
        assert visit.js("() => window.pwned === undefined")
        assert visit.left_the_page() == []
        assert visit.errors == []
    finally:
        visit.close()


def test_big_graph_is_capped_and_says_so(browser, tmp_path):
    """Above the cap the page draws the most connected nodes, with WebGL, and says so."""
    G = nx.MultiDiGraph()
    for i in range(60):
        G.add_node(f"urn:actor/{i:03}", kind="Actor", type="State", label=f"Actor {i}")
    for i in range(1200):
        claim = f"urn:claim/{i:04}"
        G.add_node(claim, kind="Claim", type="Claim", label=f"Actor {i % 60}: claim {i}")
        G.add_edge(f"urn:actor/{i % 60:03}", claim, key="claims", relation="claims")
        G.add_edge(claim, f"urn:actor/{(i * 7) % 60:03}", key="about", relation="about")
    path = tmp_path / "big.html"
    summary = write_html(G, path, title="big", max_nodes=500)
    assert (summary.nodes_drawn, summary.nodes_total) == (500, 1260)
    visit = Visit(browser, path)
    try:
        assert visit.page.locator("#tg-cap").inner_text() == (
            "showing 500 of 1,260 nodes: the most connected; use --focus to see a neighbourhood")
        assert len(visit.js("() => window.tipgraph.drawnNodeIds()")) == 500
        assert visit.js("() => window.tipgraph.data.render") == "webgl"
        assert visit.page.locator("#tg-plot canvas").count() > 0
        visit.page.fill("#tg-search", "Actor 7")
        visit.page.wait_for_function("window.tipgraph.matches().length > 0")
        assert visit.left_the_page() == []
        assert [e for e in visit.errors if "WebGL" not in e] == []
    finally:
        visit.close()
