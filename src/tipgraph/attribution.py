"""Attributing claims: where an article says who said what.

:class:`ClaimFinder` walks an article in text order and collects :class:`Found` claims:

- direct quotations: a passage between quotation marks (straight or curly) whose speaker is named
  after it ('"...," said X', '"...," X said', '"...," X, role of Org, said'), before it ('X said:
  "..."'), around it ('"...," X said, "..."'), in the next sentence ('"..." That was how X put
  it'), or - for a quotation standing alone right after an attributed one - by continuation.
  A few words quoted inside a reported clause make that claim a (partial) direct quotation;
  other short quotations are scare quotes, terms or titles and are left alone;
- reported speech: "X argues/maintains/warned that ...", "X rejected the findings",
  "..., X said.", "according to X, ...", coordinated verbs ("... and denied that ..."),
  participles sharing their clause's subject ("..., citing concerns that ..."), relative
  clauses ("..., which critics argue has ...") and a sentence that names the source of the one
  before ("That is the conclusion of a log kept by X."); the listener after a verb is skipped
  ("told jurors he ...", "said to reporters"), an attribution in commas keeps the sentence
  around it ("a family, they argue, is not a factory"), "that A and that B" makes two claims,
  a verb of taking sides with its agent ("a change welcomed by X") is a claim of the agent,
  and the attribution that ends a sentence owns a claim nested inside it;
- lists: the items under a line ending in a colon ("Key findings of the report:") are claims
  of the source that line names, or of the claim just before it.

Speakers are read by :class:`tipgraph.speakers.SpeakerParser`; words come from the lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rdflib import URIRef
from spacy.lang.en.stop_words import STOP_WORDS

from .gazetteer import LAW_KINDS
from .speakers import (GROUP_KINDS, ORG_KINDS, PREPOSITIONS, PRONOUNS, QUOTE_MARKS, RELATIVE,
                       REPORT_KINDS, SENTENCE_PUNCT, Speaker, SpeakerParser)
from .speech import Quote, Tokens, find_quotes, phrase_at, quote_is_full, words_of

__all__ = ["Found", "ClaimFinder"]

# Words before which a verb form is a noun or an infinitive ("the report", "to report").
# Pronouns that open a reported clause without "that" ("told jurors he slept ...").
PRONOUN_SUBJECTS = {"he", "she", "they", "it", "we", "i", "there"}
_LIST_INTRO = re.compile(r"(?m)^[^\n]{3,200}:[ \t]*\n(?=\s*[-•*][ \t])")
_LIST_ITEM = re.compile(r"\s*[-•*][ \t]+([^\n]+)\n?")
_INITIALS = re.compile(r"(?:[A-Z]\.)+[A-Z]")  # 'J.R.M', 'U.N'
NOMINAL = {"the", "a", "an", "this", "these", "those", "its", "their", "his", "her", "our", "my",
           "your", "of", "to", "with", "in", "for", "by", "from", "on", "whose", "any", "no"}


@dataclass
class Found:
    """A claim found in the text, before it is written as triples."""

    speaker: Speaker
    parts: list                      # [(start, end)]: the words that carry the claim
    mode: str                        # "direct" or "reported"
    verb: tuple | None = None        # (start, end) of the reporting verb as written
    lemma: str | None = None
    stance_of_verb: str = "asserts"
    quote: tuple | None = None       # (start, end) of the quoted words
    confidence: float = 0.8
    antecedent: object = None        # the mention a relative clause ("which ...") is about
    joined: list = field(default_factory=list)  # the other half of a quotation split around
    #                                             its attribution: one utterance, one stance
    node: URIRef | None = None
    stance: URIRef | None = None
    claimant: object = None
    behalf: object = None

    @property
    def start(self) -> int:
        return min(a for a, _ in self.parts)

    @property
    def end(self) -> int:
        return max(b for _, b in self.parts)


class ClaimFinder:
    """Walks the article in text order and collects the claims it attributes."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.text = ctx.text
        self.words = words_of(ctx.lexicon)
        self.toks = Tokens(ctx.text)
        self.quotes = self._quotes()
        self.found: list[Found] = []
        self.used_quotes: set[int] = set()
        self.used_verbs: set[int] = set()
        self.speakers = SpeakerParser(ctx, self.words, self.toks, self.quotes, self.found)

    # -- the walk -----------------------------------------------------------------------------
    def run(self) -> list[Found]:
        events = [(q.open, 0, q) for q in self.quotes if self._full(q)]
        for i, tok in enumerate(self.toks):
            verb = self.words.verb_at(self.toks, i) is not None
            according = bool(phrase_at(self.toks, i, self.words.according))
            if not (verb or according) or not self._speakable(tok.start):
                continue
            if verb:
                events.append((tok.start, 1, i))
            if according:
                events.append((tok.start, 2, i))
        events.extend((s.start, 3, s) for s in self.ctx.sentences
                      if phrase_at(self.toks, self.toks.index_at(s.start),
                                   self.words.backward_cues) and self._speakable(s.start))
        events.extend((m.start(), 4, m) for m in _LIST_INTRO.finditer(self.text)
                      if self._speakable(m.start()))
        for _, kind, item in sorted(events, key=lambda e: (e[0], e[1])):
            (self._quote, self._verb, self._according, self._backward, self._list)[kind](item)
        return sorted(self.found, key=lambda f: (f.start, f.end))

    def _speakable(self, char: int) -> bool:
        """In the standfirst or body, outside the title and headline-case lines."""
        art = self.ctx.article
        if art.title is not None and art.title.start <= char < art.title.end:
            return False
        if not self.ctx.in_prose(char):
            return False
        return not _headline_case(self.ctx.sentence_at(char).text)

    # -- quotations -----------------------------------------------------------------------------
    def _quotes(self) -> list[Quote]:
        art = self.ctx.article
        parts = [p for p in (art.standfirst, art.body) if p is not None]
        found = []
        for part in parts:
            found.extend(find_quotes(self.text, part.start, part.end))
        return found

    def _full(self, q: Quote) -> bool:
        return quote_is_full(self.text, q) and self._speakable(q.open)

    def _quote_words(self, q: Quote) -> str:
        return self.text[q.inner[0]:q.inner[1]]

    def _quote(self, q: Quote) -> None:
        if q.open in self.used_quotes:
            return
        after = self._attribution_after(q)
        if after is not None:
            speaker, verb, around = after
            self._direct(q, speaker, verb)
            if around is not None:
                first = self.found[-1]
                again = self.speakers.again(first.speaker, "continuation")
                self._direct(around, again, verb, factor=0.95)
                first.joined, self.found[-1].joined = self.found[-1].parts, first.parts
            return
        speaker = self._continuation(q) or self._next_sentence(q)
        if speaker is not None:
            self._direct(q, speaker, None, factor=0.9)

    def _direct(self, q: Quote, speaker: Speaker, verb, factor: float = 1.0) -> None:
        self.used_quotes.add(q.open)
        start, end = _trim(self.text, *q.inner)
        self._add(Found(speaker, [(start, end)], "direct", verb=verb, lemma=self._lemma(verb),
                        quote=(start, end), confidence=speaker.confidence * factor))

    def _add(self, found: Found) -> None:
        found.speaker = self.speakers.commit(found.speaker)
        self.found.append(found)

    def _lemma(self, verb) -> str | None:
        if verb is None:
            return None
        form = self.words.verb_at(self.toks, self.toks.index_at(verb[0]))
        return form.lemma if form else None

    def _attribution_after(self, q: Quote):
        """'"...," said X' / '"...," X said' / '"...," X, role, said, "..."'."""
        if self._quote_words(q).rstrip()[-1:] in ".;:…":
            return None  # a quotation that ends its sentence is not followed by 'X said'

        i = self.toks.index_at(q.end)
        tail_end = self._tail_end(i)
        for k in range(i, min(tail_end, i + 40)):
            if self.toks[k].low not in self.words.quote_verbs:
                continue
            speaker = self._speaker_around_quote_verb(i, k, tail_end)
            if speaker is None:
                return None
            self.used_verbs.add(k)
            verb = (self.toks[k].start, self.toks[k].end)
            return speaker, verb, self._around(tail_end)
        return None

    def _tail_end(self, i: int) -> int:
        """Index of the token that ends the attribution after a quotation."""
        k = i
        while k < len(self.toks):
            tok = self.toks[k]
            if (tok.text in SENTENCE_PUNCT and not self._abbreviation(tok.end)) \
                    or tok.text in QUOTE_MARKS:
                return k
            k += 1
        return k

    def _speaker_around_quote_verb(self, i: int, k: int, tail_end: int) -> Speaker | None:
        if k == i:  # said X
            parsed = self.speakers.parse(k + 1, limit=tail_end)
            return parsed[0] if parsed else None
        for s in range(i, min(k, i + 6)):
            if s > i and not (self.toks[s - 1].is_title or self.toks[s - 1].text == "."):
                return None  # after a title in capitals: 'Assistant U.S. Attorney X told'
            parsed = self.speakers.parse(s, limit=k)
            if parsed is not None and self._verb_follows(parsed[1], k):
                return parsed[0]
        return None

    def _verb_follows(self, end: int, k: int) -> bool:
        """Only auxiliaries, adverbs or an apposition stand between a speaker and its verb."""
        gap = self.toks[end:k]
        return all(self._between(t.low) for t in gap) or bool(gap and gap[0].text in ",(")

    def _around(self, tail_end: int) -> Quote | None:
        """The quotation that resumes right after '..." X said, "...'."""
        if tail_end >= len(self.toks) or self.toks[tail_end].text not in QUOTE_MARKS:
            return None
        if self.toks[tail_end - 1].text != ",":
            return None
        start = self.toks[tail_end].start
        return next((q for q in self.quotes if q.open == start and self._full(q)), None)

    def _continuation(self, q: Quote) -> Speaker | None:
        """A quotation standing alone right after the sentence of an attributed one."""
        if self._duplicate(q):
            return None
        before = [f for f in self.found if f.end <= q.open]
        if not before:
            return None
        prev = max(before, key=lambda f: f.end)  # a quotation or reported speech right before
        reach = max(prev.end, prev.speaker.end, prev.verb[1] if prev.verb else 0)
        sentence_end = self.ctx.sentence_at(reach).end
        gap = self.text[max(reach, sentence_end):q.open]
        if gap.strip(" \n\t\"“”") or self.text[reach:q.open].count("\n") > 2:
            return None
        return self.speakers.again(prev.speaker, "continuation")

    def _duplicate(self, q: Quote) -> bool:
        """A pull quote: the same words are quoted again elsewhere in the article."""
        words = self._quote_words(q).strip()
        return any(o.open != q.open and self._quote_words(o).strip() == words
                   for o in self.quotes)

    def _next_sentence(self, q: Quote) -> Speaker | None:
        """'"..." That was how X put it.'"""
        i = self.toks.index_at(q.end)
        cue = phrase_at(self.toks, i, self.words.next_cues)
        if not cue:
            return None
        end = self._tail_end(i)
        for k in range(i + len(cue), end):
            parsed = self.speakers.parse(k, limit=end)
            if parsed:
                return self.speakers.again(parsed[0], "next-sentence")
        return None

    # -- reported speech ------------------------------------------------------------------------
    def _verb(self, i: int) -> None:
        form = self.words.verb_at(self.toks, i)
        j = i + len(form.words)
        if i not in self.used_verbs and self._passive(i, j, form):
            return
        if i in self.used_verbs or not self._verb_use(i, j, form):
            return
        sentence = self.ctx.sentence_at(self.toks[i].start)
        prev = self._previous_in_sentence(i, sentence)
        linked = self._coordinated(prev, i) if prev is not None else None
        if linked is None and prev is not None and prev.start <= self.toks[i].start < prev.end:
            linked = self._trailing(prev, i, j, sentence)
            if linked is None:
                return  # speech reported inside another claim
        if linked is not None:
            speaker, shared, start = linked
        else:
            speaker, shared, start = self._subject(i, form), False, None
        if speaker is None:
            return
        self._report(i, j, form, speaker, sentence, shared, start)

    def _trailing(self, prev: Found, i: int, j: int, sentence):
        """'... shift that UNODC documented in its report: ..., the Forum said today.': the
        attribution that ends the sentence owns all of it; the claim inside ends before it."""
        speaker = self._adjacent(i, self._clause_start(i))
        if speaker is None or speaker.start <= prev.start:
            return None
        s = self.toks.index_at(speaker.start)
        s -= 1 if self.toks[s - 1].low in ("the", "a", "an") else 0
        end = self._clause_end(j, sentence)
        if self.toks[s - 1].text != "," or not self._nothing_after(j, end):
            return None
        self._cut(prev, self.toks[s - 1].start)
        return speaker, False, self._clause_start_char(sentence, prev.start)

    def _passive(self, i: int, j: int, form) -> bool:
        """', a change welcomed by X': a verb of taking sides in the passive, with its agent;
        the claim runs from the noun it follows to the agent's name."""
        if form.stance == "asserts" or j + 1 >= len(self.toks) or self.toks[j].low != "by" \
                or i < 2 or self.toks[i - 1].is_title or self.speakers.inside_quote(
                    self.toks[i].start):
            return False
        parsed = self.speakers.parse(j + 1)
        comma = next((k for k in range(i - 1, max(0, i - 6), -1) if self.toks[k].text == ","),
                     None)
        if parsed is None or comma is None or not all(t.is_word for t in self.toks[comma + 1:i]):
            return False
        speaker, end = parsed
        part = _trim(self.text, self.toks[comma + 1].start, self.toks[end - 1].end)
        verb = (self.toks[i].start, self.toks[j - 1].end)
        self._add(Found(speaker, [part], "reported", verb=verb, lemma=form.lemma,
                        stance_of_verb=form.stance, confidence=speaker.confidence * 0.85))
        return True

    def _verb_use(self, i: int, j: int, form) -> bool:
        """Whether the words at ``i`` are a verb of saying here (not a noun, infinitive,
        passive or part of a name)."""
        tok = self.toks[i]
        if self.speakers.inside_quote(tok.start) or \
                self._in_mention(tok.start, self.toks[j - 1].end):
            return False
        if i > 0 and self.toks[i - 1].low in NOMINAL:
            return False
        if i > 1 and self.toks[i - 1].low in ("not", "never") and \
                self.toks[i - 2].low not in self.words.between:
            return False  # 'detections, not estimates': a noun
        if j < len(self.toks) and (self.toks[j].low == "by"
                                   or self.toks[j].low in self.words.reflexives
                                   or self.toks[j].low in self.words.not_before.get(tok.low, ())):
            return False
        k = i - 1
        while k >= 0 and self._between(self.toks[k].low):
            if self.toks[k].low in self.words.be_forms and not tok.low.endswith("ing"):
                return False
            k -= 1
        return True

    def _in_mention(self, start: int, end: int) -> bool:
        return any(m.start < end and start < m.end for m in self.ctx.mentions)

    def _between(self, low: str) -> bool:
        """Auxiliaries and adverbs that may stand between a subject and its verb."""
        return low in self.words.between or (low.endswith("ly") and len(low) > 4
                                              and low not in self.words.people)

    def _previous_in_sentence(self, i: int, sentence) -> Found | None:
        """The last claim made by a verb earlier in the same sentence."""
        char = self.toks[i].start
        for f in reversed(self.found):
            if f.verb is not None and sentence.start <= f.verb[0] and f.verb[1] <= char:
                return f
        return None

    def _coordinated(self, prev: Found, i: int):
        """A verb inside an earlier claim's clause: ', but it found that', '... and denied
        that', ', saying that', ', a charge the ministry rejected' start a new claim (cutting
        the earlier one); anything else is speech reported inside the claim and left to it.
        Returns the speaker, whether it is shared, and where the new claim's text starts."""
        low = self.toks.index_at(prev.verb[1])
        return self._new_clause(prev, i, low) or self._shared(prev, i, low) or \
            self._charge(prev, i, low)

    def _new_clause(self, prev: Found, i: int, low: int):
        """', but it found that' / '; the ministry said' / ', while X, which ..., welcomed'."""
        for b in range(i - 1, low - 1, -1):
            tok = self.toks[b]
            if tok.text != ";" and tok.low not in self.words.openers:
                continue
            comma = tok.text == ";" or self.toks[b - 1].text == ","
            speaker = self._adjacent(i, b + 1)
            if speaker is not None and speaker.start != self.toks[b + 1].start:
                speaker = None  # '... and that it expected': a second reported clause
            if speaker is None and comma:
                initial = self._initial_at(self._skip_intro(b + 1, i), i)
                speaker = initial[0] if initial else None
            if speaker is None:
                return None
            self._cut(prev, self.toks[b - 1 if comma and tok.text != ";" else b].start)
            return speaker, False, None
        return None

    def _shared(self, prev: Found, i: int, low: int):
        """'... and denied that', ', saying that': the same speaker goes on."""
        b = i - 1
        while b >= low and self._between(self.toks[b].low):
            b -= 1
        if b < low or self.toks[b].low not in (",", "and", "but", "—", "–"):
            return None
        cut = b - 1 if self.toks[b].low in ("and", "but") and self.toks[b - 1].text == "," else b
        self._cut(prev, self.toks[cut].start)
        return self.speakers.again(prev.speaker, prev.speaker.how), True, None

    def _charge(self, prev: Found, i: int, low: int):
        """'..., a charge the Commission rejected': a claim about the claim before it."""
        b = next((k for k in range(i - 1, max(low, i - 8) - 1, -1) if self.toks[k].text == ","),
                 None)
        if b is None or b + 3 > i or self.toks[b + 1].low not in ("a", "an", "the") \
                or self.toks[b + 2].low not in self.words.claim_nouns:
            return None
        first = b + 3 + (1 if self.toks[b + 3].low in RELATIVE else 0)
        speaker = self._adjacent(i, first)
        if speaker is None:
            return None
        self._cut(prev, self.toks[b].start)
        return speaker, False, self.toks[b + 1].start

    def _cut(self, f: Found, end: int) -> None:
        start, old_end = f.parts[-1]
        if start < end <= old_end:
            f.parts[-1] = _trim(self.text, start, end)

    def _report(self, i: int, j: int, form, speaker: Speaker, sentence, shared: bool,
                start: int | None = None) -> None:
        """Make the claim of a reporting verb: its clause, quotation and text."""
        verb = (self.toks[i].start, self.toks[j - 1].end)
        j = self._past_listener(j, form)
        quote = self._quote_after_verb(j)
        if quote is not None:
            self._direct(quote, speaker, verb)
            return
        parts = self._content(i, j, form, speaker, sentence, shared)
        if start is not None and parts:
            parts = [(start, parts[-1][1])]
        if not parts or not any(self.text[a:b].strip() for a, b in parts):
            return
        for piece in self._that_clauses(parts):
            found = Found(speaker, piece, "reported", verb=verb, lemma=form.lemma,
                          stance_of_verb=form.stance, confidence=speaker.confidence * 0.95,
                          antecedent=self._antecedent(speaker))
            self._mixed_quotation(found)
            self._add(found)

    def _that_clauses(self, parts: list) -> list[list]:
        """'insisted that A and that B': one claim for each 'that' clause."""
        if len(parts) != 1:
            return [parts]
        a, b = parts[0]
        k = self.toks.index_at(a)
        while k + 1 < len(self.toks) and self.toks[k + 1].end <= b:
            if self.toks.words(k, k + 2) == ["and", "that"] and \
                    not self.speakers.inside_quote(self.toks[k].start):
                first = _trim(self.text, a, self.toks[k].start)
                rest = self._that_clauses([_trim(self.text, self.toks[k + 1].end, b)])
                return [[first]] + rest if first[1] > first[0] else rest
            k += 1
        return [parts]

    def _past_listener(self, j: int, form) -> int:
        """Index past whom the words were addressed to: 'told the court', 'told jurors', 'said
        to reporters', 'told The Standard', 'told me'."""
        w = self.words
        k = j
        if k < len(self.toks) and self.toks[k].low == "to" and form.lemma in w.to_listener_verbs:
            k += 1
        elif form.lemma not in w.listener_verbs:
            return j
        if k < len(self.toks) and self.toks[k].low in w.listener_pronouns:
            return k + 1
        named = self._named_listener(k)
        if named is not None:
            return named
        start = k + (1 if k < len(self.toks) and self.toks[k].low in ("the", "a", "an") else 0)
        for n in range(start, min(start + 4, len(self.toks))):
            if not self.toks[n].is_word:
                break
            if self._listener(n) and (n + 1 >= len(self.toks) or not self._listener(n + 1)):
                return n + 1
        return j

    def _listener(self, n: int) -> bool:
        low = self.toks[n].low
        return low in self.words.listeners or low in self.words.people \
            or low in self.words.group_nouns

    def _named_listener(self, k: int) -> int | None:
        """'told Reuters', 'told the BBC', 'told The Standard': a name that a clause, a comma
        or the sentence's end follows."""
        run = k
        while run < len(self.toks) and run < k + 5 and (
                self.toks[run].is_title or (run == k and self.toks[run].low == "the")):
            run += 1
        if run == k or (run == k + 1 and self.toks[k].low == "the"):
            return None
        after = self.toks[run] if run < len(self.toks) else None
        if after is None or after.text in ",.;:" or after.low in ("that", "in", "on") \
                or after.low in PRONOUN_SUBJECTS:
            return run
        return None

    def _quote_after_verb(self, j: int) -> Quote | None:
        """'X said: "..."' / 'X said, "..."' / 'X said that "..."'."""
        k = j
        while k < len(self.toks) and k < j + 2 and self.toks[k].low in (":", ",", "that"):
            k += 1
        if k >= len(self.toks) or self.toks[k].text not in QUOTE_MARKS:
            return None
        q = next((q for q in self.quotes if q.open == self.toks[k].start), None)
        if q is None or q.open in self.used_quotes or not self._full(q):
            return None
        return q

    def _content(self, i: int, j: int, form, speaker, sentence, shared: bool) -> list:
        """The pieces of text that carry the claim of the verb at tokens ``i``..``j``."""
        end = self._clause_end(j, sentence)
        if self._parenthetical(i, j, speaker, end):
            start = self._paren_start(self.toks.index_at(speaker.start), sentence)
            return [_trim(self.text, start, self.toks[end - 1].end)]
        if speaker.start < self.toks[i].start and self._nothing_after(j, end):
            before = self._content_before(speaker, sentence, j, end)
            return before or [_trim(self.text, speaker.start, self.toks[j - 1].end)]
        if speaker.start > self.toks[i].start:  # inverted: ', said the ministry.'
            return self._content_before(speaker, sentence, j, end, inverted=True)
        comp = self._complementiser(j, end)
        if comp is None and j < len(self.toks) and self.toks[j].text == "," and \
                form.lemma not in self.words.object_verbs:
            return []  # nothing is reported: 'the victims police find, another ...'
        keep_verb = form.stance != "asserts" or form.lemma in self.words.verb_in_text
        shared = shared or self.toks[i - 1].text == ","
        if comp is not None:
            start = self.toks[i].start if keep_verb else self.toks[comp].start
        elif form.lemma in self.words.object_verbs and not shared \
                and speaker.start >= sentence.start:
            start = self._object_head(speaker.start)
            end = self._object_end(j, end)
        else:
            start = self.toks[i].start if keep_verb else self.toks[j].start
        return [_trim(self.text, start, self.toks[end - 1].end)] if end > j else []

    def _parenthetical(self, i: int, j: int, speaker, end: int) -> bool:
        """'a family, they argue, is not a factory': the attribution stands in commas inside
        the sentence, and the claim is the sentence around it."""
        s = self.toks.index_at(speaker.start)
        if not (0 < s < i and j + 1 < end and self.toks[j].text == ","):
            return False
        return self.toks[s - 1].text == "," and self.toks[j + 1].is_word \
            and self._paren_start(s, self.ctx.sentence_at(speaker.start)) < \
            self.toks[s - 1].start

    def _paren_start(self, s: int, sentence) -> int:
        """Where the sentence around a parenthetical attribution begins: its start, or after
        a colon, semicolon or dash."""
        first = self.toks.index_at(max(sentence.start, self._clause_start_char(sentence, 0)))
        for k in range(s - 1, first - 1, -1):
            if self.toks[k].text in (";", ":", "—", "–"):
                return self.toks[k].end
        return self.toks[first].start

    def _object_head(self, start: int) -> int:
        """', a decision the government called political': the claim starts at the noun the
        verb's missing object stands for."""
        k = self.toks.index_at(start)
        if k >= 3 and self.toks[k - 3].text == "," and self.toks[k - 2].low in ("a", "an", "the") \
                and self.toks[k - 1].is_word and not self.toks[k - 1].is_title:
            return self.toks[k - 2].start
        return start

    def _object_end(self, j: int, end: int) -> int:
        """An object ends before ', and' / ', but' / ', while' (a new clause follows)."""
        for k in range(j, end - 1):
            if self.toks[k].text == "," and self.toks[k + 1].low in self.words.openers:
                return k
        return end

    def _clause_end(self, j: int, sentence) -> int:
        """Index past the last token of the clause that follows a verb."""
        k = j
        stop = self._sentence_end(sentence)
        while k < len(self.toks) and self.toks[k].start < stop:
            tok = self.toks[k]
            if tok.text == ";" or (tok.text in QUOTE_MARKS and self._opens_full_quote(tok.start)
                                   and not self._embedded(k)):
                break
            if tok.text == "," and phrase_at(self.toks, k + 1, self.words.according):
                break
            if tok.text in ".!?" and not self._abbreviation(tok.end) and not (
                    k + 1 < len(self.toks) and self.toks[k + 1].text in QUOTE_MARKS):
                break  # the sentencizer may end a sentence before its full stop
            k += 1
        while k > j and self.toks[k - 1].text in {".", ",", ";", ":", "!", "?"}:
            k -= 1
        return k

    def _sentence_end(self, sentence) -> int:
        """The end of a sentence, joining the next one while it does not end in a full stop
        (the sentencizer may break after a quotation mark)."""
        end = sentence.end
        while end < len(self.text) and (self.text[:end].rstrip("”\"’') ")[-1:] not in ".!?…:"
                                        or self._abbreviation(end)):
            following = self.ctx.sentence_at(end + 1)
            if following.end <= end or "\n" in self.text[end:following.start]:
                break
            end = following.end
        return end

    def _abbreviation(self, end: int) -> bool:
        """Whether the full stop before ``end`` ends an abbreviation ('No.', 'U.S.')."""
        k = self.toks.index_ending(end) - 1
        if k < 1 or self.toks[k].text != ".":
            return False
        word = self.toks[k - 1]
        return word.low in self.words.abbreviations or (len(word.text) == 1 and word.is_title) \
            or _INITIALS.fullmatch(word.text) is not None

    def _embedded(self, k: int) -> bool:
        """Quoted words that go on the writer's sentence ('a wage dispute that prosecutors
        "dressed up as slavery."'): a word, not a verb of saying, stands before the mark."""
        if k == 0 or not self.toks[k - 1].is_word:
            return False
        return self.words.verb_at(self.toks, k - 1) is None

    def _opens_full_quote(self, char: int) -> bool:
        return any(q.open == char and self._full(q) for q in self.quotes)

    def _nothing_after(self, j: int, end: int) -> bool:
        """Only a time or place follows the verb: '..., the group said (on Friday).'"""
        rest = self.toks[j:end]
        if not rest:
            return True
        if rest[0].text == "," and len(rest) > 1 and rest[1].low.endswith("ing"):
            return True
        cut = next((n for n, t in enumerate(rest) if t.text == ","), len(rest))
        head = rest[:cut]
        if len(head) > 8 or any(t.low in ("that", ":") for t in head):
            return False
        if cut < len(rest) and not (len(rest) > cut + 1 and rest[cut + 1].low.endswith("ing")):
            return False
        return not head or head[0].low in {"this", "last", "on", "in", "at", "earlier", "later",
                                           "late", "yesterday", "today", "recently"}

    def _content_before(self, speaker, sentence, j: int, end: int, inverted: bool = False):
        """'Malaysia has moved up ..., the US State Department said this week, rewarding ...'."""
        anchor = speaker.start if not inverted else self._verb_start_before(speaker.start)
        comma = self.text.rfind(",", sentence.start, anchor)
        if comma <= sentence.start:
            return []
        start = self._clause_start_char(sentence, comma)
        parts = [_trim(self.text, start, comma)]
        rest = self.toks[j:end]
        trailing = next((n for n, t in enumerate(rest) if t.text == ","), None)
        if trailing is not None and trailing + 1 < len(rest) \
                and rest[trailing + 1].low.endswith("ing"):
            parts.append((rest[trailing].start, self.toks[end - 1].end))
        return [p for p in parts if p[1] > p[0]]

    def _verb_start_before(self, char: int) -> int:
        k = self.toks.index_ending(char) - 1
        while k > 0 and self.toks[k].text != ",":
            k -= 1
        return self.toks[k].start + 1

    def _clause_start_char(self, sentence, before: int) -> int:
        """Where a clause reported before its attribution begins: the sentence start (after a
        dateline), or the end of a claim already made in the sentence."""
        start = sentence.start
        for f in self.found:
            if sentence.start <= f.end <= before and f.mode == "reported":
                start = max(start, f.end)
        art = self.ctx.article
        if art.dateline is not None and art.dateline.start <= start < art.dateline.end:
            start = art.dateline.end
        while start < before and not self.text[start].isalnum():
            start += 1
        return start

    def _complementiser(self, j: int, end: int) -> int | None:
        """Index of the first word of the reported clause after 'that' (or ':'), skipping a few
        words between verb and 'that' ('notes, however, that', 'estimated in 2023 that')."""
        for k in range(j, min(end, j + 8)):
            words = phrase_at(self.toks, k, self.words.complementisers)
            if words or self.toks[k].text == ":":
                skipped = self.toks[j:k]
                if all(t.low in self.words.verb_gap or t.text[:1].isdigit() or t.is_title
                       for t in skipped) or _in_commas(skipped):
                    return k + (len(words) if words else 1)
                return None
            if self.words.verb_at(self.toks, k) is not None or self.toks[k].text in ".;":
                return None
        return None

    def _mixed_quotation(self, found: Found) -> None:
        """A few words quoted inside a reported clause make it a partial direct quotation."""
        for q in self.quotes:
            if found.start <= q.open and q.close < found.end + 1:
                words = self._quote_words(q).split()
                if len(words) >= 2 and q.open not in self.used_quotes and not self._term(q):
                    found.mode = "direct"
                    found.quote = _trim(self.text, *q.inner)
                    self.used_quotes.add(q.open)
                    return

    def _term(self, q: Quote) -> bool:
        """A few quoted words used as a name or term ('the so-called "dirty list"', 'the
        definition of "degrading conditions"'), not the speaker's own words."""
        k = self.toks.index_ending(q.open) - 1
        words = self._quote_words(q).split()
        return k >= 0 and len(words) <= 4 and self.toks[k].low in self.words.term_markers

    def _antecedent(self, speaker: Speaker):
        """'..., which critics argue has ...': the mention 'which' stands for."""
        k = self.toks.index_at(speaker.start) - 1
        if k < 1 or self.toks[k].low not in ("which", "that"):
            return None
        before = self.toks[k].start
        sentence = self.ctx.sentence_at(before)
        laws = [m for m in self.ctx.mentions_of("Statute", "Bill")
                if sentence.start <= m.start and m.end <= before and not self._authority(m)]
        if laws:
            return laws[-1]
        near = [m for m in self.ctx.mentions if sentence.start <= m.start and m.end <= before]
        return max(near, key=lambda m: (m.end, -m.start)) if near else None

    def _authority(self, law) -> bool:
        """A law named as the power another was made under ('under Article 23 of the Basic
        Law'), or inside a provision's name: not what a following 'which' stands for."""
        inside = any(m.ref.kind in LAW_KINDS and m.start <= law.start and law.end <= m.end
                     and (m.start, m.end) != (law.start, law.end) for m in self.ctx.mentions)
        k = self.toks.index_at(law.start)
        before = self.toks.words(max(0, k - 6), k)
        return inside or "under" in before

    # -- according to X; "That is the conclusion of X." ---------------------------------------
    def _according(self, i: int) -> None:
        phrase = phrase_at(self.toks, i, self.words.according)
        if self.speakers.inside_quote(self.toks[i].start):
            return
        parsed = self.speakers.parse(i + len(phrase))
        if parsed is None:
            return
        speaker, _ = parsed
        sentence = self.ctx.sentence_at(self.toks[i].start)
        np_end = self._next_comma_or_end(i, sentence)
        if self.toks[i].start <= self._clause_start_char(sentence, self.toks[i].start):
            parts = [_trim(self.text, np_end + 1, sentence.end)]
        else:
            comma = self.text.rfind(",", sentence.start, self.toks[i].start)
            if comma < 0:
                return
            parts = [_trim(self.text, self._clause_start_char(sentence, comma), comma)]
        if not parts or parts[0][1] <= parts[0][0]:
            return
        verb = (self.toks[i].start, self.toks[i + len(phrase) - 1].end)
        found = Found(speaker, parts, "reported", verb=verb, lemma=None,
                      confidence=speaker.confidence * 0.9)
        self._mixed_quotation(found)
        self._add(found)

    def _list(self, intro) -> None:
        """'Key findings of the report:' / 'Of those assisted in 2024:' and a list of items:
        each item is a claim of the source the line names, or of the claim just before it."""
        speaker = self._list_source(intro.start(), intro.end())
        if speaker is None:
            return
        for item in _LIST_ITEM.finditer(self.text, intro.end()):
            if item.start() != intro.end() and self.text[intro.end():item.start()].strip():
                break
            start, end = _trim(self.text, item.start(1), item.end(1))
            if not any(f.start < end and start < f.end for f in self.found) and end > start:
                self._add(Found(self.speakers.again(speaker, speaker.how), [(start, end)],
                                "reported", confidence=speaker.confidence * 0.8))
            intro = item

    def _list_source(self, start: int, end: int) -> Speaker | None:
        """A speaker the line introducing a list names, else the speaker of a claim that
        ends in the sentence just before it."""
        for k in range(self.toks.index_at(start), self.toks.index_ending(end)):
            parsed = self.speakers.parse(k)
            if parsed is not None and parsed[0].ref.kind in REPORT_KINDS + ORG_KINDS:
                return parsed[0]
        before = [f for f in self.found if f.end <= start and
                  self.ctx.sentence_index(start) - self.ctx.sentence_index(f.end) <= 1 and
                  "\n" not in self.text[f.end:start].strip()]
        return self.speakers.again(before[-1].speaker, before[-1].speaker.how) if before \
            else None

    def _next_comma_or_end(self, i: int, sentence) -> int:
        comma = self.text.find(",", self.toks[i].end, sentence.end)
        return comma if comma >= 0 else sentence.end

    def _backward(self, sentence) -> None:
        """'That is the conclusion of a hotline log kept by X.': the previous sentence is X's."""
        i = self.toks.index_at(sentence.start)
        cue = phrase_at(self.toks, i, self.words.backward_cues)
        parsed = self.speakers.parse(i + len(cue))
        index = self.ctx.sentence_index(sentence.start)
        if parsed is None or index == 0:
            return
        prev = self.ctx.sentences[index - 1]
        start = self._clause_start_char(prev, prev.end)
        if any(f.start < prev.end and prev.start < f.end for f in self.found):
            return
        speaker = self.speakers.again(parsed[0], parsed[0].how)
        self._add(Found(speaker, [_trim(self.text, start, prev.end)], "reported",
                        confidence=speaker.confidence * 0.85))

    # -- who speaks: the subject of a reporting verb -----------------------------------------
    def _subject(self, i: int, form) -> Speaker | None:
        """The speaker of the verb at token ``i``."""
        if form.words[0].endswith("ing") and i > 0 and self.toks[i - 1].low in (",", "and"):
            return self._participle_subject(i)
        start = self._clause_start(i)
        initial = self._clause_initial(i, start)
        if initial is not None and (initial[1] in ("relative", "apposition") or (
                initial[1] == "place" and initial[0].ref.kind == "Person")):
            return initial[0]  # 'Lawyers who represent survivors say': not 'survivors'
        return self._adjacent(i, start) or (initial[0] if initial else None) \
            or self._inverted(i) or self._coordinated_subject(i, start)

    def _coordinated_subject(self, i: int, first: int) -> Speaker | None:
        """'The Report, released on ..., kept Nepal on ... and noted that ...': a verb after
        'and' with a 'that' clause shares the subject that opens the sentence."""
        if i == 0 or self.toks[i - 1].low != "and" or \
                self._complementiser(i + 1, min(len(self.toks), i + 10)) is None:
            return None
        parsed = self.speakers.parse(self._skip_intro(first, i), limit=i)
        if parsed is None or parsed[0].ref.kind not in REPORT_KINDS + ORG_KINDS + ("Person",):
            return None
        return parsed[0]

    def _clause_start(self, i: int) -> int:
        """Index of the first token of the clause the verb at ``i`` belongs to."""
        sentence = self.ctx.sentence_at(self.toks[i].start)
        first = self.toks.index_at(sentence.start)
        for k in range(i - 1, first - 1, -1):
            tok = self.toks[k]
            if tok.text in (";", ":", "—", "–") or tok.text in QUOTE_MARKS:
                return k + 1
            if tok.text == "," and k + 1 < i and self.toks[k + 1].low in self.words.openers:
                return k + 2
        return first

    def _adjacent(self, i: int, first: int) -> Speaker | None:
        """A speaker that ends right before the verb, but for auxiliaries and adverbs:
        'officials have swiftly rejected', 'the report itself notes'."""
        k = i
        while k > first and self._between(self.toks[k - 1].low):
            k -= 1
        for start in range(max(first, k - 14), k):
            if start > 0 and self._object_of_preposition(start):
                continue
            parsed = self.speakers.parse(start, limit=k)
            if parsed is not None and parsed[1] == k:
                return self._with_full_name(parsed[0], start)
        return None

    def _with_full_name(self, speaker: Speaker, start: int) -> Speaker:
        """'The National Agency ... (NAPTIP) welcomed': the speaker's span is the full name."""
        if start == 0 or self.toks[start - 1].text != "(":
            return speaker
        bracket = self.toks[start - 1].start
        full = [m for m in self.ctx.mentions if m.ref == speaker.ref and m.end <= bracket
                and not self.text[m.end:bracket].strip()]
        return replace(speaker, start=full[0].start) if full else speaker

    def _object_of_preposition(self, start: int) -> bool:
        """'lawyers for survivors say': 'survivors' is not who speaks ('of them' may be)."""
        k = start - 1
        if self.toks[k].low == "of" and self.toks[start].low in PRONOUNS:
            return False
        while k > 0 and self.toks[k].is_title and self.toks[start].is_title:
            k -= 1
        if k > 0 and self._title_word(self.toks[k - 1]):
            return False  # 'Minister of Public Security Luong Tam Quang said'
        return self.toks[k].low in PREPOSITIONS or self.toks[k].low in (
            "by", "to", "against", "about", "than")

    def _title_word(self, tok) -> bool:
        return tok.is_title and (tok.text.rstrip(".") in self.words.honorifics
                                 or tok.low in self.words.roles)

    def _clause_initial(self, i: int, first: int):
        """A speaker that opens the clause and is followed by an apposition or relative clause:
        'Kanya Srisuwan, director of X, said', 'Lawyers who represent survivors say', or
        named in an apposition to it ('The previous edition, the Global Report ..., found')."""
        start = self._skip_intro(first, i)
        found = self._initial_at(start, i)
        if found is not None:
            return found
        comma = next((k for k in range(start, min(i, start + 7)) if self.toks[k].text == ","),
                     None)
        return self._initial_at(comma + 1, i) if comma is not None else None

    def _initial_at(self, start: int, i: int):
        """The speaker that starts at token ``start`` (or a word or two later, for a group)
        and what stands between it and the verb at ``i``."""
        for skip in range(3):
            k = start + skip
            if k >= i or (skip and not self.toks[k - 1].is_word):
                return None
            parsed = self.speakers.parse(k, limit=i)
            if parsed is None:
                continue
            speaker, end = parsed
            if skip and speaker.ref.kind not in GROUP_KINDS:
                return None
            gap = self._subject_gap(end, i)
            return (speaker, gap) if gap is not None else None
        return None

    def _skip_intro(self, first: int, i: int) -> int:
        """Skip 'In a statement,' / 'But' at the start of a clause."""
        k = first
        if k < i and self.toks[k].low in self.words.openers:
            k += 1
        if k < i and self.toks[k].low in self.words.intro:
            for c in range(k, i):
                if self.toks[c].text == ",":
                    return c + 1
        return k

    def _subject_gap(self, end: int, i: int) -> str | None:
        """What the words between a clause-initial speaker and its verb are: nothing (""), a
        "relative" clause, an "apposition" in commas or a "place"; None if none of these."""
        gap = self.toks[end:i]
        if not gap:
            return ""
        if any((t.text in SENTENCE_PUNCT and not self._abbreviation(t.end)) or
               t.text in QUOTE_MARKS for t in gap) or len(gap) > 45:
            return None
        first, commas = gap[0], [t for t in gap if t.text == ","]
        if commas and gap[-1].text == "," and len(gap) <= 20 and \
                any(t.low in ("who", "which") for t in gap):
            return "apposition"  # 'A Saudi official I spoke to, who would not be named,'

        if commas and first.low.endswith(("ed", "ing")) and \
                self.words.verb_at(self.toks, end) is None:
            first = replace(first, low="who")  # 'involved in ..., who ..., said'
        if first.low in RELATIVE and not commas:
            return "relative" if len(gap) <= 25 else None
        if first.low in PREPOSITIONS and not commas:
            return "place" if len(gap) <= 6 or self._one_name(gap[1:]) else None
        if first.text in ",(" or first.low in RELATIVE or (
                first.low in PREPOSITIONS and gap.index(commas[0]) <= 6):
            k = i - 1
            while k > end and self._between(self.toks[k].low):
                k -= 1
            return "apposition" if self.toks[k].text in ",)" else None
        return None

    def _one_name(self, toks) -> bool:
        """Whether these words are one name another mapper found ('the Institute for ...')."""
        if toks and toks[0].low == "the":
            toks = toks[1:]
        return bool(toks) and any(m.start == toks[0].start and m.end == toks[-1].end
                                  for m in self.ctx.mentions)

    def _inverted(self, i: int) -> Speaker | None:
        """', said the ministry.' at the end of a sentence."""
        if i == 0 or self.toks[i - 1].text != ",":
            return None
        form = self.words.verb_at(self.toks, i)
        j = i + len(form.words)
        end = self._tail_end(j)
        parsed = self.speakers.parse(j, limit=end)
        if parsed is None or not all(self._between(t.low) for t in self.toks[parsed[1]:end]):
            return None
        return parsed[0]

    def _participle_subject(self, i: int) -> Speaker | None:
        """', citing concerns that ...' has the subject of the clause it hangs on."""
        sentence = self.ctx.sentence_at(self.toks[i].start)
        before = [f for f in self.found if sentence.start <= f.start < self.toks[i].start]
        if before:
            return self.speakers.again(before[-1].speaker, before[-1].speaker.how)
        first = self.toks.index_at(sentence.start)
        for k in range(i - 1, first - 1, -1):
            parsed = self.speakers.parse(k, limit=i)
            if parsed is not None and self._finite_after(parsed[1], i):
                return parsed[0]
        return None

    def _finite_after(self, k: int, limit: int) -> bool:
        """Whether a verb-like word follows token ``k`` (after auxiliaries or an acronym in
        brackets): the mark of a clause's subject."""
        while k < limit and (self._between(self.toks[k].low) or self.toks[k].text in "()"
                             or (k > 0 and self.toks[k - 1].text == "(")):
            if self.toks[k].low in self.words.between and self.toks[k].low not in (")", "who"):
                return True
            k += 1
        if k >= limit:
            return False
        low = self.toks[k].low
        return (low.endswith("ed") or self.words.verb_at(self.toks, k) is not None) \
            and self.toks[k].is_word


def _in_commas(toks) -> bool:
    """', within days of the announcement,': a phrase set off by commas."""
    return len(toks) >= 3 and toks[0].text == "," and toks[-1].text == "," and \
        all(t.is_word for t in toks[1:-1])


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A span without surrounding spaces and punctuation, keeping closing brackets and the
    quotation marks of words quoted inside it."""
    while start < end and (text[start].isspace() or text[start] in ",;:—–-\"“”"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-.\"“”"):
        if text[end - 1] in "\"”" and _opened(text[start:end - 1], text[end - 1]):
            break
        end -= 1
    return start, end


def _opened(text: str, closing: str) -> bool:
    """Whether ``text`` leaves a quotation open that ``closing`` would close."""
    if closing == '"':
        return text.count('"') % 2 == 1
    return text.count("“") > text.count("”")


@lru_cache(maxsize=4096)  # asked for every word of the sentence
def _headline_case(sentence: str) -> bool:
    """A line in Headline Case (most words capitalised) is a title, not a claim."""
    words = [w for w in re.findall(r"(?:[A-Za-z]\.)+|[A-Za-z][A-Za-z'’\-]*", sentence)
             if w.lower() not in STOP_WORDS]
    share = sum(w[0].isupper() for w in words) / len(words) if words else 0
    if sentence.rstrip(" \n\"”’'").endswith("."):
        return len(words) >= 4 and share == 1  # a sentence of prose ends in a full stop
    return len(words) >= 4 and share > 0.75

