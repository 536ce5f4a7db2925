"""`run_batch`: plan the shards, skip those done, run the rest on an engine, merge the manifest."""
from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from .engines import RETRIES, make_engine
from .output import Folder, versions, write_manifest
from .shards import GROUP_FILES, SPLIT_BYTES, Shard, plan
from .worker import CHUNK, PART_ITEMS, Job


@dataclass
class BatchReport:
    """What one batch run did."""

    out: str
    engine: str
    workers: int | None
    shards: int = 0
    #: Shards complete before the run (skipped).
    already_done: int = 0
    done: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every shard is complete and no record failed."""
        return not self.failed and not self.counts.get("errors")

    def summary(self) -> str:
        analysed = self.counts.get("analysed", 0)
        rate = analysed / self.seconds if self.seconds else 0.0
        counts = ", ".join(f"{v} {k}" for k, v in self.counts.items() if k != "records")
        lines = [f"batch ({self.engine}, {self.workers or 'all'} worker(s)) -> {self.out}: "
                 f"{self.shards} shard(s), {self.already_done} already done, {self.done} done, "
                 f"{len(self.failed)} failed; {counts or 'nothing to do'} in {self.seconds:.1f} s "
                 f"({rate:.1f} docs/s)"]
        lines += [f"  failed shard {f['id']} ({Shard.from_dict(f['shard']).label}): {f.get('error')}"
                  for f in self.failed]
        if self.counts.get("errors"):
            lines.append(f"  {self.counts['errors']} record(s) could not be read or analysed: see the "
                         f"errors table ({self.out}/errors/)")
        return "\n".join(lines)


def run_batch(inputs: Iterable[str], out: str, *, engine: str = "local", workers: int | None = None,
              ray_address: str | None = None, published: str | None = None,
              stages: tuple[str, ...] | None = None, plugins: tuple[str, ...] = (),
              ner_model: str | None = None, actor_files: tuple[str, ...] = (),
              split_bytes: int = SPLIT_BYTES, group_files: int = GROUP_FILES,
              part_items: int = PART_ITEMS, chunk: int = CHUNK, retries: int = RETRIES,
              runtime_env: dict[str, Any] | None = None,
              progress: Callable[[dict[str, Any]], None] | None = None) -> BatchReport:
    """Analyse ``inputs`` into the folder ``out`` (see the module docstring).

    ``engine``: "local" or "ray"; ``workers``: processes or actors (default: every CPU of the
    machine or cluster); ``published``: the date of articles that carry none; ``stages``,
    ``plugins`` (modules or .py files registering stages), ``ner_model`` and ``actor_files``
    configure the pipeline as `eventwatch.pipeline.Config` does; ``progress`` is called with
    each shard's result. Raises `InputError` for a missing input or an unusable output folder,
    `RayError` for the Ray engine without Ray.
    """
    started = time.monotonic()
    inputs = [str(i) for i in inputs]
    if not inputs:
        raise InputError("batch: no inputs given")
    if workers is not None and workers < 1:
        raise InputError(f"--workers {workers}: give at least 1")
    runner = make_engine(engine, workers, ray_address, retries, runtime_env)  # fails early without Ray
    if stages or plugins:  # a misnamed stage or plugin: one clear error now, not one per shard
        from ..pipeline import check_order
        from .worker import import_plugin

        for plugin in plugins:
            import_plugin(plugin)
        if stages:
            check_order(stages)
    shards = plan(inputs, split_bytes=split_bytes, group_files=group_files)
    folder = Folder(out)
    folder.ensure()
    done_before = folder.done_ids()
    todo = [s for s in shards if s.id not in done_before]
    job = Job(out=out, published=published, plugins=tuple(plugins), ner_model=ner_model,
              actor_files=tuple(actor_files), part_items=part_items, chunk=chunk,
              **({"stages": tuple(stages)} if stages else {}))
    report = BatchReport(out=out, engine=engine, workers=workers, shards=len(shards),
                         already_done=len(shards) - len(todo))
    entries: list[dict[str, Any]] = []
    analysing = time.monotonic()
    status = "interrupted"
    try:
        for result in runner.run(todo, job) if todo else ():
            report.results.append(result)
            if result.get("status") == "done":
                report.done += 1
                for key, value in (result.get("counts") or {}).items():
                    report.counts[key] = report.counts.get(key, 0) + value
            else:
                report.failed.append(result)
            entries.append({k: v for k, v in result.items() if k not in ("skipped", "format")})
            if progress is not None:
                progress(result)
        status = "done" if not report.failed else "incomplete"
    finally:  # an interrupted run's finished shards are in the manifest too
        _record_run(folder, report, entries, inputs, job, status, ray_address, started, analysing)
    return report


def _record_run(folder: Folder, report: BatchReport, entries: list[dict[str, Any]], inputs: list[str],
                job: Job, status: str, ray_address: str | None, started: float, analysing: float) -> None:
    """Merge this run and its shards into the folder's manifest."""
    finished = time.monotonic()
    report.seconds = finished - started
    workers_seen = {(r["worker"]["host"], r["worker"]["pid"]): r["worker"].get("peak_rss_mb")
                    for r in report.results if r.get("worker")}
    run = {
        "started": (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=report.seconds)).isoformat(timespec="seconds"),
        "status": status, "engine": report.engine, "workers": report.workers, "ray_address": ray_address,
        "inputs": inputs, "shards": report.shards, "already_done": report.already_done, "done": report.done,
        "failed": [r["id"] for r in report.failed], "counts": report.counts,
        "timings": {"plan_s": round(analysing - started, 3), "analyse_s": round(finished - analysing, 3),
                    "total_s": round(report.seconds, 3),
                    "docs_per_s": round(report.counts.get("analysed", 0) / (finished - analysing), 3)
                    if finished > analysing else None},
        "peak_rss_mb": {f"{host}:{pid}": rss for (host, pid), rss in sorted(workers_seen.items())},
        "job": job.to_dict(), "versions": versions(report.engine),
    }
    write_manifest(folder, run, entries)


def print_progress(result: dict[str, Any]) -> None:
    """A line on standard error for each shard finished (the CLI's progress)."""
    label = Shard.from_dict(result["shard"]).label
    if result.get("status") == "done":
        counts = result.get("counts") or {}
        print(f"  done {result['id']} {label}: {counts.get('analysed', 0)} analysed, "
              f"{counts.get('errors', 0)} error(s) in {result.get('seconds', 0):.1f} s", file=sys.stderr)
    else:
        print(f"  FAILED {result['id']} {label}: {result.get('error')}", file=sys.stderr)
