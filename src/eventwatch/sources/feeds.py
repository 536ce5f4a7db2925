"""RSS and Atom feeds: each entry's linked page fetched over HTTP and read as an article.

Fetching is polite and bounded: a feed is asked for with the ETag and Last-Modified of the
last read (a ``304 Not Modified`` means nothing new, and no items); every request has a
timeout, a body is streamed and given up past a size limit, and only http(s) URLs are
fetched. The caller keeps the conditional-request ``state`` ({url: {"etag": ..,
"modified": ..}}) between runs; `read_feed` updates it only once all of a feed's entries
have been read, so an interrupted run reads the feed again rather than losing entries.

A page that cannot be fetched or has no text is an error `Item` with its URL; the entry's
summary is not used instead (a teaser is not the article), but full content carried in the
feed (at least `MIN_CONTENT_WORDS` words) is.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx
import lxml.html

from .. import __version__
from ..document import Article
from ..errors import InputError
from .html import ExtractionError, extract
from .items import Item, article_item, site_of

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0
MAX_BYTES = 5_000_000
#: Feed content at least this long is the article itself, used when its page cannot be fetched.
MIN_CONTENT_WORDS = 200
USER_AGENT = f"eventwatch/{__version__} (news event monitor; feed reader)"
HTML_TYPES = ("text/html", "application/xhtml+xml")

State = MutableMapping[str, dict]
_WORD = re.compile(r"\w+")


class FetchError(InputError):
    """A URL could not be fetched: refused, timed out, an HTTP error or too large."""


@dataclass(frozen=True)
class Fetched:
    """The response to a fetch: the body of a 2xx, or nothing for a 304 Not Modified."""

    url: str
    status: int
    content: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """True when the server said the resource has not changed since the last fetch."""
        return self.status == 304

    @property
    def mime(self) -> str | None:
        """The media type without parameters ("text/html"), or None."""
        return self.content_type.partition(";")[0].strip().lower() or None if self.content_type else None

    @property
    def charset(self) -> str | None:
        """The charset the response declared, or None."""
        for param in (self.content_type or "").split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset" and value.strip(' "\''):
                return value.strip(' "\'')
        return None


def new_client(timeout: float = DEFAULT_TIMEOUT) -> httpx.Client:
    """An `httpx.Client` set up for reading feeds: redirects followed, a timeout, our User-Agent."""
    return httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT})


def fetch(url: str, state: State | None = None, client: httpx.Client | None = None, *,
          timeout: float = DEFAULT_TIMEOUT, max_bytes: int = MAX_BYTES) -> Fetched:
    """GET ``url``, conditionally when ``state`` holds its ETag / Last-Modified.

    Raises `FetchError` for a URL that is not http(s), a connection failure, an HTTP error
    status, a response taking longer than ``timeout`` seconds in all, or a body over
    ``max_bytes`` bytes. Does not change ``state`` (see `remember`).
    """
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise FetchError(f"{url}: only http and https URLs are fetched")
    headers = _conditional_headers((state or {}).get(url))
    own = client is None
    http = client or new_client(timeout)
    deadline = time.monotonic() + timeout
    try:
        with http.stream("GET", url, headers=headers, timeout=timeout, follow_redirects=True) as response:
            if response.status_code == 304:
                return Fetched(str(response.url), 304, etag=response.headers.get("ETag") or _etag(state, url),
                               modified=response.headers.get("Last-Modified") or _modified(state, url))
            if not 200 <= response.status_code < 300:
                raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"{url}: {declared} bytes, larger than the limit of {max_bytes}; not read")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"{url}: larger than the limit of {max_bytes} bytes; not read")
                if time.monotonic() > deadline:
                    raise FetchError(f"{url}: timed out after {timeout:g} s")
            return Fetched(str(response.url), response.status_code, bytes(body),
                           response.headers.get("Content-Type"), response.headers.get("ETag"),
                           response.headers.get("Last-Modified"))
    except httpx.TimeoutException as exc:
        raise FetchError(f"{url}: timed out after {timeout:g} s") from exc
    except httpx.TooManyRedirects as exc:
        raise FetchError(f"{url}: too many redirects") from exc
    except httpx.ConnectError as exc:
        raise FetchError(f"{url}: cannot connect ({exc})") from exc
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
        raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
    finally:
        if own:
            http.close()


def remember(state: State, url: str, fetched: Fetched) -> None:
    """Keep a fetch's ETag and Last-Modified in ``state`` for the next conditional request."""
    validators = {key: value for key, value in (("etag", fetched.etag), ("modified", fetched.modified)) if value}
    if validators:
        state[url] = validators
    else:
        state.pop(url, None)


def read_feed(url_or_path: str | Path, state: State | None = None, client: httpx.Client | None = None, *,
              timeout: float = DEFAULT_TIMEOUT, max_bytes: int = MAX_BYTES) -> Iterator[Item]:
    """`Item`s of the pages an RSS or Atom feed links to, in feed order.

    ``url_or_path`` is an http(s) URL or a local feed file. A feed not modified since the
    ``state`` was saved yields nothing; one that cannot be fetched or parsed yields an error
    `Item` naming it; each page an `Item` of its own (an error one with the page's URL when it
    cannot be fetched or read). ``client`` is an `httpx.Client` to share; by default one is
    made and closed.
    """
    origin = str(url_or_path)
    own = client is None
    http = client or new_client(timeout)
    try:
        fetched = None
        if _is_url(origin):
            try:
                fetched = fetch(origin, state, http, timeout=timeout, max_bytes=max_bytes)
            except FetchError as exc:
                yield Item.failed(origin, exc.args[0])
                return
            if fetched.not_modified:
                log.info("%s: not modified since the last read", origin)
                return
            data, headers = fetched.content, {"content-location": fetched.url}
            if fetched.content_type:
                headers["content-type"] = fetched.content_type
        elif "://" in origin:
            yield Item.failed(origin, "only http and https URLs or local feed files are read")
            return
        else:
            try:
                data, headers = Path(origin).read_bytes(), {}
            except OSError as exc:
                yield Item.failed(origin, f"cannot read the feed: {exc.strerror or exc}")
                return
        feed = feedparser.parse(data, response_headers=headers)
        problem = _feed_problem(feed)
        if problem:
            yield Item.failed(origin, problem)
            return
        if feed.bozo:
            log.warning("%s: malformed feed (%s); reading its %d entries anyway",
                        origin, feed.bozo_exception, len(feed.entries))
        yield from _read_entries(feed, origin, http, timeout, max_bytes)
        if fetched is not None and state is not None:
            remember(state, origin, fetched)
    finally:
        if own:
            http.close()


def _read_entries(feed, origin: str, http: httpx.Client, timeout: float, max_bytes: int) -> Iterator[Item]:
    base = feed.get("href") or (origin if _is_url(origin) else None)
    seen: set[str] = set()
    for n, entry in enumerate(feed.entries, 1):
        link = (entry.get("link") or "").strip()
        if not link:
            yield Item.failed(f"{origin} (entry {n})", "the feed entry has no link")
            continue
        link = urljoin(base, link) if base else link
        if link in seen:
            continue
        seen.add(link)
        yield _read_entry(entry, link, feed, http, timeout, max_bytes)


def _read_entry(entry, link: str, feed, http: httpx.Client, timeout: float, max_bytes: int) -> Item:
    """The `Item` of one feed entry: its page read, the entry's title and date as fallbacks."""
    title = (entry.get("title") or "").strip() or None
    published = _entry_date(entry)
    try:
        page = fetch(link, None, http, timeout=timeout, max_bytes=max_bytes)
        if page.mime and page.mime not in HTML_TYPES:
            raise ExtractionError(f"{link}: not an HTML page ({page.mime})")
        article = extract(page.content, url=page.url, encoding=page.charset, origin=link)
    except (FetchError, ExtractionError) as exc:
        content = _content_text(entry)
        if content is None:
            return Item.failed(link, exc.args[0])
        log.info("%s: %s; using the full text the feed carries", link, exc.args[0])
        article = Article(text=content, url=link, source=site_of(link) or feed.feed.get("title"))
    if article.title is None:
        article.title = title
    return article_item(article, link, published)


def _feed_problem(feed) -> str | None:
    """Why a parsed feed yields nothing, or None when its entries can be read."""
    if feed.entries:
        return None
    if not feed.version:
        return "not an RSS or Atom feed" + (f" ({feed.bozo_exception})" if feed.bozo else "")
    if feed.bozo:
        return f"malformed feed: {feed.bozo_exception}"
    return None


def _entry_date(entry) -> str | None:
    """An entry's publication (else update) date as YYYY-MM-DD, or None."""
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday).isoformat()
            except (ValueError, AttributeError):
                continue
    return None


def _content_text(entry) -> str | None:
    """The full text an entry carries (``content``, not the summary) when it is article-length."""
    best = None
    for content in entry.get("content") or ():
        value = content.get("value") or ""
        if "html" in (content.get("type") or ""):
            value = _html_text(value)
        value = value.strip()
        if len(_WORD.findall(value)) >= MIN_CONTENT_WORDS and (best is None or len(value) > len(best)):
            best = value
    return best


def _html_text(fragment: str) -> str:
    """The text of an HTML fragment, a paragraph a line."""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml rejects some fragments (empty, only a comment)
        return ""
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "blockquote"):
        block.tail = "\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _conditional_headers(known: dict | None) -> dict[str, str]:
    headers = {}
    if known and known.get("etag"):
        headers["If-None-Match"] = known["etag"]
    if known and known.get("modified"):
        headers["If-Modified-Since"] = known["modified"]
    return headers


def _etag(state: State | None, url: str) -> str | None:
    return ((state or {}).get(url) or {}).get("etag")


def _modified(state: State | None, url: str) -> str | None:
    return ((state or {}).get(url) or {}).get("modified")


def _is_url(value: str) -> bool:
    return urlsplit(value).scheme.lower() in ("http", "https")
