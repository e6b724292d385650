"""Entity resolution across articles: one node for one entity in the whole corpus graph.

Every article is mapped on its own, so an entity that the gazetteer does not list gets an IRI
made from its name as that article writes it: "The Crossing Post" and "Crossing Post", "GMJF"
and "Gulf Migrant Justice Forum", "Forced Labour Convention of 1930" and the gazetteer's
"Forced Labour Convention, 1930 (No. 29)" become different nodes. :func:`resolve_entities`
works on the built :class:`~rdflib.Dataset` (one named graph per article), finds the nodes that
name the same entity, and rewrites every graph so that they become one node.

The rules (see "Entity resolution across articles" in ``docs/design.md``):

- Only entities are resolved: bodies and organisations, laws, instruments, reports and report
  series. States, people, groups of people, tiers and article-local nodes
  (``tgid:article/...``) never are. Names without a capital letter ("the anti-trafficking
  law") are descriptions, not names, and take no part.
- Names are compared after folding case, accents, punctuation and possessive "'s", dropping a
  leading "the" and "No." before a number, and spelling British and American variants alike
  (labour/labor, organisation/organization). For laws, instruments and reports a year at the end
  ("Act of 2000", "Act 2000") or at the start ("2024 Report") is split off and compared apart: a
  name without a year matches one with a year only when its entity is known to be of that year.
  A one-word name matches only as an abbreviation in capitals ("GMJF").
- A government body or law may drop its state's name ("Thai Ministry of Labour", "Ministry of
  Labour of Thailand"). Two nodes of different states never merge; a node whose state is not
  known merges with one of a known state only when that state is named in the same article and
  the two are named in the same article or the state is the one that article is mostly about.
- A report or series may carry its publisher's name or abbreviation in front ("UNODC Global
  Report"); two editions of the same series and year are the same report.
- An abbreviation names the node that lists it among its names; a node named only by an
  abbreviation also merges with the one body named in the same article whose initials it is
  ("MHRSD" next to the "Ministry of Human Resources and Social Development"). The kind of a node
  known only by an abbreviation says nothing (it is the default of where the name was found),
  so for these two rules any two kinds of organisation fit.
- Otherwise kinds must agree. Two gazetteer entities, two states, two years or two series never
  end up in one node, and a node that could join two nodes that cannot be merged together joins
  neither.

The node kept is the gazetteer entity if there is one; else, for a report, the edition IRI made
from its (resolved) series; else a node whose state is known; else the node in most articles,
then the longest name, then the smallest IRI. Every graph is rewritten (subjects and objects); the
kept node has one ``schema:name`` per graph and every other name as ``skos:altLabel``. Ratings,
whose IRIs hold the slugs of their subject and report, are re-minted afterwards.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, XSD

from .gazetteer import INSTRUMENT_KINDS, KIND_PATHS, LAW_KINDS, Entity, Gazetteer, load_gazetteer
from .gazetteer import slugify
from .namespace import OA, SCHEMA, SKOS, TG, TGID

__all__ = ["Merge", "Resolution", "resolve_entities", "name_keys", "GraphSummary", "summarise",
           "Plan", "plan_resolution"]

_ID = str(TGID)
_ENTITY_PATHS = ("actor", "law", "report", "series", "instrument")
_ORGS = frozenset(("GovernmentBody", "InternationalOrganisation", "CivilSocietyOrganisation",
                   "MediaOrganisation", "Business"))
_RESOLVED = _ORGS | set(LAW_KINDS) | set(INSTRUMENT_KINDS) | {"Report", "ReportSeries"}
_JURISDICTIONAL = frozenset(("GovernmentBody", "Statute", "Bill", "Constitution",
                             "ConstitutionalProvision"))
_DATED = frozenset(set(LAW_KINDS) | set(INSTRUMENT_KINDS) | {"Report"})
_SINGLE_VALUED = (TG.dateEnacted, TG.adoptedOn, TG.inForceSince, SCHEMA.datePublished, TG.year,
                  TG.series)
_YEAR = re.compile(r"1[89]\d\d|20\d\d")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,9}")

# British and American spellings of the same word (knowledge of English, not of entities).
_SPELLING = {
    "labour": "labor", "labours": "labors", "labourer": "laborer", "labourers": "laborers",
    "centre": "center", "centres": "centers", "programme": "program", "programmes": "programs",
    "defence": "defense", "offence": "offense", "offences": "offenses", "licence": "license",
    "honour": "honor", "harbour": "harbor", "neighbour": "neighbor", "neighbours": "neighbors",
    "behaviour": "behavior", "favour": "favor", "colour": "color", "endeavour": "endeavor",
    "judgement": "judgment", "counselling": "counseling", "travelling": "traveling",
    "catalogue": "catalog", "enrolment": "enrollment",
}
_ISE = re.compile(r"(is)(ation|ations|ed|ing)$")

# Rules, strongest first: the order in which candidate merges are applied.
_RULES = ("same name", "name variant", "year", "state prefix", "publisher prefix",
          "series and year", "abbreviation", "initials")
_LOOSE_KINDS = ("abbreviation", "initials")


# ------------------------------------------------------------------------------------ results

@dataclass(frozen=True)
class Merge:
    """One node folded into another, and why."""

    canonical: URIRef
    merged: URIRef
    reason: str


@dataclass
class Resolution:
    """What :func:`resolve_entities` did: the nodes it merged (canonical IRI -> merged IRIs with
    the rule that matched them) and the nodes it re-minted (ratings: old IRI -> new IRI)."""

    merges: dict[URIRef, list[tuple[URIRef, str]]] = field(default_factory=dict)
    renamed: dict[URIRef, URIRef] = field(default_factory=dict)

    @property
    def mapping(self) -> dict[URIRef, URIRef]:
        """Every IRI that is gone, and the IRI that replaced it."""
        out = {old: canonical for canonical, items in self.merges.items() for old, _ in items}
        out.update(self.renamed)
        return out

    def canonical(self, iri: URIRef) -> URIRef:
        """The IRI that ``iri`` became (itself when it was kept)."""
        return self.mapping.get(URIRef(iri), URIRef(iri))

    def items(self) -> list[Merge]:
        return [Merge(c, old, reason) for c, items in sorted(self.merges.items())
                for old, reason in items]

    def lines(self) -> list[str]:
        """One line per merge, for people: ``canonical <- merged (reason)``."""
        out = [f"{_short(m.canonical)} <- {_short(m.merged)} ({m.reason})" for m in self.items()]
        out += [f"{_short(new)} <- {_short(old)} (re-minted)"
                for old, new in sorted(self.renamed.items())]
        return out

    def __len__(self) -> int:
        return sum(len(items) for items in self.merges.values())


def _short(iri: URIRef) -> str:
    text = str(iri)
    return "tgid:" + text[len(_ID):] if text.startswith(_ID) else text


# ------------------------------------------------------------------------------- names

def _tokens(label: str) -> list[str]:
    """Words of a name, folded for comparison."""
    text = re.sub(r"['’]s\b", "", label)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ").replace("'", "")
    words = re.findall(r"[a-z0-9]+", text)
    out = []
    for i, word in enumerate(words):
        if word in ("no", "nr") and i + 1 < len(words) and words[i + 1].isdigit():
            continue  # "Law No. 17" is "Law 17"
        word = _SPELLING.get(word, word)
        out.append(_ISE.sub(r"iz\2", word))
    if len(out) > 1 and out[0] == "the":
        out = out[1:]
    return out


def _split_year(words: list[str]) -> tuple[list[str], str | None]:
    """("act", "2000") from "Act of 2000", "Act 2000"; ("report", "2024") from "2024 Report"."""
    if len(words) > 1 and _YEAR.fullmatch(words[-1]):
        rest = words[:-1]
        if len(rest) > 1 and rest[-1] == "of":
            rest = rest[:-1]
        return rest, words[-1]
    if len(words) > 1 and _YEAR.fullmatch(words[0]):
        return words[1:], words[0]
    return words, None


def name_keys(label: str, dated: bool = False) -> tuple[str, str | None]:
    """The key a name is compared by, and its year (for laws, instruments and reports).

    >>> name_keys("The Crossing Post")
    ('crossing post', None)
    >>> name_keys("Forced Labour Convention of 1930", dated=True)
    ('forced labor convention', '1930')
    """
    words = _tokens(label)
    year = None
    if dated:
        words, year = _split_year(words)
    return " ".join(words), year


def _is_acronym(label: str) -> bool:
    label = label.strip()
    return bool(_ACRONYM.fullmatch(label)) and sum(c.isupper() for c in label) >= 2


def _initials(label: str) -> set[str]:
    """Initials of the capitalised words of a name, with hyphenated words as one word or as
    several: "Inter-Agency Council Against Trafficking" -> ICAT, IACAT."""
    out = set()
    for split in (False, True):
        letters = []
        for word in label.split():
            for part in (re.split(r"[-–]", word) if split else [word]):
                part = part.strip("()[]{},.;:'\"’‘“”")
                if part[:1].isalpha() and part[:1].isupper():
                    letters.append(part[0])
        if len(letters) >= 2:
            out.add("".join(letters))
    return out


def _has_capital(label: str) -> bool:
    return any(c.isupper() for c in label)


# ------------------------------------------------------------------------------- nodes

@dataclass
class _Node:
    iri: URIRef
    path: str
    key: str
    types: set = field(default_factory=set)
    names: Counter = field(default_factory=Counter)
    alts: set = field(default_factory=set)
    graphs: set = field(default_factory=set)
    links: dict = field(default_factory=lambda: defaultdict(set))
    dates: set = field(default_factory=set)
    record: Entity | None = None
    owners: frozenset = frozenset()
    years: frozenset = frozenset()

    @property
    def kinds(self) -> set[str]:
        return {str(t)[len(str(TG)):] for t in self.types if str(t).startswith(str(TG))} \
            & set(KIND_PATHS)

    @property
    def labels(self) -> list[str]:
        found = dict.fromkeys(sorted(self.names))
        found.update(dict.fromkeys(sorted(self.alts)))
        if self.record is not None:
            found.update(dict.fromkeys([self.record.name, *self.record.aliases]))
        return [label for label in found if label.strip()]

    @property
    def name(self) -> str:
        """The name the node goes by: the gazetteer's, else the one most articles use."""
        if self.record is not None:
            return self.record.name
        if not self.names:
            return ""
        return min(self.names, key=lambda n: (-self.names[n], -len(n), n))

    @property
    def acronym_only(self) -> bool:
        labels = self.labels
        return bool(labels) and all(_is_acronym(label) for label in labels)


def _split_iri(iri) -> tuple[str, str] | None:
    text = str(iri)
    if not isinstance(iri, URIRef) or not text.startswith(_ID):
        return None
    path, _, key = text[len(_ID):].partition("/")
    if path not in _ENTITY_PATHS or not key or "/" in key:
        return None
    return path, key


_COLLECTED = (RDF.type, SCHEMA.name, SKOS.altLabel, TG.partOf, TG.jurisdiction, SCHEMA.publisher,
              TG.series, TG.year, TG.dateEnacted, TG.adoptedOn)


@dataclass(frozen=True)
class GraphSummary:
    """What resolution needs to know about one article's graph: the statements about its
    entities (names, kinds, the links of :data:`_COLLECTED`), every entity IRI it mentions, the
    states it declares and the state it is mostly about. Small next to the graph, so a corpus of
    any size can be resolved from its summaries (:func:`plan_resolution`)."""

    graph: URIRef
    triples: tuple = ()
    mentioned: frozenset = frozenset()
    states: frozenset = frozenset()
    main_state: URIRef | None = None
    currencies: tuple = ()          # the schema:currency values (linking looks them up)


def summarise(graph_id: URIRef, triples: Iterable[tuple]) -> GraphSummary:
    """The :class:`GraphSummary` of one graph, from its triples."""
    collected = set(_COLLECTED)
    kept, mentioned, states, currencies = [], set(), set(), set()
    bodies: Counter = Counter()
    for s, p, o in triples:
        if p in collected and _split_iri(s) is not None:
            kept.append((s, p, o))
        if p == RDF.type and o == TG.State:
            states.add(s)
        elif p == OA.hasBody:
            bodies[o] += 1
        elif p == SCHEMA.currency:
            currencies.add(o)
        for term in (s, o):
            if isinstance(term, URIRef) and _split_iri(term) is not None:
                mentioned.add(term)
    counts = sorted(((n, str(o)) for o, n in bodies.items() if o in states), reverse=True)
    main = None
    if counts and (len(counts) == 1 or counts[0][0] > counts[1][0]):
        main = URIRef(counts[0][1])   # named more often than any other state
    return GraphSummary(graph_id, tuple(sorted(kept)), frozenset(mentioned), frozenset(states),
                        main, tuple(sorted(currencies)))


def _summaries(dataset: Dataset) -> list[GraphSummary]:
    return [summarise(graph.identifier, graph)
            for graph in sorted(dataset.graphs(), key=lambda g: str(g.identifier)) if len(graph)]


def _collect(summaries: Iterable[GraphSummary], gazetteer: Gazetteer) -> dict[URIRef, _Node]:
    nodes: dict[URIRef, _Node] = {}
    for summary in summaries:
        gid = summary.graph
        for s, prop, o in summary.triples:
            parts = _split_iri(s)
            node = nodes.get(s)
            if node is None:
                record = gazetteer.get(parts[1])
                if record is not None and KIND_PATHS.get(record.kind) != parts[0]:
                    record = None
                node = nodes[s] = _Node(s, parts[0], parts[1], record=record)
            if prop == RDF.type:
                node.types.add(o)
                node.graphs.add(gid)
            elif prop == SCHEMA.name:
                node.names[str(o)] += 1
            elif prop == SKOS.altLabel:
                node.alts.add(str(o))
            elif prop in (TG.year, TG.dateEnacted, TG.adoptedOn):
                node.dates.add(str(o)[:4])
            else:
                node.links[prop].add(o)
    return nodes


class _Context:
    """What the rules need to know about the corpus: nodes, states, articles."""

    def __init__(self, summaries: list[GraphSummary], gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.nodes = _collect(summaries, gazetteer)
        self.states = {iri for iri, n in self.nodes.items() if TG.State in n.types}
        self.states |= {TGID[f"actor/{e.id}"] for e in gazetteer.by_kind("State")}
        self.state_keys = sorted({str(s)[len(_ID) + len("actor/"):] for s in self.states},
                                 key=lambda k: (-len(k), k))
        self.declared: dict[URIRef, set] = defaultdict(set)   # graph -> states named in it
        self.main_state: dict[URIRef, URIRef] = {}            # graph -> state most named
        for summary in summaries:
            self.declared[summary.graph] = set(summary.states)
            if summary.main_state is not None:
                self.main_state[summary.graph] = summary.main_state
        self.state_forms = self._state_forms()
        for node in self.nodes.values():
            node.owners = frozenset(self._owners(node))
            node.years = frozenset(self._years(node))

    def _state_forms(self) -> list[tuple[URIRef, tuple[str, ...]]]:
        forms = set()
        for iri in self.states:
            labels = []
            record = self.gazetteer.get(str(iri)[len(_ID) + len("actor/"):])
            if record is not None and record.kind == "State":
                labels += [record.name, *record.aliases, *record.demonyms]
            node = self.nodes.get(iri)
            if node is not None:
                labels += node.labels
            for label in labels:
                words = tuple(_tokens(label))
                if words:
                    forms.add((iri, words))
        return sorted(forms, key=lambda f: (-len(f[1]), f[1], str(f[0])))

    def _record_state(self, record: Entity | None, depth: int = 0) -> URIRef | None:
        """The state a gazetteer entity belongs to, through part_of / jurisdiction."""
        if record is None or depth > 6:
            return None
        if record.kind == "State":
            return TGID[f"actor/{record.id}"]
        for key in ("jurisdiction", "part_of"):
            found = self._record_state(self.gazetteer.get(str(record.get(key) or "")), depth + 1)
            if found is not None:
                return found
        return None

    def _owners(self, node: _Node) -> set[URIRef]:
        if node.kinds & {"State", "Person", "AffectedGroup", "ActorGroup"}:
            return set()
        owners = set()
        if node.record is not None:
            state = self._record_state(node.record)
            if state is not None and state != node.iri:
                owners.add(state)
        for prop in (TG.partOf, TG.jurisdiction):
            for target in node.links.get(prop, ()):
                if target in self.states:
                    owners.add(target)
                else:
                    other = self.nodes.get(target)
                    state = self._record_state(other.record) if other is not None else None
                    if state is not None:
                        owners.add(state)
        if not owners and node.kinds & _JURISDICTIONAL:
            # "tgid:actor/qatar-ministry-of-labour": the mapper keyed the body by its state
            for key in self.state_keys:
                if node.key.startswith(key + "-"):
                    owners.add(TGID[f"actor/{key}"])
                    break
        return owners

    def _years(self, node: _Node) -> set[str]:
        if not node.kinds & _DATED:
            return set()
        record = node.record
        if record is not None:
            for key in ("year", "date_enacted", "adopted", "date_published"):
                value = str(record.get(key) or "")[:4]
                if _YEAR.fullmatch(value):
                    return {value}
        if node.dates:
            return {d for d in node.dates if _YEAR.fullmatch(d)}
        return {y for label in node.labels for y in [name_keys(label, True)[1]] if y}


# ------------------------------------------------------------------------------- groups

@dataclass(frozen=True)
class _Form:
    key: str
    year: str | None
    acronym: bool
    raw: str
    node: URIRef
    rule: str = "name"
    state: URIRef | None = None


class _Groups:
    """Union-find over the resolvable nodes, with the attributes of each group."""

    def __init__(self, ctx: _Context):
        self.ctx = ctx
        self.parent: dict[URIRef, URIRef] = {}
        for iri, node in sorted(ctx.nodes.items()):
            kinds = node.kinds
            if kinds and kinds <= _RESOLVED and any(_has_capital(label) for label in node.labels):
                self.parent[iri] = iri
        self.edges: list[tuple[URIRef, URIRef, str]] = []

    def find(self, iri: URIRef) -> URIRef:
        root = iri
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        return root

    def union(self, a: URIRef, b: URIRef) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            keep, drop = sorted((ra, rb), key=str)
            self.parent[drop] = keep

    def members(self) -> dict[URIRef, list[URIRef]]:
        out: dict[URIRef, list[URIRef]] = defaultdict(list)
        for iri in sorted(self.parent, key=str):
            out[self.find(iri)].append(iri)
        return out

    # -- attributes of a set of nodes ---------------------------------------------------------
    def kinds(self, iris: Iterable[URIRef]) -> set[str]:
        nodes = [self.ctx.nodes[i] for i in iris]
        named = [n for n in nodes if not n.acronym_only] or nodes
        return set().union(*(n.kinds for n in named))

    def acronym_only(self, iris: Iterable[URIRef]) -> bool:
        return all(self.ctx.nodes[i].acronym_only for i in iris)

    def records(self, iris) -> set[str]:
        return {self.ctx.nodes[i].record.id for i in iris if self.ctx.nodes[i].record is not None}

    def owners(self, iris) -> set[URIRef]:
        return set().union(*(self.ctx.nodes[i].owners for i in iris))

    def years(self, iris) -> set[str]:
        return set().union(*(self.ctx.nodes[i].years for i in iris))

    def series(self, iris) -> set[URIRef]:
        found = set()
        for i in iris:
            node = self.ctx.nodes[i]
            targets = set(node.links.get(TG.series, ()))
            if node.record is not None and node.record.get("series"):
                targets.add(TGID[f"series/{node.record.get('series')}"])
            found |= {self.find(t) for t in targets}
        return found

    def graphs(self, iris) -> set[URIRef]:
        return set().union(*(self.ctx.nodes[i].graphs for i in iris))

    def publishers(self, iris, depth: int = 0) -> set[URIRef]:
        found = set()
        for i in iris:
            node = self.ctx.nodes[i]
            found |= {self.find(t) for t in node.links.get(SCHEMA.publisher, ())}
            if node.record is not None and node.record.get("publisher"):
                found.add(self.find(TGID[f"actor/{node.record.get('publisher')}"]))
        if depth == 0:
            groups = self.members()
            for series in self.series(iris):
                found |= self.publishers(groups.get(series, [series]), depth + 1)
        return found

    def mergeable(self, a: list[URIRef], b: list[URIRef], loose: bool) -> bool:
        """Whether two groups may become one node."""
        both = a + b
        if len(self.records(both)) > 1 or len(self.owners(both)) > 1:
            return False
        if len(self.years(both)) > 1 or len(self.series(both)) > 1:
            return False
        ka, kb = self.kinds(a), self.kinds(b)
        if ka & kb:
            return True
        return loose and (self.acronym_only(a) or self.acronym_only(b)) \
            and ka <= _ORGS and kb <= _ORGS

    # -- names of a group ---------------------------------------------------------------------
    def forms(self, iris: list[URIRef], groups) -> list[_Form]:
        ctx = self.ctx
        kinds = self.kinds(iris)
        dated = bool(kinds & _DATED)
        owners = self.owners(iris)
        publisher_words = []
        if kinds & {"Report", "ReportSeries"}:
            for pub in sorted(self.publishers(iris), key=str):
                for member in groups.get(pub, [pub]):
                    node = ctx.nodes.get(member)
                    for label in node.labels if node is not None else ():
                        words = _tokens(label)
                        if words:
                            publisher_words.append(words)
        out = []
        for iri in iris:
            for raw in ctx.nodes[iri].labels:
                words = _tokens(raw)
                year = None
                if dated:
                    words, year = _split_year(words)
                if not words:
                    continue
                acronym = _is_acronym(raw)
                out.append(_Form(" ".join(words), year, acronym, raw, iri))
                if kinds & _JURISDICTIONAL:
                    for state, sw in ctx.state_forms:
                        if owners and state not in owners:
                            continue
                        n = len(sw)
                        rest = None
                        if len(words) > n and tuple(words[:n]) == sw:
                            rest = words[n:]        # "Thai Ministry of Labour"
                        elif len(words) > n + 1 and tuple(words[-n:]) == sw and \
                                words[-n - 1] == "of":
                            rest = words[:-n - 1]   # "Ministry of Labour of Thailand"
                        if rest:
                            out.append(_Form(" ".join(rest), year, False, raw, iri,
                                             "state prefix", state))
                for pw in publisher_words:
                    n = len(pw)
                    if len(words) > n + 1 and words[:n] == pw:
                        out.append(_Form(" ".join(words[n:]), year, False, raw, iri,
                                         "publisher prefix"))
        return out


def _years_fit(fa: _Form, ya: set, fb: _Form, yb: set) -> bool:
    if fa.year == fb.year:
        return True
    if fa.year is None:
        return ya == {fb.year}
    if fb.year is None:
        return yb == {fa.year}
    return False


def _rule(fa: _Form, fb: _Form) -> str:
    for form in (fa, fb):
        if form.rule != "name":
            return form.rule
    if fa.acronym and fb.acronym:
        return "abbreviation"
    if fa.year != fb.year:
        return "year"
    if fa.raw.casefold() == fb.raw.casefold():
        return "same name"
    return "name variant"


def _states_fit(g: _Groups, a: list, sa: set, b: list, sb: set) -> bool:
    """Two groups' states agree; a group whose state is unknown may join a group of a known
    state only when that state is named in its article, and either both are named there or the
    article is mostly about that state."""
    if sa and sb:
        return sa == sb and len(sa) == 1
    if not sa and not sb:
        return True
    if not (g.kinds(a) | g.kinds(b)) & _JURISDICTIONAL:
        return True
    known, state_set, unknown = (a, sa, b) if sa else (b, sb, a)
    if len(state_set) != 1:
        return False
    state = next(iter(state_set))
    known_graphs = g.graphs(known)
    ctx = g.ctx
    return any(state in ctx.declared.get(gid, ()) and
               (gid in known_graphs or ctx.main_state.get(gid) == state)
               for gid in sorted(g.graphs(unknown), key=str))


def _proposals(g: _Groups) -> list[tuple[int, URIRef, URIRef, str, URIRef, URIRef]]:
    """Candidate merges of the current groups: (rule rank, root a, root b, reason, node a,
    node b)."""
    groups = g.members()
    found: dict[tuple[URIRef, URIRef], tuple] = {}

    def propose(ra, rb, rule, reason, na, nb):
        if ra == rb:
            return
        if str(rb) < str(ra):
            ra, rb, na, nb = rb, ra, nb, na
        item = (_RULES.index(rule), ra, rb, reason, na, nb)
        if (ra, rb) not in found or item < found[(ra, rb)]:
            found[(ra, rb)] = item

    # names
    index: dict[str, list[tuple[URIRef, _Form]]] = defaultdict(list)
    for root, iris in groups.items():
        for form in dict.fromkeys(g.forms(iris, groups)):
            index[form.key].append((root, form))
    for key in sorted(index):
        entries = index[key]
        if len({root for root, _ in entries}) < 2:
            continue
        single = " " not in key
        for i, (ra, fa) in enumerate(entries):
            for rb, fb in entries[i + 1:]:
                if ra == rb or (single and not (fa.acronym and fb.acronym)):
                    continue
                a, b = groups[ra], groups[rb]
                if not _years_fit(fa, g.years(a), fb, g.years(b)):
                    continue
                rule = _rule(fa, fb)
                sa = g.owners(a) or ({fa.state} if fa.state else set())
                sb = g.owners(b) or ({fb.state} if fb.state else set())
                if not _states_fit(g, a, sa, b, sb):
                    continue
                if not g.mergeable(a, b, rule in _LOOSE_KINDS):
                    continue
                propose(ra, rb, rule, f'{rule}: "{fa.raw}" ~ "{fb.raw}"', fa.node, fb.node)

    # editions: the same series and year
    editions: dict[tuple, list[URIRef]] = defaultdict(list)
    for root, iris in groups.items():
        if g.kinds(iris) == {"Report"}:
            series, years = g.series(iris), g.years(iris)
            if len(series) == 1 and len(years) == 1:
                editions[(next(iter(series)), next(iter(years)))].append(root)
    for (series, year), roots in sorted(editions.items(), key=lambda e: (str(e[0][0]), e[0][1])):
        for i, ra in enumerate(roots):
            for rb in roots[i + 1:]:
                if g.mergeable(groups[ra], groups[rb], False):
                    propose(ra, rb, "series and year",
                            f"series and year: {_short(series)} {year}", ra, rb)

    # initials: a node known only by an abbreviation, and the one body of its article whose
    # initials it is
    for ra, a in groups.items():
        if not g.acronym_only(a):
            continue
        letters = {label for i in a for label in g.ctx.nodes[i].labels
                   if re.fullmatch(r"[A-Z]{3,10}", label)}
        graphs = g.graphs(a)
        fits = []
        for rb, b in groups.items():
            if rb == ra or g.acronym_only(b) or not graphs & g.graphs(b):
                continue
            hit = next(((i, label) for i in b for label in g.ctx.nodes[i].labels
                        if letters & _initials(label)), None)
            if hit is not None:
                fits.append((rb, hit))
        if len(fits) != 1:
            continue
        rb, (node, label) = fits[0]
        b = groups[rb]
        if _states_fit(g, a, g.owners(a), b, g.owners(b)) and g.mergeable(a, b, True):
            acronym = sorted(letters & _initials(label))[0]
            propose(ra, rb, "initials", f'initials: "{acronym}" ~ "{label}"', a[0], node)
    return sorted(found.values(), key=lambda item: (item[0], str(item[1]), str(item[2])))


def _group_nodes(g: _Groups) -> None:
    """Merge groups round by round until no rule finds anything more."""
    while True:
        proposals = _proposals(g)
        groups = g.members()
        partners: dict[URIRef, set] = defaultdict(set)
        for _, ra, rb, *_ in proposals:
            partners[ra].add(rb)
            partners[rb].add(ra)
        ambiguous = set()
        for root, others in partners.items():
            others = sorted(others, key=str)
            for i, x in enumerate(others):
                if any(not g.mergeable(groups[x], groups[y], True) for y in others[i + 1:]):
                    ambiguous.add(root)
                    break
        changed = False
        for rank, ra, rb, reason, na, nb in proposals:
            if ra in ambiguous or rb in ambiguous:
                continue
            current = g.members()
            fa, fb = g.find(ra), g.find(rb)
            if fa == fb:
                continue
            if not g.mergeable(current[fa], current[fb], _RULES[rank] in _LOOSE_KINDS):
                continue
            g.union(fa, fb)
            g.edges.append((na, nb, reason))
            changed = True
        if not changed:
            return


# ------------------------------------------------------------------------------- canonical

def _canonical(g: _Groups, iris: list[URIRef], chosen: dict[URIRef, URIRef]) -> URIRef:
    ctx = g.ctx
    minted = None
    if g.kinds(iris) == {"Report"}:
        series, years = g.series(iris), g.years(iris)
        if len(series) == 1 and len(years) == 1:
            series_iri = chosen.get(next(iter(series)), next(iter(series)))
            key = str(series_iri).rsplit("/", 1)[-1]
            minted = TGID[f"report/{slugify(f'{next(iter(years))} {key}')}"]

    def rank(iri):
        node = ctx.nodes[iri]
        return (node.record is None, iri != minted, not node.owners, node.acronym_only,
                -len(node.graphs), -len(node.name), str(iri))
    return min(iris, key=rank)


# ------------------------------------------------------------------------------- rewriting

def _rewrite(dataset: Dataset, ctx: _Context, mapping: dict[URIRef, URIRef]) -> None:
    """Every merged IRI replaced by its canonical one, in every graph; the canonical node with
    one name (the others as altLabels), the types of the node kept, one value of each
    single-valued property, and, where a gazetteer entity enters an article's graph, what the
    mappers write for it (aliases, dates, links to the entities of that graph)."""
    from .dates import date_literal
    from .mappers.context import _DATES, _LINKS

    types = {c: set(ctx.nodes[c].types) for c in set(mapping.values())}
    for graph in sorted(dataset.graphs(), key=lambda gr: str(gr.identifier)):
        # the merged IRIs this graph names (read from the graph: the mapping covers the corpus)
        present = sorted({term for s, _, o in graph for term in (s, o) if term in mapping},
                         key=str)
        if not present:
            continue
        touched = sorted({mapping[m] for m in present}, key=str)
        before = {c: {p: set(graph.objects(c, p)) for p in _SINGLE_VALUED} for c in touched}
        declared_before = {c for c in touched if (c, RDF.type, None) in graph}
        for old in present:
            new = mapping[old]
            for s, p, o in list(graph.triples((old, None, None))):
                graph.remove((s, p, o))
                graph.add((new, p, mapping.get(o, o) if isinstance(o, URIRef) else o))
            for s, p, o in list(graph.triples((None, None, old))):
                graph.remove((s, p, o))
                graph.add((mapping.get(s, s), p, new))
        for c in touched:
            if (c, RDF.type, None) not in graph:
                continue
            node = ctx.nodes[c]
            name = Literal(node.name)
            for value in list(graph.objects(c, SCHEMA.name)):
                if value != name:
                    graph.remove((c, SCHEMA.name, value))
                    graph.add((c, SKOS.altLabel, value))
            graph.add((c, SCHEMA.name, name))
            graph.remove((c, SKOS.altLabel, name))
            for t in list(graph.objects(c, RDF.type)):
                if t not in types[c]:
                    graph.remove((c, RDF.type, t))
            for t in types[c]:
                graph.add((c, RDF.type, t))
            record = node.record
            if record is not None and c not in declared_before:
                # the gazetteer entity enters this article's graph: what the mapper writes for it
                for alias in record.aliases:
                    if alias != record.name:
                        graph.add((c, SKOS.altLabel, Literal(alias)))
                for key, prop in _DATES.items():
                    if record.get(key):
                        graph.add((c, prop, date_literal(str(record.get(key)))))
                if record.get("year") and record.kind == "Report":
                    graph.add((c, TG.year, Literal(str(record.get("year")), datatype=XSD.gYear)))
                for key, prop in _LINKS.items():
                    target = record.get(key)
                    if target:
                        iri = _gazetteer_iri(ctx, str(target))
                        if iri is not None and (iri, RDF.type, None) in graph:
                            graph.add((c, prop, iri))
                for other in sorted(set(graph.subjects(RDF.type, None)), key=str):
                    other_node = ctx.nodes.get(other)
                    if other_node is None or other_node.record is None or other == c:
                        continue
                    for key, prop in _LINKS.items():
                        if str(other_node.record.get(key) or "") == record.id:
                            graph.add((other, prop, c))
            for prop in _SINGLE_VALUED:
                values = sorted(graph.objects(c, prop))
                if len(values) < 2:
                    continue
                own = [v for v in values if v in before[c][prop]]
                keep = max(own or values, key=lambda v: (len(str(v)), str(v)))
                for value in values:
                    if value != keep:
                        graph.remove((c, prop, value))


def _gazetteer_iri(ctx: _Context, ident: str) -> URIRef | None:
    record = ctx.gazetteer.get(ident)
    if record is None or record.kind not in KIND_PATHS:
        return None
    return TGID[f"{KIND_PATHS[record.kind]}/{record.id}"]


def _remint_ratings(dataset: Dataset, mapping: dict[URIRef, URIRef]) -> dict[URIRef, URIRef]:
    """``tgid:rating/{subject}/{report}`` again from the resolved subject and report."""
    renamed: dict[URIRef, URIRef] = {}
    prefix = _ID + "rating/"
    for graph in sorted(dataset.graphs(), key=lambda gr: str(gr.identifier)):
        for rating in sorted(set(graph.subjects(RDF.type, TG.Rating)), key=str):
            parts = str(rating)[len(prefix):].split("/") if str(rating).startswith(prefix) else []
            subject = graph.value(rating, TG.ratedSubject)
            report = graph.value(rating, TG.ratedIn)
            if len(parts) != 2 or _split_iri(subject) is None or _split_iri(report) is None:
                continue
            old_subject = TGID[f"{_split_iri(subject)[0]}/{parts[0]}"]
            old_report = TGID[f"report/{parts[1]}"]
            if mapping.get(old_subject) != subject and mapping.get(old_report) != report:
                continue
            new = TGID[f"rating/{_split_iri(subject)[1]}/{_split_iri(report)[1]}"]
            if new == rating:
                continue
            if (new, RDF.type, TG.Rating) in graph and any(
                    set(graph.objects(new, p)) != set(graph.objects(rating, p))
                    for p in (TG.tier, TG.previousTier, TG.movement, TG.year)):
                continue  # two different ratings in one article: leave them apart
            for s, p, o in list(graph.triples((rating, None, None))):
                graph.remove((s, p, o))
                graph.add((new, p, o))
            for s, p, o in list(graph.triples((None, None, rating))):
                graph.remove((s, p, o))
                graph.add((s, p, new))
            renamed[rating] = new
    return renamed


# ------------------------------------------------------------------------------- entry point

@dataclass
class Plan:
    """Which nodes become which, decided from the summaries of every graph of a corpus; apply it
    to each graph on its own with :meth:`apply` (or to a whole dataset)."""

    ctx: _Context
    mapping: dict[URIRef, URIRef]
    resolution: Resolution

    def touches(self, summary: GraphSummary) -> list[tuple[URIRef, URIRef]]:
        """The merges that change the graph of ``summary``, sorted."""
        return sorted((iri, self.mapping[iri]) for iri in summary.mentioned
                      if iri in self.mapping)

    def key(self, summary: GraphSummary) -> str:
        """A digest of everything in the plan that the graph of ``summary`` depends on: the same
        key means that resolving the same graph again gives the same result."""
        import hashlib

        parts = []
        for old, new in self.touches(summary):
            node = self.ctx.nodes[new]
            parts.append("\t".join([str(old), str(new), node.name,
                                     " ".join(sorted(map(str, node.types))),
                                     node.record.id if node.record is not None else ""]))
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()

    def apply(self, dataset: Dataset) -> dict[URIRef, URIRef]:
        """Rewrite the graphs of ``dataset`` (all or some of the corpus) in place; the ratings
        re-minted, old IRI -> new."""
        if not self.mapping:
            return {}
        _rewrite(dataset, self.ctx, self.mapping)
        return _remint_ratings(dataset, self.mapping)


def plan_resolution(summaries: Iterable[GraphSummary],
                    gazetteer: Gazetteer | None = None) -> Plan:
    """Decide which nodes of the summarised graphs name the same entity. Deterministic: the
    same summaries give the same plan whatever their order or the hash seed."""
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    ctx = _Context(sorted(summaries, key=lambda sm: str(sm.graph)), gazetteer)
    groups = _Groups(ctx)
    _group_nodes(groups)
    members = {root: iris for root, iris in groups.members().items() if len(iris) > 1}
    chosen: dict[URIRef, URIRef] = {}
    # series and everything else first: a report's canonical IRI is made from its series'
    for root, iris in sorted(members.items(), key=lambda m: (groups.kinds(m[1]) == {"Report"},
                                                            str(m[0]))):
        chosen[root] = _canonical(groups, iris, chosen)
    mapping: dict[URIRef, URIRef] = {}
    resolution = Resolution()
    for root in sorted(members, key=lambda r: str(chosen[r])):
        canonical = chosen[root]
        items = []
        for iri in members[root]:
            if iri == canonical:
                continue
            mapping[iri] = canonical
            # the first rule that tied this node to its group (else the group's first)
            reasons = [reason for a, b, reason in groups.edges if iri in (a, b)] or \
                [reason for a, b, reason in groups.edges if groups.find(a) == root]
            items.append((iri, reasons[0]))
        resolution.merges[canonical] = items
    return Plan(ctx, mapping, resolution)


def resolve_entities(dataset: Dataset, gazetteer: Gazetteer | None = None) -> Resolution:
    """Merge the nodes of ``dataset`` that name the same entity, in place, and say what was
    merged. Deterministic: the same dataset gives the same result whatever the hash seed."""
    plan = plan_resolution(_summaries(dataset), gazetteer)
    plan.resolution.renamed = plan.apply(dataset)
    return plan.resolution
