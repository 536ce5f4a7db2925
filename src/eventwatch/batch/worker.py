"""What a worker does with one shard: read it, analyse it, write its partitions and marker.

The same function (`process_shard`) runs in the local engine's processes and in the Ray
engine's actors, so both give the same bytes. It never raises for a bad document:

- a record that cannot be read, or whose analysis fails (a stage raises: `Stage.pipe` marks
  the document; or the pipeline itself breaks on a batch, which is then analysed one
  document at a time to find the culprit), becomes a row of the ``errors`` table;
- a document that kills the worker process (a crash in native code, the OOM killer) is found
  over the retries the engine makes: before each chunk of documents the worker notes in the
  shard's ``.progress`` file which documents it is analysing; the next attempt analyses the
  chunk a previous attempt died in one document at a time, and a document an attempt died
  on alone is skipped and recorded as an error.

A shard is written in parts of `PART_ITEMS` records (bounded memory on any shard size); the
parts already written are kept when an attempt dies, and the next attempt resumes after
them. Within a shard, an article whose text was seen earlier in it is counted as a duplicate
and not analysed again (across shards, `eventwatch load` keeps one copy: ids are text hashes).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import importlib.util
import os
import resource
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..document import Article, Document
from ..pipeline import DEFAULT_STAGES, Config, Pipeline
from ..store.rows import DocumentRows, article_id, article_row, published_day
from .output import PARTITIONED, Folder, day_partition
from .shards import Shard, read_shard

#: Records per part (one set of Parquet files per part).
PART_ITEMS = 2000
#: Documents analysed together (and noted together in the progress file).
CHUNK = 32


@dataclass(frozen=True)
class Job:
    """What every worker of a run needs to know (sent to each process or actor once)."""

    #: The output folder (a local path or a URI the workers can reach).
    out: str
    #: The publication date of articles that carry none.
    published: str | None = None
    stages: tuple[str, ...] = DEFAULT_STAGES
    #: Modules (names, or paths of .py files) imported before the pipeline is built, so that
    #: stages they register can be named in ``stages``.
    plugins: tuple[str, ...] = ()
    #: The NER model folder, "stock", or None for the worker's default (`default_ner_model`).
    ner_model: str | None = None
    actor_files: tuple[str, ...] = ()
    part_items: int = PART_ITEMS
    chunk: int = CHUNK

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Job":
        tuples = {"stages", "plugins", "actor_files"}
        return cls(**{k: tuple(v) if k in tuples else v for k, v in data.items()})


def load_pipeline(job: Job) -> Pipeline:
    """The job's pipeline, after importing its plugins; built once per worker process."""
    for plugin in job.plugins:
        import_plugin(plugin)
    config = Config(actor_files=tuple(job.actor_files))
    if job.ner_model is not None:
        config = dataclasses.replace(config, ner_model=None if job.ner_model == "stock" else job.ner_model)
    return Pipeline(job.stages, config)


def import_plugin(plugin: str) -> None:
    """Import a module by name, or a ``.py`` file by path (once per process)."""
    if not plugin.endswith(".py"):
        importlib.import_module(plugin)
        return
    name = f"eventwatch_plugin_{Path(plugin).stem}"
    path = Path(plugin).resolve()
    if name in sys.modules or any(getattr(m, "__file__", None) and Path(m.__file__).resolve() == path
                                  for m in list(sys.modules.values())):
        return  # imported already (under its own name, maybe): its stages are registered
    spec = importlib.util.spec_from_file_location(name, plugin)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import the plugin {plugin}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the progress of a shard across attempts ---------------------------------------------------

@dataclass
class Progress:
    """What earlier attempts at a shard left: kept in ``_shards/<id>.progress`` as JSON."""

    attempt: int = 0
    #: Parts written: {"part", "files", "counts"}.
    parts: list[dict[str, Any]] = field(default_factory=list)
    #: The records being analysed ([first, last + 1]), and whether one at a time.
    current: list[int] | None = None
    alone: bool = False
    #: Ranges of records an attempt died in: analysed one at a time from then on.
    suspect: list[list[int]] = field(default_factory=list)
    #: Records an attempt died on alone: skipped, recorded as errors.
    poison: list[int] = field(default_factory=list)

    def after_death(self) -> None:
        """Account for an attempt that died while analysing `current`."""
        if self.current is None:
            return
        if self.alone:
            self.poison.append(self.current[0])
        else:
            self.suspect.append(list(self.current))
        self.current, self.alone = None, False

    def is_suspect(self, index: int) -> bool:
        return any(a <= index < b for a, b in self.suspect)


class _Recorder:
    """Saves a shard's `Progress` (atomically) whenever it changes."""

    def __init__(self, folder: Folder, shard: Shard):
        self.folder, self.relative = folder, folder.progress_file(shard.id)
        saved = folder.read_json(self.relative)
        self.state = Progress(**saved) if saved else Progress()

    def save(self) -> None:
        self.folder.write_json(self.relative, dataclasses.asdict(self.state))

    def clear(self) -> None:
        self.folder.delete(self.relative)


# -- one shard -----------------------------------------------------------------------------------

@dataclass
class _Part:
    """The rows of one part, by table and partition, and its counts."""

    number: int
    rows: dict[tuple[str, str | None], list[dict[str, Any]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, partition: str | None, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.rows.setdefault((table, partition), []).extend(rows)

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


COUNT_KEYS = ("records", "analysed", "skipped", "duplicates", "errors", "entities", "places",
              "quotes", "events")


def process_shard(shard: Shard, job: Job, pipeline: Pipeline) -> dict[str, Any]:
    """Analyse a shard and write its output (see the module docstring); returns its result:
    ``{"id", "status": "done"|"failed", "counts", "files", "seconds", "attempt", "worker",
    "error"}``. A shard already complete is not redone ("status": "done", "skipped": True)."""
    started = time.monotonic()
    folder = Folder(job.out)
    worker = {"host": socket.gethostname(), "pid": os.getpid()}
    marker = folder.read_json(folder.marker(shard.id))
    if marker is not None:  # done by an earlier attempt whose result was lost
        return {**marker, "skipped": True}
    recorder = _Recorder(folder, shard)
    state = recorder.state
    state.after_death()
    state.attempt += 1
    recorder.save()
    try:
        _run(shard, job, pipeline, folder, recorder)
    except Exception as exc:  # the output cannot be written, the input vanished: retry later
        state.current = None  # an error, not a death: no document to suspect
        try:
            recorder.save()
        except Exception:  # the folder itself is failing; the next attempt finds what it can
            pass
        worker["peak_rss_mb"] = round(peak_rss_mb(), 1)
        return {"id": shard.id, "shard": shard.to_dict(), "status": "failed", "attempt": state.attempt,
                "error": f"{type(exc).__name__}: {exc}", "seconds": round(time.monotonic() - started, 3),
                "worker": worker}
    counts = {key: 0 for key in COUNT_KEYS}
    files: list[str] = []
    for part in state.parts:
        files += part["files"]
        for key, value in part["counts"].items():
            counts[key] = counts.get(key, 0) + value
    worker["peak_rss_mb"] = round(peak_rss_mb(), 1)
    result = {"id": shard.id, "shard": shard.to_dict(), "status": "done", "counts": counts,
              "files": sorted(files), "attempt": state.attempt,
              "seconds": round(time.monotonic() - started, 3), "worker": worker,
              "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    folder.write_json(folder.marker(shard.id), {"format": 1, **result})
    recorder.clear()
    return result


def _run(shard: Shard, job: Job, pipeline: Pipeline, folder: Folder, recorder: _Recorder) -> None:
    state = recorder.state
    resume = len(state.parts)  # parts written by earlier attempts
    seen: set[str] = set()
    part: _Part | None = None
    pending: list[tuple[int, str, Article]] = []  # (record index, origin, article)

    def finish(p: _Part) -> None:
        _analyse_pending(pending, p, pipeline, job, shard, recorder)
        pending.clear()
        state.current, state.alone = None, False
        files = [folder.write_table(table, partition, f"{shard.id}-{p.number:04d}.parquet", rows)
                 for (table, partition), rows in sorted(p.rows.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))]
        state.parts.append({"part": p.number, "files": files, "counts": p.counts})
        recorder.save()

    for index, item in enumerate(read_shard(shard, job.published)):
        number = index // job.part_items
        if number < resume:  # written already: only the duplicate check needs it
            if item.article is not None:
                seen.add(article_id(item.article.text))
            continue
        if part is None or part.number != number:
            if part is not None:
                finish(part)
            part = _Part(number)
        part.count("records")
        if item.error is not None:
            part.count("errors")
            part.add("errors", None, [_error(shard, item.origin, None, "read", item.error)])
            continue
        article = item.article
        aid = article_id(article.text)
        if aid in seen:
            part.count("duplicates")
            continue
        seen.add(aid)
        if article.source is None:
            article = dataclasses.replace(article, source=item.origin)
        if item.skipped is not None:
            part.count("skipped")
            row = _article_row(article, aid, item.origin, status="skipped", reason=item.skipped)
            part.add("articles", day_partition(published_day(article.published)), [row])
            continue
        pending.append((index, item.origin, article))
        if len(pending) >= job.chunk:
            _analyse_pending(pending, part, pipeline, job, shard, recorder)
            pending.clear()
    if part is not None:
        finish(part)


def _analyse_pending(pending: list[tuple[int, str, Article]], part: _Part, pipeline: Pipeline, job: Job,
                     shard: Shard, recorder: _Recorder) -> None:
    """Analyse the pending articles into the part: in one go, or one at a time where an
    earlier attempt died; those an attempt died on alone are recorded as errors."""
    state = recorder.state
    batch: list[tuple[int, str, Article]] = []
    for entry in pending:
        index = entry[0]
        if index in state.poison:
            _add_error(part, shard, entry, "worker", f"the worker process died while analysing this "
                                                     f"document (attempt {state.attempt - 1}); skipped")
        elif state.is_suspect(index):
            _analyse_chunk(batch, part, pipeline, shard, recorder)
            batch = []
            _analyse_chunk([entry], part, pipeline, shard, recorder, alone=True)
        else:
            batch.append(entry)
    _analyse_chunk(batch, part, pipeline, shard, recorder)


def _analyse_chunk(entries: list[tuple[int, str, Article]], part: _Part, pipeline: Pipeline, shard: Shard,
                   recorder: _Recorder, alone: bool = False) -> None:
    if not entries:
        return
    state = recorder.state
    state.current, state.alone = [entries[0][0], entries[-1][0] + 1], alone
    recorder.save()  # if this process dies now, the next attempt knows where
    for (index, origin, article), (doc, error) in zip(entries, analyse([a for _, _, a in entries], pipeline)):
        aid = article_id(article.text)
        if error is not None:
            part.count("errors")
            part.add("errors", None, [_error(shard, origin, aid, "analysis", f"analysis failed: {error}")])
            continue
        try:
            article_rows = [_article_row(doc, aid, origin, status="analysed")]
            rows = DocumentRows(doc, aid)
        except Exception as exc:  # an analysis the tables cannot hold: a bug, but one document's
            part.count("errors")
            part.add("errors", None, [_error(shard, origin, aid, "analysis",
                                             f"analysis not storable: {type(exc).__name__}: {exc}")])
            continue
        partition = day_partition(published_day(doc.published))
        part.count("analysed")
        part.add("articles", partition, article_rows)
        for table in PARTITIONED[1:]:
            if table == "actors":
                events = rows.events
                part.add(table, partition, [{"article_id": aid, "event_local_id": events[i]["local_id"], **row}
                                            for i, row in rows.actors])
            else:
                part.add(table, partition, getattr(rows, table))
        for key in ("entities", "places", "quotes", "events"):
            part.count(key, len(getattr(rows, key)))


def analyse(articles: list[Article], pipeline: Pipeline) -> list[tuple[Document, str | None]]:
    """Analyse articles; each document with the error of its analysis, if any. When the
    pipeline itself breaks on the batch, each article is analysed alone to find which."""
    try:
        docs = list(pipeline.pipe(Document.from_article(a) for a in articles))
    except Exception as exc:
        if len(articles) > 1:
            return [result for article in articles for result in analyse([article], pipeline)]
        return [(Document.from_article(articles[0]), f"the pipeline crashed: {type(exc).__name__}: {exc}")]
    out = []
    for doc in docs:
        error = doc.work.get("error")
        doc.work.clear()
        out.append((doc, error))
    return out


def _article_row(item: Document | Article, aid: str, origin: str, *, status: str,
                 reason: str | None = None) -> dict[str, Any]:
    row = article_row(item, aid, None, None, status=status, skip_reason=reason)  # type: ignore[arg-type]
    row["origin"] = origin
    return row


def _error(shard: Shard, origin: str, aid: str | None, stage: str, message: str) -> dict[str, Any]:
    return {"shard": shard.id, "origin": origin, "article_id": aid, "stage": stage, "message": message}


def _add_error(part: _Part, shard: Shard, entry: tuple[int, str, Article], stage: str, message: str) -> None:
    _, origin, article = entry
    part.count("errors")
    part.add("errors", None, [_error(shard, origin, article_id(article.text), stage, message)])
