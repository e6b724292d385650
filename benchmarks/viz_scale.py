"""How the interactive view scales: a synthetic projection the size of a big corpus, drawn with
tipgraph.visualise.write_html (capped), timed.

    .venv/bin/python benchmarks/viz_scale.py                 # 10,000 articles, the default cap
    .venv/bin/python benchmarks/viz_scale.py --articles 2000 --max-nodes 1500 --max-nodes 5000

The graph has the shape of tipgraph.project.project's output (kinds, relations, attributes, a few
evidence sentences per node): per article a few claims by shared or article-local actors, about
actors, laws and reports, some disputing a report or another claim; shared entities are picked
with a Zipf-like skew, as the news does. Prints, per cap: the nodes and edges drawn, the seconds
taken (cap, layout, the whole call) and the size of the file. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from tipgraph import visualise
from tipgraph.project import EMPHASIS, cap

TGID = "https://w3id.org/tipgraph/id/"
WORDS = ("government report trafficking victims workers police court law minister said rights "
         "labour migrant protection border forced recruitment debt shelter funding prosecution "
         "investigation convicted officials critics ngo data measures efforts unfair").split()


def _sentence(rng: random.Random, words: int = 24) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _node(G, iri, kind, type_, label, rng, article):
    if iri in G:
        data = G.nodes[iri]
        if article not in data["articles"] and len(data["articles"]) < 200:
            data["articles"].append(article)
        if len(data["evidence"]) < 4:
            sentence = _sentence(rng)
            data["evidence"].append({"article": article, "sentence": sentence,
                                     "exact": sentence.split()[2], "start": 100, "end": 110})
        return
    sentence = _sentence(rng)
    G.add_node(iri, kind=kind, type=type_, label=label, names=[label, label.lower()],
               articles=[article], facts=[["tg:year", "2024"], ["tg:jurisdiction", "Somewhere"]],
               evidence=[{"article": article, "sentence": sentence, "exact": sentence.split()[1],
                          "start": 10, "end": 20}],
               confidence=round(rng.uniform(0.5, 1.0), 2))


def _edge(G, u, v, relation, article):
    if G.has_edge(u, v, key=relation):
        G.edges[u, v, relation]["articles"].append(article)
    else:
        G.add_edge(u, v, key=relation, relation=relation, emphasis=relation in EMPHASIS,
                   articles=[article])


def synthetic_projection(articles: int, seed: int = 1) -> nx.MultiDiGraph:
    """A projection-shaped graph of ``articles`` articles (see the module's docstring)."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    n_actors, n_laws, n_instruments = max(50, articles // 3), max(20, articles // 8), 40
    zipf = [1.0 / (i + 1) for i in range(n_actors)]
    law_weights = [1.0 / (i + 1) for i in range(n_laws)]
    years = list(range(2001, 2026))
    for a in range(articles):
        art = f"{a:06d}_synthetic"
        local = [f"{TGID}article/{art}/group/{g}" for g in ("critics", "officials")]
        for g, iri in zip(("critics", "officials"), local):
            _node(G, iri, "Actor", "ActorGroup", g, rng, art)
        claims = []
        for c in range(rng.randint(2, 8)):
            claim = f"{TGID}article/{art}/claim/{c + 1}"
            if rng.random() < 0.5:
                who = rng.choice(local)
            else:
                i = rng.choices(range(n_actors), zipf)[0]
                who = f"{TGID}actor/a{i}"
                _node(G, who, "Actor", "State" if i < 200 else "CivilSocietyOrganisation",
                      f"Actor number {i}", rng, art)
            _node(G, claim, "Claim", "Claim", f"{G.nodes[who]['label']}: {_sentence(rng, 10)}",
                  rng, art)
            _edge(G, who, claim, "claims", art)
            for _ in range(rng.randint(1, 2)):
                r = rng.random()
                if r < 0.6:
                    i = rng.choices(range(n_actors), zipf)[0]
                    target = f"{TGID}actor/a{i}"
                    _node(G, target, "Actor", "State", f"Actor number {i}", rng, art)
                elif r < 0.85:
                    i = rng.choices(range(n_laws), law_weights)[0]
                    target = f"{TGID}law/l{i}"
                    _node(G, target, "Law", "Statute", f"Law number {i}", rng, art)
                elif r < 0.95:
                    year = rng.choice(years)
                    target = f"{TGID}report/{year}-tip"
                    _node(G, target, "Report", "Report", f"{year} Trafficking in Persons Report",
                          rng, art)
                else:
                    i = rng.randrange(n_instruments)
                    target = f"{TGID}instrument/i{i}"
                    _node(G, target, "Instrument", "Treaty", f"Instrument number {i}", rng, art)
                _edge(G, claim, target, "about", art)
            if rng.random() < 0.15:
                year = rng.choice(years)
                report = f"{TGID}report/{year}-tip"
                _node(G, report, "Report", "Report", f"{year} Trafficking in Persons Report", rng, art)
                _edge(G, claim, report, "disputes", art)
            if claims and rng.random() < 0.08:
                _edge(G, claim, rng.choice(claims), rng.choice(("disputes", "supports")), art)
            claims.append(claim)
        if rng.random() < 0.05:  # a rating
            i = rng.randrange(min(200, n_actors))
            year = rng.choice(years)
            rating = f"{TGID}rating/a{i}/{year}"
            _node(G, rating, "Rating", "Rating", f"Actor number {i}: Tier 2 ({year})", rng, art)
            _node(G, f"{TGID}actor/a{i}", "Actor", "State", f"Actor number {i}", rng, art)
            _node(G, f"{TGID}report/{year}-tip", "Report", "Report",
                  f"{year} Trafficking in Persons Report", rng, art)
            _edge(G, rating, f"{TGID}actor/a{i}", "rates", art)
            _edge(G, rating, f"{TGID}report/{year}-tip", "rated-in", art)
    return G


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--max-nodes", type=int, action="append",
                        help=f"cap(s) to time (default {visualise.MAX_HTML_NODES})")
    args = parser.parse_args(argv)
    caps = args.max_nodes or [visualise.MAX_HTML_NODES]

    t0 = time.perf_counter()
    G = synthetic_projection(args.articles)
    print(f"synthetic projection of {args.articles:,} articles: {G.number_of_nodes():,} nodes, "
          f"{G.number_of_edges():,} edges (made in {time.perf_counter() - t0:.1f} s)")
    print(f"{'cap':>6}  {'nodes':>6}  {'edges':>6}  {'cap s':>6}  {'layout s':>8}  "
          f"{'write_html s':>12}  {'MB':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for max_nodes in caps:
            t = time.perf_counter()
            small, _dropped = cap(G, max_nodes)
            t_cap = time.perf_counter() - t
            t = time.perf_counter()
            visualise.layout(small)
            t_layout = time.perf_counter() - t
            path = Path(tmp) / f"graph-{max_nodes}.html"
            t = time.perf_counter()
            summary = visualise.write_html(G, path, title="benchmark", max_nodes=max_nodes)
            t_all = time.perf_counter() - t
            print(f"{max_nodes:>6}  {summary.nodes_drawn:>6,}  {summary.edges_drawn:>6,}  "
                  f"{t_cap:>6.1f}  {t_layout:>8.1f}  {t_all:>12.1f}  "
                  f"{summary.bytes / 1e6:>6.1f}  capped")
            # the hardest case for the layout: one connected piece of that many nodes (what
            # --focus on a hub with a big depth gives)
            piece = connected_piece(G, max_nodes)
            t = time.perf_counter()
            visualise.layout(piece)
            t_layout = time.perf_counter() - t
            t = time.perf_counter()
            summary = visualise.write_html(piece, path, title="benchmark", max_nodes=max_nodes)
            t_all = time.perf_counter() - t
            print(f"{max_nodes:>6}  {summary.nodes_drawn:>6,}  {summary.edges_drawn:>6,}  "
                  f"{'-':>6}  {t_layout:>8.1f}  {t_all:>12.1f}  "
                  f"{summary.bytes / 1e6:>6.1f}  one connected piece")
    return 0


def connected_piece(G: nx.MultiDiGraph, size: int) -> nx.MultiDiGraph:
    """``size`` nodes reached breadth-first from the best connected node, and their edges."""
    start = max(G, key=lambda n: (G.degree(n), n))
    seen = {start: None}
    for _u, v in nx.bfs_edges(G.to_undirected(as_view=True), start, sort_neighbors=sorted):
        if len(seen) >= size:
            break
        seen[v] = None
    return G.subgraph(seen).copy()


if __name__ == "__main__":
    sys.exit(main())
