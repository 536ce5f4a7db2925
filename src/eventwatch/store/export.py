"""Writing event rows (``Store.query_events``) out: CSV, JSON Lines, JSON, GeoJSON, Parquet,
GDELT-style TSV, or a table for the terminal. Every format streams: rows are written as they
come, so exports of any size run in little memory.

``write_events(rows, fmt, out)``: `out` is a path, or a stream — text or binary for the text
formats, binary for Parquet (which also takes a path). Returns the number of rows written.

Formats
-------
- ``csv``: a header of `EXPORT_COLUMNS` (plus any extra keys of the first row, such as
  ``distance_km``), dates in ISO 8601, lists and objects (quantities, context) as JSON.
- ``jsonl``: one JSON object per event; ``json``: a JSON array of them.
- ``geojson``: a FeatureCollection of Point features (``[lon, lat]``) whose properties are the
  event's other fields; events without coordinates are left out.
- ``parquet``: typed columns (strings; float64 lat/lon/confidence; date32 day/published; int64
  ids, offsets and geonameid; UTC timestamps), written in row groups of `PARQUET_ROW_GROUP`.
- ``table``: fixed-width columns (day, type, source, target, location, trigger) for terminals.
- ``gdelt``: tab-separated, with a header row, in the 61 columns of the GDELT 2.0 event table
  (in GDELT's order, so positional GDELT readers work too). The mapping:

  ============================  ==========================================================
  GLOBALEVENTID                 the event's database id
  SQLDATE, MonthYear, Year      the event's first day (``day``; the article's publication
                                date when the event has none): YYYYMMDD, YYYYMM, YYYY
  FractionDate                  YYYY.FFFF, FFFF = (month * 30 + day) / 365 as in GDELT
  Actor1Code                    source country + sector ("RUSGOV"), CAMEO style
  Actor1Name                    the source actor's name, upper case
  Actor1CountryCode             the source's country (ISO 3166-1 alpha-3 or a PLOVER code)
  Actor1Type1Code               the source's PLOVER sector (GOV, MIL, REB, CVL, ...)
  Actor2*                       the same for the target
  IsRootEvent                   1 when the event is in the article's first sentence, else 0
  EventCode, EventBaseCode,     the event's CAMEO root code (two digits: ``cameo``)
  EventRootCode
  QuadClass                     from the CAMEO root: 01-05 verbal cooperation = 1, 06-08
                                material cooperation = 2, 09-13 verbal conflict = 3, 14-20
                                material conflict = 4
  NumMentions, NumSources,      1 (one event of one article)
  NumArticles
  ActionGeo_Type                1 country, 5 first-level division (2 in the US), 4 city or
                                other place (3 in the US); empty for continents, regions and
                                places of unknown kind
  ActionGeo_FullName            the location's name
  ActionGeo_CountryCode         the location's country: ISO 3166-1 alpha-3, *not* GDELT's
                                FIPS 10-4 codes
  ActionGeo_Lat, ActionGeo_Long the location's coordinates
  ActionGeo_FeatureID           the location's GeoNames id (GDELT uses GNS ids)
  DATEADDED                     when the article was stored, YYYYMMDDHHMMSS (UTC)
  SOURCEURL                     the article's URL
  ============================  ==========================================================

  Left empty: the Known-group, ethnic, religion and secondary type codes of the actors,
  GoldsteinScale, AvgTone, and the actors' own geography (Actor1Geo_*, Actor2Geo_*).
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

FORMATS = ("csv", "jsonl", "json", "geojson", "parquet", "gdelt", "table")
PARQUET_ROW_GROUP = 10_000

#: The columns of CSV and Parquet exports, in order.
EXPORT_COLUMNS = (
    "id", "article_id", "local_id", "day", "date", "date_from", "type", "mode", "status",
    "source_name", "source_country", "source_sector", "target_name", "target_country",
    "target_sector", "location_name", "location_country", "location_kind", "lat", "lon",
    "geonameid", "trigger_text", "trigger_start", "trigger_end", "sentence_start",
    "sentence_end", "quantities", "context", "cameo", "confidence", "url", "title", "published",
    "article_source", "ingested_at",
)

GDELT_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)

#: Fixed-width terminal table: (column title, row key or function, width).
TABLE_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("day", "day", 10), ("type", "type", 9), ("source", "source", 22), ("target", "target", 22),
    ("location", "location", 20), ("trigger", "trigger_text", 24),
)


# --------------------------------------------------------------------------- helpers


def _scalar(value: Any) -> Any:
    """A JSON-ready value: dates and datetimes in ISO 8601."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    try:  # Decimal and other numbers
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def _cell(value: Any) -> str:
    """A CSV/TSV cell: empty for None, ISO dates, JSON for lists and objects."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict, tuple)):
        return _dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, str) and value:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    return None


@contextlib.contextmanager
def _text_out(out: Any, newline: str | None = None) -> Iterator[IO[str]]:
    """A text stream on `out`: a path (opened and closed here), a text or a binary stream."""
    if isinstance(out, (str, os.PathLike)):
        with open(out, "w", encoding="utf-8", newline=newline) as fh:
            yield fh
        return
    if isinstance(out, io.TextIOBase) or (hasattr(out, "write") and hasattr(out, "encoding")
                                           and not isinstance(out, (io.RawIOBase, io.BufferedIOBase))):
        yield out
        out.flush()
        return
    wrapper = io.TextIOWrapper(out, encoding="utf-8", newline=newline, write_through=True)
    try:
        yield wrapper
        wrapper.flush()
    finally:
        wrapper.detach()  # leave the caller's binary stream open


# --------------------------------------------------------------------------- formats


def _columns(first: dict[str, Any] | None) -> list[str]:
    cols = list(EXPORT_COLUMNS)
    if first:
        cols += [k for k in first if k not in EXPORT_COLUMNS]
    return cols


def _write_csv(rows: Iterator[dict[str, Any]], out: Any) -> int:
    first = next(rows, None)
    cols = _columns(first)
    n = 0
    with _text_out(out, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(cols)
        if first is None:
            return 0
        for row in _chain(first, rows):
            writer.writerow([_cell(row.get(c)) for c in cols])
            n += 1
    return n


def _chain(first: dict[str, Any], rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rows


def _write_jsonl(rows: Iterator[dict[str, Any]], out: Any) -> int:
    n = 0
    with _text_out(out) as fh:
        for row in rows:
            fh.write(_dumps(row))
            fh.write("\n")
            n += 1
    return n


def _write_json(rows: Iterator[dict[str, Any]], out: Any) -> int:
    n = 0
    with _text_out(out) as fh:
        fh.write("[")
        for row in rows:
            fh.write(",\n" if n else "\n")
            fh.write(_dumps(row))
            n += 1
        fh.write("\n]\n" if n else "]\n")
    return n


def _write_geojson(rows: Iterator[dict[str, Any]], out: Any) -> int:
    n = 0
    with _text_out(out) as fh:
        fh.write('{"type": "FeatureCollection", "features": [')
        for row in rows:
            lat, lon = row.get("lat"), row.get("lon")
            if lat is None or lon is None:
                continue
            props = {k: v for k, v in row.items() if k not in ("lat", "lon")}
            feature = {"type": "Feature", "id": row.get("id"),
                       "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                       "properties": props}
            fh.write(",\n" if n else "\n")
            fh.write(_dumps(feature))
            n += 1
        fh.write("\n]}\n" if n else "]}\n")
    return n


def parquet_schema(extra: Iterable[str] = ()) -> Any:
    """The Arrow schema of Parquet exports (extra columns: float64 if ``distance_km``, else
    strings)."""
    import pyarrow as pa

    ints = {"id", "geonameid", "trigger_start", "trigger_end", "sentence_start", "sentence_end"}
    floats = {"lat", "lon", "confidence", "distance_km"}
    dates = {"day", "published"}
    fields = []
    for name in [*EXPORT_COLUMNS, *extra]:
        if name in ints:
            kind = pa.int64()
        elif name in floats:
            kind = pa.float64()
        elif name in dates:
            kind = pa.date32()
        elif name == "ingested_at":
            kind = pa.timestamp("us", tz="UTC")
        else:
            kind = pa.string()
        fields.append(pa.field(name, kind))
    return pa.schema(fields)


def _parquet_value(name: str, kind: Any, value: Any) -> Any:
    import pyarrow as pa

    if value is None:
        return None
    if kind == pa.string():
        if isinstance(value, (list, dict, tuple)):
            return _dumps(value)
        return value if isinstance(value, str) else _cell(value)
    if kind == pa.date32():
        return _as_date(value)
    if pa.types.is_timestamp(kind):
        return _as_datetime(value)
    if kind == pa.float64():
        return float(value)
    if kind == pa.int64():
        return int(value)
    return value


def _write_parquet(rows: Iterator[dict[str, Any]], out: Any, row_group: int = PARQUET_ROW_GROUP) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if isinstance(out, io.TextIOBase):
        raise TypeError("parquet is binary: give a path or a binary stream, not a text stream")
    first = next(rows, None)
    schema = parquet_schema(k for k in (first or {}) if k not in EXPORT_COLUMNS)
    kinds = [(f.name, f.type) for f in schema]
    sink = os.fspath(out) if isinstance(out, (str, os.PathLike)) else out
    n = 0
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        if first is None:
            writer.write_table(schema.empty_table())
            return 0
        batch: dict[str, list[Any]] = {name: [] for name, _ in kinds}
        count = 0
        for row in _chain(first, rows):
            for name, kind in kinds:
                batch[name].append(_parquet_value(name, kind, row.get(name)))
            count += 1
            if count >= row_group:
                writer.write_table(pa.Table.from_pydict(batch, schema=schema))
                n += count
                batch, count = {name: [] for name, _ in kinds}, 0
        if count:
            writer.write_table(pa.Table.from_pydict(batch, schema=schema))
            n += count
    return n


def quad_class(cameo: str | None) -> int | None:
    """GDELT's QuadClass of a CAMEO code (its root: the first two digits)."""
    if not cameo or len(cameo) < 2 or not cameo[:2].isdigit():
        return None
    root = int(cameo[:2])
    if 1 <= root <= 5:
        return 1
    if 6 <= root <= 8:
        return 2
    if 9 <= root <= 13:
        return 3
    if 14 <= root <= 20:
        return 4
    return None


_GEO_TYPES = {"country": 1, "admin1": 5, "admin2": 4, "city": 4, "other": 4}


def _geo_type(kind: str | None, country: str | None) -> str:
    code = _GEO_TYPES.get(kind or "")
    if code is None:
        return ""
    if country == "USA" and code in (4, 5):
        code = 3 if code == 4 else 2
    return str(code)


def _tsv(value: Any) -> str:
    return " ".join(_cell(value).split()) if isinstance(value, str) else _cell(value)


def gdelt_record(row: dict[str, Any]) -> dict[str, Any]:
    """The GDELT 2.0 event columns of one event row (see the module docstring)."""
    day = _as_date(row.get("day")) or _as_date(row.get("published"))
    cameo = row.get("cameo")
    root = cameo[:2] if cameo else None
    added = _as_datetime(row.get("ingested_at"))
    rec: dict[str, Any] = dict.fromkeys(GDELT_COLUMNS, "")
    rec.update({
        "GLOBALEVENTID": row.get("id"),
        "SQLDATE": day.strftime("%Y%m%d") if day else "",
        "MonthYear": day.strftime("%Y%m") if day else "",
        "Year": day.year if day else "",
        "FractionDate": f"{day.year + (day.month * 30 + day.day) / 365:.4f}" if day else "",
        "IsRootEvent": 1 if row.get("sentence_start") == 0 else 0,
        "EventCode": cameo or "", "EventBaseCode": cameo or "", "EventRootCode": root or "",
        "QuadClass": quad_class(cameo) or "",
        "NumMentions": 1, "NumSources": 1, "NumArticles": 1,
        "ActionGeo_Type": _geo_type(row.get("location_kind"), row.get("location_country"))
        if row.get("location_name") else "",
        "ActionGeo_FullName": row.get("location_name"),
        "ActionGeo_CountryCode": row.get("location_country"),
        "ActionGeo_Lat": row.get("lat"), "ActionGeo_Long": row.get("lon"),
        "ActionGeo_FeatureID": row.get("geonameid"),
        "DATEADDED": added.astimezone(dt.timezone.utc).strftime("%Y%m%d%H%M%S") if added else "",
        "SOURCEURL": row.get("url"),
    })
    for n, role in ((1, "source"), (2, "target")):
        country, sector, name = (row.get(f"{role}_country"), row.get(f"{role}_sector"),
                                 row.get(f"{role}_name"))
        rec[f"Actor{n}Code"] = f"{country or ''}{sector or ''}"
        rec[f"Actor{n}Name"] = name.upper() if name else ""
        rec[f"Actor{n}CountryCode"] = country
        rec[f"Actor{n}Type1Code"] = sector
    return rec


def _write_gdelt(rows: Iterator[dict[str, Any]], out: Any) -> int:
    n = 0
    with _text_out(out, newline="") as fh:
        fh.write("\t".join(GDELT_COLUMNS) + "\n")
        for row in rows:
            rec = gdelt_record(row)
            fh.write("\t".join(_tsv(rec[c]) for c in GDELT_COLUMNS) + "\n")
            n += 1
    return n


def _table_fields(row: dict[str, Any]) -> dict[str, Any]:
    def actor(role: str) -> str:
        name = row.get(f"{role}_name") or ""
        country = row.get(f"{role}_country")
        return f"{name} ({country})" if name and country else (name or (country or ""))

    location = row.get("location_name") or ""
    if location and row.get("location_country"):
        location = f"{location}, {row['location_country']}"
    day = row.get("day")
    return {"day": _cell(day) if day else (row.get("date") or "?"), "type": row.get("type") or "",
            "source": actor("source"), "target": actor("target"), "location": location,
            "trigger_text": row.get("trigger_text") or ""}


def _fit(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text.ljust(width) if len(text) <= width else text[:width - 1] + "…"


def _write_table(rows: Iterator[dict[str, Any]], out: Any) -> int:
    n = 0
    with _text_out(out) as fh:
        fh.write("  ".join(_fit(title, w) for title, _, w in TABLE_COLUMNS).rstrip() + "\n")
        fh.write("  ".join("-" * w for _, _, w in TABLE_COLUMNS) + "\n")
        for row in rows:
            fields = _table_fields(row)
            fh.write("  ".join(_fit(fields[key], w) for _, key, w in TABLE_COLUMNS).rstrip() + "\n")
            n += 1
    return n


_WRITERS: dict[str, Callable[[Iterator[dict[str, Any]], Any], int]] = {
    "csv": _write_csv, "jsonl": _write_jsonl, "json": _write_json, "geojson": _write_geojson,
    "parquet": _write_parquet, "gdelt": _write_gdelt, "table": _write_table,
}


def write_events(rows: Iterable[dict[str, Any]], fmt: str, out: Any) -> int:
    """Write event rows in format `fmt` (one of `FORMATS`) to `out` (a path or a stream);
    returns how many were written (GeoJSON: how many had coordinates)."""
    writer = _WRITERS.get(fmt.lower())
    if writer is None:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    return writer(iter(rows), out)
