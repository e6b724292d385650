"""The article itself: headline, standfirst, byline, publisher, date, URL and full text."""

from __future__ import annotations

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
    if art.author is not None and COLLECTIVE_BYLINE.match(art.author.text):
        pass  # "Tipgraph Wire staff": written by the organisation, named below
    elif art.author is not None:
        author = ctx.entity("Person", art.author.text)
        ctx.mention(author, art.author.start, art.author.end, 0.9, "byline")
    elif meta.get("author"):
        author = ctx.entity("Person", meta["author"])
    if author is not None:
        yield node, SCHEMA.author, author.iri
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
