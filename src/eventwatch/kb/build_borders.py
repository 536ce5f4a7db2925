"""Build ``data/borders.json``: simplified country shapes with ISO3 codes and land neighbours.

Run ``python -m eventwatch.kb.build_borders [SOURCE]``; ``watch/borders.py`` reads the result.
No network access.

Source: Natural Earth's 1:10m "Admin 0 - Countries" (public domain,
https://www.naturalearthdata.com), version 4.1.0 as the npm package world-atlas 2.0.2
(https://github.com/topojson/world-atlas, ISC licence) packages it: ``countries-10m.json``, a
TopoJSON topology whose country ids are ISO 3166-1 numeric codes. SOURCE defaults to
``node_modules/world-atlas/countries-10m.json``, which ``scripts/web-assets.sh`` (``npm ci``)
installs from the version ``package.json`` pins. The 1:10m edition is used rather than the
1:50m the web map shows because its land borders are three times as detailed and it has every
ISO country (Gibraltar, Tuvalu and the US Minor Outlying Islands are missing at 1:50m).

Codes: the numeric ids become alpha-3 through pycountry. Natural Earth features with no ISO
code go to the country that holds them or are dropped (``UNCODED``: Kosovo becomes XKX,
Somaliland part of Somalia, Northern Cyprus part of Cyprus ...); the overseas parts ISO 3166-1
codes separately but Natural Earth draws inside their sovereign (French Guiana, Réunion,
Svalbard, Bonaire, Tokelau ...) are split off by bounding box (``SPLITS``). Parts merged into
one country are dissolved along their common border, in the topology.

Simplification, in the topology, so that neighbours keep exactly the same border: each arc (a
stretch of border between two junctions, or of coast) is simplified once with shapely's
topology-preserving Douglas-Peucker: ``LAND_TOLERANCE`` (0.002 degrees, about 0.2 km) for
arcs two countries share, ``COAST_TOLERANCE`` (0.02 degrees, about 2 km) for coasts, but at
most ``SMALL_SHAPE_FRACTION`` (5 %) of the size of the smallest polygon the arc bounds, so that
islands and microstates keep their shape; an island that would still collapse keeps all its
points. Kept points are points of the source, on its quantization grid (0.0036 x 0.0017
degrees), so nothing is rounded again. 477,000 points become 166,000; the file is 1.46 MB.

Neighbours: countries whose shapes share an arc share a stretch of land border; countries
whose shapes only touch at a point or come within ``NEAR_DEGREES`` (about 1 km) are
neighbours only when GeoNames (``countries.json``) lists them too; pairs GeoNames lists whose
shapes are farther apart are dropped. Both kinds of disagreement are printed to stderr and
listed in the file's ``metadata.neighbours``. Codes of ``countries.json`` with no shape get a
null geometry and GeoNames' neighbours.

The output is a TopoJSON topology (any TopoJSON reader opens it: topojson-client, GDAL,
geopandas): object ``countries`` has one geometry per country, ``id`` its ISO3 code and
``properties`` its ``name`` and ``neighbours``; ``metadata`` records source, version, licence
and simplification. It is deterministic for a given source file: one arc or country per line.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pycountry
import shapely

from ..watch.borders import DATA, decode_topology
from .countries import DATA as COUNTRIES_DATA

REPO = Path(__file__).resolve().parents[3]
DEFAULT_SOURCE = REPO / "node_modules" / "world-atlas" / "countries-10m.json"

#: Douglas-Peucker tolerances, degrees: arcs two countries share, and coasts.
LAND_TOLERANCE = 0.002
COAST_TOLERANCE = 0.02
#: ... but at most this fraction of the size (square root of the area) of the polygon.
SMALL_SHAPE_FRACTION = 0.05
#: Shapes this close (degrees) without sharing an arc are neighbours if GeoNames agrees.
NEAR_DEGREES = 0.01

Polygon = list[list[int]]  # rings of arc indices, the first the outer one

# --- curated knowledge ------------------------------------------------------------------

#: Natural Earth features without an ISO 3166-1 code: the country that holds them (by ISO
#: 3166-1 and news usage), or None to drop them (reefs several countries claim).
UNCODED: dict[str, str | None] = {
    "Kosovo": "XKX",
    "Somaliland": "SOM",
    "N. Cyprus": "CYP",
    "Cyprus U.N. Buffer Zone": "CYP",
    # The UK's sovereign base areas: news places them in Cyprus, and ISO 3166 codes no part
    # of the UK there.
    "Akrotiri": "CYP",
    "Dhekelia": "CYP",
    "USNB Guantanamo Bay": "CUB",        # leased to the US, Cuban territory
    "Baikonur": "KAZ",                   # leased to Russia, Kazakh territory
    "Siachen Glacier": "IND",            # held by India since 1984, claimed by Pakistan
    "Coral Sea Is.": "AUS",
    "Clipperton I.": "FRA",              # ISO 3166-2:FR codes it as part of France
    "Indian Ocean Ter.": "AUS",          # split into CXR and CCK below
    "Spratly Is.": None,
    "Scarborough Reef": None,
    "Bajo Nuevo Bank": None,
    "Serranilla Bank": None,
}

#: Overseas parts ISO 3166-1 codes separately that Natural Earth draws inside their
#: sovereign: sovereign -> [(code, (west, south, east, north))]. A polygon whose bounding
#: box's centre lies in a box goes to that code.
SPLITS: dict[str, list[tuple[str, tuple[float, float, float, float]]]] = {
    "FRA": [("GUF", (-55.0, 1.5, -51.0, 6.5)),
            ("GLP", (-62.0, 15.7, -60.9, 16.6)),
            ("MTQ", (-61.3, 14.3, -60.7, 14.95)),
            ("REU", (55.0, -21.5, 56.0, -20.7)),
            ("MYT", (44.9, -13.1, 45.4, -12.5))],
    "NOR": [("SJM", (10.0, 74.0, 35.0, 81.0)),       # Svalbard
            ("SJM", (-9.5, 70.5, -7.5, 71.5)),       # Jan Mayen
            ("BVT", (3.0, -54.7, 3.7, -54.2))],
    "NLD": [("BES", (-68.5, 11.9, -68.1, 12.4)),     # Bonaire
            ("BES", (-63.4, 17.3, -62.8, 17.8))],    # Sint Eustatius, Saba
    "NZL": [("TKL", (-172.7, -9.6, -171.0, -8.4))],
    "AUS": [("CXR", (105.4, -10.7, 105.8, -10.3)),
            ("CCK", (96.7, -12.3, 97.0, -11.7))],
}


# --- the build ----------------------------------------------------------------------------


def build(source: Path = DEFAULT_SOURCE) -> dict[str, Any]:
    """The borders topology built from world-atlas's ``countries-10m.json`` at ``source``."""
    topology = json.loads(Path(source).read_text(encoding="utf-8"))
    transform = topology["transform"]
    arcs = _integer_arcs(topology["arcs"])
    known = _known_countries()
    polygons = _country_polygons(topology["objects"]["countries"]["geometries"], arcs, transform)
    unknown = sorted(set(polygons) - set(known))
    if unknown:
        raise ValueError(f"codes not in countries.json: {', '.join(unknown)}")
    unsplit = sorted({code for parts in SPLITS.values() for code, _ in parts} - set(polygons))
    if unsplit:
        raise ValueError(f"SPLITS boxes hold no polygon for {', '.join(unsplit)}")
    polygons = {iso3: _dissolve(p, arcs) for iso3, p in sorted(polygons.items())}
    tolerances = _tolerances(polygons, arcs, transform)
    simplified = {a: _simplify(arcs[a], transform, t) for a, t in sorted(tolerances.items())}
    polygons = {iso3: kept for iso3, parts in polygons.items()
                if (kept := _with_area(parts, simplified))}
    out_arcs, polygons = _renumber(simplified, polygons)
    geometries = [
        {"type": "MultiPolygon", "id": iso3, "arcs": polygons[iso3]} if iso3 in polygons
        else {"type": None, "id": iso3}
        for iso3 in sorted(known)]
    result: dict[str, Any] = {
        "type": "Topology",
        "transform": transform,
        "arcs": [_delta(a).tolist() for a in out_arcs],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": geometries}},
    }
    neighbours, notes = _neighbours(result, known)
    for g in geometries:
        g["properties"] = {"name": known[g["id"]]["name"], "neighbours": neighbours[g["id"]]}
    without_shape = [g["id"] for g in geometries if g["type"] is None]
    result["metadata"] = _metadata(Path(source), transform, without_shape, notes)
    return result


def _integer_arcs(raw: list[list[list[int]]]) -> list[np.ndarray]:
    """The arcs as absolute quantized integer coordinates."""
    return [np.cumsum(np.asarray(a, dtype=np.int64), axis=0) for a in raw]


def _known_countries() -> dict[str, dict[str, Any]]:
    """The countries of ``countries.json`` by ISO3."""
    data = json.loads(COUNTRIES_DATA.read_text(encoding="utf-8"))
    return {c["iso3"]: c for c in data["countries"]}


def _country_polygons(features: Iterable[Mapping[str, Any]], arcs: list[np.ndarray],
                      transform: Mapping[str, Any]) -> dict[str, list[tuple[int, Polygon]]]:
    """Each ISO3 code's polygons (as arc-index rings, with the index of the feature they
    come from), after ``UNCODED`` and ``SPLITS``."""
    polygons: dict[str, list[tuple[int, Polygon]]] = defaultdict(list)
    for index, feature in enumerate(features):
        name = feature["properties"]["name"]
        if feature.get("id") is not None:
            iso3 = pycountry.countries.get(numeric=feature["id"]).alpha_3
        elif name in UNCODED:
            iso3 = UNCODED[name]
        else:
            raise ValueError(f"Natural Earth feature {name!r} has no ISO code: add it to UNCODED")
        if iso3 is None:
            continue
        parts = feature["arcs"] if feature["type"] == "MultiPolygon" else [feature["arcs"]]
        for polygon in parts:
            polygons[_split_code(iso3, polygon, arcs, transform)].append((index, polygon))
    return dict(polygons)


def _split_code(iso3: str, polygon: Polygon, arcs: list[np.ndarray],
                transform: Mapping[str, Any]) -> str:
    """The code a polygon of ``iso3`` belongs to: a ``SPLITS`` code when its box is there."""
    splits = SPLITS.get(iso3)
    if not splits:
        return iso3
    scale, translate = np.asarray(transform["scale"]), np.asarray(transform["translate"])
    points = np.concatenate([arcs[_undirected(a)] for a in polygon[0]])
    x, y = (points.min(axis=0) + points.max(axis=0)) / 2 * scale + translate
    for code, (west, south, east, north) in splits:
        if west <= x <= east and south <= y <= north:
            return code
    return iso3


def _dissolve(parts: list[tuple[int, Polygon]], arcs: list[np.ndarray]) -> list[Polygon]:
    """The polygons of one country, those of merged features joined along their borders.

    ``parts`` pairs each polygon with the index of its source feature. An arc polygons of two
    features use (once each way) lies between them: it is removed, and the other arcs of the
    polygons it touched are chained end to start into rings. Clockwise rings are outer rings
    (world-atlas winds them so), counter-clockwise ones holes of the outer ring that holds
    them (or outer rings after all, if none holds them).
    """
    features_using: dict[int, set[int]] = defaultdict(set)
    for feature, polygon in parts:
        for ring in polygon:
            for a in ring:
                features_using[_undirected(a)].add(feature)
    internal = {a for a, features in features_using.items() if len(features) > 1}
    if not internal:
        return [polygon for _, polygon in parts]
    touched = [p for _, p in parts if any(_undirected(a) in internal for r in p for a in r)]
    result = [p for _, p in parts if not any(_undirected(a) in internal for r in p for a in r)]
    kept = [a for polygon in touched for ring in polygon for a in ring
            if _undirected(a) not in internal]

    def ends(a: int) -> tuple[tuple[int, int], tuple[int, int]]:
        xy = arcs[a] if a >= 0 else arcs[~a][::-1]
        return (int(xy[0, 0]), int(xy[0, 1])), (int(xy[-1, 0]), int(xy[-1, 1]))

    starting: dict[tuple[int, int], list[int]] = defaultdict(list)
    for a in kept:
        starting[ends(a)[0]].append(a)
    unused = dict.fromkeys(kept)
    rings: list[list[int]] = []
    for first in kept:
        if first not in unused:
            continue
        del unused[first]
        ring, (origin, node) = [first], ends(first)
        while node != origin:
            step = next(a for a in starting[node] if a in unused)
            del unused[step]
            ring.append(step)
            node = ends(step)[1]
        rings.append(ring)
    coords = [_ring_xy(r, arcs) for r in rings]
    clockwise = [not shapely.is_ccw(shapely.linearrings(xy)) for xy in coords]
    shells = {i: shapely.polygons(coords[i]) for i, cw in enumerate(clockwise) if cw}
    holes: dict[int, list[list[int]]] = defaultdict(list)
    for i, cw in enumerate(clockwise):
        if cw:
            continue
        inside = shapely.points(coords[i][[0, len(coords[i]) // 2]])
        holder = next((k for k, shell in shells.items() if shell.covers(inside).all()), None)
        if holder is None:
            shells[i] = shapely.polygons(coords[i])
        else:
            holes[holder].append(rings[i])
    result.extend([rings[k], *holes[k]] for k in sorted(shells))
    return result


def _undirected(a: int) -> int:
    return a if a >= 0 else ~a


def _ring_xy(ring: list[int], arcs: Mapping[int, np.ndarray] | list[np.ndarray]) -> np.ndarray:
    parts = [arcs[a] if a >= 0 else arcs[~a][::-1] for a in ring]
    return np.concatenate([parts[0]] + [p[1:] for p in parts[1:]]).astype(np.float64)


def _arc_users(polygons: Mapping[str, list[Polygon]]) -> dict[int, set[str]]:
    """Which countries use each arc."""
    users: dict[int, set[str]] = defaultdict(set)
    for iso3, parts in polygons.items():
        for polygon in parts:
            for ring in polygon:
                for a in ring:
                    users[_undirected(a)].add(iso3)
    return users


def _tolerances(polygons: Mapping[str, list[Polygon]], arcs: list[np.ndarray],
                transform: Mapping[str, Any]) -> dict[int, float]:
    """Each arc's Douglas-Peucker tolerance, degrees: ``LAND_TOLERANCE`` for an arc two
    countries share, else ``COAST_TOLERANCE``, but never more than ``SMALL_SHAPE_FRACTION``
    of the size (square root of the area) of the smallest polygon the arc bounds."""
    scale, translate = np.asarray(transform["scale"]), np.asarray(transform["translate"])
    users = _arc_users(polygons)
    tolerance = {a: LAND_TOLERANCE if len(c) > 1 else COAST_TOLERANCE for a, c in users.items()}
    for parts in polygons.values():
        for polygon in parts:
            shell = _ring_xy(polygon[0], arcs) * scale + translate
            area = abs(shapely.area(shapely.polygons(shell))) if len(shell) > 3 else 0.0
            size = float(np.sqrt(area))
            for ring in polygon:
                for a in ring:
                    a = _undirected(a)
                    tolerance[a] = min(tolerance[a], SMALL_SHAPE_FRACTION * size)
    return tolerance


def _simplify(arc: np.ndarray, transform: Mapping[str, Any], tolerance: float) -> np.ndarray:
    """The arc (integer grid) simplified in degrees; a closed arc that would collapse keeps
    all its points. The kept points are points of the arc, so they map back exactly."""
    if len(arc) < 3 or tolerance <= 0:
        return arc
    scale, translate = np.asarray(transform["scale"]), np.asarray(transform["translate"])
    kept = shapely.get_coordinates(shapely.simplify(
        shapely.linestrings(arc * scale + translate), tolerance, preserve_topology=True))
    closed = bool((arc[0] == arc[-1]).all())
    if closed and (len(kept) < 4 or shapely.area(shapely.polygons(kept)) == 0):
        return arc
    return np.rint((kept - translate) / scale).astype(np.int64)


def _with_area(parts: list[Polygon], arcs: Mapping[int, np.ndarray]) -> list[Polygon]:
    """The polygons and holes whose rings enclose an area (the source's quantization
    collapsed a few islets, and the Vatican, to lines)."""
    def has_area(ring: list[int]) -> bool:
        xy = _ring_xy(ring, arcs)
        return len(xy) >= 4 and shapely.area(shapely.polygons(xy)) > 0

    return [[polygon[0], *filter(has_area, polygon[1:])] for polygon in parts
            if has_area(polygon[0])]


def _renumber(simplified: Mapping[int, np.ndarray], polygons: Mapping[str, list[Polygon]]
              ) -> tuple[list[np.ndarray], dict[str, list[Polygon]]]:
    """Arcs in order of first use (countries by code), and the polygons renumbered to them."""
    order: dict[int, int] = {}
    for iso3 in sorted(polygons):
        for polygon in polygons[iso3]:
            for ring in polygon:
                for a in ring:
                    order.setdefault(_undirected(a), len(order))
    renumbered = {
        iso3: [[[order[a] if a >= 0 else ~order[~a] for a in ring] for ring in polygon]
               for polygon in parts]
        for iso3, parts in polygons.items()}
    return [simplified[a] for a in sorted(order, key=order.__getitem__)], renumbered


def _delta(arc: np.ndarray) -> np.ndarray:
    """TopoJSON's delta encoding: the first point, then differences."""
    return np.diff(arc, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))


def _neighbours(topology: Mapping[str, Any], known: Mapping[str, Mapping[str, Any]]
                ) -> tuple[dict[str, list[str]], dict[str, list[list[str]]]]:
    """Each country's land neighbours by the module's rule, and where GeoNames disagrees."""
    geometries = topology["objects"]["countries"]["geometries"]
    sharing: set[tuple[str, str]] = set()
    users: dict[int, set[str]] = defaultdict(set)
    for g in geometries:
        for polygon in g.get("arcs", ()):
            for ring in polygon:
                for a in ring:
                    users[_undirected(a)].add(g["id"])
    for countries in users.values():
        sharing.update((a, b) for a in countries for b in countries if a < b)
    shapes = decode_topology(topology)
    codes = sorted(c for c, s in shapes.items() if s is not None)
    tree = shapely.STRtree([shapes[c] for c in codes])
    left, right = tree.query([shapes[c] for c in codes], predicate="dwithin", distance=NEAR_DEGREES)
    near = {(codes[i], codes[j]) for i, j in zip(left, right) if codes[i] < codes[j]}
    geonames = {tuple(sorted((c, n))) for c, rec in known.items() for n in rec["neighbours"]
                if n in known}
    with_shape = set(codes)
    pairs = sharing | (near & geonames)
    # Countries with no shape keep GeoNames' word.
    pairs |= {p for p in geonames if not set(p) <= with_shape}
    notes = {
        "geometry_only": sorted(list(p) for p in sharing - geonames),
        "geonames_only": sorted(list(p) for p in geonames - pairs),
        "touching_confirmed_by_geonames": sorted(list(p) for p in (near & geonames) - sharing),
    }
    for kind, listed in notes.items():
        for a, b in listed:
            print(f"build_borders: neighbours {kind}: {a}-{b}", file=sys.stderr)
    result: dict[str, list[str]] = {c: [] for c in known}
    for a, b in sorted(pairs):
        result[a].append(b)
        result[b].append(a)
    return {c: sorted(n) for c, n in result.items()}, notes


def _metadata(source: Path, transform: Mapping[str, Any], without_shape: list[str],
              notes: Mapping[str, Any]) -> dict[str, Any]:
    """Where the data comes from and how it was made, for the file's ``metadata``."""
    package = json.loads((source.parent / "package.json").read_text(encoding="utf-8"))
    readme = (source.parent / "README.md").read_text(encoding="utf-8")
    found = re.search(r"Natural Earth.{0,200}?version (\d+\.\d+\.\d+)", readme, re.S)
    return {
        "source": f"Natural Earth 1:10m Admin 0 - Countries, as world-atlas/{source.name}",
        "natural_earth_version": found.group(1) if found else "unknown",
        "package": f"{package['name']} {package['version']} (npm)",
        "licence": "Natural Earth: public domain (https://www.naturalearthdata.com); "
                   f"{package['name']} packaging: {package['license']}",
        "built_by": "python -m eventwatch.kb.build_borders",
        "simplification": {
            "method": "shapely.simplify(preserve_topology=True) per topology arc, in degrees",
            "land_tolerance_degrees": LAND_TOLERANCE,
            "coast_tolerance_degrees": COAST_TOLERANCE,
            "at_most_fraction_of_polygon_size": SMALL_SHAPE_FRACTION,
            "grid_degrees": transform["scale"],
        },
        "without_shape": without_shape,
        "neighbours": {
            "rule": "shapes share a border arc; or touch / come within "
                    f"{NEAR_DEGREES} degrees and GeoNames (countries.json) lists the pair; "
                    "countries without a shape keep GeoNames' list",
            **notes,
        },
    }


# --- output -------------------------------------------------------------------------------


def to_json(topology: Mapping[str, Any]) -> str:
    """The topology as text: sorted keys, one arc or country per line."""
    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    countries = topology["objects"]["countries"]
    lines = ["{", '"arcs":[']
    lines.append(",\n".join(dump(a) for a in topology["arcs"]))
    lines.append("],")
    lines.append(f'"metadata":{dump(topology["metadata"])},')
    lines.append('"objects":{"countries":{"geometries":[')
    lines.append(",\n".join(dump(g) for g in countries["geometries"]))
    lines.append(f'],"type":{dump(countries["type"])}}}}},')
    lines.append(f'"transform":{dump(topology["transform"])},')
    lines.append(f'"type":{dump(topology["type"])}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Build the borders file from SOURCE and write it to ``data/borders.json``."""
    parser = argparse.ArgumentParser(prog="python -m eventwatch.kb.build_borders",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE,
                        help="world-atlas countries-10m.json (default: %(default)s)")
    parser.add_argument("-o", "--output", type=Path, default=DATA, help="default: %(default)s")
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"build_borders: {args.source} is missing; run scripts/web-assets.sh "
              "(npm ci installs world-atlas)", file=sys.stderr)
        return 1
    text = to_json(build(args.source))
    args.output.write_text(text, encoding="utf-8")
    print(f"build_borders: wrote {args.output} ({len(text.encode()):,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
