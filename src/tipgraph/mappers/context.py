"""What a mapper works with: the article, its tokens and sentences, what was found so far, and
helpers that write entities, mentions and provenance the same way for every mapper."""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ..article import Article, Span
from ..gazetteer import ACTOR_KINDS, KIND_PATHS, Entity, Gazetteer, slugify
from ..literals import decimal_literal
from ..namespace import OA, PROV, SCHEMA, SKOS, TG, TGID
from ..nlp import parse, token_lowers, token_texts
from ..recognise import Candidate, Recogniser

__all__ = ["MappingContext", "EntityRef", "Mention", "Triple"]

Triple = tuple
_CONTEXT_CHARS = 32
# Kinds whose names repeat from country to country ("Ministry of Interior", "Law No. 17").
_JURISDICTIONAL = ("Statute", "Bill", "Constitution", "GovernmentBody")

# Gazetteer fields that describe links between entities, and the property each becomes.
_LINKS = {"part_of": TG.partOf, "jurisdiction": TG.jurisdiction, "series": TG.series,
          "publisher": SCHEMA.publisher, "supplements": TG.supplements,
          "enacted_under": TG.enactedUnder}
_DATES = {"date_enacted": TG.dateEnacted, "adopted": TG.adoptedOn, "in_force": TG.inForceSince,
          "date_published": SCHEMA.datePublished}


@dataclass(frozen=True)
class EntityRef:
    """An entity of the graph: its IRI, kind (a tg: class name) and name."""

    iri: URIRef
    kind: str
    name: str
    key: str
    record: Entity | None = None
    local: bool = False


@dataclass
class Mention:
    """A place in the text where an entity is named or referred to."""

    ref: EntityRef
    start: int
    end: int
    text: str
    how: str
    confidence: float
    mapper: str
    extra: dict = field(default_factory=dict)


@lru_cache(maxsize=1024)
def confidence_literal(value: float) -> Literal:
    value = min(1.0, max(0.0, value))
    return decimal_literal(f"{value:.2f}")


class _Terms:
    """The terms every annotation is written with, looked up once: an rdflib ``Namespace``
    makes a new URIRef at every attribute access, and an article has hundreds of annotations."""

    type = RDF.type
    Annotation, SpecificResource = OA.Annotation, OA.SpecificResource
    TextPositionSelector, TextQuoteSelector = OA.TextPositionSelector, OA.TextQuoteSelector
    hasBody, hasTarget, motivatedBy, hasSource, hasSelector = (
        OA.hasBody, OA.hasTarget, OA.motivatedBy, OA.hasSource, OA.hasSelector)
    start, end, exact, prefix, suffix = OA.start, OA.end, OA.exact, OA.prefix, OA.suffix
    identifying, describing = OA.identifying, OA.describing
    confidence, sentence, property = TG.confidence, TG.sentence, TG.property
    wasGeneratedBy, wasDerivedFrom = PROV.wasGeneratedBy, PROV.wasDerivedFrom
    integer = XSD.integer   # offsets: see tipgraph.literals


class MappingContext:
    """State shared by the mappers while they map one article."""

    def __init__(self, article: Article, gazetteer: Gazetteer, lexicon: dict,
                 recogniser: Recogniser):
        self.article = article
        self.gazetteer = gazetteer
        self.lexicon = lexicon
        self.recogniser = recogniser
        self.iri = TGID[f"article/{article.id}"]
        self.doc = parse(article.text)
        self.sentences: list[Span] = []
        for sent in self.doc.sents:
            text = sent.text
            lead = len(text) - len(text.lstrip())
            body = text.strip()
            if body:
                start = sent.start_char + lead
                self.sentences.append(Span(start, start + len(body), body))
        self._sentence_starts = [s.start for s in self.sentences]
        self._candidates: list[Candidate] | None = None
        self.entities: dict[URIRef, EntityRef] = {}
        self.mentions: list[Mention] = []
        self.found: dict[str, object] = {}
        self.triples: list[Triple] = []
        self._by_subject: dict = {}   # subject -> its triples, in the order written
        self._added = 0               # triples written through add()
        self.current_mapper = "build"
        self._counters: Counter = Counter()
        self._activities: dict[str, URIRef] = {}   # mapper name -> its activity
        self._alt_labels: set[tuple[URIRef, str]] = set()

    # -- text ---------------------------------------------------------------------------------
    @property
    def text(self) -> str:
        return self.article.text

    def sentence_at(self, char: int) -> Span:
        """The sentence holding character ``char`` (or the nearest one before it)."""
        i = max(0, bisect.bisect_right(self._sentence_starts, char) - 1)
        return self.sentences[i] if self.sentences else Span(0, len(self.text), self.text)

    def sentence_index(self, char: int) -> int:
        return max(0, bisect.bisect_right(self._sentence_starts, char) - 1)

    def in_body(self, start: int) -> bool:
        body = self.article.body
        return body is not None and body.start <= start < body.end

    def char_span(self, tok_start: int, tok_end: int) -> tuple[int, int]:
        span = self.doc[tok_start:tok_end]
        return span.start_char, span.end_char

    # -- recognition --------------------------------------------------------------------------
    @property
    def candidates(self) -> list[Candidate]:
        if self._candidates is None:
            self._candidates = self.recogniser(self.doc)
        return self._candidates

    def candidates_of(self, *kinds: str) -> list[Candidate]:
        return [c for c in self.candidates if c.kind in kinds]

    def mentions_of(self, *kinds: str) -> list[Mention]:
        wanted = set(kinds) if kinds else None
        return sorted((m for m in self.mentions if wanted is None or m.ref.kind in wanted),
                      key=lambda m: (m.start, m.end))

    def mentions_in(self, start: int, end: int, *kinds: str) -> list[Mention]:
        return [m for m in self.mentions_of(*kinds) if m.start >= start and m.end <= end]

    def salient(self, *kinds: str) -> EntityRef | None:
        """The entity of these kinds mentioned most often (ties: mentioned first)."""
        counts: Counter = Counter()
        first: dict[URIRef, int] = {}
        for m in self.mentions_of(*kinds):
            counts[m.ref.iri] += 1
            first.setdefault(m.ref.iri, m.start)
        if not counts:
            return None
        best = min(counts, key=lambda iri: (-counts[iri], first[iri]))
        return self.entities[best]

    def resolve(self, noun: str, at: int, kinds: tuple[str, ...]) -> EntityRef | None:
        """The entity a definite description ("the report", "the city") at ``at`` points to:
        the nearest mention before it of a fitting kind, else the first one after it."""
        refs = self.lexicon.get("references", {})
        restricted = noun in refs.get("restricted", [])

        def named_so(m: Mention) -> bool:
            return (m.ref.record is not None and noun in m.ref.record.nouns) or \
                noun in m.ref.name.lower().split()

        def fits(m: Mention) -> bool:
            if m.ref.kind not in kinds or m.how == "reference":
                return False
            return named_so(m) if restricted else True

        before = [m for m in self.mentions_of(*kinds) if m.end <= at and fits(m)]
        if before and noun == "state":
            # "the state" after "Edo State" was named: the sub-national state
            sub = [m for m in before if m.ref.name.endswith(" State")]
            if sub:
                return sub[-1].ref
        if before and kinds == ("Report",) and noun == "report":
            # "the report": the edition the article is about (most mentioned, then latest) of
            # the series last named, not an edition named in a back-story clause
            editions = self.found.get("editions", {})
            series = editions.get(before[-1].ref.iri, (None,))[0]
            pool = [m for m in self.mentions_of("Report") if m.how != "reference"
                    and series is not None and editions.get(m.ref.iri, (None,))[0] == series]
            if pool:
                counts = Counter(m.ref.iri for m in pool)
                best = max(counts, key=lambda iri: (counts[iri], editions[iri][1]))
                return self.entities[best]
        if before and all(k == "State" for k in kinds):
            # "the country", "the government": the state the article is about, among those
            # already named; a state named once in passing does not take the reference.
            counts = Counter(m.ref.iri for m in self.mentions_of("State") if fits(m))
            last = {m.ref.iri: i for i, m in enumerate(before)}
            best = max(last, key=lambda iri: (counts[iri], last[iri]))
            return self.entities[best]
        if before:
            # "the ministry": the nearest entity called a ministry, else the nearest of its kind
            called = [m for m in before if named_so(m)]
            return (called or before)[-1].ref
        after = [m for m in self.mentions_of(*kinds) if m.start >= at and fits(m)]
        return after[0].ref if after else None

    def classify_name(self, name: str, default: str) -> str:
        """The kind the name-shape patterns give a name on its own, else ``default``."""
        kind = self.recogniser.kind_of_name(name)
        return default if kind is None else kind

    def in_prose(self, start: int) -> bool:
        """Whether a character lies in the title, standfirst or body (not byline or sources)."""
        art = self.article
        if art.dateline is not None and art.dateline.start <= start < art.dateline.end:
            return False  # "BRUSSELS (Tipgraph Wire) -" names a place and an agency, not facts
        return any(part is not None and part.start <= start < part.end
                   for part in (art.title, art.standfirst, art.body))

    def mention_candidates(self, kinds: tuple[str, ...], confidence: dict[str, float]
                           ) -> list[Mention]:
        """Turn the recognised candidates of these kinds in the prose into mentions."""
        found = []
        for cand in self.candidates_of(*kinds):
            start, end = self.char_span(cand.start, cand.end)
            if not self.in_prose(start):
                continue
            ref = self.entity_for(cand)
            found.append(self.mention(ref, start, end, confidence.get(cand.how, 0.7), cand.how,
                                      **cand.extra))
        found.extend(self._acronyms(found))
        return found

    def _acronyms(self, mentions: list[Mention]) -> list[Mention]:
        """'Full Name (ACRONYM)': the acronym names the same entity, there and later on."""
        extra = []
        doc = self.doc
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None or span.end + 2 >= len(doc):
                continue
            open_, word, close = doc[span.end], doc[span.end + 1], doc[span.end + 2]
            if open_.text != "(" or close.text != ")" or not word.text.isupper() \
                    or len(word.text) < 2 or not word.is_alpha:
                continue
            taken = {(x.start, x.end) for x in self.mentions}
            texts = token_texts(doc)
            for i in range(span.end + 1, len(doc)):
                if texts[i] != word.text:
                    continue
                token = doc[i]
                if (token.idx, token.idx + len(token)) not in taken:
                    extra.append(self.mention(m.ref, token.idx, token.idx + len(token),
                                              m.confidence, "pattern"))
        return extra

    def resolve_references(self, kinds: tuple[str, ...], confidence: float = 0.7
                           ) -> list[Mention]:
        """Mentions for definite descriptions of these kinds: "the report", "the ministry",
        "the city's government", "the latest annual report"."""
        refs = self.lexicon.get("references", {})
        nouns = {n: tuple(k for k in ks if k in kinds) for n, ks in refs.get("nouns", {}).items()}
        nouns = {n: ks for n, ks in nouns.items() if ks}
        modifiers = set(refs.get("modifiers", []))
        determiners = {"the", "this", "that", "its", "their", "his", "her"}
        possessives = {"their", "his", "her", "my", "our", "your"}
        calendar = {"january", "february", "march", "april", "may", "june", "july", "august",
                    "september", "october", "november", "december", "monday", "tuesday",
                    "wednesday", "thursday", "friday", "saturday", "sunday"}
        occupied = set()
        for m in self.mentions:
            occupied.update(range(m.start, m.end))
        found = []
        doc = self.doc
        for i, low in enumerate(token_lowers(doc)):
            ks = nouns.get(low)
            if not ks:
                continue
            token = doc[i]
            if token.idx in occupied or not self.in_prose(token.idx):
                continue
            if token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "of" and \
                    token.i + 2 < len(doc) and doc[token.i + 2].is_title:
                continue  # "the Ministry of ..." is a name, not a reference
            nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if token.is_title and nxt is not None and nxt.is_title and nxt.idx not in occupied:
                continue  # "the Police Foundation": a longer name we do not know
            j = token.i - 1
            start = None
            steps = 0
            while j >= 0 and steps < 6:
                t = doc[j]
                if t.lower_ in determiners:
                    start = j
                    break
                if t.text == "'s" and j - 1 >= 0:
                    j -= 1
                    steps += 1
                    continue
                if t.lower_ in modifiers or t.is_title or t.like_num or t.idx in occupied:
                    j -= 1
                    steps += 1
                    continue
                break
            if start is None:
                continue
            if doc[start].lower_ in possessives:
                # "her organisation": the body the person last named speaks for, if any;
                # "her agency" (a helper's employment agency) is no body named before
                ref = self._owners_body(doc[start].idx, nouns.get(token.lower_, ks))
                if ref is not None and start + 1 == token.i:
                    s_char, e_char = doc[start].idx, token.idx + len(token)
                    found.append(self.mention(ref, s_char, e_char, confidence, "reference",
                                              noun=token.lower_))
                    occupied.update(range(s_char, e_char))
                continue
            if nxt is not None and nxt.is_title and nxt.lower_ not in calendar and \
                    not nxt.is_sent_start:
                continue  # "the charity Unchained Futures": the noun introduces a name
            years = [t.text for t in doc[start + 1:token.i] if t.like_num and len(t.text) == 4
                     and t.text[:2] in ("18", "19", "20")]
            if any(t.is_title and t.idx not in occupied and t.lower_ not in modifiers
                   for t in doc[start + 1:token.i]):
                continue  # "the Edo State": a name we do not know, not a reference
            # "the city's government": the possessor is the referent when the noun is generic.
            noun = token.lower_
            inner = doc[start:token.i]
            poss = [t for t in inner if t.text == "'s"]
            if poss and noun in ("government", "authorities", "administration"):
                owner = doc[poss[0].i - 1].lower_
                if owner in nouns:
                    noun = owner
                else:
                    continue
            s_char, e_char = doc[start].idx, token.idx + len(token)
            if any(i in occupied for i in (s_char, e_char - 1)):
                continue
            ref = self.resolve(noun, s_char, nouns.get(noun, ks))
            if ref is not None and years and not self._has_year(ref, years[0]):
                ref = None  # "the 2003 law" is not the 2015 Act named before it
                if any(k in ("Statute",) for k in nouns.get(noun, ks)):
                    # a law of its own, of the state around it
                    state = self.state_of_span(start, token.i + 1)
                    name = self.text[doc[start + 1].idx:e_char]
                    key = slugify(f"{state.id} {name}" if state is not None else name)
                    ref = self.entity("Statute", name, key=key)
                    found.append(self.mention(ref, doc[start + 1].idx, e_char, confidence * 0.9,
                                              "pattern", noun=noun))
                    occupied.update(range(s_char, e_char))
                    continue
            if ref is None:
                continue
            found.append(self.mention(ref, s_char, e_char, confidence, "reference", noun=noun))
            occupied.update(range(s_char, e_char))
        return found

    def _owners_body(self, at: int, kinds: tuple[str, ...]) -> EntityRef | None:
        """The organisation the person named last before ``at`` speaks for."""
        people = [m for m in self.mentions_of("Person") if m.end <= at]
        if not people:
            return None
        person = people[-1].ref.iri
        for s, p, o in self.statements(person):
            if p == TG.speaksFor:
                ref = self.entities.get(o)
                if ref is not None and ref.kind in kinds:
                    return ref
        return None

    def _has_year(self, ref: EntityRef, year: str) -> bool:
        """Whether an entity's name, date or edition year is ``year``."""
        record = ref.record
        if record is not None and any(str(record.get(f) or "")[:4] == year
                                      for f in ("year", "date_enacted", "adopted", "date_published")):
            return True
        if self.found.get("editions", {}).get(ref.iri, (None, None))[1] == year:
            return True
        return year in ref.name

    # -- writing ------------------------------------------------------------------------------
    def add(self, s, p, o) -> None:
        triple = (s, p, o)
        self.triples.append(triple)
        self._by_subject.setdefault(s, []).append(triple)
        self._added += 1

    def statements(self, subject) -> list[Triple]:
        """The triples written so far whose subject is ``subject``, in the order written."""
        if len(self.triples) != self._added:
            # triples taken back (a mapper that failed) or written around add(): index afresh
            self._by_subject = {}
            for triple in self.triples:
                self._by_subject.setdefault(triple[0], []).append(triple)
            self._added = len(self.triples)
        return list(self._by_subject.get(subject, ()))

    def local(self, kind: str) -> URIRef:
        """A new article-local IRI: ``tgid:article/{id}/{kind}/{n}``."""
        self._counters[kind] += 1
        return TGID[f"article/{self.article.id}/{kind}/{self._counters[kind]}"]

    def entity(self, kind: str, name: str, key: str | None = None,
               record: Entity | None = None, local: bool = False) -> EntityRef:
        """The node for an entity, declared (type and name) the first time it is asked for."""
        if record is not None:
            kind, name, key = record.kind, record.name, record.id
        key = key or slugify(name)
        if local:
            folder = "person" if kind == "Person" else "group"
            iri = TGID[f"article/{self.article.id}/{folder}/{key}"]
        else:
            iri = TGID[f"{KIND_PATHS[kind]}/{key}"]
        if iri in self.entities:
            return self.entities[iri]
        ref = EntityRef(iri, kind, name, key, record, local)
        self.entities[iri] = ref
        self.add(iri, RDF.type, TG[kind] if kind != "Tier" else SKOS.Concept)
        if kind == "Person":
            self.add(iri, RDF.type, SCHEMA.Person)
        if kind in ACTOR_KINDS:
            self.add(iri, RDF.type, PROV.Agent)
        self.add(iri, SCHEMA.name, Literal(name))
        if record is not None:
            # every name the gazetteer knows it by, so that a search for "Palermo Protocol"
            # finds the Protocol to Prevent, Suppress and Punish Trafficking in Persons
            for alias in record.aliases:
                if alias != name and (iri, alias) not in self._alt_labels:
                    self._alt_labels.add((iri, alias))
                    self.add(iri, SKOS.altLabel, Literal(alias))
        if kind == "Tier":
            self.add(iri, SKOS.prefLabel, Literal(name, lang="en"))
        return ref

    def entity_for(self, cand: Candidate) -> EntityRef:
        """The entity a recognised candidate names. A law or government body known only by the
        shape of its name is keyed by its state ("Law No. 17 of 2020" of Qatar is not Cambodia's
        law of the same name); the name itself is kept as written."""
        if cand.key:
            return self.entity(cand.kind, "", record=self.gazetteer[cand.key])
        start, end = self.char_span(cand.start, cand.end)
        name = self.text[start:end]
        if cand.kind in _JURISDICTIONAL:
            sub = self.subnational_in(cand.start, cand.end)
            state = self.state_of_span(cand.start, cand.end)
            owner = slugify(sub) if sub else state.id if state is not None else None
            if owner is not None:
                slug = slugify(name)
                key = slug if slug.startswith(owner + "-") else slugify(f"{owner} {name}")
                return self.entity(cand.kind, name, key=key)
        return self.entity(cand.kind, name)

    # -- states by position -------------------------------------------------------------------
    def _state_candidates(self) -> list[Candidate]:
        return [c for c in self.candidates if c.kind == "State" and c.key
                and self.in_prose(self.doc[c.start].idx)]

    def main_state(self) -> Entity | None:
        """The state the article names most often in its prose (ties: named first)."""
        states = self._state_candidates()
        if not states:
            return None
        counts = Counter(c.key for c in states)
        first = {}
        for c in states:
            first.setdefault(c.key, c.start)
        return self.gazetteer[min(counts, key=lambda k: (-counts[k], first[k]))]

    def subnational_in(self, tok_start: int, tok_end: int) -> str | None:
        """The sub-national state named inside a name: "Edo State" in "Edo State ... Law"."""
        heads = self.lexicon.get("heads", {})
        suffixes = set(heads.get("subnational_suffixes", []))
        excluded = set(heads.get("subnational_not", []))
        doc = self.doc
        for i in range(tok_start, tok_end - 1):
            if doc[i + 1].text in suffixes and doc[i].is_title and doc[i].text not in excluded \
                    and not (i > 0 and doc[i - 1].lower_ == "of"):
                return doc[i:i + 2].text
        return None

    def state_of_span(self, tok_start: int, tok_end: int) -> Entity | None:
        """The state a name belongs to: one named in it or just before it ("Qatar's Ministry
        of Labour"), else the nearest state named earlier in the paragraph, else the state the
        article is mainly about."""
        doc = self.doc
        states = self._state_candidates()
        for c in states:
            if tok_start <= c.start and c.end <= tok_end:
                return self.gazetteer[c.key]
        span = doc[tok_start:tok_end]
        for match_id, s, e in self.recogniser.gaz(span):
            record = self.gazetteer.get(self.recogniser.vocab.strings[match_id].partition(":")[2])
            if record is not None and record.kind == "State":
                return record
        first = next((t for t in span if t.lower_ != "the"), None)
        if first is not None and first.text in self.recogniser.demonyms:
            return self.recogniser.demonyms[first.text]
        para = self.text.rfind("\n", 0, doc[tok_start].idx) + 1
        before = [c for c in states if c.end <= tok_start and doc[c.start].idx >= para]
        if before:
            return self.gazetteer[before[-1].key]
        return self.main_state()

    def mention(self, ref: EntityRef, start: int, end: int, confidence: float, how: str,
                **extra) -> Mention:
        """Record that ``text[start:end]`` names ``ref``, with an identifying annotation."""
        mention = Mention(ref, start, end, self.text[start:end], how, confidence,
                          self.current_mapper, extra)
        self.mentions.append(mention)
        self.annotate(ref.iri, start, end, confidence, motivation=_Terms.identifying)
        surface = mention.text.strip()
        if how in ("gazetteer", "pattern") and surface != ref.name \
                and (ref.iri, surface) not in self._alt_labels:
            self._alt_labels.add((ref.iri, surface))
            self.add(ref.iri, SKOS.altLabel, Literal(surface))
        return mention

    def annotate(self, node: URIRef, start: int, end: int, confidence: float,
                 prop: URIRef | None = None, motivation: URIRef = _Terms.describing) -> URIRef:
        """An annotation whose target is ``text[start:end]`` and whose body is ``node``."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span {start}-{end} outside the article text")
        ann = self.local("annotation")
        target, position, quote = (URIRef(f"{ann}/{part}") for part in ("target", "position",
                                                                         "quote"))
        activity = self._activity()
        add, t = self.add, _Terms
        add(ann, t.type, t.Annotation)
        add(ann, t.hasBody, node)
        add(ann, t.hasTarget, target)
        add(ann, t.motivatedBy, motivation)
        add(ann, t.confidence, confidence_literal(confidence))
        add(ann, t.wasGeneratedBy, activity)
        add(ann, t.sentence, Literal(self.sentence_at(start).text))
        if prop is not None:
            add(ann, t.property, prop)
        add(target, t.type, t.SpecificResource)
        add(target, t.hasSource, self.iri)
        add(target, t.hasSelector, position)
        add(target, t.hasSelector, quote)
        add(position, t.type, t.TextPositionSelector)
        add(position, t.start, Literal(start, datatype=t.integer))
        add(position, t.end, Literal(end, datatype=t.integer))
        add(quote, t.type, t.TextQuoteSelector)
        add(quote, t.exact, Literal(self.text[start:end]))
        add(quote, t.prefix, Literal(self.text[max(0, start - _CONTEXT_CHARS):start]))
        add(quote, t.suffix, Literal(self.text[end:end + _CONTEXT_CHARS]))
        return ann

    def fact(self, node: URIRef, cls: URIRef, start: int, end: int, confidence: float,
             prop: URIRef | None = None) -> URIRef:
        """Declare an article-local fact node of class ``cls`` with its evidence span."""
        self.add(node, _Terms.type, cls)
        self.add(node, _Terms.wasDerivedFrom, self.iri)
        self.annotate(node, start, end, confidence, prop=prop)
        return node

    def _activity(self) -> URIRef:
        name = self.current_mapper
        activity = self._activities.get(name)
        if activity is None:
            activity = self._activities[name] = TGID[f"article/{self.article.id}/activity/{name}"]
            agent = TGID[f"mapper/{name}"]
            self.add(activity, RDF.type, PROV.Activity)
            self.add(activity, PROV.used, self.iri)
            self.add(activity, PROV.wasAssociatedWith, agent)
            self.add(agent, RDF.type, PROV.SoftwareAgent)
            self.add(agent, RDFS.label, Literal(f"tipgraph {name} mapper"))
        return activity

    # -- end of mapping -----------------------------------------------------------------------
    def finish(self) -> None:
        """Links between mentioned entities that the gazetteer knows (a law's jurisdiction,
        a body's parent, a protocol's parent convention)."""
        from ..dates import date_literal

        self.current_mapper = "build"
        by_key = {ref.key: ref for ref in self.entities.values() if ref.record is not None}
        for ref in sorted(by_key.values(), key=lambda r: r.key):
            record = ref.record
            for field_name, prop in _LINKS.items():
                target = by_key.get(str(record.get(field_name) or ""))
                if target is not None:
                    self.add(ref.iri, prop, target.iri)
            for field_name, prop in _DATES.items():
                value = record.get(field_name)
                if value:
                    self.add(ref.iri, prop, date_literal(str(value)))
            if record.get("year") and ref.kind == "Report":
                self.add(ref.iri, TG.year, Literal(str(record.get("year")), datatype=XSD.gYear))
