"""Claims: who says what, in whose name, in their own words or in paraphrase, and with what stance.

The claims are found by :class:`tipgraph.attribution.ClaimFinder` (quotations and reported
speech, with their speakers). This mapper writes each as a ``tg:Claim``: claimant (for a
report's own findings, the report's publisher, with the report in ``tg:about``), the body the
claimant speaks for, claim text, quotation, attribution mode, reporting verb, stance (the verb's,
overridden by cue words in the claim's own text), the entities its text mentions, and what it
disputes or supports: a rating it names, a report or law it names, or earlier claims it points
back at ("rejected these claims", "the group's findings"). A claim saying that a law restricts
NGOs or civil society gives the law ``tg:restricts`` the group it names. Later mappers find the
claims in ``ctx.found["claims"]`` (node, claimant, speaker, stance, start, end).
"""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from ..attribution import ClaimFinder, Found
from ..gazetteer import ACTOR_KINDS, LAW_KINDS
from ..namespace import SCHEMA, TG
from ..speakers import REPORT_KINDS, SPEAKER_KINDS
from ..speech import Tokens, phrase_at
from . import mapper

STANCES = {"asserts": TG.Asserts, "disputes": TG.Disputes, "supports": TG.Supports,
           "raises_concern": TG.RaisesConcern}


@mapper("claims", after=("actors", "laws", "reports", "instruments", "ratings", "figures", "dates"))
def map_claims(ctx):
    """Find attributed claims: quotations and reported speech, with speaker, stance and targets."""
    finder = ClaimFinder(ctx)
    found = finder.run()
    Writer(ctx, finder).write(found)
    return ()


# =============================================================================================
# Writing claims
# =============================================================================================

class Writer:
    """Turns the claims found into triples: the claim, its stance, what it is about, what it
    disputes or supports, and the laws it says restrict civil society."""

    def __init__(self, ctx, finder: ClaimFinder):
        self.ctx = ctx
        self.finder = finder
        self.words = finder.words
        self.text = ctx.text

    def write(self, found: list[Found]) -> None:
        kept = [f for f in found if self._claimant(f)]
        for f in kept:
            f.node = self.ctx.local("claim")
        for f in kept:
            self._claim(f)
        for n, f in enumerate(kept):
            self._targets(f, kept[:n])
        for f in kept:
            self._restrictions(f)
        self.ctx.found["claims"] = [
            {"node": f.node, "claimant": f.claimant.iri, "speaker": f.speaker.ref.iri,
             "stance": f.stance, "start": f.start, "end": f.end} for f in kept]

    # -- who ----------------------------------------------------------------------------------
    def _claimant(self, f: Found) -> bool:
        """Fill in the claimant and the body spoken for; False when there is no actor."""
        ref = f.speaker.ref
        if ref.kind in REPORT_KINDS:
            f.claimant = self._publisher(ref)
        else:
            f.claimant = ref
        behalf = f.speaker.behalf
        f.behalf = behalf if behalf is not None and behalf != f.claimant else None
        return f.claimant is not None and f.claimant.kind in ACTOR_KINDS

    def _publisher(self, report):
        """The publisher of a report edition (or of its series)."""
        ctx = self.ctx
        linked = {p: o for s, p, o in ctx.statements(report.iri) if o in ctx.entities}
        if SCHEMA.publisher in linked:
            return ctx.entities[linked[SCHEMA.publisher]]
        series = ctx.entities.get(linked.get(TG.series))
        records = [_record(ctx, report), _record(ctx, series)]
        if report.record is not None and report.record.get("series"):
            records.append(ctx.gazetteer.get(str(report.record.get("series"))))
        for record in records:
            key = record.get("publisher") if record is not None else None
            found = ctx.gazetteer.get(str(key)) if key else None
            if found is not None:
                return ctx.entity("", "", record=found)
        return None

    # -- what ---------------------------------------------------------------------------------
    def _claim(self, f: Found) -> None:
        ctx, node = self.ctx, f.node
        conf = round(min(0.95, f.confidence), 2)
        ctx.fact(node, TG.Claim, f.start, f.end, conf)
        ctx.add(node, TG.claimant, f.claimant.iri)
        ctx.annotate(node, f.speaker.start, f.speaker.end, conf, prop=TG.claimant)
        if f.behalf is not None:
            ctx.add(node, TG.onBehalfOf, f.behalf.iri)
        ctx.add(node, TG.claimText, Literal(self.claim_text(f)))
        mode = TG.DirectQuotation if f.mode == "direct" else TG.ReportedSpeech
        ctx.add(node, TG.attributionMode, mode)
        if f.quote is not None:
            ctx.add(node, TG.quotation, Literal(self.text[f.quote[0]:f.quote[1]]))
        if f.verb is not None:
            ctx.add(node, TG.reportingVerb, Literal(self.text[f.verb[0]:f.verb[1]]))
        f.stance = self._stance(f)
        ctx.add(node, TG.stance, f.stance)
        for iri in self._about(f):
            ctx.add(node, TG.about, iri)

    def claim_text(self, f: Found) -> str:
        return "".join(self.text[a:b] for a, b in f.parts)

    def _stance(self, f: Found) -> URIRef:
        """The verb's stance, unless the claim's own words carry a cue (names do not count:
        "the Law on ... Sexual Exploitation" voices no concern)."""
        words = Tokens(self._own_words(f).lower())
        for stance, cues in self.words.cues:
            if any(phrase_at(words, i, cues) and not self._negated(words, i, stance)
                   for i in range(len(words))):
                return STANCES[stance]
        return STANCES.get(f.stance_of_verb, TG.Asserts)

    def _negated(self, words: Tokens, i: int, stance: str) -> bool:
        """'not a model for', 'not afraid': a cue of support or concern under a negation."""
        if stance == "disputes":
            return False
        before = words.words(max(0, i - 2), i)
        return any(w in self.words.negations or w.endswith(("n't", "n’t")) for w in before)

    def _own_words(self, f: Found) -> str:
        """The claim's text (with the other half of a split quotation) with the names in it
        blanked out."""
        pieces = []
        for a, b in f.parts + f.joined:
            chars = list(self.text[a:b])
            for m in self.ctx.mentions_in(a, b):
                chars[m.start - a:m.end - a] = " " * (m.end - m.start)
            pieces.append("".join(chars))
        return " ".join(pieces)

    def _about(self, f: Found) -> list:
        """The entities the claim's text mentions (and the report whose finding it is)."""
        iris = []
        if f.speaker.ref.kind in REPORT_KINDS:
            iris.append(f.speaker.ref.iri)
        if f.antecedent is not None:
            iris.append(f.antecedent.ref.iri)
        sp = f.speaker
        for a, b in f.parts:
            for m in self.ctx.mentions_in(a, b):
                if m.ref.iri != f.claimant.iri and not (m.start < sp.end and sp.start < m.end):
                    iris.append(m.ref.iri)
        return list(dict.fromkeys(iris))

    # -- against / for what ------------------------------------------------------------------
    def _targets(self, f: Found, before: list[Found]) -> None:
        if f.stance not in (TG.Disputes, TG.Supports):
            return
        targets = self._rating_targets(f) + self._mentioned_targets(f) + \
            self._claim_targets(f, before)
        if not targets and f.stance == TG.Disputes:
            targets = self._inherited(f, before)
        prop = TG.disputes if f.stance == TG.Disputes else TG.supports
        for iri in dict.fromkeys(targets):
            if iri != f.node:
                self.ctx.add(f.node, prop, iri)

    def _rating_targets(self, f: Found) -> list:
        words = Tokens(self.claim_text(f).lower())
        if not any(phrase_at(words, i, self.words.rating_nouns) for i in range(len(words))):
            return []
        rating = self._rating_for(f)
        if rating is None:
            return []
        return [rating["node"]] + ([rating["report"]] if rating.get("report") else [])

    def _rating_for(self, f: Found):
        """The rating a claim speaks of: of a state it concerns, preferring one whose report
        it names, else the one stated last before it."""
        ratings = [_rating_dict(r) for r in self.ctx.found.get("ratings", [])] or \
            self._ratings_from_triples()
        if not ratings:
            return None
        about = set(self._about(f)) | {f.claimant.iri} | \
            ({f.behalf.iri} if f.behalf is not None else set())
        fitting = [r for r in ratings if r.get("subject") in about] or ratings
        reports = {m.ref.iri for a, b in f.parts for m in self.ctx.mentions_in(a, b, "Report")}
        salient = self.ctx.salient("Report")
        movement = self._movement_named(f)

        def rank(r):
            start = r.get("start")
            return (movement is not None and r.get("movement") != movement,
                    r.get("report") not in reports,
                    salient is not None and r.get("report") != salient.iri,
                    -(start if start is not None and start < f.start else -1), str(r["node"]))
        return min(fitting, key=rank)

    def _movement_named(self, f: Found):
        """'the upgrade' / 'this downgrade': the movement a claim names."""
        words = Tokens(self.claim_text(f).lower())
        for tok in words:
            movement = self.words.rating_movements.get(tok.low)
            if movement is not None:
                return {"upgrade": TG.Upgrade, "downgrade": TG.Downgrade,
                        "unchanged": TG.Unchanged}.get(movement)
        return None

    def _ratings_from_triples(self) -> list[dict]:
        found = {}
        for s, p, o in self.ctx.triples:
            if p == RDF.type and o == TG.Rating:
                found.setdefault(s, {"node": s})
        for s, p, o in self.ctx.triples:
            if s in found and p == TG.ratedSubject:
                found[s]["subject"] = o
            elif s in found and p == TG.ratedIn:
                found[s]["report"] = o
        return [found[k] for k in sorted(found)]

    def _mentioned_targets(self, f: Found) -> list:
        """Reports and laws the claim's text names ('the Report', 'welcomed the bill')."""
        kinds = ("Report",) + LAW_KINDS
        return [m.ref.iri for a, b in f.parts for m in self.ctx.mentions_in(a, b, *kinds)]

    def _claim_targets(self, f: Found, before: list[Found]) -> list:
        """Earlier claims the claim points back at: 'these claims', 'the group's findings', or
        a bare 'pushed back'."""
        owner, mentioned = self._claim_noun(f)
        if owner is not None and owner.kind in REPORT_KINDS:
            return [g.node for g in before if g.speaker.ref == owner] + [owner.iri]
        if owner is not None:
            return [g.node for g in before if self._same_side(g, owner)]
        if not mentioned and not self._bare_verb(f):
            return []
        other = next((g for g in reversed(before) if not self._allies(f, g)
                      and g.stance != TG.Disputes  # a rejection answers, it is not answered
                      and self.ctx.sentence_index(f.start) - self.ctx.sentence_index(g.start)
                      <= 8), None)
        if other is None:
            return []
        targets = [g.node for g in before if g.claimant == other.claimant]
        if other.speaker.ref.kind in REPORT_KINDS:
            targets.append(other.speaker.ref.iri)
        return targets

    def _claim_noun(self, f: Found):
        """A noun for claims in the text, and its possessor ("the group's findings", "the
        report's findings")."""
        for a, b in f.parts:
            toks = Tokens(self.text[a:b])
            for n, tok in enumerate(toks):
                if tok.low not in self.words.claim_nouns:
                    continue
                if n > 0 and toks[n - 1].low in ("'s", "’s"):
                    end = a + toks[n - 1].start
                    owner = [m for m in self.ctx.mentions if m.end == end
                             and m.ref.kind in SPEAKER_KINDS]
                    if owner:
                        return owner[0].ref, True
                return None, True
        return None, False

    def _bare_verb(self, f: Found) -> bool:
        """'Business groups have pushed back.': a verb of disputing with nothing after it."""
        return f.verb is not None and f.mode == "reported" and \
            self.text[f.verb[1]:f.end].strip(" .,") == ""

    def _same_side(self, g: Found, owner) -> bool:
        return owner.iri in {g.claimant.iri, getattr(g.behalf, "iri", None)}

    def _allies(self, f: Found, g: Found) -> bool:
        """Whether two claims come from the same side: the same actor, one speaking for the
        other, or a body and the state it is part of."""
        mine = {f.claimant.iri} | ({f.behalf.iri} if f.behalf is not None else set())
        theirs = {g.claimant.iri} | ({g.behalf.iri} if g.behalf is not None else set())
        if mine & theirs:
            return True
        keys = {r.key for r in (f.claimant, f.behalf, g.claimant, g.behalf) if r is not None}
        parents = {str(r.record.get("part_of")) for r in (f.claimant, f.behalf, g.claimant,
                                                          g.behalf)
                   if r is not None and r.record is not None and r.record.get("part_of")}
        return bool(keys & parents)

    def _inherited(self, f: Found, before: list[Found]) -> list:
        """A spokesperson's quotation after 'The ministry rejected ...' disputes the same."""
        here = self.ctx.sentence_index(f.start)
        for g in reversed(before):
            if here - self.ctx.sentence_index(g.start) > 2:
                break
            if g.stance == TG.Disputes and self._allies(f, g):
                return [o for s, p, o in self.ctx.statements(g.node) if p == TG.disputes]
        return []

    # -- laws that restrict civil society -------------------------------------------------------
    def _restrictions(self, f: Found) -> None:
        for a, b in f.parts:
            toks = Tokens(self.text[a:b])
            for n in range(len(toks)):
                verb = phrase_at(toks, n, self.words.restriction_verbs)
                if not verb:
                    continue
                v_start = a + toks[n].start
                target = self._restricted(toks, n + len(verb), a)
                law = self._restricting_law(f, v_start)
                if target is not None and law is not None:
                    actor, t_end = target
                    self.ctx.add(law.ref.iri, TG.restricts, actor.iri)
                    start = law.start if law.start >= self.ctx.sentence_at(v_start).start \
                        else v_start
                    self.ctx.annotate(law.ref.iri, min(start, v_start), t_end, 0.7,
                                      prop=TG.restricts)
                return

    def _restricted(self, toks: Tokens, k: int, offset: int):
        """Whom a restriction verb names within the next few words: an organisation or group
        the text names, or a collective from the lexicon ("NGO engagement" -> NGOs)."""
        for n in range(k, min(len(toks), k + 6)):
            if toks[n].text in ".;":
                return None
            char = offset + toks[n].start
            for m in self.ctx.mentions_of("CivilSocietyOrganisation", "ActorGroup"):
                if m.start == char:
                    return m.ref, m.end
            for words, name in sorted(self.words.restriction_targets.items()):
                if toks.words(n, n + len(words)) == list(words):
                    ref = self.ctx.entity("ActorGroup", name.lower(), local=True)
                    end = offset + toks[n + len(words) - 1].end
                    self.finder.speakers.mention_once(ref, char, end, "reference")
                    return ref, end
        return None

    def _restricting_law(self, f: Found, v_start: int):
        """The law before the restriction verb in the claim, the one 'which' stands for, or
        the law named just before the claim in its sentence."""
        laws = [m for m in self.ctx.mentions_of(*LAW_KINDS) if f.start <= m.start and
                m.end <= v_start]
        if laws:
            return laws[-1]
        if f.antecedent is not None and f.antecedent.ref.kind in LAW_KINDS:
            return f.antecedent
        sentence = self.ctx.sentence_at(f.start)
        laws = [m for m in self.ctx.mentions_of(*LAW_KINDS)
                if sentence.start <= m.start and m.end <= f.start]
        return laws[-1] if laws else None


def _record(ctx, ref):
    """The gazetteer entry of an entity (also when it was recognised by its name's shape)."""
    if ref is None:
        return None
    if ref.record is not None:
        return ref.record
    record = ctx.gazetteer.get(ref.key)
    return record if record is not None and record.kind == ref.kind else None


def _rating_dict(rating) -> dict:
    """A rating as the ratings mapper shares it, with IRIs for its entities."""
    if not isinstance(rating, dict):
        return {"node": rating}
    out = dict(rating)
    for key in ("node", "subject", "report"):
        value = out.get(key)
        out[key] = getattr(value, "iri", value)
    return out
