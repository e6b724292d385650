"""Checks of the gazetteer data files under data/entities/ (see data/entities/README.md).

These tests read the YAML files directly; they need only PyYAML. The two tests that compare the
generated files with their generator scripts also need pycountry and are skipped without it.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parents[1] / "data" / "entities"
CURRENCIES = DATA / "currencies.yaml"
ENTITY_FILES = sorted(p for p in DATA.glob("*.yaml") if p != CURRENCIES)

ACTOR_KINDS = {
    "State", "GovernmentBody", "InternationalOrganisation", "CivilSocietyOrganisation",
    "MediaOrganisation", "Business", "Person", "AffectedGroup",
}
LAW_KINDS = {"Statute", "Constitution", "ConstitutionalProvision", "Bill"}
REPORT_KINDS = {"ReportSeries", "Report"}
INSTRUMENT_KINDS = {"Treaty", "Protocol", "Declaration"}
KINDS = ACTOR_KINDS | LAW_KINDS | REPORT_KINDS | INSTRUMENT_KINDS
TIER_KIND = "Tier"  # SKOS concepts, only in tiers.yaml

LIST_FIELDS = {"aliases", "generic_aliases", "metonyms", "nouns", "demonyms", "ambiguous"}
DATE_FIELDS = {"date_enacted", "in_force", "adopted", "date_published"}
# reference field -> kinds the referenced entity may have
REF_FIELDS = {
    "part_of": ACTOR_KINDS | LAW_KINDS,
    "jurisdiction": ACTOR_KINDS,
    "enacted_by": ACTOR_KINDS,
    "enacted_under": LAW_KINDS,
    "publisher": ACTOR_KINDS,
    "series": {"ReportSeries"},
    "supplements": INSTRUMENT_KINDS,
}
SCALAR_FIELDS = {
    "id", "kind", "name", "case_sensitive", "year", "iso3166", "iso3166_alpha3",
    "scheme", "rank", "definition",
}
ALLOWED_FIELDS = SCALAR_FIELDS | LIST_FIELDS | DATE_FIELDS | set(REF_FIELDS)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


# ------------------------------------------------------------------------------ loading
def load(path: Path):
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def entities() -> list[tuple[str, dict]]:
    """(file name, entity) for every entity in every entity file."""
    out = []
    for path in ENTITY_FILES:
        for item in load(path):
            out.append((path.name, item))
    return out


@pytest.fixture(scope="module")
def by_id(entities) -> dict[str, dict]:
    return {e["id"]: e for _, e in entities}


def test_expected_files_exist():
    names = {p.name for p in DATA.glob("*.yaml")}
    for expected in ("states.yaml", "organisations.yaml", "laws.yaml", "reports.yaml",
                     "instruments.yaml", "tiers.yaml", "currencies.yaml"):
        assert expected in names, f"missing data/entities/{expected}"


@pytest.mark.parametrize("path", sorted(DATA.glob("*.yaml")), ids=lambda p: p.name)
def test_file_parses_as_list_of_mappings_with_source(path):
    data = load(path)
    assert isinstance(data, list) and data, f"{path.name}: not a non-empty YAML list"
    for i, item in enumerate(data):
        assert isinstance(item, dict), f"{path.name}: item {i} is not a mapping"
    header = path.read_text(encoding="utf-8").split("\n- ", 1)[0]
    assert "source:" in header, f"{path.name}: header comment has no 'source:' line"


# ------------------------------------------------------------------------------ fields
def test_required_fields_and_known_fields_only(entities):
    for fname, e in entities:
        where = f"{fname}: {e.get('id', e)}"
        for field in ("id", "kind", "name"):
            assert isinstance(e.get(field), str) and e[field].strip(), f"{where}: no {field}"
        unknown = set(e) - ALLOWED_FIELDS
        assert not unknown, f"{where}: unknown fields {sorted(unknown)}"


def test_ids_are_slugs_and_unique_across_all_files(entities):
    seen: dict[str, str] = {}
    for fname, e in entities:
        assert SLUG.match(e["id"]), f"{fname}: id {e['id']!r} is not a slug"
        assert e["id"] not in seen, f"id {e['id']!r} in both {seen[e['id']]} and {fname}"
        seen[e["id"]] = fname


def test_kinds_are_allowed(entities):
    for fname, e in entities:
        if fname == "tiers.yaml":
            assert e["kind"] == TIER_KIND, f"{fname}: {e['id']} kind {e['kind']!r}"
        else:
            assert e["kind"] in KINDS, f"{fname}: {e['id']} has unknown kind {e['kind']!r}"


def test_list_fields_are_lists_of_clean_unique_strings(entities):
    for fname, e in entities:
        for field in LIST_FIELDS & set(e):
            values = e[field]
            where = f"{fname}: {e['id']}.{field}"
            assert isinstance(values, list) and values, f"{where}: not a non-empty list"
            for v in values:
                assert isinstance(v, str) and v and v == v.strip(), f"{where}: bad item {v!r}"
                # an unquoted comma inside a [flow, list] splits a name in two
                assert v.count("(") == v.count(")"), f"{where}: unbalanced brackets in {v!r}"
            assert len(values) == len(set(values)), f"{where}: duplicate items"
        if "aliases" in e:
            assert e["name"] not in e["aliases"], f"{fname}: {e['id']} lists its name as alias"


def test_flags_and_scalars_have_the_right_types(entities):
    for fname, e in entities:
        where = f"{fname}: {e['id']}"
        if "case_sensitive" in e:
            assert isinstance(e["case_sensitive"], bool), f"{where}: case_sensitive not bool"
        if "year" in e:
            assert isinstance(e["year"], int) and 1800 <= e["year"] <= 2100, f"{where}: year"
        if "rank" in e:
            assert isinstance(e["rank"], int), f"{where}: rank not int"
        for field in ("definition", "scheme"):
            if field in e:
                assert isinstance(e[field], str) and e[field].strip(), f"{where}: {field}"
        if "demonyms" in e:
            assert e["kind"] == "State", f"{where}: demonyms only for states"


# ------------------------------------------------------------------------------ references
def test_references_resolve_to_existing_ids_of_the_right_kind(entities, by_id):
    for fname, e in entities:
        for field, kinds in REF_FIELDS.items():
            if field not in e:
                continue
            target = e[field]
            where = f"{fname}: {e['id']}.{field} -> {target!r}"
            assert isinstance(target, str), f"{where}: not an id"
            assert target in by_id, f"{where}: no entity with that id"
            assert target != e["id"], f"{where}: refers to itself"
            assert by_id[target]["kind"] in kinds, (
                f"{where}: target kind {by_id[target]['kind']} not one of {sorted(kinds)}")


def test_part_of_has_no_cycles(by_id):
    for start in by_id:
        seen, node = set(), start
        while node in by_id and "part_of" in by_id[node]:
            assert node not in seen, f"part_of cycle through {start}"
            seen.add(node)
            node = by_id[node]["part_of"]


def test_specific_reference_rules(entities, by_id):
    for fname, e in entities:
        kind = e["kind"]
        if kind == "ConstitutionalProvision":
            assert by_id[e["part_of"]]["kind"] == "Constitution", f"{e['id']}: part_of"
        if kind == "Report":
            assert "series" in e and "year" in e, f"{e['id']}: a Report needs series and year"
        if "supplements" in e:
            assert kind == "Protocol" or kind == "Treaty", f"{e['id']}: supplements"
        if kind in LAW_KINDS:
            assert "jurisdiction" in e or "part_of" in e, f"{e['id']}: law without jurisdiction"
        if kind == "ReportSeries":
            assert "publisher" in e, f"{e['id']}: series without publisher"
        if "generic_aliases" in e:
            assert {"part_of", "jurisdiction", "publisher"} & set(e), (
                f"{fname}: {e['id']} has generic_aliases but no part_of/jurisdiction/publisher "
                "to give them context")


# ------------------------------------------------------------------------------ external ids
def test_iso3166_codes(entities):
    alpha2, alpha3 = set(), set()
    for fname, e in entities:
        if "iso3166" in e or "iso3166_alpha3" in e:
            assert e["kind"] == "State", f"{e['id']}: ISO 3166 code on a non-state"
            assert re.fullmatch(r"[A-Z]{2}", e["iso3166"]), f"{e['id']}: iso3166"
            assert re.fullmatch(r"[A-Z]{3}", e["iso3166_alpha3"]), f"{e['id']}: iso3166_alpha3"
            assert e["iso3166"] not in alpha2, f"duplicate iso3166 {e['iso3166']}"
            assert e["iso3166_alpha3"] not in alpha3, f"duplicate alpha-3 {e['iso3166_alpha3']}"
            alpha2.add(e["iso3166"])
            alpha3.add(e["iso3166_alpha3"])
    assert len(alpha2) >= 249, "states.yaml should hold every ISO 3166-1 entry"


# ------------------------------------------------------------------------------ dates
def parse_date(value, where) -> dt.date | None:
    """Full ISO dates become dates; years and year-months are checked and give None."""
    if isinstance(value, dt.date):
        return value
    assert isinstance(value, str) and ISO_DATE.match(value), f"{where}: {value!r} not ISO"
    if len(value) == 10:
        return dt.date.fromisoformat(value)
    if len(value) == 7:
        dt.date.fromisoformat(value + "-01")
    return None


def test_dates_are_iso_and_in_order(entities):
    for fname, e in entities:
        dates = {f: parse_date(e[f], f"{fname}: {e['id']}.{f}") for f in DATE_FIELDS & set(e)}
        start = dates.get("adopted") or dates.get("date_enacted")
        if start and dates.get("in_force"):
            assert start <= dates["in_force"], f"{e['id']}: in force before it was made"
        for f, d in dates.items():
            if d:
                assert dt.date(1800, 1, 1) <= d <= dt.date.today(), f"{e['id']}.{f}: {d}"


# ------------------------------------------------------------------------------ aliases
def surface_forms(e: dict) -> list[str]:
    """Forms a matcher always looks for: the name, aliases, demonyms, metonyms."""
    return [e["name"]] + e.get("aliases", []) + e.get("demonyms", []) + e.get("metonyms", [])


def exact(e: dict, form: str) -> bool:
    """Matched exactly as written: case_sensitive entities and single-token forms."""
    return bool(e.get("case_sensitive")) or len(form.split()) == 1


def clash(e1: dict, f1: str, e2: dict, f2: str) -> bool:
    if f1.casefold() != f2.casefold():
        return False
    if exact(e1, f1) and exact(e2, f2):
        return f1 == f2
    return True


def find_collisions(entities, include_generic: bool):
    forms = defaultdict(list)  # casefolded form -> [(entity, form, generic?)]
    for _, e in entities:
        for f in surface_forms(e):
            forms[f.casefold()].append((e, f, False))
        if include_generic:
            for f in e.get("generic_aliases", []):
                forms[f.casefold()].append((e, f, True))
    problems = []
    for key, occ in forms.items():
        for i, (e1, f1, g1) in enumerate(occ):
            for e2, f2, g2 in occ[i + 1:]:
                if e1["id"] == e2["id"] or (g1 and g2):
                    continue  # generic aliases may be shared: context decides
                if not clash(e1, f1, e2, f2):
                    continue
                if f1 in e1.get("ambiguous", []) and f2 in e2.get("ambiguous", []):
                    continue
                problems.append(f"{f1!r} ({e1['id']}) / {f2!r} ({e2['id']})")
    return problems


def test_no_alias_names_two_entities(entities):
    problems = find_collisions(entities, include_generic=True)
    assert not problems, "forms shared by two entities:\n" + "\n".join(problems)


def test_ambiguous_lists_name_real_forms(entities):
    for fname, e in entities:
        own = set(surface_forms(e)) | set(e.get("generic_aliases", []))
        for f in e.get("ambiguous", []):
            assert f in own, f"{fname}: {e['id']} declares {f!r} ambiguous but does not use it"


def test_generic_aliases_are_not_also_plain_aliases(entities):
    for fname, e in entities:
        overlap = set(e.get("generic_aliases", [])) & set(surface_forms(e))
        assert not overlap, f"{fname}: {e['id']} lists {sorted(overlap)} as plain and generic"


# ------------------------------------------------------------------------------ tiers
def test_tiers():
    tiers = load(DATA / "tiers.yaml")
    ids = {t["id"] for t in tiers}
    assert ids == {"tier-1", "tier-2", "tier-2-watch-list", "tier-3", "special-case"}
    for t in tiers:
        assert t["scheme"] == "tip-tiers"
        assert t.get("definition"), f"{t['id']}: no definition"
    ranks = {t["id"]: t.get("rank") for t in tiers}
    assert ranks == {"tier-1": 1, "tier-2": 2, "tier-2-watch-list": 3, "tier-3": 4,
                     "special-case": None}


# ------------------------------------------------------------------------------ currencies
def currency_forms(item: dict, field: str, key: str):
    for entry in item.get(field, []):
        if isinstance(entry, str):
            yield entry, None
        else:
            assert isinstance(entry, dict), f"{item['code']}.{field}: {entry!r}"
            flags = set(entry) - {key}
            assert key in entry and len(flags) == 1 and flags <= {"default", "ambiguous"}, (
                f"{item['code']}.{field}: {entry!r} must be {{{key}: ..., default|ambiguous: true}}")
            flag = flags.pop()
            assert entry[flag] is True, f"{item['code']}.{field}: {entry!r}"
            yield entry[key], flag


def test_currencies():
    items = load(CURRENCIES)
    codes = [c["code"] for c in items]
    assert len(codes) == len(set(codes)), "duplicate currency codes"
    assert len(codes) >= 150, "currencies.yaml should hold every ISO 4217 currency"
    for c in items:
        assert set(c) <= {"code", "name", "symbols", "names"}, f"{c['code']}: unknown fields"
        assert re.fullmatch(r"[A-Z]{3}", c["code"]), f"bad currency code {c['code']!r}"
        assert isinstance(c["name"], str) and c["name"], f"{c['code']}: no name"
    for field, key, fold in (("symbols", "symbol", False), ("names", "name", True)):
        seen = defaultdict(list)  # form -> [(code, flag)]
        for c in items:
            own = [f for f, _ in currency_forms(c, field, key)]
            assert len(own) == len(set(own)), f"{c['code']}.{field}: duplicates"
            for form, flag in currency_forms(c, field, key):
                assert form and form == form.strip(), f"{c['code']}.{field}: {form!r}"
                seen[form.casefold() if fold else form].append((c["code"], flag))
        for form, occ in seen.items():
            defaults = [code for code, flag in occ if flag == "default"]
            assert len(defaults) <= 1, f"{field} {form!r}: several defaults {defaults}"
            if len(occ) > 1:
                unflagged = [code for code, flag in occ if flag is None]
                assert not unflagged, (
                    f"{field} {form!r} is shared by {[c for c, _ in occ]} but not flagged "
                    f"in {unflagged}")


def test_key_currency_forms():
    items = {c["code"]: c for c in load(CURRENCIES)}

    def forms(code, field, key):
        return {f: flag for f, flag in currency_forms(items[code], field, key)}

    assert "HK$" in forms("HKD", "symbols", "symbol")
    assert forms("USD", "symbols", "symbol")["$"] == "default"
    assert forms("JPY", "symbols", "symbol")["¥"] == "default"
    assert "baht" in forms("THB", "names", "name")
    assert forms("PHP", "names", "name")["pesos"] == "ambiguous"


# ------------------------------------------------------------------------------ key facts
def test_key_entities(by_id):
    hk = by_id["hong-kong"]
    assert (hk["kind"], hk["part_of"], hk["iso3166"]) == ("State", "china", "HK")
    assert {"Hong Kong SAR", "HKSAR"} <= set(hk["aliases"])
    assert {"US", "U.S.", "USA"} <= set(by_id["united-states"]["aliases"])
    assert "Washington" in by_id["united-states"]["metonyms"]
    pp = by_id["palermo-protocol"]
    assert (pp["kind"], pp["supplements"]) == ("Protocol", "untoc")
    assert (pp["adopted"], pp["in_force"]) == ("2000-11-15", "2003-12-25")
    tip = by_id["2024-trafficking-in-persons-report"]
    assert (tip["series"], tip["year"], tip["date_published"]) == (
        "trafficking-in-persons-report", 2024, "2024-06-24")
    assert by_id["trafficking-in-persons-report"]["publisher"] == "us-department-of-state"
    snso = by_id["safeguarding-national-security-ordinance"]
    assert (snso["date_enacted"], snso["enacted_under"]) == (
        "2024-03-23", "hong-kong-basic-law-article-23")
    assert by_id["hong-kong-basic-law-article-23"]["part_of"] == "hong-kong-basic-law"
    assert by_id["greta"]["part_of"] == "council-of-europe"


# ------------------------------------------------------------------------------ generators
def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, DATA / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script,target", [("make_states", "states.yaml"),
                                           ("make_currencies", "currencies.yaml")])
def test_generated_files_are_up_to_date(script, target):
    pytest.importorskip("pycountry")
    module = _load_script(script)
    assert module.build() == load(DATA / target), (
        f"{target} differs from what {script}.py makes: rerun it")
