"""The country knowledge base: countries, capitals, macro-regions and continents by name.

The data, ``data/countries.json``, is built by ``python -m eventwatch.kb.build_countries``
(see ``kb/README.md``); this module only reads it. ``load()`` reads it once per process.

Names are matched after ``name_key`` folding (case, accents, punctuation, "St"/"Saint"), except
acronyms ("US", "U.S.", "UK", "DPRK"), which match only when written in capitals, so that the
pronoun "us" is not the United States. Callers strip articles and possessives ("the United
States", "Russia's") before looking a name up.
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import KnowledgeError

DATA = Path(__file__).with_name("data") / "countries.json"

PlaceKind = Literal["continent", "region", "country", "city"]

# Lookup results list countries first: a bare "Singapore" or "Djibouti" means the country
# more often than its capital.
_KIND_ORDER: dict[str, int] = {"country": 0, "region": 1, "continent": 2, "city": 3}
# Dropped rather than spaced, so "U.S." ~ "US" and "Cote d'Ivoire" ~ "Côte d’Ivoire".
_DROPPED = re.compile(r"[.'’‘`ʻʼ]")
_SEPARATORS = re.compile(r"[^\w]+|_")
_ABBREVIATIONS: dict[str, str] = {"st": "saint", "ste": "sainte"}


@functools.lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """The form names are compared in: no accents or case, "&" as "and", punctuation dropped.

    >>> name_key("Côte d’Ivoire") == name_key("COTE D'IVOIRE")
    True
    >>> name_key("St. Kitts & Nevis")
    'saint kitts and nevis'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _DROPPED.sub("", plain.casefold().replace("&", " and "))
    words = _SEPARATORS.sub(" ", plain).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def is_acronym(text: str) -> bool:
    """Whether ``text`` is written as an acronym: 2-5 capital letters, dots allowed ("U.S.")."""
    letters = text.replace(".", "").replace(" ", "")
    return 2 <= len(letters) <= 5 and letters.isascii() and letters.isalpha() and letters.isupper()


def _acronym_key(text: str) -> str:
    return text.replace(".", "").replace(" ", "")


@dataclass(frozen=True)
class PlaceEntry:
    """A named place: a continent, macro-region, country or capital city.

    ``country`` is the ISO 3166-1 alpha-3 code (None for regions and continents);
    ``capital_of`` is the ISO3 code of the country a city is the capital of.
    """

    name: str
    kind: PlaceKind
    country: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    capital_of: str | None = None


@dataclass(frozen=True)
class CountryEntry:
    """Everything the knowledge base knows about one country or territory."""

    iso3: str
    iso2: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    geonameid: int | None
    lat: float | None
    lon: float | None
    capital: PlaceEntry | None
    continent: str
    neighbours: tuple[str, ...]
    population: int

    @property
    def place(self) -> PlaceEntry:
        """The country as a place."""
        return PlaceEntry(self.name, "country", self.iso3, self.geonameid, self.lat, self.lon)


@dataclass(frozen=True)
class RegionEntry:
    """A macro-region news refers to ("Central Asia", "Sahel") and the countries in it."""

    name: str
    aliases: tuple[str, ...]
    countries: tuple[str, ...]
    lat: float
    lon: float

    @property
    def place(self) -> PlaceEntry:
        """The region as a place (its point is the mean of its members' points)."""
        return PlaceEntry(self.name, "region", None, None, self.lat, self.lon)


class CountryKB:
    """Country, capital, region and continent names, demonyms and country records."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        """Index the data of ``countries.json`` (as ``build_countries.build()`` returns it)."""
        try:
            countries = [_country_entry(c) for c in data["countries"]]
            regions = [_region_entry(r) for r in data["regions"]]
            continents = [_continent_place(c) for c in data["continents"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise KnowledgeError(f"country knowledge base is malformed ({exc!r}); "
                                 "rebuild it with python -m eventwatch.kb.build_countries") from exc
        self._countries: dict[str, CountryEntry] = {c.iso3: c for c in countries}
        self._regions: dict[str, RegionEntry] = {}
        names: dict[str, list[tuple[PlaceEntry, int]]] = {}
        acronyms: dict[str, list[tuple[PlaceEntry, int]]] = {}
        demonyms: dict[str, str] = {}

        def add(place: PlaceEntry, population: int, spellings: Iterable[str]) -> None:
            for spelling in spellings:
                index, key = ((acronyms, _acronym_key(spelling)) if is_acronym(spelling)
                              else (names, name_key(spelling)))
                bucket = index.setdefault(key, [])
                if all(p != place for p, _ in bucket):
                    bucket.append((place, population))

        for c, raw in zip(countries, data["countries"], strict=True):
            add(c.place, c.population, (c.name, *c.aliases))
            if c.capital is not None:
                raw_capital = raw["capital"]
                add(c.capital, int(raw_capital.get("population") or 0),
                    (c.capital.name, *raw_capital.get("aliases", ())))
            for d in c.demonyms:
                demonyms[_acronym_key(d) if is_acronym(d) else name_key(d)] = c.iso3
        for r in regions:
            for spelling in (r.name, *r.aliases):
                self._regions[name_key(spelling)] = r
            add(r.place, 0, (r.name, *r.aliases))
        for place, aliases in continents:
            add(place, 0, (place.name, *aliases))

        self._names = {k: _ranked(v) for k, v in names.items()}
        self._acronyms = {k: _ranked(v) for k, v in acronyms.items()}
        self._demonyms = demonyms

    @classmethod
    def from_file(cls, path: Path) -> CountryKB:
        """Read a knowledge base written by ``build_countries``."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise KnowledgeError(f"country knowledge base {path} is missing; "
                                 "build it with python -m eventwatch.kb.build_countries") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise KnowledgeError(f"country knowledge base {path} is not valid JSON ({exc}); "
                                 "rebuild it with python -m eventwatch.kb.build_countries") from exc
        return cls(data)

    def lookup(self, name: str) -> list[PlaceEntry]:
        """Places called ``name``: countries, then regions, continents and capital cities.

        Case, accents and punctuation do not matter ("cote d'ivoire", "Côte d’Ivoire"),
        except for acronyms: "US" and "U.S." are the United States, "us" is nothing.
        Returns [] for unknown names. Articles and possessives are the caller's to strip.
        """
        found: list[PlaceEntry] = []
        if is_acronym(name):
            found.extend(self._acronyms.get(_acronym_key(name), ()))
        for place in self._names.get(name_key(name), ()):
            if place not in found:
                found.append(place)
        # Both indexes are ranked already; a stable sort by kind merges them.
        return sorted(found, key=lambda p: _KIND_ORDER[p.kind])

    def demonym(self, word: str) -> str | None:
        """The ISO3 code of the country a demonym or adjective names, or None.

        "Russian" -> "RUS", "Afghans" -> "AFG" (a plain plural is accepted), "U.S." -> "USA".
        Acronyms must be in capitals, as in ``lookup``.
        """
        if is_acronym(word):
            return self._demonyms.get(_acronym_key(word))
        key = name_key(word)
        if not key:
            return None
        found = self._demonyms.get(key)
        if found is None and key.endswith("s"):
            found = self._demonyms.get(key[:-1])
        return found

    def country(self, iso3: str) -> CountryEntry | None:
        """The country with ISO 3166-1 alpha-3 code ``iso3`` (any case), or None."""
        return self._countries.get(iso3.upper())

    def region(self, name: str) -> RegionEntry | None:
        """The macro-region called ``name`` (or one of its aliases), or None."""
        return self._regions.get(name_key(name))

    def countries(self) -> tuple[CountryEntry, ...]:
        """Every country and territory, by ISO3 code."""
        return tuple(self._countries[k] for k in sorted(self._countries))

    def regions(self) -> tuple[RegionEntry, ...]:
        """Every macro-region, by name."""
        unique = {r.name: r for r in self._regions.values()}
        return tuple(unique[k] for k in sorted(unique))


@functools.cache
def load() -> CountryKB:
    """The knowledge base of ``data/countries.json``, read once per process."""
    return CountryKB.from_file(DATA)


def _ranked(bucket: list[tuple[PlaceEntry, int]]) -> tuple[PlaceEntry, ...]:
    """Places sharing a name: by kind, then most populous first, then by name."""
    ordered = sorted(bucket, key=lambda pp: (_KIND_ORDER[pp[0].kind], -pp[1], pp[0].name))
    return tuple(p for p, _ in ordered)


def _country_entry(raw: Mapping[str, Any]) -> CountryEntry:
    iso3 = raw["iso3"]
    cap = raw.get("capital")
    capital = None if cap is None else PlaceEntry(
        cap["name"], "city", iso3, cap.get("geonameid"), cap.get("lat"), cap.get("lon"), iso3
    )
    return CountryEntry(
        iso3=iso3,
        iso2=raw["iso2"],
        name=raw["name"],
        aliases=tuple(raw.get("aliases", ())),
        demonyms=tuple(raw.get("demonyms", ())),
        geonameid=raw.get("geonameid"),
        lat=raw.get("lat"),
        lon=raw.get("lon"),
        capital=capital,
        continent=raw["continent"],
        neighbours=tuple(raw.get("neighbours", ())),
        population=int(raw.get("population") or 0),
    )


def _region_entry(raw: Mapping[str, Any]) -> RegionEntry:
    return RegionEntry(raw["name"], tuple(raw.get("aliases", ())), tuple(raw["countries"]),
                       float(raw["lat"]), float(raw["lon"]))


def _continent_place(raw: Mapping[str, Any]) -> tuple[PlaceEntry, tuple[str, ...]]:
    place = PlaceEntry(raw["name"], "continent", None, raw.get("geonameid"),
                       raw.get("lat"), raw.get("lon"))
    return place, tuple(raw.get("aliases", ()))
