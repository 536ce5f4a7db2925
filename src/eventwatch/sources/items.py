"""The common currency of the readers: one `Item` per article found, or per input that failed.

Readers never raise for a bad input: they yield an `Item` saying where the input was
(``origin``) and what went wrong (``error``), so one broken file, record or page never stops
the rest and the store can record every failure by where a human can find it.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from urllib.parse import urlsplit

from ..document import Article
from .language import english_or_reason


def site_of(url: str | None) -> str | None:
    """The host of a URL without "www." ("https://www.voanews.com/a/1" -> "voanews.com"), the
    name an article's outlet goes by when nothing better is known; None for no or a bad URL."""
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


@dataclass(frozen=True)
class Item:
    """An article read from ``origin``, an article skipped for a reason, or an input that failed.

    Exactly one of three shapes:

    - ok: ``article`` set, ``skipped`` and ``error`` None;
    - skipped: ``article`` and ``skipped`` set (kept so the store can record what it skipped);
    - failed: ``error`` set, ``article`` and ``skipped`` None.

    ``origin`` is something a human can find the input by: a path, ``path:line``, a URL, or
    ``path#offset`` of a WARC record.
    """

    article: Article | None
    origin: str
    error: str | None = None
    skipped: str | None = None

    def __post_init__(self) -> None:
        if not self.origin:
            raise ValueError("an Item needs an origin naming its input")
        if self.error is not None:
            if self.article is not None or self.skipped is not None:
                raise ValueError(f"{self.origin}: a failed Item carries neither an article nor a skip reason")
        elif self.article is None:
            raise ValueError(f"{self.origin}: an Item needs an article or an error")

    @property
    def ok(self) -> bool:
        """True for an article to analyse (neither skipped nor failed)."""
        return self.error is None and self.skipped is None

    @classmethod
    def failed(cls, origin: str, error: str) -> "Item":
        """An input that could not be read, and why."""
        return cls(article=None, origin=origin, error=error)


def article_item(article: Article, origin: str, published: str | None = None) -> Item:
    """The `Item` of an article that was read: ``published`` fills a missing date, and an
    article not in English comes back skipped (with the article, so it can be recorded)."""
    if article.published is None and published is not None:
        article = dataclasses.replace(article, published=published)
    return Item(article=article, origin=origin, skipped=english_or_reason(article.text))
