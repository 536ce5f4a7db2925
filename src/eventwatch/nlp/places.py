"""The places stage: place-name mentions resolved to coordinates, country and kind.

Recognition: the NER's GPE, LOC and FAC mentions, demonyms and adjectives ("Afghan" ->
Afghanistan), and capitalised names the gazetteer knows as a country, a first-level division
or a sizeable city that the NER missed or mistyped.

Resolution: every name gets candidates from the country knowledge base (countries, capitals,
macro-regions, continents) and the gazetteer (cities, states, counties). Each candidate is
scored by its kind and population, by a qualifier written next to it ("Paris, Texas",
"Athens, Ga."), and by the rest of the article: the countries and first-level divisions its
unambiguous places lie in (the "focus"), and how close it lies to them. One name keeps one
sense per article. A name no source knows stays in the output with null coordinates.

Metonymy: a capital or a country used as the subject of a verb ("Washington is planning",
"Moscow said") stands for its government and is marked metonymic.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from ..document import Document, Place
from ..kb import countries, gazetteer
from ..pipeline import Stage, stage
from .spans import token_at
from .text import parse

#: AP-style and postal abbreviations of US states, as written after a city ("Athens, Ga.").
US_STATES = {
    "ala": "Alabama", "al": "Alabama", "alaska": "Alaska", "ak": "Alaska", "ariz": "Arizona", "az": "Arizona",
    "ark": "Arkansas", "ar": "Arkansas", "calif": "California", "cal": "California", "ca": "California",
    "colo": "Colorado", "co": "Colorado", "conn": "Connecticut", "ct": "Connecticut", "del": "Delaware",
    "de": "Delaware", "fla": "Florida", "fl": "Florida", "ga": "Georgia", "hawaii": "Hawaii", "hi": "Hawaii",
    "idaho": "Idaho", "id": "Idaho", "ill": "Illinois", "il": "Illinois", "ind": "Indiana", "in": "Indiana",
    "iowa": "Iowa", "ia": "Iowa", "kan": "Kansas", "kans": "Kansas", "ks": "Kansas", "ky": "Kentucky",
    "la": "Louisiana", "maine": "Maine", "me": "Maine", "md": "Maryland", "mass": "Massachusetts",
    "ma": "Massachusetts", "mich": "Michigan", "mi": "Michigan", "minn": "Minnesota", "mn": "Minnesota",
    "miss": "Mississippi", "ms": "Mississippi", "mo": "Missouri", "mont": "Montana", "mt": "Montana",
    "neb": "Nebraska", "nebr": "Nebraska", "ne": "Nebraska", "nev": "Nevada", "nv": "Nevada",
    "nh": "New Hampshire", "nj": "New Jersey", "nm": "New Mexico", "nmex": "New Mexico", "ny": "New York",
    "nc": "North Carolina", "nd": "North Dakota", "ohio": "Ohio", "oh": "Ohio", "okla": "Oklahoma",
    "ok": "Oklahoma", "ore": "Oregon", "or": "Oregon", "pa": "Pennsylvania", "penn": "Pennsylvania",
    "ri": "Rhode Island", "sc": "South Carolina", "sd": "South Dakota", "tenn": "Tennessee", "tn": "Tennessee",
    "tex": "Texas", "tx": "Texas", "utah": "Utah", "ut": "Utah", "vt": "Vermont", "va": "Virginia",
    "wash": "Washington", "wa": "Washington", "wva": "West Virginia", "wv": "West Virginia",
    "wis": "Wisconsin", "wisc": "Wisconsin", "wi": "Wisconsin", "wyo": "Wyoming", "wy": "Wyoming",
    "dc": "District of Columbia",
}
_KIND_PRIOR = {"continent": 6.0, "region": 5.5, "country": 5.0, "admin1": 5.0, "capital": 3.0,
               "admin2": 0.5, "city": 0.0}
#: Names of seas, rivers, mountains and roads: the towns named after them are other places.
_FEATURE = re.compile(r"(?i)\b(?:sea|ocean|river|mountains|valley|delta|desert|gulf|strait|canal|peninsula|"
                      r"basin|coast|creek|highlands|plateau|road|street|avenue|highway|route|interstate|bridge)$")
_DIRECTION = re.compile(r"^(?:(?:North|South|East|West|Northern|Southern|Eastern|Western|Central|Northeast|"
                        r"Northwest|Southeast|Southwest|North-?east|North-?west|South-?east|South-?west|"
                        r"Metropolitan|Metro|Greater|Upper|Lower|Downtown|Rural)(?:ern)?\s+)+")
_QUALIFIER = re.compile(r"\s*,\s*([A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})")


@dataclass
class Candidate:
    name: str
    kind: str
    country: str | None
    gid: int | None
    lat: float | None
    lon: float | None
    population: int
    admin1: int | None = None
    capital_of: str | None = None
    admin2: int | None = None
    #: Matched by an alternate name only ("Maryville" is also an old name of Beeville).
    alias: bool = False


class Resolver:
    """Candidates for place names, and their scores in the context of one article."""

    def __init__(self, kb: countries.CountryKB, gaz: gazetteer.Gazetteer | None) -> None:
        self.kb = kb
        self.gaz = gaz
        self._iso3 = {c.iso2: c.iso3 for c in kb.countries()}
        self._population = {c.iso3: c.population for c in kb.countries()}

    def candidates(self, name: str) -> list[Candidate]:
        name = re.sub(r"^(?:the|The)\s+", "", name.strip())
        if name in ("L.A.", "LA"):
            name = "Los Angeles"
        state = _state(name) if "." in name or name.isupper() else None
        if state:
            name = state  # "Ga.", "W.Va.", "S.C."
        found = self._candidates(name)
        if not found:
            # "Northeast Georgia", "North Texas", "Metropolitan Atlanta": the place named.
            rest = _DIRECTION.sub("", name)
            if rest != name and rest:
                found = self._candidates(rest)
        return found

    def _candidates(self, name: str) -> list[Candidate]:
        out: list[Candidate] = []
        key = countries.name_key(name)
        feature = bool(_FEATURE.search(name))  # "Lake Erie", "Black Sea": not the towns named so
        seen: set[int] = set()
        for entry in self.kb.lookup(name):
            kind = "capital" if entry.capital_of else entry.kind
            pop = self._population.get(entry.country or "", 0) if entry.kind == "country" else 0
            if entry.capital_of and self.gaz is not None:
                city = self.gaz.get(entry.geonameid) if entry.geonameid else None
                pop = city.population if city else 0
            out.append(Candidate(entry.name, kind, entry.country, entry.geonameid, entry.lat, entry.lon, pop,
                                 capital_of=entry.capital_of))
            if entry.geonameid:
                seen.add(entry.geonameid)
        if self.gaz is not None and not feature:
            for e in self.gaz.lookup(name):
                if e.gid in seen or (e.kind == "admin2" and countries.name_key(e.name) != key):
                    continue  # a county by its full name only: "Brown" is a surname before "Brown County"
                lat, lon = e.lat, e.lon
                if lat is None and e.admin1 is not None:
                    # A county with no city of 500 people listed in it: its state's point.
                    parent = self.gaz.get(e.admin1)
                    lat, lon = (parent.lat, parent.lon) if parent is not None else (None, None)
                if lat is None:
                    continue
                out.append(Candidate(e.name, e.kind, self._iso3.get(e.cc), e.gid, lat, lon, e.population,
                                     admin1=e.admin1 if e.kind != "admin1" else e.gid,
                                     admin2=e.gid if e.kind == "admin2" else e.admin2,
                                     alias=countries.name_key(e.name) != key))
        if re.search(r"(?i)\b(?:county|parish|borough)$", name):
            return [c for c in out if c.kind == "admin2"] or out
        # A division named after the city at its heart ("City of Kigali", Paris the département)
        # is that city by another name: keep the city.
        cities = [c for c in out if c.kind in ("city", "capital") and c.population >= 100_000]
        return [c for c in out if c.kind not in ("admin1", "admin2") or
                not any(t.country == c.country and _km(t, c) < 60 for t in cities)]

    def qualifier(self, text: str, end: int) -> list[Candidate] | None:
        """The states or countries a name written after another may be ("Paris, Texas",
        "Athens, Ga."); an abbreviation is an American state."""
        m = _QUALIFIER.match(text, end)
        if not m:
            return None
        words = m.group(1).split()
        for n in range(len(words), 0, -1):
            phrase = " ".join(words[:n])
            state = _state(phrase)
            found = [c for c in self.candidates(state or phrase) if c.kind in ("admin1", "country")]
            if state and "." in phrase or (state and phrase.isupper()):
                found = [c for c in found if c.kind == "admin1" and c.country == "USA"]
            if found:
                return found
        return None


def prior(c: Candidate) -> float:
    # A division's population is the sum of its towns': it counts half as much.
    weight = 0.3 if c.kind in ("admin1", "admin2") else 0.6
    return _KIND_PRIOR.get(c.kind, 0.0) + weight * math.log10(c.population + 1) - (1.5 if c.alias else 0.0)


def _km(a: Candidate, b: Candidate) -> float:
    if a.lat is None or b.lat is None:
        return 20000.0
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    candidates: list[Candidate]
    qualifier: list[Candidate] | None
    demonym: bool = False
    #: Found inside another kind of name ("University of Texas") or in a name the NER typed as
    #: a person or organisation: kept only if it resolves to a place the article supports.
    weak: bool = False


def resolve_all(mentions: list[_Mention]) -> list[tuple[Candidate | None, float]]:
    """The best candidate of every mention, and its score (0..1), in the article's context."""
    # The article's focus: the countries and first-level divisions of its confident places.
    countries_seen: Counter[str] = Counter()
    admin1_seen: Counter[int] = Counter()
    anchors: list[Candidate] = []
    for m in mentions:
        if not m.candidates:
            continue
        ranked = sorted(m.candidates, key=prior, reverse=True)
        if m.weak and not (ranked[0].kind in ("country", "admin1") and len(ranked) == 1 or
                           ranked[0].kind in ("country", "admin1") and prior(ranked[0]) - prior(ranked[1]) > 2.0):
            continue  # inside another name: only an unmistakable country or state sets the focus
        best = m.qualifier and next((c for c in ranked if _fits(c, m.qualifier)), None) or ranked[0]
        margin = prior(best) - (prior(ranked[1]) if len(ranked) > 1 and ranked[1] is not best else 0)
        # Confident: qualified, unambiguous, or well ahead; a country or state name counts
        # only when no other country, state or capital shares it ("Georgia").
        rivals = [c for c in ranked if c is not best and c.kind in ("country", "admin1", "capital")]
        if m.qualifier or len(ranked) == 1 or margin > 2.0 or (best.kind in ("country", "admin1") and not rivals):
            if best.country:
                countries_seen[best.country] += 1
            if best.admin1:
                admin1_seen[best.admin1] += 1
            for q in m.qualifier or ():
                if q.kind == "admin1" and _fits(best, [q]):
                    admin1_seen[q.gid] += 1
            if best.kind not in ("continent", "region", "country"):
                anchors.append(best)
    total = sum(countries_seen.values()) or 1
    total1 = sum(admin1_seen.values()) or 1

    support = _coherence(mentions)
    soft = _country_votes(mentions)

    def score(c: Candidate, m: _Mention) -> float:
        s = prior(c) + _COHERENCE_WEIGHT * support.get(id(c), 0.0)
        if m.qualifier is not None:
            s += 8.0 if _fits(c, m.qualifier) else -4.0
        if c.country:
            s += 4.0 * countries_seen[c.country] / total + _VOTE_WEIGHT * soft.get(c.country, 0.0)
        if c.admin1 and c.kind != "admin1":
            s += 5.0 * admin1_seen[c.admin1] / total1
        if c.kind in ("city", "admin2"):
            near = min((_km(c, a) for a in anchors if a is not c), default=20000.0)
            s += 2.0 if near < 100 else 1.0 if near < 400 else 0.0
        return s

    # One sense per article: a name's mentions pool their evidence.
    by_name: dict[str, list[_Mention]] = defaultdict(list)
    for m in mentions:
        by_name[m.text.lower()].append(m)
    chosen: dict[str, tuple[Candidate | None, float]] = {}
    for key, group in by_name.items():
        totals: dict[int, float] = defaultdict(float)
        cands: dict[int, Candidate] = {}
        for m in group:
            for c in m.candidates:
                totals[id_of(c)] = max(totals[id_of(c)], score(c, m))
                cands[id_of(c)] = c
        if not totals:
            chosen[key] = (None, 0.0)
            continue
        ranked = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)
        best_id, best_score = ranked[0]
        runner = ranked[1][1] if len(ranked) > 1 else best_score - 6.0
        confidence = 1 / (1 + math.exp(-(best_score - runner) / 2))
        chosen[key] = (cands[best_id], round(confidence, 3))

    def supported(c: Candidate, m: _Mention) -> bool:
        if m.text.isupper() and len(m.text.replace(".", "")) <= 5:
            return c.kind in ("country", "region", "admin1")  # "KBR", "DAC": acronyms of organisations
        if c.kind in ("country", "admin1", "admin2", "region", "continent", "capital"):
            return True
        # A town inside an organisation's name must lie in the article's state or near its places.
        return bool(c.admin1 and admin1_seen[c.admin1]) or support.get(id(c), 0.0) >= 1.0 or \
            (c.population >= 30_000 and soft.get(c.country or "", 0.0) >= 0.5)

    out = []
    for m in mentions:
        best, confidence = chosen[m.text.lower()]
        if m.weak and (best is None or not supported(best, m)):
            best, confidence = None, -1.0  # not a place after all
        out.append((best, confidence))
    return out


#: How much each other name of the article that lies near a candidate adds to its score.
_COHERENCE_WEIGHT = 1.5
#: Support beyond this many names adds nothing: a cluster must not outvote a country's name.
_COHERENCE_CAP = 2.5
_COUNTY_WEIGHT = 3.0
#: A candidate lends support to other names' candidates only within this much of its name's
#: most likely sense (by prior).
_SUPPORT_MARGIN = 6.0
#: Candidates per name the coherence is computed over (the most likely by prior).
_COHERENCE_CANDIDATES = 25


def _coherence(mentions: list[_Mention]) -> dict[int, float]:
    """For each candidate: how many of the article's other names can lie near it (within 100
    km or in the same first-level division: 1; within 300 km: 0.5), each counted once. The
    towns of one local story cluster together; a namesake abroad stands alone."""
    groups: dict[str, list[Candidate]] = {}
    for m in mentions:
        if m.demonym or not m.candidates:
            continue
        key = m.text.lower()
        if key not in groups:
            ranked = sorted(m.candidates, key=prior, reverse=True)[:_COHERENCE_CANDIDATES]
            groups[key] = [c for c in ranked if c.kind not in ("region", "continent") and c.lat is not None]
    flat = [(g, c) for g, (_, cands) in enumerate(groups.items()) for c in cands]
    if len(groups) < 2 or not flat:
        return {}
    gi = np.array([g for g, _ in flat])
    lat = np.radians([c.lat for _, c in flat])
    lon = np.radians([c.lon for _, c in flat])
    a1 = np.array([c.admin1 or -1 for _, c in flat])
    h = np.sin((lat[:, None] - lat[None, :]) / 2) ** 2 + \
        np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin((lon[:, None] - lon[None, :]) / 2) ** 2
    km = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    w = np.where(km < 100, 1.0, np.where(km < 300, 0.5, 0.0))
    w = np.maximum(w, ((a1[:, None] == a1[None, :]) & (a1[:, None] >= 0)).astype(float))
    # A town in a county the article names (Paris in Edgar County, Illinois) counts more.
    a2 = np.array([c.admin2 or -1 for _, c in flat])
    w = np.maximum(w, _COUNTY_WEIGHT * ((a2[:, None] == a2[None, :]) & (a2[:, None] >= 0)))
    # A country is near whatever lies in it (and only that: its point says little).
    country = np.array([c.kind == "country" for _, c in flat])
    iso = np.array([c.country or "" for _, c in flat])
    same = (iso[:, None] == iso[None, :]) & (iso[:, None] != "")
    either = country[:, None] | country[None, :]
    w = np.where(either, same.astype(float), w)
    w[gi[:, None] == gi[None, :]] = 0.0
    # A name lends support only through the senses it plausibly has: "Brazil" next to "Geneva"
    # is the country, not the town in Indiana that would put Geneva there too.
    pri = np.array([prior(c) for _, c in flat])
    best = np.array([max((prior(c) for c in cands), default=0.0) for cands in groups.values()])
    lends = pri >= best[gi] - _SUPPORT_MARGIN
    support = np.zeros(len(flat))
    for g in range(len(groups)):
        cols = (gi == g) & lends
        if cols.any():
            support += w[:, cols].max(axis=1)
    return {id(c): min(float(v), _COHERENCE_CAP) for (_, c), v in zip(flat, support)}


_VOTE_WEIGHT = 4.0
_VOTE_TEMPERATURE = 2.0


def _country_votes(mentions: list[_Mention]) -> dict[str, float]:
    """The share of the article's names that each country could hold: every name spreads one
    vote over the countries of its candidates, by their priors. Names of a local story in
    Ohio ("Dublin", "Columbus", "Franklin County") all have American readings."""
    votes: Counter[str] = Counter()
    seen: set[str] = set()
    for m in mentions:
        key = m.text.lower()
        if key in seen or not m.candidates:
            continue
        seen.add(key)
        weights: dict[str, float] = defaultdict(float)
        for c in m.candidates:
            if c.country:
                weights[c.country] = max(weights[c.country], math.exp(prior(c) / _VOTE_TEMPERATURE))
        total = sum(weights.values())
        for country, w in weights.items():
            votes[country] += w / total
    n = len(seen) or 1
    return {k: v / n for k, v in votes.items()}


def id_of(c: Candidate) -> int:
    return c.gid if c.gid is not None else hash((c.name, c.kind))


def _fits(c: Candidate, qualifiers: list[Candidate]) -> bool:
    """Whether a candidate lies in one of the states or countries written after it."""
    for q in qualifiers:
        if q.kind == "admin1" and c.admin1 == q.gid and c.kind != "admin1":
            return True
        if q.kind == "country" and c.country == q.country and c.kind != "country":
            return True
    return False


@stage("places", requires=("parse", "entities"), assigns=("places",))
class PlacesStage(Stage):
    def __init__(self, config) -> None:
        super().__init__(config)
        self.kb = countries.load()
        self.resolver = Resolver(self.kb, gazetteer.load())

    def __call__(self, doc: Document) -> Document:
        sdoc = parse(doc)
        mentions: list[_Mention] = []
        for ent in doc.entities:
            for m in ent.mentions:
                if m.kind != "name":
                    continue
                if ent.type == "NORP":
                    demonym = self._demonym(m.start, m.end, m.text)
                    if demonym is not None:
                        mentions.append(demonym)
                    continue
                if ent.type in ("GPE", "LOC"):
                    mentions.extend(self._names(doc.text, m.start, m.end))
                elif ent.type in ("ORG", "FAC", "MISC", "EVENT", "WORK_OF_ART"):
                    mentions.extend(self._inside(doc.text, m.start, m.end, ent.type))
                elif ent.type == "PERSON" and all(len(x.text.split()) <= len(m.text.split()) for x in ent.mentions):
                    # A "person" never named in full may be a place the NER mistook ("Gainesville");
                    # "Lincoln" after "Abraham Lincoln" is not.
                    mentions.extend(self._inside(doc.text, m.start, m.end, ent.type))
        mentions.extend(self._dateline(doc.text))
        mentions.extend(self._unrecognised(doc, sdoc, mentions))
        strong = [(m.start, m.end) for m in mentions if not m.weak]
        mentions = [m for m in mentions if not m.weak or not any(s < m.end and m.start < e for s, e in strong)]
        mentions.sort(key=lambda m: (m.start, m.end))
        mentions = [m for i, m in enumerate(mentions) if i == 0 or m.start >= mentions[i - 1].end]
        places = []
        for m, (best, confidence) in zip(mentions, resolve_all(mentions)):
            if confidence < 0:
                continue
            place = Place.of(doc.text, m.start, m.end, name=m.text)
            acts = not m.demonym and _acts(sdoc, m.start, m.end)
            if acts and best is not None and best.kind == "admin1":
                # "Washington is planning": a state's name that acts is the capital it also names.
                best = next((c for c in m.candidates if c.kind == "capital"), best)
            if best is not None:
                place.name, place.kind, place.country = best.name, _kind(best), best.country
                place.geonameid, place.lat, place.lon = best.gid, best.lat, best.lon
                place.score = round(0.6 if m.demonym else confidence, 3)
                place.metonymic = acts and (best.capital_of is not None or best.kind == "country")
            places.append(place)
        doc.places = places
        doc.work["focus"] = _focus(places)
        return doc

    def _demonym(self, start: int, end: int, text: str, weak: bool = False) -> _Mention | None:
        """A demonym or adjective ("Afghan", "American") as a mention of its country."""
        iso3 = self.kb.demonym(text)
        country = self.kb.country(iso3) if iso3 else None
        if country is None:
            return None
        c = country.place
        return _Mention(start, end, text, [Candidate(c.name, "country", iso3, c.geonameid, c.lat, c.lon,
                                                     country.population)], None, True, weak)

    def _dateline(self, text: str) -> list[_Mention]:
        """The place of a dateline ("COLUMBIA, S.C. --", "BEIRUT (AP) --"), which the NER misses
        in capitals."""
        m = _DATELINE.match(text)
        if not m:
            return []
        name = m.group(1).strip()
        cands = self.resolver.candidates(name.title())
        if not cands:
            return []
        return [_Mention(m.start(1), m.start(1) + len(name), name, cands, self.resolver.qualifier(text, m.start(1) + len(name)))]

    def _unrecognised(self, doc: Document, sdoc, found: list[_Mention]) -> list[_Mention]:
        """Capitalised names no entity covers that the gazetteer knows: kept only when the
        article supports them (weak), since most such words are not places."""
        covered = [(m.start, m.end) for ent in doc.entities for m in ent.mentions] + [(m.start, m.end) for m in found]
        out = []
        for run in _CAPITALISED.finditer(doc.text):
            s, e = run.start(), run.end()
            if any(a < e and s < b for a, b in covered):
                continue
            name = _bare(run.group(0))
            if len(name) < 4 or name.lower() in _GENERIC or name.isupper():
                continue
            tok = token_at(sdoc, s)
            if tok is None or tok.is_sent_start or tok.pos_ not in ("PROPN",):
                continue
            cands = [c for c in self.resolver.candidates(name) if c.kind != "country"]
            if cands:
                out.append(_Mention(s, s + len(name), name, cands, self.resolver.qualifier(doc.text, s + len(name)),
                                    weak=True))
        return out

    def _names(self, text: str, start: int, end: int) -> list[_Mention]:
        """A GPE/LOC span as place mentions: "Atlanta, Georgia" is two, the first qualified."""
        out = []
        for part in _COMMA_PART.finditer(text, start, end):
            s, e = part.span()
            qualifier = self.resolver.qualifier(text, e)
            cands = self.resolver.candidates(text[s:e])
            if not cands and not _FEATURE.search(text[s:e]):
                # "Henderson County Jail", "Port of Los Angeles": the place inside, if any.
                inner = self._inside(text, s, e, "FAC")
                if inner:
                    for m in inner:
                        m.weak = False
                    out.extend(inner)
                    continue
            out.append(_Mention(s, e, text[s:e], cands, qualifier))
        return out

    def _inside(self, text: str, start: int, end: int, etype: str) -> list[_Mention]:
        """Place names a non-place entity is, or contains: a name the NER mistyped ("Gainesville"
        as a person), or one inside an organisation's ("Laurel County Sheriff's Office")."""
        span = text[start:end]
        demonym = self._demonym(start, end, span, weak=True)
        if demonym is not None:
            return [demonym]
        whole = self.resolver.candidates(span) if span.lower() not in _GENERIC else []
        if whole:
            return [_Mention(start, end, span, whole, self.resolver.qualifier(text, end), weak=True)]
        if etype == "PERSON":
            return []
        out = []
        for run in _CAPITALISED.finditer(span):
            words = list(re.finditer(r"\S+", run.group(0)))
            i = 0
            while i < len(words):
                for j in range(min(len(words), i + 3), i, -1):
                    s, e = start + run.start() + words[i].start(), start + run.start() + words[j - 1].end()
                    name = _bare(text[s:e])
                    e = s + len(name)
                    if j == i + 1 and name:
                        demonym = self._demonym(s, e, name, weak=True)  # "American" in "American Legion"
                        if demonym is not None:
                            out.append(demonym)
                            i = j
                            break
                    cands = self.resolver.candidates(name) if name and name.lower() not in _GENERIC else []
                    if cands:
                        out.append(_Mention(s, e, name, cands, None, weak=True))
                        i = j
                        break
                else:
                    i += 1
        return out


#: Capitalised words inside names that are also the names of small places ("Center", Texas).
_GENERIC = {"center", "centre", "central", "city", "town", "village", "county", "state", "region", "district",
            "day", "act", "north", "south", "east", "west", "northern", "southern", "eastern", "western",
            "national", "federal", "union", "united", "independence", "liberty", "justice", "victory", "unity",
            "progress", "commerce", "enterprise", "industry", "market", "refuge", "hope", "faith", "friendship",
            "harmony", "paradise", "eden", "home", "energy", "freedom", "general", "royal", "mission", "trinity",
            "providence", "temple", "university", "college", "school", "church", "park", "lake", "river", "bay",
            "beach", "island", "springs", "valley", "hill", "hills", "mountain", "forest", "garden", "gardens",
            "plaza", "square", "tower", "bridge", "station", "post", "office", "house", "hall", "court", "fort",
            "media", "jesus", "christ", "god", "saint", "st", "mount", "new", "old", "great", "little", "big",
            "republic", "democratic", "kingdom", "people", "peoples", "ever", "photo", "ski", "hospital", "inc",
            "corp", "company", "airport", "law", "area", "ridge", "the", "a", "an", "of", "and", "department",
            "police", "fire", "board", "council", "committee", "club", "league", "bank", "group", "news",
            "war", "marine", "congress", "superior", "christmas", "easter", "english", "senate", "house",
            "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_COMMA_PART = re.compile(r"[^,\s](?:[^,]*[^,\s])?")
_DATELINE = re.compile(r"\s*([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3})(?=,| \(| ?[-—–]{1,2} )")
_CAPITALISED = re.compile(r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*")


def _state(name: str) -> str | None:
    """The US state an abbreviation stands for ("Ga." -> Georgia, "W. Va." -> West Virginia)."""
    return US_STATES.get(name.lower().replace(".", "").replace(" ", ""))


def _bare(name: str) -> str:
    """A name without a trailing possessive or punctuation ("Gainesville’s" -> "Gainesville")."""
    return re.sub(r"(?:['’]s?|[.,])+$", "", name)


def _kind(c: Candidate) -> str:
    return {"capital": "city"}.get(c.kind, c.kind)


def _focus(places: list[Place]) -> Place | None:
    """The article's focus: its most mentioned resolved place, the most specific on a tie."""
    resolved = [p for p in places if p.lat is not None and not p.metonymic]
    if not resolved:
        return None
    counts = Counter(p.geonameid or p.name for p in resolved)
    rank = {"city": 0, "admin2": 1, "admin1": 2, "country": 3, "region": 4, "continent": 5}
    return min(resolved, key=lambda p: (-counts[p.geonameid or p.name], rank.get(p.kind, 6), p.start))


def _acts(sdoc, start: int, end: int) -> bool:
    """Whether the name at ``start..end`` is the subject of a verb (an actor, not a location)."""
    tok = token_at(sdoc, end - 1)
    while tok is not None and tok.dep_ == "compound":
        tok = tok.head
    return tok is not None and tok.dep_ in ("nsubj", "nsubjpass") and tok.head.pos_ in ("VERB", "AUX")
