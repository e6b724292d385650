"""Ratings: the tier a report edition gives a state ("the 2021 report downgraded Malaysia to
Tier 3", "The rating of Malaysia at Tier 3", "Thailand remained on Tier 2").

Each tier named in the prose is read in its clause (the sentence cut at "and", "but", "before"
...; the words are in ``data/lexicon/ratings.yaml``). The tier is a placement when a preposition,
a rating verb or "its ... ranking" links it to a state; the rated state is the one the clause
names (nearest before the tier), else the one its sentence names, else - for "it" - the state the
article is about. The edition is the one the clause names ("in the 2021 report", "in 2022 and
2023"), else the one its sentence names, else the latest edition the article discusses next to
tiers. A tier after "from"/"off" is the previous tier; the movement comes from the tiers' ranks,
else from the verb ("downgraded", "kept", "for a second consecutive year").

There is one node per subject and edition, ``tgid:rating/{subject}/{report}``: every statement of
the same rating adds evidence to it. When statements disagree on the tier, the one whose edition
is named closest to the tier wins and the others are dropped. ``ctx.found["ratings"]`` lists
every kept statement for later mappers (claims about a rating).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from rdflib import Literal
from rdflib.namespace import RDF, XSD

from ..namespace import SCHEMA, SKOS, TG, TGID
from . import mapper
from .context import EntityRef
from .reports import edition

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_SKIP_BEFORE = {"the", "a", "an", '"', "“", "‘", "'", "”", "’", "(", "its", "their"}
_MOVEMENTS = {"downgrade": TG.Downgrade, "upgrade": TG.Upgrade, "unchanged": TG.Unchanged}
_LEVEL_FACTOR = {2: 1.0, 1: 0.9, 0: 0.8}


@dataclass
class _Claim:
    """One statement of a rating: a tier for a subject in an edition, with its evidence."""

    tier: EntityRef
    tier_span: tuple[int, int]
    subject: EntityRef
    subject_span: tuple[int, int] | None
    report: EntityRef
    report_span: tuple[int, int] | None
    level: int                      # 2: edition named in the clause, 1: in the sentence, 0: default
    clause: tuple[int, int]
    confidence: float
    previous: EntityRef | None = None
    previous_span: tuple[int, int] | None = None
    movement: str | None = None
    movement_span: tuple[int, int] | None = None

    @property
    def span(self) -> tuple[int, int]:
        """The smallest stretch of the clause that holds the evidence."""
        parts = [p for p in (self.tier_span, self.subject_span, self.report_span,
                             self.previous_span, self.movement_span)
                 if p is not None and self.clause[0] <= p[0] and p[1] <= self.clause[1]]
        return min(p[0] for p in parts), max(p[1] for p in parts)


# ------------------------------------------------------------------------------ words

def _phrases(values) -> list[tuple[str, ...]]:
    return sorted({tuple(str(v).lower().split()) for v in values or ()}, key=len, reverse=True)


class _Words:
    """The ratings lexicon, as lower-cased token tuples."""

    def __init__(self, lexicon: dict):
        lex = lexicon.get("ratings", {})
        self.movement = {name: _phrases(words) for name, words in lex.get("movement", {}).items()}
        self.placement = _phrases(lex.get("placement"))
        self.prepositions = {str(w).lower() for w in lex.get("prepositions", [])}
        self.previous = _phrases(lex.get("previous"))
        self.previous_phrases = _phrases(lex.get("previous_phrases"))
        self.nouns = {str(w).lower() for w in lex.get("nouns", [])}
        self.possessives = {str(w).lower() for w in lex.get("possessives", [])}
        self.irrealis = _phrases(lex.get("irrealis"))
        self.breaks = {str(w).lower() for w in lex.get("clause_breaks", [])}
        self.same_tier = _phrases(lex.get("same_tier"))
        self.same_change = _phrases(lex.get("same_change"))
        self.range_openers = {str(w).lower() for w in lex.get("year_range_openers", [])}
        self.range_joiners = {str(w).lower() for w in lex.get("year_range_joiners", [])}
        self.coordinators = {str(w).lower() for w in lex.get("coordinators", [])}
        self.year_nouns = {str(w).lower() for w in lex.get("year_nouns", [])}
        self.year_prepositions = {str(w).lower() for w in lex.get("year_prepositions", [])}
        self.pronouns = {str(w).lower() for w in lex.get("pronouns", [])}
        self.both_editions = {tuple(str(k).lower().split()): int(v)
                              for k, v in (lex.get("several_editions") or {}).items()}


def _find(tokens, phrases) -> list[tuple[int, int, tuple[str, ...]]]:
    """(first token index, end token index, phrase) of each phrase in a token sequence."""
    words = [t.lower_ for t in tokens]
    firsts = {p[0] for p in phrases if p}
    found, i = [], 0
    while i < len(words):
        hit = next((p for p in phrases if tuple(words[i:i + len(p)]) == p), None) \
            if words[i] in firsts else None
        if hit:
            found.append((i, i + len(hit), hit))
            i += len(hit)
        else:
            i += 1
    return found


def _ends_with(tokens, phrases) -> bool:
    words = tuple(t.lower_ for t in tokens)
    return any(len(p) <= len(words) and words[-len(p):] == p for p in phrases)


def _char_span(tokens, i: int, j: int) -> tuple[int, int]:
    return tokens[i].idx, _end(tokens[j - 1])


def _end(token) -> int:
    return token.idx + len(token)


# ------------------------------------------------------------------------------ text

def _tokens(ctx, start: int, end: int):
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


def _before(ctx, sentence: tuple[int, int], start: int):
    """The tokens of the sentence before ``start`` without the determiners and quotes."""
    tokens = _tokens(ctx, sentence[0], start) if start > sentence[0] else []
    while tokens and tokens[-1].lower_ in _SKIP_BEFORE:
        tokens.pop()
    return tokens


def _clauses(ctx, sentence: tuple[int, int], words: _Words) -> list[tuple[int, int]]:
    """The sentence cut before each clause break ("and", "before", ";") and each "the same
    ranking"; "in 2022 and 2023" and "Brazil and South Africa" are not cut."""
    tokens = _tokens(ctx, *sentence)
    states = ctx.mentions_in(*sentence, "State")
    starts, ends = {m.start for m in states}, {m.end for m in states}
    cuts = [t.idx for k, t in enumerate(tokens) if 0 < k < len(tokens) - 1
            and t.lower_ in words.breaks and not _YEAR.fullmatch(tokens[k + 1].text)
            and not (tokens[k + 1].idx in starts and _end(tokens[k - 1]) in ends)]
    cuts += [tokens[i].idx for i, _, _ in _find(tokens, words.same_tier) if i > 0]
    bounds = [sentence[0], *sorted(set(cuts)), sentence[1]]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def _clause_of(clauses, char: int) -> tuple[int, int]:
    return next((c for c in clauses if c[0] <= char < c[1]), clauses[-1])


# ------------------------------------------------------------------------------ tiers

def _tier_mentions(ctx) -> list:
    """Mentions of the tiers named in the prose, with their concept and scheme declared."""
    found = []
    for cand in ctx.candidates_of("Tier"):
        start, end = ctx.char_span(cand.start, cand.end)
        if not ctx.in_prose(start):
            continue
        ref = ctx.entity_for(cand)
        _describe_tier(ctx, ref)
        found.append(ctx.mention(ref, start, end, 0.95 if cand.how == "gazetteer" else 0.7,
                                 cand.how))
    return found


def _describe_tier(ctx, ref: EntityRef) -> None:
    """A tier's scheme and definition, from its record."""
    record = ref.record
    if record is None or not record.get("scheme"):
        return
    scheme_id = str(record.get("scheme"))
    scheme = TGID[f"scheme/{scheme_id}"]
    ctx.add(ref.iri, SKOS.inScheme, scheme)
    name = _scheme_name(ctx, record, scheme_id)
    ctx.add(scheme, RDF.type, SKOS.ConceptScheme)
    ctx.add(scheme, SCHEMA.name, Literal(name))
    ctx.add(scheme, SKOS.prefLabel, Literal(name, lang="en"))
    if record.get("definition"):
        ctx.add(ref.iri, SKOS.definition, Literal(str(record.get("definition")), lang="en"))


def _scheme_name(ctx, record, scheme_id: str) -> str:
    """The series' name + "tiers" when the tier names its series, else the scheme id."""
    series = ctx.gazetteer.get(record.get("series"))
    if series is not None:
        return f"{series.name} tiers"
    return scheme_id.replace("-", " ")


def _is_previous(ctx, mention, sentence, words: _Words) -> bool:
    """ "from Tier 3", "off Tier 3", "after two years on Tier 3"."""
    before = _before(ctx, sentence, mention.start)
    return _ends_with(before, words.previous) or _ends_with(before, words.previous_phrases)


def _states_a_placement(ctx, mention, clause, sentence, words: _Words) -> bool:
    """A preposition, a rating verb in the clause or "its ... ranking" makes the tier a
    placement; a wish or hypothesis before it ("waiting for a return to") makes it none."""
    head = _tokens(ctx, clause[0], mention.start) if mention.start > clause[0] else []
    if _find(head, words.irrealis):
        return False
    before = _before(ctx, sentence, mention.start)
    if before and before[-1].lower_ in words.prepositions:
        return True
    raw_before = _tokens(ctx, sentence[0], mention.start)[-1:] if mention.start > sentence[0] \
        else []
    after = _tokens(ctx, mention.end, clause[1])[:1]
    if raw_before and raw_before[0].lower_ in words.possessives and after \
            and after[0].lower_ in words.nouns:
        return True
    verbs = words.placement + [p for ps in words.movement.values() for p in ps]
    return bool(_find(_tokens(ctx, *clause), verbs))


# ------------------------------------------------------------------------------ subject

class _Subjects:
    """The states of the article, and the one it is mostly about."""

    def __init__(self, ctx):
        named = Counter(m.ref.iri for m in ctx.mentions_of("State") if m.how != "reference")
        self.main = ctx.entities[named.most_common(1)[0][0]] if named else None
        self.ctx = ctx

    def named(self, mention) -> EntityRef:
        """"The country", "the government": the state the article is about."""
        if mention.how == "reference" and self.main is not None:
            return self.main
        return mention.ref

    def find(self, clause, sentence, at: int, words: _Words) -> list:
        """[(subject, its span, confidence)]: the state of the clause nearest before the tier
        with the states coordinated with it ("Cambodia, China and Russia"), else the nearest
        state of the sentence, else for a pronoun the state the article is about."""
        ctx = self.ctx
        states = ctx.mentions_in(*clause, "State")
        before = [m for m in states if m.end <= at]
        if before:
            return [self._one(m, 0.9) for m in self._coordinated(before, words)]
        if states:
            return [self._one(states[0], 0.9)]
        before = ctx.mentions_in(sentence[0], at, "State")
        if before:
            return [self._one(before[-1], 0.8)]
        head = _tokens(ctx, sentence[0], clause[1])
        if self.main is not None and any(t.lower_ in words.pronouns for t in head):
            return [(self.main, None, 0.6)]
        return []

    def _one(self, mention, confidence: float):
        return self.named(mention), (mention.start, mention.end), confidence

    def _coordinated(self, before, words: _Words) -> list:
        chain = [before[-1]]
        for m in reversed(before[:-1]):
            gap = self.ctx.text[m.end:chain[0].start].lower().replace(",", " , ").split()
            if not gap or not set(gap) <= words.coordinators:
                break
            chain.insert(0, m)
        return chain


# ------------------------------------------------------------------------------ editions

def _series_of(ctx, report: EntityRef) -> EntityRef | None:
    known = ctx.found.get("editions", {}).get(report.iri)
    if known is not None:
        return known[0]
    if report.kind == "ReportSeries":
        return report
    record = ctx.gazetteer.get(report.record.get("series")) if report.record else None
    return ctx.entity("", "", record=record) if record is not None else None


def _year_of(ctx, report: EntityRef) -> str | None:
    known = ctx.found.get("editions", {}).get(report.iri)
    if known is not None:
        return str(known[1])
    year = report.record.get("year") if report.record is not None else None
    return str(year) if year else None


def _edition_of(ctx, mention) -> EntityRef:
    """The edition a report mention names; "the 2021 report" is the 2021 edition even when
    it was resolved to another edition of the series."""
    year = _YEAR.search(mention.text)
    ref = mention.ref
    if year and year.group(1) != _year_of(ctx, ref):
        series = _series_of(ctx, ref)
        if series is not None:
            return edition(ctx, series, year.group(1))
    return ref


def _year_cues(ctx, clause, words: _Words) -> list[tuple[str, tuple[int, int]]]:
    """Years that name an edition: "in 2019", "in 2022 and 2023", "the 2025 US ... report",
    "from 2020 to 2022" (every year of the span)."""
    tokens = _tokens(ctx, *clause)
    years, last = [], None
    for k, tok in enumerate(tokens):
        if not _YEAR.fullmatch(tok.text):
            continue
        span = _year_range(tokens, k, words)
        if span:
            return span
        prev = tokens[k - 1].lower_ if k else ""
        ahead = {t.lower_ for t in tokens[k + 1:k + 4]}
        chained = last == k - 2 and prev in words.coordinators
        if prev in words.year_prepositions or ahead & words.year_nouns or chained:
            years.append((tok.text, (tok.idx, _end(tok))))
            last = k
    return years


def _year_range(tokens, k: int, words: _Words) -> list:
    """Every year of "from 2020 to 2022" when token ``k`` is the first year."""
    if k == 0 or tokens[k - 1].lower_ not in words.range_openers or k + 2 >= len(tokens) \
            or tokens[k + 1].lower_ not in words.range_joiners \
            or not _YEAR.fullmatch(tokens[k + 2].text):
        return []
    first, last = int(tokens[k].text), int(tokens[k + 2].text)
    if not 0 < last - first <= 10:
        return []
    span = (tokens[k - 1].idx, _end(tokens[k + 2]))
    return [(str(year), span) for year in range(first, last + 1)]


class _Editions:
    """The edition (or series) a rating is from."""

    def __init__(self, ctx, tiers):
        self.ctx = ctx
        self.default = self._default(tiers)
        self.series = _series_of(ctx, self.default) if self.default is not None else \
            self._series(tiers)

    def _default(self, tiers) -> EntityRef | None:
        """The latest edition named in a paragraph that names a tier (ties: the most named)."""
        ctx = self.ctx
        lines = {_line(ctx.text, m.start) for m in tiers}
        mentions = [m for m in ctx.mentions_of("Report") if ctx.in_prose(m.start)
                    and _edition_of_text_agrees(ctx, m)]
        near = [m for m in mentions if _line(ctx.text, m.start) in lines]
        if not near and len({m.ref.iri for m in mentions}) == 1:
            near = mentions
        if not near:
            return None
        counts = Counter(m.ref.iri for m in near)
        first = {}
        for m in near:
            first.setdefault(m.ref.iri, m.start)
        best = max(counts, key=lambda iri: (_year_of(ctx, ctx.entities[iri]) or "",
                                            counts[iri], -first[iri]))
        return ctx.entities[best]

    def _series(self, tiers) -> EntityRef | None:
        """The series the tiers belong to (their record's ``series``), else one named in a
        paragraph that names a tier."""
        ctx = self.ctx
        for m in tiers:
            record = ctx.gazetteer.get(m.ref.record.get("series")) if m.ref.record else None
            if record is not None:
                return ctx.entity("", "", record=record)
        lines = {_line(ctx.text, m.start) for m in tiers}
        near = [m for m in ctx.mentions_of("ReportSeries") if _line(ctx.text, m.start) in lines]
        return near[0].ref if near else None

    def find(self, clause, sentence, at: int, words: _Words) -> list:
        """[(report, its span or None, level)] for the tier at ``at``."""
        ctx = self.ctx
        several = self._several(clause, at, words)
        if several:
            return several
        named = ctx.mentions_in(*clause, "Report")
        if named:
            m = min(named, key=lambda m: min(abs(m.start - at), abs(m.end - at)))
            return [(_edition_of(ctx, m), (m.start, m.end), 2)]
        years = _year_cues(ctx, clause, words)
        if years and self.series is not None:
            return [(edition(ctx, self.series, y), span, 2) for y, span in years]
        named = ctx.mentions_in(*sentence, "Report")
        if named:
            m = min(named, key=lambda m: min(abs(m.start - at), abs(m.end - at)))
            return [(_edition_of(ctx, m), (m.start, m.end), 1)]
        fallback = self.default or self.series
        return [(fallback, None, 0)] if fallback is not None else []


    def _several(self, clause, at: int, words: _Words) -> list:
        """"India remained on Tier 2 in both editions": the last editions named before."""
        ctx = self.ctx
        tokens = _tokens(ctx, *clause)
        for phrase, count in words.both_editions.items():
            for i, j, _ in _find(tokens, [phrase]):
                span = _char_span(tokens, i, j)
                editions, seen = [], set()
                for m in reversed([m for m in ctx.mentions_of("Report")
                                   if m.end <= at and ctx.in_prose(m.start)]):
                    ref = _edition_of(ctx, m)
                    if ref.kind == "Report" and ref.iri not in seen:
                        seen.add(ref.iri)
                        editions.append((ref, span, 1))
                    if len(editions) == count:
                        return editions
        return []


def _edition_of_text_agrees(ctx, mention) -> bool:
    year = _YEAR.search(mention.text)
    return year is None or year.group(1) == _year_of(ctx, mention.ref)


def _line(text: str, char: int) -> int:
    return text.rfind("\n", 0, char)


# ------------------------------------------------------------------------------ movement

def _movement(ctx, clause, at: int, words: _Words):
    """(movement name, span) of the movement word of the clause nearest the tier at ``at``."""
    tokens = _tokens(ctx, *clause)
    hits = [(_char_span(tokens, i, j), name) for name in ("downgrade", "upgrade", "unchanged")
            for i, j, _ in _find(tokens, words.movement.get(name, []))]
    if not hits:
        return None, None
    span, name = min(hits, key=lambda h: (abs(h[0][0] - at), h[0][0]))
    return name, span


def _by_rank(tier: EntityRef, previous: EntityRef | None) -> str | None:
    ranks = [r.record.get("rank") if r is not None and r.record is not None else None
             for r in (tier, previous)]
    if None in ranks:
        return None
    now, before = int(ranks[0]), int(ranks[1])
    return "unchanged" if now == before else ("upgrade" if now < before else "downgrade")


# ------------------------------------------------------------------------------ statements

def _claims(ctx, tiers, words: _Words) -> list[_Claim]:
    """Every statement of a rating in the article, in text order."""
    subjects, editions = _Subjects(ctx), _Editions(ctx, tiers)
    by_sentence = defaultdict(list)
    for m in tiers:
        s = ctx.sentence_at(m.start)
        by_sentence[(s.start, s.end)].append(m)
    claims = []
    for sentence, mentions in by_sentence.items():
        claims.extend(_sentence_claims(ctx, sentence, mentions, words, subjects, editions))
    claims.extend(_same_change_claims(ctx, claims, words, subjects))
    return sorted(claims, key=lambda c: c.tier_span)


def _sentence_claims(ctx, sentence, mentions, words, subjects, editions) -> list[_Claim]:
    clauses = _clauses(ctx, sentence, words)
    previous = [m for m in mentions if _is_previous(ctx, m, sentence, words)]
    current = [m for m in mentions if m not in previous]
    _departures(ctx, sentence, clauses, previous, current, words, subjects)
    anchors = [(m.ref, (m.start, m.end), m) for m in current]
    anchors += _same_tier_anchors(ctx, sentence, current, words)
    claims = []
    for tier, span, mention in sorted(anchors, key=lambda a: a[1]):
        clause = _clause_of(clauses, span[0])
        if mention is not None and not _states_a_placement(ctx, mention, clause, sentence,
                                                            words):
            continue
        prev = _previous_for(span, clause, clauses, previous, current)
        found = editions.find(clause, sentence, span[0], words)
        ranged = len({r[1] for r in found}) < len(found)
        for subject, subject_span, confidence in subjects.find(clause, sentence, span[0], words):
            for report, report_span, level in found:
                claim = _Claim(tier, span, subject, subject_span, report, report_span, level,
                               clause, confidence * _LEVEL_FACTOR[level])
                _add_change(ctx, claim, prev, words, implied=not ranged)
                claims.append(claim)
    return claims


def _departures(ctx, sentence, clauses, previous, current, words, subjects) -> None:
    """"a year after the 2023 report had lifted the country off Tier 3": a tier left in an
    edition the clause names, with no tier reached in that clause. Kept in
    ``ctx.found["rating_departures"]`` for the rating of that subject and edition."""
    for m in previous:
        clause = _clause_of(clauses, m.start)
        if any(clause[0] <= c.start < clause[1] for c in current):
            continue
        named = [r for r in ctx.mentions_in(*clause, "Report") if r.end <= m.start]
        if not named:
            continue
        report = _edition_of(ctx, named[-1])
        for subject, _, confidence in subjects.find(clause, sentence, m.start, words):
            move, move_span = _movement(ctx, clause, m.start, words)
            ctx.found.setdefault("rating_departures", []).append(
                (subject, report, m.ref, (m.start, m.end), move, clause, confidence))


def _same_change_claims(ctx, claims: list[_Claim], words: _Words, subjects) -> list[_Claim]:
    """ "South Africa received the same downgrade": the rating just stated, for another state."""
    extra = []
    for sentence in ctx.sentences:
        if not ctx.in_prose(sentence.start):
            continue
        tokens = _tokens(ctx, sentence.start, sentence.end)
        for i, j, _ in _find(tokens, words.same_change):
            start, end = _char_span(tokens, i, j)
            model = [c for c in claims if c.tier_span[1] <= start]
            if not model:
                continue
            extra.extend(_copy_claim(ctx, model[-1], (start, end), sentence, words, subjects))
    return extra


def _copy_claim(ctx, model: _Claim, span, sentence, words, subjects) -> list[_Claim]:
    bounds = (sentence.start, sentence.end)
    clause = _clause_of(_clauses(ctx, bounds, words), span[0])
    found = []
    for subject, subject_span, confidence in subjects.find(clause, bounds, span[0], words):
        if subject.iri == model.subject.iri:
            continue
        claim = _Claim(model.tier, span, subject, subject_span, model.report, None,
                       min(model.level, 1), clause, confidence * 0.8, model.previous, None,
                       model.movement, span if model.movement in ("upgrade", "downgrade")
                       else None)
        found.append(claim)
    return found


def _same_tier_anchors(ctx, sentence, current, words):
    """ "the same ranking" after a tier: that tier again, for the edition its clause names."""
    tokens = _tokens(ctx, *sentence)
    anchors = []
    for i, j, _ in _find(tokens, words.same_tier):
        start, end = _char_span(tokens, i, j)
        earlier = [m for m in current if m.end <= start]
        if earlier:
            anchors.append((earlier[-1].ref, (start, end), None))
    return anchors


def _previous_for(span, clause, clauses, previous, current):
    """The "from" tier of the clause; one in a clause with no tier of its own belongs to the
    nearest tier before it ("... to Tier 2 after two years on Tier 3")."""
    mine = [m for m in previous if clause[0] <= m.start < clause[1]]
    if mine:
        return min(mine, key=lambda m: abs(m.start - span[0]))
    for m in previous:
        own = _clause_of(clauses, m.start)
        if any(own[0] <= c.start < own[1] for c in current):
            continue
        before = [c for c in current if c.end <= m.start]
        if before and before[-1].start == span[0]:
            return m
    return None


def _add_change(ctx, claim: _Claim, prev, words: _Words, implied: bool = True) -> None:
    """Previous tier and movement of one statement. "Kept", "remained" imply the previous tier
    was the same, except for a span of years ("for three consecutive years, from 2020 to 2022"),
    whose first year may have been a change."""
    if prev is not None:
        claim.previous, claim.previous_span = prev.ref, (prev.start, prev.end)
    name, span = _movement(ctx, claim.clause, claim.tier_span[0], words)
    if name == "unchanged" and not implied:
        name, span = None, None
    if name == "unchanged" and claim.previous is None:
        claim.previous, claim.previous_span = claim.tier, span
    claim.movement = _by_rank(claim.tier, claim.previous) or name
    if name is not None and claim.movement == name:
        claim.movement_span = span


# ------------------------------------------------------------------------------ ratings

@dataclass
class _Rating:
    node: object
    claims: list[_Claim]
    previous: tuple[EntityRef, tuple[int, int], float] | None = None
    movement: str | None = None

    @property
    def first(self) -> _Claim:
        return self.claims[0]


def _node(claim: _Claim):
    return TGID[f"rating/{claim.subject.key}/{claim.report.key}"]


def _ratings(ctx, claims: list[_Claim]) -> list[_Rating]:
    """Group statements by rating; statements that give another tier than the best-placed
    statement of the same rating are dropped."""
    groups: dict = defaultdict(list)
    for claim in claims:
        groups[_node(claim)].append(claim)
    ratings = []
    for node, group in groups.items():
        best = max(group, key=lambda c: c.level)
        kept = [c for c in group if c.tier.iri == best.tier.iri]
        rating = _Rating(node, kept)
        ranked = sorted(kept, key=lambda c: -c.level)
        with_previous = [c for c in ranked if c.previous is not None]
        if with_previous:
            c = with_previous[0]
            rating.previous = (c.previous, c.previous_span, c.confidence)
        rating.movement = _by_rank(best.tier, rating.previous[0] if rating.previous else None) \
            or next((c.movement for c in ranked if c.movement), None)
        ratings.append(rating)
    _infer_previous(ctx, ratings)
    _imply_earlier(ctx, ratings)
    return sorted(ratings, key=lambda r: r.first.tier_span)


def _key(ctx, subject: EntityRef, report: EntityRef):
    year, series = _year_of(ctx, report), _series_of(ctx, report)
    return (subject.iri, series.iri, int(year)) if year and series is not None else None


def _imply_earlier(ctx, ratings: list[_Rating]) -> None:
    """A previous tier is the tier of the edition before: "upgraded Vietnam from Tier 3 to
    Tier 2" in the 2024 report gives Vietnam Tier 3 in 2023 (with lower
    confidence) when the article states no 2023 rating. A tier the article says an edition took a
    subject off ("the 2023 report had lifted the country off Tier 3") is that rating's previous
    tier, and implies the edition before in turn."""
    departures = {}
    for subject, report, tier, span, move, clause, confidence in \
            ctx.found.get("rating_departures", []):
        key = _key(ctx, subject, report)
        if key is not None:
            departures.setdefault(key, (tier, span, move, clause, confidence))
    index = {_key(ctx, r.first.subject, r.first.report): r for r in ratings}
    todo = list(ratings)
    while todo:
        r = todo.pop(0)
        key = _key(ctx, r.first.subject, r.first.report)
        if key is None:
            continue
        if r.previous is None and key in departures:
            tier, span, move, _, confidence = departures[key]
            r.previous = (tier, span, confidence * 0.8)
            r.movement = _by_rank(r.first.tier, tier) or move
        if r.previous is None or r.previous[1] is None:
            continue
        earlier_key = (key[0], key[1], key[2] - 1)
        if earlier_key in index:
            continue
        first = r.first
        series = _series_of(ctx, first.report)
        report = edition(ctx, series, str(key[2] - 1))
        span = r.previous[1]
        clause = first.clause if first.clause[0] <= span[0] and span[1] <= first.clause[1] \
            else (span[0], span[1])
        claim = _Claim(r.previous[0], span, first.subject, None, report, None, 0, clause,
                       round(min(first.confidence, r.previous[2]) * 0.7, 2))
        implied = _Rating(_node(claim), [claim])
        index[earlier_key] = implied
        ratings.append(implied)
        todo.append(implied)


def _infer_previous(ctx, ratings: list[_Rating]) -> None:
    """A rating with no stated previous tier takes the tier the article gives the same subject
    in the edition of the year before, when that agrees with the stated movement."""
    index = {}
    for r in ratings:
        year, series = _year_of(ctx, r.first.report), _series_of(ctx, r.first.report)
        if year and series is not None:
            index[(r.first.subject.iri, series.iri, int(year))] = r
    for (subject, series, year), r in index.items():
        earlier = index.get((subject, series, year - 1))
        if r.previous is not None or earlier is None:
            continue
        movement = _by_rank(r.first.tier, earlier.first.tier)
        if r.movement is None or movement is None or movement == r.movement:
            r.previous = (earlier.first.tier, earlier.first.span, 0.6)
            r.movement = movement or r.movement


def _write(ctx, rating: _Rating) -> None:
    """The rating node, its values and the evidence of every statement."""
    node, first = rating.node, rating.first
    ctx.fact(node, TG.Rating, *first.span, first.confidence)
    ctx.add(node, TG.ratedSubject, first.subject.iri)
    ctx.add(node, TG.ratedIn, first.report.iri)
    ctx.add(node, TG.tier, first.tier.iri)
    year = _year_of(ctx, first.report)
    if year:
        ctx.add(node, TG.year, Literal(year, datatype=XSD.gYear))
    if rating.previous is not None:
        ctx.add(node, TG.previousTier, rating.previous[0].iri)
        if rating.previous[1] is not None:
            ctx.annotate(node, *rating.previous[1], rating.previous[2], prop=TG.previousTier)
    if rating.movement is not None:
        ctx.add(node, TG.movement, _MOVEMENTS[rating.movement])
    for k, claim in enumerate(rating.claims):
        if k:
            ctx.annotate(node, *claim.span, claim.confidence)
        _evidence(ctx, node, claim, rating)


def _evidence(ctx, node, claim: _Claim, rating: _Rating) -> None:
    """Annotations of the parts of one statement, each for the property it supports."""
    conf = claim.confidence
    ctx.annotate(node, *claim.tier_span, conf, prop=TG.tier)
    if claim.subject_span is not None:
        ctx.annotate(node, *claim.subject_span, conf, prop=TG.ratedSubject)
    if claim.report_span is not None:
        ctx.annotate(node, *claim.report_span, conf, prop=TG.ratedIn)
    if claim.movement_span is not None and claim.movement == rating.movement:
        ctx.annotate(node, *claim.movement_span, conf, prop=TG.movement)


@mapper("ratings", after=("actors", "laws", "reports", "instruments"))
def map_ratings(ctx):
    """Find the tiers report editions give states, with previous tier and movement."""
    words = _Words(ctx.lexicon)
    tiers = _tier_mentions(ctx)
    found = []
    for rating in _ratings(ctx, _claims(ctx, tiers, words)):
        if any(claim.report.kind != "Report" for claim in rating.claims):
            continue  # a rating is given by an edition; a series alone is not enough
        _write(ctx, rating)
        for claim in rating.claims:
            found.append({"node": rating.node, "subject": claim.subject.iri,
                          "report": claim.report.iri, "tier": claim.tier.iri,
                          "start": claim.span[0], "end": claim.span[1],
                          "previous": rating.previous[0].iri if rating.previous else None,
                          "movement": _MOVEMENTS.get(rating.movement)})
    ctx.found["ratings"] = sorted(found, key=lambda f: (f["start"], f["end"]))
    return ()
