"""HTML pages: the article's main text without navigation, banners and footers, plus its metadata.

trafilatura finds the main text and the title, htmldate the publication date (the original
one where a page gives both, and only from markup made to date it), the page's own canonical
link its address. Extraction favours
precision: a menu or a "related stories" list read as article text would give the pipeline
events that never happened, whereas a missed paragraph costs little. When the precise pass
finds nothing the balanced one gets a try before the page is given up.
"""
from __future__ import annotations

import codecs
import logging
import re
from urllib.parse import urljoin, urlsplit

import htmldate
import trafilatura
from trafilatura.utils import decode_file, load_html

from ..document import Article
from ..errors import InputError
from .items import site_of

log = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
#: Labels browsers read as windows-1252 (WHATWG Encoding): pages declaring Latin-1 use its
#: extra characters (curly quotes, dashes) in 0x80-0x9F.
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "windows-1252", "cp1252"}
_SPACE = re.compile(r"\s+")


class ExtractionError(InputError, ValueError):
    """A page has no article text that could be extracted."""


def extract(html: bytes | str, url: str | None = None, *, encoding: str | None = None,
            origin: str | None = None) -> Article:
    """The `Article` of an HTML page: main text, title, publication date, URL and source.

    ``url`` is where the page came from (it resolves a relative canonical link and is the
    fallback address); ``encoding`` a charset a transport declared (an HTTP Content-Type),
    tried before the page's own ``<meta charset>``; ``origin`` names the input in errors
    (default: the URL). Raises `ExtractionError` when no article text is found, including for
    empty, binary or non-HTML input, and nothing else.
    """
    where = origin or url or "the HTML input"
    page = decode_html(html, encoding) if isinstance(html, bytes) else html
    try:
        tree = load_html(page) if page.strip() else None
    except Exception as exc:  # lxml's failures vary with the damage; all mean "no page"
        log.debug("could not parse %s: %s", where, exc)
        tree = None
    if tree is None:
        raise ExtractionError(f"no article text found in {where}: not a parsable HTML page")
    doc = None
    for precise in (True, False):
        try:
            doc = trafilatura.bare_extraction(page, url=url, with_metadata=True, favor_precision=precise,
                                              include_comments=False, include_tables=False)
        except Exception as exc:  # a page trafilatura chokes on is a page without text
            log.debug("trafilatura failed on %s: %s", where, exc)
            doc = None
        if doc is not None and doc.text and doc.text.strip():
            break
    if doc is None or not doc.text or not doc.text.strip():
        raise ExtractionError(f"no article text found in {where}")
    title = _clean(doc.title)
    return Article(text=_without_headline(doc.text.strip(), title), title=title,
                   published=_published(page, url, where), url=_address(tree, url) or doc.url,
                   source=_clean(doc.sitename) or site_of(url) or _clean(doc.hostname))


def decode_html(data: bytes, encoding: str | None = None) -> str:
    """The text of an HTML page's bytes: a byte-order mark, the transport's charset, the
    page's declared charset, then trafilatura's guess; a charset that does not decode the
    bytes is passed over. Undecodable bytes end up as U+FFFD rather than an error."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    declared = _META_CHARSET.search(data[:4096])
    for label in (encoding, declared and declared.group(1).decode("ascii")):
        text = _try_decode(data, label)
        if text is not None:
            return text
    try:
        return decode_file(data)
    except Exception:  # a compressed-looking or odd input trafilatura cannot handle
        return data.decode("utf-8", errors="replace")


def _try_decode(data: bytes, label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    for codec in (("cp1252", "latin-1") if label in _AS_CP1252 else (label,)):
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return None


def _published(page: str, url: str | None, where: str) -> str | None:
    """The page's original publication date as YYYY-MM-DD, or None.

    Only from markup meant to date the page (meta tags, JSON-LD, ``<time>``, date-classed
    elements, the URL): htmldate's extensive search also guesses from any date in the text
    and from a footer's copyright year (as January 1st), and a wrong date misdates every
    event of the article, where a missing one falls back on the feed's, the crawl's or the
    caller's date.
    """
    try:
        return htmldate.find_date(page, extensive_search=False, original_date=True, url=url,
                                  outputformat="%Y-%m-%d")
    except Exception as exc:  # htmldate on a damaged page: no date rather than no article
        log.debug("htmldate failed on %s: %s", where, exc)
        return None


def _address(tree, url: str | None) -> str | None:
    """The page's own address: its canonical link, else og:url, else ``url``; relative links
    resolved against ``url``, anything but http(s) ignored."""
    candidates = tree.xpath('//link[contains(concat(" ", normalize-space(translate(@rel, "CANONIL", "canonil")), " "),'
                            ' " canonical ")]/@href')
    candidates += tree.xpath('//meta[@property="og:url" or @name="og:url"]/@content')
    for href in candidates:
        href = href.strip()
        if not href:
            continue
        absolute = urljoin(url, href) if url else href
        if urlsplit(absolute).scheme in ("http", "https") and urlsplit(absolute).netloc:
            return absolute
    return url


def _clean(value: str | None) -> str | None:
    value = _SPACE.sub(" ", value).strip() if value else None
    return value or None


def _without_headline(text: str, title: str | None) -> str:
    """The text without a first line repeating the title: the headline is the article's
    title, not a sentence of its body."""
    first, sep, rest = text.partition("\n")
    if title and rest.strip() and _SPACE.sub(" ", first).strip().casefold() == title.casefold():
        return rest.strip()
    return text
