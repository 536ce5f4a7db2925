"""Readers that turn inputs into `Article`s.

- `read_text` / `decode_text`: one plain-text article; `read_jsonl`: a JSON Lines stream.
- `read_paths`: files and directories by extension (.txt, .html/.htm, .json, .jsonl,
  .warc/.warc.gz); `extract`: one HTML page; `read_warc`: a web archive;
  `read_feed` / `fetch`: RSS and Atom feeds and the pages they link to.

The readers of many inputs yield `Item`s: an article, an article skipped for a reason (not
in English), or an error naming the input (``origin``) — never an exception for a bad
input, so one broken file, record or page never stops the rest.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

# Exported name -> module. Imported on first use: trafilatura, httpx, feedparser and warcio
# cost half a second, which reading plain text or JSON Lines should not pay.
_EXPORTS = {
    "BadRecord": "jsonl", "read_jsonl": "jsonl", "decode_text": "text", "read_text": "text",
    "Item": "items", "article_item": "items", "detect": "language", "english_or_reason": "language",
    "ExtractionError": "html", "extract": "html", "read_paths": "files", "read_file": "files",
    "read_warc": "warc", "Fetched": "feeds", "FetchError": "feeds", "fetch": "feeds", "read_feed": "feeds",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from .feeds import Fetched, FetchError, fetch, read_feed
    from .files import read_file, read_paths
    from .html import ExtractionError, extract
    from .items import Item, article_item
    from .jsonl import BadRecord, read_jsonl
    from .language import detect, english_or_reason
    from .text import decode_text, read_text
    from .warc import read_warc


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
