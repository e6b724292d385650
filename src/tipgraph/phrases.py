"""Lexicon phrases matched on the tokens of a spaCy Doc.

A :class:`Phrases` holds the phrases of one lexicon list as tuples of lower-case tokens (made by
the same tokenizer as the article, so "per cent", "set aside" and "%" split the same way) and
answers "which phrase starts at token i" and "which phrase ends just before token i". Mappers use
it for the short word lists of the lexicon (qualifiers, markers, period phrases) where a
``PhraseMatcher`` over the whole document would be more machinery than the question needs.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from .nlp import get_nlp, token_lowers

__all__ = ["Phrases", "phrase_tokens"]


@lru_cache(maxsize=8192)
def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """The lower-case tokens of a phrase, as the article tokenizer splits it."""
    return tuple(t.lower_ for t in get_nlp().tokenizer(phrase.strip()) if not t.is_space)


class Phrases:
    """Phrases (optionally with a value each) matched on lower-case tokens."""

    def __init__(self, phrases: Iterable | dict | None):
        items = phrases.items() if isinstance(phrases, dict) else ((p, p) for p in phrases or ())
        self.values: dict[tuple[str, ...], object] = {}
        for phrase, value in items:
            key = phrase_tokens(str(phrase))
            if key:
                self.values.setdefault(key, value)
        self.longest = max((len(k) for k in self.values), default=0)
        # Most tokens start and end no phrase: one look-up rules them out.
        self._first = frozenset(k[0] for k in self.values)
        self._last = frozenset(k[-1] for k in self.values)

    def __contains__(self, word: str) -> bool:
        return (word.lower(),) in self.values

    def __bool__(self) -> bool:
        return bool(self.values)

    def at(self, doc, i: int, limit: int | None = None) -> int:
        """Length in tokens of the longest phrase starting at token ``i`` (0 if none)."""
        lowers = token_lowers(doc)
        if 0 <= i < len(lowers) and lowers[i] not in self._first:
            return 0
        limit = len(lowers) if limit is None else min(limit, len(lowers))
        for n in range(min(self.longest, limit - i), 0, -1):
            if lowers[i:i + n] in self.values:
                return n
        return 0

    def before(self, doc, i: int, floor: int = 0) -> int:
        """Length in tokens of the longest phrase ending just before token ``i`` (0 if none)."""
        lowers = token_lowers(doc)
        if 0 < i <= len(lowers) and lowers[i - 1] not in self._last:
            return 0
        for n in range(min(self.longest, i - floor), 0, -1):
            if lowers[i - n:i] in self.values:
                return n
        return 0

    def value(self, doc, i: int, n: int):
        """The value of the phrase made by tokens ``i`` to ``i + n``."""
        return self.values.get(token_lowers(doc)[i:i + n])
