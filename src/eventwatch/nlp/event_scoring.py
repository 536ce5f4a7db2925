"""How likely a candidate event is an event of the record: features and a logistic model.

The events stage proposes candidates from the trigger lexicon and the parse; this module
describes each candidate with a few general features (its type and trigger word, whether it
has actors of its own, where it sits in the sentence and the article, how often the article
repeats its type) and scores it with a logistic regression learned by
`eventwatch.kb.build_event_model` (weights in `kb/data/event_model.json`). The score is the
event's `confidence`; candidates below the model's threshold are dropped.
"""
from __future__ import annotations

import functools
import json
import math
from collections import Counter
from pathlib import Path

MODEL = Path(__file__).resolve().parent.parent / "kb" / "data" / "event_model.json"


def features(cand: dict, doc_counts: Counter, n_sents: int) -> dict[str, float]:
    """Sparse features of one candidate. ``cand`` holds what the stage knew when it made it:
    type, lemma, pos, dep, weak, weight, status, has_source, has_target, own_country,
    sent_index, in_quote."""
    t = cand["type"]
    f = {
        "bias": 1.0,
        f"type={t}": 1.0,
        f"lemma={t}:{cand['lemma']}": 1.0,
        f"pos={cand['pos']}": 1.0,
        f"dep={cand['pos']}:{cand['dep']}": 1.0,
        "weak": float(cand["weak"]),
        "weight": cand["weight"],
        f"status={cand['status']}": 1.0,
        "has_source": float(cand["has_source"]),
        "has_target": float(cand["has_target"]),
        "own_country": float(cand["own_country"]),
        "in_quote": float(cand["in_quote"]),
        "first_sentence": float(cand["sent_index"] == 0),
        "early": 1.0 - min(1.0, cand["sent_index"] / max(1, n_sents)),
        "repeats": math.log1p(doc_counts[t] - 1),
        "share": doc_counts[t] / max(1, sum(doc_counts.values())),
        f"type_repeats={t}": math.log1p(doc_counts[t] - 1),
    }
    return f


@functools.cache
def model() -> dict | None:
    """The learned weights and threshold, or None when no model is shipped."""
    if not MODEL.exists():
        return None
    return json.loads(MODEL.read_text(encoding="utf-8"))


def score(feats: dict[str, float], weights: dict[str, float]) -> float:
    z = sum(weights.get(k, 0.0) * v for k, v in feats.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
