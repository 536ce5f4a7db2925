"""eventwatch: news articles in, political and security events out.

The public API::

    import eventwatch
    doc = eventwatch.analyze(text, published="2021-10-14")
    for doc in eventwatch.analyze_many(articles):   # str, dict or Article items
        ...
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .document import Article, Document
from .errors import EventwatchError, InputError, KnowledgeError, PipelineError
from .pipeline import DEFAULT_STAGES, Config, Pipeline, shared_pipeline

__version__ = "0.1.0"
__all__ = [
    "Article", "Config", "DEFAULT_STAGES", "Document", "EventwatchError", "InputError",
    "KnowledgeError", "Pipeline", "PipelineError", "analyze", "analyze_many",
]


def _article(item: Article | str | dict[str, Any]) -> Article:
    if isinstance(item, Article):
        return item
    if isinstance(item, str):
        return Article(text=item)
    if isinstance(item, dict):
        fields = {k: item.get(k) for k in ("id", "published", "title", "url", "source")}
        return Article(text=item["text"], **fields)
    raise TypeError(f"cannot analyse a {type(item).__name__}; give an Article, a str or a dict with 'text'")


def analyze(text: str, published: str | None = None, *, id: str | None = None,
            pipeline: Pipeline | None = None) -> Document:
    """Analyse one article's text; ``published`` (ISO date) anchors relative dates.

    Raises `InputError` for an empty text and `EventwatchError` when a stage fails.
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError("analyze(): the text is empty")
    doc = next(analyze_many([Article(text=text, id=id, published=published)], pipeline=pipeline))
    if "error" in doc.work:
        raise EventwatchError(doc.work["error"])
    return doc


def analyze_many(items: Iterable[Article | str | dict[str, Any]], *,
                 pipeline: Pipeline | None = None) -> Iterator[Document]:
    """Analyse a stream of articles lazily, in order, in batches.

    A document whose analysis failed is still yielded, with its error in ``doc.work['error']``.
    """
    pipe = pipeline or shared_pipeline()
    return pipe.pipe(Document.from_article(_article(item)) for item in items)
