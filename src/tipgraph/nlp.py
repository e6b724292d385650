"""The language pipeline: a blank English spaCy pipeline, no statistical model needed.

Tokens come from spaCy's English tokenizer; sentences from the rule-based sentencizer plus a
small component that also starts a sentence after every line break, so titles, bylines and list
entries never run into the next sentence. :class:`SparseMatcher` is a token ``Matcher`` for
patterns that can match in few places of a text.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

__all__ = ["get_nlp", "parse", "token_lowers", "token_texts", "SparseMatcher"]

_LOWERS, _TEXTS = "tipgraph.lowers", "tipgraph.texts"


@Language.component("tipgraph_line_breaks")
def line_breaks(doc):
    """Start a new sentence after any whitespace token that holds a line break, and not after
    an abbreviation's full stop when a number or a lower-case word follows ("No. 15", "approx.
    200", "e.g. the")."""
    for token in doc[1:]:
        prev = doc[token.i - 1]
        if token.is_sent_start and prev.text.endswith(".") and "\n" not in prev.whitespace_ \
                and (token.like_num or token.is_lower) and _abbreviation(doc, prev):
            token.is_sent_start = False
    for token in doc[:-1]:
        if "\n" in token.text or "\n" in token.whitespace_:
            doc[token.i + 1].is_sent_start = True
    return doc


def _abbreviation(doc, stop) -> bool:
    """Whether the full stop ``stop`` ends a short abbreviation ("No.", "Art.", "e.g.")."""
    word = stop.text[:-1] if stop.text != "." else (doc[stop.i - 1].text if stop.i else "")
    return 0 < len(word.replace(".", "")) <= 4 and not word.isdigit()


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    nlp = spacy.blank("en")
    # Split currency symbols written with a country prefix (HK$77, US$5, NT$3) from the number.
    prefixes = list(nlp.Defaults.prefixes) + [r"[A-Z]{1,3}\$"]
    nlp.tokenizer.prefix_search = spacy.util.compile_prefix_regex(prefixes).search
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("tipgraph_line_breaks")
    return nlp


def parse(text: str):
    """A spaCy Doc of ``text`` with tokens and sentences."""
    nlp = get_nlp()
    if len(text) >= nlp.max_length:
        nlp.max_length = len(text) + 1
    return nlp(text)


def token_lowers(doc) -> tuple[str, ...]:
    """The lower-case text of every token of a Doc, read once per Doc and kept in its
    ``user_data`` (tipgraph never retokenises a Doc), for code that looks at many short runs
    of tokens. A Span's are read afresh."""
    return _token_strings(doc, _LOWERS, "lower_")


def token_texts(doc) -> tuple[str, ...]:
    """The text of every token of a Doc, kept like :func:`token_lowers`."""
    return _token_strings(doc, _TEXTS, "text")


def _token_strings(doc, key: str, attr: str) -> tuple[str, ...]:
    if not isinstance(doc, Doc):
        return tuple(getattr(t, attr) for t in doc)
    strings = doc.user_data.get(key)
    if strings is None:
        strings = doc.user_data[key] = tuple(getattr(t, attr) for t in doc)
    return strings


class SparseMatcher:
    """A spaCy ``Matcher`` that reads only the stretches of a Doc where its patterns can match.

    Every token of a match satisfies one of the token specifications of its pattern, so a match
    lies within a run of tokens that each may satisfy *some* specification of *some* pattern.
    Those runs are found first (see :class:`_TokenTests`), and the patterns are matched on each
    run as a Span. Patterns added with ``anchors`` (token specifications, one of which every
    pattern holds as a token that must be there: no ``"OP"``, or ``"+"``) are matched only in
    the runs that hold a token an anchor may match.

    Called on a Doc it returns what a ``Matcher`` with the same patterns returns, in the same
    order: a token no specification matches stops every pattern state in the Matcher (a state
    ends there, or gives the match it holds when the rest of its pattern is optional, as at the
    end of a run), so no state and no match crosses from one run to the next, and each run is
    read the same way in both cases; a run without an anchor holds no match. A pattern with a
    negated token (``"OP": "!"``), which can match any token, makes the whole Doc one run, and
    a pattern without an anchor makes every run worth reading.

    Patterns can be added in groups (``group``), each read over its own runs, with the tokens
    tested once for all groups. The matches then come group by group (in the order the groups
    were first added), each group's in the order a ``Matcher`` with that group's patterns gives
    them; with one group, as by default, exactly as above."""

    def __init__(self, vocab):
        self.vocab = vocab
        self._groups: dict[str, _PatternGroup] = {}
        self._tests: _TokenTests | None = None

    def add(self, key: str, patterns: list[list[dict]], anchors: list[dict] | None = None,
            group: str = "") -> None:
        self._groups.setdefault(group, _PatternGroup(self.vocab)).add(key, patterns, anchors)
        self._tests = None

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if self._tests is None:
            self._tests = _TokenTests(self.vocab)
            for group in self._groups.values():
                group.possible_tests = self._tests.add_all(group.possible)
                group.anchor_tests = None if group.anchors is None else \
                    self._tests.add_all(group.anchors)
        passed = self._tests(doc)
        found = []
        for group in self._groups.values():
            for start, end in group.stretches(len(doc), passed):
                found.extend((key, start + s, start + e)
                             for key, s, e in group.matcher(doc[start:end]))
        return found


class _PatternGroup:
    """The patterns of one group of a :class:`SparseMatcher`, the token specifications they
    hold and those of their anchors."""

    def __init__(self, vocab):
        self.matcher = Matcher(vocab)
        self.possible: list[dict] = []
        self.anchors: list[dict] | None = []
        self.anywhere = False
        self.possible_tests: list[int] = []
        self.anchor_tests: list[int] | None = None

    def add(self, key: str, patterns: list[list[dict]], anchors: list[dict] | None) -> None:
        self.matcher.add(key, patterns)
        anchors = [_without_op(a) for a in anchors or ()]
        for pattern in patterns:
            for token in pattern:
                if token.get("OP") == "!":
                    self.anywhere = True
                self.possible.append(_without_op(token))
            if not any(token.get("OP") in (None, "+") and _without_op(token) in anchors
                       for token in pattern):
                self.anchors = None
        if self.anchors is not None:
            self.anchors.extend(anchors)

    def stretches(self, length: int, passed: list[set[int]]) -> list[tuple[int, int]]:
        """The maximal runs of tokens that may match a token specification (those that hold
        a token that may match an anchor, when the patterns have anchors)."""
        if self.anywhere:
            return [(0, length)] if length else []
        possible = set().union(*(passed[test] for test in self.possible_tests))
        runs: list[tuple[int, int]] = []
        for i in sorted(possible):
            if runs and runs[-1][1] == i:
                runs[-1] = (runs[-1][0], i + 1)
            else:
                runs.append((i, i + 1))
        if self.anchor_tests is None:
            return runs
        anchored = set().union(*(passed[test] for test in self.anchor_tests))
        return [(a, b) for a, b in runs if not anchored.isdisjoint(range(a, b))]


def _without_op(token: dict) -> dict:
    return {attr: value for attr, value in token.items() if attr != "OP"}


class _TokenTests:
    """Tests that every token matching a token specification passes, each made once per Doc
    however many specifications share it.

    A specification that tests the token's text (``ORTH``, ``TEXT``) or lower-case text
    (``LOWER``) is tested on those strings directly, as spaCy tests them: equal to a string, in
    (``IN``) or not in (``NOT_IN``) a list, or holding a match of a regular expression
    (``REGEX``, by ``re.search``); the words of specifications that only list words are merged
    into one set per attribute. Another constraint next to those is left out, which makes the
    test looser, never stricter (a run may come out longer, which is harmless). Any other
    specification is tested by a single-token ``Matcher``."""

    _STRINGS = ("ORTH", "TEXT", "LOWER")

    def __init__(self, vocab):
        self.vocab = vocab
        self._keys: dict[str, int] = {}            # a test (as JSON) -> its index
        self._words: dict[str, dict[str, list[int]]] = {}  # attribute -> word -> tests
        self._direct: list[tuple[int, list[tuple[str, str, object]]]] = []
        self._matcher = Matcher(vocab)
        self._matched: dict[int, int] = {}         # a Matcher key -> the index of its test

    def add_all(self, specs: list[dict]) -> list[int]:
        """The tests for these specifications (the words of those that only list words
        merged), as indexes into what a call returns."""
        words: dict[str, set[str]] = {}
        tests = []
        for spec in specs:
            conditions = self._conditions(spec)
            if len(conditions) == 1 and conditions[0][1] in ("==", "IN"):
                attr, op, value = conditions[0]
                words.setdefault(attr, set()).update([value] if op == "==" else value)
            else:
                tests.append(self._add(spec, conditions))
        for attr, listed in sorted(words.items()):
            tests.append(self._add({}, [(attr, "IN", sorted(listed))]))
        return sorted(set(tests))

    def __call__(self, doc: Doc) -> list[set[int]]:
        """For each test, the tokens of ``doc`` that pass it."""
        passed: list[set[int]] = [set() for _ in self._keys]
        strings = {"ORTH": token_texts(doc), "TEXT": token_texts(doc), "LOWER": token_lowers(doc)}
        for attr, tests_of in self._words.items():
            for i, word in enumerate(strings[attr]):
                for index in tests_of.get(word, ()):
                    passed[index].add(i)
        for index, conditions in self._direct:
            found = range(len(doc))
            for attr, op, value in conditions:
                found = _passing(strings[attr], found, op, value)
            passed[index] = set(found)
        if len(self._matcher):
            for key, start, _ in self._matcher(doc):
                passed[self._matched[key]].add(start)
        return passed

    def _conditions(self, spec: dict) -> list[tuple[str, str, object]]:
        """What ``spec`` requires of the token's strings: (attribute, operator, value)."""
        found = []
        for attr, value in spec.items():
            if attr not in self._STRINGS:
                continue
            if isinstance(value, str):
                found.append((attr, "==", value))
            elif isinstance(value, dict):
                for op, arg in value.items():
                    if op in ("IN", "NOT_IN") and all(isinstance(a, str) for a in arg):
                        found.append((attr, op, sorted(set(arg))))
                    elif op == "REGEX" and isinstance(arg, str):
                        found.append((attr, op, arg))
        return found

    def _add(self, spec: dict, conditions: list) -> int:
        """The index of the test of these conditions on the token's strings (or, without any,
        of ``spec`` by the Matcher), added when new."""
        text = json.dumps(conditions or spec, sort_keys=True)
        if text not in self._keys:
            index = self._keys[text] = len(self._keys)
            if len(conditions) == 1 and conditions[0][1] == "IN":
                attr, _, listed = conditions[0]
                for word in listed:
                    self._words.setdefault(attr, {}).setdefault(word, []).append(index)
            elif conditions:
                self._direct.append((index, [(attr, op, re.compile(value) if op == "REGEX" else
                                              value if op == "==" else frozenset(value))
                                             for attr, op, value in conditions]))
            else:
                key = self.vocab.strings.add(f"token-test-{index}")
                self._matched[key] = index
                self._matcher.add(key, [[spec]])
        return self._keys[text]


def _passing(strings: tuple[str, ...], among, op: str, value) -> list[int]:
    """The tokens among ``among`` whose string meets one condition (``value``: a string; for
    ``IN`` and ``NOT_IN`` a set, for ``REGEX`` a compiled pattern)."""
    if op == "==":
        return [i for i in among if strings[i] == value]
    if op == "IN":
        return [i for i in among if strings[i] in value]
    if op == "NOT_IN":
        return [i for i in among if strings[i] not in value]
    return [i for i in among if value.search(strings[i])]
