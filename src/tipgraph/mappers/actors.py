"""Actors: states and their governments, government bodies, international organisations, NGOs,
media, people, affected groups, and the unnamed collectives that speak in news ("critics").

Names come from the gazetteer or from the shape of a name (head words, honorifics, roles,
reporting verbs); "the city", "the ministry", "the country's government" are resolved to the
entity they point back to; a person's later surname-only mentions and an acronym given in
brackets are linked to the same node. A person's role and the body they speak for are taken
from an apposition ("Jane Doe, director of X") or a preceding title ("Labour Minister Jane Doe").
"""

from __future__ import annotations

from rdflib import Literal

from ..gazetteer import ACTOR_KINDS, slugify
from ..namespace import SCHEMA, TG
from ..nlp import token_texts
from . import mapper

CONFIDENCE = {"gazetteer": 0.95, "demonym": 0.85, "pattern": 0.7, "byline": 0.9}


def _role_words(ctx) -> list[list[str]]:
    roles = ctx.lexicon.get("roles", {}).get("roles", [])
    return sorted((r.lower().split() for r in roles), key=len, reverse=True)


def _match_role(tokens, i: int, roles) -> int:
    """Length in tokens of the role starting at token ``i``, or 0."""
    for words in roles:
        if [t.lower_ for t in tokens[i:i + len(words)]] == words:
            return len(words)
    return 0


def _people_roles(ctx, people) -> None:
    """Role and organisation of named people, from the words around their names."""
    doc = ctx.doc
    roles = _role_words(ctx)
    orgs = ctx.mentions_of("GovernmentBody", "InternationalOrganisation",
                           "CivilSocietyOrganisation", "MediaOrganisation", "State")
    for m in people:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        role_span = org = None
        # "Name, (the|a) role (of|at|for) (the) Org"
        i = span.end
        if i < len(doc) and doc[i].text == ",":
            j = i + 1
            if j < len(doc) and doc[j].lower_ in ("the", "a", "an"):
                j += 1
            # optional modifiers before the role ("senior", "deputy", "executive")
            k = j
            while k < len(doc) and k - j < 3 and not _match_role(doc, k, roles) and \
                    (doc[k].is_lower or doc[k].is_title) and doc[k].is_alpha:
                k += 1
            n = _match_role(doc, k, roles)
            if n:
                role_span = (doc[j].idx, doc[k + n - 1].idx + len(doc[k + n - 1]))
                after = k + n
                if after < len(doc) and doc[after].lower_ in ("of", "at", "for", "with"):
                    org = next((o for o in orgs if doc[after].idx < o.start <= doc[after].idx + 8),
                               None)
                elif after < len(doc) and doc[after].text == ",":
                    pass
        # "Org role Name" / "role Name"
        if role_span is None and span.start > 0:
            k = span.start - 1
            n = 0
            for back in range(1, 4):
                if k - back + 1 < 0:
                    break
                n = _match_role(doc, k - back + 1, roles)
                if n == back:
                    k = k - back + 1
                    break
                n = 0
            if n:
                role_span = (doc[k].idx, doc[k + n - 1].idx + len(doc[k + n - 1]))
                org = next((o for o in orgs if o.end <= doc[k].idx and doc[k].idx - o.end <= 4),
                           None)
        if role_span is not None:
            role = ctx.text[role_span[0]:role_span[1]]
            ctx.add(m.ref.iri, SCHEMA.jobTitle, Literal(role))
            ctx.annotate(m.ref.iri, role_span[0], role_span[1], 0.75, prop=SCHEMA.jobTitle)
        if org is not None and org.ref.iri != m.ref.iri:
            ctx.add(m.ref.iri, TG.speaksFor, org.ref.iri)
            ctx.annotate(m.ref.iri, min(m.start, org.start), max(m.end, org.end), 0.7,
                         prop=TG.speaksFor)


def _surnames(ctx, people) -> None:
    """Later mentions of a named person by surname alone ("Okonkwo said")."""
    by_surname = {}
    for m in people:
        parts = m.ref.name.split()
        if len(parts) >= 2:
            by_surname.setdefault(parts[-1], m.ref)
    occupied = set()
    for m in ctx.mentions:
        occupied.update(range(m.start, m.end))
    first_seen = {m.ref.iri: m.start for m in people}
    for i, text in enumerate(token_texts(ctx.doc)):
        ref = by_surname.get(text)
        if ref is None:
            continue
        token = ctx.doc[i]
        if token.idx in occupied or not ctx.in_prose(token.idx):
            continue
        if token.idx < first_seen.get(ref.iri, 0):
            continue
        ctx.mention(ref, token.idx, token.idx + len(token), 0.8, "reference")


def _noun_modifier(ctx, cand) -> bool:
    """A singular group word used to modify the noun after it: "domestic worker complaints",
    "migrant worker populations" (but not "a domestic worker who", "a worker said")."""
    doc = ctx.doc
    head = doc[cand.end - 1]
    if cand.end >= len(doc) or head.lower_.endswith("s"):
        return False
    nxt = doc[cand.end]
    verbs = {v.lower() for v in ctx.lexicon.get("speech", {}).get("quote_verbs", [])}
    return nxt.is_alpha and nxt.is_lower and not nxt.is_stop and nxt.lower_ not in verbs \
        and not nxt.lower_.endswith(("ed", "ing"))


@mapper("actors", after=("article",))
def map_actors(ctx):
    """Find the actors the article names or refers to."""
    local_kinds = {"ActorGroup"}
    found = []
    for cand in ctx.candidates_of(*ACTOR_KINDS):
        start, end = ctx.char_span(cand.start, cand.end)
        if not ctx.in_prose(start):
            continue
        if cand.kind in local_kinds and cand.extra.get("state"):
            # "Malaysian officials": a group speaking for the state, which is named too.
            ref = ctx.entity(cand.kind, ctx.text[start:end], local=True)
            state = ctx.entity("", "", record=ctx.gazetteer[cand.extra["state"]])
            s_end = ctx.char_span(cand.start, cand.extra["state_end"])[1]
            found.append(ctx.mention(state, start, s_end, CONFIDENCE.get(cand.how, 0.7),
                                     cand.how))
            ctx.add(ref.iri, TG.speaksFor, state.iri)
        elif cand.kind in local_kinds:
            name = ctx.text[start:end].lower()
            ref = ctx.entity(cand.kind, name, local=True)
        elif cand.extra.get("described"):
            # "an anti-trafficking steering committee": a body of the state the article is about
            name = ctx.text[start:end]
            name = name[0].lower() + name[1:]
            state = ctx.salient("State")
            ref = ctx.entity(cand.kind, name, key=slugify(f"{state.key} {name}" if state else name))
            if state is not None:
                ctx.add(ref.iri, TG.partOf, state.iri)
        elif cand.kind == "AffectedGroup":
            name = ctx.text[start:end].lower()
            groups = ctx.lexicon.get("groups", {})
            modifiers = {m.lower() for m in groups.get("affected_modifiers", [])}
            modifiers |= {d.lower() for d in ctx.recogniser.demonyms}
            if _noun_modifier(ctx, cand):
                continue  # "domestic worker complaints": a modifier, not the group
            heads = {h.lower() for h in groups.get("affected_heads", [])}
            if not name.endswith("s") and name.split()[-1] + "s" in heads:
                # "a former domestic worker": one of the category "domestic workers" (the
                # surface form stays an alternative label)
                name += "s"
            # "victims" alone are this article's victims; "migrant domestic workers" a category
            ref = ctx.entity(cand.kind, name, local=name.split()[0] not in modifiers)
        elif cand.kind == "State" and cand.extra.get("subnational"):
            # "Edo State": a state of the country named near it, or of the article's country
            ref = ctx.entity_for(cand)
            record = ctx.state_of_span(cand.start, cand.end)
            if record is not None:
                ctx.add(ref.iri, TG.partOf, ctx.entity("", "", record=record).iri)
                ctx.annotate(ref.iri, start, end, 0.6, prop=TG.partOf)
        else:
            ref = ctx.entity_for(cand)
            if cand.kind == "GovernmentBody" and not cand.key:
                # "Ministry of Interior": a body of the state named with it, or of the nearest
                # state named before it, or of the state the article is about.
                record = ctx.state_of_span(cand.start, cand.end)
                if record is not None:
                    state = ctx.entity("", "", record=record)
                    ctx.add(ref.iri, TG.partOf, state.iri)
                    ctx.annotate(ref.iri, start, end, 0.6, prop=TG.partOf)
        found.append(ctx.mention(ref, start, end, CONFIDENCE.get(cand.how, 0.7), cand.how))
    ctx._acronyms(found)
    people = [m for m in found if m.ref.kind == "Person"]
    _surnames(ctx, people)
    _people_roles(ctx, people)
    ctx.resolve_references(tuple(k for k in ACTOR_KINDS if k not in ("Person", "AffectedGroup",
                                                                       "ActorGroup")))
    return ()
