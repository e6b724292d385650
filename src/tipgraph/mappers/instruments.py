"""International instruments: treaties, conventions, protocols and declarations.

Besides naming them, an article may say what a protocol supplements ("supplementing the UN
Convention against Transnational Organized Crime") or where an instrument does not apply ("the
Protocol does not apply to the territory"); both are recorded with the sentence they come from.
"""

from __future__ import annotations

import re

from ..gazetteer import INSTRUMENT_KINDS
from ..namespace import TG
from . import mapper

CONFIDENCE = {"gazetteer": 0.95, "pattern": 0.75}
_NOT_APPLY = re.compile(r"\b(?:does|do|did|would|will)\s*(?:not|n't)\s+(?:apply|extend)\s+to\b|"
                        r"\bnot\s+(?:been\s+)?(?:applied|extended)\s+to\b|\bexcluded\b", re.I)
_APPLY = re.compile(r"\b(?:applies|apply|applied|extends|extended)\s+to\b", re.I)
_SUPPLEMENT = re.compile(r"\bsupplement(?:s|ing|ed)?\b", re.I)


@mapper("instruments", after=("actors", "laws"))
def map_instruments(ctx):
    """Find international instruments, what they supplement and where they (do not) apply."""
    found = ctx.mention_candidates(INSTRUMENT_KINDS, CONFIDENCE)
    found += ctx.resolve_references(INSTRUMENT_KINDS)
    for inst in found:
        sentence = ctx.sentence_at(inst.start)
        rest = ctx.text[inst.end:sentence.end]
        others = [m for m in ctx.mentions_of(*INSTRUMENT_KINDS)
                  if inst.end <= m.start and m.end <= sentence.end and m.ref.iri != inst.ref.iri]
        sup = _SUPPLEMENT.search(rest)
        if sup and others and others[0].start >= inst.end + sup.start():
            target = others[0]
            yield inst.ref.iri, TG.supplements, target.ref.iri
            ctx.annotate(inst.ref.iri, inst.start, target.end, 0.8, prop=TG.supplements)
        for regex, prop in ((_NOT_APPLY, TG.doesNotApplyTo), (_APPLY, TG.appliesTo)):
            hit = regex.search(rest)
            if not hit:
                continue
            states = [m for m in ctx.mentions_of("State")
                      if inst.end + hit.end() <= m.start < sentence.end]
            if states:
                state = states[0]
                yield inst.ref.iri, prop, state.ref.iri
                ctx.annotate(inst.ref.iri, inst.start, state.end, 0.75, prop=prop)
            break
