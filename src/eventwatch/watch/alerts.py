"""Alerts: newly stored events matched against the stored watchlists, and delivered.

`check_new` matches every event stored since the last check (the cursor ``matched_through`` in
``watch_state``) against each enabled watchlist added before the event; a match is stored as an
alert with its reasons, and one pending delivery per notifier of the watchlist. A watchlist
alerts once per story: an event whose story (the same real event reported by another outlet)
already raised an alert of that watchlist raises none. Matching a batch of events and moving the
cursor happen in one transaction, so a run killed half-way neither loses nor repeats alerts.

`deliver` sends the pending deliveries whose time has come. A failure is recorded (attempts,
error) and retried later with a growing delay (1, 2, 4 ... minutes, at most 6 hours); after
`MAX_ATTEMPTS` (or at once when retrying cannot help: an HTTP 400, a refused login) the
delivery is marked "failed" and kept (``eventwatch alerts --retry`` queues
it again). Delivery is at least once: a process killed between sending and recording sends again.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update

from ..errors import WatchlistError
from ..store import Store
from ..store.schema import (actors, alerts, articles, deliveries, events, story_members, watch_state,
                            watchlists)
from .watchlists import EventView, Watchlist, parse

log = logging.getLogger("eventwatch.watch")

CURSOR = "matched_through"
MAX_ATTEMPTS = 8
BATCH = 500
_MAX_DELAY = dt.timedelta(hours=6)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# --------------------------------------------------------------------------- watchlists


def save_watchlists(store: Store, items: Iterable[Watchlist]) -> list[str]:
    """Add these watchlists, or replace those of the same name (keeping when they started and
    their alerts). A new watchlist alerts on events stored from now on. Returns the names."""
    now = _now()
    names = []
    with store._write() as conn, conn.begin():
        top = conn.execute(select(func.max(events.c.id))).scalar_one() or 0
        for w in items:
            found = conn.execute(select(watchlists.c.id).where(watchlists.c.name == w.name)).scalar_one_or_none()
            if found is None:
                conn.execute(insert(watchlists), {"name": w.name, "spec": w.spec, "enabled": True,
                                                  "since_event": top, "created_at": now, "updated_at": now})
            else:
                conn.execute(update(watchlists).where(watchlists.c.id == found).values(spec=w.spec, updated_at=now))
            names.append(w.name)
    return names


def list_watchlists(store: Store) -> list[dict[str, Any]]:
    """Every watchlist with its spec and number of alerts."""
    counts = (select(alerts.c.watchlist_id, func.count().label("n"))
              .group_by(alerts.c.watchlist_id).subquery())
    stmt = (select(watchlists, func.coalesce(counts.c.n, 0).label("alerts"))
            .select_from(watchlists.outerjoin(counts, counts.c.watchlist_id == watchlists.c.id))
            .order_by(watchlists.c.name))
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def get_watchlist(store: Store, name: str) -> dict[str, Any] | None:
    return next((w for w in list_watchlists(store) if w["name"] == name), None)


def remove_watchlist(store: Store, name: str) -> bool:
    """Delete a watchlist and its alerts. Whether it was there."""
    with store._write() as conn, conn.begin():
        return conn.execute(delete(watchlists).where(watchlists.c.name == name)).rowcount > 0


def set_enabled(store: Store, name: str, enabled: bool) -> bool:
    with store._write() as conn, conn.begin():
        return conn.execute(update(watchlists).where(watchlists.c.name == name)
                            .values(enabled=enabled, updated_at=_now())).rowcount > 0


def _active(conn: Any) -> list[tuple[int, int, Watchlist]]:
    out = []
    for r in conn.execute(select(watchlists).where(watchlists.c.enabled.is_(True)).order_by(watchlists.c.id)):
        try:
            out.append((r.id, r.since_event, parse(r.spec, f"stored watchlist {r.name!r}")))
        except WatchlistError as exc:  # stored by an older version, say: skip it, loudly
            log.error("%s", exc)
    return out


# --------------------------------------------------------------------------- events


_EVENT_COLUMNS = ("id", "article_id", "type", "mode", "status", "confidence", "location_name",
                  "location_country", "location_kind", "geonameid", "lat", "lon", "quantities",
                  "trigger_text", "date", "source_name", "source_country", "source_sector",
                  "target_name", "target_country", "target_sector")


def _sentence() -> Any:
    """The event's sentence, cut from its article's text in SQL."""
    return func.substr(articles.c.text, events.c.sentence_start + 1,
                       events.c.sentence_end - events.c.sentence_start).label("sentence")


def _views(conn: Any, where: Any, limit: int | None = None, newest_first: bool = False
           ) -> list[tuple[dict[str, Any], EventView]]:
    """Events (with their sentence and article) for matching, in id order."""
    stmt = (select(*[events.c[c] for c in _EVENT_COLUMNS], _sentence(), articles.c.title, articles.c.url,
                   articles.c.source.label("outlet"), articles.c.published,
                   story_members.c.story_id)
            .select_from(events.join(articles, articles.c.id == events.c.article_id)
                         .outerjoin(story_members, story_members.c.event_id == events.c.id))
            .where(where).order_by(events.c.id.desc() if newest_first else events.c.id))
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = [dict(r._mapping) for r in conn.execute(stmt)]
    people: dict[int, list[tuple]] = {}
    ids = [r["id"] for r in rows]
    for start in range(0, len(ids), BATCH):
        for a in conn.execute(select(actors.c.event_id, actors.c.role, actors.c.name, actors.c.country,
                                     actors.c.sector).where(actors.c.event_id.in_(ids[start:start + BATCH]))):
            people.setdefault(a.event_id, []).append((a.role, a.name, a.country, a.sector))
    return [(r, EventView.from_row(r, people.get(r["id"], ()), r.get("sentence") or "")) for r in rows]


def _state(conn: Any, key: str) -> dict[str, Any] | None:
    return conn.execute(select(watch_state.c.value).where(watch_state.c.key == key)).scalar_one_or_none()


def _set_state(conn: Any, key: str, value: dict[str, Any]) -> None:
    if conn.execute(update(watch_state).where(watch_state.c.key == key)
                    .values(value=value, updated_at=_now())).rowcount == 0:
        conn.execute(insert(watch_state), {"key": key, "value": value, "updated_at": _now()})


def get_state(store: Store, key: str) -> dict[str, Any] | None:
    with store.engine.connect() as conn:
        return _state(conn, key)


def set_state(store: Store, key: str, value: dict[str, Any]) -> None:
    with store._write() as conn, conn.begin():
        _set_state(conn, key, value)


# --------------------------------------------------------------------------- matching


def check_new(store: Store) -> list[int]:
    """Match the events stored since the last check; store the alerts and their pending
    deliveries. Returns the new alerts' ids."""
    made: list[int] = []
    while True:
        with store._write() as conn, conn.begin():
            done = (_state(conn, CURSOR) or {}).get("event_id", 0)
            active = _active(conn)
            if not active:  # nothing to match: every stored event is done
                top = conn.execute(select(func.max(events.c.id))).scalar_one() or 0
                if top > done:
                    _set_state(conn, CURSOR, {"event_id": top})
                return made
            batch = _views(conn, events.c.id > done, limit=BATCH)
            if not batch:
                return made
            made += _match(conn, active, batch)
            _set_state(conn, CURSOR, {"event_id": batch[-1][0]["id"]})


def _match(conn: Any, active: Sequence[tuple[int, int, Watchlist]],
           batch: Sequence[tuple[dict[str, Any], EventView]]) -> list[int]:
    now = _now()
    alerted = _alerted_stories(conn, {row["story_id"] for row, _ in batch if row["story_id"] is not None})
    rows: list[dict[str, Any]] = []
    notify: list[list[dict[str, Any]]] = []
    for row, view in batch:
        for wid, since, w in active:
            if row["id"] <= since:
                continue
            ok, reasons = w.test(view)
            if not ok:
                continue
            sid = row["story_id"]
            if sid is not None:
                if (wid, sid) in alerted:
                    continue  # another report of this story alerted already
                alerted.add((wid, sid))
            rows.append({"watchlist_id": wid, "event_id": row["id"], "story_id": sid, "reasons": reasons,
                         "created_at": now})
            notify.append(w.notify)
    if not rows:
        return []
    made = list(conn.execute(insert(alerts).returning(alerts.c.id, sort_by_parameter_order=True), rows).scalars())
    todo = [{"alert_id": aid, "notifier": spec, "status": "pending", "attempts": 0, "next_attempt_at": now}
            for aid, specs in zip(made, notify) for spec in specs]
    if todo:
        conn.execute(insert(deliveries), todo)
    return made


def _alerted_stories(conn: Any, story_ids: set[int]) -> set[tuple[int, int]]:
    """(watchlist, story) pairs among these stories that an event already alerted for."""
    out: set[tuple[int, int]] = set()
    ids = sorted(story_ids)
    for start in range(0, len(ids), BATCH):
        stmt = (select(alerts.c.watchlist_id, story_members.c.story_id).distinct()
                .select_from(story_members.join(alerts, alerts.c.event_id == story_members.c.event_id))
                .where(story_members.c.story_id.in_(ids[start:start + BATCH])))
        out.update((w, s) for w, s in conn.execute(stmt))
    return out


def dry_run(store: Store, watchlist: Watchlist, limit: int = 1000) -> list[dict[str, Any]]:
    """What a watchlist would match among the `limit` most recent stored events (nothing stored):
    [{event, reasons}] newest first. For trying a watchlist out before adding it."""
    out = []
    with store.engine.connect() as conn:
        for row, view in _views(conn, events.c.id > 0, limit=limit, newest_first=True):
            ok, reasons = watchlist.test(view)
            if ok:
                out.append({"event": _event_dict(row), "reasons": reasons})
    return out


# --------------------------------------------------------------------------- alerts


def _event_dict(r: dict[str, Any]) -> dict[str, Any]:
    keys = ("type", "mode", "status", "date", "location_name", "location_country", "lat", "lon",
            "trigger_text", "sentence", "source_country", "source_sector", "target_country",
            "target_sector", "confidence", "quantities")
    return {"id": r["id"], "article_id": r["article_id"], **{k: r.get(k) for k in keys}}


def _alert_rows(conn: Any, where: Any, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    stmt = (select(alerts.c.id, alerts.c.created_at, alerts.c.reasons, alerts.c.story_id,
                   alerts.c.event_id, watchlists.c.name.label("watchlist"),
                   *[events.c[c] for c in _EVENT_COLUMNS if c != "id"], _sentence(),
                   articles.c.title, articles.c.url, articles.c.source.label("outlet"), articles.c.published)
            .select_from(alerts.join(watchlists, watchlists.c.id == alerts.c.watchlist_id)
                         .join(events, events.c.id == alerts.c.event_id)
                         .join(articles, articles.c.id == events.c.article_id))
            .where(where).order_by(alerts.c.id.desc()).offset(offset))
    if limit is not None:
        stmt = stmt.limit(limit)
    out = []
    for r in conn.execute(stmt):
        m = dict(r._mapping)
        m["id"] = r.event_id
        out.append({
            "id": r.id, "watchlist": r.watchlist,
            "created_at": r.created_at.isoformat() if r.created_at else None,
            "event_id": r.event_id, "story_id": r.story_id, "article_id": r.article_id,
            "reasons": list(r.reasons or []), "event": _event_dict(m),
            "article": {"title": r.title, "url": r.url, "source": r.outlet,
                        "published": r.published.isoformat() if r.published else None},
        })
    return out


def query_alerts(store: Store, watchlist: str | None = None, since: dt.datetime | None = None,
                 limit: int | None = 100, offset: int = 0, deliveries_too: bool = True) -> list[dict[str, Any]]:
    """Alerts, newest first, each with its event, article and (optionally) deliveries."""
    where = [alerts.c.id > 0]
    if watchlist:
        where.append(watchlists.c.name == watchlist)
    if since is not None:
        where.append(alerts.c.created_at >= since)
    with store.engine.connect() as conn:
        rows = _alert_rows(conn, and_(*where), limit, offset)
        if deliveries_too and rows:
            by: dict[int, list[dict[str, Any]]] = {}
            for d in conn.execute(select(deliveries).where(deliveries.c.alert_id.in_([r["id"] for r in rows]))
                                  .order_by(deliveries.c.id)):
                by.setdefault(d.alert_id, []).append(_delivery_dict(d))
            for r in rows:
                r["deliveries"] = by.get(r["id"], [])
    return rows


def _delivery_dict(d: Any) -> dict[str, Any]:
    from .notify import from_spec
    try:
        name = from_spec(dict(d.notifier)).name
    except Exception:  # noqa: BLE001 - a spec the current version rejects: show it raw
        name = str(d.notifier)
    return {"id": d.id, "notifier": name, "status": d.status, "attempts": d.attempts,
            "last_error": d.last_error,
            "next_attempt_at": d.next_attempt_at.isoformat() if d.next_attempt_at else None,
            "sent_at": d.sent_at.isoformat() if d.sent_at else None}


# --------------------------------------------------------------------------- delivery


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait before the next attempt after `attempts` failed ones: 1, 2, 4 ... minutes."""
    return min(dt.timedelta(minutes=2 ** max(0, attempts - 1)), _MAX_DELAY)


def deliver(store: Store, now: dt.datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """Send the pending deliveries that are due. Returns {"sent": n, "failed": n, "retrying": n}."""
    from .notify import DeliveryError, from_spec

    now = now or _now()
    counts = {"sent": 0, "failed": 0, "retrying": 0}
    with store.engine.connect() as conn:
        due = list(conn.execute(select(deliveries).where(deliveries.c.status == "pending",
                                                         deliveries.c.next_attempt_at <= now)
                                .order_by(deliveries.c.id).limit(limit)))
        alert_ids = sorted({d.alert_id for d in due})
        by_alert = {a["id"]: a for a in _alert_rows(conn, alerts.c.id.in_(alert_ids))} if alert_ids else {}
    for d in due:
        alert = by_alert.get(d.alert_id)
        if alert is None:
            continue  # deleted meanwhile (its article or watchlist went)
        error, hopeless = None, False
        try:
            from_spec(dict(d.notifier)).send(alert)
        except DeliveryError as exc:
            error, hopeless = str(exc), not exc.retryable  # a 400, a refused login: no use retrying
        except Exception as exc:  # noqa: BLE001 - a broken notifier must not stop the others
            error = f"{type(exc).__name__}: {exc}"
        attempts = d.attempts + 1
        if error is None:
            values = {"status": "sent", "attempts": attempts, "sent_at": _now(), "next_attempt_at": None,
                      "last_error": None}
            counts["sent"] += 1
        elif hopeless or attempts >= MAX_ATTEMPTS:
            values = {"status": "failed", "attempts": attempts, "last_error": error, "next_attempt_at": None}
            counts["failed"] += 1
            log.error("alert %s: giving up on %s after %d attempts: %s", d.alert_id, d.notifier, attempts, error)
        else:
            values = {"attempts": attempts, "last_error": error, "next_attempt_at": _now() + retry_delay(attempts)}
            counts["retrying"] += 1
            log.warning("alert %s: delivery failed (attempt %d), will retry: %s", d.alert_id, attempts, error)
        with store._write() as conn, conn.begin():
            conn.execute(update(deliveries).where(deliveries.c.id == d.id).values(**values))
    return counts


def requeue_failed(store: Store) -> int:
    """Queue the deliveries that gave up for another round of attempts. Returns how many."""
    with store._write() as conn, conn.begin():
        return conn.execute(update(deliveries).where(deliveries.c.status == "failed")
                            .values(status="pending", attempts=0, next_attempt_at=_now())).rowcount
