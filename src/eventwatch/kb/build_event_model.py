"""Learn the event-scoring model (`nlp.event_scoring`) from single-label event stories.

    python -m eventwatch.kb.build_event_model ../shared/eval/data/events/ngec-synthetic \\
        [--skip-every 9 --skip-offset 4] [-o event_model.json]

Runs the pipeline (without a model) over a corpus in the event scorer's format (`input.jsonl`,
`gold.jsonl` with a `label` per document), labels each candidate event 1 when its type is the
document's label (or one of its optional types) and 0 otherwise, and fits an L2-regularised
logistic regression with numpy. The score ranks an article's events (the main one first) and
is their `confidence`. ``--filter`` also writes, as the threshold below which the stage drops
events, the one that maximises single-label weighted F1 on a held-out tenth of the training
documents; by default the threshold is 0 (keep every event): on real news, which reports
several events, a filter learned from single-label stories drops real ones (measured on
voa-dev: type micro F1 63.4 -> 49.7). Documents
``i % skip_every == skip_offset`` are left out entirely, so a slice stays unseen for
reporting. Only the weights are written.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np


def _rows(corpus: Path, skip_every: int, skip_offset: int):
    from ..document import Document
    from ..nlp import event_scoring
    from ..pipeline import Pipeline

    event_scoring.model.cache_clear()
    saved = event_scoring.MODEL
    event_scoring.MODEL = Path("/nonexistent")  # candidates as the rules alone make them
    try:
        pipe = Pipeline()
        inputs = [json.loads(x) for x in (corpus / "input.jsonl").open(encoding="utf-8")]
        golds = {g["id"]: g for g in (json.loads(x) for x in (corpus / "gold.jsonl").open(encoding="utf-8"))}
        keep = [d for i, d in enumerate(inputs) if skip_every <= 0 or i % skip_every != skip_offset]
        docs = (Document(id=d["id"], text=d["text"], published=d.get("published")) for d in keep)
        for n, doc in enumerate(pipe.pipe(docs)):
            g = golds[doc.id]
            wanted = {g.get("label")} | set(g.get("optional_types") or [])
            yield doc.id, g.get("label"), [(f, t, int(t in wanted)) for f, t in doc.work.get("event_features", [])]
            if n % 200 == 0:
                print(f"{n}/{len(keep)} documents", file=sys.stderr)
    finally:
        event_scoring.MODEL = saved
        event_scoring.model.cache_clear()


def fit(X: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 400, lr: float = 0.5) -> np.ndarray:
    """Logistic regression by full-batch gradient descent with L2 (bias included, unpenalised
    at index 0)."""
    w = np.zeros(X.shape[1])
    n = len(y)
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ w, -30, 30)))
        grad = X.T @ (p - y) / n
        reg = l2 * w / n
        reg[0] = 0.0
        w -= lr * (grad + reg)
    return w


def weighted_f1(docs, weights: dict[str, float], threshold: float) -> float:
    """Single-label weighted F1 of the top-scoring kept candidate per document."""
    from ..nlp.event_scoring import score

    gold, pred = [], []
    for _, label, rows in docs:
        best = max(((score(f, weights), t) for f, t, _ in rows), default=(0.0, "none"))
        gold.append(label or "none")
        pred.append(best[1] if best[0] >= threshold else "none")
    f1s, support = [], Counter(gold)
    for cls in support:
        tp = sum(g == p == cls for g, p in zip(gold, pred))
        fp = sum(p == cls and g != cls for g, p in zip(gold, pred))
        fn = support[cls] - tp
        f1s.append((2 * tp / (2 * tp + fp + fn) if tp else 0.0) * support[cls])
    return sum(f1s) / len(gold)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--skip-every", type=int, default=9)
    ap.add_argument("--skip-offset", type=int, default=4)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--filter", action="store_true", help="write the tuned threshold (drop events below it)")
    ap.add_argument("-o", "--out", type=Path, default=Path(__file__).parent / "data" / "event_model.json")
    args = ap.parse_args(argv)
    docs = list(_rows(args.corpus, args.skip_every, args.skip_offset))
    dev, train = docs[::10], [d for i, d in enumerate(docs) if i % 10]
    names = sorted({k for _, _, rows in train for f, _, _ in rows for k in f})
    index = {k: i for i, k in enumerate(["bias"] + [k for k in names if k != "bias"])}
    X = np.zeros((sum(len(r) for _, _, r in train), len(index)))
    y = np.zeros(len(X))
    row = 0
    for _, _, rows in train:
        for f, _, label in rows:
            for k, v in f.items():
                X[row, index[k]] = v
            y[row] = label
            row += 1
    w = fit(X, y, l2=args.l2)
    weights = {k: round(float(w[i]), 4) for k, i in index.items() if abs(w[i]) > 1e-4}
    best = max((weighted_f1(dev, weights, t), t) for t in np.arange(0.0, 0.61, 0.05))
    print(f"{len(y)} candidates ({int(y.sum())} positive), {len(weights)} weights; "
          f"held-out weighted F1 {best[0]:.3f} at threshold {best[1]:.2f}", file=sys.stderr)
    threshold = round(float(best[1]), 2) if args.filter else 0.0
    args.out.write_text(json.dumps({"threshold": threshold, "weights": weights,
                                    "source": args.corpus.name}, indent=0, sort_keys=True) + "\n",
                        encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
