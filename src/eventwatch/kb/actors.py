"""The actor dictionary: named people, organisations and groups with dated roles.

Three layers, later ones overriding earlier ones: the Phoenix dictionaries
(``data/actors.json``, built by ``python -m eventwatch.kb.build_actors``), the project's
curated layer (``data/actors.yaml``) and any user files (same YAML format). An entry of a
later layer that shares a name or alias with an earlier entry replaces its roles.

Names match exactly after `countries.name_key` folding; `ActorKB.fuzzy` tolerates a typo in
one word ("Vladimir Putting", "Commonwealth of Independence States") by comparing only with
names that share the first or last word and have about the same length.
"""
from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import KnowledgeError
from .countries import is_acronym, name_key

DATA = Path(__file__).with_name("data")
PHOENIX = DATA / "actors.json"
CURATED = DATA / "actors.yaml"
FUZZY_MIN = 0.88


@dataclass(frozen=True)
class Role:
    country: str | None
    sector: str | None
    start: dt.date | None = None
    end: dt.date | None = None

    def holds_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass
class ActorEntry:
    id: str
    name: str
    type: str  # PERSON or ORG
    roles: tuple[Role, ...]
    aliases: tuple[str, ...] = ()
    source: str = "phoenix"

    def role_on(self, day: dt.date | None) -> Role | None:
        """The role held on ``day``; without a date, the current (open-ended) one."""
        if not self.roles:
            return None
        if day is not None:
            held = [r for r in self.roles if r.holds_on(day)]
            if held:
                # A dated role is more specific than a standing one.
                return max(held, key=lambda r: (r.start is not None or r.end is not None, r.start or dt.date.min))
            return None
        current = [r for r in self.roles if r.end is None]
        return (current or list(self.roles))[-1]


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise KnowledgeError(f"bad date {value!r} in the actor dictionary") from exc


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name_key(name)).strip("-")


def _entry(raw: dict, source: str, where: str) -> ActorEntry:
    try:
        name = raw["name"]
        roles = tuple(Role(r.get("country"), r.get("sector"), _date(r.get("start")), _date(r.get("end")))
                      for r in raw.get("roles") or [])
    except (KeyError, TypeError, AttributeError) as exc:
        raise KnowledgeError(f"{where}: malformed actor entry {raw!r} ({exc})") from exc
    etype = raw.get("type") or ("PERSON" if any(r.start or r.end or r.sector == "ELI" for r in roles) else "ORG")
    if etype not in ("PERSON", "ORG"):
        raise KnowledgeError(f"{where}: actor {name!r} has type {etype!r}; use PERSON or ORG")
    return ActorEntry(id=f"{source}:{_slug(name)}", name=name, type=etype, roles=roles,
                      aliases=tuple(a for a in raw.get("aliases") or [] if a), source=source)


def _keys(name: str) -> list[str]:
    """Lookup keys of a name: acronyms keep their case, so "us" is never "US"."""
    bare = name.replace(".", "").replace(" ", "")
    return [f"ACR:{bare}"] if is_acronym(name) else [name_key(name)]


@dataclass
class ActorKB:
    entries: list[ActorEntry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index: dict[str, list[int]] = {}
        self._by_edge: dict[str, set[str]] = {}
        self._fuzzy_cache: dict[tuple[str, float], list[tuple[ActorEntry, float]]] = {}
        for i, entry in enumerate(self.entries):
            self._add(i, entry)

    def _add(self, i: int, entry: ActorEntry) -> None:
        for name in (entry.name, *entry.aliases):
            for key in _keys(name):
                bucket = self._index.setdefault(key, [])
                if i not in bucket:
                    bucket.append(i)
                words = key.split()
                if len(words) > 1 and not key.startswith("ACR:"):
                    self._by_edge.setdefault(words[0], set()).add(key)
                    self._by_edge.setdefault(words[-1], set()).add(key)

    def extend(self, entries: Iterable[ActorEntry]) -> None:
        """Add entries; one sharing a name with an existing entry replaces its roles."""
        for entry in entries:
            hits = {i for name in (entry.name, *entry.aliases) for k in _keys(name) for i in self._index.get(k, [])}
            old = [self.entries[i] for i in sorted(hits)]
            aliases = tuple(dict.fromkeys([*entry.aliases, *(a for o in old for a in (o.name, *o.aliases))]))
            merged = ActorEntry(entry.id, entry.name, entry.type, entry.roles,
                                tuple(a for a in aliases if name_key(a) != name_key(entry.name)), entry.source)
            for i in sorted(hits):
                self.entries[i] = merged  # every index pointing at a replaced entry now finds this one
            self.entries.append(merged)
            self._add(len(self.entries) - 1, merged)
        self._fuzzy_cache.clear()

    def lookup(self, name: str) -> list[ActorEntry]:
        """Entries named ``name`` (exact after folding), most recently curated first."""
        seen, out = set(), []
        for key in _keys(name):
            for i in reversed(self._index.get(key, [])):
                entry = self.entries[i]
                if id(entry) not in seen:
                    seen.add(id(entry))
                    out.append(entry)
        return out

    def fuzzy(self, name: str, minimum: float = FUZZY_MIN) -> list[tuple[ActorEntry, float]]:
        """Entries whose name is within one typo-ish distance of ``name`` (best first); cached,
        since news repeats names."""
        key = (name_key(name), minimum)
        if key not in self._fuzzy_cache:
            if len(self._fuzzy_cache) > 50_000:
                self._fuzzy_cache.clear()
            self._fuzzy_cache[key] = self._fuzzy(name, minimum)
        return self._fuzzy_cache[key]

    def _fuzzy(self, name: str, minimum: float) -> list[tuple[ActorEntry, float]]:
        """Entries whose name is within one typo-ish distance of ``name`` (best first).

        Only names sharing the first or last word and of about the same length are compared,
        so ordinary words never reach the comparison and a look-up stays cheap.
        """
        key = name_key(name)
        words = key.split()
        if len(words) < 2 or len(key) < 8:
            return []
        candidates = self._by_edge.get(words[0], set()) | self._by_edge.get(words[-1], set())
        scored = []
        for cand in candidates:
            if abs(len(cand) - len(key)) > max(3, len(key) // 6) or len(cand.split()) != len(words):
                continue
            matcher = difflib.SequenceMatcher(None, key, cand)
            if matcher.real_quick_ratio() < minimum or matcher.quick_ratio() < minimum:
                continue  # cheap upper bounds first
            score = matcher.ratio()
            if score >= minimum:
                scored.append((cand, score))
        out, seen = [], set()
        for cand, score in sorted(scored, key=lambda c: (-c[1], c[0])):
            for entry in self.lookup_key(cand):
                if id(entry) not in seen:
                    seen.add(id(entry))
                    out.append((entry, score))
        return out

    def lookup_key(self, key: str) -> list[ActorEntry]:
        return [self.entries[i] for i in reversed(self._index.get(key, []))]


def read_yaml(path: Path, source: str) -> list[ActorEntry]:
    """Entries of a curated or user YAML file (``actors: [...]``)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"cannot read the actor file {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        raise KnowledgeError(f"{path}: expected a mapping with an 'actors' list")
    return [_entry(raw, source, f"{path}: actors[{n}]") for n, raw in enumerate(data["actors"])]


@functools.lru_cache(maxsize=4)
def load(extra: tuple[str, ...] = ()) -> ActorKB:
    """The actor dictionary with the curated layer and the user files ``extra`` on top."""
    try:
        raw = json.loads(PHOENIX.read_text(encoding="utf-8"))["actors"]
    except (OSError, ValueError, KeyError) as exc:
        raise KnowledgeError(f"cannot read {PHOENIX}: {exc}; rebuild it with "
                             f"python -m eventwatch.kb.build_actors ../shared/kb/phoenix") from exc
    kb = ActorKB([_entry(r, "phoenix", str(PHOENIX)) for r in raw])
    kb.extend(read_yaml(CURATED, "eventwatch"))
    for path in extra:
        kb.extend(read_yaml(Path(path), "user"))
    return kb
