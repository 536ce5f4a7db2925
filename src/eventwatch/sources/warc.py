"""Web archives (WARC, plain or gzipped): the HTML pages a crawler saved, one article each.

Only ``response`` records of a successful fetch (HTTP 200) of an HTML page are articles;
requests, metadata, images and error pages are passed over silently. A record's origin is
``path#offset`` (the byte offset of its record, which ``warcio extract`` and most WARC tools
accept). A damaged archive yields an error `Item` for the rest and stops reading it: past a
truncation or corruption there is no telling where the next record starts.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from .html import ExtractionError, extract
from .items import Item, article_item

#: Pages above this many bytes (decoded) are not read: no news article is that large.
MAX_PAGE_BYTES = 5_000_000
HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHUNK = 1 << 16


def read_warc(path: str | Path, published: str | None = None) -> Iterator[Item]:
    """`Item`s of the HTML pages archived in a WARC file, in archive order.

    An article's date falls back on the record's WARC-Date (the day it was crawled), then on
    ``published``. Never raises for a bad archive: it ends with an error `Item` instead.
    """
    path = Path(path)
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield Item.failed(str(path), f"cannot read: {exc.strerror or exc}")
        return
    with stream:
        records = ArchiveIterator(stream)
        offset, seen = 0, 0
        while True:
            try:
                record = next(records, None)
                if record is None:
                    break
                seen += 1
                offset = _offset(records, offset)
                if not record.format.startswith("warc"):
                    # warcio also reads the older ARC format, and takes many a text line for an
                    # ARC record header: in a .warc file that means it is no WARC.
                    yield Item.failed(f"{path}#{offset}", "not a WARC archive (no WARC record here); "
                                                          "stopped reading it")
                    return
                if record.rec_type is None or record.length is None:
                    yield Item.failed(f"{path}#{offset}", "damaged or truncated archive: a record without "
                                                          "WARC-Type or Content-Length; stopped reading it")
                    return
                item = _read_record(record, f"{path}#{offset}", published)
                missing = _drain(record)
            except Exception as exc:  # warcio/zlib raise many kinds for a damaged archive
                yield Item.failed(f"{path}#{offset}", f"damaged archive, stopped reading it: "
                                                      f"{type(exc).__name__}: {exc}")
                return
            if missing:
                yield Item.failed(f"{path}#{offset}", f"truncated archive: the record ends {missing} bytes "
                                                      f"early; stopped reading it")
                return
            if item is not None:
                yield item
        # warcio ends quietly where a record's header is cut off or the rest is no WARC at all.
        end, size = _offset(records, 0), stream.seek(0, 2)
        if size == 0:
            yield Item.failed(str(path), "empty file, there are no archived pages")
        elif end < size:
            what = "no WARC records" if not seen else "damaged or truncated archive"
            yield Item.failed(f"{path}#{end}", f"{what}: the {size - end} bytes from offset {end} "
                                               f"are no complete WARC record")


def _offset(records: ArchiveIterator, previous: int) -> int:
    """The byte offset where the current record starts.

    warcio only reports it once a record is read to its end (``get_record_offset`` would
    consume the content), so this peeks at the position the iterator keeps for it.
    """
    offset = getattr(records, "offset", None)
    return offset if isinstance(offset, int) else previous


def _read_record(record, origin: str, published: str | None) -> Item | None:
    """The `Item` of one record, or None for a record that is not an archived HTML page."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if record.http_headers.get_statuscode() != "200":
        return None
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    mime, _, params = content_type.partition(";")
    if mime.strip() not in HTML_TYPES:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    body = record.content_stream().read(MAX_PAGE_BYTES + 1)
    if len(body) > MAX_PAGE_BYTES:
        return Item.failed(origin, f"page {url} is larger than {MAX_PAGE_BYTES} bytes, not read")
    try:
        article = extract(body, url=url, encoding=_charset(params), origin=f"{url} ({origin})")
    except ExtractionError as exc:
        return Item.failed(origin, exc.args[0])
    return article_item(article, origin, _warc_date(record) or published)


def _drain(record) -> int:
    """Read the rest of a record; the number of bytes its length promised but the file lacked."""
    while record.raw_stream.read(_CHUNK):
        pass
    missing = getattr(record.raw_stream, "limit", 0)
    return missing if isinstance(missing, int) and missing > 0 else 0


def _charset(params: str) -> str | None:
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip() == "charset" and value.strip(' "\''):
            return value.strip(' "\'')
    return None


def _warc_date(record) -> str | None:
    """The record's WARC-Date as YYYY-MM-DD, or None when it is missing or invalid."""
    value = (record.rec_headers.get_header("WARC-Date") or "")[:10]
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        return None
