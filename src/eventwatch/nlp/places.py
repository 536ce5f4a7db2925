"""The places stage: place-name mentions resolved to coordinates, country and kind.

Candidates are the NER's GPE, LOC and FAC mentions, and demonyms ("Afghan" -> Afghanistan). Each is looked up in the country
knowledge base (countries and their aliases, capitals, macro-regions, continents); names
it does not know stay in the output with null coordinates. A capital used as the subject
of a verb ("Washington is planning", "Moscow said") stands for its government and is
marked metonymic.
"""
from __future__ import annotations

from ..document import Document, Place
from ..kb import countries
from ..pipeline import Stage, stage
from .spans import token_at
from .text import parse

PLACE_TYPES = ("GPE", "LOC", "FAC")


def resolve(name: str, kb: "countries.CountryKB") -> "countries.PlaceEntry | None":
    """The best knowledge-base entry for a place name (the KB ranks countries before regions,
    continents and capitals, more populous first)."""
    entries = kb.lookup(name)
    return entries[0] if entries else None


@stage("places", requires=("parse", "entities"), assigns=("places",))
class PlacesStage(Stage):
    def __init__(self, config) -> None:
        super().__init__(config)
        self.kb = countries.load()

    def __call__(self, doc: Document) -> Document:
        sdoc = parse(doc)
        places = []
        for ent in doc.entities:
            if ent.type == "NORP":
                places.extend(_demonym_places(doc, ent, self.kb))
            if ent.type not in PLACE_TYPES:
                continue
            for m in ent.mentions:
                if m.kind != "name":
                    continue
                entry = resolve(m.text, self.kb)
                place = Place.of(doc.text, m.start, m.end, name=m.text)
                if entry is not None:
                    place.name, place.kind, place.country = entry.name, entry.kind, entry.country
                    place.geonameid, place.lat, place.lon = entry.geonameid, entry.lat, entry.lon
                    place.score = 0.9 if entry.kind in ("country", "region", "continent") else 0.7
                    place.metonymic = entry.capital_of is not None and _acts(sdoc, m.start, m.end)
                places.append(place)
        doc.places = sorted(places, key=lambda p: p.start)
        return doc


def _demonym_places(doc: Document, ent, kb) -> list[Place]:
    """Demonyms and adjectives ("Afghan", "Tajik") as mentions of their country."""
    out = []
    for m in ent.mentions:
        iso3 = kb.demonym(m.text)
        country = kb.country(iso3) if iso3 else None
        if country is None:
            continue
        out.append(Place.of(doc.text, m.start, m.end, name=country.name, geonameid=country.geonameid,
                            lat=country.lat, lon=country.lon, country=iso3, kind="country", score=0.6))
    return out


def _acts(sdoc, start: int, end: int) -> bool:
    """Whether the name at ``start..end`` is the subject of a verb (an actor, not a location)."""
    tok = token_at(sdoc, end - 1)
    while tok is not None and tok.dep_ == "compound":
        tok = tok.head
    return tok is not None and tok.dep_ in ("nsubj", "nsubjpass") and tok.head.pos_ in ("VERB", "AUX")
