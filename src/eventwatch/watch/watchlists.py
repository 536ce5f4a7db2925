"""Watchlists: which stored events deserve an alert, written in YAML.

A file holds one watchlist (a mapping), a list of them, or ``{"watchlists": [...]}``::

    watchlists:
      - name: drills-near-afghanistan
        description: Exercises or troop movements next door to Afghanistan
        when:
          type: [COOPERATE, MOBILIZE]
          location: {borders: AFG}
        notify:
          - log: alerts.jsonl
          - webhook: https://hooks.example.org/eventwatch

``when`` is a condition. A mapping of several keys means all of them; ``all: [...]``,
``any: [...]`` and ``not: {...}`` combine conditions. The keys:

- ``type`` / ``mode`` / ``status``: one value or a list (PLOVER types and modes; statuses
  occurred, claimed, planned, negated, hypothetical). Unless a watchlist says something about
  ``status``, negated and hypothetical events never match it.
- ``source`` / ``target`` / ``actor`` (either role): ``{name, country, sector}``, each one value
  or a list; ``name`` matches any part of the actor's name, without regard to case.
- ``location``: ``{country: ...}``, ``{region: "Central Asia"}`` (a macro-region, a continent
  or a first-level division such as "Donetsk Oblast"), ``{place: "Kherson"}`` (the event's
  place, by name or GeoNames id), ``{near: {place: Kabul, km: 100}}`` or
  ``{near: {lat: 34.5, lon: 69.2, km: 100}}``, ``{borders: AFG}`` (in a country that shares a
  land border with AFG), ``{near_border: {country: AFG, km: 50}}`` (within 50 km of AFG's
  outline, on either side). Point conditions (near, near_border) need a place more precise
  than a country or region: an event placed only "in Pakistan" is not "within 50 km" of anything.
- ``quantity``: ``{unit: troops, at_least: 1000, at_most: ...}`` (``unit`` one or a list;
  "troop" and "troops" are the same).
- ``keyword``: a word or phrase (or a list, any of them) in the event's sentence.
- ``confidence``: ``{at_least: 0.5}`` (or just a number).

``notify`` lists notifiers (see `eventwatch.watch.notify`); without one, alerts are only
stored (``eventwatch alerts`` and the dashboard show them).

`Watchlist.test(event)` says whether an event matches and why: the reasons of the conditions
that decided it ("type COOPERATE is one of COOPERATE, MOBILIZE", "in Tajikistan (TJK), which
borders AFG").
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import WatchlistError
from ..store.store import haversine_km

#: Statuses that match only a watchlist that asks about status.
UNLESS_ASKED = frozenset({"negated", "hypothetical"})
STATUSES = ("occurred", "claimed", "planned", "negated", "hypothetical")
#: Place kinds too vague for point conditions.
VAGUE_KINDS = frozenset({"country", "region", "continent"})
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


# --------------------------------------------------------------------------- the event


@dataclass
class EventView:
    """What conditions look at: a stored event with its actors, sentence and article."""

    id: int | None
    type: str
    mode: str | None = None
    status: str = "occurred"
    confidence: float | None = None
    location_name: str | None = None
    location_country: str | None = None
    location_kind: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    quantities: list[dict[str, Any]] = field(default_factory=list)
    sentence: str = ""
    #: (role, name, country, sector) of every actor.
    actors: list[tuple[str, str | None, str | None, str | None]] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: Mapping[str, Any], actors: Iterable[tuple] = (), sentence: str = "") -> "EventView":
        """From an ``events`` row, its ``actors`` rows (role, name, country, sector) and the
        text of its sentence."""
        people = {(a[0], a[1], a[2], a[3]) for a in actors}
        for role in ("source", "target"):
            if row.get(f"{role}_name") or row.get(f"{role}_country"):
                people.add((role, row.get(f"{role}_name"), row.get(f"{role}_country"), row.get(f"{role}_sector")))
        return cls(id=row.get("id"), type=row["type"], mode=row.get("mode"), status=row.get("status") or "occurred",
                   confidence=row.get("confidence"), location_name=row.get("location_name"),
                   location_country=row.get("location_country"), location_kind=row.get("location_kind"),
                   geonameid=row.get("geonameid"), lat=row.get("lat"), lon=row.get("lon"),
                   quantities=list(row.get("quantities") or []), sentence=sentence or "",
                   actors=sorted(people, key=lambda a: tuple(x or "" for x in a)))

    @property
    def place(self) -> str:
        name = self.location_name or "?"
        return f"{name} ({self.location_country})" if self.location_country and name != self.location_country else name

    def country(self) -> str | None:
        """The country of the event's place (from its point when the row lacks it)."""
        if self.location_country:
            return self.location_country
        if self.lat is not None and self.lon is not None:
            from . import borders
            return borders.country_at(self.lat, self.lon)
        return None

    def precise(self) -> bool:
        return self.lat is not None and self.lon is not None and (self.location_kind or "") not in VAGUE_KINDS


Verdict = tuple[bool, list[str]]


# --------------------------------------------------------------------------- conditions


class Condition:
    def test(self, ev: EventView) -> Verdict:
        raise NotImplementedError

    def mentions_status(self) -> bool:
        return False


@dataclass
class All(Condition):
    parts: list[Condition]

    def test(self, ev: EventView) -> Verdict:
        why: list[str] = []
        for part in self.parts:
            ok, reasons = part.test(ev)
            if not ok:
                return False, reasons
            why += reasons
        return True, why

    def mentions_status(self) -> bool:
        return any(p.mentions_status() for p in self.parts)


@dataclass
class Any_(Condition):
    parts: list[Condition]

    def test(self, ev: EventView) -> Verdict:
        failed: list[str] = []
        for part in self.parts:
            ok, reasons = part.test(ev)
            if ok:
                return True, reasons
            failed += reasons
        return False, failed

    def mentions_status(self) -> bool:
        return any(p.mentions_status() for p in self.parts)


@dataclass
class Not(Condition):
    part: Condition

    def test(self, ev: EventView) -> Verdict:
        ok, reasons = self.part.test(ev)
        return (not ok), [f"not: {'; '.join(reasons)}"] if reasons else []

    def mentions_status(self) -> bool:
        return self.part.mentions_status()


@dataclass
class OneOf(Condition):
    """``type``, ``mode`` or ``status`` among some values."""

    field_name: str
    values: tuple[str, ...]

    def test(self, ev: EventView) -> Verdict:
        value = getattr(ev, self.field_name)
        ok = value is not None and value.lower() in {v.lower() for v in self.values}
        listed = ", ".join(self.values)
        return ok, [f"{self.field_name} {value} {'is' if ok else 'is not'} one of {listed}"]

    def mentions_status(self) -> bool:
        return self.field_name == "status"


@dataclass
class ActorIs(Condition):
    role: str  # source | target | actor (either)
    names: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()

    def test(self, ev: EventView) -> Verdict:
        for role, name, country, sector in ev.actors:
            if self.role != "actor" and role != self.role:
                continue
            if self.names and not (name and any(n.lower() in name.lower() for n in self.names)):
                continue
            if self.countries and country not in self.countries:
                continue
            if self.sectors and sector not in self.sectors:
                continue
            who = " ".join(x for x in (name and f"'{name}'", country, sector) if x)
            return True, [f"{role} {who} matches {self._wanted()}"]
        return False, [f"no {self.role if self.role != 'actor' else 'actor'} matches {self._wanted()}"]

    def _wanted(self) -> str:
        parts = [f"name ~ {'/'.join(self.names)}" if self.names else "",
                 f"country {'/'.join(self.countries)}" if self.countries else "",
                 f"sector {'/'.join(self.sectors)}" if self.sectors else ""]
        return ", ".join(p for p in parts if p)


@dataclass
class InCountry(Condition):
    countries: tuple[str, ...]
    label: str | None = None  # a region's name when the list comes from one

    def test(self, ev: EventView) -> Verdict:
        c = ev.country()
        ok = c is not None and c in self.countries
        where = self.label or ", ".join(self.countries)
        return ok, [f"in {ev.place}, {'in' if ok else 'not in'} {where}" if c else "no place"]


@dataclass
class InDivision(Condition):
    """In a first-level division (GeoNames admin1 ids)."""

    gids: frozenset[int]
    label: str

    def test(self, ev: EventView) -> Verdict:
        if ev.geonameid is None:
            return False, [f"no place to put in {self.label}"]
        from ..kb import gazetteer
        entry = gazetteer.load().get(int(ev.geonameid))
        ok = entry is not None and (entry.gid in self.gids or entry.admin1 in self.gids)
        return ok, [f"{ev.place} {'is' if ok else 'is not'} in {self.label}"]


@dataclass
class AtPlace(Condition):
    names: tuple[str, ...]
    gids: tuple[int, ...]

    def test(self, ev: EventView) -> Verdict:
        ok = (ev.geonameid is not None and int(ev.geonameid) in self.gids) or (
            ev.location_name is not None and ev.location_name.lower() in {n.lower() for n in self.names})
        return ok, [f"place {ev.place} {'is' if ok else 'is not'} {'/'.join(self.names or map(str, self.gids))}"]


@dataclass
class Near(Condition):
    lat: float
    lon: float
    km: float
    label: str

    def test(self, ev: EventView) -> Verdict:
        if not ev.precise():
            return False, [f"{ev.place} is too vague a place to be within {self.km:g} km of {self.label}"]
        d = haversine_km(ev.lat, ev.lon, self.lat, self.lon)
        ok = d <= self.km
        return ok, [f"{ev.place} is {d:.0f} km from {self.label} ({'within' if ok else 'beyond'} {self.km:g} km)"]


@dataclass
class Borders(Condition):
    country: str

    def test(self, ev: EventView) -> Verdict:
        from . import borders
        c = ev.country()
        if c is None:
            return False, ["no place"]
        ok = c in borders.neighbours(self.country)
        return ok, [f"in {ev.place}, {'which borders' if ok else 'which does not border'} {self.country}"]


@dataclass
class NearBorder(Condition):
    country: str
    km: float

    def _far(self, lat: float, lon: float) -> bool:
        """Whether the point is surely farther than `km` from the country's bounding box (a
        cheap test before the exact distance)."""
        from . import borders
        outline = borders.shape(self.country)
        if outline is None:
            return False
        west, south, east, north = outline.bounds
        dlat = self.km / 110.0 + 0.1
        if lat < south - dlat or lat > north + dlat:
            return True
        # A degree of longitude is shortest at the latitude nearest a pole: the widest margin.
        coslat = math.cos(math.radians(min(89.0, max(abs(lat), abs(south), abs(north)) + dlat)))
        dlon = self.km / (111.32 * max(coslat, 0.01)) + 0.1
        return (lon < west - dlon or lon > east + dlon) and east - west < 350

    def test(self, ev: EventView) -> Verdict:
        from . import borders
        if not ev.precise():
            return False, [f"{ev.place} is too vague a place to be within {self.km:g} km of {self.country}'s border"]
        if self._far(ev.lat, ev.lon):
            return False, [f"{ev.place} is more than {self.km:g} km from {self.country}"]
        d = borders.distance_to_border_km(ev.lat, ev.lon, self.country)
        ok = d <= self.km
        return ok, [f"{ev.place} is {d:.0f} km from {self.country}'s border "
                    f"({'within' if ok else 'beyond'} {self.km:g} km)"]


def _unit_key(unit: str | None) -> str:
    u = (unit or "").lower().strip()
    return u[:-1] if u.endswith("s") and len(u) > 3 else u


@dataclass
class QuantityIs(Condition):
    units: tuple[str, ...]
    at_least: float | None = None
    at_most: float | None = None

    def test(self, ev: EventView) -> Verdict:
        keys = {_unit_key(u) for u in self.units}
        for q in ev.quantities:
            value = q.get("value")
            if not isinstance(value, (int, float)):
                continue
            if keys and _unit_key(q.get("unit")) not in keys:
                continue
            if self.at_least is not None and value < self.at_least:
                continue
            if self.at_most is not None and value > self.at_most:
                continue
            return True, [f"'{q.get('text') or value}' is {self._wanted()}"]
        return False, [f"no quantity of {self._wanted()}"]

    def _wanted(self) -> str:
        bounds = [f"at least {self.at_least:g}" if self.at_least is not None else "",
                  f"at most {self.at_most:g}" if self.at_most is not None else ""]
        return " and ".join(b for b in bounds if b) + (f" {'/'.join(self.units)}" if self.units else "")


@dataclass
class Keyword(Condition):
    words: tuple[str, ...]

    def __post_init__(self) -> None:
        self._pattern = re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in self.words), re.IGNORECASE)

    def test(self, ev: EventView) -> Verdict:
        m = self._pattern.search(ev.sentence or "")
        if m:
            return True, [f"the sentence says '{m.group(0)}'"]
        return False, [f"the sentence has none of {', '.join(self.words)}"]


@dataclass
class MinConfidence(Condition):
    at_least: float

    def test(self, ev: EventView) -> Verdict:
        c = ev.confidence
        ok = c is not None and c >= self.at_least
        return ok, [f"confidence {c if c is not None else '?'} {'>=' if ok else '<'} {self.at_least:g}"]


# --------------------------------------------------------------------------- watchlists


@dataclass
class Watchlist:
    name: str
    when: Condition
    notify: list[dict[str, Any]] = field(default_factory=list)
    description: str | None = None
    #: The mapping it was parsed from (what the store keeps).
    spec: dict[str, Any] = field(default_factory=dict)

    def test(self, ev: EventView) -> Verdict:
        """Whether the event matches, and why (or why not)."""
        if ev.status in UNLESS_ASKED and not self.when.mentions_status():
            return False, [f"the event is {ev.status} (say status: to watch such events)"]
        return self.when.test(ev)


def parse(spec: Any, origin: str = "watchlist") -> Watchlist:
    """A watchlist from its mapping; `WatchlistError` naming ``origin`` and the key if wrong."""
    if not isinstance(spec, Mapping):
        raise WatchlistError(f"{origin}: a watchlist is a mapping with name and when, not {type(spec).__name__}")
    name = spec.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise WatchlistError(f"{origin}: 'name' must be 1-100 letters, digits, '-', '_' or '.' (got {name!r})")
    where = f"{origin}: watchlist {name!r}"
    unknown = set(spec) - {"name", "when", "notify", "description"}
    if unknown:
        raise WatchlistError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                             "(expected name, description, when, notify)")
    if "when" not in spec:
        raise WatchlistError(f"{where}: 'when' (the condition) is missing")
    when = _condition(spec["when"], f"{where}: when")
    notify = spec.get("notify") or []
    if isinstance(notify, Mapping):
        notify = [notify]
    if not isinstance(notify, list) or not all(isinstance(n, Mapping) for n in notify):
        raise WatchlistError(f"{where}: 'notify' must be a list of notifier mappings")
    from . import notify as notify_mod
    for n, item in enumerate(notify):
        try:
            notify_mod.from_spec(dict(item))
        except ValueError as exc:
            raise WatchlistError(f"{where}: notify[{n}]: {exc}") from exc
    description = spec.get("description")
    plain = {"name": name, "when": spec["when"], "notify": [dict(n) for n in notify]}
    if description:
        plain["description"] = str(description)
    return Watchlist(name, when, [dict(n) for n in notify], str(description) if description else None, plain)


def load_file(path: str | Path) -> list[Watchlist]:
    """The watchlists of a YAML file (one, a list, or under ``watchlists:``)."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WatchlistError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise WatchlistError(f"{path}: not a readable YAML file ({exc})") from exc
    return parse_many(data, str(path))


def parse_many(data: Any, origin: str) -> list[Watchlist]:
    if isinstance(data, Mapping) and "watchlists" in data:
        data = data["watchlists"]
    if isinstance(data, Mapping):
        data = [data]
    if not isinstance(data, list) or not data:
        raise WatchlistError(f"{origin}: expected a watchlist, a list of them or 'watchlists: [...]'")
    out = [parse(item, f"{origin}[{n}]" if len(data) > 1 else origin) for n, item in enumerate(data)]
    names = [w.name for w in out]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise WatchlistError(f"{origin}: watchlist name(s) used twice: {', '.join(twice)}")
    return out


# --------------------------------------------------------------------------- parsing conditions

_LEAVES = ("type", "mode", "status", "source", "target", "actor", "location", "quantity", "keyword",
           "confidence")


def _condition(spec: Any, where: str) -> Condition:
    if not isinstance(spec, Mapping) or not spec:
        raise WatchlistError(f"{where}: a condition is a non-empty mapping (got {spec!r})")
    parts: list[Condition] = []
    for key, value in spec.items():
        at = f"{where}.{key}"
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise WatchlistError(f"{at}: expected a non-empty list of conditions")
            subs = [_condition(v, f"{at}[{n}]") for n, v in enumerate(value)]
            parts.append(All(subs) if key == "all" else Any_(subs))
        elif key == "not":
            parts.append(Not(_condition(value, at)))
        elif key in ("type", "mode", "status"):
            parts.append(OneOf(key, _values(value, at, _allowed(key))))
        elif key in ("source", "target", "actor"):
            parts.append(_actor(key, value, at))
        elif key == "location":
            parts.append(_location(value, at))
        elif key == "quantity":
            parts.append(_quantity(value, at))
        elif key == "keyword":
            parts.append(Keyword(_values(value, at)))
        elif key == "confidence":
            bound = value.get("at_least") if isinstance(value, Mapping) else value
            if isinstance(value, Mapping) and set(value) - {"at_least"}:
                raise WatchlistError(f"{at}: only 'at_least' is known")
            parts.append(MinConfidence(_number(bound, at)))
        else:
            raise WatchlistError(f"{at}: unknown condition (known: {', '.join(_LEAVES)}, all, any, not)")
    return parts[0] if len(parts) == 1 else All(parts)


def _allowed(key: str) -> tuple[str, ...] | None:
    from ..kb.lexicon import PLOVER_MODES
    if key == "type":
        return tuple(PLOVER_MODES)
    if key == "mode":
        return tuple(sorted({m for ms in PLOVER_MODES.values() for m in ms}))
    return STATUSES


def _values(value: Any, where: str, allowed: Sequence[str] | None = None) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, (str, int)) and str(v).strip() for v in items):
        raise WatchlistError(f"{where}: expected a value or a list of values (got {value!r})")
    out = tuple(str(v).strip() for v in items)
    if allowed is not None:
        lower = {a.lower(): a for a in allowed}
        bad = [v for v in out if v.lower() not in lower]
        if bad:
            raise WatchlistError(f"{where}: unknown value(s) {', '.join(bad)} (known: {', '.join(allowed)})")
        out = tuple(lower[v.lower()] for v in out)
    return out


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise WatchlistError(f"{where}: expected a number (got {value!r})")
    return float(value)


def _country(value: Any, where: str) -> str:
    from ..kb import countries
    kb = countries.load()
    text = str(value).strip()
    entry = kb.country(text) if len(text) == 3 else None
    if entry is None:
        found = [p for p in kb.lookup(text) if p.kind == "country"]
        if not found:
            raise WatchlistError(f"{where}: unknown country {value!r} (use an ISO 3166 alpha-3 code such as AFG)")
        return found[0].country
    return entry.iso3


def _countries(value: Any, where: str) -> tuple[str, ...]:
    return tuple(_country(v, where) for v in _values(value, where))


def _actor(role: str, value: Any, where: str) -> Condition:
    if not isinstance(value, Mapping) or not value or set(value) - {"name", "country", "sector"}:
        raise WatchlistError(f"{where}: expected a mapping of name, country and/or sector")
    return ActorIs(role, _values(value["name"], where + ".name") if "name" in value else (),
                   _countries(value["country"], where + ".country") if "country" in value else (),
                   tuple(s.upper() for s in _values(value["sector"], where + ".sector")) if "sector" in value else ())


def _quantity(value: Any, where: str) -> Condition:
    if not isinstance(value, Mapping) or not value or set(value) - {"unit", "at_least", "at_most"}:
        raise WatchlistError(f"{where}: expected a mapping of unit, at_least and/or at_most")
    low = _number(value["at_least"], where + ".at_least") if "at_least" in value else None
    high = _number(value["at_most"], where + ".at_most") if "at_most" in value else None
    if low is None and high is None:
        raise WatchlistError(f"{where}: give at_least and/or at_most")
    units = _values(value["unit"], where + ".unit") if "unit" in value else ()
    return QuantityIs(units, low, high)


def _location(value: Any, where: str) -> Condition:
    if not isinstance(value, Mapping) or not value:
        raise WatchlistError(f"{where}: expected a mapping (country, region, place, near, borders or near_border)")
    parts: list[Condition] = []
    for key, v in value.items():
        at = f"{where}.{key}"
        if key == "country":
            parts.append(InCountry(_countries(v, at)))
        elif key == "region":
            parts.append(Any_([_region(name, at) for name in _values(v, at)]))
        elif key == "place":
            names = tuple(x for x in _values(v, at) if not x.isdigit())
            gids = tuple(int(x) for x in _values(v, at) if x.isdigit())
            parts.append(AtPlace(names, gids))
        elif key == "near":
            parts.append(_near(v, at))
        elif key == "borders":
            from . import borders
            code = _country(v, at)
            if not borders.neighbours(code):
                raise WatchlistError(f"{at}: {code} has no land border")
            parts.append(Borders(code))
        elif key == "near_border":
            if not isinstance(v, Mapping) or set(v) != {"country", "km"}:
                raise WatchlistError(f"{at}: expected {{country: ISO3, km: N}}")
            parts.append(NearBorder(_country(v["country"], at + ".country"), _number(v["km"], at + ".km")))
        else:
            raise WatchlistError(f"{at}: unknown location condition "
                                 "(known: country, region, place, near, borders, near_border)")
    return parts[0] if len(parts) == 1 else All(parts)


def _region(name: str, where: str) -> Condition:
    from ..kb import countries, gazetteer
    kb = countries.load()
    region = kb.region(name)
    if region is not None:
        return InCountry(tuple(region.countries), region.name)
    places = kb.lookup(name)
    for p in places:
        if p.kind == "continent":
            members = tuple(c.iso3 for c in kb.countries() if c.continent == _continent_code(p.name))
            return InCountry(members, p.name)
    divisions = [e for e in gazetteer.load().lookup(name) if e.kind == "admin1"]
    if divisions:
        return InDivision(frozenset(e.gid for e in divisions), divisions[0].name)
    raise WatchlistError(f"{where}: unknown region {name!r} (a macro-region such as 'Central Asia', "
                         "a continent, or a first-level division such as 'Donetsk Oblast')")


_CONTINENTS = {"africa": "AF", "antarctica": "AN", "asia": "AS", "europe": "EU", "north america": "NA",
               "oceania": "OC", "south america": "SA"}


def _continent_code(name: str) -> str:
    return _CONTINENTS.get(name.lower(), "")


def _near(v: Any, where: str) -> Condition:
    if not isinstance(v, Mapping) or "km" not in v:
        raise WatchlistError(f"{where}: expected {{place: NAME, km: N}} or {{lat: .., lon: .., km: N}}")
    km = _number(v["km"], where + ".km")
    if set(v) == {"lat", "lon", "km"}:
        lat, lon = _number(v["lat"], where + ".lat"), _number(v["lon"], where + ".lon")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise WatchlistError(f"{where}: lat/lon out of range")
        return Near(lat, lon, km, f"{lat:g},{lon:g}")
    if set(v) == {"place", "km"}:
        from ..kb import countries, gazetteer
        name = str(v["place"])
        found = [e for e in gazetteer.load().lookup(name) if e.lat is not None]
        if found:
            e = found[0]  # the most populous place of that name
            return Near(e.lat, e.lon, km, e.name)
        places = [p for p in countries.load().lookup(name) if p.lat is not None]
        if places:
            return Near(places[0].lat, places[0].lon, km, places[0].name)
        raise WatchlistError(f"{where}.place: unknown place {name!r}")
    raise WatchlistError(f"{where}: expected {{place: NAME, km: N}} or {{lat: .., lon: .., km: N}}")
