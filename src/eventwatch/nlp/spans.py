"""Span mechanics shared by the stages: trimming, token look-ups, subject/object phrases."""
from __future__ import annotations

import re

from spacy.tokens import Doc as SpacyDoc
from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

_LEADING = re.compile(r"^the\s+")
_LEADING_CAPITAL = re.compile(r"^(?:The|THE)\s+")
# A "." at the end of an entity is part of its last token ("U.S.", "Fla.", "Inc."): spaCy
# never includes a sentence's full stop in a name, so it is not trimmed.
_TRAILING = re.compile(r"(?:['\u2019]s?|[\s,;:!?\"'\u201d\u2019)-])+$")


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of ``text[start:end]`` without a leading article, a possessive or edge punctuation.

    A lower-case "the" always goes; a capital "The" only at the start of a sentence, since
    inside one it belongs to the name ("The Hague", "The Oval"). A closing parenthesis stays
    when the name opens one ("Buducnost (V)").
    """
    piece = text[start:end]
    before = text[:start].rstrip()
    m = _LEADING.match(piece) or (_LEADING_CAPITAL.match(piece) if not before or before[-1] in ".!?\n\"'\u201d:" else None)
    if m and len(piece) > m.end():
        start += m.end()
        piece = piece[m.end():]
    m = _TRAILING.search(piece)
    if m and m.start() > 0:
        tail = piece[m.start():]
        keep = 1 if tail.startswith(")") and "(" in piece[:m.start()] else 0
        end = start + m.start() + keep
    while start < end and text[start].isspace():
        start += 1
    return start, end


def token_at(sdoc: SpacyDoc, offset: int) -> Token | None:
    """The token covering a character offset, or None."""
    span = sdoc.char_span(offset, offset + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def char_span(sdoc: SpacyDoc, start: int, end: int) -> SpacySpan | None:
    """The tokens covering ``start..end`` (expanded to token edges); None for an empty range."""
    if start >= end:
        return None
    return sdoc.char_span(start, end, alignment_mode="expand")


def phrase(token: Token) -> tuple[int, int]:
    """Character offsets of a noun phrase headed by ``token``: its compounds, adjectives and
    determiners on the left, without clauses, appositions or coordination on the right."""
    left = token
    for child in token.lefts:
        if child.dep_ in ("compound", "amod", "det", "poss", "nmod", "nummod", "quantmod") and child.i < left.i:
            left = child.left_edge if child.dep_ in ("poss", "compound", "nmod") else child
    right = token
    for child in token.rights:
        if child.dep_ in ("compound",) and child.i == right.i + 1:
            right = child
    return left.idx, right.idx + len(right.text)


def conjuncts(token: Token) -> list[Token]:
    """``token`` and the tokens coordinated with it ("Russia, Uzbekistan and Tajikistan")."""
    return [token, *[c for c in token.conjuncts if c.i > token.i]]

