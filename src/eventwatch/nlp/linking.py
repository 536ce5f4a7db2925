"""Linking entities to the actor dictionary (kb/actors.py).

Exact names and aliases first; then names of two or more words with one typo, accepted when
close enough or when the sentence's demonyms name the actor's country; then runs of
capitalised words and acronyms the NER missed. Entities linked to the same actor merge.
"""
from __future__ import annotations

from ..document import Document, Entity, Mention
from ..kb import actors as actor_kb
from ..kb import countries


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
