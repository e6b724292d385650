"""The article itself: headline, standfirst, byline, publisher, date, URL and full text."""

from __future__ import annotations

import re

from rdflib import Literal
from rdflib.namespace import RDF, XSD

from ..article import COLLECTIVE_BYLINE
from ..dates import date_literal
from ..gazetteer import ACTOR_KINDS
from ..namespace import SCHEMA, TG
from . import mapper


def _organisation(ctx, name: str):
    """The actor an organisation name denotes: a known entity, else one recognised by its head
    word, else a media organisation (what most publishers are)."""
    record = ctx.gazetteer.find(name, *ACTOR_KINDS)
    if record is not None:
        return ctx.entity("", "", record=record)
    kind = ctx.classify_name(name, default="MediaOrganisation")
    return ctx.entity(kind if kind in ACTOR_KINDS else "MediaOrganisation", name)


_BY = re.compile(r"^\s*by\s+", re.I)
# "A in Bangkok and B in Manila", "A and B": each name, without the place it was written in.
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")


def _byline_names(text: str) -> list[tuple[int, int]]:
    """Character spans of the names in a byline: "By A in X and B in Y" names A and B."""
    lead = _BY.match(text)
    offset = lead.end() if lead else 0
    spans = []
    pos = offset
    for part in _NAME_SPLIT.split(text[offset:]):
        start = text.index(part, pos) if part else pos
        pos = start + len(part)
        name = re.split(r"\s+in\s+(?=[A-Z])", part)[0].strip()
        if name:
            spans.append((start, start + len(name)))
    whole = (offset, len(text.rstrip()))
    if len(spans) < 2 or not all(len(text[s:e].split()) >= 2 for s, e in spans):
        part = text[offset:]
        name = re.split(r"\s+in\s+(?=[A-Z])", part)[0].rstrip()
        return [(offset, offset + len(name))] if name else [whole]
    return spans


def _author(ctx, name: str):
    """The author a byline names: a known organisation, or a name that an organisation's head
    word or shape makes one ("Migrant Rights Network"), else a person."""
    record = ctx.gazetteer.find(name, *ACTOR_KINDS)
    if record is not None:
        return ctx.entity("", "", record=record)
    heads = ctx.lexicon.get("heads", {}).get("organisation", {})
    words = set(name.split())
    kind = next((k for k, ws in heads.items() if words & set(ws)), None)
    if kind is None:
        kind = ctx.classify_name(name, default="Person")
    return ctx.entity(kind if kind in ACTOR_KINDS else "Person", name)


@mapper("article")
def map_article(ctx):
    """Describe the article: text, hash, headline, standfirst, byline, publisher, date, URL."""
    art, node = ctx.article, ctx.iri
    meta = art.meta
    yield node, RDF.type, TG.Article
    yield node, SCHEMA.text, Literal(art.text)
    yield node, TG.contentHash, Literal(art.content_hash)
    yield node, TG.sourceFile, Literal(art.path.name)
    yield node, SCHEMA.inLanguage, Literal(meta.get("language") or "en")
    if meta.get("url"):
        yield node, SCHEMA.url, Literal(meta["url"], datatype=XSD.anyURI)
    if art.title is not None:
        yield node, SCHEMA.headline, Literal(art.title.text)
        ctx.annotate(node, art.title.start, art.title.end, 1.0, prop=SCHEMA.headline)
    elif meta.get("title"):
        yield node, SCHEMA.headline, Literal(meta["title"])
    if art.standfirst is not None:
        yield node, SCHEMA.abstract, Literal(art.standfirst.text)
        ctx.annotate(node, art.standfirst.start, art.standfirst.end, 0.9, prop=SCHEMA.abstract)
    if art.dateline is not None:
        yield node, TG.dateline, Literal(art.dateline.text.rstrip(" —–-"))
        ctx.annotate(node, art.dateline.start, art.dateline.end, 0.9, prop=TG.dateline)
    date = meta.get("date") or art.date
    if date:
        yield node, SCHEMA.datePublished, date_literal(date)
        if art.date_span is not None and not meta.get("date"):
            ctx.annotate(node, art.date_span.start, art.date_span.end, 0.9,
                         prop=SCHEMA.datePublished)

    # Byline: the author, their role and the organisation they write for.
    author = None
    authors = []
    if art.author is not None and COLLECTIVE_BYLINE.match(art.author.text):
        pass  # "Tipgraph Wire staff": written by the organisation, named below
    elif art.author is not None:
        for start, end in _byline_names(art.author.text):
            ref = _author(ctx, art.author.text[start:end])
            ctx.mention(ref, art.author.start + start, art.author.start + end, 0.9, "byline")
            authors.append(ref)
    elif meta.get("author") and not COLLECTIVE_BYLINE.match(str(meta["author"])):
        text = str(meta["author"])
        authors = [_author(ctx, text[s:e]) for s, e in _byline_names(text)]
    for ref in authors:
        yield node, SCHEMA.author, ref.iri
    author = authors[0] if len(authors) == 1 and authors[0].kind == "Person" else None
    if author is not None:
        if art.role is not None:
            yield author.iri, SCHEMA.jobTitle, Literal(art.role.text)
            ctx.annotate(author.iri, art.role.start, art.role.end, 0.85, prop=SCHEMA.jobTitle)
        elif meta.get("role"):
            yield author.iri, SCHEMA.jobTitle, Literal(meta["role"])
    org_name = art.organisation.text if art.organisation is not None else meta.get("organisation")
    if org_name:
        org = _organisation(ctx, org_name)
        if art.organisation is not None:
            ctx.mention(org, art.organisation.start, art.organisation.end, 0.9, "byline")
        if author is not None:
            yield author.iri, SCHEMA.affiliation, org.iri
    if meta.get("publisher"):
        publisher = _organisation(ctx, meta["publisher"])
        yield node, SCHEMA.publisher, publisher.iri
    elif org_name:
        yield node, SCHEMA.publisher, org.iri
