"""Generate a corpus of synthetic news articles about human trafficking, for benchmarks.

    .venv/bin/python benchmarks/generate.py --articles 1000 --seed 1 -o /tmp/corpus

writes N articles (``.txt``, ``.md`` and ``.html`` in turn, about 60/25/15) into the folder,
each with a ``NAME.meta.yaml`` sidecar like those of ``data/articles/``. The articles are built
from the team's own templates in ``benchmarks/templates/`` (paragraphs, word lists, layouts) and
from the project's gazetteer in ``data/entities/``: states, government bodies, UN agencies,
civil-society organisations, statutes, report series, tiers, international instruments and
currencies are drawn from those files by kind, never named in this code. Invented NGOs, people,
laws and bills are combined at random from the word lists. Each article has a headline,
standfirst, byline, date or dateline, 7-15 body paragraphs and a sources section, 2,500-6,000
characters of text: ratings with their movement, attributed claims with direct quotations and
disputes, laws, instruments, counts, money with currencies, percentages and years.

Deterministic: article ``i`` of seed ``S`` depends only on ``(S, i)`` and the template and data
files, so the same arguments give byte-identical files, and the first 100 articles of a
1,000-article corpus are the 100-article corpus. ``--start`` offsets the numbering.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import random
import re
import string
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TEMPLATES = HERE / "templates"
DATA = ROOT / "data" / "entities"

FORMATS = ("txt",) * 12 + ("md",) * 5 + ("html",) * 3   # drawn per article: 60/25/15
ORDINALS = ("second", "third", "fourth", "fifth")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to",
               "with", "from"}
MIN_CHARS, MAX_CHARS = 2500, 6000
MAX_PARAGRAPHS = 15
# A YAML loader in C when PyYAML has one: the data files are read once, but states.yaml is long.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)


# --------------------------------------------------------------------------- the catalogue

@dataclass
class Catalogue:
    """What the generator draws from ``data/entities/``: lists in file order (never sets)."""

    states: list[dict]                   # sovereign states with a demonym
    state_weights: list[int]             # states the gazetteer knows more about come up more
    bodies: dict[str, list[dict]]        # state id -> its government bodies with a known noun
    statutes: dict[str, list[dict]]      # jurisdiction id -> its statutes
    un_bodies: list[dict]                # UN agencies
    civil_society: list[dict]            # NGOs named in no state's name
    instruments: list[dict]              # treaties and protocols (what a state ratifies)
    by_id: dict[str, dict]
    tiers: list[dict]                    # ranked tiers, best first
    rating_series: dict
    rating_publisher: dict
    estimates: list[tuple[dict, dict]]   # (report series, its publisher)
    currencies: dict[str, dict]          # code -> record


def load_catalogue(data: Path, config: dict) -> Catalogue:
    """Read the gazetteer files the templates draw on."""
    states_all = _load(data / "states.yaml")
    organisations = _load(data / "organisations.yaml")
    laws = _load(data / "laws.yaml")
    reports = _load(data / "reports.yaml")
    instruments = _load(data / "instruments.yaml")
    tiers = _load(data / "tiers.yaml")
    currencies = _load(data / "currencies.yaml")
    by_id = {e["id"]: e for e in states_all + organisations + laws + reports + instruments + tiers}

    states = [e for e in states_all if e.get("kind") == "State" and not e.get("part_of")
              and e.get("iso3166") and e.get("demonyms")]
    body_nouns = config["body_nouns"]
    bodies: dict[str, list[dict]] = {}
    for e in organisations:
        if e["kind"] == "GovernmentBody" and e.get("part_of") and any(
                n in body_nouns for n in e.get("nouns") or ()):
            bodies.setdefault(e["part_of"], []).append(e)
    statutes: dict[str, list[dict]] = {}
    for e in laws:
        if e["kind"] == "Statute" and e.get("jurisdiction"):
            statutes.setdefault(e["jurisdiction"], []).append(e)
    un_bodies = [e for e in organisations if e["kind"] == "InternationalOrganisation"
                 and e.get("part_of") == config["un_system"]
                 and any(n in config["un_agency_nouns"] for n in e.get("nouns") or ())]
    state_words = [e["name"] for e in states_all]
    civil_society = [e for e in organisations if e["kind"] == "CivilSocietyOrganisation"
                     and not any(w in e["name"] for w in state_words)]
    scheme = config["tier_scheme"]
    ranked = sorted((e for e in tiers if e.get("scheme") == scheme and e.get("rank")),
                    key=lambda e: e["rank"])
    series = by_id[config["rating_series"]]
    estimates = [(by_id[i], by_id[by_id[i]["publisher"]]) for i in config["estimate_series"]]
    # News about trafficking names some states far more often than others; the gazetteer's
    # curators gave those a capital, bodies or laws, so they are drawn six times as often.
    weights = [6 if e.get("metonyms") or e["id"] in bodies or e["id"] in statutes else 1
               for e in states]
    return Catalogue(
        states=states, state_weights=weights, bodies=bodies, statutes=statutes, un_bodies=un_bodies,
        civil_society=civil_society,
        instruments=[e for e in instruments if e["kind"] in ("Treaty", "Protocol")],
        by_id=by_id, tiers=ranked, rating_series=series,
        rating_publisher=by_id[series["publisher"]], estimates=estimates,
        currencies={c["code"]: c for c in currencies})


@dataclass
class Templates:
    words: dict
    paragraphs: dict
    layouts: dict
    page: str


def load_templates(folder: Path = TEMPLATES) -> Templates:
    layouts = _load(folder / "layouts.yaml")
    page = (folder / "page.html").read_text(encoding="utf-8")
    return Templates(_load(folder / "words.yaml"), _load(folder / "paragraphs.yaml"), layouts,
                     page)


# --------------------------------------------------------------------------- names and forms

def _forms(entity: dict, min_words: int = 2) -> list[str]:
    """The entity's name and those aliases that read as a name in running prose: several words,
    not a bare code, no possessive, not opening in lower case."""
    forms = [entity["name"]]
    for alias in entity.get("aliases") or ():
        alias = str(alias)
        if (len(alias.split()) >= min_words and re.search(r"[a-z]", alias)
                and "'s" not in alias and "’s" not in alias and alias[:1].isupper()
                and not re.search(r"\bNo\.|\bC\d|\bP\d|Convention \d+$", alias)
                and alias not in forms):
            forms.append(alias)
    longer = [f for f in forms if len(f.split()) >= min_words]
    return longer or forms


def _definite(name: str, words: list[str]) -> str:
    """``name`` with "the" when English writes it so ("the Philippines")."""
    return f"the {name}" if name.split()[-1] in words or name.startswith("United ") else name


def _org_the(name: str) -> str:
    """"the International Labour Organization", but "Walk Free": a rule of English names."""
    return f"the {name}" if re.search(r"\b(of|for|on)\b", name) or name.split()[0] in {
        "United", "International", "European", "Global"} and " " in name else name


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title(text: str) -> str:
    """Headline case: raise the first letter of lower-case words but the short ones."""
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        if word[:1].islower() and (i == 0 or word not in SMALL_WORDS) and "'" not in word[1:]:
            word = _cap(word)
        out.append(word)
    return " ".join(out)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _number(value: int) -> str:
    return f"{value:,}"


# --------------------------------------------------------------------------- money

class Money:
    """How one article writes sums of money: one currency, one style."""

    def __init__(self, rng: random.Random, catalogue: Catalogue, state: dict, config: dict):
        iso = state["iso3166"]
        local = [c for code, c in catalogue.currencies.items()
                 if code[:2] == iso and (c.get("symbols") or c.get("names"))]
        if local:
            record = local[0]
            keep = ("plain", "default")         # forms that mean this currency in its state
        else:
            record = catalogue.currencies[rng.choice(config["fallback_currencies"])]
            keep = ("plain",)                   # away from home only the unambiguous forms
        self.code = record["code"]
        symbols = [s for s, flag in self._entries(record.get("symbols"), "symbol") if flag in keep]
        names = [n for n, flag in self._entries(record.get("names"), "name") if flag in keep]
        names = [n for n in names if n + "s" not in names] or names   # plurals: "dollars"
        styles = [("code", self.code)] + [("symbol", s) for s in symbols] + \
                 [("name", n) for n in names]
        self.style, self.form = rng.choice(styles)
        self.short_scale = rng.random() < 0.4   # "£3.5m" rather than "£3.5 million"

    @staticmethod
    def _entries(values, key):
        for value in values or ():
            if isinstance(value, dict):
                flag = "default" if value.get("default") else "ambiguous"
                yield str(value[key]), flag
            else:
                yield str(value), "plain"

    def __call__(self, value: float) -> str:
        if value >= 1_000_000:
            millions = value / 1_000_000
            number = f"{millions:.1f}".rstrip("0").rstrip(".") if millions < 10 else \
                f"{round(millions):,}"
            glued = self.style == "symbol" and self.short_scale
            number += "m" if glued else " million"
        else:
            number = _number(int(round(value, -2 if value >= 1000 else 0)))
        if self.style == "code":
            return f"{self.code} {number}"
        if self.style == "symbol":
            space = " " if self.form[-1:].isalpha() and len(self.form) > 1 else ""
            return f"{self.form}{space}{number}"
        return f"{number} {self.form}"


# --------------------------------------------------------------------------- one story

class Story:
    """The slots of one article, drawn from its own random generator."""

    def __init__(self, rng: random.Random, cat: Catalogue, tpl: Templates):
        self.rng, self.cat, self.tpl = rng, cat, tpl
        words, para = tpl.words, tpl.paragraphs
        config = para["gazetteer"]
        self.config = config
        r = rng
        s: dict[str, object] = {}

        # the state, its people and its bodies
        state = r.choices(cat.states, cat.state_weights)[0]
        self.state = state
        definite = para["definite_country_words"]
        s["country"] = _definite(state["name"], definite)
        s["country_slug"] = state["id"]
        s["demonym"] = state["demonyms"][0]
        s["cnoun"] = next((n for n in state.get("nouns") or () if n in config["state_nouns"]),
                          "country")
        self.city = str(state["metonyms"][0]) if state.get("metonyms") else ""
        s["base"] = self.city or s["country"]
        others = [e for e in cat.states if e is not state]
        s["origin"] = _definite(r.choice(others)["name"], definite)

        # dates: the report year, then a publication date after its release
        year = r.randint(2012, 2024)
        if r.random() < 0.6:
            date = dt.date(year, r.randint(7, 12), r.randint(1, 28))
        else:
            date = dt.date(year + 1, r.randint(1, 5), r.randint(1, 28))
        self.date = date
        s.update(year=year, year_prev=year - 1, year_prev2=year - 2, year_next=date.year + 1,
                 weekday=WEEKDAYS[date.weekday()], release_month="June")
        month_a = r.randint(1, 8)
        s["month_a"], s["month_b"] = MONTHS[month_a - 1], MONTHS[r.randint(month_a + 2, 12) - 1]

        # the rating series, its publisher and the tiers
        s["tip"] = r.choice(_forms(cat.rating_series))
        s["tip_pub"] = r.choice(_forms(cat.rating_publisher))
        self.movement, tiers = self._tiers()
        with_article = config["tiers_with_article"]
        for key, tier in zip(("tier", "prev_tier", "old_tier"), tiers):
            s[key] = tier["name"]
            s["the_" + key] = ("the " if tier["id"] in with_article else "") + tier["name"]
        s["ordinal"] = self.ordinal

        # people
        s.update(self._person("ngo", r.choice(words["ngo_roles"])))
        s.update(self._person("ngo2", r.choice(words["ngo_roles"])))
        s.update(self._person("official", ""))
        s.update(self._person("un", r.choice(words["un_roles"])))
        s.update(self._person("researcher", r.choice(words["researcher_roles"])))
        s["official"] = s.pop("official_person")
        s["researcher"] = s.pop("researcher_person")
        s["surv_she"] = r.choice(("she", "he"))

        # organisations: two invented NGOs, a real one, a UN agency, state bodies
        ngo_names = self._ngo_names(2)
        for key, (name, noun) in zip(("ngo", "ngo2"), ngo_names):
            s[key], s[key + "_noun"] = name, noun
        s["ngo_kind"] = r.choice(words["ngo_kinds"])
        s["ngo_founded"] = r.randint(2005, year - 2)
        s["real_ngo"] = r.choice(cat.civil_society)["name"]
        un = r.choice(cat.un_bodies)
        s["un"], s["un_name"] = r.choice(_forms(un, min_words=3)), un["name"]
        bodies = cat.bodies.get(state["id"], [])
        if bodies and r.random() < 0.6:
            body = r.choice(bodies)
            s["ministry"] = body["name"]
            s["ministry_noun"] = next(n for n in body["nouns"] if n in config["body_nouns"])
        else:
            ministry = r.choice(words["ministries"])
            s["ministry"], s["ministry_noun"] = ministry["name"], ministry["noun"]
        s["official_role"] = r.choice(words["official_roles"]).format(ministry=s["ministry"])
        s["committee"] = r.choice(words["committees"])

        # the story's subject
        theme = r.choice(words["themes"])
        s.update({k: v for k, v in theme.items() if k != "key"})
        self.theme = theme["key"]
        s["age"] = r.choice(words["ages"])

        # laws and a bill
        statutes = cat.statutes.get(state["id"], [])
        s["law_year"] = r.randint(1995, year - 3)
        if statutes and r.random() < 0.5:
            s["law"] = r.choice(statutes)["name"]
        else:
            s["law"] = f"{r.choice(words['law_names'])} {s['law_year']}"
        s["law2_year"] = r.randint(s["law_year"] + 1, year - 1)
        s["law2"] = f"{r.choice(words['labour_law_names'])} {s['law2_year']}"
        s["bill"] = r.choice(words["bill_names"])
        s["art"] = r.choice(words["constitution_articles"])
        s["prison"] = r.choice((10, 12, 15, 20, 25))

        # instruments: two ratified, one not
        eligible = [e for e in cat.instruments if self._adopted(e) < year - 1]
        chosen = r.sample(eligible, 3)
        for n, inst in enumerate(chosen, 1):
            s[f"instr{n}"] = r.choice(_forms(inst))
            s[f"instr{n}_year"] = r.randint(self._adopted(inst) + 1, year - 1)
        sup = chosen[0].get("supplements")
        s["supplements"] = (f", which supplements the {r.choice(_forms(cat.by_id[sup]))}"
                            if sup else "")

        # an independent estimate
        series, publisher = r.choice(cat.estimates)
        s["est_report"], s["est_pub"] = series["name"], _org_the(publisher["name"])
        s["est_year"] = r.randint(year - 3, year - 1)
        s["est_rate"] = f"{r.randint(2, 12)}.{r.randint(0, 9)}"

        # counts and percentages
        victims = r.randint(120, 9500)
        s.update(
            victims=_number(victims), victims_prev=_number(int(victims * r.uniform(0.6, 1.3))),
            convictions=r.randint(4, 240), prosecutions=_number(r.randint(250, 1400)),
            investigations=_number(r.randint(300, 2500)), surveyed=r.randint(120, 900),
            pct=r.randint(18, 74), pct2=r.randint(2, 19), pct3=r.randint(30, 80),
            calls=_number(r.randint(900, 14000)), cases=r.randint(80, 900),
            rescued=_number(r.randint(60, 1900)), beds=r.randint(40, 600),
            inspections=_number(r.randint(2000, 60000)), referrals=r.randint(12, 400),
            withheld=f"{r.randint(20, 300)} of them", months_unpaid=r.choice(("three", "five",
                                                                                 "seven", "nine")),
            defendants=r.choice(("four", "five", "six", "seven", "nine", "eleven")),
            victims_case=r.randint(14, 160), min_years=r.randint(3, 6),
            max_years=r.randint(8, 18), est_people=_number(r.randint(20, 900) * 1000))
        s["cases_prev"] = max(10, int(s["cases"] * r.uniform(0.5, 0.95)))

        # money
        money = Money(r, cat, state, config)
        budget = r.uniform(1.5, 900) * 1_000_000
        s["budget"] = money(budget)
        s["budget_prev"] = money(budget * r.uniform(0.55, 0.95))
        s["fee"] = money(r.randint(5, 200) * 100)
        s["fee_cap"] = money(r.randint(2, 40) * 100)
        s["fine"] = money(r.choice((50_000, 100_000, 250_000, 500_000, 1_000_000, 2_000_000)))
        s["compensation"] = money(r.randint(20, 3000) * 1000)
        fy_style = r.choice(words["fiscal_styles"])
        fy = year if date.year == year else date.year
        s["fy"] = fy_style.format(y=fy, yy=str(fy + 1)[2:])
        s["fy_prev"] = fy_style.format(y=fy - 1, yy=str(fy)[2:])

        # publication
        publisher = r.choice(words["publishers"])
        s["publisher"], self.host = publisher["name"], publisher["host"]
        s["author"] = self._name()[0]
        s["role"] = r.choice(words["reporter_roles"])
        s["date_text"] = f"{date.day} {MONTHS[date.month - 1]} {date.year}"
        s["date_iso"] = date.isoformat()

        # pools that use the slots above
        self.slots = s
        fill = self.fill
        s["purpose"] = fill(r.choice(para["purposes"]))
        s["survey_finding"] = r.choice(para["survey_findings"])
        s["dismissal"] = r.choice(para["dismissals"])
        s["bill_clause"] = fill(r.choice(para["bill_clauses"]))
        s["demand"] = fill(r.choice(para["demands"]))
        for n, clause in enumerate(r.sample(para["clauses"]["concern"], 4), 1):
            s["c_concern" + ("" if n == 1 else str(n))] = fill(clause)
        s["c_gov"] = fill(r.choice(para["clauses"]["gov"]))
        s["c_denial"] = fill(r.choice(para["clauses"]["denial"]))
        for pool, key in (("ngo", "ngo"), ("gov", "gov"), ("un", "un"), ("survivor", "surv"),
                          ("researcher", "res")):
            sentences = para["quotes"][pool]
            for n, sentence in enumerate(r.sample(sentences, min(len(sentences), 6)), 1):
                text = fill(sentence)
                s[f"q_{key}{n}"] = text
                s[f"q_{key}{n}c"] = text[:-1] + "," if text.endswith(".") else text
        for key, value in list(s.items()):
            if isinstance(value, str) and _cap(key) not in s:
                s[_cap(key)] = _cap(value)

    # -- helpers
    def fill(self, template: str) -> str:
        return template.format_map(self.slots)

    def _name(self) -> tuple[str, str, str]:
        r, words = self.rng, self.tpl.words
        pronoun = r.choice(("she", "he"))
        given = r.choice(words["given_names"][pronoun])
        family = r.choice(words["family_names"])
        honorific = r.choice(words["honorifics"])
        return f"{honorific}{given} {family}", f"{honorific}{family}", pronoun

    def _person(self, key: str, role: str) -> dict:
        full, last, pronoun = self._name()
        return {f"{key}_person": full, f"{key}_last": last, f"{key}_role": role,
                f"{key}_she": pronoun, f"{key}_She": _cap(pronoun),
                f"{key}_her": "her" if pronoun == "she" else "his"}

    def _ngo_names(self, count: int) -> list[tuple[str, str]]:
        r, words = self.rng, self.tpl.words
        names: list[tuple[str, str]] = []
        while len(names) < count:
            first, second = r.choice(words["ngo_first"]), r.choice(words["ngo_second"])
            head = r.choice(words["ngo_heads"])
            name = f"{first} {second} {head['head']}"
            if second not in first and all(name != n for n, _ in names):
                names.append((name, head["noun"]))
        return names

    def _tiers(self):
        """The movement and three tiers: this edition's, the previous one's and the one before."""
        r, tiers = self.rng, self.cat.tiers
        last = len(tiers) - 1
        movement = r.choice(("same", "same", "up", "down"))
        if movement == "up":
            i = r.randint(0, last - 1)
            prev = i + 1
            old = r.randint(prev, last)
        elif movement == "down":
            i = r.randint(1, last)
            prev = i - 1
            old = r.randint(max(0, prev - 1), prev)
        else:
            i = r.choice((1, 1, 2, 0, 3)) if last >= 3 else r.randint(0, last)
            prev = i
            old = r.choice([j for j in (i - 1, i + 1) if 0 <= j <= last] + [i])
        self.ordinal = ORDINALS[0] if old != i else r.choice(ORDINALS[1:])
        return movement, (tiers[i], tiers[prev], tiers[old])

    @staticmethod
    def _adopted(instrument: dict) -> int:
        for key in ("adopted", "in_force"):
            value = instrument.get(key)
            if value:
                return int(str(value)[:4])
        return 1990


# --------------------------------------------------------------------------- composing

@dataclass
class Draft:
    """An article before layout: plain strings with straight double quotes."""

    headline: str
    standfirst: str
    sections: list[tuple[str, str]]      # (section key, paragraph)
    sources: list[str]


def compose(story: Story) -> Draft:
    """Choose and fill the paragraphs; keep 7-15 of them and the text within 2,500-6,000."""
    r, para = story.rng, story.tpl.paragraphs
    sections = para["sections"]
    required = para["required"]
    optional = [k for k in para["order"] if k not in required]
    filled: dict[str, str] = {}
    for key in para["order"]:
        choices = sections[key]
        if isinstance(choices, dict):          # ratings: by movement
            choices = choices[story.movement]
        filled[key] = story.fill(r.choice(choices))
    target = r.randint(len(required), MAX_PARAGRAPHS)
    extra = r.sample(optional, min(len(optional), target - len(required)))
    chosen = set(required) | set(extra)
    unused = [k for k in optional if k not in chosen]
    r.shuffle(unused)

    headline = _title(story.fill(r.choice(para["headlines"])))
    standfirst = story.fill(r.choice(para["standfirsts"]))
    sources = _sources(story)
    fixed = len(headline) * 2 + len(standfirst) + 120 + sum(len(x) + 2 for x in sources)

    def size():
        return fixed + sum(len(filled[k]) + 2 for k in chosen)

    while size() < MIN_CHARS + 150 and unused and len(chosen) < MAX_PARAGRAPHS:
        chosen.add(unused.pop())
    removable = [k for k in optional if k in chosen]
    r.shuffle(removable)
    while size() > MAX_CHARS - 250 and removable:
        chosen.discard(removable.pop())
    ordered = [(k, filled[k]) for k in para["order"] if k in chosen]
    return Draft(headline, standfirst, ordered, sources)


def _sources(story: Story) -> list[str]:
    r, s, words = story.rng, story.slots, story.tpl.words
    day = story.date - dt.timedelta(days=r.randint(1, 20))
    ngo_title = story.fill(r.choice(words["ngo_report_titles"]))
    un_title = story.fill(r.choice(words["un_titles"]))
    publisher = story.cat.rating_publisher["name"]
    entries = [
        f"{s['ngo']}. ({day.year}, {MONTHS[day.month - 1]} {day.day}). {ngo_title}. "
        f"https://example.org/{_slug(s['ngo'])}/{_slug(ngo_title)[:48]}",
        f"{publisher}. ({s['year']}). {s['year']} {story.cat.rating_series['name']}: "
        f"{story.state['name']}. https://example.org/state/{s['year']}-tip-report/"
        f"{s['country_slug']}",
    ]
    if r.random() < 0.6:
        entries.append(f"{s['un_name']}, \"{un_title}\", {day.day} {MONTHS[day.month - 1]} "
                       f"{day.year}, https://example.org/{_slug(s['un_name'])[:40]}/"
                       f"{_slug(un_title)[:40]}")
    return entries


# --------------------------------------------------------------------------- layout

def _curly(text: str) -> str:
    """Straight double quotes to curly ones, opening and closing in turn."""
    out, opening = [], True
    for ch in text:
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


def _dateline(story: Story, style: str) -> str:
    if not story.city or style == "none":
        return ""
    city = story.city.upper()
    if style == "city_date":
        return f"{city}, {story.slots['date_text']} — "
    return f"{city} — "


def render(story: Story, draft: Draft, fmt: str) -> str:
    """The file text of the article in ``fmt`` (txt, md or html)."""
    r, s = story.rng, story.slots
    layout = r.choice(story.tpl.layouts[fmt])
    curly = fmt != "txt" or r.random() < 0.3
    quote = _curly if curly else (lambda t: t)
    paragraphs = [quote(p) for _, p in draft.sections]
    paragraphs[0] = _dateline(story, layout["dateline"]) + paragraphs[0]
    subheads = story.tpl.paragraphs["subheads"]
    heads: dict[int, str] = {}
    if fmt != "txt":
        for n, (key, _) in enumerate(draft.sections):
            if n > 1 and key in subheads and r.random() < 0.5 and len(heads) < 4:
                heads[n] = story.fill(r.choice(subheads[key]))
    values = dict(
        headline=draft.headline, standfirst=quote(draft.standfirst), author=s["author"],
        role=s["role"], publisher=s["publisher"], date_text=s["date_text"],
        date_iso=s["date_iso"], weekday=s["weekday"], year=story.date.year,
        sources_heading=layout["sources_heading"], url=article_url(story, draft),
        author_slug=_slug(s["author"]))
    if fmt == "html":
        esc = {k: html.escape(str(v), quote=True) for k, v in values.items()}
        body = []
        for n, p in enumerate(paragraphs):
            if n in heads:
                body.append(f"        <h2>{html.escape(heads[n])}</h2>")
            body.append(f"        <p>{html.escape(p, quote=False)}</p>")
        sources = [f"          <li>{html.escape(quote(e), quote=False)}</li>"
                   for e in draft.sources]
        esc.update(body="\n".join(body), sources="\n".join(sources))
        return string.Template(story.tpl.page).substitute(esc)
    blocks = []
    for n, p in enumerate(paragraphs):
        if n in heads:
            blocks.append(f"## {heads[n]}")
        blocks.append(p)
    values["body"] = "\n\n".join(blocks)
    values["sources"] = _source_block(layout["sources"], [quote(e) for e in draft.sources])
    return string.Template(layout["page"]).substitute(values)


def _source_block(style: str, entries: list[str]) -> str:
    if style == "numbered":
        return "\n".join(f"[{n}] {e}" for n, e in enumerate(entries, 1))
    if style == "numbered_md":
        return "\n".join(f"{n}. {e}" for n, e in enumerate(entries, 1))
    if style == "bullets":
        return "\n".join(f"- {e}" for e in entries)
    return "\n\n".join(entries)


def article_url(story: Story, draft: Draft) -> str:
    d = story.date
    return (f"https://example.org/{story.host}/{d.year}/{d.month:02d}/{d.day:02d}/"
            f"{_slug(draft.headline)[:60].strip('-')}")


def plain_text(draft: Draft) -> str:
    """The article as plain text (what the length limits apply to)."""
    return "\n\n".join([draft.headline, draft.standfirst] + [p for _, p in draft.sections]
                       + draft.sources)


# --------------------------------------------------------------------------- the corpus

class Generator:
    """Reads the templates and the gazetteer once; makes article ``i`` of a seed on demand."""

    def __init__(self, seed: int, templates: Path = TEMPLATES, data: Path = DATA):
        self.seed = seed
        self.tpl = load_templates(templates)
        self.cat = load_catalogue(data, self.tpl.paragraphs["gazetteer"])

    def article(self, index: int) -> tuple[str, str, str, dict, Draft]:
        """(file stem, format, file text, sidecar metadata, draft) of article ``index``."""
        rng = random.Random(f"tipgraph-bench:{self.seed}:{index}")
        story = Story(rng, self.cat, self.tpl)
        draft = compose(story)
        fmt = rng.choice(FORMATS)
        text = render(story, draft, fmt)
        s = story.slots
        stem = f"{index:05d}_{s['country_slug']}_{story.theme}"
        meta = {
            "title": draft.headline,
            "publisher": s["publisher"],
            "url": article_url(story, draft),
            "date": s["date_iso"],
            "language": "en",
            "author": s["author"],
            "note": (f"Generated by benchmarks/generate.py (seed {self.seed}) from the team's "
                     "templates for benchmarking; not a real news article. Organisations, "
                     "people, figures and quotations are invented."),
        }
        return stem, fmt, text, meta, draft


def write_corpus(count: int, seed: int, out: Path, start: int = 0) -> list[Path]:
    """Write articles ``start .. start+count-1`` and their sidecars; return the article paths."""
    gen = Generator(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(start, start + count):
        stem, fmt, text, meta, _ = gen.article(index)
        path = out / f"{stem}.{fmt}"
        path.write_text(text, encoding="utf-8", newline="\n")
        sidecar = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=4096)
        (out / f"{stem}.meta.yaml").write_text(sidecar, encoding="utf-8", newline="\n")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", "-n", type=int, required=True, help="how many articles")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--start", type=int, default=0, help="index of the first article")
    parser.add_argument("-o", "--output", type=Path, required=True, help="folder to write")
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    started = time.perf_counter()
    paths = write_corpus(args.articles, args.seed, args.output, args.start)
    if not args.quiet:
        took = time.perf_counter() - started
        print(f"wrote {len(paths)} articles (+ sidecars) to {args.output} in {took:.1f} s",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
