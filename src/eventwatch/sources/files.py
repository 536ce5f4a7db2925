"""Files and directories of articles, each read by its extension; a bad file never stops the rest.

Directories are walked recursively in sorted order (so runs are reproducible), skipping
hidden files and folders (``.git``, editor backups). Every problem with an input becomes an
error `Item` naming it; only the caller's own mistakes (a wrong argument type) raise.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from .html import ExtractionError, extract
from .items import Item, article_item
from .jsonl import BadRecord, numbered_records, parse_object
from .text import decode_text, read_text
from .warc import read_warc

#: Extensions read, longest first so ".warc.gz" wins over ".gz".
EXTENSIONS = (".warc.gz", ".warc", ".txt", ".html", ".htm", ".json", ".jsonl")
#: Bytes of a JSON Lines file looked at for NULs before it is read line by line.
_SNIFF = 8192


def read_paths(paths: Iterable[str | Path], published: str | None = None) -> Iterator[Item]:
    """`Item`s of the articles in files and directories, in order.

    ``published`` is the date for articles that carry none. A path that does not exist, an
    unknown extension, an empty, binary or undecodable file: each an error `Item`.
    """
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for file in _walk(path):
                yield from read_file(file, published)
        else:
            yield from read_file(path, published)


def read_file(path: str | Path, published: str | None = None) -> Iterator[Item]:
    """`Item`s of one file, chosen by its extension (see `EXTENSIONS`)."""
    path = Path(path)
    origin = str(path)
    kind = kind_of(path)
    if kind is None:
        yield Item.failed(origin, f"unknown file type {path.suffix or '(no extension)'!r}; "
                                  f"expected one of {', '.join(EXTENSIONS)}")
        return
    if not path.is_file():
        yield Item.failed(origin, "no such file" if not path.exists() else "not a regular file")
        return
    try:
        if kind in (".warc", ".warc.gz"):
            yield from read_warc(path, published)
        elif kind == ".jsonl":
            yield from _read_jsonl(path, published)
        else:
            yield from _READERS[kind](path, path.read_bytes(), published)
    except OSError as exc:  # unreadable (permissions, a vanished file, I/O error)
        yield Item.failed(origin, f"cannot read: {exc.strerror or exc}")


def kind_of(path: Path) -> str | None:
    """The extension `read_file` reads ``path`` by, or None for a file it cannot read."""
    name = path.name.lower()
    return next((ext for ext in EXTENSIONS if name.endswith(ext)), None)


def _walk(root: Path) -> list[Path]:
    """The non-hidden files below ``root``, sorted by their path; hidden folders not entered."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(Path(folder, name) for name in files if not name.startswith("."))
    return sorted(found, key=lambda path: path.relative_to(root).parts)


def _read_txt(path: Path, data: bytes, published: str | None) -> Iterator[Item]:
    try:
        article = read_text(data, str(path), published=published, article_id=path.stem)
    except InputError as exc:
        yield Item.failed(str(path), _reason(exc, path))
        return
    yield article_item(article, str(path))


def _read_html(path: Path, data: bytes, published: str | None) -> Iterator[Item]:
    if not data.strip():
        yield Item.failed(str(path), "empty file, there is no text to analyse")
        return
    try:
        article = extract(data, origin=str(path))
    except ExtractionError as exc:
        yield Item.failed(str(path), _reason(exc, path))
        return
    article.id = path.stem
    yield article_item(article, str(path), published)


def _read_json(path: Path, data: bytes, published: str | None) -> Iterator[Item]:
    """A JSON file: one article object, or a list of them (origins ``path[index]``)."""
    origin = str(path)
    try:
        text = decode_text(data, origin)
        obj = json.loads(text)
    except InputError as exc:
        yield Item.failed(origin, _reason(exc, path))
        return
    except ValueError as exc:
        yield Item.failed(origin, f"invalid JSON: {exc}")
        return
    if isinstance(obj, dict):
        yield _record_item(parse_object(obj, 1), origin, published)
    elif isinstance(obj, list):
        if not obj:
            yield Item.failed(origin, "an empty list, there are no articles")
        for i, element in enumerate(obj):
            yield _record_item(parse_object(element, i + 1), f"{origin}[{i}]", published)
    else:
        yield Item.failed(origin, f"expected an article object or a list of them, got {type(obj).__name__}")


def _read_jsonl(path: Path, published: str | None) -> Iterator[Item]:
    """A JSON Lines file, streamed; each bad line an error `Item` at ``path:line``."""
    origin = str(path)
    with path.open("rb") as stream:
        head = stream.read(_SNIFF)
        if b"\x00" in head:
            yield Item.failed(origin, "looks binary (contains NUL bytes), not JSON Lines")
            return
        stream.seek(0)
        empty = True
        for line, record in numbered_records(stream):
            empty = False
            yield _record_item(record, f"{origin}:{line}", published)
        if empty:
            yield Item.failed(origin, "empty input, there is no text to analyse")


def _record_item(record, origin: str, published: str | None) -> Item:
    if isinstance(record, BadRecord):
        ident = f" (id {record.id!r})" if record.id is not None else ""
        return Item.failed(origin, f"{record.message}{ident}")
    return article_item(record, origin, published)


def _reason(exc: Exception, path: Path) -> str:
    """An error's message without its code and without the file name the origin repeats."""
    message = exc.args[0] if exc.args else str(exc)
    return str(message).removeprefix(f"{path}: ")


_READERS = {".txt": _read_txt, ".html": _read_html, ".htm": _read_html, ".json": _read_json}
