"""The REST API's response and request models (so that the OpenAPI spec is precise)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class EventOut(BaseModel):
    """A stored event with its article's url, title, publication date and source."""

    id: int
    article_id: str
    local_id: str
    type: str
    mode: str | None = None
    context: list[str] | None = None
    status: str
    trigger_text: str
    trigger_start: int
    trigger_end: int
    sentence_start: int | None = None
    sentence_end: int | None = None
    source_name: str | None = None
    source_country: str | None = None
    source_sector: str | None = None
    target_name: str | None = None
    target_country: str | None = None
    target_sector: str | None = None
    date: str | None = None
    date_from: str | None = None
    day: dt.date | None = None
    location_name: str | None = None
    lat: float | None = None
    lon: float | None = None
    location_country: str | None = None
    geonameid: int | None = None
    location_kind: str | None = None
    quantities: list[dict[str, Any]] | None = None
    cameo: str | None = None
    confidence: float | None = None
    url: str | None = None
    title: str | None = None
    published: dt.date | None = None
    article_source: str | None = None
    ingested_at: dt.datetime | None = None
    distance_km: float | None = Field(None, description="with near_lat/near_lon/km only")


class EventPage(BaseModel):
    total: int | None = Field(description="how many events match the filters")
    limit: int
    offset: int
    items: list[EventOut]


class ArticleOut(BaseModel):
    id: str
    external_id: str | None = None
    url: str | None = None
    title: str | None = None
    source: str | None = None
    published: dt.date | None = None
    language: str | None = None
    status: str
    skip_reason: str | None = None
    ingested_at: dt.datetime | None = None
    run_id: int | None = None


class ArticlePage(BaseModel):
    total: int | None
    limit: int
    offset: int
    items: list[ArticleOut]


class ArticleAnalysis(BaseModel):
    """The stored analysis (SCHEMA.md JSON), or a skipped article's fields and reason."""

    model_config = ConfigDict(extra="allow")

    article_id: str = Field(description="the store's id (SHA-256 of the normalised text)")
    id: str | None = None
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    status: str | None = None
    skip_reason: str | None = None
    entities: list[dict[str, Any]] = []
    places: list[dict[str, Any]] = []
    times: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []


class ValueCount(BaseModel):
    value: str | None
    count: int


class ActorCount(BaseModel):
    name: str
    events: int


class QuoteOut(BaseModel):
    article_id: str
    start: int
    end: int
    text: str
    kind: str | None = None
    speaker_name: str | None = None
    cue_text: str | None = None
    title: str | None = None
    published: dt.date | None = None


class ActorDetail(BaseModel):
    name: str
    as_source: list[EventOut]
    as_target: list[EventOut]
    quotes: list[QuoteOut]
    co_actors: list[ActorCount]


class PlaceCount(BaseModel):
    name: str
    country: str | None = None
    events: int
    lat: float | None = None
    lon: float | None = None


class DayCount(BaseModel):
    day: dt.date
    count: int


class DayTypeCount(BaseModel):
    day: dt.date
    type: str
    count: int


class Stats(BaseModel):
    since: dt.date | None
    until: dt.date | None
    total: int
    by_day: list[DayCount]
    by_day_type: list[DayTypeCount]
    by_type: list[ValueCount]
    by_country: list[ValueCount]


class NewArticle(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    title: str | None = None
    url: str | None = None
    published: dt.date | None = None


class Stored(BaseModel):
    id: str = Field(description="the article's id in the store")
    created: bool = Field(description="false when the same text was already stored")
    events: int
    href: str
