"""Laws: statutes and ordinances, constitutions and their articles, proposed bills.

A law's jurisdiction comes from the gazetteer, from a state named with it ("Thailand's
Anti-Trafficking Act", "the Malaysia Anti-Trafficking Act"), or - with low confidence - from
the state the article is mostly about. A year in the name ("Act 2015", "Act of 2000") is its
date. "Article 6 of Malaysia's Federal Constitution" becomes a provision that is part of the law, and
"X under Article 23" records what X was enacted under.
"""

from __future__ import annotations

import re

from ..dates import date_literal
from ..gazetteer import LAW_KINDS, slugify
from rdflib import Literal

from ..namespace import SKOS, TG
from ..nlp import token_lowers, token_texts
from . import mapper

CONFIDENCE = {"gazetteer": 0.95, "pattern": 0.75}


def jurisdiction_of(ctx, mention, fallback: bool = True):
    """The state a law or body belongs to, and how sure we are: named inside or just before the
    mention, else the state the article is mostly about."""
    record = mention.ref.record
    if record is not None and record.get("jurisdiction"):
        known = ctx.gazetteer.get(record.get("jurisdiction"))
        if known is not None:
            return ctx.entity("", "", record=known), 0.95
    parent = ctx.found.get("provisions", {}).get(mention.ref.iri)
    if parent is not None:
        return jurisdiction_of(ctx, parent, fallback)
    doc = ctx.doc
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    states = ctx.mentions_of("State")
    subs = ctx.lexicon.get("heads", {}).get("subnational_suffixes", [])
    sub = re.match(r"^(?:the\s+)?([A-Z][\w'-]+ (?:%s))\b" % "|".join(map(re.escape, subs)),
                   mention.ref.name) if subs else None
    if sub is not None:
        # "Edo State Trafficking in Persons (Prohibition) Law": a law of that state
        known = next((m.ref for m in states if m.ref.name == sub.group(1)), None)
        if known is not None:
            return known, 0.85
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
    demonym = _demonym_state(ctx, span)
    if demonym is not None:
        return demonym, 0.8
    nearest = _state_before(ctx, mention, states) if mention.ref.name[:1].isupper() else None
    if nearest is not None:
        return nearest, 0.6
    if fallback:
        salient = _salient_state(ctx)
        if salient is not None:
            return salient, 0.5
    return None, 0.0


def _salient_state(ctx):
    """The state the article names most often, provinces left out when a country is named."""
    states = [m for m in ctx.mentions_of("State") if not _subdivision(ctx, m.ref.record)]
    if not states:
        return ctx.salient("State")
    counts = {}
    for m in states:
        counts.setdefault(m.ref.iri, [0, m.start, m.ref])[0] += 1
    return min(counts.values(), key=lambda v: (-v[0], v[1]))[2]


def _state_before(ctx, mention, states):
    """The state named last before a law in the same paragraph: "The UAE likes to present
    itself as a reformer. Federal Decree-Law No. 33 of 2021 ...". Laws named by description
    ("a draft cybercrime law") are left to the state the article is about."""
    start = ctx.text.rfind("\n", 0, mention.start) + 1
    before = [m for m in states if start <= m.start and m.end <= mention.start
              and not _subdivision(ctx, m.ref.record)]
    return before[-1].ref if before else None


def _subdivision(ctx, record) -> bool:
    """A province or federated state of a country (part of a state, without a country code of
    its own): "in Punjab and Sindh" near a national law does not make it a provincial law."""
    if record is None or record.get("iso3166") or not record.get("part_of"):
        return False
    parent = ctx.gazetteer.get(record.get("part_of"))
    return parent is not None and parent.kind == "State"


def _demonym_state(ctx, span):
    """The state whose demonym opens a law's name: "the Indian Penal Code"."""
    if span is None:
        return None
    words = [t for t in span if t.lower_ != "the"]
    record = ctx.recogniser.demonyms.get(words[0].text) if words else None
    return ctx.entity("", "", record=record) if record is not None else None


_NUMBER = re.compile(r"^(?:\d+[A-Za-z]?|[IVXLC]+)$")


def _provision_at(doc, i: int, heads: set[str]) -> int:
    """End token of "Article 23" / "Article III, Section 18" starting at token ``i``, or 0."""
    end = 0
    while i + 1 < len(doc) and doc[i].lower_ in heads and doc[i].is_title \
            and _NUMBER.match(doc[i + 1].text):
        end = i + 2
        if end + 1 < len(doc) and doc[end].text == "," and doc[end + 1].lower_ in heads:
            i = end + 1
        else:
            break
    return end


def _provisions(ctx) -> None:
    """'Article 23 of (the) (X's) Law', 'Section 54 of the Act': a provision, part of the law."""
    heads = {h.lower() for h in ctx.lexicon.get("heads", {}).get("provision_heads", [])}
    doc = ctx.doc
    laws = ctx.mentions_of("Constitution", "Statute", "Bill")
    covered = 0
    for i, low in enumerate(token_lowers(doc)):
        if i < covered or low not in heads:
            continue  # "Section 18" inside "Article III, Section 18"; no provision here
        token = doc[i]
        end = _provision_at(doc, token.i, heads)
        if not end or not ctx.in_prose(token.idx):
            continue
        covered = end
        j = end
        if j < len(doc) and doc[j].lower_ == "of":
            j += 1
        else:
            continue
        gap_end = doc[min(j + 4, len(doc) - 1)].idx
        parent = next((m for m in laws if doc[j].idx <= m.start <= gap_end), None)
        if parent is None:
            continue
        start, label = token.idx, doc[token.i:end].text
        _provision(ctx, parent, label, start, parent.end)


def _provision(ctx, parent, label: str, start: int, end: int) -> None:
    law = parent.ref
    known = next((e for e in ctx.gazetteer.by_kind("ConstitutionalProvision")
                  if e.get("part_of") == law.key and
                  (label in e.aliases or e.name.startswith(label))), None)
    if known is not None:
        ref = ctx.entity("", "", record=known)
    else:
        name = f"{label} of the {re.sub(r'^the ', '', law.name)}"
        kind = "ConstitutionalProvision" if law.kind == "Constitution" else "Statute"
        ref = ctx.entity(kind, name, key=f"{law.key}-{slugify(label)}")
    ctx.found.setdefault("provisions", {})[ref.iri] = parent
    ctx.mention(ref, start, end, 0.85, "pattern")
    ctx.add(ref.iri, SKOS.altLabel, Literal(label))
    ctx.add(ref.iri, TG.partOf, law.iri)
    ctx.annotate(ref.iri, start, end, 0.85, prop=TG.partOf)
    # "X under Article 23": X was enacted under the provision
    sentence = ctx.sentence_at(start)
    if re.search(r"\bunder\s+$", ctx.text[sentence.start:start]):
        statutes = [m for m in ctx.mentions_of("Statute", "Bill")
                    if sentence.start <= m.start and m.end <= start]
        if statutes:
            statute = statutes[-1]
            ctx.add(statute.ref.iri, TG.enactedUnder, ref.iri)
            ctx.annotate(statute.ref.iri, statute.start, end, 0.75, prop=TG.enactedUnder)


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
        rf"\b(?P<bill>(?:(?:a|the|an)\s+)?(?:(?:proposed|draft|new|pending)\s+)?(?:{topic_re}\s+)?bill"
        rf"\s+(?:to amend|amending|that would amend)\s+(?:the\s+)?[^,.;:]{{3,60}}?(?=[,.;:)]| and | but | that | which | in | to | would | was | is | has ))"
        rf"|\b(?P<draft>(?:proposed|draft|pending)\s+(?:{topic_re})\s+(?:bills?|laws?|legislation))"
        rf"|\b(?P<bill2>(?:proposed|draft|new|pending) (?:bills?|legislation|laws?|amendments?)"
        rf"(?: (?:addressing|on|to (?:tackle|combat|address)|against|concerning|targeting)"
        rf" [a-z\- ]{{3,40}}?(?=[,.;:)]| and | but | that | which | to | in | suggests)))"
        rf"|\b(?P<law>(?:{topic_re}) (?:laws?|legislation|ordinances?|acts?))\b", re.I)
    occupied = set()
    for m in ctx.mentions:
        occupied.update(range(m.start, m.end))
    for match in pattern.finditer(ctx.text):
        start, end = match.span()
        head = re.search(r"\b(?:bills?|laws?|legislation|ordinances?|acts?|amendments?)\b",
                         match.group(), re.I)
        if not ctx.in_prose(start) or start in occupied or \
                (head is not None and start + head.start() in occupied):
            continue  # "the new Law on Prevention ...": the head word belongs to a name
        before = ctx.text[max(0, start - 30):start].lower()
        if any(re.search(rf"\b{re.escape(n)}\s+(?:a\s+|any\s+|the\s+)?[a-z\- ]*$", before)
               for n in negations):
            continue
        phrase = match.group().strip()
        kind = "Statute" if match.group("law") else "Bill"
        phrase = re.sub(r"^(?:a|an|the)\s+", "", phrase, flags=re.I)
        name = phrase[0].lower() + phrase[1:]
        state = ctx.salient("State")
        key = slugify(f"{state.key} {name}" if state is not None else name)
        ref = ctx.entity(kind, name, key=key)
        found.append(ctx.mention(ref, start, end, 0.6, "pattern"))
        occupied.update(range(start, end))
    return found


_YEAR_IN_NAME = re.compile(r"(?:\b(?:of|Act|Law|Ordinance|Code|Decree|Bill)\s+|,\s*|^)"
                           r"(1[89]\d\d|20\d\d)\b(?!\s*(?:Trafficking|Report))|\b(1[89]\d\d|20\d\d)/\d+"
                           r"|\b\d+/(1[89]\d\d|20\d\d)\b")
# "Act B.E. 2551 (2008)", "Constitution ..., 1999", "Act (2015)" just after the name.
_YEAR_AFTER = re.compile(r"^\s*(?:B\.\s?E\.\s*)?(?:\d{4}\s*)?\((1[89]\d\d|20\d\d)\)|^,\s*(1[89]\d\d|20\d\d)\b")


def _year_of(ctx, law):
    """The year a law's name gives it, and the span that says so."""
    if law.ref.iri in ctx.found.get("provisions", {}):
        return None, (0, 0)
    match = _YEAR_IN_NAME.search(ctx.text[law.start:law.end])
    if match:
        return match.group(1) or match.group(2) or match.group(3), (law.start, law.end)
    after = _YEAR_AFTER.match(ctx.text[law.end:law.end + 24])
    if after:
        year = after.group(1) or after.group(2)
        return year, (law.start, law.end + after.end())
    return None, (0, 0)


def _the_constitution(ctx) -> list:
    """"the Constitution" with nothing named before it: the constitution of the state the
    article is about (the gazetteer's entry when it has one)."""
    named = {m.start for m in ctx.mentions}
    state = ctx.salient("State")
    while state is not None and state.record is not None and not state.record.get("iso3166") \
            and ctx.gazetteer.get(state.record.get("part_of")) is not None:
        state = ctx.entity("", "", record=ctx.gazetteer.get(state.record.get("part_of")))
    found = []
    for i, text in enumerate(token_texts(ctx.doc)):
        if text != "Constitution":
            continue
        token = ctx.doc[i]
        if token.idx in named or not ctx.in_prose(token.idx) \
                or token.i == 0 or ctx.doc[token.i - 1].lower_ != "the" or state is None:
            continue
        nxt = ctx.doc[token.i + 1] if token.i + 1 < len(ctx.doc) else None
        if nxt is not None and nxt.lower_ == "of":
            continue  # "the Constitution of X" is a name, matched elsewhere
        record = next((e for e in ctx.gazetteer.by_kind("Constitution")
                       if e.get("jurisdiction") == state.key), None)
        ref = ctx.entity("", "", record=record) if record is not None else ctx.entity(
            "Constitution", f"Constitution of {state.name}", key=f"{state.key}-constitution")
        found.append(ctx.mention(ref, token.idx, token.idx + len(token), 0.6, "reference"))
    return found


def _jurisdiction_marker(ctx, law):
    """An EU act's number says whose it is: "Directive 2011/36/EU", "Regulation (EU) 2024/1"."""
    for marker, key in (ctx.lexicon.get("laws", {}).get("jurisdiction_markers") or {}).items():
        written = ctx.text[law.start:law.end + len(marker)]  # "2009/52" + "/EC"
        if marker in written and ctx.gazetteer.get(key) is not None:
            return ctx.entity("", "", record=ctx.gazetteer[key])
    return None


@mapper("laws", after=("actors",))
def map_laws(ctx):
    """Find the laws, constitutional provisions and bills the article names."""
    laws = ctx.mention_candidates(LAW_KINDS, CONFIDENCE)
    laws = laws + _generic(ctx)
    # "the 2003 law" when no law of 2003 was named: a law of its own
    laws += [m for m in ctx.resolve_references(LAW_KINDS) if m.how == "pattern"]
    laws += _the_constitution(ctx)
    _provisions(ctx)
    provisions = ctx.found.get("provisions", {})
    laws += [m for m in ctx.mentions_of(*LAW_KINDS) if m.ref.iri in provisions]
    done = set()
    for law in laws:
        if law.ref.iri in done:
            continue
        done.add(law.ref.iri)
        marked = _jurisdiction_marker(ctx, law)
        state, confidence = (marked, 0.9) if marked is not None else jurisdiction_of(ctx, law)
        if state is not None:
            yield law.ref.iri, TG.jurisdiction, state.iri
            ctx.annotate(law.ref.iri, law.start, law.end, confidence, prop=TG.jurisdiction)
        record = law.ref.record
        if record is not None and record.get("date_enacted"):
            continue
        year, (y_start, y_end) = _year_of(ctx, law)
        if year:
            yield law.ref.iri, TG.dateEnacted, date_literal(year)
            ctx.annotate(law.ref.iri, y_start, y_end, 0.8, prop=TG.dateEnacted)
