"""The analyst's dashboard and REST API over an event store (FastAPI).

``create_app(db)`` opens one `Store` for the application's lifetime. ``/api/...`` is the REST
API (OpenAPI at ``/docs`` and ``/openapi.json``); ``/events``, ``/map``, ``/timeline``,
``/articles/{id}`` and ``/actors/{name}`` are server-rendered pages, each with a JSON twin
(``?format=json``). Writes (``POST /api/articles``) need ``Authorization: Bearer <token>`` and
are disabled when the app has no token.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import io
import json
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

import jinja2
from fastapi import BackgroundTasks, Depends, FastAPI, Header, HTTPException, Path as PathParam, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..document import PLOVER_TYPES
from ..store import Store, open_store
from ..store.export import write_events
from . import queries
from .highlight import highlight, spans_of
from .models import (ActorCount, ActorDetail, ArticleAnalysis, ArticleOut, ArticlePage, EventOut,
                     EventPage, NewArticle, PlaceCount, Stats, Stored)
from .queries import EventFilters

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"

#: One colour per PLOVER type (the same list as ``PALETTE`` in static/app.js); other types grey.
PALETTE = ("#1f77b4", "#aec7e8", "#2ca02c", "#98df8a", "#17becf", "#9edae5", "#bcbd22", "#dbdb8d",
           "#ff7f0e", "#ffbb78", "#e377c2", "#f7b6d2", "#9467bd", "#c5b0d5", "#8c564b", "#d62728")
TYPE_COLOURS = dict(zip(PLOVER_TYPES, PALETTE))
OTHER_COLOUR = "#7f7f7f"

EXPORT_MEDIA = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
                "geojson": "application/geo+json"}
SORT_PATTERN = r"^-?(day|type|source|target|location|confidence|id)$"
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000
_TEXT = 500  # longest filter string accepted


def colour(event_type: str | None) -> str:
    return TYPE_COLOURS.get((event_type or "").upper(), OTHER_COLOUR)


# --------------------------------------------------------------------------- request size


class BodyLimit:
    """ASGI middleware: 413 for a request body over `max_body` bytes (declared or streamed)."""

    def __init__(self, app: Any, max_body: int):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.max_body or declared < 0:
                    await self._reject(send)
                    return
        # Read the body here (it is at most max_body bytes), then replay it.
        chunks: list[bytes] = []
        size = 0
        more = True
        first: dict[str, Any] | None = None
        while more:
            message = await receive()
            if message["type"] != "http.request":
                first = message  # a disconnect
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await self._reject(send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                if first is not None:
                    return first
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, send: Callable[..., Any]) -> None:
        body = json.dumps({"detail": f"request body over {self.max_body} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


# --------------------------------------------------------------------------- streamed exports


class _Cancelled(Exception):
    pass


class _QueueWriter(io.TextIOBase):
    """A text stream whose writes are handed, in chunks, to a queue (read by the response)."""

    CHUNK = 64 * 1024

    def __init__(self, q: "queue.Queue[Any]", cancelled: threading.Event):
        super().__init__()
        self._q, self._cancelled = q, cancelled
        self._buf: list[str] = []
        self._size = 0

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        if self._cancelled.is_set():
            raise _Cancelled()
        self._buf.append(s)
        self._size += len(s)
        if self._size >= self.CHUNK:
            self._push()
        return len(s)

    def flush(self) -> None:
        self._push()

    def _push(self) -> None:
        if not self._buf:
            return
        data = "".join(self._buf)
        self._buf, self._size = [], 0
        put(self._q, data, self._cancelled)


def put(q: "queue.Queue[Any]", item: Any, cancelled: threading.Event) -> None:
    while True:
        try:
            q.put(item, timeout=0.5)
            return
        except queue.Full:
            if cancelled.is_set():
                raise _Cancelled() from None


_DONE = object()


def stream_export(rows: Iterator[dict[str, Any]], fmt: str) -> Iterator[bytes]:
    """The bytes of `write_events(rows, fmt, ...)`, produced by a thread as they are written
    (bounded memory: the queue holds a few chunks)."""
    q: queue.Queue[Any] = queue.Queue(maxsize=8)
    cancelled = threading.Event()

    def produce() -> None:
        writer = _QueueWriter(q, cancelled)
        try:
            write_events(rows, fmt, writer)
            writer.flush()
        except _Cancelled:
            return
        except BaseException as exc:  # handed to the response, which aborts
            with contextlib.suppress(_Cancelled):
                put(q, exc, cancelled)
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    close()
        with contextlib.suppress(_Cancelled):
            put(q, _DONE, cancelled)

    thread = threading.Thread(target=produce, name="eventwatch-export", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item.encode("utf-8")
    finally:
        cancelled.set()


# --------------------------------------------------------------------------- parameters


def _checked(value: str | None, name: str) -> str | None:
    """A filter string, stripped; None if empty; 422 for NUL characters."""
    if value is None:
        return None
    if "\x00" in value:
        raise HTTPException(422, f"{name} must not contain NUL characters")
    value = value.strip()
    return value or None


def _words(value: str | None, name: str = "text") -> str | None:
    value = _checked(value, name)
    if value is not None and not any(ch.isalnum() for ch in value):
        raise HTTPException(422, f"{name} has no words to search for")
    return value


Str = Annotated[str | None, Query(max_length=_TEXT)]


def event_filters(
    country: Annotated[str | None, Query(max_length=_TEXT, description="ISO3 code of a source, target or location")] = None,
    actor: Annotated[str | None, Query(max_length=_TEXT, description="part of an actor's name")] = None,
    type: Annotated[str | None, Query(max_length=_TEXT, description="PLOVER type, e.g. ASSAULT")] = None,
    status: Annotated[str | None, Query(max_length=_TEXT, description="occurred, planned, claimed, ...")] = None,
    since: Annotated[dt.date | None, Query(description="first day, inclusive (YYYY-MM-DD)")] = None,
    until: Annotated[dt.date | None, Query(description="last day, inclusive (YYYY-MM-DD)")] = None,
    near_lat: Annotated[float | None, Query(ge=-90, le=90, allow_inf_nan=False)] = None,
    near_lon: Annotated[float | None, Query(ge=-180, le=180, allow_inf_nan=False)] = None,
    km: Annotated[float | None, Query(ge=0, le=20_100, allow_inf_nan=False)] = None,
    text: Annotated[str | None, Query(max_length=_TEXT, description="words of the article's text")] = None,
) -> EventFilters:
    near = (near_lat, near_lon, km)
    if any(v is not None for v in near) and not all(v is not None for v in near):
        raise HTTPException(422, "near_lat, near_lon and km go together")
    return EventFilters(country=_checked(country, "country"), actor=_checked(actor, "actor"),
                        type=_checked(type, "type"), status=_checked(status, "status"),
                        since=since, until=until, near_lat=near_lat, near_lon=near_lon, km=km,
                        text=_words(text))


Filters = Annotated[EventFilters, Depends(event_filters)]
Limit = Annotated[int, Query(ge=0, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Sort = Annotated[str, Query(pattern=SORT_PATTERN, description="day, type, source, target, location, "
                            "confidence or id; '-' first for descending")]
PageFormat = Annotated[Literal["html", "json"], Query(description="json: the page's data")]


# --------------------------------------------------------------------------- the app


def _store(request: Request) -> Store:
    app = request.app
    store = getattr(app.state, "store", None)
    if store is None:  # the lifespan did not run (some test clients)
        with app.state.lock:
            store = getattr(app.state, "store", None)
            if store is None:
                store = app.state.store = open_store(app.state.db)
    return store


StoreDep = Annotated[Store, Depends(_store)]


def create_app(db: str, *, token: str | None = None, max_body: int = 1_000_000) -> FastAPI:
    """The dashboard and API over the store at `db` (a SQLite path or a database URL).

    `token`: the bearer token that allows ``POST /api/articles`` (None: writes disabled, 403).
    `max_body`: the largest request body accepted, in bytes (413 beyond).
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if getattr(app.state, "store", None) is None:
            app.state.store = open_store(db)
        try:
            yield
        finally:
            store = app.state.store
            app.state.store = None
            if store is not None:
                store.close()

    app = FastAPI(title="eventwatch", version="1", lifespan=lifespan,
                  description="Political events extracted from news: query, export, browse.")
    app.state.db = db
    app.state.token = token
    app.state.lock = threading.Lock()
    app.state.store = None
    import eventwatch

    #: The analyser of POST /api/articles (a test may swap it).
    app.state.analyze = eventwatch.analyze
    app.add_middleware(BodyLimit, max_body=max_body)

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    env.globals.update(colour=colour, palette=TYPE_COLOURS, quote=lambda s: quote(str(s), safe=""))
    templates = Jinja2Templates(env=env)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    @app.exception_handler(ValueError)
    async def _value_error(request: Request, exc: ValueError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    def page(request: Request, name: str, data: dict[str, Any], fmt: str, status: int = 200) -> Response:
        if fmt == "json":
            return JSONResponse(jsonable_encoder(data), status_code=status)
        return templates.TemplateResponse(request, name, {"data": data, "qs": _qs(request)},
                                          status_code=status)

    # ------------------------------------------------------------------ API: events

    @app.get("/api/events", response_model=EventPage, tags=["events"])
    def api_events(store: StoreDep, f: Filters, limit: Limit = 100, offset: Offset = 0,
                   sort: Sort = "id") -> Any:
        """Events matching every filter given, a page at a time."""
        total, rows = queries.events_page(store, f, sort, limit, offset)
        return {"total": total, "limit": limit, "offset": offset, "items": rows}

    @app.get("/api/events/export", tags=["events"], response_class=StreamingResponse,
             responses={200: {"description": "every matching event",
                              "content": {m.split(";")[0]: {"schema": {"type": "string"}}
                                          for m in EXPORT_MEDIA.values()}}})
    def api_export(store: StoreDep, f: Filters,
                   format: Annotated[Literal["csv", "jsonl", "geojson"], Query()] = "csv") -> StreamingResponse:
        """Every event matching the filters (never capped), streamed as CSV, JSON Lines or GeoJSON."""
        queries.event_conditions(store, f)  # bad filters fail here, before the stream starts
        rows = store.query_events(**f.store_kwargs(), order="id")
        return StreamingResponse(stream_export(rows, format), media_type=EXPORT_MEDIA[format],
                                 headers={"Content-Disposition": f'attachment; filename="events.{format}"'})

    # ------------------------------------------------------------------ API: articles

    def _articles(store: Store, text: str | None, since: dt.date | None, until: dt.date | None,
                  source: str | None, limit: int, offset: int) -> dict[str, Any]:
        text, source = _words(text), _checked(source, "source")
        total = queries.articles_total(store, text, since, until, source)
        rows = store.query_articles(text=text, since=since, until=until, source=source,
                                    limit=min(offset, total) + limit)
        items = []
        for i, row in enumerate(rows):
            if i >= offset:
                items.append(row)
        return {"total": total, "limit": limit, "offset": offset, "items": items}

    @app.get("/api/articles", response_model=ArticlePage, tags=["articles"])
    def api_articles(store: StoreDep, text: Str = None, since: dt.date | None = None,
                     until: dt.date | None = None, source: Str = None, limit: Limit = 100,
                     offset: Offset = 0) -> Any:
        """Stored articles (analysed and skipped), without their text, in storage order."""
        return _articles(store, text, since, until, source, limit, offset)

    def _article(store: Store, article_id: str) -> dict[str, Any]:
        found = store.article(article_id) if "\x00" not in article_id else None
        if found is None:
            raise HTTPException(404, "no such article")
        return {**found, "article_id": article_id}

    @app.get("/api/articles/{article_id}", response_model=ArticleAnalysis, tags=["articles"],
             responses={404: {"description": "unknown article"}})
    def api_article(store: StoreDep, article_id: str) -> Any:
        """The full stored analysis of an article."""
        return _article(store, article_id)

    def require_token(request: Request,
                      authorization: Annotated[str | None, Header()] = None) -> None:
        expected = request.app.state.token
        if not expected:
            raise HTTPException(403, "writes are disabled: the server has no token")
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
            raise HTTPException(401, "a valid 'Authorization: Bearer <token>' header is required",
                                headers={"WWW-Authenticate": "Bearer"})

    @app.post("/api/articles", response_model=Stored, status_code=201, tags=["articles"],
              dependencies=[Depends(require_token)],
              responses={200: {"model": Stored, "description": "already stored"},
                         401: {"description": "no or a wrong token"},
                         403: {"description": "writes disabled"}, 413: {"description": "too large"}})
    def api_post_article(request: Request, store: StoreDep, body: NewArticle, response: Response,
                         background: BackgroundTasks) -> Any:
        """Analyse an article and store it (needs the server's bearer token)."""
        if "\x00" in body.text or not body.text.strip():
            raise HTTPException(422, "the text is empty or contains NUL characters")
        article_id = store.article_id(body.text)
        href = f"/articles/{article_id}"
        if store.has(article_id):
            response.status_code = 200
            n = len((store.article(article_id) or {}).get("events") or [])
            return {"id": article_id, "created": False, "events": n, "href": href}
        doc = request.app.state.analyze(body.text, body.published.isoformat() if body.published else None)
        doc.title, doc.url, doc.source = body.title, body.url, doc.source or "api"
        run = store.begin_run(["api"])
        try:
            added = store.save_batch(run, [doc])
        except Exception:
            store.finish_run(run, {"articles": 0}, status="failed")
            raise
        store.finish_run(run, {"articles": added})
        if not added:
            response.status_code = 200
        else:
            # As an ingest does: stories, then the watchlists; alerts delivered after the reply.
            from .. import stories
            from ..watch import alerts
            stories.assign_article(store, article_id)
            if alerts.check_new(store):
                background.add_task(alerts.deliver, store)
        return {"id": article_id, "created": bool(added), "events": len(doc.events), "href": href}

    # ------------------------------------------------------------------ API: actors, places, stats

    @app.get("/api/actors", response_model=list[ActorCount], tags=["actors"])
    def api_actors(store: StoreDep, limit: Limit = 100) -> Any:
        """Actor names with how many events they take part in, the most frequent first."""
        return queries.actor_counts(store, limit)

    def _actor(store: Store, name: str) -> dict[str, Any]:
        found = queries.actor_detail(store, name) if "\x00" not in name else None
        if found is None:
            raise HTTPException(404, "no such actor")
        return found

    @app.get("/api/actors/{name}", response_model=ActorDetail, tags=["actors"],
             responses={404: {"description": "unknown actor"}})
    def api_actor(store: StoreDep, name: Annotated[str, PathParam(max_length=_TEXT)]) -> Any:
        """Events with this actor as a source, as a target, its quotes and its co-actors."""
        return _actor(store, name)

    @app.get("/api/places", response_model=list[PlaceCount], tags=["places"])
    def api_places(store: StoreDep, limit: Limit = 100) -> Any:
        """Event locations with their counts and coordinates, the most frequent first."""
        return queries.place_counts(store, limit)

    @app.get("/api/stats", response_model=Stats, tags=["stats"])
    def api_stats(store: StoreDep, since: dt.date | None = None, until: dt.date | None = None) -> Any:
        """Event counts by day (and type), by type and by location country."""
        return queries.stats(store, since, until)

    # ------------------------------------------------------------------ pages

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/events", status_code=307)

    @app.get("/events", include_in_schema=False)
    def events_page(request: Request, store: StoreDep, f: Filters, limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
                    offset: Offset = 0, sort: Sort = "-day", format: PageFormat = "html") -> Response:
        total, rows = queries.events_page(store, f, sort, limit, offset)
        data = {"filters": f.query_items(), "sort": sort, "limit": limit, "offset": offset,
                "total": total, "items": rows, "facets": queries.facets(store, f),
                "types": list(PLOVER_TYPES)}
        return page(request, "events.html", data, format)

    @app.get("/map", include_in_schema=False)
    def map_page(request: Request, f: Filters, format: PageFormat = "html") -> Response:
        query = f.query_items()
        vendor = STATIC / "vendor"
        needed = ["leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet.markercluster/leaflet.markercluster.js",
                  "topojson-client/topojson-client.min.js", "world-atlas/countries-110m.json"]
        missing = [p for p in needed if not (vendor / p).is_file()]
        data = {"filters": query, "points": "/api/events/export?" + urlencode({**query, "format": "geojson"}),
                "basemap": "/static/vendor/world-atlas/countries-110m.json", "missing": missing,
                "palette": TYPE_COLOURS}
        return page(request, "map.html", data, format)

    @app.get("/timeline", include_in_schema=False)
    def timeline_page(request: Request, store: StoreDep, since: dt.date | None = None,
                      until: dt.date | None = None, format: PageFormat = "html") -> Response:
        data = queries.stats(store, since, until)
        if format == "json":
            return page(request, "timeline.html", data, format)
        return page(request, "timeline.html", {**data, "svg": _timeline_svg(data["by_day_type"])}, format)

    @app.get("/articles/{article_id}", include_in_schema=False)
    def article_page(request: Request, store: StoreDep, article_id: str, format: PageFormat = "html") -> Response:
        data = _article(store, article_id)
        if format == "json":
            return page(request, "article.html", data, format)
        text = data.get("text") or ""
        evs = []
        for ev in data.get("events") or []:
            sent = ev.get("sentence") or {}
            s, e = sent.get("start"), sent.get("end")
            evs.append({**ev, "sentence_text": text[s:e] if isinstance(s, int) and isinstance(e, int) else None})
        return page(request, "article.html",
                    {**data, "html": highlight(text, spans_of(data)), "event_items": evs}, format)

    # ------------------------------------------------------------------ stories

    @app.get("/api/stories", response_model=list[dict[str, Any]], tags=["stories"])
    def api_stories(store: StoreDep, type: Annotated[str | None, Query(max_length=20)] = None,
                    country: Annotated[str | None, Query(max_length=3)] = None,
                    since: dt.date | None = None, until: dt.date | None = None,
                    min_articles: Annotated[int | None, Query(ge=1, le=100_000)] = None,
                    limit: Limit = 100) -> Any:
        """Stories (one real event reported by one or more articles), latest first."""
        from .. import stories
        return jsonable_encoder(stories.query_stories(store, type=type, country=country, since=since,
                                                      until=until, min_articles=min_articles, limit=limit))

    @app.get("/api/stories/{story_id}", response_model=dict[str, Any], tags=["stories"],
             responses={404: {"description": "no such story"}})
    def api_story(store: StoreDep, story_id: Annotated[int, PathParam(ge=1, le=2**62)]) -> Any:
        """One story: its reports (each with why it belongs) and every source's figures."""
        from .. import stories
        found = stories.story(store, story_id)
        if found is None:
            raise HTTPException(404, f"no story {story_id}")
        return jsonable_encoder(found)

    @app.get("/stories", include_in_schema=False)
    def stories_page(request: Request, store: StoreDep, type: str | None = None, country: str | None = None,
                     min_articles: int | None = None, format: PageFormat = "html") -> Response:
        from .. import stories
        rows = stories.query_stories(store, type=type or None, country=country or None,
                                     min_articles=min_articles, limit=500)
        return page(request, "stories.html", {"stories": rows}, format)

    @app.get("/stories/{story_id}", include_in_schema=False)
    def story_page(request: Request, store: StoreDep, story_id: int, format: PageFormat = "html") -> Response:
        from .. import stories
        found = stories.story(store, story_id)
        if found is None:
            raise HTTPException(404, f"no story {story_id}")
        return page(request, "story.html", found, format)

    # ------------------------------------------------------------------ watchlists and alerts

    @app.get("/api/alerts", response_model=list[dict[str, Any]], tags=["alerts"])
    def api_alerts(store: StoreDep, watchlist: Annotated[str | None, Query(max_length=100)] = None,
                   since: dt.date | None = None, limit: Limit = 100, offset: Offset = 0) -> Any:
        """Alerts raised by the watchlists, newest first: the event, why it matched, the
        article and each delivery's state."""
        from ..watch import alerts
        start = dt.datetime.combine(since, dt.time(), dt.timezone.utc) if since else None
        return jsonable_encoder(alerts.query_alerts(store, watchlist=watchlist, since=start,
                                                    limit=limit, offset=offset))

    @app.get("/api/watchlists", response_model=list[dict[str, Any]], tags=["alerts"])
    def api_watchlists(store: StoreDep) -> Any:
        """Every watchlist: its definition (as in YAML), whether enabled, how many alerts."""
        from ..watch import alerts
        return jsonable_encoder(alerts.list_watchlists(store))

    @app.post("/api/watchlists", response_model=list[str], status_code=201, tags=["alerts"],
              dependencies=[Depends(require_token)],
              responses={401: {"description": "no or a wrong token"}, 403: {"description": "writes disabled"},
                         422: {"description": "not a valid watchlist"}})
    async def api_post_watchlists(request: Request) -> Any:
        """Add or replace watchlists (by name): a body of YAML or JSON, in the format of the
        README (one watchlist, a list, or ``watchlists: [...]``). Needs the bearer token."""
        import yaml

        from ..errors import WatchlistError
        from ..watch import alerts
        from ..watch.watchlists import parse_many
        raw = await request.body()
        try:
            data = yaml.safe_load(raw.decode("utf-8"))
            items = parse_many(data, "request body")
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            raise HTTPException(422, f"the body is not YAML or JSON: {exc}") from exc
        except WatchlistError as exc:
            raise HTTPException(422, str(exc)) from exc
        return alerts.save_watchlists(_store(request), items)

    @app.delete("/api/watchlists/{name}", status_code=204, tags=["alerts"],
                dependencies=[Depends(require_token)],
                responses={404: {"description": "no such watchlist"}, 401: {"description": "no or a wrong token"},
                           403: {"description": "writes disabled"}})
    def api_delete_watchlist(store: StoreDep, name: Annotated[str, PathParam(max_length=100)]) -> Response:
        """Delete a watchlist and its alerts (needs the bearer token)."""
        from ..watch import alerts
        if not alerts.remove_watchlist(store, name):
            raise HTTPException(404, f"no watchlist {name!r}")
        return Response(status_code=204)

    @app.get("/alerts", include_in_schema=False)
    def alerts_page(request: Request, store: StoreDep, watchlist: str | None = None,
                    format: PageFormat = "html") -> Response:
        from ..watch import alerts
        data = {"alerts": alerts.query_alerts(store, watchlist=watchlist or None, limit=500),
                "watchlists": jsonable_encoder(alerts.list_watchlists(store)), "watchlist": watchlist}
        return page(request, "alerts.html", data, format)

    @app.get("/actors/{name:path}", include_in_schema=False)
    def actor_page(request: Request, store: StoreDep, name: str, format: PageFormat = "html") -> Response:
        return page(request, "actor.html", _actor(store, name), format)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        wants_html = (not request.url.path.startswith("/api/")
                      and request.query_params.get("format") != "json"
                      and "text/html" in request.headers.get("accept", ""))
        if wants_html:
            return templates.TemplateResponse(request, "error.html",
                                              {"status": exc.status_code, "detail": exc.detail, "qs": _qs(request)},
                                              status_code=exc.status_code, headers=exc.headers)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)

    return app


# --------------------------------------------------------------------------- helpers


def _qs(request: Request) -> Callable[..., str]:
    """``qs(key=value, ...)``: the current URL's path and query with these changed (None:
    removed; `offset` is reset unless given)."""
    def build(**changes: Any) -> str:
        params = {k: v for k, v in request.query_params.items() if k != "format"}
        if "offset" not in changes:
            params.pop("offset", None)
        for key, value in changes.items():
            if value is None or value == "":
                params.pop(key, None)
            else:
                params[key] = str(value)
        query = urlencode(params)
        return request.url.path + ("?" + query if query else "")
    return build


def _timeline_svg(rows: list[dict[str, Any]], width: int = 1000, height: int = 260) -> dict[str, Any]:
    """Stacked bars (one rect per day and type) for the timeline page."""
    if not rows:
        return {"width": width, "height": height, "bars": [], "max": 0, "first": None, "last": None, "ticks": []}
    days = sorted({r["day"] for r in rows})
    first, last = days[0], days[-1]
    span = (last - first).days + 1
    totals: dict[dt.date, int] = {}
    for r in rows:
        totals[r["day"]] = totals.get(r["day"], 0) + r["count"]
    top = max(totals.values())
    plot_h = height - 30
    bw = width / span
    bars = []
    stacked: dict[dt.date, float] = {}
    for r in sorted(rows, key=lambda r: (r["day"], r["type"])):
        h = r["count"] / top * plot_h
        y0 = stacked.get(r["day"], 0.0)
        stacked[r["day"]] = y0 + h
        bars.append({"x": round((r["day"] - first).days * bw, 2), "y": round(plot_h - y0 - h, 2),
                     "w": round(max(bw * 0.9, 0.5), 2), "h": round(h, 2), "day": r["day"].isoformat(),
                     "type": r["type"], "count": r["count"], "fill": colour(r["type"])})
    return {"width": width, "height": height, "bars": bars, "max": top, "first": first.isoformat(),
            "last": last.isoformat(), "plot_h": plot_h}
