"""The entities stage: named-entity mentions, merged into one entity per real-world referent.

Mentions come from the parser's NER. Mentions of one entity are merged across the document:
the same name, a person's surname or given name after the full name, an acronym after its
expansion ("Collective Security Treaty Organization (CSTO)" ... "CSTO") or an acronym that
spells an earlier name's initials. The entity's `name` is its longest name mention.
"""
from __future__ import annotations

import re

from ..document import Document, Entity, Mention
from ..kb import actors as actor_kb
from ..kb import countries
from .linking import Linker, merge_linked
from ..pipeline import Stage, stage
from .spans import trim
from .text import parse

#: spaCy (OntoNotes) labels -> SCHEMA entity types; labels not listed are not entities.
TYPE_MAP = {
    "PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "NORP": "NORP",
    "FAC": "FAC", "EVENT": "EVENT", "PRODUCT": "MISC", "WORK_OF_ART": "MISC",
    "LAW": "MISC", "LANGUAGE": "MISC", "MISC": "MISC",
}
_MINOR_WORDS = {"of", "and", "the", "for", "in", "on", "to", "de", "du", "des", "la", "al", "&"}
_PARENTHESISED = re.compile(r"\s*\(([A-Z][A-Za-z.]{1,9})\)")
_TITLE_WORDS = {"mr", "mrs", "ms", "dr", "president", "prime", "minister", "gen", "general",
                "sen", "senator", "rep", "gov", "governor", "king", "queen", "prince", "sir"}


def normal_key(name: str) -> str:
    """A comparison key for names: lower case, no dots, single spaces."""
    return re.sub(r"\s+", " ", name.replace(".", "").replace("\u2019", "'")).strip().lower()


def initials(name: str) -> str:
    """Initials of the significant words of a name ("Collective Security Treaty Organization" -> "CSTO")."""
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in _MINOR_WORDS]
    return "".join(w[0].upper() for w in words if w[0].isalpha())


def is_acronym(text: str) -> bool:
    bare = text.replace(".", "")
    return 2 <= len(bare) <= 8 and bare.isupper() and bare.isalpha()


def name_tokens(name: str) -> list[str]:
    """The lower-case words of a person's name without titles ("President Joe Biden" -> joe, biden)."""
    return [w for w in normal_key(name).split() if w not in _TITLE_WORDS]


class _Merger:
    """Groups mentions into entities, in document order."""

    def __init__(self) -> None:
        self.entities: list[Entity] = []
        self.by_key: dict[tuple[str, str], Entity] = {}

    def add(self, mention: Mention, etype: str, expansion_of: Entity | None = None) -> Entity:
        key = normal_key(mention.text)
        ent = expansion_of or self.by_key.get((etype, key)) or self._find_partner(mention.text, etype)
        if ent is None:
            ent = Entity(id=f"e{len(self.entities) + 1}", name=mention.text, type=etype, mentions=[])
            self.entities.append(ent)
        self.attach(mention, ent)
        return ent

    def attach(self, mention: Mention, ent: Entity) -> None:
        """Add a mention to an entity; the longest non-acronym mention names it."""
        ent.mentions.append(mention)
        self.alias(ent, mention.text)
        if len(mention.text) > len(ent.name) and not is_acronym(mention.text):
            ent.name = mention.text

    def alias(self, ent: Entity, name: str) -> None:
        """Later mentions spelled ``name`` belong to ``ent``."""
        self.by_key[(ent.type, normal_key(name))] = ent

    def _find_partner(self, text: str, etype: str) -> Entity | None:
        if etype == "PERSON":
            toks = name_tokens(text)
            if len(toks) == 1:
                # A surname (or given name) alone refers to the last person whose name has it.
                for ent in reversed(self.entities):
                    names = name_tokens(ent.name)
                    if ent.type == "PERSON" and toks[0] in (names[:1] + names[-1:]):
                        return ent
        if is_acronym(text):
            letters = text.replace(".", "").upper()
            for ent in reversed(self.entities):
                if ent.type in ("ORG", "GPE", "LOC", "EVENT", "FAC", "MISC") and len(ent.name.split()) > 1 \
                        and initials(ent.name) == letters:
                    return ent
        return None


@stage("entities", requires=("parse",), assigns=("entities",))
class EntitiesStage(Stage):
    """NER mentions merged into entities (names only; titles and pronouns come with actors)."""

    def __init__(self, config) -> None:
        super().__init__(config)
        self.kb = countries.load()
        self.actors = actor_kb.load(tuple(config.actor_files))

    def retype(self, text: str, etype: str) -> str:
        """Correct the NER type with the gazetteer: a country name is a GPE (unless tagged as a
        person: "Jordan" the player), a demonym that is no country name a NORP."""
        is_country = any(e.kind == "country" for e in self.kb.lookup(text))
        if is_country:
            return "GPE" if etype in ("NORP", "ORG", "LOC", "GPE") else etype
        if etype in ("PERSON", "ORG", "GPE", "MISC") and self.kb.demonym(text):
            return "NORP"
        return etype

    def __call__(self, doc: Document) -> Document:
        sdoc = parse(doc)
        text = doc.text
        merger = _Merger()
        # "Long Name (ACR)": offsets of the acronym -> the entity it abbreviates.
        acronyms: dict[tuple[int, int], Entity] = {}
        for ent in sdoc.ents:
            start, end = trim(text, ent.start_char, ent.end_char)
            if end <= start or not any(c.isalnum() for c in text[start:end]):
                continue
            mention = Mention.of(text, start, end)
            if (start, end) in acronyms:
                merger.attach(mention, acronyms.pop((start, end)))
                continue
            etype = TYPE_MAP.get(ent.label_)
            if etype is None:
                continue
            etype = self.retype(mention.text, etype)
            entity = merger.add(mention, etype)
            m = _PARENTHESISED.match(text, end)
            if m and len(mention.text.split()) > 1 and initials(mention.text) == m.group(1).replace(".", ""):
                acronyms[(m.start(1), m.end(1))] = entity
                merger.alias(entity, m.group(1))
        for (start, end), entity in acronyms.items():  # acronyms the NER did not tag
            merger.attach(Mention.of(text, start, end), entity)
        entities = [e for e in merger.entities if e.mentions]
        linker = Linker(self.actors, self.kb, doc, sdoc)
        for ent in entities:
            linker.link(ent)
        entities.extend(linker.missed_names(entities))
        doc.entities = merge_linked(entities)
        doc.work["kb_entries"] = linker.entries
        for ent in doc.entities:
            ent.mentions.sort(key=lambda m: m.start)
        _renumber(doc)
        return doc


def _renumber(doc: Document) -> None:
    for n, ent in enumerate(doc.entities, 1):
        ent.id = f"e{n}"
