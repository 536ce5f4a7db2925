"""The event database's tables: SQLAlchemy 2 declarative models, portable between SQLite and
PostgreSQL.

One row of ``articles`` per distinct article text (its id is the SHA-256 of the normalised
text, so the same article ingested twice is the same row), holding the full analysis as JSON;
the layers of the analysis are unpacked into child tables for querying (``entities``,
``mentions``, ``places``, ``times``, ``quotes``, ``events`` and ``actors``), all deleted with
their article (``ON DELETE CASCADE``). ``ingest_runs`` and ``ingest_errors`` record what each
ingest did.

The schema is created and upgraded by the Alembic migrations in ``store/migrations``, never by
``metadata.create_all``: the migrations also add what these models cannot say portably (the
FTS5 index and its triggers on SQLite, the full-text GIN index on PostgreSQL).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, Double, ForeignKey,
                        ForeignKeyConstraint, Index, Integer, LargeBinary, MetaData, Text,
                        TypeDecorator, UniqueConstraint, text)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Constraint names that are the same on every backend, so that migrations can refer to them.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: An integer surrogate key: BIGINT on PostgreSQL, SQLite's INTEGER PRIMARY KEY (the rowid).
BigId = BigInteger().with_variant(Integer(), "sqlite")
#: JSON documents: JSONB on PostgreSQL.
Json = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware datetime, stored in UTC; read back aware on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps timezone-aware times")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _article_fk() -> ForeignKey:
    return ForeignKey("articles.id", ondelete="CASCADE")


class IngestRun(Base):
    """One ingest: when, from what, and what came of it."""

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sources: Mapped[list[str]] = mapped_column(Json)
    counts: Mapped[dict[str, Any] | None] = mapped_column(Json)
    #: "running" until `Store.finish_run`, then "done", "failed", "interrupted", ...
    status: Mapped[str] = mapped_column(Text)


class IngestError(Base):
    """An input that could not be read or analysed during a run."""

    __tablename__ = "ingest_errors"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("ingest_runs.id", ondelete="CASCADE"), index=True)
    #: Where it happened: a file name, URL, "line 12 of feed.jsonl", an article id.
    origin: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ArticleRow(Base):
    """An article: its text, what is known about it, and its analysis (SCHEMA.md JSON)."""

    __tablename__ = "articles"

    #: SHA-256 (hex) of the text stripped and with whitespace runs collapsed to one space.
    id: Mapped[str] = mapped_column(Text, primary_key=True)
    #: The id the input gave the article (a JSON Lines "id"), if any.
    external_id: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text, index=True)
    published: Mapped[dt.date | None] = mapped_column(Date, index=True)
    language: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    #: "analysed", "skipped" (then `skip_reason` says why and `analysis` is null) or
    #: "duplicate" (a near-duplicate of `duplicate_of`, stored unanalysed: `analysis` is null).
    status: Mapped[str] = mapped_column(Text)
    skip_reason: Mapped[str | None] = mapped_column(Text)
    ingested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    analysis: Mapped[dict[str, Any] | None] = mapped_column(Json)
    run_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("ingest_runs.id", ondelete="SET NULL"), index=True)
    #: A stable integer key in insertion order (set by the database: a trigger on SQLite, a
    #: sequence default on PostgreSQL). The SQLite full-text index is keyed by it, as the
    #: implicit rowid of a table with a text primary key may change on VACUUM.
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    #: The article this one is a near-duplicate of (an edited or republished copy), if any:
    #: set for status "duplicate", and for duplicates analysed all the same.
    duplicate_of: Mapped[str | None] = mapped_column(
        Text, ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    #: The estimated Jaccard similarity (MinHash) to `duplicate_of`.
    similarity: Mapped[float | None] = mapped_column(Double)


class EntityRow(Base):
    __tablename__ = "entities"

    article_id: Mapped[str] = mapped_column(Text, _article_fk(), primary_key=True)
    #: The entity's id within its article ("e1").
    local_id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(Text)
    kb_id: Mapped[str | None] = mapped_column(Text)
    actor_country: Mapped[str | None] = mapped_column(Text)
    actor_sector: Mapped[str | None] = mapped_column(Text)


class MentionRow(Base):
    __tablename__ = "mentions"
    __table_args__ = (
        ForeignKeyConstraint(["article_id", "entity_id"], ["entities.article_id", "entities.local_id"],
                             ondelete="CASCADE"),
        Index(None, "article_id", "entity_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(Text, _article_fk())
    #: The local id of the entity mentioned ("e1").
    entity_id: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)


class PlaceRow(Base):
    __tablename__ = "places"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(Text, _article_fk(), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    geonameid: Mapped[int | None] = mapped_column(BigInteger)
    lat: Mapped[float | None] = mapped_column(Double)
    lon: Mapped[float | None] = mapped_column(Double)
    country: Mapped[str | None] = mapped_column(Text, index=True)
    kind: Mapped[str | None] = mapped_column(Text)
    metonymic: Mapped[bool] = mapped_column(Boolean)


class TimeRow(Base):
    __tablename__ = "times"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(Text, _article_fk(), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    type: Mapped[str | None] = mapped_column(Text)
    value: Mapped[str | None] = mapped_column(Text)


class QuoteRow(Base):
    __tablename__ = "quotes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(Text, _article_fk(), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(Text)
    speaker_name: Mapped[str | None] = mapped_column(Text)
    #: The local id of the speaker's entity, if known.
    speaker_entity: Mapped[str | None] = mapped_column(Text)
    cue_text: Mapped[str | None] = mapped_column(Text)


class EventRow(Base):
    """An event, flattened: its first source and target, date, place and CAMEO root."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("article_id", "local_id"),
        Index(None, "type", "day"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(Text, _article_fk())
    #: The event's id within its article ("ev1").
    local_id: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(Text, index=True)
    mode: Mapped[str | None] = mapped_column(Text)
    context: Mapped[list[str] | None] = mapped_column(Json)
    status: Mapped[str] = mapped_column(Text)
    trigger_text: Mapped[str] = mapped_column(Text)
    trigger_start: Mapped[int] = mapped_column(Integer)
    trigger_end: Mapped[int] = mapped_column(Integer)
    sentence_start: Mapped[int | None] = mapped_column(Integer)
    sentence_end: Mapped[int | None] = mapped_column(Integer)
    source_name: Mapped[str | None] = mapped_column(Text)
    source_country: Mapped[str | None] = mapped_column(Text, index=True)
    source_sector: Mapped[str | None] = mapped_column(Text)
    target_name: Mapped[str | None] = mapped_column(Text)
    target_country: Mapped[str | None] = mapped_column(Text, index=True)
    target_sector: Mapped[str | None] = mapped_column(Text)
    #: The TIMEX3 value as in SCHEMA.md ("2021-10-22/2021-10-23", "2021-08", "2021-W41").
    date: Mapped[str | None] = mapped_column(Text)
    #: Where the date came from: "text" or "published".
    date_from: Mapped[str | None] = mapped_column(Text)
    #: The first day `date` covers, for range filters; null when unknown ("XXXX-08").
    day: Mapped[dt.date | None] = mapped_column(Date, index=True)
    location_name: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Double)
    lon: Mapped[float | None] = mapped_column(Double)
    location_country: Mapped[str | None] = mapped_column(Text, index=True)
    geonameid: Mapped[int | None] = mapped_column(BigInteger)
    #: The kind of the place (country, admin1, city, ...) when the article's places know it.
    location_kind: Mapped[str | None] = mapped_column(Text)
    quantities: Mapped[list[dict[str, Any]] | None] = mapped_column(Json)
    cameo: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Double)


class ActorRow(Base):
    """One row per actor per role of an event, so that every coordinated actor is queryable."""

    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    #: "source" or "target".
    role: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text, index=True)
    country: Mapped[str | None] = mapped_column(Text, index=True)
    sector: Mapped[str | None] = mapped_column(Text)
    #: The local id of the actor's entity ("e3"), if any.
    entity_id: Mapped[str | None] = mapped_column(Text)


class StoryRow(Base):
    """A story: the events of several articles (several outlets) that report one real event.

    Filled by `eventwatch.stories` (incrementally as events are stored, or by
    ``rebuild_stories``); the aggregates are recomputed from the members whenever they change.
    """

    __tablename__ = "stories"
    __table_args__ = (
        Index(None, "type", "last_day"),
        # A new event's candidates: same type, same country, recent days ...
        Index(None, "type", "country", "last_day"),
        # ... or same type, no place, recent days.
        Index("ix_stories_type_last_day_unplaced", "type", "last_day",
              sqlite_where=text("lat IS NULL"), postgresql_where=text("lat IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    #: The PLOVER type of the story (its first event's).
    type: Mapped[str] = mapped_column(Text)
    #: The days the members' dates cover (null when no member has a known date).
    first_day: Mapped[dt.date | None] = mapped_column(Date)
    last_day: Mapped[dt.date | None] = mapped_column(Date)
    #: The best date value (TIMEX3): the most reported of the most precise ones.
    date: Mapped[str | None] = mapped_column(Text)
    #: The most reported place.
    place_name: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Double)
    lon: Mapped[float | None] = mapped_column(Double)
    country: Mapped[str | None] = mapped_column(Text, index=True)
    n_events: Mapped[int] = mapped_column(Integer)
    n_articles: Mapped[int] = mapped_column(Integer)
    #: Distinct outlets (article `source`, else the URL's host, else the article).
    n_sources: Mapped[int] = mapped_column(Integer)
    #: The earliest and latest publication dates of the members' articles.
    first_reported: Mapped[dt.date | None] = mapped_column(Date)
    last_reported: Mapped[dt.date | None] = mapped_column(Date)
    #: Every quantity reported, with the event, article and source it came from.
    quantities: Mapped[list[dict[str, Any]] | None] = mapped_column(Json)


class StoryMemberRow(Base):
    """An event's membership of a story: the score and the reasons it joined."""

    __tablename__ = "story_members"

    event_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("events.id", ondelete="CASCADE"),
                                          primary_key=True)
    story_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("stories.id", ondelete="CASCADE"),
                                          index=True)
    score: Mapped[float | None] = mapped_column(Double)
    reasons: Mapped[dict[str, Any] | None] = mapped_column(Json)


class SignatureRow(Base):
    """The MinHash signature of an article's text (`eventwatch.dedup`: 128 uint32 values,
    little-endian), from which the near-duplicate index is rebuilt."""

    __tablename__ = "signatures"

    article_id: Mapped[str] = mapped_column(Text, _article_fk(), primary_key=True)
    minhash: Mapped[bytes] = mapped_column(LargeBinary)



class WatchlistRow(Base):
    """A watchlist (`eventwatch.watch.watchlists`): its YAML mapping as JSON.

    ``since_event`` is the highest event id when it was added: it alerts on events stored
    after that, not on the backlog."""

    __tablename__ = "watchlists"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    spec: Mapped[dict[str, Any]] = mapped_column(Json)
    enabled: Mapped[bool] = mapped_column(Boolean)
    since_event: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AlertRow(Base):
    """An event that matched a watchlist, and why. A watchlist alerts once per story: the
    other reports of the same real event raise none (`eventwatch.watch.alerts`)."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("watchlist_id", "event_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    watchlist_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("watchlists.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    #: The event's story when the alert was raised (stories may be rebuilt since).
    story_id: Mapped[int | None] = mapped_column(BigInteger)
    reasons: Mapped[list[str]] = mapped_column(Json)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class DeliveryRow(Base):
    """One alert sent (or to send) through one notifier; failed ones are retried later."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("alerts.id", ondelete="CASCADE"),
                                          index=True)
    #: The notifier's mapping from the watchlist (secrets only as environment variable names).
    notifier: Mapped[dict[str, Any]] = mapped_column(Json)
    #: "pending", "sent" or "failed" (gave up after the last attempt).
    status: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class WatchStateRow(Base):
    """Small named state of the watch: the last event id matched against the watchlists
    (``key`` "matched_through"), each polled feed's ETag, Last-Modified and last error
    (``key`` "feed:URL")."""

    __tablename__ = "watch_state"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(Json)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

articles = ArticleRow.__table__
entities = EntityRow.__table__
mentions = MentionRow.__table__
places = PlaceRow.__table__
times = TimeRow.__table__
quotes = QuoteRow.__table__
events = EventRow.__table__
actors = ActorRow.__table__
ingest_runs = IngestRun.__table__
ingest_errors = IngestError.__table__
signatures = SignatureRow.__table__
stories = StoryRow.__table__
story_members = StoryMemberRow.__table__
watchlists = WatchlistRow.__table__
alerts = AlertRow.__table__
deliveries = DeliveryRow.__table__
watch_state = WatchStateRow.__table__

#: Tables that are no model's: the SQLite full-text index and its shadow tables.
FTS_TABLE = "articles_fts"
#: The PostgreSQL full-text GIN index (on an expression, so no model's either).
FTS_INDEX = "ix_articles_fts"
