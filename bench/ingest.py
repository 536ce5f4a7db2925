"""What storing costs: `ingest` into SQLite against `analyze` alone, on the same articles.

    python bench/ingest.py [CORPUS.jsonl] [--repeat N] [--out FILE]

Both sides run in this process after a warm-up (models loaded), one after the other, over the
same texts: first the pipeline alone (`analyze_many`, documents serialised to JSON as
`eventwatch analyze` does), then `ingest` of the same JSON Lines file into a fresh SQLite
store (reading, language check, hashing, analysis, batched writes). The goal is an overhead
of storing under 10%.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "bench" / "voa.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=1, help="repeat the corpus N times (distinct texts)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)

    from eventwatch import analyze_many
    from eventwatch.ingest import ingest
    from eventwatch.store import open_store

    records = [json.loads(line) for line in args.corpus.open(encoding="utf-8") if line.strip()]
    # Repeats get a marker so that their hashes differ and nothing is a duplicate.
    records = [dict(r, id=f"{r.get('id')}-{k}", text=r["text"] + ("" if k == 0 else f"\n\n(copy {k})"))
               for k in range(args.repeat) for r in records]
    words = sum(len(r["text"].split()) for r in records)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        list(analyze_many(records[:3]))  # warm-up: models loaded, caches filled

        t0 = time.perf_counter()
        for doc in analyze_many(records):
            json.dumps(doc.to_dict())
        analyse_s = time.perf_counter() - t0

        store = open_store(str(Path(tmp) / "bench.db"))
        t0 = time.perf_counter()
        report = ingest([str(corpus)], store)
        ingest_s = time.perf_counter() - t0
        store.close()

    overhead = ingest_s / analyse_s - 1
    result = {"documents": len(records), "words": words, "analyse_s": round(analyse_s, 2),
              "ingest_s": round(ingest_s, 2), "stored": report.new, "errors": len(report.errors),
              "overhead": round(overhead, 4)}
    print(f"analyse alone  {analyse_s:7.2f} s  {len(records) / analyse_s:6.2f} docs/s")
    print(f"ingest (store) {ingest_s:7.2f} s  {len(records) / ingest_s:6.2f} docs/s  "
          f"({report.new} stored, {len(report.errors)} errors)")
    print(f"storing adds {overhead * 100:.1f}% (goal < 10%)")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
