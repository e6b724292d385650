"""Sources: the works an article cites in its trailing list of sources or references.

Each entry is read by :func:`tipgraph.citations.parse_citation` (APA, MLA, Chicago, Harvard,
comma-separated and Markdown-link styles) into title, URL, dates, authors, publisher and
container. The source node is ``tgid:source/{sha1(key)[:16]}`` where the key is the URL without
scheme, "www." and text fragment (else the title in lower case), so the same work cited by two
articles is one node. Authors and publishers become actors: a known entity when the gazetteer
lists the name, else a person for a personal name (authors only), else an organisation of the
kind its head word gives. A title or container that names a report edition links the source to
it: ``schema:exampleOfWork`` when the source is the edition itself, ``schema:isPartOf`` when it
is a chapter of it ("2023 Global Slavery Index: Thailand") or an edition of a series,
``schema:about`` when the title only mentions it.
"""

from __future__ import annotations

import hashlib
import re

from rdflib import Literal
from rdflib.namespace import XSD

from ..citations import CitationWords, Field, display_name, parse_citation, url_key
from ..dates import date_literal
from ..gazetteer import ACTOR_KINDS
from ..namespace import SCHEMA, TG, TGID
from . import mapper
from .reports import edition

ORG_KINDS = tuple(k for k in ACTOR_KINDS if k not in ("AffectedGroup", "ActorGroup"))
_YEAR_NAME = re.compile(r"(?:(?P<before>(?:19|20)\d\d)(?:'s|’s)?\s+)?(?P<name>.+?)"
                        r"(?:,?\s+(?P<after>(?:19|20)\d\d))?")


def source_iri(citation):
    """``tgid:source/{sha1(key)[:16]}``: key = normalised URL, else title, else the entry."""
    if citation.url is not None:
        key = url_key(citation.url.text)
    else:
        text = citation.title.text if citation.title is not None else citation.text
        key = re.sub(r"\s+", " ", re.sub(r"[\"“”‘’'.,;:]", "", text)).strip().casefold()
    return TGID[f"source/{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"]


# ------------------------------------------------------------------------------ actors

def _known(ctx, name: str):
    record = ctx.gazetteer.find(name, *ORG_KINDS)
    if record is None:
        record = _generic_known(ctx, name)
    return ctx.entity("", "", record=record) if record is not None else None


def _generic_known(ctx, name: str):
    """A short name ("Labour Department") that names a known body of a state the article
    names; the article's main state first."""
    wanted = name.strip().lower()
    named = {ref.key for ref in ctx.entities.values() if ref.kind == "State"}
    main = ctx.main_state()
    fits = []
    for record in ctx.gazetteer.by_kind(*ORG_KINDS):
        aliases = {str(a).lower() for a in record.get("generic_aliases") or []}
        state = record.get("part_of") or record.get("jurisdiction")
        if wanted in aliases and state in named:
            fits.append((state != (main.id if main is not None else None), record.id, record))
    return min(fits, key=lambda f: f[:2])[2] if fits else None


def _personal(ctx, name: str) -> bool:
    """Two to four capitalised words, none of them an organisation's head word."""
    heads = ctx.lexicon.get("heads", {})
    org_words = {w for ws in heads.get("organisation", {}).values() for w in ws}
    org_words |= set(heads.get("international_markers", []))
    tokens = name.split()
    return 2 <= len(tokens) <= 4 and not org_words & set(tokens) and all(
        re.fullmatch(r"[A-Z][\w'’\-.]*", t) for t in tokens)


def _organisation(ctx, name: str, default: str):
    kind = ctx.classify_name(name, default)
    return ctx.entity(kind if kind in ORG_KINDS else default, name)


def author_actor(ctx, name: str):
    """A known entity, else a person for a personal name, else an organisation."""
    name = display_name(name)
    known = _known(ctx, name)
    if known is not None:
        return known
    kind = ctx.classify_name(name, "")
    if kind in ORG_KINDS:
        return ctx.entity(kind, name)
    if _personal(ctx, name):
        return ctx.entity("Person", name)
    return ctx.entity("CivilSocietyOrganisation", name)


def publisher_actor(ctx, name: str):
    """A known entity, else an organisation, a media organisation unless its name says more."""
    return _known(ctx, name) or _organisation(ctx, name, "MediaOrganisation")


# ------------------------------------------------------------------------------ reports

def report_named(ctx, name: str):
    """The report edition (or series) a name is: "2023 Global Slavery Index",
    "Global Report on Trafficking in Persons 2024", "The Global Slavery Index 2023"."""
    name = re.sub(r"^the\s+", "", name.strip(), flags=re.I)
    record = ctx.gazetteer.find(name, "Report", "ReportSeries")
    if record is not None and record.kind == "Report":
        return ctx.entity("", "", record=record)
    m = _YEAR_NAME.fullmatch(name)
    series = ctx.gazetteer.find(m.group("name"), "ReportSeries") if m else None
    if series is None:
        return None
    series_ref = ctx.entity("", "", record=series)
    year = m.group("before") or m.group("after")
    return edition(ctx, series_ref, year) if year else series_ref


def _report_link(ctx, citation):
    """(property, report, span) linking the source to the report its title or container
    names, or None."""
    if citation.container is not None:
        ref = report_named(ctx, citation.container.text)
        if ref is not None:
            return SCHEMA.isPartOf, ref, citation.container
    title = citation.title
    if title is None:
        return None
    ref = report_named(ctx, title.text)
    if ref is not None:
        prop = SCHEMA.exampleOfWork if ref.kind == "Report" else SCHEMA.isPartOf
        return prop, ref, title
    head = title.text.split(": ")[0]
    ref = report_named(ctx, head) if head != title.text else None
    if ref is not None:
        return SCHEMA.isPartOf, ref, Field(title.start, title.start + len(head), head)
    return None


def _mentioned_report(ctx, start: int, end: int):
    """A report edition the recogniser found inside a title: (edition, start, end)."""
    for cand in ctx.candidates_of("Report", "ReportSeries"):
        s, e = ctx.char_span(cand.start, cand.end)
        if start <= s and e <= end:
            before = re.search(r"((?:19|20)\d\d)(?:'s|’s)?\s*$", ctx.text[start:s])
            name = (before.group(1) + " " if before else "") + ctx.text[s:e]
            ref = report_named(ctx, name)
            if ref is not None and ref.kind == "Report":
                return ref, s - (len(before.group(0)) if before else 0), e
    return None


# ------------------------------------------------------------------------------ writing

def _confidence(citation) -> float:
    if citation.title is not None and (citation.url is not None or citation.authors):
        return 0.9
    return 0.7 if citation.title is not None or citation.url is not None else 0.5


def _value(ctx, node, prop, value, at: int, part, confidence: float) -> None:
    ctx.add(node, prop, value)
    ctx.annotate(node, at + part.start, at + part.end, confidence, prop=prop)


def _how(ref) -> str:
    """Known entities are mentioned as "gazetteer" (their spelling here becomes an alias)."""
    return "gazetteer" if ref.record is not None else "citation"


def _actors(ctx, node, citation, at: int, confidence: float) -> None:
    for author in citation.authors:
        ref = author_actor(ctx, author.text)
        ctx.add(node, SCHEMA.author, ref.iri)
        ctx.mention(ref, at + author.start, at + author.end, confidence, _how(ref))
        ctx.annotate(node, at + author.start, at + author.end, confidence, prop=SCHEMA.author)
    if citation.publisher is not None:
        part = citation.publisher
        ref = publisher_actor(ctx, part.text)
        ctx.add(node, SCHEMA.publisher, ref.iri)
        ctx.mention(ref, at + part.start, at + part.end, confidence, _how(ref))
        ctx.annotate(node, at + part.start, at + part.end, confidence, prop=SCHEMA.publisher)


def _reports(ctx, node, citation, at: int, confidence: float) -> None:
    link = _report_link(ctx, citation)
    if link is not None:
        prop, ref, part = link
        ctx.add(node, prop, ref.iri)
        ctx.mention(ref, at + part.start, at + part.end, confidence, "citation")
        ctx.annotate(node, at + part.start, at + part.end, confidence, prop=prop)
        return
    if citation.title is not None:
        found = _mentioned_report(ctx, at + citation.title.start, at + citation.title.end)
        if found is not None:
            ref, start, end = found
            ctx.add(node, SCHEMA.about, ref.iri)
            ctx.mention(ref, start, end, confidence * 0.9, "citation")
            ctx.annotate(node, start, end, confidence * 0.9, prop=SCHEMA.about)


def _write(ctx, entry, citation) -> None:
    """The source node, its fields with their evidence, and the actors and reports it names."""
    node, at, confidence = source_iri(citation), entry.start, _confidence(citation)
    ctx.fact(node, TG.Source, entry.start, entry.end, confidence)
    ctx.add(node, TG.citationText, Literal(entry.text))
    ctx.add(ctx.iri, SCHEMA.citation, node)
    if citation.title is not None:
        _value(ctx, node, SCHEMA.headline, Literal(citation.title.text), at, citation.title,
               confidence)
    if citation.url is not None:
        _value(ctx, node, SCHEMA.url, Literal(citation.url.text, datatype=XSD.anyURI), at,
               citation.url, confidence)
    if citation.date is not None:
        iso, part = citation.date
        _value(ctx, node, SCHEMA.datePublished, date_literal(iso), at, part, confidence)
    if citation.accessed is not None and len(citation.accessed[0]) == 10:
        iso, part = citation.accessed
        _value(ctx, node, TG.accessedOn, date_literal(iso), at, part, confidence)
    _actors(ctx, node, citation, at, confidence)
    _reports(ctx, node, citation, at, confidence)


@mapper("sources", after=("actors", "reports"))
def map_sources(ctx):
    """Describe the works the article's list of sources cites."""
    words = CitationWords(ctx.lexicon)
    is_report = lambda name: report_named(ctx, name) is not None  # noqa: E731
    for entry in ctx.article.sources:
        _write(ctx, entry, parse_citation(entry.text, words, is_report))
    return ()
