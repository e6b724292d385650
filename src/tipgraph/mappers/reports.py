"""Reports: a series (the Global Slavery Index) and its editions (the 2024 report).

A year written next to a series name ("the 2023 Global Slavery Index", "Global
Slavery Index 2023") makes an edition, part of the series, with the series' publisher. A series
named without a year, and "the report", point to the edition the article speaks of when it names
exactly one edition of that series.
"""

from __future__ import annotations

import re

from rdflib import Literal
from rdflib.namespace import XSD

from ..gazetteer import slugify
from ..namespace import SCHEMA, TG
from . import mapper

_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")


def _year_near(ctx, start: int, end: int) -> tuple[str | None, int, int]:
    """A year just before ("2024 ...", "2024's ...") or just after ("... 2023") a name."""
    doc = ctx.doc
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None, start, end
    inner_last = doc[span.end - 1]
    if _YEAR.match(inner_last.text):
        return inner_last.text, start, end
    inner_first = doc[span.start]
    if _YEAR.match(inner_first.text):
        return inner_first.text, start, end
    j = span.start - 1
    if j >= 0 and doc[j].text in ("'s", "’s"):
        j -= 1
    if j >= 0 and _YEAR.match(doc[j].text):
        return doc[j].text, doc[j].idx, end
    k = span.end
    if k < len(doc) and _YEAR.match(doc[k].text) and not (k + 1 < len(doc) and doc[k + 1].text == "-"):
        return doc[k].text, start, doc[k].idx + len(doc[k])
    return None, start, end


def edition_record(gazetteer, series, year: str):
    """The gazetteer entry of the ``year`` edition of a series when it is listed, and the key
    and name the edition has either way. ``series`` is anything with ``key``/``id`` and
    ``name``: an entity reference or a gazetteer entry."""
    key = getattr(series, "key", None) or series.id
    known = next((e for e in gazetteer.by_kind("Report")
                  if e.get("series") == key and str(e.get("year")) == year), None)
    if known is not None:
        return known, known.id, known.name
    name = re.sub(r"^(?:the\s+)?", "", series.name)
    return None, slugify(f"{year} {key}"), f"{year} {name}"


def edition(ctx, series_ref, year: str):
    """The node of one edition of a series (from the gazetteer when listed there)."""
    known, key, name = edition_record(ctx.gazetteer, series_ref, year)
    if known is not None:
        ref = ctx.entity("", "", record=known)
    else:
        ref = ctx.entity("Report", name, key=key)
    if ref.iri not in ctx.found.setdefault("editions", {}):
        ctx.found["editions"][ref.iri] = (series_ref, year)
        ctx.add(ref.iri, TG.series, series_ref.iri)
        ctx.add(ref.iri, TG.year, Literal(year, datatype=XSD.gYear))
        publisher = series_ref.record.get("publisher") if series_ref.record is not None else None
        record = ctx.gazetteer.get(publisher)
        if record is not None:
            ctx.add(ref.iri, SCHEMA.publisher, ctx.entity("", "", record=record).iri)
    return ref


@mapper("reports", after=("actors",))
def map_reports(ctx):
    """Find report series and editions, and what "the report" refers to."""
    series_mentions = []
    for cand in ctx.candidates_of("ReportSeries", "Report"):
        start, end = ctx.char_span(cand.start, cand.end)
        if not ctx.in_prose(start):
            continue
        if cand.key:
            record = ctx.gazetteer[cand.key]
            if record.kind == "Report":
                series_record = ctx.gazetteer.get(record.get("series"))
                if series_record is not None and record.get("year"):
                    series = ctx.entity("", "", record=series_record)
                    ref = edition(ctx, series, str(record.get("year")))
                else:
                    ref = ctx.entity("", "", record=record)
                ctx.mention(ref, start, end, 0.95, "gazetteer")
                continue
            series = ctx.entity("", "", record=record)
            how, confidence = "gazetteer", 0.95
        else:
            name = ctx.text[start:end]
            name = re.sub(r"(?:,?\s+(?:of\s+)?(1[89]\d\d|20\d\d))$", "", name)
            name = re.sub(r"^(1[89]\d\d|20\d\d)\s+", "", name)
            series = ctx.entity("ReportSeries", name)
            how, confidence = "pattern", 0.7
        year, s2, e2 = _year_near(ctx, start, end)
        if year:
            ref = edition(ctx, series, year)
            ctx.mention(ref, s2, e2, confidence, how)
        else:
            series_mentions.append((series, start, end, confidence, how))
    editions = ctx.found.get("editions", {})
    for series, start, end, confidence, how in series_mentions:
        same = [iri for iri, (s, _) in editions.items() if s.iri == series.iri]
        if len(same) == 1:
            ctx.mention(ctx.entities[same[0]], start, end, confidence - 0.15, "reference")
        else:
            ctx.mention(series, start, end, confidence, how)
    _editions_by_year(ctx)
    ctx.resolve_references(("Report",))
    return ()


_BY_YEAR = re.compile(r"\b(?:the|its|this|that|last year's|the following year's)\s+"
                      r"(?P<year>1[89]\d\d|20\d\d)\s+(?:report|edition|ranking|rankings|assessment|index)\b"
                      r"|\bthe\s+(?:report|edition|ranking)\s+(?:of|for)\s+(?P<year2>1[89]\d\d|20\d\d)\b",
                      re.I)


def _editions_by_year(ctx) -> None:
    """"the 2021 report", "the 2022 edition": another edition of the series in question."""
    occupied = {i for m in ctx.mentions for i in range(m.start, m.end)}
    for match in _BY_YEAR.finditer(ctx.text):
        start, end = match.span()
        if not ctx.in_prose(start) or start in occupied:
            continue
        year = match.group("year") or match.group("year2")
        series = _series_before(ctx, start)
        if series is None:
            continue
        ctx.mention(edition(ctx, series, year), start, end, 0.75, "reference")


def _series_before(ctx, at: int):
    """The series of the nearest report mentioned before ``at`` (else after it)."""
    editions = ctx.found.get("editions", {})
    mentions = ctx.mentions_of("Report", "ReportSeries")

    def series_of(m):
        if m.ref.kind == "ReportSeries":
            return m.ref
        return editions.get(m.ref.iri, (None,))[0]

    before = [series_of(m) for m in mentions if m.end <= at and series_of(m) is not None]
    if before:
        return before[-1]
    after = [series_of(m) for m in mentions if m.start >= at and series_of(m) is not None]
    return after[0] if after else None
