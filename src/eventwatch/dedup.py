"""Near-duplicate articles: MinHash signatures of word shingles, looked up in an LSH index.

Wire copy is republished by many sites, often lightly edited (a new headline, a byline, a
newsletter plug, paragraphs reordered or cut). Such a copy has a different text, hence a
different article id, but almost the same word 5-grams as its original:

    >>> index = NearDuplicates(threshold=0.6)                  # doctest: +SKIP
    >>> index.add("a1", original_text)                         # doctest: +SKIP
    >>> index.find(edited_copy)                                # doctest: +SKIP
    ('a1', 0.91)

- Shingles: the text is Unicode-normalised (NFKC), lower-cased and split into words (``\\w+``);
  its shingles are the word 5-grams, or the 3-grams for texts under `SHORT_WORDS` words (a
  text shorter than one shingle is one shingle).
- Signatures: ``datasketch.MinHash(num_perm=128, seed=1)`` (the "affine32" scheme: 128
  unsigned 32-bit values), deterministic across runs and machines. `signature_bytes` and
  `from_bytes` turn one into 512 bytes (little-endian) for the store's ``signatures`` table.
- Lookup: a ``MinHashLSH`` built for a somewhat lower threshold than the one asked for gives
  candidates (so pairs just above the threshold are not lost to the banding); each candidate
  is verified by the MinHash estimate of its Jaccard similarity, and the best one at or above
  the threshold wins (ties: the one added first).

The estimate is of Jaccard similarity, so a copy cut to 60% of its original has about 0.6.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SEED = 1
SCHEME = "affine32"
#: Words per shingle, and for texts under `SHORT_WORDS` words.
SHINGLE = 5
SHORT_SHINGLE = 3
SHORT_WORDS = 20
#: The default similarity (estimated Jaccard of word 5-grams) from which an article is a
#: near-duplicate. Measured by bench/dedup.py on edited copies of the VOA bench articles: at
#: 0.6 precision 1.00 and recall 0.97 (truncated copies, whose Jaccard with the original is
#: about their remaining share, are caught); the most similar distinct articles scored 0.25.
THRESHOLD = 0.6
#: How far below the threshold the LSH banding is tuned (candidates are verified anyway).
CANDIDATE_MARGIN = 0.1

_DTYPE = np.dtype("<u4")
_WORD = re.compile(r"\w+")
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)


def words(text: str) -> list[str]:
    """The normalised, lower-cased words of a text."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str) -> set[bytes]:
    """The word n-grams of a text (5-grams; 3-grams for short texts), UTF-8 encoded."""
    ws = words(text)
    if not ws:
        return set()
    n = SHINGLE if len(ws) >= SHORT_WORDS else SHORT_SHINGLE
    if len(ws) <= n:
        return {" ".join(ws).encode("utf-8")}
    return {" ".join(ws[i:i + n]).encode("utf-8") for i in range(len(ws) - n + 1)}


def minhash(text: str) -> MinHash:
    """The MinHash signature of a text's shingles (deterministic)."""
    m = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_TEMPLATE.permutations)
    sh = shingles(text)
    if sh:
        m.update_batch(sorted(sh))
    return m


def signature_bytes(m: MinHash | np.ndarray) -> bytes:
    """The 128 hash values as 512 bytes (uint32, little-endian)."""
    values = m.hashvalues if isinstance(m, MinHash) else m
    return np.asarray(values).astype(_DTYPE).tobytes()


def from_bytes(blob: bytes) -> MinHash:
    """The MinHash whose `signature_bytes` these are."""
    values = _values(blob)
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashvalues=values,
                   permutations=_TEMPLATE.permutations)


def _values(blob: bytes) -> np.ndarray:
    values = np.frombuffer(blob, dtype=_DTYPE)
    if values.size != NUM_PERM:
        raise ValueError(f"a signature has {NUM_PERM} values of 4 bytes, not {len(blob)} bytes")
    return values


def estimate(a: np.ndarray | bytes, b: np.ndarray | bytes) -> float:
    """The MinHash estimate of the Jaccard similarity of two signatures."""
    va = _values(a) if isinstance(a, bytes) else np.asarray(a)
    vb = _values(b) if isinstance(b, bytes) else np.asarray(b)
    return float(np.count_nonzero(va == vb)) / NUM_PERM


class _Sketch:
    """Just what ``MinHashLSH`` reads of a MinHash (no permutations to build): for fast loads."""

    __slots__ = ("hashvalues",)
    scheme = SCHEME

    def __init__(self, hashvalues: np.ndarray):
        self.hashvalues = hashvalues

    def __len__(self) -> int:
        return len(self.hashvalues)


class NearDuplicates:
    """An index of article signatures answering "is this text a near-duplicate of one of them?".

    `loader`, if given, is called once, on first use, for the (id, signature bytes) pairs to
    start from (`Store.load_signatures`): an index that is never asked costs nothing.
    """

    def __init__(self, threshold: float = THRESHOLD,
                 loader: Callable[[], Iterable[tuple[str, bytes]]] | None = None):
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {threshold!r}")
        self.threshold = float(threshold)
        self._loader = loader
        self._lsh = MinHashLSH(threshold=max(0.3, self.threshold - CANDIDATE_MARGIN), num_perm=NUM_PERM)
        self._values: dict[str, np.ndarray] = {}
        self._order: dict[str, int] = {}

    @classmethod
    def from_store(cls, store: Any, threshold: float = THRESHOLD) -> "NearDuplicates":
        """An index over the signatures saved in `store`, loaded when first needed."""
        return cls(threshold, loader=store.load_signatures)

    def _ensure_loaded(self) -> None:
        if self._loader is not None:
            loader, self._loader = self._loader, None
            for article_id, blob in loader():
                self._insert(article_id, _values(blob))

    def _insert(self, article_id: str, values: np.ndarray) -> None:
        if article_id in self._values:
            return
        self._lsh.insert(article_id, _Sketch(values), check_duplication=False)
        self._values[article_id] = values
        self._order[article_id] = len(self._order)

    def __len__(self) -> int:
        self._ensure_loaded()
        return len(self._values)

    def __contains__(self, article_id: object) -> bool:
        self._ensure_loaded()
        return article_id in self._values

    def add(self, article_id: str, text_or_signature: str | MinHash | bytes) -> MinHash | None:
        """Index an article by its text (or signature); returns the signature computed, if any."""
        self._ensure_loaded()
        m = None
        if isinstance(text_or_signature, str):
            m = minhash(text_or_signature)
            values = m.hashvalues
        elif isinstance(text_or_signature, bytes):
            values = _values(text_or_signature)
        else:
            values = text_or_signature.hashvalues
        self._insert(article_id, np.asarray(values, dtype=np.uint32))
        return m

    def remove(self, article_id: str) -> None:
        """Forget an article (e.g. one whose analysis failed, so it is not stored)."""
        self._ensure_loaded()
        if self._values.pop(article_id, None) is not None:
            self._lsh.remove(article_id)

    def find(self, text_or_signature: str | MinHash) -> tuple[str, float] | None:
        """The indexed article this text is a near-duplicate of, with the estimated Jaccard
        similarity: the best candidate at or above the threshold, or None."""
        self._ensure_loaded()
        m = minhash(text_or_signature) if isinstance(text_or_signature, str) else text_or_signature
        if m.is_empty() or not self._values:
            return None
        values = np.asarray(m.hashvalues, dtype=np.uint32)
        best: tuple[float, int, str] | None = None
        for key in self._lsh.query(_Sketch(values)):
            sim = estimate(values, self._values[key])
            if sim >= self.threshold:
                rank = (sim, -self._order[key], key)
                if best is None or rank > best:
                    best = rank
        return None if best is None else (best[2], best[0])
