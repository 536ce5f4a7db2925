"""Language identification, so articles the English pipeline cannot analyse are skipped, not mangled.

langdetect is randomised; a fixed seed makes the same text always get the same answer.
Short texts are not judged: a headline-sized text is too little evidence, and an article
wrongly skipped is worse than a short one analysed.
"""
from __future__ import annotations

import re

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

DetectorFactory.seed = 0

#: Below this many letters, or this many words, the text is too little to judge.
MIN_LETTERS = 20
MIN_WORDS = 4
#: Only the start of a long text is read: enough to judge, and bounded in time.
SAMPLE_CHARS = 2_000

_WORD = re.compile(r"[^\W\d_]{2,}")


def detect(text: str) -> str | None:
    """The ISO 639-1 code of the text's language ("en", "de"), or None when there is too
    little text to tell."""
    sample = text[:SAMPLE_CHARS]
    words = _WORD.findall(sample)
    if len(words) < MIN_WORDS or sum(map(len, words)) < MIN_LETTERS:
        return None
    try:
        best = detect_langs(sample)[0]
    except (LangDetectException, IndexError):
        return None
    # langdetect tells Chinese scripts apart ("zh-cn", "zh-tw"); ISO 639-1 has one code.
    return best.lang.split("-")[0]


def english_or_reason(text: str) -> str | None:
    """None for English text (or text too short to judge), else why it is skipped,
    e.g. "language: de"."""
    lang = detect(text)
    if lang is None or lang == "en":
        return None
    return f"language: {lang}"
