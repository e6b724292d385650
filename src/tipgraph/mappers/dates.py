"""Dates the prose states: "25 June 2024", "June 25, 2024", "March 2024", "in 2020 and 2024",
"since 2017", and the ones the reader places from the article's own date ("released on 24
June", "last June", "in March", "last year", "on Sunday").

A year that is part of a name ("the 2023 Global Slavery Index", "Act 2015", "Protocol
of 2014", "the 2003 law") or a fiscal period ("fiscal year 2025", "FY2024", "2024-25") is not a
date here: names belong to their entities and fiscal periods to the figures they qualify.

Each date becomes a tg:TemporalExpression with its tg:dateValue (day, month or year precision) and,
when the wording says what it dates, tg:refersTo that entity: "the March 2024 enactment of X",
"X, adopted in 2008", "the state passed X in 2018", "X, which the US published on 29 September",
"national security laws in 2020 and 2024". The event words come from data/lexicon/dates.yaml and
say which property of the entity the date also gives (tg:dateEnacted for a law, schema:
datePublished for a report ...); it is added only when the entity has no such date yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..dates import date_literal, parse_date_text
from ..gazetteer import INSTRUMENT_KINDS
from ..namespace import SCHEMA, TG
from ..phrases import Phrases
from . import mapper

_CACHE: dict = {}
# Words before a month or weekday that belong to the expression: "last June", "this Friday".
DEICTIC_OPENERS = {"last", "this", "next"}
YEAR = r"(?:1[89]\d\d|20\d\d|2100)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
# "No. 15 of 2017", "No. 13,344 of 2016": the year of a numbered law, part of its name.
LAW_NUMBER_OF = re.compile(r"\bNos?\.?\s*[\d,/]+\s+of\s+$")
# What may stand between a name and a year that belongs to it: "Protocol of 2014", "Act, 2015".
NAME_YEAR_GAP = re.compile(r"^(?:,?\s*|\s*\(\s*|\s+of\s+)$")
# Dates joined to the one before: "in 2020 and 2024", "2022 and 2023".
COORDINATED = re.compile(r"^\s*(?:,|and|or|,\s*and|and\s+in|to|-|–)\s*$")

GROUPS = {"law": ("Statute", "Constitution", "Bill", "ConstitutionalProvision"),
          "instrument": INSTRUMENT_KINDS, "report": ("Report", "ReportSeries")}
# Kinds whose names may hold a year ("Act 2015", "2023 Global Slavery Index").
NAMED_KINDS = GROUPS["law"] + GROUPS["instrument"] + GROUPS["report"]
# The entity kinds each dated property applies to, and its value's required precision.
PROPERTIES = {"dateEnacted": (TG.dateEnacted, ("Statute", "Constitution"), 4, "date_enacted"),
              "adoptedOn": (TG.adoptedOn, INSTRUMENT_KINDS, 10, "adopted"),
              "inForceSince": (TG.inForceSince, INSTRUMENT_KINDS, 10, "in_force"),
              "datePublished": (SCHEMA.datePublished, ("Report",), 4, "date_published")}


@dataclass
class Expr:
    start: int
    end: int
    iso: str
    confidence: float
    kind: str             # full, inferred, year, relative


@dataclass
class Event:
    words: Phrases
    kinds: tuple[str, ...]
    properties: dict
    refers: bool = True   # False: the event is another's act on the entity (a ratification)


class Words:
    """data/lexicon/dates.yaml, ready for matching."""

    def __init__(self, lex: dict, figures: dict):
        self.full_months = {str(k): int(v) for k, v in (lex.get("months") or {}).items()}
        self.abbreviations = {str(k): int(v)
                              for k, v in (lex.get("month_abbreviations") or {}).items()}
        self.months = {**self.full_months, **self.abbreviations}
        self.weekdays = {str(k): int(v) for k, v in (lex.get("weekdays") or {}).items()}
        self.openers = {str(x).lower() for x in lex.get("month_openers") or []}
        self.weekday_openers = {str(x).lower() for x in lex.get("weekday_openers") or []}
        self.joiners = [str(x) for x in lex.get("month_joiners") or []]
        self.modifiers = Phrases(lex.get("modifiers") or [])
        self.relative = {str(k).lower(): int(v) for k, v in (lex.get("relative_years") or {}).items()}
        self.previous = [str(x) for x in lex.get("previous_years") or []]
        self.fiscal = [str(x) for x in lex.get("fiscal_prefixes") or []]
        self.determiners = {str(x).lower() for x in lex.get("determiners") or []}
        self.function = {str(x).lower() for x in figures.get("function_words") or []}
        self.events = [Event(Phrases(e.get("words") or []),
                             tuple(k for g in e.get("kinds") or [] for k in GROUPS.get(g, ())),
                             dict(e.get("properties") or {}), e.get("refers_to", True) is not False)
                       for e in (lex.get("events") or {}).values()]
        self.recurring = Phrases(lex.get("recurring") or [])
        self.date_re = self._date_re()
        self.joined_re = re.compile(rf"^\s*(?:{_alt(self.joiners)})\s*(?:{DAY}\s+)?"
                                    rf"(?:{self.month_re})(?:\s+{DAY})?,?\s+(?P<year>{YEAR})")
        self.relative_re = _phrase_re(list(self.relative) + self.previous)
        self.fiscal_re = re.compile(rf"\b(?:{_alt(self.fiscal)})\s*$", re.I) if self.fiscal else None

    @property
    def month_re(self) -> str:
        """A month name, or an abbreviation with an optional full stop ("Sept.")."""
        return rf"(?:{_alt(self.full_months)}|(?:{_alt(self.abbreviations) or '(?!)'})\.?)"

    def _date_re(self) -> re.Pattern:
        """Date expressions, longest forms first: day month year, month day year, month year,
        numeric dates, day month, month day, a month, a weekday, a year."""
        month, weekday = self.month_re, _alt(self.weekdays) or "(?!)"
        return re.compile(
            rf"(?<![\w/.-])(?:(?P<dmy>{DAY}\s+{month},?\s+{YEAR})"
            rf"|(?P<mdy>{month}\s+{DAY},?\s+{YEAR})"
            rf"|(?P<my>{month},?\s+{YEAR})"
            rf"|(?P<numeric>\d{{1,2}}/\d{{1,2}}/{YEAR}|{YEAR}-\d\d-\d\d)"
            rf"|(?P<dm>{DAY}\s+{month})"
            rf"|(?P<md>{month}\s+{DAY})"
            rf"|(?P<m>{month})"
            rf"|(?P<wd>{weekday})"
            rf"|(?P<y>{YEAR}))(?![\w/])")


def _alt(forms) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


def _phrase_re(phrases: list[str]) -> re.Pattern:
    return re.compile(rf"\b(?:{_alt(phrases) or '(?!)'})\b", re.I)


def _words(ctx) -> Words:
    lex, figures = ctx.lexicon.get("dates") or {}, ctx.lexicon.get("figures") or {}
    key = (id(lex), id(figures))
    if key not in _CACHE:
        _CACHE[key] = Words(lex, figures)
    return _CACHE[key]


# ------------------------------------------------------------------------------ finding dates

def _article_date(ctx) -> date | None:
    iso = ctx.article.date or ""
    try:
        return date.fromisoformat(iso) if len(iso) == 10 else None
    except ValueError:
        return None


def _in_dateline(ctx, start: int) -> bool:
    art = ctx.article
    return any(part is not None and part.start <= start < part.end
               for part in (art.date_span, art.dateline))


def _place(ctx, month: int, day: int | None, strict: bool) -> str | None:
    """The year of a month (and day) written without one: the latest not after the article's
    date (``strict``: before its month, as in "last June")."""
    today = _article_date(ctx)
    if today is None:
        return None
    year = today.year
    if (month, day or 0) > (today.month, today.day if day else 0) or \
            (strict and month >= today.month):
        year -= 1
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _month(w: Words, text: str) -> int:
    return w.months[text.rstrip(".").strip()]


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group())


def _opener_word(ctx, start: int) -> str:
    before = re.search(r"(\w+)\s+$", ctx.text[max(0, start - 20):start])
    return before.group(1) if before else ""


def _opener(ctx, start: int) -> str:
    return _opener_word(ctx, start).lower()


def _value(ctx, w: Words, m: re.Match) -> tuple[str, float, str] | None:
    """The ISO value of a date match, how sure it is, and what kind of expression it is."""
    text, kind = m.group(), m.lastgroup
    if kind in ("dmy", "mdy", "my", "numeric"):
        iso = parse_date_text(text)
        # "05/06/2024" could be day/month or month/day; an ISO "2024-06-05" is not ambiguous
        ambiguous = kind == "numeric" and "/" in text and all(
            int(x) <= 12 for x in text.split("/")[:2])
        return (iso, 0.6 if ambiguous else 0.9, "full") if iso else None
    if kind in ("dm", "md"):
        parts = text.split()
        day, month = (parts[0], parts[1]) if kind == "dm" else (parts[1], parts[0])
        iso = _place(ctx, _month(w, month), _day(day), False)
        return (iso, 0.7, "inferred") if iso else None
    if kind == "m":
        return _month_only(ctx, w, m)
    if kind == "wd":
        return _weekday(ctx, w, m)
    return text, 0.85, "year"


def _month_only(ctx, w: Words, m: re.Match):
    """"June" in "between June and December 2024", "in June", "last June"."""
    month = _month(w, m.group())
    joined = w.joined_re.match(ctx.text[m.end():m.end() + 40])
    if joined:
        return f"{joined['year']}-{month:02d}", 0.8, "full"
    opener = _opener(ctx, m.start())
    if opener not in w.openers:
        return None
    iso = _place(ctx, month, None, opener == "last")
    return (iso, 0.65, "inferred") if iso else None


def _weekday(ctx, w: Words, m: re.Match):
    """"published on Sunday": the latest such day up to the article's date."""
    today, opener = _article_date(ctx), _opener(ctx, m.start())
    if today is None or opener not in w.weekday_openers:
        return None
    back = (today.weekday() - w.weekdays[m.group()]) % 7
    back = 7 if back == 0 and opener == "last" else back
    return (today - timedelta(days=back)).isoformat(), 0.6, "inferred"


def _part_of_name(ctx, w: Words, m: re.Match, mentions) -> bool:
    """A year naming something: inside a name, right after one ("Protocol of 2014"), a law
    number's year, a fiscal year, or a year used as a modifier ("the 2003 law")."""
    start, end = m.span()
    named = [x for x in mentions if x.ref.kind in NAMED_KINDS]
    if any(x.start < end and start < x.end for x in named):
        return True
    if any(x.end <= start and NAME_YEAR_GAP.match(ctx.text[x.end:start]) for x in named):
        return True
    before, after = ctx.text[max(0, start - 30):start], ctx.text[end:end + 30]
    if LAW_NUMBER_OF.search(before) or (w.fiscal_re is not None and w.fiscal_re.search(before)):
        return True
    if m.lastgroup != "y":
        return False
    if re.match(r"[-/–]\d", after) or re.search(r"\d[-/–]$", before):
        return True  # "2024-25", "2023/24", "2024/1712"
    word_before = re.search(r"(\S+)\s+$", before)
    word_after = re.match(r"\s+([A-Za-z][\w-]*)", after)
    return bool(word_before and word_after and word_before.group(1).lower() in w.determiners
                and word_after.group(1) not in w.function
                and word_after.group(1) not in w.months)


def _modifier_start(ctx, w: Words, start: int) -> int:
    """Take in "the first half of", "early", "mid-" before a date."""
    doc = ctx.doc
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None:
        return start
    n = w.modifiers.before(doc, span.start, doc[span.start].sent.start)
    return doc[span.start - n].idx if n else start


def _expressions(ctx, w: Words) -> list[Expr]:
    mentions = ctx.mentions_of()
    found = []
    for m in w.date_re.finditer(ctx.text):
        if not (ctx.in_prose(m.start()) or _in_dateline(ctx, m.start())):
            continue
        if _part_of_name(ctx, w, m, mentions):
            continue
        got = _value(ctx, w, m)
        if got is None or got[0] is None:
            continue
        iso, confidence, kind = got
        if kind == "inferred" and _recurs(ctx, w, m.end()):
            continue  # "by June 30 each year": a recurring deadline, not one date
        start = _modifier_start(ctx, w, m.start())
        if m.lastgroup in ("m", "wd") and _opener(ctx, start) in DEICTIC_OPENERS:
            start = ctx.text.rindex(_opener_word(ctx, start), 0, start)
        found.append(Expr(start, m.end(), iso, confidence, kind))
    found += _relative(ctx, w)
    return sorted(found, key=lambda e: (e.start, e.end))


def _recurs(ctx, w: Words, end: int) -> bool:
    """A date with no year followed by "each year", "every year", "annually"."""
    doc = ctx.doc
    span = doc.char_span(end - 1, end, alignment_mode="expand")
    return span is not None and bool(w.recurring.at(doc, span.end, doc[span.end - 1].sent.end))


def _relative(ctx, w: Words) -> list[Expr]:
    """"last year", "this year" from the article's date; "the previous year" from the last year
    its sentence names."""
    today, found = _article_date(ctx) or _year_only(ctx), []
    for m in w.relative_re.finditer(ctx.text):
        start, phrase = m.start(), m.group().lower()
        if not ctx.in_prose(start) or re.search(r"\bthe\s+$", ctx.text[max(0, start - 5):start]):
            continue
        if phrase in w.relative and today is not None:
            found.append(Expr(start, m.end(), str(today.year + w.relative[phrase]), 0.6, "relative"))
        elif phrase not in w.relative:
            sentence = ctx.sentence_at(start)
            years = re.findall(rf"(?<!\d){YEAR}(?!\d)", ctx.text[sentence.start:start])
            if years:
                found.append(Expr(start, m.end(), str(int(years[-1]) - 1), 0.55, "relative"))
    return found


def _year_only(ctx) -> date | None:
    iso = ctx.article.date or ""
    return date(int(iso[:4]), 1, 1) if re.match(r"\d{4}", iso) else None


# ------------------------------------------------------------------------------ what it dates

def _tokens(ctx, start: int, end: int):
    return ctx.doc.char_span(start, end, alignment_mode="expand")


def _nominal(ctx, w: Words, e: Expr, mentions):
    """"the March 2024 enactment of the X"."""
    doc = ctx.doc
    span = _tokens(ctx, e.start, e.end)
    k = span.end + (1 if span.end < len(doc) and doc[span.end].text in ("'s", "’s") else 0)
    for event in w.events:
        n = event.words.at(doc, k)
        if not n or k + n >= len(doc) or doc[k + n].lower_ != "of":
            continue
        j = k + n + 1 + (1 if k + n + 1 < len(doc) and doc[k + n + 1].lower_ == "the" else 0)
        for m in mentions:
            if m.ref.kind in event.kinds and abs(m.start - doc[j].idx) <= 4 and m.start >= doc[k].idx:
                return m, event, 0.8
    return None


def _verbal(ctx, w: Words, e: Expr, mentions, others):
    """"X, adopted in 2008", "passed X in 2018", "X, which the US published on 29 September"."""
    doc = ctx.doc
    span = _tokens(ctx, e.start, e.end)
    floor = doc[span.start].sent.start
    for j in range(span.start - 1, max(floor, span.start - 18) - 1, -1):
        for event in w.events:
            n = event.words.at(doc, j, span.start)
            if not n or any(doc[j].idx <= o.start < e.start for o in others):
                continue
            between = [m for m in mentions if m.ref.kind in event.kinds
                       and doc[j + n - 1].idx < m.start and m.end <= e.start]
            if between and len(ctx.text[doc[j + n - 1].idx + len(doc[j + n - 1]):
                                        between[0].start].split()) <= 2:
                return between[0], event, 0.75
            if span.start - (j + n) > 8:
                continue
            return _subject(ctx, event, mentions, floor, j, others)
    return None


def _subject(ctx, event: Event, mentions, floor: int, j: int, others):
    """The entity the event words follow: "X, adopted in", "X, which the US published on"."""
    doc = ctx.doc
    # a mention may open before the sentencizer's start: "Republic Act No. | 11930, passed in"
    before = [m for m in mentions if m.ref.kind in event.kinds
              and doc[floor].idx < m.end <= doc[j].idx]
    if not before:
        return None
    m = before[-1]
    gap = ctx.text[m.end:doc[j].idx]
    if len(gap.split()) > 10 or re.search(r"\b(?:and|but|or)\b|;", gap) or \
            any(m.end <= o.start < doc[j].idx for o in others):
        return None
    return m, event, 0.7


def _adjacent(ctx, e: Expr, mentions):
    """"national security laws in 2020": a law or instrument just before its date."""
    for m in mentions:
        gap = ctx.text[m.end:e.start]
        if m.end <= e.start and re.fullmatch(r"\s*(?:,\s*)?(?:in|on|from|of)?\s*", gap) \
                and m.ref.kind in GROUPS["law"] + GROUPS["instrument"]:
            return m, None, 0.5
    return None


def _refers_to(ctx, w: Words, e: Expr, prev: Expr | None, prev_target, mentions, others):
    """What the date dates: (mention, event, confidence), or the article for its date line."""
    if _in_dateline(ctx, e.start):
        return "article", None, 0.9
    if prev is not None and prev_target is not None and \
            COORDINATED.match(ctx.text[prev.end:e.start]):
        return prev_target[0], None, prev_target[2]
    return _nominal(ctx, w, e, mentions) or _verbal(ctx, w, e, mentions, others) or \
        _adjacent(ctx, e, mentions)


def _has_date(ctx, ref, prop, field: str, added: set) -> bool:
    if (ref.iri, prop) in added or (ref.record is not None and ref.record.get(field)):
        return True
    return any(p == prop for s, p, _ in ctx.statements(ref.iri))


def _dated_property(ctx, e: Expr, mention, event: Event | None, added: set):
    """The entity's own date property this date gives, when it has none yet."""
    if event is None:
        return
    for name in event.properties.values():
        prop, kinds, precision, field = PROPERTIES.get(str(name), (None, (), 0, ""))
        if prop is None or mention.ref.kind not in kinds or len(e.iso) < precision:
            continue
        if not _has_date(ctx, mention.ref, prop, field, added):
            added.add((mention.ref.iri, prop))
            ctx.annotate(mention.ref.iri, e.start, e.end, 0.7, prop=prop)
            yield mention.ref.iri, prop, date_literal(e.iso)


# ------------------------------------------------------------------------------ the mapper

@mapper("dates", after=("actors", "laws", "reports", "instruments"))
def map_dates(ctx):
    """Find the dates the prose states, their values and what they date."""
    w = _words(ctx)
    exprs = _expressions(ctx, w)
    mentions = ctx.mentions_of()
    found, added, prev, prev_target = [], set(), None, None
    for e in exprs:
        node = ctx.local("date")
        ctx.fact(node, TG.TemporalExpression, e.start, e.end, e.confidence, prop=TG.dateValue)
        yield node, TG.dateValue, date_literal(e.iso)
        target = _refers_to(ctx, w, e, prev, prev_target, mentions,
                            [o for o in exprs if o is not e])
        iri = None
        if target is not None and target[1] is not None and not target[1].refers:
            target = None  # "Thailand ratified the protocol in 2018": not the protocol's date
        if target is not None:
            iri = ctx.iri if target[0] == "article" else target[0].ref.iri
            yield node, TG.refersTo, iri
            ctx.annotate(node, e.start, e.end, target[2], prop=TG.refersTo)
            if target[0] != "article":
                yield from _dated_property(ctx, e, target[0], target[1], added)
        found.append({"node": node, "iso": e.iso, "start": e.start, "end": e.end,
                      "refers_to": iri})
        prev, prev_target = e, target
    ctx.found["dates"] = found
