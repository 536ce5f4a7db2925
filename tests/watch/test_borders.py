"""Border geometry: country shapes, land neighbours, the country at a point, km to borders."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import shapely

from eventwatch.kb import countries
from eventwatch.watch import borders

# (lat, lon) of places, from GeoNames.
KABUL = (34.52813, 69.17233)
HERAT = (34.34817, 62.19967)
PESHAWAR = (34.00837, 71.57849)
ISLAMABAD = (33.72148, 73.04329)
TEHRAN = (35.69439, 51.42151)
DUSHANBE = (38.53575, 68.77905)
TERMEZ = (37.22417, 67.27833)
PARIS = (48.85341, 2.3488)
STRASBOURG = (48.58392, 7.74553)
MASERU = (-29.31667, 27.48333)
PRISTINA = (42.67272, 21.16688)
HARGEISA = (9.56, 44.065)
CAYENNE = (4.93333, -52.33333)
LONGYEARBYEN = (78.2186, 15.64007)
GAZA = (31.50161, 34.46672)
JUBA = (4.85165, 31.58247)
# Chukotka, a few km either side of the antimeridian, where the map cuts Russia in two.
CHUKOTKA_WEST = (67.0, 179.95)
CHUKOTKA_EAST = (67.0, -179.95)

AT_SEA = [(30.0, -40.0), (0.0, 0.0), (-30.0, 90.0), (35.0, 18.0), (24.5, 66.6)]


def haversine_km(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = math.radians(lat1), np.radians(lat2)
    h = (np.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2)
    return 2 * borders.EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


def brute_force_border_km(lat: float, lon: float, iso3: str) -> float:
    """km to the nearest of the outline's points 0.005 degrees (about 0.5 km) apart."""
    dense = shapely.segmentize(borders.shape(iso3).boundary, 0.005)
    xy = shapely.get_coordinates(dense)
    return float(haversine_km(lat, lon, xy[:, 1], xy[:, 0]).min())


# --- country_at ---------------------------------------------------------------------------

@pytest.mark.parametrize("point, iso3", [
    (KABUL, "AFG"), (HERAT, "AFG"), (PESHAWAR, "PAK"), (ISLAMABAD, "PAK"), (TEHRAN, "IRN"),
    (DUSHANBE, "TJK"), (TERMEZ, "UZB"), (PARIS, "FRA"), (STRASBOURG, "FRA"),
    (MASERU, "LSO"),          # inside a hole of South Africa
    (PRISTINA, "XKX"),        # Kosovo: no ISO code in Natural Earth
    (HARGEISA, "SOM"),        # Somaliland is part of Somalia
    (CAYENNE, "GUF"),         # split out of France
    (LONGYEARBYEN, "SJM"),    # split out of Norway
    (GAZA, "PSE"), (JUBA, "SSD"),
    (CHUKOTKA_WEST, "RUS"), (CHUKOTKA_EAST, "RUS"),
    ((-89.9, 0.0), "ATA"),    # the pole, which the source's ring only implies
])
def test_country_at(point: tuple[float, float], iso3: str) -> None:
    assert borders.country_at(*point) == iso3


@pytest.mark.parametrize("point", AT_SEA)
def test_points_at_sea_are_in_no_country(point: tuple[float, float]) -> None:
    assert borders.country_at(*point) is None


def test_a_point_just_off_the_simplified_coast_belongs_to_the_nearest_country() -> None:
    off_beirut = (33.90, 35.45)   # about 1.8 km off Lebanon's simplified coast
    assert borders.country_at(*off_beirut, snap_km=0) is None
    assert 1.0 < borders.distance_to_country_km(*off_beirut, "LBN") < 3.0
    assert borders.country_at(*off_beirut) == "LBN"
    assert borders.country_at(33.90, 35.40) is None   # 6.4 km out: at sea


def test_longitude_wraps_and_latitude_is_checked() -> None:
    assert borders.country_at(KABUL[0], KABUL[1] + 360) == "AFG"
    with pytest.raises(ValueError, match="lat=91"):
        borders.country_at(91, 0)
    with pytest.raises(ValueError):
        borders.distance_to_border_km(float("nan"), 0, "AFG")


# --- neighbours ---------------------------------------------------------------------------

def test_neighbours_of_afghanistan() -> None:
    assert borders.neighbours("AFG") == frozenset({"CHN", "IRN", "PAK", "TJK", "TKM", "UZB"})


def test_neighbours_of_france_leave_out_its_overseas_parts() -> None:
    assert borders.neighbours("FRA") == frozenset(
        {"AND", "BEL", "CHE", "DEU", "ESP", "ITA", "LUX", "MCO"})
    assert borders.neighbours("GUF") == frozenset({"BRA", "SUR"})


@pytest.mark.parametrize("iso3", ["ISL", "JPN", "NZL", "MDG", "CYP", "SJM", "AUS"])
def test_islands_have_no_neighbours(iso3: str) -> None:
    assert borders.neighbours(iso3) == frozenset()


@pytest.mark.parametrize("iso3, expected", [
    ("XKX", {"ALB", "MKD", "MNE", "SRB"}),
    ("SRB", {"BGR", "BIH", "HRV", "HUN", "MKD", "MNE", "ROU", "XKX"}),  # not ALB (GeoNames has it)
    ("ISR", {"EGY", "JOR", "LBN", "PSE", "SYR"}),
    ("PSE", {"EGY", "ISR", "JOR"}),
    ("SSD", {"CAF", "COD", "ETH", "KEN", "SDN", "UGA"}),
    ("SOM", {"DJI", "ETH", "KEN"}),
    ("USA", {"CAN", "MEX"}),                                         # not CUB (Guantanamo)
    ("NOR", {"FIN", "RUS", "SWE"}),
    ("HTI", {"DOM"}),
])
def test_neighbours(iso3: str, expected: set[str]) -> None:
    assert borders.neighbours(iso3) == frozenset(expected)


def test_neighbours_are_symmetric() -> None:
    for a in borders.codes():
        for b in borders.neighbours(a):
            assert a in borders.neighbours(b), (a, b)


def test_neighbours_differ_from_geonames_only_where_the_file_says() -> None:
    kb = countries.load()
    geonames = {tuple(sorted((c.iso3, n))) for c in kb.countries() for n in c.neighbours}
    ours = {tuple(sorted((a, b))) for a in borders.codes() for b in borders.neighbours(a)}
    notes = borders.metadata()["neighbours"]
    assert ours - geonames == {tuple(p) for p in notes["geometry_only"]} == {("CHN", "HKG")}
    assert geonames - ours == {tuple(p) for p in notes["geonames_only"]} == {
        ("ALB", "SRB"), ("CUB", "USA")}


# --- distances ----------------------------------------------------------------------------

def test_peshawar_is_near_the_afghan_border_and_islamabad_farther() -> None:
    assert borders.distance_to_border_km(*PESHAWAR, "AFG") == pytest.approx(46.6, abs=2)
    assert borders.within_km_of_border(*PESHAWAR, "AFG", 50)
    assert borders.distance_to_border_km(*ISLAMABAD, "AFG") == pytest.approx(185, abs=2)
    assert not borders.within_km_of_border(*ISLAMABAD, "AFG", 100)


def test_tehran_is_in_a_neighbour_but_far_from_the_afghan_border() -> None:
    assert borders.country_at(*TEHRAN) in borders.neighbours("AFG")
    assert borders.distance_to_border_km(*TEHRAN, "AFG") == pytest.approx(845, abs=3)
    assert not borders.within_km_of_border(*TEHRAN, "AFG", 500)


def test_dushanbe_to_the_afghan_border() -> None:
    # The nearest stretch is the Panj river near Parkhar, 37.5 N.
    km = borders.distance_to_border_km(*DUSHANBE, "AFG")
    assert km == pytest.approx(124, abs=5)
    assert borders.distance_to_country_km(*DUSHANBE, "AFG") == km


def test_termez_is_on_the_amu_darya() -> None:
    assert borders.distance_to_border_km(*TERMEZ, "AFG") < 6
    assert borders.within_km_of_border(*TERMEZ, "AFG", 10)


def test_paris_to_germany() -> None:
    assert borders.distance_to_country_km(*PARIS, "DEU") == pytest.approx(298, abs=4)
    assert (borders.distance_to_border_km(*PARIS, "DEU")
            == borders.distance_to_country_km(*PARIS, "DEU"))
    assert borders.distance_to_border_km(*STRASBOURG, "DEU") < 5   # the Rhine


def test_inside_a_country_distance_to_it_is_zero_but_not_to_its_border() -> None:
    assert borders.distance_to_country_km(*KABUL, "AFG") == 0.0
    assert borders.distance_to_border_km(*KABUL, "AFG") == pytest.approx(85, abs=4)
    assert borders.distance_to_country_km(*PARIS, "FRA") == 0.0
    # Lesotho is a hole in South Africa: from Maseru both are close.
    assert borders.distance_to_country_km(*MASERU, "ZAF") < 5
    assert borders.distance_to_border_km(*MASERU, "LSO") < 5


def test_the_antimeridian_is_not_a_border() -> None:
    # Chukotka's outline crosses 180 degrees; the cut is not a border, so from either side the
    # nearest border is its coast, some 70 km away, not the cut a few km away.
    for point in (CHUKOTKA_WEST, CHUKOTKA_EAST):
        assert 50 < borders.distance_to_border_km(*point, "RUS") < 100


@pytest.mark.parametrize("point, iso3", [
    (PESHAWAR, "AFG"), (DUSHANBE, "AFG"), (TEHRAN, "AFG"), (KABUL, "AFG"), (PARIS, "DEU"),
    (PARIS, "CHE"), ((60.0, 100.0), "MNG"), ((-34.6, -58.4), "URY"), ((64.0, -150.0), "CAN"),
])
def test_distances_agree_with_brute_force(point: tuple[float, float], iso3: str) -> None:
    expected = brute_force_border_km(*point, iso3)
    assert borders.distance_to_border_km(*point, iso3) == pytest.approx(expected, abs=0.3)


# --- shapes and codes ---------------------------------------------------------------------

def test_shapes_are_valid_and_in_degrees() -> None:
    afg = borders.shape("AFG")
    assert afg.geom_type == "Polygon" and afg.is_valid
    west, south, east, north = afg.bounds
    assert (60.4 < west < 60.6 and 29.3 < south < 29.5 and 74.8 < east < 75.0
            and 38.4 < north < 38.6)
    for iso3 in borders.codes():
        geometry = borders.shape(iso3)
        assert geometry is None or (geometry.is_valid and not geometry.is_empty), iso3


def test_every_country_of_the_knowledge_base_is_known() -> None:
    assert {c.iso3 for c in countries.load().countries()} <= set(borders.codes())


def test_a_country_without_a_shape() -> None:
    # The source's quantization collapses the Vatican to a line: no shape, GeoNames' neighbour.
    assert borders.shape("VAT") is None
    assert borders.neighbours("VAT") == frozenset({"ITA"})
    assert borders.country_at(41.9029, 12.4534) == "ITA"
    with pytest.raises(ValueError, match="no shape for country code 'VAT'"):
        borders.distance_to_border_km(41.9, 12.45, "VAT")


def test_codes_are_case_insensitive() -> None:
    assert borders.neighbours("afg") == borders.neighbours("AFG")


@pytest.mark.parametrize("call", [
    lambda: borders.shape("XYZ"),
    lambda: borders.neighbours("XYZ"),
    lambda: borders.distance_to_country_km(*KABUL, "XYZ"),
    lambda: borders.distance_to_border_km(*KABUL, "XYZ"),
    lambda: borders.within_km_of_border(*KABUL, "XYZ", 10),
])
def test_unknown_codes_are_errors_naming_the_code(call) -> None:
    with pytest.raises(ValueError, match="unknown country code 'XYZ'"):
        call()


# --- the data file and its build ----------------------------------------------------------

def test_data_file_is_small_and_says_where_it_comes_from() -> None:
    assert borders.DATA.stat().st_size < 1_500_000
    meta = borders.metadata()
    assert meta["natural_earth_version"] == "4.1.0"
    assert meta["package"] == "world-atlas 2.0.2 (npm)"
    assert "public domain" in meta["licence"]
    assert meta["simplification"]["land_tolerance_degrees"] == 0.002
    assert meta["without_shape"] == ["VAT"]
    topology = json.loads(borders.DATA.read_text(encoding="utf-8"))
    assert topology["type"] == "Topology"


def test_shipped_data_matches_a_fresh_build() -> None:
    from eventwatch.kb import build_borders

    if not build_borders.DEFAULT_SOURCE.exists():
        pytest.skip("node_modules/world-atlas is not installed (scripts/web-assets.sh)")
    built = build_borders.to_json(build_borders.build())
    assert built == borders.DATA.read_text(encoding="utf-8"), (
        "data/borders.json is stale: run python -m eventwatch.kb.build_borders")
