"""From analysed documents to table rows: the article id rule, TIMEX3 values as days, and one
plain dict per row of each table, ready for a bulk ``INSERT``."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from typing import Any

from ..document import Actor, Article, Document, Event

_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_WEEK = re.compile(r"(\d{4})-W(\d{2})(?:-(\d))?")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_HALF = re.compile(r"(\d{4})-H([12])")
_SEASON = re.compile(r"(\d{4})-(SP|SU|FA|AU|WI)")
_YEAR = re.compile(r"(\d{4})")
_DECADE = re.compile(r"(\d{3})X?")
_SEASON_MONTH = {"SP": 3, "SU": 6, "FA": 9, "AU": 9, "WI": 12}


def normalise_text(text: str) -> str:
    """The text an article id is computed from: stripped, whitespace runs as one space."""
    return " ".join(text.split())


def article_id(text: str) -> str:
    """The id of the article with this text: SHA-256 (hex) of the normalised text."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def first_day(value: str | None) -> dt.date | None:
    """The first day a TIMEX3 date value covers, or None when it names no known day.

    >>> first_day("2021-10-22/2021-10-23"), first_day("2021-08"), first_day("2021-W41")
    (datetime.date(2021, 10, 22), datetime.date(2021, 8, 1), datetime.date(2021, 10, 11))
    >>> first_day("XXXX-08") is None and first_day("PRESENT_REF") is None
    True
    """
    if not value:
        return None
    value = value.split("/", 1)[0].strip()
    try:
        if m := _DAY.match(value):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _WEEK.fullmatch(value):
            return dt.date.fromisocalendar(int(m[1]), int(m[2]), int(m[3] or 1))
        if m := _MONTH.fullmatch(value):
            return dt.date(int(m[1]), int(m[2]), 1)
        if m := _QUARTER.fullmatch(value):
            return dt.date(int(m[1]), 3 * int(m[2]) - 2, 1)
        if m := _HALF.fullmatch(value):
            return dt.date(int(m[1]), 1 if m[2] == "1" else 7, 1)
        if m := _SEASON.fullmatch(value):
            return dt.date(int(m[1]), _SEASON_MONTH[m[2]], 1)
        if m := _YEAR.fullmatch(value):
            return dt.date(int(m[1]), 1, 1)
        if m := _DECADE.fullmatch(value):
            return dt.date(int(m[1]) * 10, 1, 1)
    except ValueError:  # 2021-02-30, week 54, year 0
        return None
    return None


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def published_day(published: str | None) -> dt.date | None:
    """The day of an ISO 8601 date or datetime, or None."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published.strip()[:10])
    except ValueError:
        return None


def article_row(doc: Document | Article, aid: str, run_id: int | None, now: dt.datetime, *,
                status: str, skip_reason: str | None = None) -> dict[str, Any]:
    """The `articles` row of an analysed document (status "analysed") or a skipped article."""
    analysed = isinstance(doc, Document)
    return {
        "id": aid, "external_id": None if doc.id is None else str(doc.id), "url": doc.url,
        "title": doc.title, "source": doc.source, "published": published_day(doc.published),
        "language": doc.language if analysed else None, "text": doc.text, "status": status,
        "skip_reason": skip_reason, "ingested_at": now,
        "analysis": doc.to_dict() if analysed else None, "run_id": run_id,
    }


class DocumentRows:
    """The child rows of one analysed document, by table (events without their database ids,
    and actors by event index, to be joined to the ids the events get)."""

    __slots__ = ("entities", "mentions", "places", "times", "quotes", "events", "actors")

    def __init__(self, doc: Document, aid: str):
        self.entities = [
            {"article_id": aid, "local_id": ent.id, "name": ent.name, "type": ent.type,
             "kb_id": ent.kb_id, "actor_country": ent.actor.country if ent.actor else None,
             "actor_sector": ent.actor.sector if ent.actor else None}
            for ent in doc.entities]
        self.mentions = [
            {"article_id": aid, "entity_id": ent.id, "start": m.start, "end": m.end,
             "text": m.text, "kind": getattr(m, "kind", None) or "name"}
            for ent in doc.entities for m in ent.mentions]
        self.places = [
            {"article_id": aid, "start": p.start, "end": p.end, "text": p.text, "name": p.name,
             "geonameid": _int(p.geonameid), "lat": _float(p.lat), "lon": _float(p.lon),
             "country": p.country,
             "kind": p.kind, "metonymic": bool(p.metonymic)}
            for p in doc.places]
        self.times = [
            {"article_id": aid, "start": t.start, "end": t.end, "text": t.text, "type": t.type,
             "value": t.value}
            for t in doc.times]
        self.quotes = [
            {"article_id": aid, "start": q.start, "end": q.end, "text": q.text, "kind": q.kind,
             "speaker_name": (q.speaker.name or q.speaker.text) if q.speaker else None,
             "speaker_entity": q.speaker.entity if q.speaker else None,
             "cue_text": q.cue.text if q.cue else None}
            for q in doc.quotes]
        kinds: dict[int, str] = {}
        for p in doc.places:
            if p.geonameid is not None:
                kinds.setdefault(p.geonameid, p.kind)
        self.events = [_event_row(ev, aid, kinds) for ev in doc.events]
        #: (index of the event in `events`, actor row without its event id)
        self.actors: list[tuple[int, dict[str, Any]]] = [
            (i, row) for i, ev in enumerate(doc.events) for row in _actor_rows(ev)]


def _name(actor: Actor | None) -> str | None:
    if actor is None:
        return None
    return actor.name or actor.text or None


def _event_row(ev: Event, aid: str, place_kinds: dict[int, str]) -> dict[str, Any]:
    src, tgt, loc = ev.source, ev.target, ev.location
    date = ev.date.value if ev.date else None
    return {
        "article_id": aid, "local_id": ev.id, "type": ev.type, "mode": ev.mode,
        "context": list(ev.context) if ev.context else None, "status": ev.status,
        "trigger_text": ev.trigger.text, "trigger_start": ev.trigger.start,
        "trigger_end": ev.trigger.end,
        "sentence_start": ev.sentence.start if ev.sentence else None,
        "sentence_end": ev.sentence.end if ev.sentence else None,
        "source_name": _name(src), "source_country": src.country if src else None,
        "source_sector": src.sector if src else None,
        "target_name": _name(tgt), "target_country": tgt.country if tgt else None,
        "target_sector": tgt.sector if tgt else None,
        "date": date, "date_from": ev.date.from_ if ev.date else None, "day": first_day(date),
        "location_name": loc.name if loc else None, "lat": _float(loc.lat) if loc else None,
        "lon": _float(loc.lon) if loc else None, "location_country": loc.country if loc else None,
        "geonameid": _int(loc.geonameid) if loc else None,
        "location_kind": place_kinds.get(loc.geonameid) if loc and loc.geonameid is not None else None,
        "quantities": [q.to_dict() for q in ev.quantities] if ev.quantities else None,
        "cameo": ev.cameo, "confidence": _float(ev.confidence),
    }


def _actor_rows(ev: Event) -> Iterable[dict[str, Any]]:
    for role, first, every in (("source", ev.source, ev.sources), ("target", ev.target, ev.targets)):
        seen: set[tuple[Any, ...]] = set()
        for actor in ([first] if first is not None else []) + list(every or ()):
            key = (actor.start, actor.end, _name(actor), actor.entity, actor.country, actor.sector)
            if key in seen:
                continue
            seen.add(key)
            yield {"role": role, "name": _name(actor), "country": actor.country,
                   "sector": actor.sector, "entity_id": actor.entity}
