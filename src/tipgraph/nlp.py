"""The language pipeline: a blank English spaCy pipeline, no statistical model needed.

Tokens come from spaCy's English tokenizer; sentences from the rule-based sentencizer plus a
small component that also starts a sentence after every line break, so titles, bylines and list
entries never run into the next sentence.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

__all__ = ["get_nlp", "parse"]


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
