#!/usr/bin/env python3
"""Batch throughput: documents per second with 1 and 2 workers, on the local engine and on Ray.

    python bench/batch.py [CORPUS.jsonl] [--docs 2000] [--shard-docs 50] [--workers 1,2]
                          [--engines local,ray] [--out FILE]

The corpus (default ../shared/bench/voa.jsonl) is repeated to ``--docs`` documents and written
as JSON Lines shards of ``--shard-docs`` documents each (no text twice in a shard: the batch
job drops in-shard duplicates), then `eventwatch.batch.run_batch` analyses it into a fresh
output folder once per engine and worker count. The time is the whole job: starting the
workers, loading the models, reading, analysing and writing every partition and marker. For
Ray the cluster (``ray.init(num_cpus=max workers)``) is started before the clock starts, as a
real cluster is already up.

Each measurement runs in a fresh process (``--child``). Reported: documents/s; scaling efficiency (docs/s with 2 workers / (2 x docs/s with 1); goal
>= 0.85, i.e. 2 workers >= 1.7x one); the peak RSS of each worker (goal <= 1.5 GB); and Ray's
overhead against the local engine at 2 workers ((Ray time - local time) / local time; goal <=
10%). Run it on an otherwise idle machine with at least as many cores as workers.
"""
from __future__ import annotations

import argparse
import collections
import itertools
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "voa.jsonl"


def write_shards(corpus: Path, folder: Path, docs: int, shard_docs: int) -> int:
    """The corpus repeated to ``docs`` records, in shards of ``shard_docs``; returns the words."""
    with corpus.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    if shard_docs > len(records):
        sys.exit(f"bench: --shard-docs {shard_docs} is more than the corpus's {len(records)} distinct texts")
    stream = itertools.islice(itertools.cycle(enumerate(records)), docs)
    folder.mkdir(parents=True, exist_ok=True)
    words = 0
    for n, start in enumerate(range(0, docs, shard_docs)):
        with (folder / f"shard-{n:04d}.jsonl").open("w", encoding="utf-8") as out:
            for k, (i, record) in enumerate(itertools.islice(stream, shard_docs)):
                copy = {**record, "id": f"{record.get('id', i)}-{start + k}"}
                words += len(record["text"].split())
                out.write(json.dumps(copy, ensure_ascii=False) + "\n")
    return words


def measure(engine: str, workers: int, shards: Path, out: Path) -> dict:
    from eventwatch.batch import run_batch

    t0 = time.perf_counter()
    report = run_batch([str(shards)], str(out), engine=engine, workers=workers)
    seconds = time.perf_counter() - t0
    if report.failed:
        sys.exit(f"bench: {engine} x{workers}: {len(report.failed)} shard(s) failed: {report.failed[0].get('error')}")
    rss = {f"{r['worker']['host']}:{r['worker']['pid']}": r["worker"]["peak_rss_mb"] for r in report.results}
    busy = sum(r.get("seconds", 0.0) for r in report.results)
    analysed = report.counts.get("analysed", 0)
    errors = collections.Counter()
    if report.counts.get("errors"):  # say why: a bench with failing documents measures nothing
        import pyarrow.parquet as pq
        for path in (out / "errors").glob("*.parquet"):
            errors.update(f"{e['stage']}: {e['message'][:200]}" for e in pq.read_table(path).to_pylist())
    return {"engine": engine, "workers": workers, "documents": analysed, "seconds": round(seconds, 2),
            "docs_per_s": round(analysed / seconds, 3),
            "docs_per_worker_s": round(analysed / busy, 3) if busy else None,
            "errors": report.counts.get("errors", 0), "error_messages": dict(errors.most_common(5)),
            "peak_rss_mb_per_worker": rss, "max_peak_rss_mb": max(rss.values()) if rss else None}


def child(args: argparse.Namespace) -> int:
    """One measurement in this (fresh) process; prints its result as JSON."""
    if args.child == "ray":
        import ray
        ray.init(num_cpus=max(args.cpus, args.child_workers), include_dashboard=False, log_to_driver=False,
                 logging_level="warning")
    try:
        result = measure(args.child, args.child_workers, Path(args.shards), Path(args.child_out))
    finally:
        if args.child == "ray":
            ray.shutdown()
    print(json.dumps(result))
    return 0


def run_child(engine: str, workers: int, shards: Path, out: Path, cpus: int) -> dict:
    cmd = [sys.executable, __file__, "--child", engine, "--child-workers", str(workers), "--shards", str(shards),
           "--child-out", str(out), "--cpus", str(cpus)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"bench: {engine} x{workers} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--docs", type=int, default=2000, help="documents in all (default 2000)")
    ap.add_argument("--shard-docs", type=int, default=50, help="documents per shard (default 50)")
    ap.add_argument("--workers", default="1,2", help="worker counts to measure (default 1,2)")
    ap.add_argument("--engines", default="local,ray", help="engines to measure (default local,ray)")
    ap.add_argument("--out", help="write the figures as JSON here too")
    ap.add_argument("--keep", metavar="DIR", help="write the corpus and the outputs here, and keep them")
    for hidden in ("--child", "--shards", "--child-out"):
        ap.add_argument(hidden, help=argparse.SUPPRESS)
    ap.add_argument("--child-workers", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--cpus", type=int, default=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)
    counts = [int(w) for w in args.workers.split(",")]
    engines = args.engines.split(",")
    results = []
    with tempfile.TemporaryDirectory(prefix="eventwatch-bench-") as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        shards = work / "corpus"
        words = write_shards(Path(args.corpus), shards, args.docs, args.shard_docs)
        print(f"corpus: {args.docs} documents ({words} words) in {len(list(shards.iterdir()))} shards of "
              f"<= {args.shard_docs}", flush=True)
        for engine in engines:
            for workers in counts:
                r = run_child(engine, workers, shards, work / f"out-{engine}-{workers}", max(counts))
                results.append(r)
                print(f"{engine:5} x{workers}  {r['docs_per_s']:7.2f} docs/s  {r['seconds']:8.1f} s  "
                      f"{r['docs_per_worker_s'] or 0:6.2f} docs/s per busy worker  "
                      f"peak RSS/worker {r['max_peak_rss_mb']:6.0f} MB  {r['errors']} error(s)", flush=True)
                for message, n in r["error_messages"].items():
                    print(f"      {n} x {message}", flush=True)
    by = {(r["engine"], r["workers"]): r for r in results}
    report = {"corpus": args.corpus, "documents": args.docs, "words": words, "shard_docs": args.shard_docs,
              "runs": results, "scaling": {}, "goals": {"scaling_efficiency": 0.85, "peak_rss_mb": 1536,
                                                        "ray_overhead": 0.10}}
    for engine in engines:
        one, two = by.get((engine, 1)), by.get((engine, 2))
        if one and two:
            speedup = two["docs_per_s"] / one["docs_per_s"]
            report["scaling"][engine] = {"speedup": round(speedup, 3), "efficiency": round(speedup / 2, 3)}
            print(f"{engine:5} scaling  2 workers = {speedup:.2f}x one (efficiency {speedup / 2:.2f}; goal >= 0.85)")
    if ("local", 2) in by and ("ray", 2) in by:
        overhead = by[("ray", 2)]["seconds"] / by[("local", 2)]["seconds"] - 1
        report["ray_overhead_2_workers"] = round(overhead, 4)
        print(f"ray overhead at 2 workers: {100 * overhead:+.1f}% of the local engine's time (goal <= 10%)")
    peak = max((r["max_peak_rss_mb"] or 0) for r in results)
    report["max_peak_rss_mb"] = peak
    print(f"peak RSS per worker: {peak:.0f} MB at most (goal <= 1536 MB)")
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
