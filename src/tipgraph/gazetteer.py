"""Known entities: the gazetteer under ``data/entities/`` and the lexicon under ``data/lexicon/``.

The gazetteer is knowledge of particular entities (names, aliases, kinds, identifiers); the
lexicon is knowledge of language (reporting verbs, head nouns, role nouns). Both are YAML that a
researcher can extend without touching code; see ``data/entities/README.md``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import DataFileError
from .resources import project_file

__all__ = ["Entity", "Gazetteer", "load_gazetteer", "load_lexicon", "slugify", "KIND_PATHS",
           "ACTOR_KINDS", "LAW_KINDS", "INSTRUMENT_KINDS", "REPORT_KINDS"]

ACTOR_KINDS = ("State", "GovernmentBody", "InternationalOrganisation", "CivilSocietyOrganisation",
               "MediaOrganisation", "Business", "Person", "AffectedGroup", "ActorGroup")
LAW_KINDS = ("Statute", "Constitution", "ConstitutionalProvision", "Bill")
INSTRUMENT_KINDS = ("Treaty", "Protocol", "Declaration")
REPORT_KINDS = ("ReportSeries", "Report")
TIER_KINDS = ("Tier",)
KIND_PATHS = {**{k: "actor" for k in ACTOR_KINDS}, **{k: "law" for k in LAW_KINDS},
              **{k: "instrument" for k in INSTRUMENT_KINDS}, "ReportSeries": "series",
              "Report": "report", "Tier": "tier"}


def slugify(text: str) -> str:
    """Lower-case ASCII slug: accents folded, anything else to single hyphens."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    folded = folded.replace("&", " and ").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "unnamed"


@dataclass
class Entity:
    """One gazetteer entry."""

    id: str
    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    nouns: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    case_sensitive: bool = False
    data: dict = field(default_factory=dict)
    file: str = ""

    def get(self, key, default=None):
        return self.data.get(key, default)


class Gazetteer:
    """All known entities, by id, with the names they go by."""

    def __init__(self, entities: list[Entity], currencies: list[dict]):
        self.entities = {e.id: e for e in entities}
        self.currencies = currencies

    def __getitem__(self, key: str) -> Entity:
        return self.entities[key]

    def get(self, key: str | None) -> Entity | None:
        return self.entities.get(key) if key else None

    def __iter__(self):
        return iter(self.entities.values())

    def find(self, name: str, *kinds: str) -> Entity | None:
        """The entity whose name or an alias is ``name`` (case-insensitive), if one is known."""
        if not hasattr(self, "_names"):
            index: dict[str, list[Entity]] = {}
            for entity in self.entities.values():
                for label in dict.fromkeys([entity.name, *entity.aliases]):
                    index.setdefault(label.casefold(), []).append(entity)
            self._names = index
        for entity in self._names.get(name.strip().casefold(), []):
            if not kinds or entity.kind in kinds:
                return entity
        return None

    def by_kind(self, *kinds: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind in kinds]

    @property
    def demonyms(self) -> dict[str, Entity]:
        return {d: e for e in self.entities.values() for d in e.demonyms}


def _load_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataFileError(f"malformed YAML: {getattr(exc, 'problem', exc)}", path,
                            mark.line + 1 if mark else None) from None
    except UnicodeDecodeError:
        raise DataFileError("not UTF-8 text", path) from None


def _strings(value, path: Path, key: str, ident: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise DataFileError(f"entity '{ident}': '{key}' must be a list of strings", path)
    return tuple(str(v) for v in value)


@lru_cache(maxsize=8)
def load_gazetteer(folder: str | None = None) -> Gazetteer:
    """Read every ``*.yaml`` file of the entities folder (``data/entities`` by default)."""
    root = Path(folder) if folder else project_file("data/entities")
    entities: list[Entity] = []
    currencies: list[dict] = []
    seen: dict[str, Path] = {}
    for path in sorted(root.glob("*.yaml")):
        records = _load_yaml(path) or []
        if not isinstance(records, list):
            raise DataFileError("expected a list of entries", path)
        for number, record in enumerate(records, 1):
            if not isinstance(record, dict):
                raise DataFileError(f"entry {number} is not a mapping", path)
            if "code" in record and "id" not in record:
                currencies.append(record)
                continue
            ident, kind, name = record.get("id"), record.get("kind"), record.get("name")
            if not ident or not kind or not name:
                raise DataFileError(f"entry {number} needs id, kind and name", path)
            ident = str(ident)
            if kind not in KIND_PATHS:
                raise DataFileError(f"entity '{ident}': unknown kind '{kind}'; known kinds: "
                                    f"{', '.join(sorted(KIND_PATHS))}", path)
            if ident in seen:
                raise DataFileError(f"duplicate id '{ident}' (also in {seen[ident].name})", path)
            seen[ident] = path
            entities.append(Entity(
                id=ident, kind=kind, name=str(name),
                aliases=_strings(record.get("aliases"), path, "aliases", ident),
                nouns=_strings(record.get("nouns"), path, "nouns", ident),
                demonyms=_strings(record.get("demonyms"), path, "demonyms", ident),
                case_sensitive=bool(record.get("case_sensitive", False)),
                data=record, file=path.name))
    return Gazetteer(entities, currencies)


@lru_cache(maxsize=8)
def load_lexicon(folder: str | None = None) -> dict:
    """Read ``data/lexicon/*.yaml`` into one dict keyed by file stem."""
    root = Path(folder) if folder else project_file("data/lexicon")
    lexicon = {}
    for path in sorted(root.glob("*.yaml")):
        data = _load_yaml(path)
        if not isinstance(data, dict):
            raise DataFileError("expected a mapping", path)
        _check_strings(data, path)
        lexicon[path.stem] = data
    return lexicon


def _check_strings(value, path: Path, where: str = "") -> None:
    """Every word in a lexicon must be a string: YAML reads bare on/no/yes as booleans."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_strings(item, path, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (bool, int, float)) or item is None:
                raise DataFileError(f"'{where}' holds {item!r}, not a word; quote it in the "
                                    f"YAML (bare on, off, yes and no are read as booleans)", path)
            _check_strings(item, path, where)
