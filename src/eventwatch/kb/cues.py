"""Learned attribution cues: which words introduce attributed content, and where it is.

`data/cues.json` is made by `build_cues` from an annotated corpus: for each pattern -- a cue
lemma and part of speech, and the dependency relation (with its preposition) from the cue to
its content, e.g. ``call/VERB/prep:for`` or ``say/VERB/ccomp`` -- how often its content was
an annotated attribution (`hits`) and how often it occurred (`seen`).
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

from spacy.tokens import Token

DATA = Path(__file__).parent / "data" / "cues.json"

#: Dependency relations of a child that can hold a cue's content.
CONTENT_DEPS = ("ccomp", "xcomp", "dobj", "prep", "advcl", "attr", "oprd", "nsubj", "nsubjpass", "dative", "acomp")
#: Patterns seen fewer times than this are not written.
MIN_SEEN = 3


def patterns(tok: Token) -> list[tuple[str, Token]]:
    """The candidate contents of a token as a cue: (pattern key, head of the content)."""
    out = []
    base = f"{tok.lemma_.lower()}/{tok.pos_}"
    for child in tok.children:
        if child.dep_ not in CONTENT_DEPS:
            continue
        if child.dep_ == "prep":
            for g in child.children:
                if g.dep_ in ("pobj", "pcomp"):
                    out.append((f"{base}/prep:{child.lower_}", g))
        else:
            out.append((f"{base}/{child.dep_}", child))
    # The clause a parenthetical cue attaches to: "the plan, he said, is dead" (cue -> parataxis
    # of the clause), "according to X, ..." (cue -> prep of the clause).
    if tok.dep_ in ("parataxis", "advcl", "prep") and tok.head.i != tok.i:
        out.append((f"{base}/^{tok.dep_}", tok.head))
    return out


def content_span(key: str, cue: Token, head: Token) -> tuple[int, int]:
    """Character span of the content a pattern points at: the head's subtree, or for an
    upward pattern the clause without the cue's own subtree."""
    if "/^" in key:
        toks = [t for t in head.subtree if not (cue.left_edge.i <= t.i <= cue.right_edge.i) and not t.is_punct]
        if not toks:
            return head.idx, head.idx + len(head.text)
        return toks[0].idx, toks[-1].idx + len(toks[-1].text)
    first, last = head.left_edge, head.right_edge
    return first.idx, last.idx + len(last.text)




@functools.cache
def table() -> dict[str, tuple[int, int]]:
    """Pattern -> (hits, seen), from `data/cues.json`."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return {k: (h, s) for k, (h, s) in data["patterns"].items()}


@functools.cache
def bases(min_precision: float, min_seen: int = 5) -> frozenset[str]:
    """The "lemma/POS" cues that have some pattern at least this precise, so that a token
    whose word has none needs no patterns built."""
    return frozenset("/".join(key.split("/")[:2]) for key, (hits, seen) in table().items()
                     if seen >= min_seen and hits / seen >= min_precision)


def precision(key: str, min_seen: int = 5) -> float:
    """How often a pattern's content was attributed content in the corpus (0 when unseen)."""
    hits, seen = table().get(key, (0, 0))
    return hits / seen if seen >= min_seen else 0.0

