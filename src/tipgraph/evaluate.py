"""Scoring a graph against the facts a person expects from each article.

A case file (``tests/cases/NAME.expected.yaml``) lists, per kind of fact, what a careful
analyst would extract from one article. :func:`evaluate` looks for each expected fact in the
article's named graph and reports recall per kind, with every miss spelled out, so that a
researcher who extends the gazetteer or the lexicon can see what changed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, SKOS

from .errors import TipgraphError
from .gazetteer import ACTOR_KINDS, INSTRUMENT_KINDS, LAW_KINDS
from .namespace import SCHEMA, TG, TGID

__all__ = ["evaluate", "load_case", "Score", "CATEGORIES"]

CATEGORIES = ("actors", "laws", "reports", "instruments", "ratings", "claims", "amounts",
              "counts", "sources", "dates")
_STANCES = {"asserts": TG.Asserts, "disputes": TG.Disputes, "supports": TG.Supports,
            "raises_concern": TG.RaisesConcern}


def _norm(text) -> str:
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    text = re.sub(r"[‘’“”\"']", "", text)
    text = re.sub(r"^(the|a|an)\s+", "", text.strip())
    return re.sub(r"[\s\-–—]+", " ", re.sub(r"[.,;:()]", " ", text)).strip()


def _same_name(expected: str, actual: str) -> bool:
    a, b = _norm(expected), _norm(actual)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 0.6 * len(long_) and re.search(rf"\b{re.escape(short)}\b", long_) is not None


def _contains(haystack, needle: str) -> bool:
    return _norm(needle) in _norm(haystack)


@dataclass
class Score:
    """Recall of one kind of fact in one article."""

    article: str
    category: str
    expected: int = 0
    found: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


class _View:
    """Look-ups over one article's named graph."""

    def __init__(self, graph: Graph):
        self.g = graph

    def names(self, node) -> list[str]:
        out = [str(o) for p in (SCHEMA.name, SKOS.altLabel, SKOS.prefLabel)
               for o in self.g.objects(node, p)]
        return out

    def kinds(self, node) -> set[str]:
        return {str(t).split("#")[-1] for t in self.g.objects(node, RDF.type)
                if str(t).startswith(str(TG))}

    def named(self, name: str, kinds) -> list[URIRef]:
        nodes = set()
        for kind in kinds:
            for node in self.g.subjects(RDF.type, TG[kind]):
                if any(_same_name(name, n) for n in self.names(node)):
                    nodes.add(node)
        return sorted(nodes)

    def value(self, node, prop):
        return next(iter(sorted(self.g.objects(node, prop))), None)

    def ref_matches(self, node, name: str) -> bool:
        if node is None:
            return False
        labels = self.names(node) + [str(o) for o in self.g.objects(node, SCHEMA.jobTitle)]
        return any(_same_name(name, n) or _contains(n, name) for n in labels)


def _actors(v: _View, item) -> str | None:
    nodes = v.named(item["name"], ACTOR_KINDS)
    if not nodes:
        return "not found"
    if item.get("type") and not any(item["type"] in v.kinds(n) for n in nodes):
        return f"found with kind {sorted(v.kinds(nodes[0]))}, expected {item['type']}"
    return None


def _laws(v: _View, item) -> str | None:
    nodes = [n for key in ("name", "as_written") if item.get(key)
             for n in v.named(item[key], LAW_KINDS)]
    if not nodes:
        return "not found"
    if item.get("type") and not any(item["type"] in v.kinds(n) for n in nodes):
        return f"kind {sorted(v.kinds(nodes[0]))}, expected {item['type']}"
    if item.get("jurisdiction") and not any(
            v.ref_matches(j, item["jurisdiction"]) for n in nodes
            for j in v.g.objects(n, TG.jurisdiction)):
        return f"jurisdiction {item['jurisdiction']} missing"
    if item.get("date") and not any(str(d).startswith(str(item["date"])) for n in nodes
                                    for d in v.g.objects(n, TG.dateEnacted)):
        return f"date {item['date']} missing"
    return None


def _reports(v: _View, item) -> str | None:
    nodes = v.named(item["name"], ("Report",))
    if not nodes and item.get("year"):
        nodes = [n for n in v.g.subjects(RDF.type, TG.Report)
                 if str(v.value(n, TG.year)) == str(item["year"])]
    if not nodes:
        return "not found"
    if item.get("year") and not any(str(v.value(n, TG.year)) == str(item["year"]) for n in nodes):
        return f"year {item['year']} missing"
    return None


def _instruments(v: _View, item) -> str | None:
    nodes = [n for key in ("name", "as_written") if item.get(key)
             for n in v.named(item[key], INSTRUMENT_KINDS)]
    return None if nodes else "not found"


def _ratings(v: _View, item) -> str | None:
    for node in v.g.subjects(RDF.type, TG.Rating):
        if not v.ref_matches(v.value(node, TG.ratedSubject), item["subject"]):
            continue
        if item.get("year") and str(v.value(node, TG.year)) != str(item["year"]):
            continue
        if not v.ref_matches(v.value(node, TG.tier), item["tier"]):
            return f"{item['subject']} {item.get('year')}: tier is not {item['tier']}"
        return None
    return "not found"


def _claims(v: _View, item) -> str | None:
    want = item.get("quote_contains") or item.get("text_contains") or ""
    candidates = []
    for node in v.g.subjects(RDF.type, TG.Claim):
        texts = [str(o) for p in (TG.quotation, TG.claimText) for o in v.g.objects(node, p)]
        if any(_contains(t, want) for t in texts):
            candidates.append(node)
    if not candidates:
        return "not found"
    stances = {item.get("stance"), *item.get("stance_alt", [])} - {None}
    for node in candidates:
        who = [v.value(node, TG.claimant), v.value(node, TG.onBehalfOf)]
        publisher = [v.value(w, SCHEMA.publisher) for w in who if w is not None]
        claimant_ok = any(v.ref_matches(w, item["claimant"]) for w in who + publisher) or any(
            v.ref_matches(w, item.get("claimant_publisher", "")) for w in who
            if item.get("claimant_publisher"))
        stance_ok = not stances or any(v.value(node, TG.stance) == _STANCES.get(s)
                                       for s in stances)
        if claimant_ok and stance_ok:
            return None
    node = candidates[0]
    claimant = v.value(node, TG.claimant)
    return (f"claimant {v.names(claimant)[:1] if claimant else None} / stance "
            f"{str(v.value(node, TG.stance)).split('#')[-1]}, expected {item['claimant']} / "
            f"{item.get('stance')}")


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _figures(cls):
    def check(v: _View, item) -> str | None:
        want = _decimal(item.get("value"))
        for node in v.g.subjects(RDF.type, cls):
            if _decimal(v.value(node, SCHEMA.value)) != want:
                continue
            if item.get("currency") and str(v.value(node, SCHEMA.currency)) != item["currency"]:
                return f"{want}: currency {v.value(node, SCHEMA.currency)}"
            if item.get("period") and str(v.value(node, TG.period)) != str(item["period"]):
                return f"{want}: period {v.value(node, TG.period)}, expected {item['period']}"
            return None
        return "not found"
    return check


def _sources(v: _View, item) -> str | None:
    for node in v.g.subjects(RDF.type, TG.Source):
        url = str(v.value(node, SCHEMA.url) or "")
        title = str(v.value(node, SCHEMA.headline) or "")
        if (item.get("url") and url == item["url"]) or (
                item.get("title_contains") and _contains(title, item["title_contains"])):
            return None
    return "not found"


def _dates(v: _View, item) -> str | None:
    for node in v.g.subjects(RDF.type, TG.TemporalExpression):
        if str(v.value(node, TG.dateValue)) == str(item["value"]):
            return None
    return "not found"


_CHECKS = {"actors": _actors, "laws": _laws, "reports": _reports, "instruments": _instruments,
           "ratings": _ratings, "claims": _claims, "amounts": _figures(TG.MonetaryAmount),
           "counts": _figures(TG.Count), "sources": _sources, "dates": _dates}


def _label(item: dict) -> str:
    for key in ("name", "subject", "quote_contains", "text_contains", "value", "title_contains",
                "url", "text"):
        if item.get(key) is not None:
            return str(item[key])[:60]
    return str(item)[:60]


def load_case(path: str | Path) -> dict:
    path = Path(path)
    try:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TipgraphError(f"cannot read case file: {exc}", path) from None
    if not isinstance(case, dict) or "article" not in case:
        raise TipgraphError("a case file is a mapping with an 'article' key", path)
    return case


def evaluate(dataset: Dataset, case: dict) -> list[Score]:
    """Recall of each kind of expected fact of one case in ``dataset``."""
    article_id = re.sub(r"\.[^.]+$", "", Path(case["article"]).name)
    graph = dataset.graph(TGID[f"graph/{article_id}"])
    view = _View(graph)
    scores = []
    for category in CATEGORIES:
        score = Score(article_id, category)
        for item in case.get(category) or []:
            score.expected += 1
            problem = _CHECKS[category](view, item)
            if problem is None:
                score.found += 1
            else:
                score.misses.append(f"{_label(item)}: {problem}")
        scores.append(score)
    return scores
