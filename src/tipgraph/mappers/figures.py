"""Figures: the sums of money (tg:MonetaryAmount) and the counts (tg:Count) an article states.

An amount is a number with a currency written before it ("RM 77 million", "RM100,000",
"USD 2bn") or after it ("250 million baht", "eight thousand dollars"); the currency comes from
data/entities/currencies.yaml. A form several currencies share ("$") takes the currency of the
state the article is about when that currency lists the form (an ISO 4217 code begins with its
country's ISO 3166 code), else the form's default, with lower confidence.

A count is a number before what it counts ("1,243 victims", "only nine women"), a percentage, or
a number whose predicate says what it counts ("fewer than 200 had been identified as victims").
Years, dates, labels ("Tier 2", "Article 23", "No. 188"), ages and durations are not counts.

Each figure gets, when the sentence gives them: its period (a fiscal year, a year, "the
previous fiscal year" resolved against the period it is compared with, "a month"), its purpose
(the phrase after "towards", "for", "on" ..., or the noun it is linked to: "a fine of up to
RM100,000"), its owner (tg:figureOf: "Malaysia's allocation of", "the ministry had set aside",
else for a budget the article's state) and the earlier figure it is compared with
(tg:previousFigure: "an increase from RM 62 million"), which inherits what it lacks. All the
words come from data/lexicon/figures.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import Literal
from spacy.util import filter_spans

from ..dates import YEAR_RE
from ..gazetteer import ACTOR_KINDS
from ..literals import decimal_literal
from ..namespace import SCHEMA, TG
from ..nlp import SparseMatcher
from ..phrases import Phrases, phrase_tokens
from . import mapper

# A number in digits: "77", "1.2", "1,243", "450,000".
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
NUMBER_TOKEN = re.compile(rf"^(?:{NUMBER})$")
# A fiscal year written as one token: "2023/24", "2023-2024", "FY2025", "FY25".
FISCAL_TOKEN = re.compile(r"^(?:FY)?(?P<y1>(?:19|20)\d\d)[/–-](?P<y2>\d\d(?:\d\d)?)$"
                          r"|^FY(?P<fy>(?:19|20)?\d\d)$", re.I)
# The second year of a range written over three tokens: "2024" "-" "25".
RANGE_END = re.compile(r"^\d\d(?:\d\d)?$")

CLAUSE_PUNCT = {",", ";", ":", "—", "–", "--", "(", ")"}
DASHES = {"—", "–", "-"}
POSSESSIVE = {"'s", "’s", "'", "’"}
DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "this", "that", "'s", "’s"}
RELATIVES = {"who", "whom", "whose", "which", "that", "where"}
PERIOD_PREPOSITIONS = {"in", "for", "during", "of", "over", "across", "throughout", "from"}
# Kinds whose names may end in a year written after a comma ("Act, 2007").
NAMED_KINDS = ("Statute", "Constitution", "Bill", "ConstitutionalProvision", "Treaty", "Protocol",
               "Declaration", "Instrument")
OWNER_KINDS = tuple(k for k in ACTOR_KINDS if k not in ("AffectedGroup", "ActorGroup"))
_CACHE: dict = {}


# ------------------------------------------------------------------------------ the lexicon

class Words:
    """data/lexicon/figures.yaml, ready for matching."""

    def __init__(self, lex: dict, months: dict):
        self.lex = lex
        self.months = set(months)
        self._numbers()
        self._counts()
        self._periods()
        self._money()

    def _list(self, key: str) -> list:
        return self.lex.get(key) or []

    def _lower(self, key: str) -> set[str]:
        return {str(x).lower() for x in self._list(key)}

    def _labelled(self, key: str) -> Phrases:
        """A mapping label -> phrases, as phrases with their label for value."""
        return Phrases({p: label for label, ps in (self.lex.get(key) or {}).items() for p in ps})

    def _numbers(self) -> None:
        lex = self.lex
        self.scales = {str(k).lower(): Decimal(str(v)) for k, v in (lex.get("scales") or {}).items()}
        self.abbrs = {str(k).lower(): Decimal(str(v))
                      for k, v in (lex.get("scale_abbreviations") or {}).items()}
        self.glued_scale = re.compile(
            rf"^(?P<num>{NUMBER})(?P<scale>(?i:{_alternation(self.abbrs)}))$") if self.abbrs else None
        self.number_words = Phrases(lex.get("number_words") or {})
        single = {k[0]: v for k, v in self.number_words.values.items() if len(k) == 1}
        self.tens = {k for k, v in single.items() if v in range(20, 100, 10)}
        self.units = {k: v for k, v in single.items() if v in range(1, 10)}
        self.qualifiers = Phrases(self._list("qualifiers"))
        self.suffixes = Phrases(self._list("qualifier_suffixes"))
        self.percent = self._list("percent")
        self.percent_unit = str(lex.get("percent_unit") or "percent")

    def _counts(self) -> None:
        self.counted, self.not_counted = self._lower("counted_nouns"), self._lower("not_counted")
        self.determiners = self._lower("determiner_numbers")
        self.anaphoric = self._lower("anaphoric_determiners")
        self.label_heads, self.generic = self._lower("label_heads"), self._lower("generic_units")
        self.function, self.aux = self._lower("function_words"), self._lower("auxiliaries")
        self.np_stop = self.function | self.aux | self._lower("phrase_verbs")
        self.partitives = Phrases(self._list("partitives"))
        self.frames = Phrases(self._list("count_frames"))
        self.change = self._lower("change_verbs")
        self.group_determiners = self._lower("group_determiners")
        self.part_joiners = self._lower("part_joiners")
        self.population_frames = Phrases(self._list("population_frames"))
        self.population_nouns = self._lower("population_nouns")
        self.relative = str(self.lex.get("partitive_relative") or "who")

    def _periods(self) -> None:
        self.period_words = Phrases(self._list("period_words"))
        self.fiscal = Phrases(self._list("fiscal_prefixes"))
        self.previous = Phrases(self._list("previous_periods"))
        self.same = Phrases(self._list("same_periods"))
        self.deictic = Phrases(self.lex.get("deictic_periods") or {})
        self.recurring = self._labelled("recurring")
        self.recurring_anywhere = self._labelled("recurring_anywhere")
        self.recurring_adj = {str(k).lower(): str(v)
                              for k, v in (self.lex.get("recurring_adjectives") or {}).items()}
        self.duration_preps = self._lower("duration_prepositions")
        self.duration_units = self._lower("duration_units")
        self.since = Phrases(self._list("cumulative_openers"))
        self.base_openers = Phrases(self._list("comparison_bases"))
        self.calendars = [c for c in (self.lex.get("calendars") or []) if isinstance(c, dict)]

    def _money(self) -> None:
        self.markers = Phrases(self._list("purpose_markers"))
        self.weak = Phrases(self._list("weak_purpose_markers"))
        self.links = Phrases(self._list("purpose_links"))
        self.generic_money = self._lower("generic_money_nouns")
        self.breaks = Phrases(self._list("clause_breaks"))
        self.comparisons = Phrases(self._list("comparison_markers"))
        self.alloc = Phrases(self._list("allocation_verbs"))
        self.budget = Phrases(self._list("budget_words"))
        self.verbs = self._lower("allocation_verbs") | self.change
        self.possessives = self._lower("possessive_pronouns")


class Currencies:
    """The forms currencies are written in (symbols and codes exactly, names lower-cased), each
    with the currencies it may mean and how: plain (only this one), default or ambiguous."""

    def __init__(self, records: list[dict]):
        self.symbols: dict[str, list[tuple[str, str]]] = {}
        self.names: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        for record in records:
            code = str(record.get("code") or "")
            if not re.fullmatch(r"[A-Z]{3}", code):
                continue
            self.symbols.setdefault(code, []).append((code, "plain"))
            for item in record.get("symbols") or []:
                form, flag = _form(item, "symbol")
                self.symbols.setdefault(form, []).append((code, flag))
            for item in record.get("names") or []:
                form, flag = _form(item, "name")
                self.names.setdefault(phrase_tokens(form), []).append((code, flag))
        self.codes = {s for s in self.symbols if re.fullmatch(r"[A-Z]{3}", s)}
        self.name_first = {key[0] for key in self.names}
        self.longest_name = max((len(k) for k in self.names), default=0)
        glued = [s for s in self.symbols if s not in self.codes]
        self.glued = re.compile(rf"^(?P<sym>{_alternation(glued)})(?P<num>{NUMBER})$") if glued else None

    def name_at(self, doc, i: int) -> int:
        """Length of the currency name (or code) starting at token ``i``."""
        if i < len(doc) and doc[i].text in self.codes:
            return 1
        for n in range(min(self.longest_name, len(doc) - i), 0, -1):
            if tuple(t.lower_ for t in doc[i:i + n]) in self.names:
                return n
        return 0

    def resolve(self, doc, i: int, n: int, symbol: bool, state_iso: str | None):
        """The currency code the form at tokens i..i+n means here, and how sure that is."""
        options = self.symbols.get(doc[i].text) if symbol or doc[i].text in self.codes \
            else self.names.get(tuple(t.lower_ for t in doc[i:i + n]))
        return _choose(options or [], state_iso)

    def resolve_symbol(self, symbol: str, state_iso: str | None):
        return _choose(self.symbols.get(symbol, []), state_iso)


def _choose(options: list[tuple[str, str]], state_iso):
    """``state_iso``: the ISO 3166 code of the state the amount is about, or several, nearest
    first (the state named in the amount's sentence, then the article's)."""
    codes = list(dict.fromkeys(code for code, _ in options))
    if not codes:
        return None
    if len(codes) == 1 and options[0][1] == "plain":
        return codes[0], 0.9
    isos = [state_iso] if isinstance(state_iso, str) or state_iso is None else list(state_iso)
    for iso in isos:
        local = [c for c in codes if iso and c[:2] == iso]
        if local:
            return local[0], 0.75
    for flag, confidence in (("plain", 0.8), ("default", 0.6)):
        found = [code for code, f in options if f == flag]
        if found:
            return found[0], confidence
    return None


def _form(item, key: str) -> tuple[str, str]:
    if isinstance(item, dict):
        flag = "default" if item.get("default") else "ambiguous" if item.get("ambiguous") else "plain"
        return str(item.get(key) or ""), flag
    return str(item), "plain"


def _alternation(forms) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True) if f)


def _resources(ctx):
    """The lexicon, the currency forms and the Matcher, built once per data set."""
    lex, currencies = ctx.lexicon.get("figures") or {}, ctx.gazetteer.currencies
    key = (id(ctx.doc.vocab), id(lex), id(currencies))
    if key not in _CACHE:
        dates = ctx.lexicon.get("dates") or {}
        words = Words(lex, {**(dates.get("months") or {}), **(dates.get("month_abbreviations") or {})})
        cur = Currencies(currencies)
        _CACHE[key] = (words, cur, _matcher(ctx.doc.vocab, words, cur))
    return _CACHE[key]


# ------------------------------------------------------------------------------ the Matcher

def _matcher(vocab, w: Words, cur: Currencies) -> SparseMatcher:
    """Token patterns: MONEY (currency + number + scale, number + scale + currency), NUMBER and
    PERCENT. Short scales ("m", "bn") must touch the number ("£3.5m", "40m"). Numbers are few
    in a text, so the patterns are only tried where one could be."""
    num = {"TEXT": {"REGEX": NUMBER_TOKEN.pattern}}
    tight = {"TEXT": {"REGEX": NUMBER_TOKEN.pattern}, "SPACY": False}
    scale, abbr = {"LOWER": {"IN": sorted(w.scales)}}, {"LOWER": {"IN": sorted(w.abbrs)}}
    digits = [[num], [num, scale], [tight, abbr]]
    if w.glued_scale is not None:
        digits.append([{"TEXT": {"REGEX": w.glued_scale.pattern}}])
    spelled = [[{"LOWER": t} for t in key] for key in w.number_words.values]
    spelled.append([{"LOWER": {"IN": sorted(w.tens)}}, {"ORTH": "-"},
                    {"LOWER": {"IN": sorted(w.units)}}])
    spelled += [p + [scale] for p in spelled]
    symbol = {"TEXT": {"IN": sorted(cur.symbols)}}
    name = [{"LOWER": {"IN": sorted(cur.name_first)}}], [{"TEXT": {"IN": sorted(cur.codes)}}]
    money = [[symbol] + d for d in digits + [[num, abbr]]] + \
        [d + n for d in digits + spelled for n in name]
    if cur.glued is not None:
        glued = {"TEXT": {"REGEX": cur.glued.pattern}}
        money += [[glued], [glued, scale], [dict(glued, SPACY=False), abbr]]
    matcher = SparseMatcher(vocab)
    matcher.add("MONEY", money)
    matcher.add("NUMBER", digits + spelled)
    if w.percent:
        matcher.add("PERCENT", [[num] + [{"LOWER": t} for t in phrase_tokens(p)] for p in w.percent])
    return matcher


# ------------------------------------------------------------------------------ figures

@dataclass
class Period:
    tok: int
    tok_end: int
    kind: str            # fiscal, year, previous, same, deictic, duration, recurring
    value: str | None


@dataclass
class Fig:
    kind: str            # MonetaryAmount or Count
    tok: int             # the number as written (currency included), tokens tok..tok_end
    tok_end: int
    vtok: int            # the value as written (qualifiers, unit, "a month" included)
    vtok_end: int
    value: Decimal
    confidence: float
    currency: str | None = None
    unit: str | None = None
    head: str | None = None
    np: str | None = None        # the noun phrase counted, without what is said of it
    part_of: "Fig | None" = None  # the group a partitive count is a part of ("212 of them")
    period: str | None = None
    period_kind: str = ""
    period_toks: tuple[int, int] | None = None
    link_adj: tuple[str, int] | None = None
    purpose_toks: tuple[int, int] | None = None
    purpose_conf: float = 0.0
    owner: object = None
    owner_toks: tuple[int, int] | None = None
    owner_conf: float = 0.0
    pronoun: bool = False
    previous: "Fig | None" = None
    compared_to: "Fig | None" = None
    node: object = None


def _dec(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def _number(doc, i: int, w: Words, glued: str | None = None,
            spaced: bool = False) -> tuple[Decimal | None, int]:
    """The value of the number starting at token ``i`` (with its scale) and the token after.
    A short scale must touch the number ("40m") unless a currency comes first ("USD 2 bn")."""
    if glued is not None:
        base = _dec(glued)
    elif i < len(doc) and NUMBER_TOKEN.match(doc[i].text):
        base, i = _dec(doc[i].text), i + 1
    elif i < len(doc) and w.glued_scale is not None and w.glued_scale.match(doc[i].text):
        m = w.glued_scale.match(doc[i].text)
        return _dec(m["num"]) * w.abbrs[m["scale"].lower()], i + 1
    else:
        n = w.number_words.at(doc, i)
        if not n:
            return None, i
        base, i = Decimal(str(w.number_words.value(doc, i, n))), i + n
        if doc[i - 1].lower_ in w.tens and i + 1 < len(doc) and doc[i].text == "-" \
                and doc[i + 1].lower_ in w.units:
            base, i = base + w.units[doc[i + 1].lower_], i + 2
    if base is not None and i < len(doc):
        low = doc[i].lower_
        if low in w.scales:
            return base * w.scales[low], i + 1
        if low in w.abbrs and (spaced or doc[i - 1].whitespace_ == ""):
            return base * w.abbrs[low], i + 1
    return base, i


def _amount(doc, s: int, w: Words, cur: Currencies, state_iso: str | None) -> Fig | None:
    """Read the amount whose match starts at token ``s``: currency, number, scale."""
    i, glued, resolved = s, None, None
    m = cur.glued.match(doc[s].text) if cur.glued is not None else None
    if doc[s].text in cur.symbols:                      # "US$" "77" "million"
        resolved, i = cur.resolve_symbol(doc[s].text, state_iso), s + 1
    elif m:                                             # "RM100,000"
        resolved, glued, i = cur.resolve_symbol(m["sym"], state_iso), m["num"], s + 1
    prefixed = i > s
    value, i = _number(doc, i, w, glued, spaced=prefixed)
    if value is None:
        return None
    if not prefixed:                                    # "250 million baht"
        n = cur.name_at(doc, i)
        if not n:
            return None
        resolved, i = cur.resolve(doc, i, n, False, state_iso), i + n
    if resolved is None:
        return None
    code, confidence = resolved
    return Fig("MonetaryAmount", s, i, s, i, _whole(value), confidence, currency=code)


def _extend_amount(doc, f: Fig, w: Words) -> Fig:
    """Take in the qualifier before ("nearly") and a recurrence after ("a month")."""
    f.vtok = f.tok - w.qualifiers.before(doc, f.tok, doc[f.tok].sent.start)
    if not w.previous.at(doc, f.tok_end):
        n = w.recurring.at(doc, f.tok_end, doc[f.tok].sent.end)
        if n:
            f.vtok_end = f.tok_end + n
            f.period, f.period_kind = w.recurring.value(doc, f.tok_end, n), "recurring"
            f.period_toks = (f.tok_end, f.tok_end + n)
    return f


def _iso(ref, ctx=None) -> str | None:
    """The ISO 3166 code of a state; a province or federal state has its country's."""
    record = ref.record if ref is not None else None
    for _ in range(3):  # a subdivision -> its country
        if record is None:
            return None
        if record.get("iso3166"):
            return record.get("iso3166")
        parent = record.get("part_of")
        record = ctx.gazetteer.get(parent) if ctx is not None and parent else None
    return None


def _state_links(ctx) -> dict:
    """The first jurisdiction and the first parent written for each entity:
    ``(entity, tg:jurisdiction | tg:partOf) -> object``."""
    links: dict = {}
    props = (TG.jurisdiction, TG.partOf)
    for s_, p_, o_ in ctx.triples:
        if p_ in props:
            links.setdefault((s_, p_), o_)
    return links


def _sentence_states(ctx, char: int, links: dict) -> list[str]:
    """The states an amount's sentence names, nearest first: a State itself, else the
    jurisdiction of a law named there (``links``: :func:`_state_links`), else the state a named
    body is part of ("directed the Maharashtra authority to pay Rs 5 lakh" under "the Immoral
    Traffic (Prevention) Act")."""
    sent = ctx.sentence_at(char)
    ranked = []
    for m in ctx.mentions_in(sent.start, sent.end):
        distance = abs(m.start - char)
        if m.ref.kind == "State":
            ranked.append((0, distance, _iso(m.ref, ctx)))
            continue
        for rank, prop in ((1, TG.jurisdiction), (2, TG.partOf)):
            target = links.get((m.ref.iri, prop))
            ref = ctx.entities.get(target) if target is not None else None
            if ref is not None and ref.kind == "State":
                ranked.append((rank, distance, _iso(ref, ctx)))
    return [iso for _, _, iso in sorted(ranked) if iso]


def _amounts(ctx, w: Words, cur: Currencies, matches) -> list[Fig]:
    doc = ctx.doc
    salient = _iso(ctx.salient("State"), ctx)
    links = _state_links(ctx)
    found = {}
    for label, s, _ in matches:
        if label == "MONEY" and ctx.in_prose(doc[s].idx):
            f = _amount(doc, s, w, cur, _sentence_states(ctx, doc[s].idx, links) + [salient])
            if f is not None:
                found[(f.tok, f.tok_end)] = f
    kept = filter_spans([doc[a:b] for a, b in found])
    return [_extend_amount(doc, found[(sp.start, sp.end)], w) for sp in kept]


# ------------------------------------------------------------------------------ counts

def _plural(token) -> bool:
    low = token.lower_
    return len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is"))


def _excluded(ctx, s: int, e: int, w: Words, masked: set[int]) -> bool:
    """Numbers that are not counts: in names, labels, dates, compounds, outside the prose."""
    doc = ctx.doc
    if not ctx.in_prose(doc[s].idx) or any(j in masked for j in range(s, e)):
        return True
    j = s - 1 if s > 0 and doc[s - 1].text != "." else s - 2
    if j >= 0 and doc[j].lower_ in w.label_heads:
        return True
    if s > 0 and doc[s - 1].text in DASHES | {"/"} and doc[s - 1].whitespace_ == "":
        return True
    if e < len(doc) and doc[e].text in DASHES | {"/", ":"} and doc[e - 1].whitespace_ == "":
        return True
    j = s - 2 if s > 1 and doc[s - 1].text == "." else s - 1
    return (j >= 0 and doc[j].text.rstrip(".") in w.months) or \
        (e < len(doc) and doc[e].text.rstrip(".") in w.months)


def _noun_phrase(doc, i: int, limit: int, w: Words) -> tuple[int, str | None]:
    """The end of the noun phrase at token ``i`` (what a number counts) and its head word."""
    j, head = i, None
    while j < limit and j - i < 6:
        t = doc[j]
        if t.text in DASHES and j > i and t.whitespace_ == "" and doc[j - 1].whitespace_ == "":
            j += 1
            continue
        if not t.is_alpha or t.lower_ in w.np_stop:
            break
        j, head = j + 1, t.lower_
        if head in w.counted or _plural(t):
            if j + 1 < limit and doc[j].lower_ in ("and", "or") and doc[j + 1].is_alpha and \
                    (doc[j + 1].lower_ in w.counted or _plural(doc[j + 1])):
                j, head = j + 2, doc[j + 1].lower_
            break
    while j > i and doc[j - 1].text in DASHES:
        j -= 1
    return j, head


def _complement(doc, j: int, limit: int, w: Words) -> int:
    """Extend a counted noun over its "of" complement: "cases of passport retention"."""
    if j + 1 >= limit or doc[j].lower_ != "of" or not doc[j + 1].is_alpha \
            or doc[j + 1].lower_ in w.np_stop:
        return j
    end, _ = _noun_phrase(doc, j + 1, limit, w)
    return end if end > j + 1 else j


def _run(ctx, w: Words, j: int, limit: int, blocked: set[int], longest: int) -> tuple[int, int]:
    """Tokens from ``j`` to the end of the clause (punctuation, a clause-break word, a period or
    another figure), without trailing function words."""
    doc, k = ctx.doc, j
    while k < limit and k - j < longest:
        t = doc[k]
        if k in blocked or (t.is_punct and not _joins_word(doc, k)):
            break
        if k > j and (w.breaks.at(doc, k, limit) or _and_breaks(doc, k, w, blocked)):
            break
        k += 1
    while k > j and (doc[k - 1].lower_ in w.function or doc[k - 1].text in DASHES):
        k -= 1
    return j, k


def _joins_word(doc, k: int) -> bool:
    """A hyphen or apostrophe inside a word ("anti-trafficking", "victims'"), not a dash."""
    t = doc[k]
    if t.text in ("'", "’"):
        return True
    return t.text == "-" and k > 0 and not t.whitespace_ and not doc[k - 1].whitespace_


def _and_breaks(doc, k: int, w: Words, blocked: set[int]) -> bool:
    """"and"/"or" end a phrase before another figure or a new clause ("and I would ...")."""
    if doc[k].lower_ not in ("and", "or") or k + 1 >= len(doc):
        return False
    nxt = doc[k + 1]
    return k + 1 in blocked or nxt.like_num or nxt.lower_ in w.np_stop


def _predicate(ctx, w: Words, j: int, blocked: set[int]) -> str | None:
    """What a bare number (or "people") is said to be: "formally identified as victims"."""
    doc = ctx.doc
    limit = doc[j - 1].sent.end
    while j < limit and doc[j].lower_ in w.aux:
        j += 1
    if j >= limit or not doc[j].is_alpha or doc[j].lower_ in w.function:
        return None
    start, end = _run(ctx, w, j, limit, blocked, 14)
    return ctx.text[doc[start].idx:doc[end - 1].idx + len(doc[end - 1])] if end > start else None


def _frame_unit(ctx, w: Words, s: int) -> str | None:
    """"the number of domestic workers ... at roughly 160,000": what the frame names."""
    doc = ctx.doc
    for j in range(s - 1, doc[s].sent.start - 1, -1):
        n = w.frames.at(doc, j, s)
        if n:
            end, _ = _noun_phrase(doc, j + n, s, w)
            if end > j + n:
                return ctx.text[doc[j + n].idx:doc[end - 1].idx + len(doc[end - 1])]
    return None


def _span_text(ctx, start: int, end: int) -> str | None:
    doc = ctx.doc
    return ctx.text[doc[start].idx:doc[end - 1].idx + len(doc[end - 1])] if end > start else None


def _np_back(doc, end: int, floor: int, w: Words) -> tuple[int, int] | None:
    """The noun phrase ending just before token ``end`` ("Federal trafficking convictions"),
    skipping a relative clause between commas (", which allow victims to remain ...,")."""
    if end - 1 > floor and doc[end - 1].text == ",":
        commas = [c for c in range(end - 2, floor - 1, -1) if doc[c].text == ","
                  and c + 1 < end and doc[c + 1].lower_ in ("which", "who", "that")]
        end = commas[0] if commas else end
    k = end
    while k > floor and end - k < 6:
        t = doc[k - 1]
        if not (t.is_alpha or _joins_word(doc, k - 1)) or t.lower_ in w.np_stop or \
                (k < end and _plural(t)):
            break
        k -= 1
    return (k, end) if k < end and doc[k].is_alpha else None


def _of_the_unit(ctx, w: Words, i: int) -> str | None:
    """"Only 33 of the 188 governments": what the larger number counts."""
    doc = ctx.doc
    if i + 3 >= len(doc) or doc[i].lower_ != "of" or \
            doc[i + 1].lower_ not in ("the", "its", "their", "all", "these", "those") or \
            not NUMBER_TOKEN.match(doc[i + 2].text):
        return None
    end, _ = _noun_phrase(doc, i + 3, doc[i].sent.end, w)
    return _span_text(ctx, i + 3, end)


def _change_unit(ctx, w: Words, s: int) -> str | None:
    """"convictions fell from 289 ... to 210", "cut its beds from 24 to 10": what changed."""
    doc = ctx.doc
    floor = doc[s].sent.start
    j = s - w.qualifiers.before(doc, s, floor)
    if j - 1 <= floor or doc[j - 1].lower_ not in ("from", "to"):
        return None
    k = j - 1 if doc[j - 1].lower_ == "from" else \
        next((x for x in range(j - 2, max(floor, j - 12) - 1, -1) if doc[x].lower_ == "from"), None)
    if k is None:
        return None
    verb = next((v for v in range(k - 1, max(floor, k - 5) - 1, -1) if doc[v].lower_ in w.change),
                None)
    if verb is None:
        return None
    np = _np_back(doc, k, verb + 1, w) if verb + 1 < k else None
    np = np or _np_back(doc, verb, floor, w)
    return _span_text(ctx, *np) if np else None


def _elaboration(ctx, w: Words, i: int, prev: Fig | None, blocked: set[int]) -> str | None:
    """"49.6 million people ...: 27.6 million in forced labour": the number before's noun."""
    doc = ctx.doc
    if prev is None or prev.head is None or doc[i].lower_ not in ("in", "for", "with", "on",
                                                                   "at", "under", "into"):
        return None
    start, end = _run(ctx, w, i, doc[i].sent.end, blocked, 8)
    text = _span_text(ctx, start, end)
    return (f"{prev.head} {text}", prev.head) if text and end > start + 1 else None


def _of_group(ctx, w: Words, s: int) -> str | None:
    """"Of the 1,020 helpers who answered, 684 ...": the group named after "of the" earlier in
    the sentence."""
    doc = ctx.doc
    for j in range(s - 1, doc[s].sent.start - 1, -1):
        if doc[j].lower_ == "of" and j + 1 < s and doc[j + 1].lower_ in w.group_determiners:
            k = j + 2
            while k < s and (NUMBER_TOKEN.match(doc[k].text) or doc[k].lower_ in w.scales):
                k += 1
            end, head = _noun_phrase(doc, k, s, w)
            if end > k and (head in w.counted or _plural(doc[end - 1])):
                return _span_text(ctx, k, end)
    return None


def _antecedent(ctx, w: Words, s: int, earlier: list[Fig]) -> Fig | None:
    """The group "of them" points to: the nearest earlier count in the sentence or the one
    before ("412 fishers ... More than 130 of them")."""
    doc = ctx.doc
    sent = doc[s].sent
    floor = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    found = [f for f in earlier if f.np and f.kind == "Count" and f.unit != w.percent_unit
             and f.vtok_end <= s and doc[f.tok].sent.start >= floor]
    return found[-1] if found else None


def _said_of(ctx, w: Words, j: int, blocked: set[int]) -> str | None:
    """What is said of the members of a group, as written: "had been offered shelter"."""
    doc = ctx.doc
    limit = doc[j].sent.end if j < len(doc) else j
    k = j
    while k < limit and doc[k].lower_ in w.aux:
        k += 1
    if k >= limit or not doc[k].is_alpha or (k == j and doc[k].lower_ in w.function):
        return None   # "between 18 and 30": no verb, nothing said of them
    start, end = _run(ctx, w, j, limit, blocked, 14)
    return _span_text(ctx, start, end)


def _names_counted(w: Words, text: str | None) -> bool:
    """A predicate says what is counted only when it names it: "identified as victims"."""
    return bool(text) and any(t.lower() in w.counted for t in re.findall(r"[A-Za-z]+", text))


@dataclass
class Unit:
    """What a number counts: the unit as recorded, its head noun, the noun phrase counted
    (without what is said of it) and the group a partitive count is a part of."""
    text: str | None
    head: str | None = None
    np: str | None = None
    part_of: "Fig | None" = None


def _bare_unit(ctx, w: Words, s: int, i: int, blocked: set[int], prev: Fig | None,
               earlier: list[Fig]) -> Unit:
    """What a number with no noun after it counts, from what is said around it. A part of a
    group ("of them", "Of the 640 workers ..., fewer than 200 had been ...") counts that group's
    noun with what is said of it; a verb phrase alone is no unit."""
    doc = ctx.doc
    end = doc[s].sent.end
    n = w.partitives.at(doc, i, end)
    before = any(j + w.partitives.at(doc, j, s) >= s - 1 and w.partitives.at(doc, j, s)
                 for j in range(max(doc[s].sent.start, s - 4), s))   # "Of them, 212 were ..."
    whole = _antecedent(ctx, w, s, earlier) if n or before else None
    v = s - w.qualifiers.before(doc, s, doc[s].sent.start)
    if whole is None and not n and prev is not None and prev.part_of is not None and \
            v > 0 and doc[v - 1].lower_ in w.part_joiners:
        whole, before = prev.part_of, True   # "Of those, 38 were charged ..., and 11 were ..."
    group = whole.np if whole is not None else None if n or before else _of_group(ctx, w, s)
    if n or group:
        said = _said_of(ctx, w, i + n, blocked) if i + n < end else None
        if group and said:
            return Unit(f"{group} {w.relative} {said}", None, group, whole)
        if n:
            return Unit(None)
    if w.comparisons.before(doc, s - w.qualifiers.before(doc, s, doc[s].sent.start),
                            doc[s].sent.start) and prev is not None and prev.np:
        return Unit(prev.np, prev.head, prev.np)   # "2,914 victims in 2024, up from 2,377"
    if i >= end:
        return Unit(_frame_unit(ctx, w, s))
    unit = _of_the_unit(ctx, w, i)
    if unit:
        return Unit(unit, None, unit)
    unit = _predicate(ctx, w, i, blocked)
    if _names_counted(w, unit):
        return Unit(unit)
    unit = _change_unit(ctx, w, s)
    if unit:
        return Unit(unit, None, unit)
    got = _elaboration(ctx, w, i, prev, blocked)
    if got:
        return Unit(got[0], got[1])
    return Unit(_frame_unit(ctx, w, s))


def _unit(ctx, w: Words, s: int, i: int, blocked: set[int], prev: Fig | None,
          earlier: list[Fig]):
    """What the number at tokens s..i counts, where its value text ends, and how sure."""
    doc = ctx.doc
    limit, word_number = doc[s].sent.end, doc[s].is_alpha
    end, head = (i, None) if w.partitives.at(doc, i, limit) else _noun_phrase(doc, i, limit, w)
    if end == i:
        unit = Unit(None) if word_number else _bare_unit(ctx, w, s, i, blocked, prev, earlier)
        return (unit, i, 0.5) if unit.text else None
    if any(t.lower_ in w.not_counted for t in doc[i:end]) or \
            (word_number and head not in w.counted):
        return None
    unit_end = _complement(doc, end, limit, w)
    unit = np = _span_text(ctx, i, unit_end)
    if head in w.generic and unit_end < limit:
        predicate = _predicate(ctx, w, unit_end, blocked)
        unit = f"{unit} {predicate}" if predicate else unit
    return Unit(unit, head, np), end, 0.8 if head in w.counted else 0.65


def _count(ctx, w: Words, s: int, e: int, percent: bool, blocked: set[int],
           prev: Fig | None, earlier: list[Fig]) -> Fig | None:
    doc = ctx.doc
    value, i = _number(doc, s, w)
    if value is None or value != value.to_integral_value() or doc[s].lower_ in w.determiners:
        return None
    if doc[s].is_alpha and s > 0 and doc[s - 1].lower_ in w.anaphoric:
        return None  # "the two governments"
    if i == s + 1 and YEAR_RE.fullmatch(doc[s].text) and not \
            (i < len(doc) and doc[i].lower_ in w.counted):
        return None
    if percent:
        unit, end, confidence = Unit(w.percent_unit), e, 0.8
    else:
        got = _unit(ctx, w, s, i, blocked, prev, earlier)
        if got is None:
            return None
        unit, end, confidence = got
    vtok = s - w.qualifiers.before(doc, s, doc[s].sent.start)
    if unit.head in w.population_nouns and \
            w.population_frames.before(doc, vtok, doc[s].sent.start):
        return None  # "a country of more than 200 million people": a population, not a count
    return Fig("Count", s, i, vtok, end, _whole(value), confidence, unit=unit.text,
               head=unit.head, np=unit.np, part_of=unit.part_of)


def _counts(ctx, w: Words, matches, masked: set[int], blocked: set[int]) -> list[Fig]:
    doc = ctx.doc
    labels = {(s, e): label for label, s, e in matches if label in ("NUMBER", "PERCENT")}
    figs: list[Fig] = []
    for span in filter_spans([doc[s:e] for s, e in labels]):
        if _excluded(ctx, span.start, span.end, w, masked):
            continue
        prev = figs[-1] if figs and doc[figs[-1].tok].sent.start == span.sent.start else None
        f = _count(ctx, w, span.start, span.end, labels[(span.start, span.end)] == "PERCENT",
                   blocked, prev, figs)
        if f is not None:
            figs.append(f)
    return figs


# ------------------------------------------------------------------------------ periods

def _fiscal_value(y1: str, y2: str) -> str:
    """"2023", "24" -> "2023-24"; "2023", "2024" -> "2023-24"."""
    if len(y2) == 4 and int(y2) == int(y1) + 1:
        y2 = y2[2:]
    return f"{y1}-{y2}"


def _year_value(doc, j: int):
    """A year, a fiscal range or an FY year at token ``j``: (value, end, is_fiscal)."""
    text = doc[j].text
    m = FISCAL_TOKEN.match(text)
    if m and m["fy"]:
        year = m["fy"] if len(m["fy"]) == 4 else "20" + m["fy"]
        return year, j + 1, True
    if m:
        return _fiscal_value(m["y1"], m["y2"]), j + 1, True
    if not YEAR_RE.fullmatch(text):
        return None
    if j + 2 < len(doc) and doc[j + 1].text in DASHES | {"/"} and doc[j].whitespace_ == "" \
            and doc[j + 1].whitespace_ == "" and RANGE_END.match(doc[j + 2].text):
        return _fiscal_value(text, doc[j + 2].text), j + 3, True
    return text, j + 1, False


def _fiscal_or_year(doc, i: int, w: Words) -> Period | None:
    n = w.fiscal.at(doc, i)
    if i + n >= len(doc):
        return None
    got = _year_value(doc, i + n)
    if got is None:
        return None
    value, end, fiscal = got
    after = w.period_words.at(doc, end)
    if n or fiscal or after:
        return Period(i, end + after, "fiscal", value)
    nxt = doc[end] if end < len(doc) else None
    if i > 0 and doc[i - 1].lower_ in DETERMINERS and nxt is not None and nxt.is_alpha \
            and nxt.is_lower and nxt.lower_ not in w.np_stop:
        return None  # "the 2020 edition": a year naming something
    return Period(i, end, "year", value)


def _period_at(ctx, i: int, w: Words, masked: set[int]) -> Period | None:
    doc = ctx.doc
    for phrases, kind in ((w.previous, "previous"), (w.same, "same")):
        n = phrases.at(doc, i)
        if n:
            if kind == "previous" and w.base_openers.before(doc, i, doc[i].sent.start):
                kind = "base"  # "a rise of 41 per cent on the previous year": what it is set against
            return Period(i, i + n, kind, None)
    n = w.since.at(doc, i)
    if n and i + n < len(doc) and doc[i + n].text.rstrip(".") in w.months and \
            doc[i + n].is_title and not (i + n + 1 < len(doc) and YEAR_RE.fullmatch(doc[i + n + 1].text)):
        year = _article_year(ctx)   # "since January": so far this year
        return Period(i, i + n + 1, "deictic", str(year) if year else None)
    n = w.recurring_anywhere.at(doc, i)
    if n:
        return Period(i, i + n, "recurring", w.recurring_anywhere.value(doc, i, n))
    n = w.deictic.at(doc, i)
    if n:
        year = _article_year(ctx)
        offset = int(w.deictic.value(doc, i, n))
        return Period(i, i + n, "deictic", str(year + offset) if year else None)
    if doc[i].lower_ in w.duration_preps and i + 2 < len(doc) and \
            doc[i + 2].lower_ in w.duration_units and \
            (doc[i + 1].like_num or w.number_words.at(doc, i + 1)):
        return Period(i, i + 3, "duration", None)
    return None if i in masked else _fiscal_or_year(doc, i, w)


def _article_year(ctx) -> int | None:
    date = ctx.article.date
    return int(date[:4]) if date and re.match(r"\d{4}", date) else None


def _periods(ctx, w: Words, masked: set[int]) -> list[Period]:
    found, i = [], 0
    while i < len(ctx.doc):
        p = _period_at(ctx, i, w, masked)
        if p is None:
            i += 1
            continue
        if p.kind == "year":
            _cumulative(ctx, w, p)
        elif p.kind == "fiscal":
            _other_calendar(ctx, w, p)
        found.append(p)
        i = p.tok_end
    return found


def _cumulative(ctx, w: Words, p: Period) -> None:
    """"63,000 people have been freed since 1995", "since the groups were created in 1995": a
    running total from that year, not the year's figure; its text is kept as the period (the
    year itself when it is the article's)."""
    doc = ctx.doc
    floor = doc[p.tok].sent.start
    for j in range(p.tok - 1, max(floor, p.tok - 10) - 1, -1):
        if doc[j].text in CLAUSE_PUNCT or doc[j].like_num:
            return
        n = w.since.at(doc, j, p.tok)
        if n:
            year = _article_year(ctx)
            if not (year and str(year) == p.value):
                p.kind = "since"
                p.value = f"{ctx.text[doc[j].idx:doc[j].idx + len(doc[j])].lower()} {p.value}"
            if j + n == p.tok:
                p.tok = j
            return


def _other_calendar(ctx, w: Words, p: Period) -> None:
    """A fiscal year of another calendar ("fiscal year 2081/82", Bikram Sambat, when the article
    is of 2025): moved to the common era by the calendar's offset when its first year lies as
    far ahead of the article's year as that calendar does."""
    year = _article_year(ctx)
    m = re.match(r"(\d{4})-(\d\d)$", p.value or "")
    if not year or not m:
        return
    ahead = int(m[1]) - year
    for cal in w.calendars:
        lo, hi = int(cal.get("min_ahead", 0)), int(cal.get("max_ahead", 0))
        if lo <= ahead <= hi:
            y1 = int(m[1]) - int(cal["offset"])
            p.value = _fiscal_value(str(y1), f"{(int(m[2]) - int(cal['offset'])) % 100:02d}")
            return


def _previous_period(value: str | None) -> str | None:
    """The period before: "2024-25" -> "2023-24", "2025" -> "2024"."""
    if not value:
        return None
    m = re.fullmatch(r"(\d{4})-(\d\d)", value)
    if m:
        return f"{int(m[1]) - 1}-{(int(m[2]) - 1) % 100:02d}"
    return str(int(value) - 1) if re.fullmatch(r"\d{4}", value) else None


def _clause_end(doc, i: int, limit: int) -> int:
    for j in range(i, limit):
        t = doc[j]
        if t.text in CLAUSE_PUNCT - {"(", ")"}:
            digits = 0 < j < len(doc) - 1 and doc[j - 1].like_num and doc[j + 1].like_num
            if not (t.text in DASHES and digits):
                return j
    return limit


def _set_period(f: Fig, p: Period) -> None:
    f.period, f.period_kind, f.period_toks = p.value, p.kind, (p.tok, p.tok_end)


def _assign_period(doc, f: Fig, before: Fig | None, after: Fig | None, periods) -> None:
    """The period a figure covers: after it in its clause, else the recurrence of the noun it
    belongs to, else that of the figure just before, else the nearest before it."""
    if f.period_kind == "recurring":
        return
    sent = doc[f.tok].sent
    end = _clause_end(doc, f.vtok_end, after.vtok if after is not None else sent.end)
    later = [p for p in periods if f.vtok_end <= p.tok < end and p.kind not in ("duration", "base")]
    if later:
        return _set_period(f, later[0])
    if f.link_adj is not None:
        f.period, f.period_kind, f.period_toks = f.link_adj[0], "recurring", \
            (f.link_adj[1], f.link_adj[1] + 1)
        return
    if before is not None and before.period_kind and doc[f.vtok].idx - doc[before.vtok_end - 1].idx <= 100:
        f.period, f.period_kind, f.period_toks = before.period, before.period_kind, before.period_toks
        return
    earlier = [p for p in periods if sent.start <= p.tok and p.tok_end <= f.vtok
               and p.kind not in ("duration", "base") and doc[f.vtok].idx - doc[p.tok_end - 1].idx <= 80]
    if earlier:
        _set_period(f, earlier[-1])


def _resolve_relative(f: Fig, periods) -> None:
    """"the previous fiscal year": the period before the one it is compared with (else before
    the last one mentioned); "that year": the last one mentioned."""
    if f.period_kind not in ("previous", "same") or f.period:
        return
    base = f.compared_to.period if f.compared_to is not None and f.compared_to.period_kind in (
        "fiscal", "year", "deictic") else None
    if base is None:
        known = [p for p in periods if p.tok_end <= f.period_toks[0] and p.value
                 and p.kind in ("fiscal", "year", "deictic")]
        base = known[-1].value if known else None
    f.period = _previous_period(base) if f.period_kind == "previous" else base


# ------------------------------------------------------------------------------ purpose, owner

def _skip(doc, i: int, w: Words, periods_at: dict[int, Period], limit: int) -> int:
    """Skip what may stand between an amount and its purpose: "or more", a period ("in the
    2024-25 budget"), a duration ("over three years")."""
    while i < limit:
        n = w.suffixes.at(doc, i, limit)
        if n:
            i += n
            continue
        j = i + 1 if doc[i].lower_ in PERIOD_PREPOSITIONS else i
        j = j + 1 if j < limit and doc[j].lower_ == "the" else j
        if j not in periods_at:
            return i
        i = periods_at[j].tok_end
    return i


def _phrase_after(ctx, w: Words, i: int, limit: int, blocked: set[int], weak: bool):
    """The purpose phrase opened at token ``i``, if it starts with a content word."""
    doc = ctx.doc
    start, end = _run(ctx, w, i, limit, blocked, 10)
    content = start
    while content < end and doc[content].lower_ in ("the", "a", "an", "its", "their", "his",
                                                    "her", "our", "these", "those"):
        content += 1
    if content >= end or not doc[content].is_alpha or doc[content].lower_ in w.np_stop:
        return None
    if weak and doc[content].is_title and content > doc[content].sent.start:
        return None  # "in Cambodia": a place, not a purpose
    return (start, end) if end > start else None


def _link_np(ctx, f: Fig, w: Words, masked: set[int]):
    """The noun an amount is linked to ("a fine of up to", "its annual budget at"): its tokens,
    the token before it (a possessive?), and a recurrence adjective in it."""
    doc = ctx.doc
    floor = doc[f.tok].sent.start
    n = w.links.before(doc, f.vtok, floor)
    if not n:
        return None
    j = k = f.vtok - n
    while k > floor and j - k < 6:
        t = doc[k - 1]
        if t.text in DASHES and t.whitespace_ == "" and k - 1 > floor:
            k -= 1
            continue
        if not t.is_alpha or t.lower_ in w.np_stop or t.lower_ in w.verbs or k - 1 in masked \
                or (k < j and _plural(t)):
            break
        k -= 1
    while k < j and doc[k].text in DASHES:
        k += 1
    return (k, j) if k < j else None


def _purpose(ctx, f: Fig, w: Words, limit: int, blocked: set[int], periods_at, masked,
             figures: set[int]) -> None:
    doc = ctx.doc
    i = _skip(doc, f.vtok_end, w, periods_at, limit)
    if _marker_purpose(ctx, f, w, w.markers, i, limit, blocked, 0.75):
        return
    np = _link_np(ctx, f, w, masked)
    if np is not None:
        _owner_from_np(ctx, f, np, w)
        adj = next((t for t in doc[np[0]:np[1]] if t.lower_ in w.recurring_adj), None)
        if adj is not None:
            f.link_adj = (w.recurring_adj[adj.lower_], adj.i)
        if doc[np[1] - 1].lower_ not in w.generic_money:
            f.purpose_toks, f.purpose_conf = np, 0.65
            return
    if not _marker_purpose(ctx, f, w, w.weak, i, limit, blocked, 0.6):
        _later_marker(ctx, f, w, i, limit, blocked, figures)


def _marker_purpose(ctx, f: Fig, w: Words, markers: Phrases, i: int, limit: int,
                    blocked: set[int], confidence: float) -> bool:
    """A purpose opened right after the amount: "towards anti-trafficking efforts"."""
    n = markers.at(ctx.doc, i, limit)
    span = _phrase_after(ctx, w, i + n, limit, blocked, markers is w.weak) if n else None
    if span:
        f.purpose_toks, f.purpose_conf = span, confidence
    return span is not None


def _later_marker(ctx, f: Fig, w: Words, i: int, limit: int, blocked: set[int],
                  figures: set[int]) -> None:
    """A purpose opened further on in the clause: "a $450,000 grant ... to expand its clinic"."""
    doc = ctx.doc
    end = _clause_end(doc, i, limit)
    for j in range(i, end):
        if j in figures:
            return
        if j in blocked:
            continue
        n = w.markers.at(doc, j, end)
        if not n and doc[j].lower_ == "to" and j + 1 < end and doc[j + 1].is_lower \
                and doc[j + 1].lower_ not in w.np_stop:
            n = 1
        span = _phrase_after(ctx, w, j + n, limit, blocked, False) if n else None
        if span:
            f.purpose_toks, f.purpose_conf = span, 0.55
            return


def _owner_from_np(ctx, f: Fig, np: tuple[int, int], w: Words) -> None:
    """"Malaysia's allocation of": the possessor owns the amount; "its"/"their": the subject."""
    doc, k = ctx.doc, np[0]
    if k - 1 < 0:
        return
    before = doc[k - 1]
    if before.text in POSSESSIVE:
        owner = _mention_ending(ctx, before.idx, ACTOR_KINDS)
        if owner is not None:
            f.owner, f.owner_conf = owner.ref, 0.8
            f.owner_toks = (doc.char_span(owner.start, owner.end, alignment_mode="expand").start,
                            k)
    elif before.lower_ in w.possessives:
        f.pronoun = True
        _subject_owner(ctx, f, before)


def _subject_owner(ctx, f: Fig, pronoun) -> None:
    """"its" points to the subject of its sentence, or of the one before when it opens it."""
    sentence = ctx.sentence_at(pronoun.idx)
    index = ctx.sentence_index(pronoun.idx)
    if pronoun.idx == sentence.start and index > 0:
        sentence = ctx.sentences[index - 1]
    first = [m for m in ctx.mentions_of(*ACTOR_KINDS) if sentence.start <= m.start < sentence.end]
    opening = ctx.text[sentence.start:first[0].start].strip().lower() if first else None
    if first and opening in ("", "the", "a", "an") and first[0].ref.kind in OWNER_KINDS:
        m = first[0]
        span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
        f.owner, f.owner_conf, f.owner_toks = m.ref, 0.55, (span.start, span.end)


def _mention_ending(ctx, char: int, kinds):
    found = [m for m in ctx.mentions_of(*kinds) if m.end == char]
    return max(found, key=lambda m: m.end - m.start) if found else None


def _verb_owner(ctx, f: Fig, w: Words, figures: set[int]) -> None:
    """"the ministry had set aside 250 million baht", "Lotus Bridge, which received a $450,000
    grant": the actor just before the verb owns the amount; "It spent ...": the subject of the
    sentence before."""
    doc = ctx.doc
    floor = doc[f.tok].sent.start
    verb = next((j for j in range(f.vtok - 1, floor - 1, -1) if w.alloc.at(doc, j, f.vtok)), None)
    if verb is None:
        return
    start = doc[floor].idx
    actors = [m for m in ctx.mentions_of(*OWNER_KINDS) if start <= m.start and m.end <= doc[verb].idx]
    if not actors:
        if doc[floor].lower_ in ("it", "they"):
            _subject_owner(ctx, f, doc[floor])
        return
    m = actors[-1]
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    gap = doc[span.end:verb]
    if len(gap) <= 8 and not any(t.i in figures for t in gap) and \
            not any(t.lower_ in RELATIVES for t in gap[2:]):
        f.owner, f.owner_conf, f.owner_toks = m.ref, 0.7, (span.start, span.end)


def _purpose_owner(ctx, f: Fig) -> None:
    """"for the department's legal and welfare assistance": the possessor in the purpose."""
    doc = ctx.doc
    for t in doc[f.purpose_toks[0]:f.purpose_toks[1]]:
        if t.text in POSSESSIVE:
            owner = _mention_ending(ctx, t.idx, OWNER_KINDS)
            if owner is not None:
                span = doc.char_span(owner.start, owner.end, alignment_mode="expand")
                f.owner, f.owner_conf, f.owner_toks = owner.ref, 0.6, (span.start, span.end)
            return


def _state_owner(ctx, f: Fig, w: Words) -> None:
    """A budget with no other owner: the state the article is about, with low confidence."""
    doc = ctx.doc
    sent = doc[f.tok].sent
    start = max([j + 1 for j in range(sent.start, f.vtok) if doc[j].text in CLAUSE_PUNCT]
                + [sent.start])
    end = _clause_end(doc, f.vtok_end, sent.end)
    if f.pronoun or not any(w.budget.at(doc, j, end) for j in range(start, end)):
        return
    state = ctx.salient("State")
    if state is not None:
        f.owner, f.owner_conf, f.owner_toks = state, 0.4, (f.vtok, f.vtok_end)


# ------------------------------------------------------------------------------ comparisons

def _comparable(a: Fig, b: Fig) -> bool:
    if a.kind != b.kind or a.previous is not None:
        return False
    if a.kind == "MonetaryAmount":
        return a.currency == b.currency
    return (a.unit or "").lower() == (b.unit or "").lower()


def _compare(doc, figs: list[Fig], w: Words, periods_at: dict[int, Period]) -> None:
    """"an increase from RM 62 million", "up from 210 million baht": the figure after the
    marker is the earlier one; "from X to Y": X is the earlier one of Y."""
    for i, b in enumerate(figs):
        floor = doc[b.tok].sent.start
        n = w.comparisons.before(doc, b.vtok, floor)
        if not n:
            continue
        nxt = figs[i + 1] if i + 1 < len(figs) else None
        to = _skip(doc, b.vtok_end, w, periods_at, len(doc))
        if doc[b.vtok - 1].lower_ == "from" and nxt is not None and to < len(doc) and \
                doc[to].lower_ == "to" and nxt.vtok == to + 1 and _comparable(nxt, b):
            nxt.previous, b.compared_to = b, nxt
            continue
        earlier = [a for a in figs[:i] if doc[a.tok].sent.start == floor and _comparable(a, b)]
        if earlier:
            earlier[-1].previous, b.compared_to = b, earlier[-1]


def _inherit(f: Fig) -> None:
    """A compared figure takes the purpose and owner of the figure it is compared with."""
    a = f.compared_to
    if a is None:
        return
    if f.purpose_toks is None and a.purpose_toks is not None:
        f.purpose_toks, f.purpose_conf = a.purpose_toks, min(a.purpose_conf, 0.6)
    if f.owner is None and a.owner is not None:
        f.owner, f.owner_conf, f.owner_toks = a.owner, round(a.owner_conf * 0.9, 2), a.owner_toks


# ------------------------------------------------------------------------------ the mapper

def _masked_tokens(ctx) -> set[int]:
    """Tokens inside a named entity: numbers there belong to names ("Act 2015", "Tier 2")."""
    masked = set()
    doc = ctx.doc
    for m in ctx.mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        masked.update(range(span.start, span.end))
        # "the Human Trafficking and Transportation (Control) Act, 2007": the year after a
        # law's or instrument's name belongs to it
        j = span.end + (1 if span.end < len(doc) and doc[span.end].text == "," else 0)
        if m.ref.kind in NAMED_KINDS and j < len(doc) and YEAR_RE.fullmatch(doc[j].text):
            masked.add(j)
    return masked


def _find(ctx, w: Words, cur: Currencies, matcher):
    doc = ctx.doc
    matches = [(doc.vocab.strings[m], s, e) for m, s, e in matcher(doc)]
    masked = _masked_tokens(ctx)
    amounts = _amounts(ctx, w, cur, matches)
    taken = {j for f in amounts for j in range(f.vtok, f.vtok_end)}
    periods = _periods(ctx, w, masked | taken)
    in_periods = {j for p in periods if p.kind != "duration" for j in range(p.tok, p.tok_end)}
    counts = _counts(ctx, w, matches, masked | taken, taken | in_periods)
    figs = sorted(amounts + counts, key=lambda f: f.vtok)
    blocked = {j for f in figs for j in range(f.vtok, f.vtok_end)}
    return figs, periods, masked, blocked


def _same_sentence(doc, f: Fig, g: Fig | None) -> bool:
    return g is not None and doc[f.tok].sent.start == doc[g.tok].sent.start


def _describe_amounts(ctx, figs: list[Fig], w: Words, periods, masked, blocked) -> None:
    """Purpose and owner of each amount, read in its clause up to the next figure."""
    doc = ctx.doc
    periods_at = {p.tok: p for p in periods}
    period_toks = {j for p in periods if p.kind != "duration" for j in range(p.tok, p.tok_end)}
    for i, f in enumerate(figs):
        if f.kind != "MonetaryAmount":
            continue
        nxt = next((g for g in figs[i + 1:] if _same_sentence(doc, f, g)), None)
        limit = nxt.vtok if nxt is not None else doc[f.tok].sent.end
        _purpose(ctx, f, w, limit, blocked | period_toks, periods_at, masked, blocked)
        if f.owner is None and not f.pronoun:
            _verb_owner(ctx, f, w, blocked)
        if f.owner is None and f.purpose_toks is not None:
            _purpose_owner(ctx, f)


def _assign_periods(doc, figs: list[Fig], periods) -> None:
    for i, f in enumerate(figs):
        before = figs[i - 1] if i and _same_sentence(doc, f, figs[i - 1]) else None
        after = figs[i + 1] if i + 1 < len(figs) and _same_sentence(doc, f, figs[i + 1]) else None
        _assign_period(doc, f, before, after, periods)
    # "1,146 women ... in fiscal year 2081/82. Of them, 212 were under 18": the group's period
    for f in figs:
        g = f.part_of
        if f.period is None and g is not None and g.period_kind in ("fiscal", "year", "deictic"):
            f.period, f.period_kind, f.period_toks = g.period, g.period_kind, g.period_toks
    # "Only 33 of the 188 governments assessed this year": the next figure's period
    for f, g in zip(figs, figs[1:]):
        if f.period is None and g.period_kind and _same_sentence(doc, f, g) \
                and g.vtok - f.vtok_end <= 5 \
                and not any(t.text in CLAUSE_PUNCT for t in doc[f.vtok_end:g.vtok]):
            f.period, f.period_kind, f.period_toks = g.period, g.period_kind, g.period_toks


def _describe(ctx, figs: list[Fig], periods, w: Words, masked, blocked) -> None:
    """Purpose, owner, period and comparisons of every figure, then what compared figures
    inherit and what relative periods resolve to."""
    _describe_amounts(ctx, figs, w, periods, masked, blocked)
    _assign_periods(ctx.doc, figs, periods)
    _compare(ctx.doc, figs, w, {p.tok: p for p in periods})
    for f in figs:
        _inherit(f)
        _resolve_relative(f, periods)
        if f.kind == "MonetaryAmount" and f.owner is None:
            _state_owner(ctx, f, w)


def _chars(doc, toks: tuple[int, int]) -> tuple[int, int]:
    span = doc[toks[0]:toks[1]]
    return span.start_char, span.end_char


def _emit(ctx, f: Fig):
    doc, node = ctx.doc, f.node
    start, end = _chars(doc, (f.vtok, f.vtok_end))
    ctx.fact(node, getattr(TG, f.kind), start, end, f.confidence, prop=SCHEMA.value)
    yield node, SCHEMA.value, decimal_literal(f.value)
    yield node, TG.valueText, Literal(ctx.text[start:end])
    if f.currency:
        yield node, SCHEMA.currency, Literal(f.currency)
    if f.unit:
        yield node, SCHEMA.unitText, Literal(f.unit)
    if f.period:
        yield node, TG.period, Literal(f.period)
        s, e = _chars(doc, f.period_toks)
        ctx.annotate(node, s, e, 0.8 if f.period_kind in ("fiscal", "year") else 0.6,
                     prop=TG.period)
    if f.purpose_toks is not None:
        s, e = _chars(doc, f.purpose_toks)
        yield node, TG.purpose, Literal(ctx.text[s:e])
        ctx.annotate(node, s, e, f.purpose_conf, prop=TG.purpose)
    if f.owner is not None:
        yield node, TG.figureOf, f.owner.iri
        s, e = _chars(doc, f.owner_toks)
        ctx.annotate(node, s, e, f.owner_conf, prop=TG.figureOf)
    if f.previous is not None:
        yield node, TG.previousFigure, f.previous.node
        s, e = _chars(doc, (f.previous.vtok, f.previous.vtok_end))
        ctx.annotate(node, s, e, 0.7, prop=TG.previousFigure)


@mapper("figures", after=("actors", "laws", "reports", "instruments"))
def map_figures(ctx):
    """Find the sums of money and the counts the article states, with period, purpose, owner."""
    w, cur, matcher = _resources(ctx)
    figs, periods, masked, blocked = _find(ctx, w, cur, matcher)
    _describe(ctx, figs, periods, w, masked, blocked)
    for f in figs:
        f.node = ctx.local("figure")
    found = []
    for f in figs:
        yield from _emit(ctx, f)
        start, end = _chars(ctx.doc, (f.vtok, f.vtok_end))
        found.append({"node": f.node, "kind": f.kind, "value": f.value, "currency": f.currency,
                      "unit": f.unit, "period": f.period, "purpose": _text(ctx, f.purpose_toks),
                      "owner": f.owner.iri if f.owner is not None else None,
                      "start": start, "end": end})
    ctx.found["figures"] = found


def _text(ctx, toks) -> str | None:
    if toks is None:
        return None
    s, e = _chars(ctx.doc, toks)
    return ctx.text[s:e]
