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

from ..document import ActorCode, Document, Entity, Mention
from ..kb import agents, countries
from ..pipeline import Stage, stage
from .refer import antecedent, entity_at
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
        add_references(doc, sdoc, self.kb)
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


#: Head nouns of a title that can stand for a person already named ("the Russian president").
TITLE_NOUNS = frozenset("""president minister premier chancellor leader chief director head spokesman
spokeswoman spokesperson secretary ambassador envoy general commander governor mayor king queen
prince emir sultan ayatollah pope official diplomat senator lawmaker""".split())


def add_references(doc: Document, sdoc, kb: "countries.CountryKB") -> None:
    """Titles and subject pronouns as mentions of the people they refer to.

    An apposition to a name ("Sergei Naryshkin, Russia's foreign intelligence service
    director") is a nominal mention of that person; a definite title of a country's official
    ("the Russian president") one of the latest person of that country named before it; a
    subject "he"/"she" one of its antecedent (`refer.antecedent`).
    """
    taken = {(m.start, m.end) for e in doc.entities for m in e.mentions}
    people = [e for e in doc.entities if e.type == "PERSON"]
    added: list[tuple[Entity, Mention]] = []
    for tok in sdoc:
        target = None
        span = None
        if tok.dep_ == "appos" and tok.lemma_.lower() in TITLE_NOUNS:
            found = entity_at(doc, tok.head.idx, tok.head.idx + len(tok.head.text))
            if found is not None and found[0].type == "PERSON":
                target, span = found[0], (tok.left_edge.idx, tok.idx + len(tok.text))
        elif tok.pos_ == "NOUN" and tok.lemma_.lower() in TITLE_NOUNS and tok.dep_ != "appos" and \
                any(c.lower_ == "the" for c in tok.children):
            country = next((kb.demonym(c.text) for c in tok.children if c.dep_ in ("amod", "compound")
                            and kb.demonym(c.text)), None)
            if country:
                before = [(m.start, e) for e in people for m in e.mentions
                          if m.end <= tok.idx and e.actor and e.actor.country == country]
                if before:
                    target, span = max(before, key=lambda b: b[0])[1], (tok.left_edge.idx, tok.idx + len(tok.text))
        elif tok.dep_ in ("nsubj", "nsubjpass") and tok.lower_ in ("he", "she"):
            found = antecedent(doc, tok.idx, tok.lower_)
            if found is not None:
                target, span = found[0], (tok.idx, tok.idx + len(tok.text))
        if target is None or span in taken or span[0] >= span[1]:
            continue
        kind = "pronoun" if tok.pos_ == "PRON" else "nominal"
        added.append((target, Mention.of(doc.text, span[0], span[1], kind=kind)))
        taken.add(span)
    for ent, mention in added:
        ent.mentions.append(mention)
    for ent in doc.entities:
        ent.mentions.sort(key=lambda m: m.start)
