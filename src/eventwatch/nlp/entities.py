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


class Linker:
    """Links entities to the actor dictionary: exact names first, then one-typo names whose
    context agrees (a demonym or country of the same sentence names the actor's country)."""

    def __init__(self, kb: "actor_kb.ActorKB", countries_kb, doc: Document, sdoc) -> None:
        self.kb, self.countries, self.doc, self.sdoc = kb, countries_kb, doc, sdoc
        self.day = doc.published_date
        self.entries: dict[str, "actor_kb.ActorEntry"] = {}
        self._by_sentence: dict[tuple[int, int], set[str]] = {}

    def link(self, ent: Entity) -> None:
        if ent.type in ("GPE", "LOC"):
            # A "place" the gazetteer does not know but the actor dictionary calls a group
            # ("M23") is an organisation.
            if any(self.countries.lookup(m.text) for m in ent.mentions):
                return
            wanted = ("GROUP",)
        elif ent.type in ("PERSON", "ORG"):
            wanted = (ent.type,)
        elif ent.type == "MISC":
            wanted = ("GROUP",)  # "Islamic Emirate" tagged MISC: a curated group only
        else:
            return
        names = sorted({m.text for m in ent.mentions}, key=len, reverse=True)
        if wanted == ("GROUP",):
            # Only a group the curated layer knows: Phoenix files cities under countries.
            entry = self._best([e for n in names for e in self.kb.lookup(n)
                                if e.type == "ORG" and e.source != "phoenix"], ent)
            if entry is not None:
                ent.kb_id, ent.name, ent.type = entry.id, entry.name, "ORG"
                self.entries[entry.id] = entry
            return
        entry = self._best([e for n in names for e in self.kb.lookup(n) if e.type in wanted], ent)
        if entry is None:
            scored = [(e, sc) for n in names for e, sc in self.kb.fuzzy(n) if e.type in wanted]
            entry = self._best([e for e, sc in scored if sc >= 0.92 or self._context_agrees(e, ent)], ent)
        if entry is not None:
            ent.kb_id, ent.name = entry.id, entry.name
            self.entries[entry.id] = entry

    def _best(self, candidates: list, ent: Entity | None):
        if not candidates:
            return None
        return max(candidates, key=lambda e: (e.role_on(self.day) is not None,
                                              ent is not None and self._context_agrees(e, ent),
                                              e.source != "phoenix"))

    def _context_countries(self, ent: Entity) -> set[str]:
        """Countries named by demonyms in the sentences of an entity's mentions."""
        found: set[str] = set()
        for m in ent.mentions:
            sent = self.doc.sentence_at(m.start)
            if sent is not None:
                found |= self._sentence_countries(sent.start, sent.end)
        return found

    def _sentence_countries(self, start: int, end: int) -> set[str]:
        if (start, end) not in self._by_sentence:
            toks = self.sdoc.char_span(start, end, alignment_mode="expand") or []
            self._by_sentence[(start, end)] = {iso3 for t in toks if (iso3 := self.countries.demonym(t.text))}
        return self._by_sentence[(start, end)]

    def _context_agrees(self, entry, ent: Entity) -> bool:
        role = entry.role_on(self.day)
        return role is not None and role.country in self._context_countries(ent)

    def missed_names(self, entities: list[Entity]) -> list[Entity]:
        """Actors the NER missed, found in runs of capitalised words: a known organisation's
        or person's exact name ("Russian-led Collective Security Treaty Organization"), or a
        person's name with one typo and an agreeing context ("Russian Vladimir Putting")."""
        taken = bytearray(len(self.doc.text))
        for ent in entities:
            for m in ent.mentions:
                taken[m.start:m.end] = b"\x01" * (m.end - m.start)
        found: list[Entity] = []
        run: list = []
        for tok in [*self.sdoc, None]:
            free = tok is not None and not any(taken[tok.idx:tok.idx + len(tok)])
            if free and countries.is_acronym(tok.text) and not self.countries.lookup(tok.text):
                found.extend(self._known_acronym(tok))
            if free and tok.is_title and tok.is_alpha and not tok.is_sent_start:
                run.append(tok)
                continue
            i = 0
            while len(run) - i >= 2:  # longest known name first, left to right
                for j in range(len(run), i + 1, -1):
                    hit = self._known_name(run[i:j])
                    if hit is not None:
                        found.append(hit)
                        i = j
                        break
                else:
                    i += 1
            run = []
        return found

    def _known_acronym(self, tok) -> list[Entity]:
        """An organisation's acronym the NER missed ("The CSTO will hold drills")."""
        entry = self._best([e for e in self.kb.lookup(tok.text) if e.type == "ORG"], None)
        if entry is None:
            return []
        ent = Entity("", entry.name, "ORG", [Mention.of(self.doc.text, tok.idx, tok.idx + len(tok.text))],
                     kb_id=entry.id)
        self.entries[entry.id] = entry
        return [ent]

    def _known_name(self, toks: list) -> Entity | None:
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        name = self.doc.text[start:end]
        probe = Entity("", name, "PERSON", [Mention.of(self.doc.text, start, end)])
        exact = self.kb.lookup(name)
        fuzzy = [e for e, sc in self.kb.fuzzy(name) if e.type == "PERSON" and self._context_agrees(e, probe)]
        entry = self._best(exact or fuzzy, probe)
        if entry is None:
            return None
        probe.kb_id, probe.name, probe.type = entry.id, entry.name, entry.type
        self.entries[entry.id] = entry
        return probe


def merge_linked(entities: list[Entity]) -> list[Entity]:
    """One entity per knowledge-base id: later entities with the same id join the first."""
    first: dict[str, Entity] = {}
    out = []
    for ent in sorted(entities, key=lambda e: min(m.start for m in e.mentions)):
        if ent.kb_id and ent.kb_id in first:
            keep = first[ent.kb_id]
            known = {(m.start, m.end) for m in keep.mentions}
            keep.mentions.extend(m for m in ent.mentions if (m.start, m.end) not in known)
            continue
        if ent.kb_id:
            first[ent.kb_id] = ent
        out.append(ent)
    return out


def _renumber(doc: Document) -> None:
    for n, ent in enumerate(doc.entities, 1):
        ent.id = f"e{n}"
