"""The output folder of a batch job: Parquet partitions, per-shard markers and the manifest.

    DIR/articles/published=2024-03-07/<shard>-0000.parquet    one file per table, day, shard, part
    DIR/events/published=unknown/<shard>-0000.parquet         articles without a publication date
    DIR/errors/<shard>-0000.parquet                           what could not be read or analysed
    DIR/_shards/<shard>.done                                  the shard is complete (JSON: counts, files)
    DIR/_shards/<shard>.progress                              a shard under way (attempts, crashes)
    DIR/manifest.json                                         every shard, counts, versions, timings

The tables (`TABLES`) have the columns of the store's tables of the same name (the rows come
from `eventwatch.store.rows`), less the database's surrogate keys and bookkeeping; the
publication day is the Hive partition key ``published``, not a column, so pyarrow, pandas,
Polars, DuckDB and Spark read each table folder as one data set. ``articles.analysis`` is the
whole analysis (SCHEMA.md JSON), from which `eventwatch.batch.load` rebuilds the documents.
Rows are sorted by article id, then by their ids within the article, and every file is
written under a hidden temporary name and renamed into place, so the same shard always gives
the same bytes and a reader never sees half a file. A shard is complete only once its
``.done`` marker exists, written after all its files.
"""
from __future__ import annotations

import datetime as dt
import json
import posixpath
import uuid
from collections.abc import Iterable
from functools import cache
from typing import Any

from .shards import filesystem

#: Version of this layout, in the manifest and every marker.
FORMAT = 1
#: Tables partitioned by the article's publication day.
PARTITIONED = ("articles", "entities", "mentions", "places", "times", "quotes", "events", "actors")
#: Every table written.
TABLES = (*PARTITIONED, "errors")
UNKNOWN_DAY = "unknown"
SHARDS_DIR = "_shards"
MANIFEST = "manifest.json"

#: Store columns left out: surrogate keys, load-time bookkeeping, and the partition key.
_DROPPED = {"id", "seq", "ingested_at", "run_id", "duplicate_of", "similarity", "published", "event_id"}
#: Columns of our own (not in the store's table, all strings): before the store's, and after.
_LEADING = {"articles": ("id",), "actors": ("article_id", "event_local_id")}
_TRAILING = {"articles": ("origin",), "errors": ("shard", "origin", "article_id", "stage", "message")}
#: The sort key of each table's rows after the article id (a stable sort keeps the rest in
#: document order).
SORT_KEYS = {
    "articles": ("origin",), "entities": ("local_id",), "mentions": ("entity_id", "start", "end"),
    "places": ("start", "end"), "times": ("start", "end"), "quotes": ("start", "end"),
    "events": ("local_id",), "actors": ("event_local_id",), "errors": ("origin",),
}


@cache
def schema(table: str) -> Any:
    """The Arrow schema of a table: the store's columns (typed as there) and ours."""
    import pyarrow as pa
    from sqlalchemy import JSON, Boolean, Date, Float, Integer

    from ..store import schema as store_schema

    fields = [pa.field(name, pa.string()) for name in _LEADING.get(table, ())]
    store_table = store_schema.Base.metadata.tables.get(table)
    for column in store_table.columns if store_table is not None else ():
        if column.name in _DROPPED:
            continue
        kind = column.type
        if isinstance(kind, Boolean):
            arrow = pa.bool_()
        elif isinstance(kind, Integer):  # BigInteger too
            arrow = pa.int64()
        elif isinstance(kind, Float):  # Double too
            arrow = pa.float64()
        elif isinstance(kind, Date):
            arrow = pa.date32()
        elif isinstance(kind, JSON):  # JSON documents as JSON text, as the exports write them
            arrow = pa.string()
        else:
            arrow = pa.string()
        fields.append(pa.field(column.name, arrow))
    fields += [pa.field(name, pa.string()) for name in _TRAILING.get(table, ())]
    return pa.schema(fields)


def json_columns(table: str) -> set[str]:
    """The columns of a table that hold JSON text."""
    from sqlalchemy import JSON

    from ..store import schema as store_schema

    store_table = store_schema.Base.metadata.tables.get(table)
    return {c.name for c in (store_table.columns if store_table is not None else ())
            if isinstance(c.type, JSON)}


def day_partition(day: dt.date | None) -> str:
    """The partition folder name of a publication day."""
    return f"published={day.isoformat() if day else UNKNOWN_DAY}"


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _sort_key(table: str):
    keys = SORT_KEYS[table]

    def key(row: dict[str, Any]) -> tuple:
        # None sorts first; mixed types never meet in one column.
        return (row.get("article_id") or row.get("id") or "",
                *(((0, "") if row.get(k) is None else (1, row[k])) for k in keys))
    return key


class Folder:
    """The output folder (a local path or a URI): files written atomically, markers, manifest."""

    def __init__(self, location: str):
        self.location = location
        self.fs, self.root = filesystem(location)

    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts)

    def ensure(self) -> None:
        """Create the folder and its marker folder. Raises `InputError` when it is a file."""
        import pyarrow.fs as pafs

        from ..errors import InputError

        info = self.fs.get_file_info(self.root)
        if info.type == pafs.FileType.File:
            raise InputError(f"--out {self.location}: is a file; give a folder for the batch output")
        try:
            self.fs.create_dir(self.path(SHARDS_DIR), recursive=True)
        except OSError as exc:
            raise InputError(f"--out {self.location}: cannot create the folder ({exc})") from None

    # -- files

    def write_bytes(self, relative: str, data: bytes) -> None:
        """Write a file under a hidden temporary name, then rename it into place."""
        final = self.path(relative)
        folder = posixpath.dirname(final)
        temp = posixpath.join(folder, f".{posixpath.basename(final)}.{uuid.uuid4().hex[:8]}.tmp")
        self.fs.create_dir(folder, recursive=True)
        with self.fs.open_output_stream(temp) as out:
            out.write(data)
        self.fs.move(temp, final)

    def read_bytes(self, relative: str) -> bytes | None:
        """A file's bytes, or None when it does not exist."""
        import pyarrow.fs as pafs

        path = self.path(relative)
        if self.fs.get_file_info(path).type != pafs.FileType.File:
            return None
        with self.fs.open_input_stream(path) as stream:
            return stream.read()

    def delete(self, relative: str) -> None:
        try:
            self.fs.delete_file(self.path(relative))
        except (FileNotFoundError, OSError):
            pass

    def write_table(self, table: str, partition: str | None, name: str, rows: list[dict[str, Any]]) -> str:
        """Write rows as one Parquet file (sorted, typed by `schema`); returns its relative path."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrow_schema = schema(table)
        as_json = json_columns(table)
        rows = sorted(rows, key=_sort_key(table))
        columns = {f.name: [(_json_text(r.get(f.name)) if f.name in as_json else r.get(f.name)) for r in rows]
                   for f in arrow_schema}
        data = pa.Table.from_pydict(columns, schema=arrow_schema)
        sink = pa.BufferOutputStream()
        pq.write_table(data, sink, compression="zstd")
        relative = posixpath.join(*(p for p in (table, partition, name) if p))
        self.write_bytes(relative, sink.getvalue().to_pybytes())
        return relative

    # -- markers and progress

    def marker(self, shard_id: str) -> str:
        return posixpath.join(SHARDS_DIR, f"{shard_id}.done")

    def progress_file(self, shard_id: str) -> str:
        return posixpath.join(SHARDS_DIR, f"{shard_id}.progress")

    def done_ids(self) -> set[str]:
        """The ids of the shards whose output is complete."""
        import pyarrow.fs as pafs

        try:
            found = self.fs.get_file_info(pafs.FileSelector(self.path(SHARDS_DIR), allow_not_found=True))
        except OSError:
            return set()
        return {posixpath.basename(f.path)[:-len(".done")] for f in found
                if f.type == pafs.FileType.File and f.path.endswith(".done")}

    def read_json(self, relative: str) -> dict[str, Any] | None:
        data = self.read_bytes(relative)
        return None if data is None else json.loads(data)

    def write_json(self, relative: str, value: dict[str, Any]) -> None:
        self.write_bytes(relative, (json.dumps(value, ensure_ascii=False, indent=1, default=str) + "\n").encode("utf-8"))

    def markers(self) -> list[dict[str, Any]]:
        """The markers of every complete shard, by shard id."""
        out = []
        for shard_id in sorted(self.done_ids()):
            marker = self.read_json(self.marker(shard_id))
            if marker is not None:
                out.append(marker)
        return out

    def __repr__(self) -> str:
        return f"Folder({self.location!r})"


def write_manifest(folder: Folder, run: dict[str, Any], shards: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Merge this run into the manifest: every shard ever completed in the folder (by id, from
    its marker), the totals over them, and the runs (engine, workers, timings, versions)."""
    previous = folder.read_json(MANIFEST) or {}
    entries = dict(previous.get("shards") or {})
    for entry in shards:
        entries[entry["id"]] = entry
    # Shards completed by a run that ended before writing the manifest: from their markers.
    for shard_id in folder.done_ids():
        if (entries.get(shard_id) or {}).get("status") != "done":
            marker = folder.read_json(folder.marker(shard_id))
            if marker is not None:
                entries[shard_id] = {k: v for k, v in marker.items() if k != "format"}
    totals: dict[str, int] = {}
    for entry in entries.values():
        if entry.get("status") == "done":
            for key, value in (entry.get("counts") or {}).items():
                totals[key] = totals.get(key, 0) + int(value)
    manifest = {
        "format": FORMAT,
        "layout": "TABLE/published=YYYY-MM-DD|unknown/SHARD-PART.parquet; errors/SHARD-PART.parquet; "
                  "_shards/SHARD.done",
        "tables": list(TABLES),
        "counts": dict(sorted(totals.items())),
        "shards": dict(sorted(entries.items())),
        "runs": [*(previous.get("runs") or []), run],
    }
    folder.write_json(MANIFEST, manifest)
    return manifest


def versions(engine: str) -> dict[str, str | None]:
    """The versions that made an output: eventwatch, its output schema, Python, spaCy and the
    model, pyarrow, and Ray for the ray engine."""
    import platform
    from importlib import metadata

    from .. import __version__
    from ..document import SCHEMA_VERSION
    from ..pipeline import Config

    def version(package: str) -> str | None:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return None

    out = {"eventwatch": __version__, "schema_version": str(SCHEMA_VERSION),
           "python": platform.python_version(), "spacy": version("spacy"),
           "model": f"{Config.model} {version(Config.model) or '?'}", "pyarrow": version("pyarrow")}
    if engine == "ray":
        out["ray"] = version("ray")
    return out
