"""Shards: the units of work of a batch job, planned from the inputs and read back as `Item`s.

A shard is one JSON Lines file (or a byte range of a large one), one WARC archive, or a group
of small files (``.txt``, ``.html``, ``.json``) of one folder. Its id is a stable hash of what
it reads (each file's location, size and modification time, and the byte range), so a rerun
over the same inputs plans the same shards and can skip those already done, and a changed file
is a new shard.

Inputs are local paths or URIs. Object stores are reached through pyarrow's filesystems
(``s3://``, ``gs://``, ``hdfs://``) or, for other schemes, fsspec's (``az://``, ...), when their
optional packages are installed; a file of an object store is downloaded to a temporary file
before it is read (WARC and JSON Lines byte ranges are streamed).

Records keep the origins `eventwatch.sources` gives them (``path:line``, ``path#offset`` of a
WARC record), except those of a JSON Lines file split in byte ranges: ``path#offset``, the
byte offset where the record's line starts (``tail -c +$((offset + 1)) path | head -1``).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError

#: JSON Lines files larger than this are split into byte ranges of this size, one shard each.
SPLIT_BYTES = 32 * 1024 * 1024
#: Small files (.txt, .html, .json) of one folder go in shards of at most this many files.
GROUP_FILES = 64
#: Bytes read at a time when streaming a byte range of a JSON Lines file.
_BLOCK = 1 << 20


# -- filesystems ---------------------------------------------------------------------------------

def is_uri(location: str) -> bool:
    """Whether a location is a URI (``s3://bucket/key``) rather than a local path."""
    return "://" in location


def filesystem(location: str) -> tuple[Any, str]:
    """The pyarrow filesystem and the path within it of a local path or a URI.

    Raises `InputError` for a scheme no installed filesystem handles, saying what to install.
    """
    import pyarrow.fs as pafs

    if not is_uri(location):
        return pafs.LocalFileSystem(), os.path.abspath(os.path.expanduser(location))
    scheme = location.split("://", 1)[0].lower()
    if scheme == "file":
        return pafs.LocalFileSystem(), location.split("://", 1)[1]
    try:
        return pafs.FileSystem.from_uri(location)
    except Exception as native:  # pyarrow.ArrowInvalid: unknown scheme; others: not built in
        try:
            import fsspec
        except ImportError:
            raise InputError(f"{location}: pyarrow cannot open {scheme}:// locations ({native}); "
                             f"install fsspec and its {scheme} driver") from None
        try:
            fs, path = fsspec.core.url_to_fs(location)
        except (ImportError, ValueError) as exc:
            raise InputError(f"{location}: no filesystem for {scheme}:// ({exc}); install the "
                             f"fsspec driver for {scheme}") from None
        return pafs.PyFileSystem(pafs.FSSpecHandler(fs)), path


def _location(original: str, path: str) -> str:
    """The location of ``path`` found under the input ``original``: a local path, or a URI of
    the input's scheme."""
    if not is_uri(original):
        return path
    scheme = original.split("://", 1)[0]
    return f"{scheme}://{path}"


# -- shards --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shard:
    """A unit of work: what to read, and the stable id its outputs are named by."""

    id: str
    #: "jsonl", "warc" or "files" (a group of small files of one folder).
    kind: str
    #: Locations (absolute local paths or URIs) of the files read.
    files: tuple[str, ...]
    #: The byte range of a JSON Lines file split in pieces (end None: to the end of the file).
    start: int = 0
    end: int | None = None
    #: Bytes of input (of the range, for a piece).
    size: int = 0

    @property
    def split(self) -> bool:
        """Whether this shard is a byte range of a larger JSON Lines file."""
        return self.start > 0 or self.end is not None

    @property
    def label(self) -> str:
        """A human-readable name: the file, the file and range, or the folder and file count."""
        if self.kind == "files":
            return f"{posixpath.dirname(self.files[0])}/ ({len(self.files)} file(s))"
        if self.split:
            return f"{self.files[0]}[{self.start}:{'' if self.end is None else self.end}]"
        return self.files[0]

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "files": list(self.files)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Shard":
        return cls(**{**data, "files": tuple(data["files"])})


def _shard_id(kind: str, stamps: Iterable[tuple[str, int, int]], start: int = 0,
              end: int | None = None) -> str:
    """A stable id: the hash of the kind, each file's (location, size, mtime) and the range."""
    key = json.dumps([kind, [list(s) for s in stamps], start, end], separators=(",", ":"))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def plan(inputs: Iterable[str], *, split_bytes: int = SPLIT_BYTES,
         group_files: int = GROUP_FILES) -> list[Shard]:
    """The shards of ``inputs`` (files and folders, local or URIs), in input order; folders
    are walked recursively in sorted order, skipping hidden files and folders.

    Raises `InputError` naming an input that does not exist, or a file given by name whose
    type cannot be read (in a folder, such a file becomes an error of its shard instead).
    """
    if split_bytes <= 0 or group_files <= 0:
        raise ValueError("split_bytes and group_files must be positive")
    shards: list[Shard] = []
    seen: set[str] = set()
    for original in inputs:
        for shard in _plan_one(str(original), split_bytes, group_files):
            if shard.id not in seen:
                seen.add(shard.id)
                shards.append(shard)
    return shards


def _plan_one(original: str, split_bytes: int, group_files: int) -> Iterator[Shard]:
    import pyarrow.fs as pafs

    from ..sources.files import EXTENSIONS, kind_of

    fs, root = filesystem(original)
    try:
        info = fs.get_file_info(root)
    except OSError as exc:
        raise InputError(f"{original}: cannot be read ({exc})") from None
    if info.type == pafs.FileType.NotFound:
        raise InputError(f"{original}: no such file or directory")
    if info.type == pafs.FileType.Directory:
        try:
            found = fs.get_file_info(pafs.FileSelector(root, recursive=True))
        except OSError as exc:
            raise InputError(f"{original}: cannot list the folder ({exc})") from None
        files = sorted((f for f in found if f.type == pafs.FileType.File and not _hidden(f.path, root)),
                       key=lambda f: _relative_parts(f.path, root))
        if not files:
            raise InputError(f"{original}: the folder holds no files to read")
    else:
        if kind_of(Path(info.path)) is None:
            raise InputError(f"{original}: unknown file type {Path(info.path).suffix or '(no extension)'!r}; "
                             f"expected one of {', '.join(EXTENSIONS)}")
        files = [info]
    groups: dict[str, list[tuple[str, int, int]]] = {}
    for f in files:
        location = _location(original, f.path)
        stamp = (location, int(f.size or 0), int(f.mtime_ns or 0))
        kind = kind_of(Path(f.path))
        if kind == ".jsonl":
            yield from _jsonl_shards(stamp, split_bytes)
        elif kind in (".warc", ".warc.gz"):
            yield Shard(_shard_id("warc", [stamp]), "warc", (location,), size=stamp[1])
        else:  # small files, and unreadable ones (each becomes an error of its shard)
            groups.setdefault(posixpath.dirname(f.path), []).append(stamp)
    for stamps in groups.values():
        for i in range(0, len(stamps), group_files):
            chunk = stamps[i:i + group_files]
            yield Shard(_shard_id("files", chunk), "files", tuple(s[0] for s in chunk),
                        size=sum(s[1] for s in chunk))


def _jsonl_shards(stamp: tuple[str, int, int], split_bytes: int) -> Iterator[Shard]:
    location, size, _ = stamp
    if size <= split_bytes:
        yield Shard(_shard_id("jsonl", [stamp]), "jsonl", (location,), size=size)
        return
    for start in range(0, size, split_bytes):
        end = min(start + split_bytes, size)
        yield Shard(_shard_id("jsonl", [stamp], start, end), "jsonl", (location,), start, end, end - start)


def _relative_parts(path: str, root: str) -> tuple[str, ...]:
    return tuple(posixpath.relpath(path, root).split("/"))


def _hidden(path: str, root: str) -> bool:
    return any(part.startswith(".") for part in _relative_parts(path, root))


# -- reading -------------------------------------------------------------------------------------

def read_shard(shard: Shard, published: str | None = None) -> Iterator[Any]:
    """The `eventwatch.sources.Item`s of a shard, in order (an article, an article skipped
    for its language, or an error naming the input: a bad input never raises)."""
    from ..sources import Item

    if shard.kind == "jsonl" and shard.split:
        yield from _read_range(shard.files[0], shard.start, shard.end, published)
        return
    for location in shard.files:
        try:
            yield from _read_whole(location, published)
        except OSError as exc:  # a remote file that vanished or cannot be downloaded
            yield Item.failed(location, f"cannot read: {exc}")


def _read_whole(location: str, published: str | None) -> Iterator[Any]:
    """A whole file by its extension, as `eventwatch.sources.read_file` reads it; a remote
    file is downloaded to a temporary file first (origins still name the remote file)."""
    from ..sources import read_file

    if not is_uri(location):
        yield from read_file(location, published)
        return
    fs, path = filesystem(location)
    with tempfile.TemporaryDirectory(prefix="eventwatch-") as tmp:
        local = os.path.join(tmp, posixpath.basename(path) or "input")
        with fs.open_input_stream(path) as src, open(local, "wb") as dst:
            shutil.copyfileobj(src, dst, _BLOCK)
        for item in read_file(local, published):
            yield dataclasses.replace(item, origin=item.origin.replace(local, location, 1))


def _read_range(location: str, start: int, end: int | None, published: str | None) -> Iterator[Any]:
    """The records of the lines of a JSON Lines file that start in ``[start, end)``; each
    origin is ``location#offset`` (the byte offset of its line)."""
    from ..sources import Item, article_item
    from ..sources.jsonl import BadRecord, parse_record

    fs, path = filesystem(location)
    try:
        stream = fs.open_input_file(path)
    except OSError as exc:
        yield Item.failed(location, f"cannot read: {exc}")
        return
    with stream:
        for offset, line in _lines(stream, start, end):
            if not line.strip():
                continue
            origin = f"{location}#{offset}"
            record = parse_record(line, 1 if offset == 0 else 2)  # line 1 may start with a BOM
            if isinstance(record, BadRecord):
                ident = f" (id {record.id!r})" if record.id is not None else ""
                yield Item.failed(origin, f"{record.message}{ident}")
            else:
                yield article_item(record, origin, published)


def _lines(stream: Any, start: int, end: int | None) -> Iterator[tuple[int, bytes]]:
    """(offset, line) of each line starting at an offset in ``[start, end)``.

    A line belongs to the range its first byte is in, so the ranges of a file share out its
    lines exactly: a range that starts inside a line leaves that line to the range before.
    """
    position = max(start - 1, 0)
    stream.seek(position)
    buffer = b""
    if start > 0:  # skip to the end of the line the previous range owns
        while True:
            block = stream.read(_BLOCK)
            if not block:
                return
            cut = block.find(b"\n")
            if cut >= 0:
                position += cut + 1
                buffer = block[cut + 1:]
                break
            position += len(block)
    while True:
        at = 0
        while (cut := buffer.find(b"\n", at)) >= 0:
            if end is not None and position >= end:
                return
            yield position, buffer[at:cut + 1]
            position += cut + 1 - at
            at = cut + 1
        buffer = buffer[at:]
        block = stream.read(_BLOCK)
        if not block:
            if buffer and (end is None or position < end):
                yield position, buffer
            return
        buffer += block
