"""Recognising named things in an article by rule, before any mapper turns them into facts.

Two matchers run over the document:

- the gazetteer matcher (:class:`NameMatcher`, spaCy ``PhraseMatcher``s): every name and alias
  in ``data/entities`` (case-insensitive for multi-word names, exact for single words and
  entries marked ``case_sensitive``);
- the pattern matcher (:class:`PatternMatcher`, spaCy ``Matcher``s): shapes of English names,
  built from the head words of ``data/lexicon/heads.yaml`` ("... Act 2015", "Ministry of ...",
  "... Convention on ..."), person names next to honorifics, roles or reporting verbs, and
  groups of people ("migrant domestic workers").

Overlaps are settled deterministically: the longer span wins, then the gazetteer over a pattern,
then the earlier span. The result is a list of :class:`Candidate`, in text order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .gazetteer import Gazetteer, load_gazetteer, load_lexicon
from .nlp import SparseMatcher, get_nlp, parse

__all__ = ["Candidate", "recognise", "Recogniser", "get_recogniser", "NAMEWORD"]

# Capital letters and the letters of a name, accented ones included ("Peña", "Kovačević").
UPPER = "A-ZÀ-ÖØ-ÞĀ-ſ"
LETTER = "A-Za-zÀ-ÖØ-öø-ÿĀ-ſ"
NAMEWORD_RE = rf"^(?:[{UPPER}][{LETTER}'’\-\.]*|[A-Z]{{2,}}s?|\d+[A-Z]?)$"
NAMEWORD = {"TEXT": {"REGEX": rf"^[{UPPER}][{LETTER}'’\-\.]*$"}}
# Inside an organisation's or a law's name: capitalised words, hyphens ("Anti-Trafficking" is
# three tokens) and bracketed words ("Employment (Amendment) Act"); brackets are balanced later.
NAMEPART = {"TEXT": {"REGEX": r"^(?!(?:January|February|March|April|May|June|July|August|September|"
                             r"October|November|December|Monday|Tuesday|Wednesday|Thursday|"
                             r"Friday|Saturday|Sunday)$)(?:[" + UPPER + "][" + LETTER + r"'’\-\.]*|-|\(|\))$"}}
YEAR = {"TEXT": {"REGEX": r"^(1[89]\d\d|20\d\d)$"}}


@dataclass
class Candidate:
    """A span of tokens that names (or may name) an entity."""

    start: int                 # token index
    end: int                   # token index, exclusive
    kind: str                  # a tg: class local name, e.g. "State", "Statute", "Person"
    how: str                   # "gazetteer" | "pattern" | "demonym"
    key: str | None = None     # gazetteer id when known
    priority: int = 1
    extra: dict = field(default_factory=dict)

    @property
    def length(self) -> int:
        return self.end - self.start


class NameMatcher:
    """Known names, found as literal token sequences: exactly (``ORTH``) when case-sensitive,
    else lower-cased (``LOWER``).

    Called on a Doc or Span like a spaCy ``Matcher``, it returns the same ``(match_id, start,
    end)`` tuples (relative to a Span's start), every occurrence of every name, overlapping ones
    included, in the order a ``Matcher`` with one token pattern per name gives them: by end,
    then start, then the order the keys were added. (The rules after it settle ties between
    candidates in that order.) The ``PhraseMatcher``s underneath look each token up once
    instead of trying every name at every token."""

    def __init__(self, vocab):
        self.vocab = vocab
        self._exact = PhraseMatcher(vocab, attr="ORTH")
        self._lower = PhraseMatcher(vocab, attr="LOWER")
        self._rank: dict[int, int] = {}

    def add(self, key: str, names: list[tuple[Doc, bool]]) -> None:
        """Add the names (each a Doc of its tokens, and whether it is case-sensitive) under
        ``key``."""
        exact = [doc for doc, case_sensitive in names if case_sensitive]
        lower = [doc for doc, case_sensitive in names if not case_sensitive]
        if exact:
            self._exact.add(key, exact)
        if lower:
            self._lower.add(key, lower)
        self._rank.setdefault(self.vocab.strings.add(key), len(self._rank))

    def __call__(self, doclike) -> list[tuple[int, int, int]]:
        offset = doclike.start if not isinstance(doclike, Doc) else 0
        found = {(key, start - offset, end - offset)
                 for matcher in (self._exact, self._lower) for key, start, end in matcher(doclike)}
        rank = self._rank
        return sorted(found, key=lambda m: (m[2], m[1], rank[m[0]]))


class PatternMatcher:
    """The name-shape patterns, in a :class:`~tipgraph.nlp.SparseMatcher` with a group for each
    key, so that each key's patterns are only tried where its own words are (a law's head word,
    a company's legal form, a cue noun); the person patterns ("person:...") are one group.

    The matches come group by group, each group's in the order a ``Matcher`` gives them. One
    ``Matcher`` over all the patterns would interleave the groups, which :func:`_settle` does
    not need: it takes the candidates by length, priority, start, kind and key, and the order
    among equals matters only where equals still differ. Only the person patterns make such
    candidates (a name with and without the honorific before it), and they are one group."""

    def __init__(self, vocab):
        self._matcher = SparseMatcher(vocab)

    def add(self, key: str, patterns: list[list[dict]], anchors: list[dict] | None = None
            ) -> None:
        """Add patterns under ``key``; ``anchors``: token specifications one of which every
        pattern must hold (see :class:`~tipgraph.nlp.SparseMatcher`)."""
        family = key.partition(":")[0]
        self._matcher.add(key, patterns, anchors, group="person" if family == "person" else key)

    def __call__(self, doc) -> list[tuple[int, int, int]]:
        return self._matcher(doc)


def _name_pattern(nlp, phrase: str, case_sensitive: bool) -> tuple[Doc, bool]:
    """A name as the gazetteer matcher takes it: its tokens, and whether case counts."""
    return nlp.make_doc(phrase), case_sensitive


class Recogniser:
    """Compiled matchers for one gazetteer and lexicon."""

    def __init__(self, gazetteer: Gazetteer, lexicon: dict):
        self.gazetteer = gazetteer
        self.lexicon = lexicon
        nlp = get_nlp()
        self.vocab = nlp.vocab
        self.gaz = NameMatcher(nlp.vocab)
        self.pat = PatternMatcher(nlp.vocab)
        for entity in gazetteer:
            names = [entity.name, *entity.aliases]
            patterns = []
            for name in dict.fromkeys(names):
                single = len(nlp.make_doc(name)) == 1
                patterns.append(_name_pattern(nlp, name, entity.case_sensitive or single))
            key = f"gaz:{entity.id}"
            self.gaz.add(key, patterns)
            # Short forms that name the entity only when its state or publisher is in the text,
            # and capitals that stand for a government ("Washington said").
            for field_name, prefix in (("generic_aliases", "generic"), ("metonyms", "metonym")):
                names = [str(n) for n in entity.get(field_name) or []]
                if names:
                    self.gaz.add(f"{prefix}:{entity.id}", [
                        _name_pattern(nlp, n, len(nlp.make_doc(n)) == 1) for n in names])
        self.demonyms = {}
        for entity in gazetteer.by_kind("State"):
            for demonym in entity.demonyms:
                self.demonyms[demonym] = entity
        self.openers = frozenset(lexicon.get("heads", {}).get("sentence_openers", []))
        self._multi_roles = sorted((r.lower().split() for r in lexicon.get("roles", {}).get("roles", [])
                                    if " " in r), key=len, reverse=True)
        self.common_nouns = _common_nouns(lexicon)
        roles = lexicon.get("roles", {})
        # words that are not part of a person's name next to it: "Mr", "minister", "said"
        self._not_names = frozenset(
            {w.lower() for w in roles.get("honorifics", [])}
            | {r.lower() for r in roles.get("roles", []) if " " not in r}
            | {v.lower() for v in lexicon.get("speech", {}).get("quote_verbs", [])}
            | {w.lower() for w in self.openers})
        self._add_patterns(lexicon)
        # Bylines and source lists name the same people and publishers in article after article.
        self.kind_of_name = lru_cache(maxsize=4096)(self._kind_of_name)

    # -- patterns -------------------------------------------------------------------------
    def _add_patterns(self, lexicon: dict) -> None:
        nlp_doc = get_nlp().make_doc
        heads = lexicon.get("heads", {})
        conn = [c for c in heads.get("name_connectors", []) if c != "the"]
        connector = {"LOWER": {"IN": conn}}
        the = {"LOWER": "the", "OP": "?"}
        nw_plus = {**NAMEPART, "OP": "+"}
        prefixes = [[], [nw_plus], [nw_plus, connector, the, nw_plus],
                    [nw_plus, connector, the, nw_plus, connector, the, nw_plus]]
        suffix_after_head = [[]]
        for groups in range(1, 5):
            suffix_after_head.append([connector, the, nw_plus] * groups)
        year_tails = [[], [YEAR], [{"LOWER": "of"}, YEAR],
                      [{"ORTH": "("}, {"LOWER": {"IN": ["no", "no."]}}, {"ORTH": ".", "OP": "?"},
                       {"LIKE_NUM": True}, {"ORTH": ")"}]]
        groups = {"law": heads.get("law", {}), "report": heads.get("report", {}),
                  "instrument": heads.get("instrument", {}), "org": heads.get("organisation", {})}
        for family, kinds in groups.items():
            for kind, words in kinds.items():
                one = [w for w in words if " " not in w]
                head = {"ORTH": {"IN": one}}
                patterns = []
                for pre in prefixes:
                    for post in suffix_after_head:
                        if not pre and not post:
                            continue
                        tails = year_tails if family in ("law", "instrument", "report") else [[]]
                        for tail in tails:
                            patterns.append(pre + [head] + post + tail)
                self.pat.add(f"pat:{kind}", patterns, anchors=[head])
        # Constitutions named after their year: "the 1987 Constitution". ("the 2015 Act" is a
        # reference back to a law already named, resolved by the laws mapper.)
        for kind in ("Constitution",):
            words = [w for w in heads.get("law", {}).get(kind, []) if " " not in w]
            head = {"ORTH": {"IN": words}}
            self.pat.add(f"pat:{kind}", [[YEAR, {**NAMEWORD, "OP": "*"}, head]], anchors=[head])
        # Numbered laws: "Law No. 15 of 2017", "Republic Act No. 9208", "Decree 112/2020".
        law_head = {"ORTH": {"IN": [w for w in heads.get("law", {}).get("Statute", [])
                                    if " " not in w]}}
        number = [{"ORTH": "(", "OP": "?"}, {"IS_UPPER": True, "OP": "?"}, {"ORTH": ")", "OP": "?"},
                  {"LOWER": {"IN": ["no", "no."]}, "OP": "?"}, {"ORTH": ".", "OP": "?"},
                  {"TEXT": {"REGEX": r"^(?:[A-Z]{1,3}/)?\d+[\d,/\-]*(?:/[A-Z]+)?[A-Za-z]?$"}}]
        self.pat.add("pat:Statute", [
            [{**NAMEPART, "OP": "*"}, law_head] + number + tail
            for tail in ([], [{"LOWER": "of"}, YEAR], [{"LOWER": "of"}, YEAR, connector, the, nw_plus],
                         [connector, the, nw_plus])], anchors=[law_head])
        # Offices named after their holder: "the U.S. Attorney's Office", "the Prosecutor's Office".
        role_heads = sorted({r for r in lexicon.get("roles", {}).get("roles", []) if " " not in r})
        gov = {"ORTH": {"IN": [w for w in heads.get("organisation", {}).get("GovernmentBody", [])
                               if " " not in w]}}
        self.pat.add("pat:GovernmentBody", [[{**NAMEWORD, "OP": "*"}, {"LOWER": {"IN": role_heads},
                                              "IS_TITLE": True}, {"ORTH": {"IN": ["'s", "’s"]}},
                                             gov]], anchors=[gov])
        # Companies, by their legal form: "Tri-County Industrial Services LLC", "Acme Co., Ltd.".
        suffixes = [[{"ORTH": t.text} for t in nlp_doc(s)] for s in heads.get("company_suffixes", [])]
        comma = {"ORTH": ",", "OP": "?"}
        self.pat.add("company:Business", [pre + [comma] + suffix for pre in prefixes[1:3]
                                          for suffix in suffixes],
                     anchors=[suffix[0] for suffix in suffixes if suffix])
        # Organisations introduced by what they are: "the charity Unchained Futures".
        cues = lexicon.get("groups", {}).get("organisation_cues", {})
        for kind, words in cues.items():
            cue = {"LOWER": {"IN": [w.lower() for w in words]}}
            self.pat.add(f"cue:{kind}", [[cue, NAMEWORD, {**NAMEPART, "OP": "*"}, NAMEWORD],
                                        [cue, NAMEWORD]], anchors=[cue])
        # ... or by an apposition: "Red River Homecoming, a Hanoi group that helps returnees".
        between = {"ORTH": {"NOT_IN": [",", ".", ";", ":", "(", ")", '"', "“", "”"]},
                   "LOWER": {"NOT_IN": ["of", "for", "with", "at", "in", "who", "which", "that",
                                        "and", "or"]}}
        for kind, words in cues.items():
            cue = {"LOWER": {"IN": [w.lower() for w in words]}}
            self.pat.add(f"cue-after:{kind}", [[NAMEWORD, {**NAMEPART, "OP": "*"}, {"ORTH": ","},
                                               {"LOWER": {"IN": ["a", "an"]}}, {**between, "OP": "{0,4}"},
                                               cue]], anchors=[cue])
        # People: honorific + name; role + name; name + ", role"; reporting verb + name.
        roles = lexicon.get("roles", {})
        honorifics = [h for h in roles.get("honorifics", [])]
        # Roles are matched whole: "secretary of state" is a role, "state" alone is not.
        role_words = sorted({r.lower() for r in roles.get("roles", []) if " " not in r})
        multi_roles = [[{"LOWER": w} for w in r.lower().split()]
                       for r in roles.get("roles", []) if " " in r]
        verbs = lexicon.get("speech", {}).get("quote_verbs", [])
        person = [NAMEWORD, {**NAMEWORD, "OP": "?"}, NAMEWORD]
        self.pat.add("person:honorific", [[{"ORTH": {"IN": honorifics}}, NAMEWORD, {**NAMEWORD, "OP": "?"}]])
        self.pat.add("person:role-before", [[{"LOWER": {"IN": role_words}}] + person] +
                     [r + person for r in multi_roles])
        after_cue = [{"ORTH": ","}, {"LOWER": {"IN": ["the", "a", "an"]}, "OP": "?"},
                     {"IS_ALPHA": True, "OP": "{0,3}"}]
        self.pat.add("person:role-after", [person + after_cue + [{"LOWER": {"IN": role_words + ["who", "head", "chief"]}}],
                                           person + [{"ORTH": ","}, {"IS_TITLE": True, "OP": "+"},
                                                     {"LOWER": {"IN": role_words}}]] +
                     [person + after_cue + r for r in multi_roles])
        # Places named with their kind: "Edo State" (a sub-national state), "Benin City".
        not_sub = list(heads.get("subnational_not", []))
        subnational = {"ORTH": {"IN": heads.get("subnational_suffixes", [])}}
        self.pat.add("place:subnational",
                     [[{**NAMEWORD, "ORTH": {"NOT_IN": not_sub}}, subnational]],
                     anchors=[subnational])
        place = {"ORTH": {"IN": heads.get("place_suffixes", [])}}
        self.pat.add("place:place", [[NAMEWORD, {**NAMEWORD, "OP": "?"}, place]], anchors=[place])
        # An age in apposition: "Wade Hollister, 57, of League City"; "Ana Ruiz, 34, said".
        age = [{"ORTH": ","}, {"TEXT": {"REGEX": r"^\d{1,3}$"}}, {"ORTH": ","}]
        self.pat.add("person:age", [person + age])
        self.pat.add("person:verb", [[{"LOWER": {"IN": verbs}}] + person,
                                     person + [{"LOWER": {"IN": verbs}}]])
        # Groups of people.
        groups_lex = lexicon.get("groups", {})
        modifiers = [m.lower() for m in groups_lex.get("affected_modifiers", [])]
        modifiers += [d.lower() for d in self.demonyms]
        heads_g = [h.lower() for h in groups_lex.get("affected_heads", [])]

        def words_of(phrase: str) -> list[str]:
            # as the tokenizer splits it: "asylum-seekers" is three tokens
            return [t.lower_ for t in nlp_doc(phrase)]
        single_heads = [h for h in heads_g if len(words_of(h)) == 1]
        multi_heads = [h for h in heads_g if len(words_of(h)) > 1]
        mod = {"LOWER": {"IN": modifiers}, "OP": "+"}
        patterns = [[mod, {"LOWER": {"IN": single_heads}}]]
        for h in multi_heads:
            patterns.append([mod] + [{"LOWER": w} for w in words_of(h)])
        for h in groups_lex.get("affected_alone", []):
            words = h.lower().split()
            patterns.append([{"LOWER": w} for w in words] + [{"LOWER": "of"}, {"LOWER": {"IN": [
                "trafficking", "exploitation", "forced", "human", "modern", "abuse", "slavery",
                "labour", "labor", "sexual", "sex"]}},
                {"LOWER": {"IN": ["labour", "labor", "trafficking", "slavery", "exploitation"]},
                 "OP": "?"}])
        bare = groups_lex.get("affected_bare", [])
        patterns += [[{"LOWER": w} for w in words_of(b)] for b in bare]
        self.pat.add("group:affected", patterns)
        # "the Libyan coast guard": a state's demonym describes its body as well
        body_mods = [m.lower() for m in groups_lex.get("body_modifiers", [])]
        body_mods += [d.lower() for d in self.demonyms]
        body_patterns, body_heads = [], []
        for head in groups_lex.get("body_heads", []):
            words = [{"LOWER": w} for w in head.lower().split()]
            body_heads += words[-1:]
            body_patterns.append([{"LOWER": {"IN": body_mods}, "OP": "+"}] + words)
            prefixes = [p.lower() for p in groups_lex.get("body_prefixes", [])]
            body_patterns.append([{"LOWER": {"IN": prefixes}}, {"ORTH": "-"}, {"IS_LOWER": True},
                                  {"LOWER": {"IN": body_mods}, "OP": "*"}] + words)
        self.pat.add("body:GovernmentBody", body_patterns, anchors=body_heads)
        speaking = groups_lex.get("speaking_groups", [])
        self.pat.add("group:speaking", [[{"LOWER": w} for w in words_of(s)] for s in speaking])
        self.pat.add("demonym:official", [[{"ORTH": {"IN": sorted(self.demonyms)}}]])

    # -- matching -------------------------------------------------------------------------
    def __call__(self, doc) -> list[Candidate]:
        found: list[Candidate] = []
        conditional = []
        for match_id, start, end in self.gaz(doc):
            family, _, key = self.vocab.strings[match_id].partition(":")
            entity = self.gazetteer[key]
            if family == "gaz":
                found.append(Candidate(start, end, entity.kind, "gazetteer", key, priority=3))
            elif family == "metonym" and self._metonymic(doc, start):
                found.append(Candidate(start, end, entity.kind, "gazetteer", key, priority=2))
            elif family == "generic":
                conditional.append(Candidate(start, end, entity.kind, "gazetteer", key, priority=2))
        found = self._officials(doc, found)
        named = {c.key for c in found}
        states = [c for c in found if c.kind == "State" and c.key]
        counts: dict[str, int] = {}
        for c in states:
            counts[c.key] = counts.get(c.key, 0) + 1
        main = max(counts, key=lambda k: (counts[k], -min(c.start for c in states if c.key == k)),
                   default=None)
        fitting = []
        for cand in conditional:
            record = self.gazetteer[cand.key]
            context = {record.get(f) for f in ("part_of", "jurisdiction", "publisher")}
            if context & named:
                fitting.append(cand)
        for cand in fitting:
            rivals = [c for c in fitting if c.start == cand.start and c.end == cand.end]
            if len(rivals) > 1 and cand is not self._preferred(rivals, states, main):
                continue  # "Congress" in a US article that also names Brazil
            found.append(cand)
        headline = _headline_tokens(doc)
        places = {c.start for c in found if c.kind == "State"}
        for match_id, start, end in self.pat(doc):
            if start in headline:
                continue  # In Headline Case every word looks like a name.
            label = self.vocab.strings[match_id]
            family, _, kind = label.partition(":")
            cand = self._pattern_candidate(doc, family, kind, start, end, places)
            if cand is not None:
                found.append(cand)
        found = self._prefixed(doc, found)
        return self._retype(doc, _settle(found))

    def _kind_of_name(self, name: str) -> str | None:
        """The kind the rules give ``name`` on its own (one candidate covering all of it), else
        None. The name is written as a sentence, so that a long name in title case is not taken
        for a headline. Use :attr:`kind_of_name`, which remembers the answers."""
        doc = parse(name.rstrip(".") + ".")
        for cand in self(doc):
            if cand.start == 0 and cand.end == len(doc) - 1:
                return cand.kind
        return None

    def _preferred(self, rivals: list[Candidate], states: list[Candidate], main: str | None
                   ) -> Candidate:
        """Among generic-alias candidates for one span, the one of the article's main state,
        else of the state named nearest before it, else the first by id."""
        def state_of(c):
            record = self.gazetteer[c.key]
            return record.get("part_of") or record.get("jurisdiction")
        for c in sorted(rivals, key=lambda c: c.key):
            if main is not None and state_of(c) == main:
                return c
        before = [s for s in states if s.end <= rivals[0].start]
        for s in reversed(before):
            for c in sorted(rivals, key=lambda c: c.key):
                if state_of(c) == s.key:
                    return c
        return min(rivals, key=lambda c: c.key)

    def _prefixed(self, doc, found: list[Candidate]) -> list[Candidate]:
        """"the UN Smuggling Protocol": a pattern name that is a known name behind an organisation's
        short name is the known entity (the prefix stays in the mention)."""
        prefixes = {p for p in self.lexicon.get("heads", {}).get("organisation_prefixes", [])}
        known = [c for c in found if c.how == "gazetteer" and c.key]
        out = []
        for cand in found:
            if cand.how == "pattern" and cand.kind != "Person":
                inner = next((k for k in known if k.end == cand.end and cand.start < k.start
                              and all(doc[i].text in prefixes for i in range(cand.start, k.start))),
                             None)
                if inner is not None:
                    out.append(Candidate(cand.start, cand.end, inner.kind, "gazetteer", inner.key,
                                         priority=3, extra=dict(inner.extra)))
                    continue
            out.append(cand)
        return out

    def _retype(self, doc, chosen: list[Candidate]) -> list[Candidate]:
        """Settle what a name is across the article: a name found as an organisation anywhere
        ("Safe Passage Europe, a network of shelters") is an organisation where a reporting verb
        made it look like a person ("Safe Passage Europe said"), and so is the short form of an
        organisation's name ("Lotus Bridge" for "Lotus Bridge Legal Aid"). An organisation's
        name followed at once by a state's name ("Migrant Care Alliance Malaysia") is one name."""
        org_kinds = ("CivilSocietyOrganisation", "GovernmentBody", "InternationalOrganisation",
                     "MediaOrganisation", "Business")
        orgs = [c for c in chosen if c.kind in org_kinds]
        merged: list[Candidate] = []
        skip = set()
        for i, cand in enumerate(chosen):
            if i in skip:
                continue
            nxt = chosen[i + 1] if i + 1 < len(chosen) else None
            if cand.how == "pattern" and cand.kind in org_kinds and nxt is not None and \
                    nxt.kind == "State" and nxt.key and nxt.start == cand.end and \
                    (nxt.end >= len(doc) or not doc[nxt.end].is_title) and \
                    (nxt.end >= len(doc) or doc[nxt.end].text not in ("'s", "’s")):
                merged.append(Candidate(cand.start, nxt.end, cand.kind, cand.how, None,
                                        cand.priority, dict(cand.extra)))
                skip.add(i + 1)
                continue
            merged.append(cand)
        orgs = [c for c in merged if c.kind in org_kinds]
        names = {}
        for c in orgs:
            words = tuple(t.text for t in doc[c.start:c.end])
            names.setdefault(words, c.kind)
        out = []
        for cand in merged:
            if cand.kind == "Person" and cand.how == "pattern":
                words = tuple(t.text for t in doc[cand.start:cand.end])
                kind = names.get(words) or next(
                    (k for n, k in names.items() if len(n) > len(words) and n[:len(words)] == words),
                    None)
                full = next((n for n in names if len(n) > len(words) and n[-len(words):] == words
                             and cand.start - (len(n) - len(words)) >= 0 and
                             tuple(t.text for t in doc[cand.start - (len(n) - len(words)):cand.end]) == n),
                            None)
                if full is not None:
                    cand = Candidate(cand.start - (len(full) - len(words)), cand.end, names[full],
                                     "pattern", None, 1, {})
                    out = [c for c in out if c.end <= cand.start]
                    out.append(cand)
                    continue
                heads = self.lexicon.get("heads", {}).get("organisation", {})
                if kind is None:
                    kind = next((k for k, ws in heads.items() for t in words if t in ws), None)
                if kind is not None:
                    cand = Candidate(cand.start, cand.end, kind, "pattern", None, 1, {})
            out.append(cand)
        return out

    def _pattern_candidate(self, doc, family, kind, start, end, places=frozenset()
                           ) -> Candidate | None:
        openers = self.openers
        if family == "pat":
            start = _strip_leading(doc, start, end, openers)
            start = self._strip_common_start(doc, start, end)
            end = _balance(doc, start, end)
            if end - start < 2 or _located(doc, start, end, places):
                return None
            span = doc[start:end]
            if kind == "GovernmentBody" and self._international(span.text):
                kind = "InternationalOrganisation"
            elif kind == "CivilSocietyOrganisation":
                kind = self._public_body(doc, start, end, kind)
            return Candidate(start, end, kind, "pattern", priority=1)
        if family == "company":
            start = _strip_leading(doc, start, end, openers)
            return Candidate(start, end, "Business", "pattern", priority=2) if end > start else None
        if family == "cue-after":
            end = _balance(doc, start, next(i for i in range(start, end) if doc[i].text == ","))
            start = _strip_leading(doc, start, end, openers)
            if end - start < 2 or not doc[end - 1].is_title:
                return None
            return Candidate(start, end, kind, "pattern", priority=1)
        if family == "cue":
            start += 1
            end = _balance(doc, start, end)
            if end - start < 1 or not doc[start].is_title:
                return None
            return Candidate(start, end, kind, "pattern", priority=1)
        if family == "person":
            skip = self._not_names
            toks = list(range(start, end))
            if kind == "honorific":
                toks = toks[1:]
            # the end of a multi-word role before the name: "Secretary of State Marco Rubio"
            for words in self._multi_roles:
                n = len(words)
                cut = next((j for j in range(n, 0, -1) if toks and toks[0] - (n - j) >= 0 and
                            toks[0] + j <= len(doc) and
                            [doc[t].lower_ for t in range(toks[0] - (n - j), toks[0] + j)] == words),
                           0)
                if cut:
                    toks = toks[cut:]
                    break
            while toks and (doc[toks[0]].lower_ in skip or not doc[toks[0]].is_title):
                toks = toks[1:]
            cut = next((i for i, t in enumerate(toks) if doc[t].text == ","), None)
            if cut is not None:
                toks = toks[:cut]
            while toks and (doc[toks[-1]].lower_ in skip or not doc[toks[-1]].is_title):
                toks = toks[:-1]
            if not toks or (len(toks) < 2 and kind != "honorific"):
                return None
            s, e = toks[0], toks[-1] + 1
            if any(doc[t].lower_ in STOP_WORDS for t in range(s, e)):
                return None
            return Candidate(s, e, "Person", "pattern", priority=0,
                             extra={"honorific": doc[start].text if kind == "honorific" else None})
        if family == "body":
            if doc[start].is_title and start > 0 and not doc[start - 1].is_sent_end and \
                    doc[start].text not in self.demonyms:
                return None  # a capitalised name is left to the name patterns
            if not any(doc[i].is_lower for i in range(start + 1, end)):
                return None  # "Libyan Coast Guard": a name, left to the name patterns
            return Candidate(start, end, "GovernmentBody", "pattern", priority=0,
                             extra={"described": True})
        if family == "group":
            kind = "AffectedGroup" if kind == "affected" else "ActorGroup"
            return Candidate(start, end, kind, "pattern", priority=1)
        if family == "place":
            if start > 0 and doc[start - 1].lower_ == "of" and doc[start].is_title and \
                    start > 1 and doc[start - 2].is_title:
                return None  # "Secretary of State", "Department of State": part of a name
            if kind == "subnational":
                return Candidate(start, end, "State", "pattern", priority=2,
                                 extra={"subnational": True})
            # "Benin City": a place, not an actor; it only keeps the country's name out.
            return Candidate(start, end, "Place", "pattern", priority=2)
        if family == "demonym":
            entity = self.demonyms.get(doc[start].text)
            groups = self.lexicon.get("groups", {})
            follow = {w.lower() for w in groups.get("official_nouns", []) +
                      groups.get("government_nouns", [])}
            if entity is None or end >= len(doc) or doc[end].lower_ not in follow:
                return None  # a demonym alone ("Thai fishers") is not the state
            officials = {w.lower() for w in groups.get("official_nouns", [])}
            if doc[end].lower_ in officials:
                # "Mexican officials": a group speaking for the state
                return Candidate(start, end + 1, "ActorGroup", "demonym", None, priority=3,
                                 extra={"state": entity.id, "state_end": end})
            return Candidate(start, end, "State", "demonym", entity.id, priority=2)
        return None

    def _strip_common_start(self, doc, start: int, end: int) -> int:
        """"Officers of Nepal Police": a capitalised common noun that opens the sentence is
        not part of the name after it."""
        if start >= end or not doc[start].is_sent_start or \
                doc[start].lower_ not in self.common_nouns:
            return start
        start += 1
        while start < end and (doc[start].lower_ in STOP_WORDS or doc[start].is_punct):
            start += 1
        return start

    def _officials(self, doc, found: list[Candidate]) -> list[Candidate]:
        """"Malaysian officials", "Thai authorities": a group that speaks for the state;
        "the Thai government": the state itself."""
        groups = self.lexicon.get("groups", {})
        officials = {w.lower() for w in groups.get("official_nouns", [])}
        government = {w.lower() for w in groups.get("government_nouns", [])}
        out = []
        for cand in found:
            nxt = doc[cand.end] if cand.end < len(doc) else None
            if cand.kind == "State" and nxt is not None and nxt.text == "Police":
                # "Nepal Police", "Kenya Police": the name of the state's police force
                out.append(Candidate(cand.start, cand.end + 1, "GovernmentBody", "pattern",
                                     priority=3))
            elif cand.kind == "State" and nxt is not None and nxt.lower_ in officials:
                out.append(Candidate(cand.start, cand.end + 1, "ActorGroup", cand.how, None,
                                     priority=3, extra={"state": cand.key,
                                                        "state_end": cand.end}))
            elif cand.kind == "State" and cand.how == "demonym" and nxt is not None \
                    and nxt.lower_ in government:
                out.append(Candidate(cand.start, cand.end + 1, "State", "demonym", cand.key,
                                     priority=3))
            else:
                out.append(cand)
        return out

    def _metonymic(self, doc, start: int) -> bool:
        """A capital names its government unless it is a place: "in Bangkok", "to Doha"."""
        places = self.lexicon.get("references", {}).get("locative_prepositions", [])
        return start == 0 or doc[start - 1].lower_ not in places

    def _public_body(self, doc, start: int, end: int, kind: str) -> str:
        """A name with a civil-society head may be a public body: "EU Emergency Trust Fund",
        "UN Fact-Finding Mission" (heads that international bodies use, with an international
        marker) are international; "National Migration Institute", "Federal Institute of ..."
        (a head that states use, opened by a word of the state) are government bodies."""
        heads = self.lexicon.get("heads", {})
        words = [t.text for t in doc[start:end]]
        if any(w in heads.get("international_heads", []) for w in words) and \
                self._international(" ".join(words)):
            return "InternationalOrganisation"
        if words[0] in heads.get("state_markers", []) and \
                any(w in heads.get("state_heads", []) for w in words[1:]):
            return "GovernmentBody"
        return kind

    def _international(self, text: str) -> bool:
        markers = self.lexicon.get("heads", {}).get("international_markers", [])
        words = set(text.replace(",", " ").split())
        return any((m in words) if " " not in m else (m in text) for m in markers)


def _common_nouns(lexicon: dict) -> frozenset:
    """Plain nouns for people and groups from the lexicon ("officers", "workers", "lawyer")."""
    groups = lexicon.get("groups", {})
    words = [*groups.get("official_nouns", []), *groups.get("speaking_groups", []),
             *groups.get("affected_heads", []), *lexicon.get("roles", {}).get("roles", [])]
    return frozenset(w.lower() for w in words if " " not in w)


def _headline_tokens(doc) -> set[int]:
    """Tokens of sentences written in headline case (most words capitalised). A sentence that
    ends with a full stop is prose, however many names it holds."""
    tokens: set[int] = set()
    for sent in doc.sents:
        last = [t for t in sent if not t.is_space and t.text not in ('"', "”", "’", "'", ")")]
        if last and last[-1].text in (".", "!", ";"):
            continue
        words = [t for t in sent if t.is_alpha and t.lower_ not in STOP_WORDS]
        if len(words) >= 4 and sum(t.is_title or t.is_upper for t in words) / len(words) > 0.75:
            tokens.update(range(sent.start, sent.end))
    return tokens


def _located(doc, start: int, end: int, places) -> bool:
    """"the Single Competent Authority in the Home Office", "the ... Ordinance in Malaysia":
    "in the" or "in" before a state places a name somewhere; names themselves say "Trafficking
    in Persons" without an article."""
    return any(doc[i].lower_ == "in" and (doc[i + 1].lower_ == "the" or i + 1 in places)
               for i in range(start, end - 1))


def _balance(doc, start: int, end: int) -> int:
    """Cut a span before an unbalanced bracket, a trailing "(ACRONYM)" or a trailing hyphen."""
    depth = 0
    for i in range(start, end):
        if doc[i].text == "(":
            depth += 1
        elif doc[i].text == ")":
            depth -= 1
            if depth < 0:
                end = i
                break
    if depth > 0:
        opened = max(i for i in range(start, end) if doc[i].text == "(")
        end = opened
    if end - start >= 3 and doc[end - 1].text == ")" and doc[end - 3].text == "(" \
            and doc[end - 2].is_upper:
        end -= 3
    while end > start and (doc[end - 1].text in ("-", "(", ",")
                           or re.fullmatch(r"(?:[A-Z]\.)+", doc[end - 1].text)):
        end -= 1  # a trailing hyphen, or an era abbreviation such as "B.E." before a year
    return end


def _strip_leading(doc, start: int, end: int, openers: frozenset = frozenset()) -> int:
    """Drop function words, punctuation and sentence openers ("According") before a name."""
    while start < end and (doc[start].lower_ in STOP_WORDS or doc[start].is_punct
                           or doc[start].text in openers):
        start += 1
    return start


def _settle(found: list[Candidate]) -> list[Candidate]:
    """Keep non-overlapping candidates: longest first, then priority, then earliest (and among
    candidates equal in these, kind and key, the first found)."""
    chosen: list[Candidate] = []
    taken: set[int] = set()
    for cand in sorted(found, key=lambda c: (-c.length, -c.priority, c.start, c.kind, c.key or "")):
        if any(i in taken for i in range(cand.start, cand.end)):
            continue
        chosen.append(cand)
        taken.update(range(cand.start, cand.end))
    return sorted(chosen, key=lambda c: c.start)


@lru_cache(maxsize=4)
def get_recogniser(entities_dir: str | None = None, lexicon_dir: str | None = None) -> Recogniser:
    return Recogniser(load_gazetteer(entities_dir), load_lexicon(lexicon_dir))


def recognise(doc, recogniser: Recogniser | None = None) -> list[Candidate]:
    return (recogniser or get_recogniser())(doc)
