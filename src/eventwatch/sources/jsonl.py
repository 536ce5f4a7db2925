"""JSON Lines input: one article object a line, streamed; a bad line never stops the rest."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..document import Article

_OPTIONAL_STR = ("published", "title", "url", "source")


@dataclass(frozen=True)
class BadRecord:
    """A line that is no valid article, with the reason."""

    line: int
    message: str
    id: str | None = None

    def __str__(self) -> str:
        ident = f" (id {self.id!r})" if self.id is not None else ""
        return f"line {self.line}{ident}: {self.message}"


def parse_record(raw: bytes | str, line_no: int) -> Article | BadRecord:
    """One JSON Lines record as an `Article`, or a `BadRecord` saying what is wrong."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            return BadRecord(line_no, f"not valid UTF-8 (byte offset {exc.start})")
    try:
        obj = json.loads(raw)
    except ValueError as exc:
        return BadRecord(line_no, f"invalid JSON: {exc}")
    return parse_object(obj, line_no)


def parse_object(obj: object, line_no: int) -> Article | BadRecord:
    """A decoded JSON value as an `Article`, or a `BadRecord` saying what is wrong.

    Shared by JSON Lines and JSON files, so both accept exactly the same article objects.
    """
    if not isinstance(obj, dict):
        return BadRecord(line_no, f"expected a JSON object, got {type(obj).__name__}")
    ident = obj.get("id")
    if ident is not None and not isinstance(ident, (str, int)):
        return BadRecord(line_no, f"'id' must be a string or an integer, got {type(ident).__name__}")
    ident = None if ident is None else str(ident)
    text = obj.get("text")
    if text is None:
        return BadRecord(line_no, "no 'text' field", ident)
    if not isinstance(text, str):
        return BadRecord(line_no, f"'text' must be a string, got {type(text).__name__}", ident)
    if not text.strip():
        return BadRecord(line_no, "'text' is empty", ident)
    for key in _OPTIONAL_STR:
        if obj.get(key) is not None and not isinstance(obj[key], str):
            return BadRecord(line_no, f"{key!r} must be a string or null, got {type(obj[key]).__name__}", ident)
    return Article(text=text, id=ident, published=obj.get("published"), title=obj.get("title"),
                   url=obj.get("url"), source=obj.get("source"))


def read_jsonl(lines: Iterable[bytes | str]) -> Iterator[Article | BadRecord]:
    """Parse a stream of JSON Lines lazily; blank lines are skipped."""
    for _, record in numbered_records(lines):
        yield record


def numbered_records(lines: Iterable[bytes | str]) -> Iterator[tuple[int, Article | BadRecord]]:
    """Like `read_jsonl`, each record with its line number (for good records too), so a
    reader can say where every article came from."""
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        yield n, parse_record(raw, n)
