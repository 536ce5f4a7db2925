"""Border geometry for watchlists: country shapes, land neighbours, distances to borders.

The shapes are Natural Earth's 1:10m countries, simplified, in ``kb/data/borders.json`` (a
TopoJSON file built by ``python -m eventwatch.kb.build_borders``; see ``kb/README.md``). The
file is read on first use, once per process (about 0.3 s); after that ``neighbours`` and
``country_at`` take microseconds to tens of them, the distance functions about 0.1-0.3 ms.

- ``shape(iso3)``: the country's shape (a shapely Polygon or MultiPolygon, lon/lat degrees).
- ``neighbours(iso3)``: the countries it shares a land border with. The build derives them from
  the shapes and reconciles them with GeoNames' lists (``countries.json``): two countries are
  neighbours when their shapes share a stretch of border; when they only touch at a point or
  come within about 1 km, only if GeoNames lists them too; GeoNames pairs whose shapes are
  apart are dropped (Serbia-Albania, through Kosovo; United States-Cuba, through Guantanamo).
- ``country_at(lat, lon)``: the country whose shape holds the point; a point off the shape but
  within ``COAST_SNAP_KM`` of one (a port, a beach the simplified coast cuts off) belongs to
  the nearest; farther out at sea, None.
- ``distance_to_country_km``, ``distance_to_border_km``, ``within_km_of_border``: kilometres
  to a country, or to its outline (land borders and coasts), from inside or out.

How kilometres are measured: on a sphere of radius 6371.0088 km (the mean Earth radius),
exactly: the distance from the point to each outline segment taken as a great-circle arc
(vectors on the unit sphere: the angle to the arc's great circle when the foot of the
perpendicular falls within the arc, else to the nearer end). Segments longer than 0.1 degrees
are split first, so that the arcs follow lines drawn straight in longitude and latitude (a
parallel, such as Egypt-Sudan along 22 N) to within a metre or so. Bounding boxes of groups
of segments rule most of them out, so a call measures only a few hundred. Against WGS84
geodesics a spherical distance is off by at most about 0.5 % (typically under 0.3 %). The
data's error is larger: land borders lie within about 0.5 km of Natural Earth's 1:10m lines,
coasts within about 2.5 km (see ``kb/README.md``). Where the map cuts the sphere (along the
antimeridian through Chukotka and Fiji, around the South Pole) there is no border, and the
outline leaves those cuts out.

Unknown codes raise ``ValueError`` naming the code. Codes are ISO 3166-1 alpha-3, with
Kosovo as ``XKX`` (as in ``countries.json``); lower case is accepted.
"""
from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..errors import KnowledgeError

DATA = Path(__file__).resolve().parents[1] / "kb" / "data" / "borders.json"

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
#: A point off every shape but this close to one belongs to the nearest (coasts are simplified
#: by up to about 2.2 km, and Natural Earth's 1:10m coast is itself a little off).
COAST_SNAP_KM = 5.0
#: Longer outline segments are split, so that great-circle arcs follow them.
_MAX_SEGMENT_DEG = 0.1
#: An outline of at most this many segments is searched whole; a longer one is grouped in
#: at most ``_MAX_GROUPS`` groups of at least ``_MIN_GROUP_SEGMENTS`` (see ``_Outline``).
_BRUTE_FORCE_SEGMENTS = 4096
_MAX_GROUPS = 256
_MIN_GROUP_SEGMENTS = 32


# --- public API ---------------------------------------------------------------------------


def shape(iso3: str) -> BaseGeometry | None:
    """The country's shape (a valid Polygon or MultiPolygon, x = longitude, y = latitude), or
    None for a known code the data has no shape for. Raises ValueError for an unknown code.

    The first call for a large country can take a tenth of a second: the quantized source
    has slivers where rings touch themselves or islands overlap, repaired here (and cached)
    rather than at load, since the other functions do not need it.
    """
    return _atlas().country(iso3).shape


def neighbours(iso3: str) -> frozenset[str]:
    """ISO3 codes of the countries sharing a land border with ``iso3`` (empty for islands).

    ``neighbours("AFG") == {"CHN", "IRN", "PAK", "TJK", "TKM", "UZB"}``. See the module
    docstring for how the shapes and GeoNames are reconciled. Raises ValueError for an
    unknown code.
    """
    return _atlas().country(iso3).neighbours


def country_at(lat: float, lon: float, *, snap_km: float = COAST_SNAP_KM) -> str | None:
    """ISO3 code of the country containing the point, else of the nearest one within
    ``snap_km`` km (coastal points just off the simplified shapes), else None (at sea).

    A point exactly on a border belongs to the first of the two countries by code.
    """
    lat, lon = _checked_point(lat, lon)
    atlas = _atlas()
    hits = atlas.parts_tree.query(shapely.Point(lon, lat))
    if len(hits):
        inside = shapely.intersects_xy(atlas.parts[hits], lon, lat)
        found = sorted({atlas.part_country[i] for i in hits[inside]})
        if found:
            return found[0]
    if snap_km <= 0:
        return None
    nearby = atlas.parts_tree.query(_window(lat, lon, snap_km))[1]
    best: tuple[float, str] | None = None
    for iso3 in sorted({atlas.part_country[i] for i in nearby}):
        km = atlas.country(iso3).outline.km(lat, lon, limit=snap_km)
        if km <= snap_km and (best is None or km < best[0]):
            best = (km, iso3)
    return best[1] if best else None


def distance_to_country_km(lat: float, lon: float, iso3: str) -> float:
    """0.0 for a point inside the country, else great-circle km to the nearest point of it."""
    lat, lon = _checked_point(lat, lon)
    country = _atlas().country(iso3).with_shape()
    if shapely.intersects_xy(country.raw, lon, lat):
        return 0.0
    return country.outline.km(lat, lon)


def distance_to_border_km(lat: float, lon: float, iso3: str) -> float:
    """Great-circle km from the point to the country's outline (land border or coast),
    whether the point is inside the country or outside it."""
    lat, lon = _checked_point(lat, lon)
    return _atlas().country(iso3).with_shape().outline.km(lat, lon)


def within_km_of_border(lat: float, lon: float, iso3: str, km: float) -> bool:
    """Whether the point is at most ``km`` km from the country's outline, inside or out."""
    lat, lon = _checked_point(lat, lon)
    return _atlas().country(iso3).with_shape().outline.km(lat, lon, limit=km) <= km


def codes() -> tuple[str, ...]:
    """Every country code the data knows, sorted."""
    return tuple(sorted(_atlas().countries))


def metadata() -> Mapping[str, Any]:
    """The data file's ``metadata``: source, version, licence, simplification, neighbour rule."""
    return _atlas().metadata


# --- TopoJSON -----------------------------------------------------------------------------


def decode_topology(topology: Mapping[str, Any]) -> dict[str, shapely.MultiPolygon | None]:
    """Shapes by ``id`` of the polygon geometries in ``objects.countries`` of a quantized
    TopoJSON topology (delta-encoded arcs; null geometries give None).

    The shapes are as drawn, not repaired (see ``repaired``): point-in-polygon tests and
    distances work on them as they are. Used by the runtime and by ``kb/build_borders.py``.
    """
    arcs = decode_arcs(topology)
    shapes: dict[str, BaseGeometry | None] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        if kind is None:
            shapes[geometry["id"]] = None
            continue
        polygons = geometry["arcs"] if kind == "MultiPolygon" else [geometry["arcs"]]
        parts = [p for p in (_polygon(arcs, rings) for rings in polygons) if p is not None]
        shapes[geometry["id"]] = shapely.MultiPolygon(parts) if parts else None
    return shapes


def decode_arcs(topology: Mapping[str, Any]) -> list[np.ndarray]:
    """The arcs of a quantized topology as (n, 2) float arrays of longitude, latitude."""
    raw = topology["arcs"]
    lengths = np.fromiter((len(a) for a in raw), dtype=np.int64, count=len(raw))
    flat = np.array([p for arc in raw for p in arc], dtype=np.float64).reshape(-1, 2)
    summed = np.cumsum(flat, axis=0)
    ends = np.cumsum(lengths)
    # Undo the running sum across arc boundaries: each arc's deltas start from zero.
    offsets = np.zeros((len(raw), 2))
    offsets[1:] = summed[ends[:-1] - 1]
    points = summed - np.repeat(offsets, lengths, axis=0)
    transform = topology["transform"]
    points *= transform["scale"]
    points += transform["translate"]
    return np.split(points, ends[:-1])


def _polygon(arcs: list[np.ndarray], rings: list[list[int]]) -> shapely.Polygon | None:
    """A polygon from its rings of arc indices; rings the quantization collapsed are left out."""
    shell = _ring(arcs, rings[0])
    if len(shell) < 4:
        return None
    holes = [xy for xy in (_ring(arcs, r) for r in rings[1:]) if len(xy) >= 4]
    return shapely.Polygon(shell, holes)


def _ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    """A ring's coordinates from its arc indices (``~i`` is arc ``i`` reversed)."""
    parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
    return _planar(np.concatenate([parts[0]] + [p[1:] for p in parts[1:]]))


def _planar(ring: np.ndarray) -> np.ndarray:
    """A spherical TopoJSON ring made fit for planar geometry.

    world-atlas writes a point on the antimeridian as longitude -180 or 180 whichever side
    the ring is on (Chukotka, Fiji): such points are put on the side of the ring's points
    around them. A ring that goes round a pole (Antarctica) crosses the antimeridian once;
    there it is closed along the antimeridian and the pole's parallel.
    """
    on_meridian = np.abs(ring[:, 0]) >= 180 - 1e-9
    if not on_meridian.any() or on_meridian.all():
        return ring
    xy = ring[:-1]
    start = int(np.argmin(on_meridian[:-1]))  # a point off the antimeridian
    xy = np.roll(xy, -start, axis=0)
    on = np.abs(xy[:, 0]) >= 180 - 1e-9
    pieces, i, n = [], 0, len(xy)
    crossings = []
    while i < n:
        if not on[i]:
            pieces.append(xy[i:i + 1])
            i += 1
            continue
        j = i
        while j < n and on[j]:
            j += 1
        before, after = np.sign(xy[i - 1, 0]), np.sign(xy[j % n, 0])
        run = xy[i:j].copy()
        if before == after:
            run[:, 0] = 180 * before
            pieces.append(run)
        else:
            pole = -90.0 if run[0, 1] < 0 else 90.0
            crossings.append(len(pieces))
            pieces.append(np.array([[180 * before, run[0, 1]], [180 * before, pole],
                                    [180 * after, pole], [180 * after, run[-1, 1]]]))
        i = j
    if len(crossings) % 2 == 0 and crossings:
        return ring  # crosses and comes back: not a ring around a pole; leave it be
    xy = np.concatenate(pieces)
    return np.concatenate([xy, xy[:1]])


def repaired(geometry: shapely.MultiPolygon) -> BaseGeometry:
    """The shape made valid, as a Polygon when it has one part.

    The source's quantization leaves rings that touch or cross themselves and islands that
    overlap another part, by a few hundred metres: each invalid polygon is made valid on its
    own (``make_valid``, "structure" method), then parts that still overlap are merged.
    """
    parts = np.array(shapely.get_parts(geometry), dtype=object)
    broken = ~shapely.is_valid(parts)
    if broken.any():
        fixed = shapely.make_valid(parts[broken], method="structure", keep_collapsed=False)
        parts = np.concatenate([parts[~broken], _polygons(fixed)])
    if not shapely.MultiPolygon(list(parts)).is_valid:
        parts = _merge_overlapping(parts)
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(list(parts))


def _polygons(geometries: np.ndarray) -> np.ndarray:
    """The polygons in the geometries (dropping lines and points a repair leaves)."""
    parts = shapely.get_parts(shapely.get_parts(geometries))
    return parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON]


def _merge_overlapping(parts: np.ndarray) -> np.ndarray:
    """The polygons, those sharing more than points merged into one."""
    tree = shapely.STRtree(parts)
    left, right = tree.query(parts, predicate="intersects")
    group = np.arange(len(parts))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for i, j in zip(left, right):
        # Interiors apart and boundaries meeting at points at most: a valid pair of parts.
        if i < j and not (shapely.relate_pattern(parts[i], parts[j], "F***0****")
                          or shapely.relate_pattern(parts[i], parts[j], "F***F****")):
            group[root(i)] = root(j)
    roots = np.array([root(i) for i in range(len(parts))])
    merged = [parts[roots == r] for r in np.unique(roots)]
    return _polygons(np.array([g[0] if len(g) == 1 else shapely.union_all(g) for g in merged],
                              dtype=object))


# --- the loaded data ----------------------------------------------------------------------


class _Outline:
    """A country's outline as short great-circle segments, for km from a point to the nearest.

    Each segment keeps, as unit vectors, its ends ``a`` and ``b``, its pole ``n`` (the unit
    normal of its great circle) and the poles ``n x a`` and ``b x n`` of the great circles
    through its ends square to it, so that a query is one matrix product and a few array
    operations. Segments are grouped (at most ``_MAX_GROUPS`` groups of consecutive segments,
    each with its longitude/latitude box); for a large outline a query bounds the distance to
    every group from below by its box, measures the closest few groups exactly, then only
    the groups whose bound is below that.
    """

    def __init__(self, geometry: BaseGeometry) -> None:
        segments = []
        for ring in shapely.get_rings(shapely.get_parts(geometry)):
            xy = shapely.get_coordinates(ring)
            seg = np.hstack([xy[:-1], xy[1:]])
            segments.append(_split_long(seg[~_is_cut(seg)]))
        seg = np.concatenate(segments) if segments else np.empty((0, 4))
        a = _unit_vectors(seg[:, 1], seg[:, 0])
        b = _unit_vectors(seg[:, 3], seg[:, 2])
        n = np.cross(a, b)
        norm = np.linalg.norm(n, axis=1)
        self.arc = norm > 0  # else a point: only its ends count
        n /= np.where(self.arc, norm, 1.0)[:, None]
        self.frames = np.stack([a, b, n, np.cross(n, a), np.cross(b, n)], axis=1)  # (k, 5, 3)
        self.size = max(_MIN_GROUP_SEGMENTS, -(-len(seg) // _MAX_GROUPS))
        self.starts = np.arange(0, len(seg), self.size)
        if len(seg):
            x = np.stack([seg[:, 0], seg[:, 2]]).reshape(2, -1)
            y = np.stack([seg[:, 1], seg[:, 3]]).reshape(2, -1)
            self.west = np.minimum.reduceat(x.min(0), self.starts)
            self.east = np.maximum.reduceat(x.max(0), self.starts)
            self.south = np.radians(np.minimum.reduceat(y.min(0), self.starts))
            self.north = np.radians(np.maximum.reduceat(y.max(0), self.starts))
            self.sin_south, self.cos_south = np.sin(self.south), np.cos(self.south)
            self.sin_north, self.cos_north = np.sin(self.north), np.cos(self.north)

    def km(self, lat: float, lon: float, limit: float = math.inf) -> float:
        """Great-circle km from the point to the nearest outline segment; inf when there is
        none within ``limit`` km."""
        if not len(self.frames):
            return math.inf
        p = _unit_vector(lat, lon)
        if len(self.frames) <= _BRUTE_FORCE_SEGMENTS:
            best = self._km(p, slice(None))
        else:
            closeness = self._box_closeness(lat, lon)
            if closeness.max() < _cos_km(limit):
                return math.inf
            best = self._km(p, self._rows(np.argpartition(closeness, -4)[-4:]))
            rest = np.flatnonzero(closeness > _cos_km(min(best, limit)))
            if len(rest):
                best = min(best, self._km(p, self._rows(rest)))
        return best if best <= limit else math.inf

    def _rows(self, groups: np.ndarray) -> np.ndarray:
        rows = (self.starts[groups][:, None] + np.arange(self.size)).ravel()
        return rows[rows < len(self.frames)]

    def _km(self, p: np.ndarray, rows: np.ndarray | slice) -> float:
        """Great-circle km from unit vector ``p`` to the nearest of the segments ``rows``."""
        pa, pb, pn, pna, pbn = (self.frames[rows] @ p).T
        # Within the arc, the distance is the angle to its great circle; else to an end
        # (by chord, 2 - 2 cos, which keeps small distances precise).
        within = self.arc[rows] & (pna >= 0) & (pbn >= 0)
        across = np.arcsin(np.minimum(1.0, np.abs(pn)))
        chord = np.sqrt(np.maximum(0.0, 2.0 - 2.0 * np.maximum(pa, pb)))
        ends = 2 * np.arcsin(np.minimum(1.0, chord / 2))
        return float(EARTH_RADIUS_KM * np.where(within, across, ends).min())

    def _box_closeness(self, lat: float, lon: float) -> np.ndarray:
        """For each group, the cosine of the angle to the nearest point of its box (a bound:
        no segment of the group is closer), a little generous for rounding.

        For a given latitude, distance grows with the longitude gap, so the nearest point of
        a box lies on its edge meridian nearest in longitude (the point's own meridian if the
        box spans it). Along a meridian, distance is least at the foot of the perpendicular
        from the point, else at the nearer end of the stretch: the closest of those three
        candidates is the answer. No box crosses the antimeridian (the data is cut there).
        """
        inside = (self.west <= lon) & (lon <= self.east)
        # Degrees east to the box's west edge, or west to its east edge, whichever is less.
        gap = np.minimum((self.west - lon) % 360, (lon - self.east) % 360)
        cos_gap = np.where(inside, 1.0, np.cos(np.radians(gap)))
        phi = math.radians(lat)
        sin_phi, cos_phi = math.sin(phi), math.cos(phi)
        foot = np.clip(np.arctan2(sin_phi, cos_phi * cos_gap), self.south, self.north)
        # The spherical law of cosines, for each candidate latitude.
        closeness = np.maximum.reduce([
            sin_phi * np.sin(foot) + cos_phi * np.cos(foot) * cos_gap,
            sin_phi * self.sin_south + cos_phi * self.cos_south * cos_gap,
            sin_phi * self.sin_north + cos_phi * self.cos_north * cos_gap])
        return closeness + 1e-12


@dataclass
class _Country:
    iso3: str
    name: str
    raw: shapely.MultiPolygon | None  # as drawn: maybe not valid
    neighbours: frozenset[str]

    @functools.cached_property
    def shape(self) -> BaseGeometry | None:
        return None if self.raw is None else repaired(self.raw)

    def with_shape(self) -> _Country:
        """Self, or ValueError when the data has no shape for this country."""
        if self.raw is None:
            raise ValueError(f"no shape for country code {self.iso3!r} in {DATA.name}; "
                             "rebuild it with python -m eventwatch.kb.build_borders")
        return self

    @functools.cached_property
    def outline(self) -> _Outline:
        return _Outline(self.with_shape().raw)


class _Atlas:
    """Every country of the data file, and an R-tree of their polygons."""

    def __init__(self, topology: Mapping[str, Any]) -> None:
        try:
            shapes = decode_topology(topology)
            geometries = topology["objects"]["countries"]["geometries"]
            self.metadata: Mapping[str, Any] = topology.get("metadata", {})
            self.countries = {
                g["id"]: _Country(g["id"], g["properties"]["name"], shapes[g["id"]],
                                  frozenset(g["properties"]["neighbours"]))
                for g in geometries}
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise KnowledgeError(f"{DATA.name} is malformed ({exc!r}); rebuild it with "
                                 "python -m eventwatch.kb.build_borders") from exc
        part_country, parts = [], []
        for iso3, country in sorted(self.countries.items()):
            if country.raw is not None:
                shapely.prepare(country.raw)
                for part in shapely.get_parts(country.raw):
                    parts.append(part)
                    part_country.append(iso3)
        self.parts = np.array(parts, dtype=object)
        self.part_country = part_country
        shapely.prepare(self.parts)
        self.parts_tree = shapely.STRtree(self.parts)

    def country(self, iso3: str) -> _Country:
        """The country with this code, or ValueError naming the code."""
        found = self.countries.get(iso3.strip().upper()) if isinstance(iso3, str) else None
        if found is None:
            raise ValueError(f"unknown country code {iso3!r}: expected an ISO 3166-1 alpha-3 "
                             "code such as 'AFG' (Kosovo is 'XKX')")
        return found


@functools.lru_cache(maxsize=1)
def _atlas() -> _Atlas:
    try:
        topology = json.loads(DATA.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KnowledgeError(f"cannot read {DATA} ({exc}); build it with "
                             "python -m eventwatch.kb.build_borders") from exc
    return _Atlas(topology)


# --- spherical geometry -------------------------------------------------------------------


def _checked_point(lat: float, lon: float) -> tuple[float, float]:
    """(lat, lon) as floats, longitude wrapped into [-180, 180); ValueError if impossible."""
    lat, lon = float(lat), float(lon)
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90:
        raise ValueError(f"not a point on Earth: lat={lat}, lon={lon} "
                         "(latitude must be in [-90, 90])")
    if not -180 <= lon < 180:
        lon = (lon + 180) % 360 - 180
    return lat, lon


def _is_cut(seg: np.ndarray) -> np.ndarray:
    """Segments along the antimeridian or a pole (where the map cuts the sphere: no border)."""
    on_antimeridian = (np.abs(seg[:, 0]) >= 180 - 1e-9) & (seg[:, 0] == seg[:, 2])
    at_pole = (np.abs(seg[:, 1]) >= 90 - 1e-9) & (seg[:, 1] == seg[:, 3])
    return on_antimeridian | at_pole


def _split_long(seg: np.ndarray) -> np.ndarray:
    """Segments split into pieces of at most ``_MAX_SEGMENT_DEG`` degrees."""
    lengths = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1])
    pieces = np.maximum(1, np.ceil(lengths / _MAX_SEGMENT_DEG).astype(np.int64))
    if (pieces == 1).all():
        return seg
    owner = np.repeat(np.arange(len(seg)), pieces)
    step = np.arange(len(owner)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    t0 = (step / pieces[owner])[:, None]
    t1 = ((step + 1) / pieces[owner])[:, None]
    a, b = seg[owner, :2], seg[owner, 2:]
    return np.hstack([a + (b - a) * t0, a + (b - a) * t1])


def _unit_vector(lat: float, lon: float) -> np.ndarray:
    """The point on the unit sphere."""
    phi, lam = math.radians(lat), math.radians(lon)
    return np.array([math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)])


def _cos_km(km: float) -> float:
    """The cosine of the angle ``km`` spans at the centre (-1 beyond the antipode)."""
    return math.cos(km / EARTH_RADIUS_KM) if km < math.pi * EARTH_RADIUS_KM else -1.0


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on the unit sphere, (n, 3)."""
    phi, lam = np.radians(lat), np.radians(lon)
    cos_phi = np.cos(phi)
    return np.stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)], axis=1)


def _window(lat: float, lon: float, km: float) -> np.ndarray:
    """Longitude/latitude boxes holding every point within ``km`` of the point on the sphere
    (two boxes when the window crosses the antimeridian)."""
    angle = km / EARTH_RADIUS_KM
    if not math.isfinite(angle) or angle >= math.pi:
        return np.array([shapely.box(-180, -90, 180, 90)])
    dlat = math.degrees(angle)
    south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    ratio = math.sin(angle) / math.cos(math.radians(lat)) if abs(lat) < 90 else 2.0
    if north >= 90 or south <= -90 or ratio >= 1 or angle >= math.pi / 2:
        return np.array([shapely.box(-180, south, 180, north)])
    dlon = math.degrees(math.asin(ratio))
    west, east = lon - dlon, lon + dlon
    boxes = [(max(west, -180.0), min(east, 180.0))]
    if west < -180:
        boxes.append((west + 360, 180.0))
    if east > 180:
        boxes.append((-180.0, east - 360))
    return shapely.box([b[0] for b in boxes], south, [b[1] for b in boxes], north)
