"""Which entity a stretch of text refers to: a mention, a surname, or a pronoun's antecedent.

Shared by the stages that attach text to entities (quotes' speakers, events' actors).
"""
from __future__ import annotations

from spacy.tokens import Token

from ..document import Document, Entity, Span
from .entities import name_tokens
from .gender import gender
from .text import inside, quoted

PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it"})


def entity_at(doc: Document, start: int, end: int) -> tuple[Entity, Span] | None:
    """The entity with a mention overlapping ``start..end``, and that mention; else a person
    whose surname the text is (a later "Ruto" the NER missed), with the text as the mention."""
    # A name beats a title or pronoun around it ("Russia" inside "Russia's ... director"),
    # and the tightest mention wins.
    hits = [(m.kind != "name", m.end - m.start, ent, m) for ent in doc.entities for m in ent.mentions
            if m.start < end and start < m.end]
    if hits:
        _, _, ent, m = min(hits, key=lambda h: (h[0], h[1]))
        return ent, m
    word = doc.text[start:end]
    if word[:1].isupper() and " " not in word:
        for ent in doc.entities:
            names = name_tokens(ent.name)
            if ent.type == "PERSON" and len(names) > 1 and names[-1] == word.lower() \
                    and ent.mentions[0].start < start:
                return ent, doc.span(start, end)
    return None


def antecedent(doc: Document, before: int, pronoun: str) -> tuple[Entity, Span] | None:
    """The earlier name mention a pronoun most likely stands for: the nearest one that was a
    subject (the centre of attention) in this or the two previous sentences, else the nearest.
    Names inside quotation marks are someone's words, not the narrative's: they are skipped."""
    types = ("PERSON",) if pronoun in ("he", "she", "i") else ("ORG", "GPE", "PERSON", "NORP")
    sdoc = doc.work.get("spacy")
    sents = [s for s in doc.sentences if s.start < before]
    window_start = sents[-3].start if len(sents) >= 3 else 0
    nearest = subject = None
    wanted = {"he": "m", "she": "f"}.get(pronoun)
    regions = quoted(doc)
    for ent in doc.entities:
        if ent.type not in types:
            continue
        if wanted is not None and gender(doc, ent) not in (None, wanted):
            continue  # "she" does not stand for Mr. Trump
        for m in ent.mentions:
            if m.end > before or m.kind != "name" or inside(regions, m.start, m.end):
                continue
            if nearest is None or m.start > nearest[1].start:
                nearest = (ent, m)
            if m.start >= window_start and sdoc is not None and (subject is None or m.start > subject[1].start):
                head = sdoc.char_span(m.start, m.end, alignment_mode="expand")
                if head is not None and head.root.dep_ in ("nsubj", "nsubjpass"):
                    subject = (ent, m)
    return subject or nearest


def referent(doc: Document, tok: Token) -> tuple[Entity, Span] | None:
    """The entity a token refers to: a pronoun's antecedent, else the entity it is part of."""
    if tok.lower_ in PRONOUNS:
        return antecedent(doc, tok.idx, tok.lower_)
    return entity_at(doc, tok.idx, tok.idx + len(tok.text))
