"""``eventwatch load``: a batch output folder into the store, idempotently.

Each complete shard's ``articles`` files are read back; an analysed article's document is
rebuilt from its ``analysis`` (SCHEMA.md JSON) and saved with `Store.save_batch`, which
derives the child rows exactly as `eventwatch ingest` does and leaves an article already
stored (the same text) as it is; a skipped article is stored as skipped. The records that
failed are recorded as errors of the load run, each (origin, message) once. So loading a
folder again, or two folders that share articles, stores each article once; only the run
itself is recorded again. MinHash signatures are saved with the new articles, so later
ingests find near-duplicates of them; the new events then join stories (``stories=False``
to leave that to a later ``eventwatch stories``).
"""
from __future__ import annotations

import dataclasses
import json
import time
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..document import Article, Document
from ..errors import InputError
from .output import MANIFEST, SHARDS_DIR, UNKNOWN_DAY, Folder

#: Articles per transaction.
BATCH = 200


@dataclass
class LoadReport:
    """What one load did."""

    run_id: int
    shards: int = 0
    #: Analysed articles added, and skipped articles added.
    new: int = 0
    skipped: int = 0
    #: Articles found in the store already.
    known: int = 0
    #: Errors recorded (not recorded before).
    errors: int = 0
    stories: int = 0
    alerts: int = 0
    seconds: float = 0.0

    @property
    def counts(self) -> dict[str, int]:
        return {"shards": self.shards, "new": self.new, "skipped": self.skipped, "known": self.known,
                "errors": self.errors}

    def summary(self) -> str:
        return (f"load run {self.run_id}: {self.shards} shard(s), {self.new} new article(s), "
                f"{self.skipped} skipped, {self.known} already stored, {self.errors} error(s) recorded, "
                f"{self.stories} story(ies), {self.alerts} alert(s) in {self.seconds:.1f} s")


# -- documents from their JSON -------------------------------------------------------------------

@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return _build(options[0], value) if len(options) == 1 else value
    if origin is list:
        (inner,) = typing.get_args(kind) or (Any,)
        return [_build(inner, v) for v in value]
    if dataclasses.is_dataclass(kind):
        return from_json(kind, value)
    return value


def from_json(cls: type, data: dict[str, Any]) -> Any:
    """An object of a model class of `eventwatch.document` from its ``to_dict()`` JSON."""
    hints = _hints(cls)
    values = {}
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal"):
            continue
        key = f.name.rstrip("_")
        if key in data:
            values[f.name] = _build(hints[f.name], data[key])
    return cls(**values)


def document_from_dict(data: dict[str, Any]) -> Document:
    """The `Document` whose ``to_dict()`` is ``data`` (SCHEMA.md JSON)."""
    return from_json(Document, data)


# -- reading the folder --------------------------------------------------------------------------

def _day(relative: str) -> str | None:
    """The publication day of a partition file's path, or None for the unknown partition."""
    for part in relative.split("/"):
        if part.startswith("published="):
            value = part.split("=", 1)[1]
            return None if value == UNKNOWN_DAY else value
    return None


def _rows(folder: Folder, relative: str, columns: list[str]) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    with folder.fs.open_input_file(folder.path(relative)) as stream:
        parquet = pq.ParquetFile(stream)
        for batch in parquet.iter_batches(batch_size=BATCH, columns=columns):
            yield from batch.to_pylist()


_ARTICLE_COLUMNS = ["id", "external_id", "url", "title", "source", "text", "status", "skip_reason",
                    "analysis"]


def load_batch(location: str, store: Any, *, batch_size: int = BATCH, stories: bool = True,
               alerts: bool = True, progress: Callable[[str], None] | None = None) -> LoadReport:
    """Load the complete shards of a batch output folder into ``store`` (see the module
    docstring). Raises `InputError` when ``location`` is no batch output folder."""
    from .. import dedup

    started = time.monotonic()
    folder = Folder(location)
    markers = folder.markers()
    if not markers and folder.read_bytes(MANIFEST) is None:
        raise InputError(f"{location}: not a batch output folder (no {MANIFEST}, no {SHARDS_DIR}/*.done "
                         f"markers); make one with eventwatch batch INPUT... --out {location}")
    report = LoadReport(run_id=store.begin_run([f"batch:{location}"]))
    status = "failed"
    #: The batch being gathered, by article id (the first copy of an article wins).
    docs: dict[str, Document] = {}
    skipped: dict[str, tuple[Article, str]] = {}

    def flush() -> None:
        if not docs and not skipped:
            return
        known = store.known_ids(set(docs) | set(skipped))
        fresh = [doc for aid, doc in docs.items() if aid not in known]
        signatures = {aid: dedup.signature_bytes(dedup.minhash(doc.text))
                      for aid, doc in docs.items() if aid not in known}
        fresh_skipped = [entry for aid, entry in skipped.items() if aid not in known]
        report.new += store.save_batch(report.run_id, fresh, fresh_skipped, signatures=signatures)
        report.skipped += len(fresh_skipped)
        report.known += len(known)
        docs.clear()
        skipped.clear()

    try:
        for marker in markers:
            report.shards += 1
            for relative in marker.get("files", []):
                table = relative.split("/", 1)[0]
                if table == "articles":
                    for row in _rows(folder, relative, _ARTICLE_COLUMNS):
                        aid = row["id"]
                        if aid in docs or aid in skipped:
                            report.known += 1
                        elif row["status"] == "analysed":
                            docs[aid] = document_from_dict(json.loads(row["analysis"]))
                        else:
                            article = Article(text=row["text"], id=row["external_id"], published=_day(relative),
                                              title=row["title"], url=row["url"], source=row["source"])
                            skipped[aid] = (article, row["skip_reason"] or row["status"])
                        if len(docs) + len(skipped) >= batch_size:
                            flush()
                elif table == "errors":
                    report.errors += _record_errors(store, report.run_id, _rows(
                        folder, relative, ["origin", "message"]))
            if progress is not None:
                progress(marker["id"])
        flush()
        from ..ingest import settle  # stories, then alerts: as an ingest does
        report.stories, report.alerts = settle(store, stories=stories, alerts=alerts)
        status = "done"
    finally:
        report.seconds = time.monotonic() - started
        store.finish_run(report.run_id, report.counts, status=status)
    return report


def _record_errors(store: Any, run_id: int, rows: Iterator[dict[str, Any]]) -> int:
    """Record the errors not recorded before (by origin and message); how many."""
    from sqlalchemy import select

    from ..store.schema import IngestError

    table = IngestError.__table__
    rows = [r for r in rows]
    origins = sorted({r["origin"] for r in rows if r["origin"] is not None})
    known: set[tuple[str, str]] = set()
    with store.engine.connect() as conn:
        for i in range(0, len(origins), 500):
            chunk = origins[i:i + 500]
            known.update((origin, message) for origin, message in conn.execute(
                select(table.c.origin, table.c.message).where(table.c.origin.in_(chunk))))
    added = 0
    for row in rows:
        key = (row["origin"], row["message"])
        if key not in known:
            known.add(key)
            store.record_error(run_id, row["origin"], row["message"])
            added += 1
    return added
