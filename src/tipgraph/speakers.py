"""Who speaks: the speaker that the words at a place in an article name.

:class:`SpeakerParser` reads a speaker from a token onwards: an entity another mapper found (a
person, an organisation, a state and its officials, a generic group, a report), a pronoun or a
definite description that points back to one, "X's coalition", a surname or the short form of a
known name, a name seen only here ("Rahul Menon, an independent researcher"), a document whose
author speaks ("a survey published by X"), or an unnamed person or group ("a ministry
spokesperson", "an official with the ILO", "the people who work with survivors"). Parsing has
no side effects: an entity the speaker needs is a :class:`NewEntity` until :meth:`commit` is
called for a claim that is attributed to it.

Language comes from the lexicon (:class:`tipgraph.speech.Words`); no entity is named here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rdflib import Literal
from spacy.lang.en.stop_words import STOP_WORDS

from .gazetteer import ACTOR_KINDS, slugify
from .namespace import SCHEMA, TG
from .speech import Quote, Tokens, Words, phrase_at

__all__ = ["Speaker", "NewEntity", "SpeakerParser", "SPEAKER_KINDS", "REPORT_KINDS", "ORG_KINDS",
           "GROUP_KINDS", "PRONOUNS", "RELATIVE", "PREPOSITIONS", "QUOTE_MARKS",
           "SENTENCE_PUNCT", "CONFIDENCE"]

SPEAKER_KINDS = ACTOR_KINDS + ("Report", "ReportSeries")
REPORT_KINDS = ("Report", "ReportSeries")
ORG_KINDS = ("State", "GovernmentBody", "InternationalOrganisation", "CivilSocietyOrganisation",
             "MediaOrganisation")
GROUP_KINDS = ("ActorGroup", "AffectedGroup")
PRONOUNS = {"he": ("Person",), "she": ("Person",), "his": ("Person",), "her": ("Person",),
            "they": GROUP_KINDS + ("CivilSocietyOrganisation",), "them": GROUP_KINDS,
            "their": GROUP_KINDS + ("CivilSocietyOrganisation",),
            "it": ORG_KINDS + REPORT_KINDS, "its": ORG_KINDS + REPORT_KINDS}
RELATIVE = {"who", "which", "that", "whose"}
PREPOSITIONS = {"in", "for", "with", "from", "at", "of", "based", "on", "across", "inside"}
QUOTE_MARKS = set('"“”')
SENTENCE_PUNCT = {".", "!", "?", ";"}

# How sure an attribution is, by how the speaker was found.
CONFIDENCE = {"named": 0.85, "reference": 0.75, "unnamed": 0.75, "pronoun": 0.65,
              "continuation": 0.7, "next-sentence": 0.6, "name": 0.7, "officials": 0.75,
              "group": 0.75}


@dataclass
class Speaker:
    """Who speaks: an entity (for a report, its publisher becomes the claimant), where the text
    names it, how it was found, and the body it speaks for when known."""

    ref: object
    start: int
    end: int
    how: str
    confidence: float
    behalf: object = None
    mention: bool = False            # whether the span is a new mention of ``ref``
    role: str | None = None          # an unnamed speaker's role noun ("spokesperson")


@dataclass(frozen=True)
class NewEntity:
    """An entity a speaker would add (an unnamed person, a group, a name seen only here),
    created only once a claim is attributed to it."""

    kind: str
    name: str
    key: str | None = None
    local: bool = False
    job_title: str | None = None
    speaks_for: object = None
    span: tuple = ()
    how: str = "pattern"


_FIRST_NAME_AGE = re.compile(r"\b([A-Z][a-z]+), (?:now |aged )?\d{1,2},")
_INITIALS = re.compile(r"(?:[A-Z]\.){1,3}[A-Z]")  # 'J.R.M'


class SpeakerParser:
    """Reads speakers at token positions of one article."""

    def __init__(self, ctx, words: Words, toks: Tokens, quotes: list[Quote], found: list):
        self.ctx = ctx
        self.text = ctx.text
        self.words = words
        self.toks = toks
        self.quotes = quotes
        self.found = found              # the claims attributed so far, in the order found
        self.unnamed: dict[str, Speaker] = {}
        self.declared: set = set()
        self._mentions_at: dict[int, list] = {}
        for m in ctx.mentions_of(*SPEAKER_KINDS):
            self._mentions_at.setdefault(m.start, []).append(m)

    def inside_quote(self, char: int) -> bool:
        """Whether a character lies within a quotation (its marks included)."""
        return any(q.open <= char <= q.close for q in self.quotes)

    def parse(self, i: int, limit: int | None = None):
        """The speaker named by the words that start at token ``i`` (up to ``limit``) and the
        index past them, or None."""
        if i >= len(self.toks) or (limit is not None and i >= limit):
            return None
        if self.inside_quote(self.toks[i].start):
            return None
        for how in (self._honorific_at, self._member_at, self._group_at, self._mention_at,
                    self._pronoun_at,
                    self._officials_at, self._bare_group_at,
                    self._unnamed_at, self._document_at, self._description_at, self._name_at):
            parsed = how(i, limit)
            if parsed is not None and (limit is None or parsed[1] <= limit):
                return self._possessed_body(parsed, limit)
        return None

    def _possessed_body(self, parsed, limit):
        """"Vega's coalition said": the body of the person named before "'s"."""
        speaker, end = parsed
        if end + 1 >= len(self.toks) or self.toks[end].low not in ("'s", "’s") \
                or (limit is not None and end + 2 > limit):
            return parsed
        noun = self.toks[end + 1].low
        kinds = self.words.body_nouns.get(noun)
        if not kinds:
            return parsed
        body = speaker.behalf if speaker.behalf is not None and speaker.behalf.kind in kinds \
            else self._resolve_body(noun, speaker.start, kinds)
        if body is None:
            return parsed
        stop = self.toks[end + 1].end
        return Speaker(body, speaker.start, stop, "reference", CONFIDENCE["reference"]), end + 2

    def _honorific_at(self, i: int, limit):
        """'Dr Helen Marsh': the person after the title."""
        if self.toks[i].text.rstrip(".") not in self.words.honorifics:
            return None
        k = i + 2 if i + 1 < len(self.toks) and self.toks[i + 1].text == "." else i + 1
        if k >= len(self.toks) or not self.toks[k].is_title:
            return None
        return self.parse(k, limit)

    def _mention_at(self, i: int, limit):
        """An entity another mapper found here ("the ministry", "Malaysian officials", "the
        Home Office's own statistics"), with the body it speaks for."""
        tok = self.toks[i]
        found = self._mentions_at.get(tok.start, [])
        if not found and tok.low == "the" and i + 1 < len(self.toks):
            found = self._mentions_at.get(self.toks[i + 1].start, [])
        if not found:
            return None
        m = max(found, key=lambda m: (m.end, m.ref.kind))
        end = self.toks.index_ending(m.end)
        end_char = m.end
        if end < len(self.toks) and m.ref.kind in ("State", "GovernmentBody") \
                and self.toks[end].low in self.words.officials:
            end_char = self.toks[end].end
            end += 1
        end = self._possessed_document(end, limit)
        how = "named" if m.how != "reference" else "reference"
        conf = min(CONFIDENCE[how], m.confidence)
        behalf = self.speaks_for(m.ref)
        if behalf is None and m.ref.kind == "ActorGroup" and \
                m.ref.name.split()[-1].lower() in self.words.officials:
            state, end = self._officials_state(end, limit)
            behalf = state or self.ctx.resolve("government", m.start, ("State",))
        speaker = Speaker(m.ref, tok.start, end_char, how, conf, behalf)
        if m.ref.kind == "ActorGroup" and behalf is None:
            return self._subgroup(speaker, end, limit)
        return speaker, end

    def _subgroup(self, group: Speaker, end: int, limit):
        """'lawyers who represent survivors say', 'lawyers for survivors say': a group narrowed
        by what follows its name, up to the verb, is a group of its own."""
        if limit is None or end >= limit or limit - end > 7 or \
                self.toks[end].low not in self.words.group_links:
            return group, end
        if not all(t.is_word for t in self.toks[end:limit]):
            return group, end
        stop = self.toks[limit - 1].end
        name = f"{group.ref.name} {self.text[self.toks[end].start:stop]}".lower()
        ref = NewEntity("ActorGroup", name, local=True, span=(group.start, stop))
        return replace(group, ref=ref, end=stop, how="group"), limit

    def _possessed_document(self, end: int, limit) -> int:
        """"X's own statistics": X is the speaker; skip to the end of the noun phrase."""
        toks = self.toks
        if end < len(toks) and toks[end].low in ("'s", "’s"):
            k = end + 1
            while k < len(toks) and k < end + 4 and (limit is None or k < limit):
                if toks[k].low in self.words.documents:
                    return k + 1
                k += 1
        return end

    def _pronoun_at(self, i: int, limit):
        """'she said', 'It highlights', 'according to its analysis': who the pronoun means."""
        tok = self.toks[i]
        kinds = PRONOUNS.get(tok.low)
        if kinds is None:
            return None
        end = i + 1
        if tok.low in ("their", "his", "her"):
            body = self._their_body(i, limit)
            if body is not None:
                return body
        if tok.low in ("its", "their", "his", "her"):
            end = self._possessed_noun(i + 1, limit)
            if end is None:
                return None
        speaker = self.resolve_pronoun(tok.start, kinds)
        if speaker is None:
            return None
        return replace(speaker, start=tok.start, end=tok.end, how="pronoun",
                       confidence=min(speaker.confidence, CONFIDENCE["pronoun"])), end

    def _their_body(self, i: int, limit):
        """'Her organisation documented ...': the body the person meant speaks for."""
        if i + 1 >= len(self.toks) or (limit is not None and i + 2 > limit):
            return None
        kinds = self.words.body_nouns.get(self.toks[i + 1].low)
        person = self.resolve_pronoun(self.toks[i].start, ("Person",) + GROUP_KINDS) \
            if kinds else None
        if person is None or person.behalf is None or person.behalf.kind not in kinds:
            return None
        start, stop = self.toks[i].start, self.toks[i + 1].end
        return Speaker(person.behalf, start, stop, "pronoun", CONFIDENCE["pronoun"]), i + 2

    def _possessed_noun(self, k: int, limit) -> int | None:
        """'its analysis of public judgments': a possessive pronoun before a document noun."""
        for n in range(k, min(k + 3, len(self.toks))):
            if self.toks[n].low in self.words.documents:
                return n + 1
        return None

    def resolve_pronoun(self, at: int, kinds) -> Speaker | None:
        """The speaker a pronoun points back to: the last speaker of a fitting kind in this or
        the previous sentence, else the nearest fitting mention within two sentences."""
        here = self.ctx.sentence_index(at)
        for f in reversed(self.found):
            last = max(f.end, f.speaker.end) if f.speaker.end < at else f.end
            if f.start < at and here - 1 <= self.ctx.sentence_index(last) <= here \
                    and f.speaker.ref.kind in kinds:
                return f.speaker
        things = ("Statute", "Bill", "Treaty", "Protocol", "Declaration") if "Report" in kinds \
            else ()
        first = self._first_name_before(at) if "Person" in kinds else None
        for m in reversed(self.ctx.mentions_of(*kinds, *things)):
            if first is not None and first.start >= m.end:
                break
            if m.end <= at and here - self.ctx.sentence_index(m.start) <= 2 \
                    and not self.inside_quote(m.start) and self.ctx.in_prose(m.start):
                if m.ref.kind in things:
                    return None  # 'It adds ...' after a law: the law, not a speaker
                how = "named" if m.how != "reference" else "reference"
                return Speaker(m.ref, m.start, m.end, how, min(CONFIDENCE[how], m.confidence),
                               self.speaks_for(m.ref))
        return first

    def _first_name_before(self, at: int) -> Speaker | None:
        """A person known by a first name alone, introduced with an age within the two
        sentences before: 'Kamal, 31, who asked to be identified only by his first name'."""
        here = self.ctx.sentence_index(at)
        found = None
        for m in _FIRST_NAME_AGE.finditer(self.text, 0, at):
            if here - self.ctx.sentence_index(m.start()) > 2 or self.inside_quote(m.start()) \
                    or m.group(1).lower() in STOP_WORDS or not self.ctx.in_prose(m.start()):
                continue
            if any(x.start < m.end(1) and m.start(1) < x.end for x in self.ctx.mentions):
                continue
            found = m
        if found is None:
            return None
        start, stop = found.span(1)
        ref = NewEntity("Person", found.group(1), span=(start, stop))
        return Speaker(ref, start, stop, "name", CONFIDENCE["name"])

    def _officials_at(self, i: int, limit):
        """'Officials maintain ...': officials of the state the article is about."""
        tok = self.toks[i]
        if tok.low not in self.words.officials:
            return None
        ref = NewEntity("ActorGroup", tok.low, local=True, span=(tok.start, tok.end),
                        how="officials")
        state, end = self._officials_state(i + 1, limit)
        state = state or self.ctx.resolve("government", tok.start, ("State",))
        return Speaker(ref, tok.start, tok.end, "officials", CONFIDENCE["officials"], state), end

    def _officials_state(self, k: int, limit):
        """'Officials in Phnom Penh': the state named right after them."""
        if k + 1 >= len(self.toks) or self.toks[k].low not in ("in", "of", "from") \
                or (limit is not None and k + 1 >= limit):
            return None, k
        found = [m for m in self._mentions_at.get(self.toks[k + 1].start, [])
                 if m.ref.kind == "State"]
        if not found:
            return None, k
        return found[0].ref, self.toks.index_ending(found[0].end)

    def _bare_group_at(self, i: int, limit):
        """'Others argued that ...': an unnamed collective named by a pronoun-like word."""
        tok = self.toks[i]
        if tok.low not in self.words.bare_groups or limit != i + 1:
            return None
        ref = NewEntity("ActorGroup", tok.low, local=True, span=(tok.start, tok.end))
        return Speaker(ref, tok.start, tok.end, "group", CONFIDENCE["pronoun"]), i + 1

    def _group_at(self, i: int, limit):
        """A speaking group the actors mapper did not mark ("survivors' groups")."""
        words = phrase_at(self.toks, i, self.words.speaking_groups)
        if not words:
            return None
        end = i + len(words)
        start, stop = self.toks[i].start, self.toks[end - 1].end
        if any(m.end >= stop for m in self._mentions_at.get(start, [])):
            return None  # the actors mapper found it: use its node
        ref = NewEntity("ActorGroup", self.text[start:stop].lower(), local=True,
                        span=(start, stop))
        return Speaker(ref, start, stop, "group", CONFIDENCE["group"]), end

    def mention_once(self, ref, start: int, end: int, how: str) -> None:
        """Record that ``text[start:end]`` names ``ref``, unless a mapper already did."""
        if not any(m.start == start and m.end == end for m in self.ctx.mentions):
            self.ctx.mention(ref, start, end, CONFIDENCE.get(how, 0.7), how)
            self._mentions_at.setdefault(start, []).append(self.ctx.mentions[-1])

    def _member_at(self, i: int, limit):
        """'One of the women (in the case), now 24,': an unnamed person of a group, named by
        the singular noun and the age given in an apposition ('24-year-old woman')."""
        toks = self.toks
        if toks.words(i, i + 2) not in (["one", "of"], ["another", "of"]) or i + 3 >= len(toks):
            return None
        k = i + 2 + (1 if toks[i + 2].low in ("the", "these", "those", "his", "her",
                                              "their") else 0)
        words = self._noun_phrase(k, limit)
        if not words:
            return None
        head = toks[words[-1]]
        single = self.words.singulars.get(head.low, head.low.rstrip("s"))
        if single not in self.words.people:
            return None
        end = words[-1] + 1
        age = self._apposed_age(end, limit)
        name = f"{age}-year-old {single}" if age else single
        stop = toks[end - 1].end
        ref = NewEntity("Person", name, key=slugify(name), local=True,
                        span=(toks[i].start, stop), how="unnamed")
        return Speaker(ref, toks[i].start, stop, "unnamed", CONFIDENCE["unnamed"],
                       role=single), end

    def _apposed_age(self, k: int, limit) -> str | None:
        """', now 24,' / ', 24,' / ', aged 24,' within a few words after a noun phrase."""
        stop = min(len(self.toks) - 1, k + 8, limit if limit is not None else len(self.toks))
        for n in range(k, stop):
            if self.toks[n].text != ",":
                continue
            m = n + 1 + (1 if self.toks[n + 1].low in ("now", "aged") else 0)
            if m + 1 < len(self.toks) and self.toks[m].text.isdigit() and \
                    self.toks[m + 1].text == ",":
                return self.toks[m].text
        return None

    def _unnamed_at(self, i: int, limit):
        """'a ministry spokesperson', 'An official with the ILO', 'a 29-year-old deckhand',
        'The spokesperson' (the one met before)."""
        det = self.toks[i]
        if det.low not in self.words.determiners:
            return None
        phrase = self._noun_phrase(i + 1, limit)
        words = self._person_words(phrase)
        if not words:
            return None
        head = self.toks[words[-1]]
        if head.low in self.words.group_nouns:
            return self._people_group(det, words, limit)
        if head.low not in self.words.people and not any(self.toks[w].is_age for w in words):
            return None
        if det.low == "the" and head.low in self.unnamed and len(words) == 1:
            seen = self.unnamed[head.low]
            return replace(seen, start=det.start, end=head.end, how="reference", mention=True,
                           confidence=CONFIDENCE["reference"]), words[-1] + 1
        body, end = self._body(words, limit)
        if end == words[-1] + 1:
            end = phrase[-1] + 1  # 'a congressional aide familiar (with the bill)'
        given = self._given_name(end, limit)
        if given is None and det.low == "the" and len(words) == 1:
            given = self._introduced(head, det.start)
        return self._unnamed_person(det, words, body, end, given), end

    def _introduced(self, head, at: int) -> str | None:
        """'the man' after 'a man from a neighbouring commune' in the paragraph: the person
        as the text first described them."""
        para = self.text.rfind("\n", 0, at) + 1
        pattern = rf"\b(?:[Aa]n?|[Oo]ne)\s+({re.escape(head.low)}\s+(?:from|of|at|in|with)\s+" \
            r"(?:an?|the)\s+([a-z][\w-]*)(?:\s+([a-z][\w-]*))?)"
        found = list(re.finditer(pattern, self.text[para:at]))
        if not found:
            return None
        m = found[-1]
        last = m.group(3)
        if last is None or last.endswith("ed") or self.words.verbs.get(last):
            return m.group(1)[:m.end(2) - m.start(1)]
        return m.group(1)

    def _given_name(self, k: int, limit) -> str | None:
        """The initials or pseudonym an apposition gives an unnamed person up to the verb:
        'identified in court only by his initials, J.R.M.,', 'identified only as Minh'."""
        if limit is None or limit - k > 16 or k >= limit or self.toks[k].text != ",":
            return None
        for n in range(k + 1, limit):
            tok = self.toks[n]
            if _INITIALS.fullmatch(tok.text):
                dot = n + 1 < limit and self.toks[n + 1].text == "."
                return tok.text + ("." if dot else "")
            if self.toks[n - 1].low in self.words.name_markers and tok.is_title \
                    and tok.text.isalpha():
                return tok.text
        return None

    def _person_words(self, words: list[int]) -> list[int]:
        """The words of a noun phrase up to its head noun: 'EU official (involved ...)',
        'congressional aide (familiar ...)'."""
        for n in range(len(words) - 1, -1, -1):
            low = self.toks[words[n]].low
            if low in self.words.people or low in self.words.group_nouns:
                return words[:n + 1]
        return words

    def _people_group(self, det, words, limit):
        """'the people who work with survivors': a group named by the phrase as written, with
        a short relative clause that runs up to the verb."""
        end = words[-1] + 1
        if limit is not None and end < limit and self.toks[end].low in ("who", "that") \
                and limit - end <= 8 and all(t.is_word for t in self.toks[end:limit]):
            end = limit
        start, stop = self.toks[words[0]].start, self.toks[end - 1].end
        ref = NewEntity("ActorGroup", self.text[start:stop].lower(), local=True,
                        span=(det.start, stop))
        return Speaker(ref, det.start, stop, "group", CONFIDENCE["group"]), end

    def _noun_phrase(self, k: int, limit) -> list[int]:
        """Indices of the words of a noun phrase that starts at token ``k``."""
        words = []
        while k < len(self.toks) and len(words) < 6 and (limit is None or k < limit):
            tok = self.toks[k]
            if not tok.is_word or tok.low in PREPOSITIONS or tok.low in RELATIVE \
                    or tok.low in self.words.between or self._verb_not_modifier(k):
                break
            words.append(k)
            k += 1
        return words

    def _verb_not_modifier(self, k: int) -> bool:
        """A verb of saying ends a noun phrase, unless it modifies the next noun ('a state
        official')."""
        if self.words.verb_at(self.toks, k) is None:
            return False
        return k + 1 >= len(self.toks) or self.toks[k + 1].low not in self.words.people

    def _body(self, words: list[int], limit):
        """The body an unnamed speaker speaks for: named in the modifiers ('a Home Office
        spokesperson', 'a government spokesperson') or after 'for/of/with/at/from'."""
        head = self.toks[words[-1]]
        end = words[-1] + 1
        if head.low in self.words.private:
            return None, end
        for w in words[:-1]:
            found = self._mentions_at.get(self.toks[w].start)
            orgs = [m for m in found or [] if m.ref.kind in ORG_KINDS]
            if orgs:
                return orgs[0].ref, end
            kinds = self.words.body_nouns.get(self.toks[w].low)
            if kinds:
                return self._resolve_body(self.toks[w].low, self.toks[w].start, kinds), end
        if end < len(self.toks) and self.toks[end].low in self.words.body_prepositions:
            return self._body_after(end, limit)
        return None, end

    def _body_after(self, k: int, limit):
        """'for the National Committee ...', 'with the International Labour Organization',
        'for a major retail trade body'."""
        n = k + 1
        if n < len(self.toks) and self.toks[n].low in ("the", "a", "an"):
            found = self._mentions_at.get(self.toks[n].start) or \
                self._mentions_at.get(self.toks[n + 1].start if n + 1 < len(self.toks) else -1)
        else:
            found = self._mentions_at.get(self.toks[n].start) if n < len(self.toks) else None
        orgs = [m for m in found or [] if m.ref.kind in ORG_KINDS]
        if orgs:
            m = max(orgs, key=lambda m: m.end)
            return m.ref, self.toks.index_ending(m.end)
        phrase = self._noun_phrase(n + (1 if self.toks[n].low in ("the", "a", "an") else 0),
                                   limit)
        if not phrase:
            return None, k
        noun = self.toks[phrase[-1]].low
        kinds = self.words.body_nouns.get(noun)
        ref = self._resolve_body(noun, self.toks[k].start, kinds) if kinds else None
        return ref, phrase[-1] + 1

    def _resolve_body(self, noun: str, at: int, kinds):
        """The body 'the ministry' / 'a department official' points to: the nearest one
        before whose name has the noun, else the nearest of a fitting kind."""
        named = [m for m in self.ctx.mentions_of(*kinds) if m.end <= at
                 and noun in m.ref.name.lower().split() and m.how != "reference"]
        if named:
            return named[-1].ref
        return self.ctx.resolve(noun, at, kinds) or self._nearest_of(at, kinds)

    def _nearest_of(self, at: int, kinds):
        """The last body of these kinds named in this or the two sentences before."""
        here = self.ctx.sentence_index(at)
        near = [m for m in self.ctx.mentions_of(*kinds) if m.end <= at and m.how != "reference"
                and here - self.ctx.sentence_index(m.start) <= 2]
        return near[-1].ref if near else None

    def _unnamed_person(self, det, words, body, end, given: str | None = None) -> Speaker:
        """An article-local person named by the phrase as written ("government spokesperson",
        "spokesperson for the office"), one per role and body."""
        head = self.toks[words[-1]]
        last = end if end > words[-1] + 1 and self.toks[words[-1] + 1].low in \
            self.words.body_prepositions else words[-1] + 1
        last = self._place_tail(head, last, end)
        name = self.text[self.toks[words[0]].start:self.toks[last - 1].end]
        key = slugify(f"{head.text} {body.key}" if body is not None else name)
        title = head.text if head.low not in self.words.private or head.low in self.words.roles \
            else None
        if given is not None:  # 'One welder, identified only by his initials, J.R.M.,'
            name, key, title = given, slugify(given), head.text
        stop = self.toks[end - 1].end
        ref = NewEntity("Person", name, key=key, local=True, job_title=title, speaks_for=body,
                        span=(det.start, stop), how="unnamed")
        return Speaker(ref, det.start, stop, "unnamed", CONFIDENCE["unnamed"], body,
                       role=head.low)

    def _place_tail(self, head, last: int, end: int) -> int:
        """Where the name of an unnamed person ends: a private person with the place that
        tells them apart ('a kiln owner in Kasur'), or the whole of a possessed body ('an
        official at Italy's Interior Ministry')."""
        k = last
        if last == end and self.toks[last - 1] is head and head.low in self.words.private \
                and k + 1 < len(self.toks) and self.toks[k].low == "in" \
                and self.toks[k + 1].is_title:
            k += 1
        elif not (last == end and end < len(self.toks) and self.toks[end].low in ("'s", "’s")
                  and self.toks[end - 1] is not head):
            return last
        while k < len(self.toks) and k - last < 8:
            tok = self.toks[k]
            if tok.is_title and tok.text.replace("-", "").isalpha():
                k += 1
            elif tok.low in ("'s", "’s") and k + 1 < len(self.toks) \
                    and self.toks[k + 1].is_title:
                k += 1
            else:
                break
        return k if k > last + 1 else last

    def _document_at(self, i: int, limit):
        """'a survey published on Friday by X', 'A review of 500 statements by X': the author."""
        if self.toks[i].low in self.words.documents:
            heads = [i]  # 'according to testimony given ... by X'
        elif self.toks[i].low in self.words.determiners:
            heads = [w for w in self._noun_phrase(i + 1, limit)
                     if self.toks[w].low in self.words.documents]
        else:
            return None
        if not heads:
            return None
        k = heads[0] + 1
        stop = min(len(self.toks), k + 10, limit if limit is not None else len(self.toks))
        for n in range(k, stop):
            if self.toks[n].text in SENTENCE_PUNCT or self.toks[n].text == ",":
                return None
            if self.toks[n].low == "by":
                parsed = self.parse(n + 1, limit)
                if parsed is not None:
                    return parsed
        return None

    def _description_at(self, i: int, limit):
        """'the committee', 'this year's report' when no other mapper resolved them: the
        nearest fitting body, or the edition of the year meant."""
        if self.toks[i].low not in ("the", "this", "last") or i + 1 >= len(self.toks):
            return None
        k, year = self._year_words(i)
        same = year is None and self.toks[k].low == "same" and k + 1 < len(self.toks)
        k += 1 if same else 0  # 'the same forum found'
        noun = self.toks[k].low if k < len(self.toks) else ""
        if year is not None and noun in self.words.documents:
            ref = self._edition_of(year)
        else:
            kinds = self.words.body_nouns.get(noun) if k == i + 1 + same else None
            ref = self._resolve_body(noun, self.toks[i].start, kinds) if kinds else None
        if ref is None:
            return None
        start, stop = self.toks[i].start, self.toks[k].end
        return Speaker(ref, start, stop, "reference", CONFIDENCE["reference"], mention=True), k + 1

    def _year_words(self, i: int):
        """"this year's" / "last year's" after token ``i``: the year meant, and the index of
        the next word."""
        date = self.ctx.article.date or ""
        if self.toks.words(i + 1, i + 3) == ["year", "'s"] and date[:4].isdigit():
            offset = {"this": 0, "last": -1}.get(self.toks[i].low)
            if offset is not None:
                return i + 3, str(int(date[:4]) + offset)
        return i + 1, None

    def _edition_of(self, year: str):
        """The report edition of that year the article mentions."""
        for m in self.ctx.mentions_of("Report"):
            if any(p == TG.year and str(o) == year
                   for s, p, o in self.ctx.statements(m.ref.iri)):
                return m.ref
            record = m.ref.record
            if record is not None and str(record.get("year")) == year:
                return m.ref
        return None

    def _name_at(self, i: int, limit):
        """A name seen only here: a surname of a known person ('Kim said'), the short form of
        a known name ('Bridge of Hope'), or a new person ('Rahul Menon, an independent
        researcher, said')."""
        run = self._title_run(i, limit)
        if not run or (len(run) == 1 and not self._apposed_person(run[0] + 1)
                       and self._apposed_age(run[0] + 1, run[0] + 5) is None
                       and self._known_name(self.toks[run[0]].text) is None):
            return None
        end = run[-1] + 1
        text = self.text[self.toks[run[0]].start:self.toks[run[-1]].end]
        start, stop = self.toks[run[0]].start, self.toks[run[-1]].end
        ref = self._known_name(text)
        if ref is None and any(m.start < stop and start < m.end for m in self.ctx.mentions):
            return None
        if ref is not None:
            return Speaker(ref, start, stop, "name", CONFIDENCE["name"], self.speaks_for(ref),
                           mention=True), end
        if not self._looks_like_person(run, end):
            return None
        kind = self.ctx.classify_name(text, "Person")
        if kind not in ACTOR_KINDS:
            return None
        title, body = self._person_details(end) if kind == "Person" else (None, None)
        ref = NewEntity(kind, text, job_title=title, speaks_for=body, span=(start, stop))
        return Speaker(ref, start, stop, "name", CONFIDENCE["name"], body), end

    def _title_run(self, k: int, limit) -> list[int]:
        """Capitalised words from token ``k`` ('Osaretin Aghedo', 'Bridge of Hope')."""
        run = []
        while k < len(self.toks) and len(run) < 6 and (limit is None or k < limit):
            tok = self.toks[k]
            if tok.is_title and tok.text.replace("-", "").isalpha():
                run.append(k)
            elif tok.low in ("of", "for", "the", "and") and run and k + 1 < len(self.toks) \
                    and self.toks[k + 1].is_title:
                run.append(k)
            else:
                break
            k += 1
        return run

    def _known_name(self, text: str):
        """A person of the article by surname or full name, or an actor whose name begins with
        these words."""
        entities = sorted(self.ctx.entities.values(), key=lambda r: str(r.iri))
        low = text.lower()
        people = [r for r in entities if r.kind == "Person" and not r.local]
        for ref in people:
            if ref.name == text or ref.name.split()[-1] == text:
                return ref
        firsts = [r for r in people if " " in r.name and r.name.split()[0] == text]
        if len(firsts) == 1:
            return firsts[0]  # 'Mirela' after 'Mirela Kovačević'
        if " " not in text:
            if low in STOP_WORDS or not text[:1].isupper():
                return None
            orgs = [r for r in entities if r.kind in ORG_KINDS and not r.local
                    and r.name.lower().startswith(low + " ")]
            return orgs[0] if len(orgs) == 1 else None  # 'Mitti' after 'Mitti Labour ...'
        for ref in entities:
            if ref.kind in ORG_KINDS and ref.name.lower().startswith(low + " "):
                return ref
        return None

    def _apposed_person(self, k: int) -> bool:
        """', a former domestic worker who ...': a person noun in an apposition."""
        if k >= len(self.toks) or self.toks[k].text != "," or k + 1 >= len(self.toks) \
                or self.toks[k + 1].low not in ("a", "an", "the"):
            return False
        words = self._noun_phrase(k + 2, None)
        return bool(words) and self.toks[words[-1]].low in self.words.people

    def _looks_like_person(self, run: list[int], end: int) -> bool:
        toks = [self.toks[k] for k in run]
        if len(toks) == 1 and toks[0].low not in STOP_WORDS and (
                self._apposed_person(end) or self._apposed_age(end, end + 4) is not None):
            return True
        if not 2 <= len(toks) <= 3 or any(t.low in STOP_WORDS for t in toks):
            return False
        if any(t.low in self.words.people or t.low in self.words.officials for t in toks):
            return False
        follows = self.toks[end] if end < len(self.toks) else None
        return follows is not None and (follows.text == "," or
                                        self.words.verb_at(self.toks, end) is not None
                                        or follows.text in SENTENCE_PUNCT)

    def _person_details(self, end: int):
        """'Name, (a) role (of|at|for) Org,': the job title and the body spoken for."""
        if end >= len(self.toks) or self.toks[end].text != ",":
            return None, None
        k = end + 1
        for n in range(k, min(len(self.toks), k + 8)):
            tok = self.toks[n]
            if tok.text in ",." or tok.text in QUOTE_MARKS:
                break
            if tok.low in self.words.roles:
                return self._role_text(k, n), self._person_body(n + 1)
        return None, None

    def _role_text(self, k: int, n: int) -> str:
        start = k + (1 if self.toks[k].low in ("a", "an", "the") else 0)
        return self.text[self.toks[start].start:self.toks[n].end]

    def _person_body(self, n: int):
        if n >= len(self.toks) or self.toks[n].low not in self.words.body_prepositions:
            return None
        return self._body_after(n, None)[0]

    def speaks_for(self, ref):
        """The body a person or group speaks for, as the actors mapper (or this one) recorded
        it."""
        if ref.kind not in ("Person", "ActorGroup"):
            return None
        for s, p, o in self.ctx.statements(ref.iri):
            if p == TG.speaksFor:
                return self.ctx.entities.get(o)
        return None

    def commit(self, speaker: Speaker) -> Speaker:
        """Create what a speaker needs now that a claim is attributed to it."""
        ref = speaker.ref
        if isinstance(ref, NewEntity):
            real = self.ctx.entity(ref.kind, ref.name, key=ref.key, local=ref.local)
            if real.iri not in self.declared:
                self.declared.add(real.iri)
                if ref.job_title:
                    self.ctx.add(real.iri, SCHEMA.jobTitle, Literal(ref.job_title))
                if ref.speaks_for is not None:
                    self.ctx.add(real.iri, TG.speaksFor, ref.speaks_for.iri)
            self.mention_once(real, *ref.span, ref.how)
            speaker = replace(speaker, ref=real)
        elif speaker.mention:
            self.mention_once(ref, speaker.start, speaker.end, "reference")
        if speaker.role is not None:
            self.unnamed[speaker.role] = speaker
        return replace(speaker, mention=False)

    def again(self, speaker: Speaker, how: str) -> Speaker:
        conf = min(speaker.confidence, CONFIDENCE.get(how, speaker.confidence))
        return replace(speaker, how=how, confidence=conf)

