"""Laws: statutes and ordinances, constitutions and their articles, proposed bills.

A law's jurisdiction comes from the gazetteer, from a state named with it ("Thailand's
Anti-Trafficking Act", "the Hong Kong National Security Law"), or - with low confidence - from
the state the article is mostly about. A year in the name ("Act 2015", "Act of 2000") is its
date. "Article 23 of Hong Kong's Basic Law" becomes a provision that is part of the law, and
"X under Article 23" records what X was enacted under.
"""

from __future__ import annotations

import re

from ..dates import YEAR_RE, date_literal
from ..gazetteer import LAW_KINDS, slugify
from ..namespace import TG
from . import mapper

CONFIDENCE = {"gazetteer": 0.95, "pattern": 0.75}


def jurisdiction_of(ctx, mention, fallback: bool = True):
    """The state a law or body belongs to, and how sure we are: named inside or just before the
    mention, else the state the article is mostly about."""
    record = mention.ref.record
    if record is not None and record.get("jurisdiction"):
        return None, 0.0  # the gazetteer says; ctx.finish() links it when that state is named
    doc = ctx.doc
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    states = ctx.mentions_of("State")
    for state in states:
        if mention.start <= state.start and state.end <= mention.end:
            return state.ref, 0.85
    if span is not None and span.start >= 2:
        before = doc[max(0, span.start - 4):span.start]
        for state in states:
            if before.start_char <= state.start and state.end <= span.start_char:
                gap = ctx.text[state.end:span.start_char].strip().lower()
                if gap in ("'s", "’s", "", "the", "'s new", "'s own"):
                    return state.ref, 0.85
    inside = ctx.recogniser.gaz(span) if span is not None else []
    for match_id, s, e in inside:
        key = ctx.recogniser.vocab.strings[match_id][4:]
        record = ctx.gazetteer.get(key)
        if record is not None and record.kind == "State":
            return ctx.entity("", "", record=record), 0.8
    if fallback:
        salient = ctx.salient("State")
        if salient is not None:
            return salient, 0.5
    return None, 0.0


def _provisions(ctx, laws) -> None:
    """'Article 23 of (the) (X's) Law' -> a provision that is part of the law."""
    heads = {h.lower() for h in ctx.lexicon.get("heads", {}).get("provision_heads", [])}
    doc = ctx.doc
    for law in laws:
        span = doc.char_span(law.start, law.end, alignment_mode="expand")
        if span is None:
            continue
        j = span.start - 1
        # skip "the", "X's"
        while j >= 0 and (doc[j].lower_ == "the" or doc[j].text in ("'s", "’s")
                          or any(m.start <= doc[j].idx < m.end for m in ctx.mentions_of("State"))):
            j -= 1
        if j < 2 or doc[j].lower_ != "of" or not (doc[j - 1].like_num or
                                                   re.fullmatch(r"\d+[A-Za-z]?", doc[j - 1].text)):
            continue
        if doc[j - 2].lower_ not in heads:
            continue
        start = doc[j - 2].idx
        label = f"{doc[j - 2].text} {doc[j - 1].text}"
        parent = law.ref
        known = next((e for e in ctx.gazetteer.by_kind("ConstitutionalProvision")
                      if e.get("part_of") == parent.key and
                      (label in e.aliases or e.name.startswith(label))), None)
        if known is not None:
            ref = ctx.entity("", "", record=known)
        else:
            ref = ctx.entity("ConstitutionalProvision", f"{label} of the {parent.name}",
                             key=f"{parent.key}-{slugify(label)}")
        ctx.mention(ref, start, law.end, 0.85, "pattern")
        ctx.add(ref.iri, TG.partOf, parent.iri)
        ctx.annotate(ref.iri, start, law.end, 0.85, prop=TG.partOf)
        # "X under Article 23": X was enacted under the provision
        sentence = ctx.sentence_at(start)
        before = ctx.text[sentence.start:start]
        if re.search(r"\bunder\s+$", before):
            candidates = [m for m in ctx.mentions_of("Statute", "Bill")
                          if sentence.start <= m.start and m.end <= start]
            if candidates:
                statute = candidates[-1]
                ctx.add(statute.ref.iri, TG.enactedUnder, ref.iri)
                ctx.annotate(statute.ref.iri, statute.start, law.end, 0.75, prop=TG.enactedUnder)


def _generic(ctx) -> list:
    """Laws named by description: "proposed bills addressing modern slavery", "national
    security laws". Topic words come from the lexicon."""
    lex = ctx.lexicon.get("laws", {})
    topics = sorted(lex.get("topics", []), key=len, reverse=True)
    negations = lex.get("negations", [])
    found = []
    if not topics:
        return found
    topic_re = "|".join(re.escape(t) for t in topics)
    pattern = re.compile(
        rf"\b(?P<bill>(?:proposed|draft|new|pending) (?:bills?|legislation|laws?|amendments?)"
        rf"(?: (?:addressing|on|to (?:tackle|combat|address)|against|concerning|targeting)"
        rf" [a-z\- ]{{3,40}}?(?=[,.;:)]| and | but | that | which | to | in | suggests)))"
        rf"|\b(?P<law>(?:{topic_re}) (?:laws?|legislation|ordinances?|acts?))\b", re.I)
    occupied = set()
    for m in ctx.mentions:
        occupied.update(range(m.start, m.end))
    for match in pattern.finditer(ctx.text):
        start, end = match.span()
        if not ctx.in_prose(start) or start in occupied:
            continue
        before = ctx.text[max(0, start - 30):start].lower()
        if any(re.search(rf"\b{re.escape(n)}\s+(?:a\s+|any\s+|the\s+)?[a-z\- ]*$", before)
               for n in negations):
            continue
        phrase = match.group().strip()
        kind = "Bill" if match.group("bill") else "Statute"
        name = phrase[0].lower() + phrase[1:]
        state = ctx.salient("State")
        key = slugify(f"{state.key} {name}" if state is not None else name)
        ref = ctx.entity(kind, name, key=key)
        found.append(ctx.mention(ref, start, end, 0.6, "pattern"))
        occupied.update(range(start, end))
    return found


@mapper("laws", after=("actors",))
def map_laws(ctx):
    """Find the laws, constitutional provisions and bills the article names."""
    laws = ctx.mention_candidates(LAW_KINDS, CONFIDENCE)
    _provisions(ctx, [m for m in laws if m.ref.kind in ("Constitution", "Statute")])
    laws = laws + _generic(ctx)
    done = set()
    for law in laws:
        if law.ref.iri in done or law.ref.kind == "ConstitutionalProvision":
            continue
        done.add(law.ref.iri)
        state, confidence = jurisdiction_of(ctx, law)
        if state is not None:
            yield law.ref.iri, TG.jurisdiction, state.iri
            ctx.annotate(law.ref.iri, law.start, law.end, confidence, prop=TG.jurisdiction)
        year = YEAR_RE.search(law.ref.name)
        record = law.ref.record
        if year and not (record is not None and record.get("date_enacted")) and \
                re.search(rf"(?:\b(?:of|Act|Law|Ordinance|Code|Decree)\s+|,\s*){year.group()}\b",
                          law.ref.name):
            yield law.ref.iri, TG.dateEnacted, date_literal(year.group())
            ctx.annotate(law.ref.iri, law.start, law.end, 0.8, prop=TG.dateEnacted)
    ctx.resolve_references(LAW_KINDS)
