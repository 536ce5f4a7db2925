"""Read queries the dashboard needs beyond `Store.query_events` / `query_articles`: sorted and
counted event pages, facets, actors, places and statistics.

Every query is a SQLAlchemy Core select on the tables of `eventwatch.store.schema`, so every
value is a bound parameter. The event filters are the same as `Store.query_events`'s.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Select, distinct, func, literal, or_, select, union_all

from ..store.schema import actors, articles, events, quotes
from ..store.store import Store, _as_date, _bounding_box, _like_pattern, haversine_km

#: `sort` keys of the events table -> columns.
SORT_COLUMNS = {
    "day": events.c.day, "type": events.c.type, "source": events.c.source_name,
    "target": events.c.target_name, "location": events.c.location_name,
    "confidence": events.c.confidence, "id": events.c.id,
}


@dataclass
class EventFilters:
    """The filters of `Store.query_events` (``near`` is ``near_lat``/``near_lon``)."""

    country: str | None = None
    actor: str | None = None
    type: str | None = None
    status: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    near_lat: float | None = None
    near_lon: float | None = None
    km: float | None = None
    text: str | None = None

    @property
    def near(self) -> tuple[float, float] | None:
        if self.near_lat is None or self.near_lon is None:
            return None
        return (self.near_lat, self.near_lon)

    def store_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `Store.query_events`."""
        return {"country": self.country, "actor": self.actor, "type": self.type,
                "status": self.status, "since": self.since, "until": self.until,
                "near": self.near, "km": self.km if self.near else None, "text": self.text}

    def query_items(self) -> dict[str, str]:
        """The filters that are set, as query-string values."""
        return {k: (v.isoformat() if isinstance(v, dt.date) else str(v))
                for k, v in asdict(self).items() if v not in (None, "")}


def event_conditions(store: Store, f: EventFilters) -> list[Any]:
    """WHERE clauses for the filters (the `near` radius only as its bounding box)."""
    e = events
    conds: list[Any] = []
    if f.country:
        code = f.country.strip().upper()
        conds.append(or_(e.c.source_country == code, e.c.target_country == code,
                         e.c.location_country == code,
                         e.c.id.in_(select(actors.c.event_id).where(actors.c.country == code))))
    if f.actor:
        conds.append(e.c.id.in_(select(actors.c.event_id).where(
            actors.c.name.ilike(_like_pattern(f.actor.strip()), escape="\\"))))
    if f.type:
        conds.append(e.c.type == f.type.strip().upper())
    if f.status:
        conds.append(e.c.status == f.status.strip())
    if (day := _as_date(f.since, "since")) is not None:
        conds.append(e.c.day >= day)
    if (day := _as_date(f.until, "until")) is not None:
        conds.append(e.c.day <= day)
    if f.near is not None and f.km is not None:
        conds.append(_bounding_box(e.c.lat, e.c.lon, f.near[0], f.near[1], float(f.km)))
    if f.text:
        conds.append(store._text_condition(f.text))
    return conds


def _event_select(store: Store, f: EventFilters) -> Select[Any]:
    return select(
        *events.c, articles.c.url, articles.c.title, articles.c.published,
        articles.c.source.label("article_source"), articles.c.ingested_at,
    ).select_from(events.join(articles, articles.c.id == events.c.article_id)).where(
        *event_conditions(store, f))


def _order(sort: str) -> list[Any]:
    desc = sort.startswith("-")
    col = SORT_COLUMNS[sort.lstrip("-")]
    first = col.desc().nulls_last() if desc else col.asc().nulls_last()
    return [first, events.c.id.desc() if desc else events.c.id]


def _rows(store: Store, stmt: Select[Any]) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def _within(rows: Iterator[dict[str, Any]], f: EventFilters) -> Iterator[dict[str, Any]]:
    assert f.near is not None and f.km is not None
    for row in rows:
        d = haversine_km(f.near[0], f.near[1], row["lat"], row["lon"])
        if d <= f.km:
            row["distance_km"] = d
            yield row


def events_page(store: Store, f: EventFilters, sort: str = "id", limit: int = 100,
                offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    """(total, rows) of one page of the events matching `f`, sorted by `sort` (a key of
    `SORT_COLUMNS`, ``-`` prefixed for descending)."""
    stmt = _event_select(store, f).order_by(*_order(sort))
    if f.near is None:
        with store.engine.connect() as conn:
            count = select(func.count()).select_from(
                events.join(articles, articles.c.id == events.c.article_id)).where(
                *event_conditions(store, f))
            total = int(conn.execute(count).scalar_one())
        return total, _rows(store, stmt.limit(limit).offset(offset))
    # A radius: the bounding box in SQL, the exact distance here.
    kept = list(_within(store._stream(stmt), f))
    return len(kept), kept[offset:offset + limit]


def filtered_ids(store: Store, f: EventFilters) -> Select[Any]:
    """A select of the ids of the events matching `f` (a radius as its bounding box)."""
    stmt = select(events.c.id).select_from(events.join(articles, articles.c.id == events.c.article_id))
    return stmt.where(*event_conditions(store, f))


def facets(store: Store, f: EventFilters, top: int = 12) -> dict[str, list[dict[str, Any]]]:
    """Counts of the matching events by type, status, country (source, target or location)
    and actor, the most frequent first."""
    ids = filtered_ids(store, f).subquery()
    out: dict[str, list[dict[str, Any]]] = {}
    with store.engine.connect() as conn:
        for key, col in (("type", events.c.type), ("status", events.c.status)):
            stmt = (select(col, func.count()).where(events.c.id.in_(select(ids.c.id)), col.is_not(None))
                    .group_by(col).order_by(func.count().desc(), col).limit(top))
            out[key] = [{"value": v, "count": int(n)} for v, n in conn.execute(stmt)]
        parts = union_all(*[
            select(events.c.id.label("eid"), c.label("code")).where(events.c.id.in_(select(ids.c.id)))
            for c in (events.c.source_country, events.c.target_country, events.c.location_country)],
            select(actors.c.event_id.label("eid"), actors.c.country.label("code")).where(
                actors.c.event_id.in_(select(ids.c.id)))).subquery()
        n = func.count(distinct(parts.c.eid))
        stmt = (select(parts.c.code, n).where(parts.c.code.is_not(None)).group_by(parts.c.code)
                .order_by(n.desc(), parts.c.code).limit(top))
        out["country"] = [{"value": v, "count": int(c)} for v, c in conn.execute(stmt)]
        n = func.count(distinct(actors.c.event_id))
        stmt = (select(actors.c.name, n).where(actors.c.event_id.in_(select(ids.c.id)),
                                               actors.c.name.is_not(None))
                .group_by(actors.c.name).order_by(n.desc(), actors.c.name).limit(top))
        out["actor"] = [{"value": v, "count": int(c)} for v, c in conn.execute(stmt)]
    return out


# --------------------------------------------------------------------------- articles


def articles_total(store: Store, text: str | None, since: dt.date | None, until: dt.date | None,
                   source: str | None) -> int:
    stmt = select(func.count()).select_from(articles)
    if since is not None:
        stmt = stmt.where(articles.c.published >= since)
    if until is not None:
        stmt = stmt.where(articles.c.published <= until)
    if source:
        stmt = stmt.where(articles.c.source == source)
    if text:
        stmt = stmt.where(store._text_condition(text))
    with store.engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


# --------------------------------------------------------------------------- actors and places


def actor_counts(store: Store, limit: int = 100) -> list[dict[str, Any]]:
    """Actor names with how many events they are a source or target of, the most frequent first."""
    n = func.count(distinct(actors.c.event_id))
    stmt = (select(actors.c.name, n, func.count(distinct(actors.c.country)))
            .where(actors.c.name.is_not(None)).group_by(actors.c.name)
            .order_by(n.desc(), actors.c.name).limit(limit))
    with store.engine.connect() as conn:
        return [{"name": name, "events": int(c)} for name, c, _ in conn.execute(stmt)]


def actor_detail(store: Store, name: str, limit: int = 500) -> dict[str, Any] | None:
    """Events with `name` as a source, as a target, the quotes of that speaker and the actors
    appearing in the same events; None if the name is unknown."""
    def role_events(role: str) -> list[dict[str, Any]]:
        ids = select(actors.c.event_id).where(actors.c.name == name, actors.c.role == role)
        stmt = _event_select(store, EventFilters()).where(events.c.id.in_(ids)).order_by(
            events.c.day.desc().nulls_last(), events.c.id).limit(limit)
        return _rows(store, stmt)

    as_source, as_target = role_events("source"), role_events("target")
    q = (select(quotes.c.article_id, quotes.c.start, quotes.c.end, quotes.c.text, quotes.c.kind,
                quotes.c.speaker_name, quotes.c.cue_text, articles.c.title, articles.c.published)
         .select_from(quotes.join(articles, articles.c.id == quotes.c.article_id))
         .where(quotes.c.speaker_name == name).order_by(quotes.c.id).limit(limit))
    said = _rows(store, q)
    mine = select(actors.c.event_id).where(actors.c.name == name)
    n = func.count(distinct(actors.c.event_id))
    co = (select(actors.c.name, n).where(actors.c.event_id.in_(mine), actors.c.name != name,
                                         actors.c.name.is_not(None))
          .group_by(actors.c.name).order_by(n.desc(), actors.c.name).limit(100))
    with store.engine.connect() as conn:
        co_actors = [{"name": v, "events": int(c)} for v, c in conn.execute(co)]
    if not (as_source or as_target or said):
        return None
    return {"name": name, "as_source": as_source, "as_target": as_target, "quotes": said,
            "co_actors": co_actors}


def place_counts(store: Store, limit: int = 100) -> list[dict[str, Any]]:
    """Event locations with their counts and (mean) coordinates, the most frequent first."""
    n = func.count()
    stmt = (select(events.c.location_name, events.c.location_country, n,
                   func.avg(events.c.lat), func.avg(events.c.lon))
            .where(events.c.location_name.is_not(None))
            .group_by(events.c.location_name, events.c.location_country)
            .order_by(n.desc(), events.c.location_name).limit(limit))
    with store.engine.connect() as conn:
        return [{"name": name, "country": country, "events": int(c),
                 "lat": float(lat) if lat is not None else None,
                 "lon": float(lon) if lon is not None else None}
                for name, country, c, lat, lon in conn.execute(stmt)]


def stats(store: Store, since: dt.date | None, until: dt.date | None) -> dict[str, Any]:
    """Event counts by day and type, by type and by location country, over `since`..`until`
    (the first day of the events; undated events are counted only when no range is given)."""
    conds: list[Any] = []
    if since is not None:
        conds.append(events.c.day >= since)
    if until is not None:
        conds.append(events.c.day <= until)
    n = func.count()
    with store.engine.connect() as conn:
        by_day_type = [{"day": d, "type": t, "count": int(c)} for d, t, c in conn.execute(
            select(events.c.day, events.c.type, n).where(*conds, events.c.day.is_not(None))
            .group_by(events.c.day, events.c.type).order_by(events.c.day, events.c.type))]
        by_type = [{"value": t, "count": int(c)} for t, c in conn.execute(
            select(events.c.type, n).where(*conds).group_by(events.c.type)
            .order_by(n.desc(), events.c.type))]
        country = func.coalesce(events.c.location_country, literal(""))
        by_country = [{"value": k or None, "count": int(c)} for k, c in conn.execute(
            select(country, n).where(*conds).group_by(country).order_by(n.desc(), country))]
    by_day: dict[dt.date, int] = {}
    for row in by_day_type:
        by_day[row["day"]] = by_day.get(row["day"], 0) + row["count"]
    return {"since": since, "until": until, "total": sum(r["count"] for r in by_type),
            "by_day": [{"day": d, "count": c} for d, c in by_day.items()],
            "by_day_type": by_day_type, "by_type": by_type, "by_country": by_country}
