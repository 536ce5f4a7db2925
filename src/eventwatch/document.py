"""The analysed-document model: typed classes that serialise to shared/SCHEMA.md (version 1).

Every layer points into the document's text with the same `Span` shape, so one rule holds
everywhere: ``doc.text[span.start:span.end] == span.text``. Classes serialise with
``to_dict()``; fields whose name ends in an underscore are written without it (``from_`` ->
``from``), and attributes kept for processing only (such as the spaCy parse) live outside
the dataclass fields and never reach the JSON.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = 1

ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "MISC")
PLACE_KINDS = ("continent", "region", "country", "admin1", "admin2", "city", "other")
TIME_TYPES = ("DATE", "TIME", "DURATION", "SET")
QUOTE_KINDS = ("direct", "indirect", "mixed")
MENTION_KINDS = ("name", "nominal", "pronoun")
EVENT_STATUSES = ("occurred", "planned", "claimed", "negated", "hypothetical")
PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)


@functools.cache
def _json_fields(cls: type) -> tuple[tuple[str, str], ...]:
    """(attribute, JSON key) of a model class's serialised fields, computed once per class."""
    return tuple((f.name, f.name.rstrip("_")) for f in dataclasses.fields(cls)
                 if not f.metadata.get("internal"))


def to_json(value: Any) -> Any:
    """Turn a model object (or a list / dict of them) into plain JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {key: to_json(getattr(value, name)) for name, key in _json_fields(type(value))}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


class _Serialisable:
    def to_dict(self) -> dict[str, Any]:
        """This object as the JSON object SCHEMA.md describes."""
        return to_json(self)


@dataclass
class Region(_Serialisable):
    """A stretch of the text given by offsets alone (sentences, paragraphs)."""

    start: int
    end: int


@dataclass
class Span(_Serialisable):
    """A stretch of the text: ``text`` is always ``doc.text[start:end]``."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, source: str, start: int, end: int, **extra: Any) -> "Span":
        """The span ``source[start:end]`` (as this class, with any extra fields)."""
        if not 0 <= start <= end <= len(source):
            raise ValueError(f"span offsets {start}..{end} outside a text of {len(source)} characters")
        return cls(start=start, end=end, text=source[start:end], **extra)

    def overlaps(self, other: "Span | Region") -> bool:
        return self.start < other.end and other.start < self.end

    def within(self, other: "Span | Region") -> bool:
        return other.start <= self.start and self.end <= other.end


@dataclass
class Mention(Span):
    kind: Literal["name", "nominal", "pronoun"] = "name"


@dataclass
class ActorCode(_Serialisable):
    """A political actor: ISO3 country (or a PLOVER non-state code) and a PLOVER sector."""

    country: str | None
    sector: str | None


@dataclass
class Entity(_Serialisable):
    id: str
    name: str
    type: str
    mentions: list[Mention]
    kb_id: str | None = None
    actor: ActorCode | None = None


@dataclass
class Place(Span):
    name: str = ""
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    kind: str = "other"
    metonymic: bool = False
    score: float = 0.0


@dataclass
class Time(Span):
    type: str = "DATE"
    value: str = ""


@dataclass
class Speaker(Span):
    entity: str | None = None
    name: str | None = None


@dataclass
class Quote(Span):
    kind: Literal["direct", "indirect", "mixed"] = "direct"
    cue: Span | None = None
    speaker: Speaker | None = None
    #: The pieces of a quotation split by its attribution ("“A,” he said, “B.”"): the quote's
    #: start/end then cover them all. None for a quote in one piece.
    spans: list[list[int]] | None = None


@dataclass
class Actor(Span):
    entity: str | None = None
    name: str | None = None
    country: str | None = None
    sector: str | None = None


@dataclass
class EventDate(_Serialisable):
    value: str
    from_: Literal["text", "published"] = "text"


@dataclass
class Location(_Serialisable):
    name: str
    lat: float | None
    lon: float | None
    country: str | None
    geonameid: int | None
    #: "text": a place in the event's clause or sentence; "focus": the article's main place.
    from_: Literal["text", "focus"] = "text"


@dataclass
class Quantity(Span):
    value: float | int | None = None
    unit: str | None = None


@dataclass
class Event(_Serialisable):
    id: str
    type: str
    trigger: Span
    sentence: Region
    mode: str | None = None
    context: list[str] = field(default_factory=list)
    status: str = "occurred"
    source: Actor | None = None
    target: Actor | None = None
    sources: list[Actor] = field(default_factory=list)
    targets: list[Actor] = field(default_factory=list)
    date: EventDate | None = None
    location: Location | None = None
    quantities: list[Quantity] = field(default_factory=list)
    cameo: str | None = None
    confidence: float = 0.5


@dataclass
class Article(_Serialisable):
    """An input article: the text and what is known about it before analysis."""

    text: str
    id: str | None = None
    published: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None


@dataclass
class Document(_Serialisable):
    """One article and everything the pipeline found in it."""

    text: str
    id: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    language: str = "en"
    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    times: list[Time] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    paragraphs: list[Region] = field(default_factory=list)
    sentences: list[Region] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION
    # Working state of the stages (the spaCy parse, lookup tables); never serialised.
    work: dict[str, Any] = field(default_factory=dict, repr=False, compare=False,
                                 metadata={"internal": True})

    @classmethod
    def from_article(cls, article: Article) -> "Document":
        """An empty analysis of an article, ready for the pipeline."""
        return cls(text=article.text, id=article.id, title=article.title, url=article.url,
                   source=article.source, published=article.published)

    @property
    def published_date(self) -> dt.date | None:
        """The publication date (of an ISO 8601 date or datetime), or None."""
        if not self.published:
            return None
        try:
            return dt.date.fromisoformat(self.published[:10])
        except ValueError:
            return None

    def span(self, start: int, end: int) -> Span:
        """The `Span` of this document's text between two offsets."""
        return Span.of(self.text, start, end)

    def entity(self, entity_id: str | None) -> Entity | None:
        """The entity with this id, or None."""
        if entity_id is None:
            return None
        for ent in self.entities:
            if ent.id == entity_id:
                return ent
        return None

    def sentence_at(self, offset: int) -> Region | None:
        """The sentence containing a character offset."""
        for sent in self.sentences:
            if sent.start <= offset < sent.end:
                return sent
        return None
