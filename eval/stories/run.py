"""Pairwise evaluation of story merging on pairs of short reports written for the project.

    python eval/stories/run.py eval/stories/pairs.jsonl [--verbose]

Each line of PAIRS: {"id", "same": bool, "a": {"text", "published"}, "b": {...}}. Both reports
go through the real pipeline (`eventwatch.analyze_many`); the pair is predicted "same" when any
event of one matches any event of the other (`eventwatch.stories.explain`; negated and
hypothetical events left out). Prints precision and recall of merging for all pairs, the
odd-numbered and the even-numbered halves (rules tuned on the idea; thresholds, if ever
tuned, only on the odd half), and the confusions with the best pair's explanation.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

import eventwatch  # noqa: E402
from eventwatch.stories import EXCLUDED_STATUS, EventInfo, explain  # noqa: E402


def prf(rows: list[tuple[bool, bool]]) -> dict[str, float | int]:
    tp = sum(1 for g, p in rows if g and p)
    fp = sum(1 for g, p in rows if not g and p)
    fn = sum(1 for g, p in rows if g and not p)
    return {"n": len(rows), "tp": tp, "fp": fp, "fn": fn,
            "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pairs", type=Path)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    pairs = [json.loads(line) for line in args.pairs.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [{"text": p[s]["text"], "published": p[s]["published"], "id": f"{p['id']}{s}"}
             for p in pairs for s in ("a", "b")]
    docs = {d.id: d for d in eventwatch.analyze_many(items)}
    results = []
    for p in pairs:
        da, db = docs[f"{p['id']}a"], docs[f"{p['id']}b"]
        ea = [EventInfo.from_event(e, da) for e in da.events if e.status not in EXCLUDED_STATUS]
        eb = [EventInfo.from_event(e, db) for e in db.events if e.status not in EXCLUDED_STATUS]
        best = None
        for x in ea:
            for y in eb:
                v = explain(x, y)
                if best is None or (v["same"], v["score"]) > (best["same"], best["score"]):
                    best = v
        pred = bool(best and best["same"])
        results.append((p, pred, best, len(ea), len(eb)))
    halves = {"all": results, "odd": [r for r in results if r[0]["id"] % 2 == 1],
              "even": [r for r in results if r[0]["id"] % 2 == 0]}
    for name, rs in halves.items():
        print(f"{name:5s} {prf([(r[0]['same'], r[1]) for r in rs])}")
    both = [r for r in results if r[3] and r[4]]
    print(f"pairs whose two reports both have events (the pipeline's misses aside): "
          f"{prf([(r[0]['same'], r[1]) for r in both])}")
    print("\nconfusions:")
    for p, pred, best, na, nb in results:
        if pred == p["same"] and not args.verbose:
            continue
        tag = "OK" if pred == p["same"] else ("FP" if pred else "FN")
        print(f"[{tag}] #{p['id']} gold={p['same']} events={na}/{nb}")
        print(f"   a: {p['a']['text']}")
        print(f"   b: {p['b']['text']}")
        if best:
            print(f"   -> {best['why']} | {best['type']['text']} | {best['date']['text']} | "
                  f"{best['place']['text']} | {best['actors']['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
