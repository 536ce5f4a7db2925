"""Near-duplicate detection (`eventwatch.dedup`): precision, recall and lookup time on a
labelled set built from real articles.

    python bench/dedup.py ../shared/bench/voa.jsonl [--out dedup.json] [--seed 7]

For each article of the JSON Lines file (its "text"), edited copies are made: paragraphs
reordered, one paragraph dropped, boilerplate added (newsletter plug, byline, copyright line),
a new headline line, truncation to 60-80% of the words, and combinations. Each must be found
as a near-duplicate of its original. Then pairs of different articles on the same topic (the
pairs with the highest word-set overlap) must not merge. The originals are indexed; every copy
and every "distinct" article of a pair is looked up (the pair's partner indexed alone, so it
is the only possible wrong answer). Nothing of the input is written anywhere.

- precision: correct original found / any original found (among copies and distinct ones);
- recall: correct original found / copies, overall and per kind of edit.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from eventwatch import dedup  # noqa: E402

THRESHOLDS = [0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9]
BOILER = ["Subscribe to our newsletter for the latest headlines, delivered every morning.",
          "Copyright 2024 Newswire Media. All rights reserved.",
          "Follow us on Facebook and X for breaking news.",
          "This story was republished from the wire. Sign up for alerts."]
BYLINES = ["By Staff Reporter", "By Wire Desk | Updated 3 hours ago", "Reporting by our correspondent"]
_STOP = set("the a an and or of to in on for with at by from as is was were be been are that this it its "
            "he she they his her their said says would will has have had not but also which who".split())


def paragraphs(text: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if len(parts) >= 3:
        return parts
    sentences = re.split(r"(?<=[.!?\"”])\s+(?=[A-Z“\"])", text.strip())
    size = max(1, len(sentences) // 6)
    return [" ".join(sentences[i:i + size]) for i in range(0, len(sentences), size)]


def edits(text: str, title: str | None, rng: random.Random) -> dict[str, str]:
    paras = paragraphs(text)
    headline = (title or "Breaking news") + " - Updated"

    def reorder(ps: list[str]) -> list[str]:
        ps = ps[:]
        if len(ps) > 2:  # keep the lead, shuffle the rest (as rewrites do)
            rest = ps[1:]
            rng.shuffle(rest)
            ps = ps[:1] + rest
        return ps

    def drop(ps: list[str]) -> list[str]:
        if len(ps) < 3:
            return ps
        i = rng.randrange(1, len(ps))
        return ps[:i] + ps[i + 1:]

    def boiler(ps: list[str]) -> list[str]:
        return [rng.choice(BYLINES)] + ps + rng.sample(BOILER, 2)

    def truncate(t: str) -> str:
        words = t.split(" ")
        return " ".join(words[:int(len(words) * rng.uniform(0.6, 0.8))])

    join = "\n\n".join
    return {
        "reordered": join(reorder(paras)),
        "dropped": join(drop(paras)),
        "boilerplate": join(boiler(paras)),
        "headline": join([headline] + paras),
        "truncated": truncate(join(paras)),
        "reorder+boiler": join(boiler(reorder(paras))),
        "drop+headline+boiler": join([headline] + boiler(drop(paras))),
        "truncate+boiler": join(boiler(paragraphs(truncate(join(paras))))),
    }


def keywords(text: str) -> set[str]:
    return {w for w in dedup.words(text) if len(w) > 2 and w not in _STOP and not w.isdigit()}


def same_topic_pairs(docs: list[dict], n: int) -> list[tuple[int, int, float]]:
    """The `n` pairs of different articles with the highest keyword-set overlap (Jaccard)."""
    sets = [keywords(d["text"]) for d in docs]
    pairs = []
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            inter = len(sets[i] & sets[j])
            pairs.append((inter / (len(sets[i] | sets[j]) or 1), i, j))
    pairs.sort(reverse=True)
    return [(i, j, score) for score, i, j in pairs[:n]]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", help="JSON Lines with a 'text' (and 'title') per line, e.g. ../shared/bench/voa.jsonl")
    ap.add_argument("--pairs", type=int, default=100, help="same-topic pairs of distinct articles (default 100)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", help="write the results as JSON here")
    args = ap.parse_args(argv)

    docs = [json.loads(line) for line in Path(args.corpus).read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = [d for d in docs if d.get("text")]
    rng = random.Random(args.seed)
    copies = [(i, kind, t) for i, d in enumerate(docs) for kind, t in edits(d["text"], d.get("title"), rng).items()]
    pairs = same_topic_pairs(docs, args.pairs)

    t0 = time.perf_counter()
    sig_orig = [dedup.minhash(d["text"]) for d in docs]
    sig_copy = [dedup.minhash(t) for _, _, t in copies]
    sign_ms = (time.perf_counter() - t0) * 1000 / (len(docs) + len(copies))
    true_j = {}  # exact Jaccard of shingle sets, for reference

    results = {}
    for threshold in THRESHOLDS:
        index = dedup.NearDuplicates(threshold=threshold)
        for i, m in enumerate(sig_orig):
            index.add(str(i), m)
        found_right = found_wrong = missed = 0
        per_kind: dict[str, list[int]] = {}
        times = []
        for (i, kind, _), m in zip(copies, sig_copy):
            t = time.perf_counter()
            hit = index.find(m)
            times.append(time.perf_counter() - t)
            ok = hit is not None and hit[0] == str(i)
            found_right += ok
            found_wrong += hit is not None and not ok
            missed += hit is None
            per_kind.setdefault(kind, [0, 0])
            per_kind[kind][0] += ok
            per_kind[kind][1] += 1
        merged = 0  # distinct same-topic articles wrongly taken for duplicates
        for i, j, _ in pairs:
            solo = dedup.NearDuplicates(threshold=threshold)
            solo.add(str(i), sig_orig[i])
            merged += solo.find(sig_orig[j]) is not None
        predicted = found_right + found_wrong + merged
        results[threshold] = {
            "precision": found_right / predicted if predicted else 1.0,
            "recall": found_right / len(copies),
            "copies": len(copies), "found_right": found_right, "found_wrong": found_wrong,
            "missed": missed, "distinct_pairs": len(pairs), "distinct_merged": merged,
            "recall_by_edit": {k: v[0] / v[1] for k, v in per_kind.items()},
            "lookup_ms_mean": 1000 * statistics.mean(times),
            "lookup_ms_p95": 1000 * sorted(times)[int(0.95 * (len(times) - 1))],
        }

    for (i, kind, t) in copies:
        a, b = dedup.shingles(docs[i]["text"]), dedup.shingles(t)
        true_j.setdefault(kind, []).append(len(a & b) / len(a | b))
    pair_j = []
    for i, j, _ in pairs:
        a, b = dedup.shingles(docs[i]["text"]), dedup.shingles(docs[j]["text"])
        pair_j.append(len(a & b) / len(a | b))

    print(f"{len(docs)} originals, {len(copies)} edited copies, {len(pairs)} same-topic pairs "
          f"(keyword overlap {pairs[-1][2]:.2f}-{pairs[0][2]:.2f}); signature {sign_ms:.2f} ms/text")
    print(f"{'threshold':>9} {'precision':>9} {'recall':>7} {'wrong':>5} {'merged':>6} {'ms/lookup':>9}")
    for th, r in results.items():
        mark = "  <- default" if th == dedup.THRESHOLD else ""
        print(f"{th:>9.2f} {r['precision']:>9.3f} {r['recall']:>7.3f} {r['found_wrong']:>5} "
              f"{r['distinct_merged']:>6} {r['lookup_ms_mean']:>9.3f}{mark}")
    print("\nrecall by edit (threshold " + ", ".join(f"{t:.2f}" for t in THRESHOLDS) + "); mean exact 5-gram Jaccard:")
    for kind in results[THRESHOLDS[0]]["recall_by_edit"]:
        row = " ".join(f"{results[t]['recall_by_edit'][kind]:.2f}" for t in THRESHOLDS)
        print(f"  {kind:<22} {row}   J={statistics.mean(true_j[kind]):.2f}")
    print(f"  same-topic distinct pairs: exact 5-gram Jaccard max {max(pair_j):.3f}, mean {statistics.mean(pair_j):.3f}")

    if args.out:
        Path(args.out).write_text(json.dumps({
            "corpus": str(args.corpus), "originals": len(docs), "copies": len(copies), "pairs": len(pairs),
            "signature_ms": sign_ms, "default_threshold": dedup.THRESHOLD,
            "results": {str(k): v for k, v in results.items()},
            "exact_jaccard_by_edit": {k: statistics.mean(v) for k, v in true_j.items()},
            "distinct_pair_jaccard_max": max(pair_j)}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
