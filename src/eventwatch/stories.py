"""Stories: the same real-world event reported by several outlets becomes one story.

Two stored events describe the same event when every criterion agrees (`match`, `explain`):

- type: the same PLOVER type, or a pair of `COMPATIBLE_TYPES` (a joint exercise is
  COOPERATE in one report and MOBILIZE in another; a violent arrest ASSAULT or COERCE);
- date (`compare_dates`): unknown dates never match. Day-precise dates within +-1 day (+-2
  when either date is only the publication date); a month within that month; a week within
  that week; a year (or season, quarter, half) only the same year, and only with a strong
  place and shared actors;
- place (`compare_places`), by the coarser kind of the two: city (or unknown kind) <= 50 km,
  admin1/admin2 <= 300 km, country the same country; another country never matches; no place
  on either side requires actor agreement;
- actors (`compare_actors`): some actor (source or target, any coordinated one) shares its
  country, and its sector when both are known ("COD-REB shared"; the same country with other
  sectors is a weaker "country" agreement); actors in the same role on both sides with no
  country in common is a conflict (actors known only in different roles compare as unknown). An event with no actors can still match, on a place within 50 km (or the same
  admin area) and a day-precise date within +-1 day.

The score (`SCORE_WEIGHTS`, between 0 and 1) ranks candidate stories; a pair matches when the
gates above pass and the score reaches `THRESHOLD`.

Events of the store are grouped incrementally (`assign_stories`, called with the ids of new
events): candidate stories come from the database through the stories(type, last_day) index,
each event joins the story whose members it matches best (or starts one), and only the
stories touched have their aggregates recomputed. Events of one article join the same story
only if they match each other. Negated and hypothetical events are not events of the record
and join no story. `rebuild_stories` recomputes every story (a maintenance command:
``eventwatch stories --rebuild``); `delete_article` deletes an article and updates its stories.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (Integer, and_, bindparam, delete, func, insert, literal, or_, select,
                        union_all, update)

from .sources.items import site_of
from .store.schema import actors, articles, events, stories, story_members
from .store.store import Store, _as_date, haversine_km

#: Pairs of types that describe the same happening in different reports.
COMPATIBLE_TYPES: dict[frozenset[str], str] = {
    frozenset({"COOPERATE", "MOBILIZE"}): "joint exercises and deployments",
    frozenset({"ASSAULT", "COERCE"}): "violent arrests and crackdowns",
    frozenset({"AID", "SUPPORT"}): "aid announced as support",
}
#: Statuses that are not events of the record: they join no story.
EXCLUDED_STATUS = frozenset({"negated", "hypothetical"})
#: Weights of the criteria in the score.
SCORE_WEIGHTS = {"type": 0.2, "date": 0.3, "place": 0.25, "actors": 0.25}
#: The score a pair must reach (the gates passed) to match.
THRESHOLD = 0.5
#: Place distances (km) by the coarser kind of the two places.
CITY_KM = 50.0
ADMIN_KM = 300.0
#: How far past a new event's window the candidate search looks for a story's last day: a
#: story spanning longer than this (one founded by a year-precise report) is found only by
#: events near its end. Keeps the stories(type, last_day) index scan short.
MAX_SPAN_DAYS = 31
#: Members of a candidate story compared with a new event (the most recent ones).
MAX_MEMBERS = 50

_ID_CHUNK = 500
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_PART = re.compile(r"^(\d{4})-(Q[1-4]|H[12]|SP|SU|FA|AU|WI)$")
_YEAR = re.compile(r"^(\d{4})$")
_PART_MONTHS = {"Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12), "H1": (1, 6),
                "H2": (7, 12), "SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "AU": (9, 11),
                "WI": (12, 12)}
_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}
_COARSE_PLACE = {"country", "region", "continent"}
_ADMIN_PLACE = {"admin1", "admin2"}


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class DateSpan:
    """The days a TIMEX3 value covers and how precise it is ("day", "week", "month", "year")."""

    lo: dt.date
    hi: dt.date
    precision: str
    value: str
    published: bool = False  # the date is only the publication date


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _one(value: str) -> tuple[dt.date, dt.date, str] | None:
    value = value.strip()
    try:
        if m := _DAY.match(value):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return day, day, "day"
        if m := _WEEK.match(value):
            lo = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return lo, lo + dt.timedelta(days=6), "week"
        if m := _MONTH.match(value):
            y, mo = int(m[1]), int(m[2])
            return dt.date(y, mo, 1), _month_end(y, mo), "month"
        if m := _PART.match(value):
            y = int(m[1])
            a, b = _PART_MONTHS[m[2]]
            return dt.date(y, a, 1), _month_end(y, b), "year"
        if m := _YEAR.match(value):
            y = int(m[1])
            return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
    except ValueError:
        return None
    return None


def parse_date(value: str | None, date_from: str | None = None) -> DateSpan | None:
    """The `DateSpan` of a TIMEX3 date value, or None when it names no known time.

    >>> parse_date("2024-03").precision, parse_date("2024-03-04/2024-03-05").hi
    ('month', datetime.date(2024, 3, 5))
    """
    if not value:
        return None
    parts = value.split("/", 1)
    first = _one(parts[0])
    if first is None:
        return None
    lo, hi, precision = first
    if len(parts) == 2 and (second := _one(parts[1])) is not None and second[1] >= lo:
        hi = second[1]
        if _PRECISION_RANK[second[2]] > _PRECISION_RANK[precision]:
            precision = second[2]
        if precision == "day" and (hi - lo).days > 6:
            precision = "month" if (hi - lo).days <= 31 else "year"
    return DateSpan(lo, hi, precision, value, date_from == "published")


@dataclass
class Verdict:
    """One criterion's outcome: ``ok`` (no conflict), its strength (0..1), a readable line, and
    whether it asks the other criteria for more ("strict")."""

    ok: bool
    strength: float
    text: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "strength": round(self.strength, 3), "text": self.text, **self.detail}


def compare_dates(a: DateSpan | None, b: DateSpan | None) -> Verdict:
    """Whether two dates can be the same event's (see the module's rules)."""
    if a is None or b is None:
        return Verdict(False, 0.0, f"date: {a.value if a else 'unknown'} vs "
                                   f"{b.value if b else 'unknown'} (unknown dates cannot match)")
    gap = max(0, (max(a.lo, b.lo) - min(a.hi, b.hi)).days)
    coarse = max(_PRECISION_RANK[a.precision], _PRECISION_RANK[b.precision])
    head = f"date: {a.value} vs {b.value}"
    if coarse == 0:
        allowed = 2 if (a.published or b.published) else 1
        ok = gap <= allowed
        unit = "day" if gap == 1 else "days"
        return Verdict(ok, (1.0 - 0.25 * gap) if ok else 0.0, f"{head} ({gap} {unit}, allowed {allowed})",
                       {"gap_days": gap, "allowed": allowed, "precision": "day"})
    if coarse in (1, 2):
        name = "week" if coarse == 1 else "month"
        ok = gap == 0
        return Verdict(ok, 0.6 if ok else 0.0,
                       f"{head} ({'within' if ok else 'outside'} the {name})",
                       {"gap_days": gap, "precision": name})
    ok = a.lo.year == b.lo.year or a.hi.year == b.hi.year
    return Verdict(ok, 0.3 if ok else 0.0,
                   f"{head} ({'same' if ok else 'another'} year; needs a strong place and shared actors)",
                   {"gap_days": gap, "precision": "year", "strict": True})


# --------------------------------------------------------------------------- places


@dataclass(frozen=True)
class Spot:
    name: str | None
    lat: float | None
    lon: float | None
    country: str | None
    kind: str | None
    geonameid: int | None = None


def compare_places(a: Spot | None, b: Spot | None) -> Verdict:
    """Whether two places can be the same event's: a distance allowed by the coarser kind."""
    def known(s: Spot | None) -> bool:
        return s is not None and (s.lat is not None or s.country is not None)

    if not known(a) or not known(b):
        return Verdict(True, 0.0, f"place: {a.name if known(a) else 'none'} vs "
                                  f"{b.name if known(b) else 'none'} (needs actor agreement)",
                       {"level": "none"})
    assert a is not None and b is not None
    head = f"place: {a.name} vs {b.name}"
    if a.country and b.country and a.country != b.country:
        return Verdict(False, 0.0, f"{head} (another country: {a.country} vs {b.country})",
                       {"level": "conflict"})
    kinds = {a.kind or "city", b.kind or "city"}
    if kinds & _COARSE_PLACE:
        ok = a.country is not None and a.country == b.country
        return Verdict(ok, 0.4 if ok else 0.0,
                       f"{head} ({'same' if ok else 'unknown'} country {a.country or b.country or ''})".rstrip(),
                       {"level": "country"})
    if a.geonameid is not None and a.geonameid == b.geonameid:
        km = 0.0
    elif a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return Verdict(True, 0.3, f"{head} (same country {a.country}, no coordinates)", {"level": "country"})
    else:
        km = haversine_km(a.lat, a.lon, b.lat, b.lon)
    admin = bool(kinds & _ADMIN_PLACE)
    allowed = ADMIN_KM if admin else CITY_KM
    ok = km <= allowed
    level = "admin" if admin else "city"
    strength = (1.0 - 0.5 * km / allowed) if ok else 0.0
    if admin:
        strength *= 0.8
    return Verdict(ok, strength, f"{head} ({km:.0f} km, allowed {allowed:.0f})",
                   {"km": round(km, 1), "allowed_km": allowed, "level": level if ok else "conflict"})


# --------------------------------------------------------------------------- actors


def _code(country: str | None, sector: str | None) -> str:
    return f"{country}-{sector}" if sector else str(country)


def compare_actors(a: Iterable[tuple[str | None, str | None]],
                   b: Iterable[tuple[str | None, str | None]],
                   roles_a: dict[str, set[tuple[str | None, str | None]]] | None = None,
                   roles_b: dict[str, set[tuple[str | None, str | None]]] | None = None) -> Verdict:
    """Whether two events' actors (country, sector) overlap, on any role. With the actors by
    role ("source", "target"), disjoint actors are a conflict only when some role is known on
    both sides."""
    sa = {(c, s) for c, s in a if c}
    sb = {(c, s) for c, s in b if c}
    if not sa or not sb:
        return Verdict(True, 0.0, "actors: unknown on "
                                  f"{'both sides' if not sa and not sb else 'one side'}",
                       {"level": "none"})
    shared = sorted({_code(c, s1 or s2) for c, s1 in sa for c2, s2 in sb
                     if c == c2 and (s1 is None or s2 is None or s1 == s2)})
    if shared:
        return Verdict(True, 1.0, f"actors: {', '.join(shared)} shared", {"level": "shared", "shared": shared})
    countries = sorted({c for c, _ in sa} & {c for c, _ in sb})
    if countries:
        return Verdict(True, 0.6, f"actors: {', '.join(countries)} shared (other sectors: "
                                  f"{', '.join(sorted(_code(*x) for x in sa))} vs "
                                  f"{', '.join(sorted(_code(*x) for x in sb))})",
                       {"level": "country", "shared": countries})
    text = (f"actors: {', '.join(sorted(_code(*x) for x in sa))} vs "
            f"{', '.join(sorted(_code(*x) for x in sb))}")
    if roles_a is not None and roles_b is not None and not any(
            {c for c, _ in roles_a.get(r, ()) if c} and {c for c, _ in roles_b.get(r, ()) if c}
            for r in ("source", "target")):
        # Known in different roles only (one report names the attacker, the other the victims):
        # nothing contradicts, nothing confirms.
        return Verdict(True, 0.0, f"{text} (different roles: not comparable)", {"level": "none"})
    return Verdict(False, 0.0, f"{text} (nothing shared)", {"level": "conflict"})


def compare_types(a: str, b: str) -> Verdict:
    if a == b:
        return Verdict(True, 1.0, f"type: {a} = {b}")
    why = COMPATIBLE_TYPES.get(frozenset({a, b}))
    if why:
        return Verdict(True, 0.5, f"type: {a} ~ {b} ({why})")
    return Verdict(False, 0.0, f"type: {a} != {b}")


def compatible_types(t: str) -> list[str]:
    """The types an event of type `t` can share a story with (itself first)."""
    out = [t]
    for pair in COMPATIBLE_TYPES:
        if t in pair:
            out += sorted(pair - {t})
    return out


# --------------------------------------------------------------------------- events


@dataclass
class EventInfo:
    """What story matching needs of an event (from a stored row or an analysed document)."""

    type: str
    date: DateSpan | None
    place: Spot | None
    actors: set[tuple[str | None, str | None]]
    article: str | None = None
    id: int | str | None = None
    status: str = "occurred"
    #: The actors by role ("source", "target"), when known.
    roles: dict[str, set[tuple[str | None, str | None]]] | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any], actor_rows: Iterable[tuple[str | None, str | None]] = ()) -> "EventInfo":
        """From an ``events`` row (a dict) and its ``actors`` rows' (country, sector)."""
        roles: dict[str, set[tuple[str | None, str | None]]] = {
            "source": {(row.get("source_country"), row.get("source_sector"))} - {(None, None)},
            "target": {(row.get("target_country"), row.get("target_sector"))} - {(None, None)}}
        codes: set[tuple[str | None, str | None]] = set()
        for item in actor_rows:
            if len(item) == 3:  # (role, country, sector)
                roles.setdefault(item[0], set()).add((item[1], item[2]))
            else:
                codes.add((item[0], item[1]))
        for members in roles.values():
            codes |= members
        place = None
        if row.get("lat") is not None or row.get("location_country"):
            place = Spot(row.get("location_name"), row.get("lat"), row.get("lon"),
                         row.get("location_country"), row.get("location_kind"), row.get("geonameid"))
        return cls(row["type"], parse_date(row.get("date"), row.get("date_from")), place,
                   {c for c in codes if c[0]}, row.get("article_id"), row.get("id"),
                   row.get("status") or "occurred", roles)

    @classmethod
    def from_event(cls, ev: Any, doc: Any = None) -> "EventInfo":
        """From an `eventwatch.document.Event` (and its `Document`, for place kinds)."""
        roles = {"source": {(a.country, a.sector) for a in [ev.source, *ev.sources] if a is not None and a.country},
                 "target": {(a.country, a.sector) for a in [ev.target, *ev.targets] if a is not None and a.country}}
        codes = roles["source"] | roles["target"]
        place = None
        loc = ev.location
        if loc is not None and (loc.lat is not None or loc.country):
            kind = None
            if doc is not None and loc.geonameid is not None:
                kind = next((p.kind for p in doc.places if p.geonameid == loc.geonameid), None)
            place = Spot(loc.name, loc.lat, loc.lon, loc.country, kind, loc.geonameid)
        date = parse_date(ev.date.value, ev.date.from_) if ev.date else None
        return cls(ev.type, date, place, codes, getattr(doc, "id", None), ev.id, ev.status, roles)


def _info(x: Any) -> EventInfo:
    if isinstance(x, EventInfo):
        return x
    if isinstance(x, dict):
        return EventInfo.from_row(x)
    return EventInfo.from_event(x)


def explain(a: Any, b: Any) -> dict[str, Any]:
    """Each criterion's verdict on whether `a` and `b` (EventInfo, ``events`` row dicts or
    `Event` objects) are the same event, the score and the decision.

    Returns ``{"same": bool, "score": float, "threshold": float, "type": {...}, "date": {...},
    "place": {...}, "actors": {...}, "why": "..."}``; each criterion has ``ok``, ``strength``
    and ``text`` ("date: 2024-03-04 vs 2024-03-05 (1 day, allowed 1)").
    """
    a, b = _info(a), _info(b)
    ty = compare_types(a.type, b.type)
    da = compare_dates(a.date, b.date)
    pl = compare_places(a.place, b.place)
    ac = compare_actors(a.actors, b.actors, a.roles, b.roles)
    score = (SCORE_WEIGHTS["type"] * ty.strength + SCORE_WEIGHTS["date"] * da.strength
             + SCORE_WEIGHTS["place"] * pl.strength + SCORE_WEIGHTS["actors"] * ac.strength)
    why = ""
    if not ty.ok:
        why = "incompatible types"
    elif not da.ok:
        why = "dates incompatible"
    elif not pl.ok:
        why = "places too far apart"
    elif not ac.ok:
        why = "actors disagree"
    elif pl.detail.get("level") == "none" and ac.detail.get("level") == "none":
        why = "no place and no actors to compare"
    elif pl.detail.get("level") == "none" and ac.detail.get("level") not in ("shared", "country"):
        why = "no place: actors must agree"
    elif ac.detail.get("level") == "none" and not (
            pl.detail.get("level") in ("city", "admin") and da.detail.get("precision") == "day"
            and da.detail.get("gap_days", 9) <= 1):
        why = "no actors: needs a place within reach and a day-precise date within 1 day"
    elif da.detail.get("strict") and not (pl.detail.get("level") in ("city", "admin")
                                          and ac.detail.get("level") == "shared"):
        why = "year-precise date: needs a strong place and shared actors"
    elif score < THRESHOLD:
        why = f"score {score:.2f} under {THRESHOLD}"
    same = not why
    return {"same": same, "score": round(score, 3), "threshold": THRESHOLD,
            "type": ty.as_dict(), "date": da.as_dict(), "place": pl.as_dict(),
            "actors": ac.as_dict(), "why": why or "all criteria agree"}


def match(a: Any, b: Any) -> bool:
    """Whether `a` and `b` describe the same real-world event."""
    return explain(a, b)["same"]


# --------------------------------------------------------------------------- the store


def _chunks(seq: Sequence[Any], n: int = _ID_CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


#: The columns of ``events`` that matching reads.
_MATCH_COLUMNS = ("id", "article_id", "type", "status", "date", "date_from", "location_name", "lat",
                  "lon", "location_country", "location_kind", "geonameid", "source_country",
                  "source_sector", "target_country", "target_sector")


def _load_events(conn: Any, ids: Sequence[int]) -> dict[int, EventInfo]:
    rows: dict[int, dict[str, Any]] = {}
    extra: dict[int, set[tuple[str | None, str | None]]] = {}
    cols = [events.c[name] for name in _MATCH_COLUMNS]
    for chunk in _chunks(list(ids)):
        for r in conn.execute(select(*cols).where(events.c.id.in_(chunk))):
            rows[r.id] = dict(r._mapping)
        for r in conn.execute(select(actors.c.event_id, actors.c.role, actors.c.country, actors.c.sector)
                              .where(actors.c.event_id.in_(chunk))):
            extra.setdefault(r.event_id, set()).add((r.role, r.country, r.sector))
    return {i: EventInfo.from_row(r, extra.get(i, ())) for i, r in rows.items()}


def _window(d: DateSpan) -> tuple[dt.date, dt.date]:
    slack = dt.timedelta(days=2)
    if d.precision == "year":
        return dt.date(d.lo.year, 1, 1), dt.date(d.hi.year, 12, 31)
    return d.lo - slack, d.hi + slack


def _near(info: EventInfo) -> list[Any] | None:
    """The ``WHERE`` clauses (one per index search) of the stories a new event may join: of a
    compatible type, with days near its date, and in its place's country or with no place.
    None when it can join none (no date)."""
    if info.date is None:
        return None
    lo, hi = _window(info.date)
    near = (stories.c.type.in_(compatible_types(info.type)),
            stories.c.last_day >= lo,
            stories.c.last_day <= hi + dt.timedelta(days=MAX_SPAN_DAYS),
            stories.c.first_day <= hi)
    if info.date.precision == "year":  # a wide window: narrow it by country
        countries = {c for c, _ in info.actors} | ({info.place.country} if info.place and info.place.country else set())
        countries.discard(None)
        if not countries:
            return None
        return [and_(*near, stories.c.country.in_(sorted(countries)))]
    if info.place is not None and info.place.country:
        # Two searches rather than one OR, which made the planners scan every country.
        return [and_(*near, stories.c.country == info.place.country),
                and_(*near, stories.c.lat.is_(None))]
    return [and_(*near)]


#: Events whose candidates one query finds (each adds one or two terms to a UNION ALL, and
#: SQLite allows 500).
_CANDIDATE_CHUNK = 100


def _candidates(conn: Any, infos: Sequence[EventInfo]) -> list[list[int]]:
    """The stored stories each of these events may join (see `_near`), in one query per
    `_CANDIDATE_CHUNK` events."""
    out: list[list[int]] = [[] for _ in infos]
    for start in range(0, len(infos), _CANDIDATE_CHUNK):
        parts = [select(stories.c.id, literal(k, Integer).label("k")).where(clause)
                 for k in range(start, min(start + _CANDIDATE_CHUNK, len(infos)))
                 for clause in (_near(infos[k]) or [])]
        if not parts:
            continue
        for sid, k in conn.execute(union_all(*parts) if len(parts) > 1 else parts[0]):
            if sid not in out[k]:
                out[k].append(sid)
    return out


def _members(conn: Any, story_ids: Sequence[int]) -> dict[int, list[int]]:
    """The most recent `MAX_MEMBERS` member events of each story, newest first."""
    out: dict[int, list[int]] = {}
    for chunk in _chunks(list(story_ids)):
        for r in conn.execute(select(story_members.c.story_id, story_members.c.event_id)
                              .where(story_members.c.story_id.in_(chunk))
                              .order_by(story_members.c.event_id.desc())):
            out.setdefault(r.story_id, []).append(r.event_id)
    return {k: v[:MAX_MEMBERS] for k, v in out.items()}


def _may_match(a: EventInfo, b: EventInfo) -> bool:
    """False when the type or the dates already rule the pair out (before `explain`)."""
    if a.date is None or b.date is None:
        return False
    if a.type != b.type and frozenset({a.type, b.type}) not in COMPATIBLE_TYPES:
        return False
    return (max(a.date.lo, b.date.lo) - min(a.date.hi, b.date.hi)).days <= 2


def _best_story(info: EventInfo, candidates: Iterable[int], members: dict[int, list[int]],
                cache: dict[int, EventInfo]) -> tuple[int | None, float, dict[str, Any]]:
    """The candidate story whose best-matching member matches this event best."""
    best: tuple[int | None, float, dict[str, Any]] = (None, 0.0, {})
    for sid in candidates:
        top: dict[str, Any] | None = None
        top_id = None
        blocked = False
        for eid in members.get(sid, ()):
            other = cache.get(eid)
            if other is None:
                continue
            if (other.article != info.article and not _may_match(info, other)):
                continue  # cheap pre-check: explain() would say no
            verdict = explain(info, other)
            if other.article is not None and other.article == info.article and not verdict["same"]:
                blocked = True  # events of one article share a story only if they match
                break
            if verdict["same"] and (top is None or verdict["score"] > top["score"]):
                top, top_id = verdict, eid
        if blocked or top is None:
            continue
        if top["score"] > best[1]:
            reasons = {"matched_event": top_id, "score": top["score"],
                       **{k: top[k]["text"] for k in ("type", "date", "place", "actors")}}
            best = (sid, top["score"], reasons)
    return best


def assign_stories(store: Store, event_ids: Iterable[int]) -> dict[int, int]:
    """Put each of these stored events in a story: the best-matching existing one, or a new
    one. Events already in a story are left alone; negated and hypothetical events join none.
    Only the stories touched are recomputed. Returns {event id: story id}.
    """
    ids = sorted(set(int(i) for i in event_ids))
    out: dict[int, int] = {}
    if not ids:
        return out
    with store._write() as conn, conn.begin():
        out = _assign(conn, ids)
    return out


class _Batch:
    """The stories that events of the batch being assigned founded or joined, kept in memory
    so that later events of the batch find them (their windows may have widened) without
    asking the database again."""

    def __init__(self) -> None:
        self.span: dict[int, tuple[dt.date | None, dt.date | None]] = {}
        self.by_type: dict[str, set[int]] = {}

    def add(self, sid: int, type: str, d: DateSpan | None) -> None:
        lo, hi = self.span.get(sid, (None, None))
        if d is not None:
            lo = d.lo if lo is None else min(lo, d.lo)
            hi = d.hi if hi is None else max(hi, d.hi)
        self.span[sid] = (lo, hi)
        self.by_type.setdefault(type, set()).add(sid)

    def candidates(self, info: EventInfo) -> set[int]:
        if info.date is None:
            return set()
        lo, hi = _window(info.date)
        out = set()
        for t in compatible_types(info.type):
            for sid in self.by_type.get(t, ()):
                first, last = self.span[sid]
                if (last is not None and first is not None and lo <= last
                        and last <= hi + dt.timedelta(days=MAX_SPAN_DAYS) and first <= hi):
                    out.add(sid)
        return out


def _assign(conn: Any, ids: Sequence[int]) -> dict[int, int]:
    """Assign in a few queries whatever the number of events: their candidates, the members
    of those and the members' events are read at once; the new stories and memberships are
    written at once; the touched stories are recomputed at once."""
    done: set[int] = set()
    for chunk in _chunks(list(ids)):
        done.update(conn.execute(select(story_members.c.event_id)
                                 .where(story_members.c.event_id.in_(chunk))).scalars())
    infos = _load_events(conn, [i for i in ids if i not in done])
    todo = [infos[i] for i in ids if i in infos and infos[i].status not in EXCLUDED_STATUS]
    stored = _candidates(conn, todo)
    members = _members(conn, sorted({s for c in stored for s in c}))
    cache: dict[int, EventInfo] = dict(infos)
    need = [e for m in members.values() for e in m if e not in cache]
    cache.update(_load_events(conn, need))

    batch = _Batch()
    new: dict[int, dict[str, Any]] = {}  # founded here, by a provisional (negative) id
    joins: list[dict[str, Any]] = []
    for info, cands in zip(todo, stored):
        order = sorted(set(cands) | batch.candidates(info),
                       key=lambda s: -max(members.get(s) or [0]))  # most recent report first
        sid, score, reasons = _best_story(info, order, members, cache)
        if sid is None:
            sid = -(len(new) + 1)
            new[sid] = {"type": info.type, "first_day": info.date.lo if info.date else None,
                        "last_day": info.date.hi if info.date else None,
                        "n_events": 1, "n_articles": 1, "n_sources": 1}
            score, reasons = 1.0, {"founded": True}
        batch.add(sid, info.type, info.date)
        members.setdefault(sid, []).insert(0, int(info.id))
        joins.append({"event_id": int(info.id), "story_id": sid, "score": score, "reasons": reasons})

    real: dict[int, int] = {}
    if new:
        keys = sorted(new, reverse=True)  # -1, -2, ...: in founding order
        made = conn.execute(insert(stories).returning(stories.c.id, sort_by_parameter_order=True),
                            [new[k] for k in keys]).scalars().all()
        real = dict(zip(keys, made))
    for j in joins:
        j["story_id"] = real.get(j["story_id"], j["story_id"])
    if joins:
        conn.execute(insert(story_members), joins)
    _refresh(conn, {j["story_id"] for j in joins})
    return {j["event_id"]: j["story_id"] for j in joins}


#: The columns `_aggregate` sets, written for many stories in one statement.
_AGGREGATES = ("type", "first_day", "last_day", "date", "place_name", "lat", "lon", "country",
               "n_events", "n_articles", "n_sources", "first_reported", "last_reported", "quantities")


def _refresh(conn: Any, story_ids: Iterable[int]) -> None:
    """Recompute the aggregates of these stories from their members; delete empty ones."""
    sids = sorted(set(story_ids))
    if not sids:
        return
    rows: dict[int, list[Any]] = {s: [] for s in sids}
    for chunk in _chunks(sids):
        stmt = (select(story_members.c.story_id, events.c.id, events.c.article_id, events.c.type,
                       events.c.date, events.c.date_from, events.c.location_name, events.c.lat,
                       events.c.lon, events.c.location_country, events.c.source_country,
                       events.c.quantities, articles.c.source, articles.c.url, articles.c.published)
                .select_from(story_members.join(events, events.c.id == story_members.c.event_id)
                             .join(articles, articles.c.id == events.c.article_id))
                .where(story_members.c.story_id.in_(chunk)).order_by(events.c.id))
        for r in conn.execute(stmt):
            rows[r.story_id].append(r)
    empty = [s for s, rs in rows.items() if not rs]
    for chunk in _chunks(empty):
        conn.execute(delete(stories).where(stories.c.id.in_(chunk)))
    values = [{"sid": sid, **{f"v_{k}": v for k, v in _aggregate(rs).items()}}
              for sid, rs in rows.items() if rs]
    if values:
        conn.execute(update(stories).where(stories.c.id == bindparam("sid"))
                     .values({k: bindparam(f"v_{k}") for k in _AGGREGATES}), values)


def _aggregate(rs: list[Any]) -> dict[str, Any]:
    spans = [(r, parse_date(r.date, r.date_from)) for r in rs]
    dated = [(r, d) for r, d in spans if d is not None]
    best_date = None
    if dated:
        rank = min(_PRECISION_RANK[d.precision] + (0.5 if d.published else 0) for _, d in dated)
        values = Counter(d.value for _, d in dated
                         if _PRECISION_RANK[d.precision] + (0.5 if d.published else 0) == rank)
        best_date = values.most_common(1)[0][0]
    places = Counter((r.location_name, r.location_country) for r in rs if r.lat is not None)
    place = None
    if places:
        name, country = places.most_common(1)[0][0]
        place = next(r for r in rs if r.lat is not None and (r.location_name, r.location_country) == (name, country))
    country = place.location_country if place is not None else (
        Counter(r.location_country or r.source_country for r in rs
                if r.location_country or r.source_country).most_common(1) or [(None, 0)])[0][0]
    outlets = {r.source or site_of(r.url) or r.article_id for r in rs}
    published = [r.published for r in rs if r.published is not None]
    quantities = [{"text": q.get("text"), "value": q.get("value"), "unit": q.get("unit"),
                   "event_id": r.id, "article_id": r.article_id,
                   "source": r.source or site_of(r.url), "url": r.url}
                  for r in rs for q in (r.quantities or [])]
    types = Counter(r.type for r in rs)
    return {
        "type": types.most_common(1)[0][0],
        "first_day": min((d.lo for _, d in dated), default=None),
        "last_day": max((d.hi for _, d in dated), default=None),
        "date": best_date,
        "place_name": place.location_name if place is not None else None,
        "lat": place.lat if place is not None else None,
        "lon": place.lon if place is not None else None,
        "country": country,
        "n_events": len(rs), "n_articles": len({r.article_id for r in rs}),
        "n_sources": len(outlets),
        "first_reported": min(published, default=None), "last_reported": max(published, default=None),
        "quantities": quantities or None,
    }


def rebuild_stories(store: Store, batch: int = 5000) -> int:
    """Recompute every story from scratch (a maintenance command: ``eventwatch stories
    --rebuild``): events are assigned in storage order, as incremental assignment would.
    Returns the number of stories."""
    with store._write() as conn, conn.begin():
        conn.execute(delete(story_members))
        conn.execute(delete(stories))
    last = 0
    while True:
        with store.engine.connect() as conn:
            ids = list(conn.execute(select(events.c.id).where(events.c.id > last)
                                    .order_by(events.c.id).limit(batch)).scalars())
        if not ids:
            break
        assign_stories(store, ids)
        last = ids[-1]
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(stories)).scalar_one())


def assign_article(store: Store, article_id: str) -> dict[int, int]:
    """Assign the events of one stored article (call after `Store.save_batch`)."""
    with store.engine.connect() as conn:
        ids = list(conn.execute(select(events.c.id).where(events.c.article_id == article_id)).scalars())
    return assign_stories(store, ids)


def assign_new(store: Store) -> dict[int, int]:
    """Assign every stored event that is in no story yet (after an ingest)."""
    with store.engine.connect() as conn:
        ids = list(conn.execute(
            select(events.c.id).where(~events.c.id.in_(select(story_members.c.event_id)))
            .order_by(events.c.id)).scalars())
    return assign_stories(store, ids)


def delete_article(store: Store, article_id: str) -> bool:
    """Delete an article (and its events) and update the stories they were in: their
    aggregates are recomputed, stories left without members are deleted. Whether it was there."""
    with store._write() as conn, conn.begin():
        sids = list(conn.execute(
            select(story_members.c.story_id).distinct()
            .select_from(story_members.join(events, events.c.id == story_members.c.event_id))
            .where(events.c.article_id == article_id)).scalars())
        gone = conn.execute(delete(articles).where(articles.c.id == article_id)).rowcount > 0
        _refresh(conn, sids)
    return gone


def repair_stories(store: Store) -> int:
    """After articles were deleted some other way (`Store.delete_article`): recompute the
    stories whose member count changed and delete the empty ones. Returns how many changed."""
    with store._write() as conn, conn.begin():
        counts = (select(story_members.c.story_id, func.count().label("n"))
                  .group_by(story_members.c.story_id).subquery())
        stale = list(conn.execute(
            select(stories.c.id).select_from(stories.outerjoin(counts, counts.c.story_id == stories.c.id))
            .where(or_(counts.c.n.is_(None), counts.c.n != stories.c.n_events))).scalars())
        _refresh(conn, stale)
    return len(stale)


# --------------------------------------------------------------------------- queries


def _story_dict(r: Any) -> dict[str, Any]:
    d = dict(r._mapping)
    for k in ("first_day", "last_day", "first_reported", "last_reported"):
        if d.get(k) is not None:
            d[k] = d[k].isoformat()
    return d


def query_stories(store: Store, type: str | None = None, country: str | None = None,
                  since: dt.date | str | None = None, until: dt.date | str | None = None,
                  min_articles: int | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Stories matching every filter given, latest first: `type` (or a compatible member type
    is not enough: the story's type), `country` (the best place's), `since`/`until` (inclusive,
    on the days the story covers), `min_articles`."""
    stmt = select(stories)
    if type:
        stmt = stmt.where(stories.c.type == type.strip().upper())
    if country:
        stmt = stmt.where(stories.c.country == country.strip().upper())
    if (day := _as_date(since, "since")) is not None:
        stmt = stmt.where(stories.c.last_day >= day)
    if (day := _as_date(until, "until")) is not None:
        stmt = stmt.where(stories.c.first_day <= day)
    if min_articles:
        stmt = stmt.where(stories.c.n_articles >= int(min_articles))
    stmt = stmt.order_by(stories.c.last_day.desc().nulls_last(), stories.c.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    with store.engine.connect() as conn:
        return [_story_dict(r) for r in conn.execute(stmt)]


def story(store: Store, story_id: int) -> dict[str, Any] | None:
    """One story with its members (event, article, source, score, reasons) and its quantities
    grouped by source; None if unknown."""
    with store.engine.connect() as conn:
        row = conn.execute(select(stories).where(stories.c.id == story_id)).first()
        if row is None:
            return None
        out = _story_dict(row)
        members = conn.execute(
            select(story_members.c.event_id, story_members.c.score, story_members.c.reasons,
                   events.c.article_id, events.c.type, events.c.status, events.c.trigger_text,
                   events.c.date, events.c.location_name, events.c.source_name, events.c.target_name,
                   events.c.quantities, articles.c.source, articles.c.url, articles.c.title,
                   articles.c.published)
            .select_from(story_members.join(events, events.c.id == story_members.c.event_id)
                         .join(articles, articles.c.id == events.c.article_id))
            .where(story_members.c.story_id == story_id).order_by(events.c.id)).all()
    out["members"] = []
    for m in members:
        d = dict(m._mapping)
        d["source"] = d["source"] or site_of(d["url"])
        if d["published"] is not None:
            d["published"] = d["published"].isoformat()
        out["members"].append(d)
    by_source: dict[str, list[dict[str, Any]]] = {}
    for q in out.get("quantities") or []:
        by_source.setdefault(q.get("source") or q.get("article_id"), []).append(
            {"text": q.get("text"), "value": q.get("value"), "unit": q.get("unit")})
    out["quantities_by_source"] = by_source
    return out


__all__ = ["COMPATIBLE_TYPES", "DateSpan", "EventInfo", "Spot", "THRESHOLD", "Verdict",
           "assign_article", "assign_new", "assign_stories", "compare_actors", "compare_dates",
           "compare_places", "compare_types", "delete_article", "explain", "match", "parse_date",
           "query_stories", "rebuild_stories", "repair_stories", "story"]
