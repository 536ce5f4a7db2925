"""The event store: analysed articles saved in SQLite or PostgreSQL, and queried back.

>>> store = Store.open("events.db")                       # doctest: +SKIP
>>> run = store.begin_run(["feeds.txt"])                  # doctest: +SKIP
>>> store.save_batch(run, docs)                           # doctest: +SKIP
>>> for row in store.query_events(country="RUS", since="2021-10-01"):   # doctest: +SKIP
...     print(row["day"], row["type"], row["source_name"], row["url"])

Writes go in one transaction per batch; every query uses bound parameters and streams its rows.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import (URL, ColumnElement, Connection, Engine, Integer, Select, and_, bindparam,
                        create_engine, delete, event, func, insert, literal_column, make_url,
                        or_, select, update)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.pool import StaticPool

from ..document import Article, Document
from ..errors import EventwatchError
from . import migrate
from .rows import DocumentRows, article_row
from .rows import article_id as _article_id
from .schema import (actors, articles, entities, events, ingest_errors, ingest_runs, mentions,
                     places, quotes, times)
from .schema import signatures as signatures_table

#: Mean Earth radius (km), for haversine distances.
EARTH_KM = 6371.0088
#: How long a SQLite connection waits for another writer before giving up (ms).
BUSY_TIMEOUT_MS = 60_000
#: Rows fetched per round trip when streaming query results.
STREAM_BATCH = 1000
#: Ids per ``IN (...)`` list (SQLite allows 32766 parameters a statement).
_ID_CHUNK = 500
#: The PostgreSQL full-text expression: the same as the GIN index's, so the index is used.
PG_TSVECTOR = "to_tsvector('english'::regconfig, coalesce(articles.title, '') || ' ' || articles.text)"

_WORD = re.compile(r"\w+")
_SQLITE_BEGIN = {"DEFERRED", "IMMEDIATE", "EXCLUSIVE"}


class StoreError(EventwatchError):
    """The database cannot be opened or used: a bad URL, a missing driver, an unreachable server."""

    code = "E004"


# --------------------------------------------------------------------------- engines


def engine_url(url_or_path: str | os.PathLike[str] | URL) -> URL:
    """The SQLAlchemy URL of a database given as a SQLite path or a URL.

    ``events.db`` and ``sqlite:///events.db`` open SQLite files, ``:memory:`` a private
    in-memory database; ``postgresql://`` (or ``postgres://``) URLs use psycopg 3.
    """
    if isinstance(url_or_path, URL):
        url = url_or_path
    else:
        raw = os.fspath(url_or_path)
        if raw == ":memory:":
            return URL.create("sqlite")
        if "://" not in raw:
            return URL.create("sqlite", database=os.path.expanduser(raw))
        try:
            url = make_url(raw)
        except Exception as exc:  # sqlalchemy.exc.ArgumentError
            raise StoreError(f"not a database URL: {raw!r} ({exc})") from None
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url
    if backend == "sqlite":
        return url
    raise StoreError(f"unsupported database {url.drivername!r}: use a SQLite path or a "
                     "sqlite:/// or postgresql:// URL")


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_dumps(value: Any) -> str:
    """The JSON columns' serialiser: also takes dates and numpy scalars."""
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def make_engine(url_or_path: str | os.PathLike[str] | URL) -> Engine:
    """An engine for the store: SQLite in WAL mode with foreign keys and real transactions
    (transactional DDL, ``BEGIN IMMEDIATE`` for writers), or PostgreSQL through psycopg 3."""
    url = engine_url(url_or_path)
    if url.get_backend_name() != "sqlite":
        try:
            return create_engine(url, pool_pre_ping=True, json_serializer=json_dumps)
        except ImportError as exc:
            raise StoreError(f"PostgreSQL needs psycopg 3 (pip install 'psycopg[binary]'): {exc}") from None
    memory = url.database in (None, "", ":memory:")
    if memory:
        engine = create_engine(url, poolclass=StaticPool, json_serializer=json_dumps,
                               connect_args={"check_same_thread": False})
    else:
        folder = os.path.dirname(os.path.abspath(url.database))
        if not os.path.isdir(folder):
            raise StoreError(f"cannot create database {url.database!r}: no folder {folder!r}")
        engine = create_engine(url, json_serializer=json_dumps)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, record: Any) -> None:
        # Let SQLAlchemy's "begin" below start transactions, not the driver (which would skip
        # DDL and SAVEPOINTs); then set the connection up.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
        cur.close()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, proxy: Any) -> None:
        # An AUTOCOMMIT connection (VACUUM) is handed back with the driver's own transaction
        # handling switched on again; switch it off (no transaction is open at checkout).
        if dbapi_conn.isolation_level is not None:
            dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return  # for VACUUM and the like
        mode = str(conn.get_execution_options().get("sqlite_begin", "DEFERRED")).upper()
        if mode not in _SQLITE_BEGIN:
            raise ValueError(f"sqlite_begin must be one of {sorted(_SQLITE_BEGIN)}, not {mode!r}")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _as_date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValueError(f"{name} must be a date (YYYY-MM-DD), not {value!r}") from None


def _like_pattern(fragment: str) -> str:
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts5_query(words: str) -> str:
    """A safe FTS5 query matching documents with all the words of `words` (any syntax in
    `words` is taken literally): ``Putin's troops`` -> ``"Putin" "s" "troops"``."""
    return " ".join(f'"{w}"' for w in _WORD.findall(words))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def _bounding_box(lat_col: Any, lon_col: Any, lat: float, lon: float, km: float) -> ColumnElement[bool]:
    """SQL that holds for every point within `km` of (lat, lon) (and some more)."""
    delta = km / EARTH_KM  # angular radius (radians)
    lat_r = math.radians(lat)
    lo_lat, hi_lat = lat_r - delta, lat_r + delta
    conds: list[ColumnElement[bool]] = [lat_col.is_not(None), lon_col.is_not(None)]
    if lo_lat <= -math.pi / 2 or hi_lat >= math.pi / 2 or delta >= math.pi / 2:
        # A pole is inside the circle: every longitude can be.
        conds.append(lat_col >= math.degrees(max(lo_lat, -math.pi / 2)))
        conds.append(lat_col <= math.degrees(min(hi_lat, math.pi / 2)))
        return and_(*conds)
    conds.append(lat_col.between(math.degrees(lo_lat), math.degrees(hi_lat)))
    dlon = math.degrees(math.asin(min(1.0, math.sin(delta) / math.cos(lat_r))))
    lo, hi = lon - dlon, lon + dlon
    if lo < -180:
        conds.append(or_(lon_col >= lo + 360, lon_col <= hi))
    elif hi > 180:
        conds.append(or_(lon_col >= lo, lon_col <= hi - 360))
    else:
        conds.append(lon_col.between(lo, hi))
    return and_(*conds)


# --------------------------------------------------------------------------- the store


class Store:
    """Analysed articles in a database. Open with `Store.open` (or `open_store`)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect.name

    # ---- opening and closing

    @classmethod
    def open(cls, url_or_path: str | os.PathLike[str] | URL, *, upgrade: bool = True) -> "Store":
        """Open (creating it if need be) the database and upgrade its schema to the latest."""
        engine = make_engine(url_or_path)
        try:
            if upgrade:
                migrate.upgrade(engine)
        except Exception as exc:
            engine.dispose()
            if isinstance(exc, EventwatchError):
                raise
            raise StoreError(f"cannot open the store {engine.url.render_as_string(hide_password=True)}: "
                             f"{type(exc).__name__}: {exc}") from exc
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    def _write(self) -> Any:
        """A connection in a write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on exit."""
        return self.engine.connect().execution_options(sqlite_begin="IMMEDIATE")

    # ---- articles

    @staticmethod
    def article_id(text: str) -> str:
        """The id of the article with this text: SHA-256 (hex) of the text stripped and with
        whitespace runs collapsed to one space."""
        return _article_id(text)

    def has(self, article_id: str) -> bool:
        """Whether an article with this id is stored (analysed or skipped)."""
        with self.engine.connect() as conn:
            return conn.execute(select(articles.c.id).where(articles.c.id == article_id)).first() is not None

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """The ids among `ids` that are stored."""
        with self.engine.connect() as conn:
            return self._known(conn, ids)

    @staticmethod
    def _known(conn: Connection, ids: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(ids))
        found: set[str] = set()
        for i in range(0, len(wanted), _ID_CHUNK):
            chunk = wanted[i:i + _ID_CHUNK]
            found.update(conn.execute(select(articles.c.id).where(articles.c.id.in_(chunk))).scalars())
        return found

    # ---- runs and errors

    def begin_run(self, sources: Sequence[str]) -> int:
        """Record the start of an ingest of `sources`; returns the run id."""
        with self._write() as conn, conn.begin():
            return int(conn.execute(
                insert(ingest_runs).returning(ingest_runs.c.id),
                {"started_at": _utcnow(), "sources": [str(s) for s in sources], "status": "running"},
            ).scalar_one())

    def finish_run(self, run_id: int, counts: dict[str, Any] | None, status: str = "done") -> None:
        """Record the end of a run with its counts (JSON) and status."""
        with self._write() as conn, conn.begin():
            conn.execute(update(ingest_runs).where(ingest_runs.c.id == run_id).values(
                finished_at=_utcnow(), counts=dict(counts or {}), status=status))

    def record_error(self, run_id: int | None, origin: str | None, message: str) -> None:
        """Record an input that failed during a run."""
        with self._write() as conn, conn.begin():
            conn.execute(insert(ingest_errors), {"run_id": run_id, "origin": origin,
                                                 "message": str(message), "at": _utcnow()})

    def runs(self) -> list[dict[str, Any]]:
        """Every ingest run, oldest first."""
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(ingest_runs).order_by(ingest_runs.c.id))]

    def errors(self, run_id: int | None = None) -> list[dict[str, Any]]:
        """The recorded errors (of one run, or all), oldest first."""
        stmt = select(ingest_errors).order_by(ingest_errors.c.id)
        if run_id is not None:
            stmt = stmt.where(ingest_errors.c.run_id == run_id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]

    # ---- saving

    def _insert_ignoring_duplicates(self) -> Any:
        ins = pg_insert if self.dialect == "postgresql" else sqlite_insert
        return ins(articles).on_conflict_do_nothing(index_elements=[articles.c.id]).returning(articles.c.id)

    def save_batch(self, run_id: int | None, docs: Iterable[Document],
                   skipped: Iterable[tuple[Article, str]] = (),
                   duplicates: Iterable[tuple[Article | Document, str, float]] = (),
                   signatures: dict[str, bytes] | None = None) -> int:
        """Store analysed documents, skipped articles (with the reason) and near-duplicates in
        one transaction, with the MinHash signatures given (article id -> `dedup.signature_bytes`).

        `duplicates` are (article, id of its original, similarity): an `Article` is stored with
        status "duplicate" (its text kept, no analysis); a `Document` (a duplicate analysed all
        the same) as analysed, with its analysis rows; both linked to the original, which must
        be stored already or be in this batch. Articles already stored (same normalised text)
        are left as they are, so saving again is a no-op; an error anywhere rolls the whole
        batch back. Returns the number of analysed articles added (new skipped articles and
        duplicates are stored too, but not counted: like `counts`, which tells them apart).
        """
        now = _utcnow()
        # id -> (item, skip reason, (original id, similarity) or None)
        pending: dict[str, tuple[Document | Article, str | None, tuple[str, float] | None]] = {}
        for doc in docs:
            pending.setdefault(_article_id(doc.text), (doc, None, None))
        for art, reason in skipped:
            pending.setdefault(_article_id(art.text), (art, str(reason), None))
        for art, original, similarity in duplicates:
            pending.setdefault(_article_id(art.text), (art, None, (str(original), float(similarity))))
        if not pending:
            return 0

        def row(aid: str, item: Document | Article, reason: str | None,
                link: tuple[str, float] | None) -> dict[str, Any]:
            if reason is not None:
                out = article_row(item, aid, run_id, now, status="skipped", skip_reason=reason)
            elif isinstance(item, Document):
                out = article_row(item, aid, run_id, now, status="analysed")
            else:
                out = article_row(item, aid, run_id, now, status="duplicate")
            out["duplicate_of"], out["similarity"] = link if link is not None else (None, None)
            return out

        with self._write() as conn, conn.begin():
            known = self._known(conn, pending)
            # Originals first, then (in a statement of their own) the rows that refer to them.
            new = [row(aid, *entry) for aid, entry in pending.items() if aid not in known and entry[2] is None]
            linked = [row(aid, *entry) for aid, entry in pending.items() if aid not in known and entry[2] is not None]
            if not new and not linked:
                return 0
            added: set[str] = set()
            for rows_ in (new, linked):
                if rows_:
                    added.update(conn.execute(self._insert_ignoring_duplicates(), rows_).scalars())
            if signatures:
                sig_rows = [{"article_id": aid, "minhash": bytes(blob)}
                            for aid, blob in signatures.items() if aid in added]
                if sig_rows:
                    conn.execute(insert(signatures_table), sig_rows)
            analysed = [(aid, item) for aid, (item, reason, _) in pending.items()
                        if aid in added and reason is None and isinstance(item, Document)]
            tables: dict[str, list[dict[str, Any]]] = {
                "entities": [], "mentions": [], "places": [], "times": [], "quotes": [], "events": []}
            actor_rows: list[tuple[int, dict[str, Any]]] = []
            for aid, doc in analysed:  # in the order given
                rows = DocumentRows(doc, aid)
                tables["entities"] += rows.entities
                tables["mentions"] += rows.mentions
                tables["places"] += rows.places
                tables["times"] += rows.times
                tables["quotes"] += rows.quotes
                offset = len(tables["events"])
                tables["events"] += rows.events
                actor_rows += [(offset + i, row) for i, row in rows.actors]
            for table in (entities, mentions, places, times, quotes):
                if tables[table.name]:
                    conn.execute(insert(table), tables[table.name])
            if tables["events"]:
                event_ids = conn.execute(
                    insert(events).returning(events.c.id, sort_by_parameter_order=True),
                    tables["events"]).scalars().all()
                if actor_rows:
                    conn.execute(insert(actors), [{**row, "event_id": event_ids[i]} for i, row in actor_rows])
            return len(analysed)

    def load_signatures(self) -> Iterator[tuple[str, bytes]]:
        """Every stored (article id, MinHash signature bytes), streamed: what
        `eventwatch.dedup.NearDuplicates` rebuilds its index from."""
        stmt = select(signatures_table.c.article_id, signatures_table.c.minhash)
        with self.engine.connect() as conn:
            result = conn.execution_options(yield_per=10 * STREAM_BATCH).execute(stmt)
            try:
                for aid, blob in result:
                    yield aid, bytes(blob)
            finally:
                result.close()

    def delete_article(self, article_id: str) -> bool:
        """Delete an article and everything found in it; whether it was there."""
        with self._write() as conn, conn.begin():
            return conn.execute(delete(articles).where(articles.c.id == article_id)).rowcount > 0

    # ---- reading

    def article(self, article_id: str) -> dict[str, Any] | None:
        """The stored analysis (SCHEMA.md JSON) of an article; for a skipped article or a
        near-duplicate, its fields with the ``status`` ("skipped", "duplicate"), the
        ``skip_reason``, and the ``duplicate_of`` and ``similarity``; None if unknown."""
        with self.engine.connect() as conn:
            row = conn.execute(select(articles).where(articles.c.id == article_id)).first()
        if row is None:
            return None
        if row.analysis is not None:
            return dict(row.analysis)
        return {"id": row.external_id, "title": row.title, "url": row.url, "source": row.source,
                "published": row.published.isoformat() if row.published else None,
                "text": row.text, "status": row.status, "skip_reason": row.skip_reason,
                "duplicate_of": row.duplicate_of, "similarity": row.similarity}

    def counts(self) -> dict[str, int]:
        """How many analysed articles, skipped articles, near-duplicates (stored unanalysed),
        events, errors and runs are stored."""
        with self.engine.connect() as conn:
            by_status = dict(conn.execute(
                select(articles.c.status, func.count()).group_by(articles.c.status)).all())
            return {
                "articles": int(by_status.get("analysed", 0)),
                "skipped": int(by_status.get("skipped", 0)),
                "duplicates": int(by_status.get("duplicate", 0)),
                "events": int(conn.execute(select(func.count()).select_from(events)).scalar_one()),
                "errors": int(conn.execute(select(func.count()).select_from(ingest_errors)).scalar_one()),
                "runs": int(conn.execute(select(func.count()).select_from(ingest_runs)).scalar_one()),
            }

    def _text_condition(self, words: str) -> ColumnElement[bool]:
        """Full-text search over article text (and title): all the words must occur."""
        if self.dialect == "sqlite":
            query = fts5_query(words)
            if not query:
                raise ValueError(f"no words to search for in {words!r}")
            matching = sql_text("SELECT rowid FROM articles_fts WHERE articles_fts MATCH :fts_query") \
                .bindparams(fts_query=query).columns(rowid=Integer)
            return articles.c.seq.in_(matching.subquery().select())
        return literal_column(PG_TSVECTOR).op("@@")(
            func.plainto_tsquery(literal_column("'english'::regconfig"), bindparam("ts_query", words)))

    def query_events(self, country: str | None = None, actor: str | None = None,
                     type: str | None = None, status: str | None = None,
                     since: dt.date | str | None = None, until: dt.date | str | None = None,
                     near: tuple[float, float] | None = None, km: float | None = None,
                     text: str | None = None, limit: int | None = None, offset: int = 0,
                     order: str = "id") -> Iterator[dict[str, Any]]:
        """Stored events matching every filter given, streamed as dicts.

        - `country`: ISO3 (or PLOVER) code of a source, target (any coordinated actor) or the
          location; `actor`: a case-insensitive part of any source or target actor's name;
          `type` (case-insensitive) and `status`: exact.
        - `since`, `until`: dates (inclusive) on the first day the event's date covers; events
          of unknown date are left out when either is given.
        - `near` (lat, lon) and `km`: events located within `km` of the point (the rows then
          carry ``distance_km``).
        - `text`: articles containing all these words (full-text search, stemmed).
        - `order`: "id" (storage order) or "day" (undated events last), then id.

        Each row has the columns of ``events`` (``id`` is the event's database id, ``local_id``
        its id in the article) plus the article's ``url``, ``title``, ``published``,
        ``article_source`` and ``ingested_at``.
        """
        e = events
        stmt: Select[Any] = select(
            *e.c, articles.c.url, articles.c.title, articles.c.published,
            articles.c.source.label("article_source"), articles.c.ingested_at,
        ).select_from(e.join(articles, articles.c.id == e.c.article_id))
        if country:
            code = country.strip().upper()
            stmt = stmt.where(or_(
                e.c.source_country == code, e.c.target_country == code, e.c.location_country == code,
                e.c.id.in_(select(actors.c.event_id).where(actors.c.country == code))))
        if actor:
            stmt = stmt.where(e.c.id.in_(select(actors.c.event_id).where(
                actors.c.name.ilike(_like_pattern(actor.strip()), escape="\\"))))
        if type:
            stmt = stmt.where(e.c.type == type.strip().upper())
        if status:
            stmt = stmt.where(e.c.status == status.strip())
        if (day := _as_date(since, "since")) is not None:
            stmt = stmt.where(e.c.day >= day)
        if (day := _as_date(until, "until")) is not None:
            stmt = stmt.where(e.c.day <= day)
        if (near is None) != (km is None):
            raise ValueError("near and km go together: near=(lat, lon), km=radius")
        if near is not None and km is not None:
            lat, lon = float(near[0]), float(near[1])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180) or km < 0:
                raise ValueError(f"near={near!r}, km={km!r}: want -90<=lat<=90, -180<=lon<=180, km>=0")
            stmt = stmt.where(_bounding_box(e.c.lat, e.c.lon, lat, lon, float(km)))
        if text:
            stmt = stmt.where(self._text_condition(text))
        if order == "day":
            stmt = stmt.order_by(e.c.day.asc().nulls_last(), e.c.id)
        elif order == "id":
            stmt = stmt.order_by(e.c.id)
        else:
            raise ValueError(f"order must be 'id' or 'day', not {order!r}")
        if limit is not None and limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        if near is None:
            if limit is not None:
                stmt = stmt.limit(limit)
            if offset:
                stmt = stmt.offset(offset)
            return self._stream(stmt)
        return self._near(self._stream(stmt), lat, lon, float(km or 0), limit, offset)

    @staticmethod
    def _near(rows: Iterator[dict[str, Any]], lat: float, lon: float, km: float,
              limit: int | None, offset: int) -> Iterator[dict[str, Any]]:
        skip, left = offset, limit
        try:
            for row in rows:
                if left is not None and left <= 0:
                    return
                distance = haversine_km(lat, lon, row["lat"], row["lon"])
                if distance > km:
                    continue
                if skip:
                    skip -= 1
                    continue
                row["distance_km"] = distance
                yield row
                if left is not None:
                    left -= 1
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()

    def query_articles(self, text: str | None = None, since: dt.date | str | None = None,
                       until: dt.date | str | None = None, source: str | None = None,
                       status: str | None = None, limit: int | None = None,
                       with_text: bool = False) -> Iterator[dict[str, Any]]:
        """Stored articles matching every filter given, streamed as dicts (without the
        analysis; with the text if `with_text`). `since`/`until` (inclusive) are on the
        publication date, `source` and `status` ("analysed", "skipped", "duplicate") exact, `text` a
        full-text search."""
        cols = [c for c in articles.c
                if c.name not in ("analysis", "seq") and (with_text or c.name != "text")]
        stmt: Select[Any] = select(*cols)
        if (day := _as_date(since, "since")) is not None:
            stmt = stmt.where(articles.c.published >= day)
        if (day := _as_date(until, "until")) is not None:
            stmt = stmt.where(articles.c.published <= day)
        if source:
            stmt = stmt.where(articles.c.source == source)
        if status:
            stmt = stmt.where(articles.c.status == status)
        if text:
            stmt = stmt.where(self._text_condition(text))
        stmt = stmt.order_by(articles.c.seq, articles.c.id)
        if limit is not None:
            if limit < 0:
                raise ValueError("limit must not be negative")
            stmt = stmt.limit(limit)
        return self._stream(stmt)

    def _stream(self, stmt: Select[Any]) -> Iterator[dict[str, Any]]:
        """Rows of a query as dicts, fetched in batches (a server-side cursor on PostgreSQL)."""
        with self.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # A cursor is planned for its first 10% of rows by default, which favours walking
                # the ORDER BY index over the filters' indexes: plan for all the rows instead.
                conn.exec_driver_sql("SET cursor_tuple_fraction = 1.0")
            result = conn.execution_options(yield_per=STREAM_BATCH).execute(stmt)
            try:
                for row in result:
                    yield dict(row._mapping)
            finally:
                result.close()


def open_store(url_or_path: str | os.PathLike[str] | URL, *, upgrade: bool = True) -> Store:
    """Open the store at a SQLite path (``events.db``), a ``sqlite:///`` or a ``postgresql://``
    URL, creating and upgrading its schema as needed."""
    return Store.open(url_or_path, upgrade=upgrade)
