"""How English reports speech, as text: words with their offsets, quotations, and the lexicon
of reporting verbs, stance cues and speaker nouns (``data/lexicon/speech.yaml``, ``claims.yaml``,
``roles.yaml``, ``groups.yaml``) in the shape the claims mapper looks things up in.

Nothing here knows of any particular entity; :mod:`tipgraph.mappers.claims` uses it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

__all__ = ["Tok", "Tokens", "Quote", "find_quotes", "Words", "words_of", "VerbForm", "PhraseList",
           "phrase_at"]

_TOKEN = re.compile(r"\w+(?:[-.–]\w+)*(?:['’](?![sS]\b)\w+)?|['’][sS]\b|\S")
_OPENING, _CLOSING = "“", "”"
_STRAIGHT = '"'
_SENTENCE_END = ".!?…"
_AGE = re.compile(r"^\d+-year-old$")
_WORDS: list[tuple[dict, "Words"]] = []  # lexicons and their Words, the latest first


@dataclass(frozen=True)
class Tok:
    """A word or punctuation mark: offsets into the article text, text and lower-cased text."""

    start: int
    end: int
    text: str
    low: str

    @property
    def is_title(self) -> bool:
        return self.text[:1].isupper() and any(c.isalpha() for c in self.text)

    @property
    def is_word(self) -> bool:
        return any(c.isalnum() for c in self.text)

    @property
    def is_age(self) -> bool:
        return bool(_AGE.match(self.low))


class Tokens(list):
    """The words of a text, with look-ups by character offset."""

    def __init__(self, text: str):
        super().__init__(Tok(m.start(), m.end(), m.group(), m.group().lower())
                         for m in _TOKEN.finditer(text))
        self._starts = [t.start for t in self]
        self._lows = tuple(t.low for t in self)

    def index_at(self, char: int) -> int:
        """Index of the first token that starts at or after ``char``."""
        return bisect.bisect_left(self._starts, char)

    def index_ending(self, char: int) -> int:
        """Index just past the last token that ends at or before ``char``."""
        return bisect.bisect_right(self._starts, char - 1) if char > 0 else 0

    def words(self, i: int, j: int) -> list[str]:
        return list(self._lows[i:j])

    def lows(self, i: int, j: int) -> tuple[str, ...]:
        """The lower-cased words ``i`` to ``j``, as a tuple (the form phrases are kept in)."""
        return self._lows[i:j]


@dataclass(frozen=True)
class Quote:
    """A passage between quotation marks: ``open``/``close`` are the marks' offsets."""

    open: int
    close: int

    @property
    def inner(self) -> tuple[int, int]:
        return self.open + 1, self.close

    @property
    def end(self) -> int:
        return self.close + 1


def find_quotes(text: str, start: int, end: int) -> list[Quote]:
    """Quoted passages in ``text[start:end]``: curly pairs, and straight marks paired within a
    paragraph (an unclosed one at a paragraph's end closes there)."""
    quotes = []
    for para in re.finditer(r"[^\n]+", text[start:end]):
        a, b = start + para.start(), start + para.end()
        quotes.extend(_pairs(text, a, b, _STRAIGHT, _STRAIGHT))
        quotes.extend(_pairs(text, a, b, _OPENING, _CLOSING))
    return sorted(quotes, key=lambda q: q.open)


def _pairs(text: str, a: int, b: int, opening: str, closing: str) -> list[Quote]:
    found, open_at = [], None
    for i in range(a, b):
        c = text[i]
        if open_at is None and c == opening:
            open_at = i
        elif open_at is not None and c == closing:
            if i > open_at + 1:
                found.append(Quote(open_at, i))
            open_at = None
    if open_at is not None and b - open_at > 2:
        found.append(Quote(open_at, b - 1 if text[b - 1] == closing else b))
    return found


def quote_is_full(text: str, quote: Quote) -> bool:
    """Whether a quotation is a sentence of its own (or several) rather than a few words quoted
    inside the writer's sentence: its words end in punctuation, or it opens a sentence or follows
    a colon or comma."""
    inner = text[quote.inner[0]:quote.inner[1]].rstrip()
    if inner[-1:] in _SENTENCE_END + ",—–-:;":
        return True
    before = text[:quote.open].rstrip()
    return before == "" or before[-1] in ":" + _SENTENCE_END or before.endswith("\n")


@dataclass(frozen=True)
class VerbForm:
    words: tuple[str, ...]
    lemma: str
    stance: str


def words_of(lexicon: dict) -> "Words":
    """The :class:`Words` of a lexicon, made once for each of the last few lexicons read (a
    lexicon is not changed once loaded, and the Words are only read)."""
    for known, words in _WORDS:
        if known is lexicon:
            return words
    words = Words(lexicon)
    _WORDS.insert(0, (lexicon, words))
    del _WORDS[4:]
    return words


class Words:
    """The lexicon as the claims mapper uses it (see :func:`words_of`)."""

    def __init__(self, lexicon: dict):
        speech = lexicon.get("speech", {})
        claims = lexicon.get("claims", {})
        roles = lexicon.get("roles", {})
        groups = lexicon.get("groups", {})
        self.verbs = _verb_forms(speech.get("reporting_verbs", {}))
        self.quote_verbs = _lower(speech.get("quote_verbs", []))
        self.complementisers = _phrases(speech.get("complementisers", []))
        self.according = _phrases(speech.get("according_to", []))
        cues = speech.get("stance_cues", {})
        self.cues = [(stance, _phrases(cues.get(stance, [])))
                     for stance in ("disputes", "supports", "raises_concern")]
        self.between = _lower(claims.get("between_words", []))
        self.be_forms = _lower(claims.get("be_forms", []))
        self.reflexives = _lower(claims.get("reflexives", []))
        self.term_markers = _lower(claims.get("term_markers", []))
        self.object_verbs = _lower(claims.get("object_verbs", []))
        self.verb_in_text = _lower(claims.get("verb_in_text", []))
        self.listener_verbs = _lower(claims.get("listener_verbs", []))
        self.to_listener_verbs = _lower(claims.get("to_listener_verbs", []))
        self.listeners = _lower(claims.get("listeners", []))
        self.listener_pronouns = _lower(claims.get("listener_pronouns", []))
        self.openers = _lower(claims.get("clause_openers", []))
        self.intro = _lower(claims.get("intro_words", []))
        self.verb_gap = _lower(claims.get("verb_gap_words", []))
        self.private = _lower(claims.get("private_nouns", []))
        self.people = (self.private | _lower(claims.get("people_nouns", []))
                       | {r.split()[-1].lower() for r in roles.get("roles", [])}
                       | _lower(roles.get("unnamed_speakers", [])))
        self.roles = {r.split()[-1].lower() for r in roles.get("roles", [])}
        self.group_links = _lower(claims.get("group_links", []))
        self.name_markers = _lower(claims.get("name_markers", []))
        self.singulars = {str(k).lower(): str(v).lower()
                          for k, v in claims.get("singulars", {}).items()}
        self.group_nouns = _lower(claims.get("group_nouns", []))
        self.bare_groups = _lower(claims.get("bare_groups", []))
        self.abbreviations = _lower(claims.get("abbreviations", []))
        self.negations = _lower(claims.get("negations", []))
        self.not_before = {str(k).lower(): _lower(v) for k, v in
                           claims.get("not_before", {}).items()}
        self.honorifics = {h.rstrip(".") for h in roles.get("honorifics", [])}
        self.determiners = _lower(claims.get("speaker_determiners", []))
        self.body_prepositions = _lower(claims.get("body_prepositions", []))
        self.body_nouns = {k.lower(): tuple(v) for k, v in claims.get("body_nouns", {}).items()}
        self.documents = _lower(claims.get("document_nouns", []))
        self.next_cues = _phrases(claims.get("next_sentence_cues", []))
        self.backward_cues = _phrases(claims.get("backward_cues", []))
        self.claim_nouns = _lower(claims.get("claim_nouns", []))
        self.rating_nouns = _phrases(claims.get("rating_nouns", []))
        self.rating_movements = {str(k).lower(): str(v) for k, v in
                                 claims.get("rating_movements", {}).items()}
        self.restriction_verbs = _phrases(claims.get("restriction_verbs", []))
        self.restriction_targets = {tuple(k.lower().split()): v for k, v in
                                    claims.get("restriction_targets", {}).items()}
        self.officials = {o.lower() for o in groups.get("official_nouns", [])
                          if o.lower().endswith("s")}
        self.speaking_groups = _phrases(groups.get("speaking_groups", []))

    def verb_at(self, toks: Tokens, i: int) -> VerbForm | None:
        """The reporting verb form that starts at token ``i`` (the longest), if any."""
        for form in self.verbs.get(toks[i].low, ()):
            if toks.lows(i, i + len(form.words)) == form.words:
                return form
        return None


class PhraseList(list):
    """Phrases (tuples of lower-case words) in the order they are tried, with those that can
    start at a given word at hand."""

    def __init__(self, phrases):
        super().__init__(phrases)
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for words in self:
            if words:
                self._by_first.setdefault(words[0], [])
        for first, found in self._by_first.items():
            found.extend(p for p in self if not p or p[0] == first)
        self._empty = [p for p in self if not p]

    def starting(self, word: str) -> list[tuple[str, ...]]:
        """The phrases that may start at ``word``, in order."""
        return self._by_first.get(word, self._empty)


def phrase_at(toks: Tokens, i: int, phrases) -> tuple[str, ...] | None:
    """The longest of ``phrases`` (tuples of lower-case words) that starts at token ``i``."""
    if isinstance(phrases, PhraseList) and 0 <= i < len(toks):
        phrases = phrases.starting(toks[i].low)
    for words in phrases:
        if toks.lows(i, i + len(words)) == tuple(words):
            return words
    return None


def _lower(words) -> set[str]:
    return {str(w).lower() for w in words}


def _phrases(items) -> PhraseList:
    """Phrases as tuples of words, longest first (then alphabetical: a fixed order)."""
    found = {tuple(_TOKEN.findall(str(p).lower())) for p in items}
    return PhraseList(sorted(found, key=lambda p: (-len(p), p)))


def _verb_forms(verbs: dict) -> dict[str, list[VerbForm]]:
    by_first: dict[str, list[VerbForm]] = {}
    for lemma, entry in verbs.items():
        for form in entry.get("forms", []):
            words = tuple(str(form).lower().split())
            by_first.setdefault(words[0], []).append(
                VerbForm(words, str(lemma), str(entry.get("stance", "asserts"))))
    for forms in by_first.values():
        forms.sort(key=lambda f: (-len(f.words), f.words))
    return by_first
