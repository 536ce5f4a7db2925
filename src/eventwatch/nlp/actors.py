"""The actors stage: which entities are political actors, as ISO3 country + PLOVER sector.

An entity linked to the actor dictionary takes the role it held on the publication date.
Otherwise: a country name is its government (GOV). A metonymic capital ("Washington") is that country's
government. A person or organisation takes its country and sector from the words around
it: a demonym or country before the name ("Russian Vladimir Putin", "the Russian Defence
Ministry"), or an apposition naming a role ("Sergei Naryshkin, Russia's foreign
intelligence service director"); the role's head noun gives the sector (agent dictionary).

`code_phrase` does the same for any phrase, so the event stage can code arguments that are
no named entity ("Russian troops", "the police").
"""
from __future__ import annotations

from spacy.tokens import Token

from ..document import ActorCode, Document, Entity
from ..kb import agents, countries
from ..pipeline import Stage, stage
from .spans import char_span, token_at
from .text import parse

_GOV_TYPES = ("GPE",)


def code_tokens(tokens: list[Token], kb: "countries.CountryKB") -> ActorCode | None:
    """Country and sector from the words of a phrase ("Russia's foreign intelligence service
    director" -> RUS, SPY-or-GOV by the agent dictionary). None when neither is found."""
    country = None
    words = []
    for tok in tokens:
        if tok.is_punct or tok.dep_ == "case":
            continue
        iso3 = kb.demonym(tok.text) or _country_of(tok.text, kb)
        if iso3 and country is None:
            country = iso3
            continue
        if tok.pos_ in ("NOUN", "PROPN", "ADJ"):
            words.append(tok.lemma_.lower())
    if country is None:
        # Multi-word country names ("United States") are looked up as a whole.
        text = " ".join(t.text for t in tokens if not t.is_punct and t.dep_ != "case")
        country = _country_of(text, kb)
    sector = agents.sector(" ".join(words)) if words else None
    if country is None and sector is None:
        return None
    return ActorCode(country=country, sector=sector)


def _country_of(name: str, kb: "countries.CountryKB") -> str | None:
    for entry in kb.lookup(name):
        if entry.kind == "country" or entry.capital_of:
            return entry.country
    return None


@stage("actors", requires=("parse", "entities", "places"), assigns=("actors",))
class ActorsStage(Stage):
    def __init__(self, config) -> None:
        super().__init__(config)
        self.kb = countries.load()

    def __call__(self, doc: Document) -> Document:
        sdoc = parse(doc)
        metonyms = {(p.start, p.end): p for p in doc.places if p.metonymic}
        places = {(p.start, p.end): p for p in doc.places}
        entries = doc.work.get("kb_entries", {})
        day = doc.published_date
        for ent in doc.entities:
            entry = entries.get(ent.kb_id) if ent.kb_id else None
            role = entry.role_on(day) if entry is not None else None
            if role is not None:
                # The role held on the publication date ("Naryshkin" in 2021: RUS SPY).
                ent.actor = ActorCode(role.country, role.sector)
            else:
                ent.actor = self._code(ent, sdoc, places, metonyms)
        return doc

    def _code(self, ent: Entity, sdoc, places, metonyms) -> ActorCode | None:
        if ent.type in _GOV_TYPES:
            for m in ent.mentions:
                place = places.get((m.start, m.end))
                if place is not None and place.country and (place.kind == "country" or (m.start, m.end) in metonyms):
                    return ActorCode(place.country, "GOV")
            return None
        if ent.type not in ("PERSON", "ORG"):
            return None
        found: ActorCode | None = None
        for m in ent.mentions:
            code = self._context_code(sdoc, m.start, m.end, ent.type)
            if code is not None:
                if code.country and code.sector:
                    return code
                found = found or code
        return found

    def _context_code(self, sdoc, start: int, end: int, etype: str) -> ActorCode | None:
        head = token_at(sdoc, end - 1)
        if head is None:
            return None
        while head.dep_ in ("compound", "flat") and head.head.i != head.i and head.head.i > head.i:
            head = head.head
        name_toks = list(char_span(sdoc, start, end) or [])
        left = [t for c in head.lefts if c.dep_ in ("amod", "compound", "nmod", "poss", "npadvmod")
                for t in c.subtree if t.idx < start]
        # An apposition, or a noun the name is apposed to, names the role.
        role = [c for c in head.children if c.dep_ == "appos"]
        if head.dep_ == "appos":
            role.append(head.head)
        ctx = self._from_tokens(left + ([] if etype == "PERSON" else name_toks))
        for r in role:
            code = self._from_tokens(list(r.subtree)[: r.i - r.left_edge.i + 1])
            if code is not None:
                ctx = ActorCode(ctx.country if ctx and ctx.country else code.country,
                                code.sector or (ctx.sector if ctx else None))
        if ctx is None:
            # "Russian Vladimir Putin": a demonym just before the name, tagged as its own entity.
            prev = sdoc[name_toks[0].i - 1] if name_toks and name_toks[0].i > 0 else None
            if prev is not None and self.kb.demonym(prev.text):
                ctx = ActorCode(self.kb.demonym(prev.text), None)
        return ctx

    def _from_tokens(self, tokens: list[Token]) -> ActorCode | None:
        return code_tokens(tokens, self.kb) if tokens else None
