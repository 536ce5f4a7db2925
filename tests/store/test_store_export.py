"""Exports of queried events (from SQLite and PostgreSQL) parse back in every format."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from eventwatch.store.export import (EXPORT_COLUMNS, FORMATS, GDELT_COLUMNS, gdelt_record,
                                     quad_class, write_events)

N_EVENTS = 7
N_LOCATED = 5  # protest ev2 and sanctions ev1 have no coordinates


@pytest.fixture
def rows(samples):
    return list(samples.query_events())


def test_csv_parses_back(rows, tmp_path):
    path = tmp_path / "events.csv"
    assert write_events(iter(rows), "csv", path) == N_EVENTS
    with open(path, newline="", encoding="utf-8") as fh:
        back = list(csv.DictReader(fh))
    assert len(back) == N_EVENTS and list(back[0]) == list(EXPORT_COLUMNS)
    by_id = {int(r["id"]): r for r in back}
    for row in rows:
        got = by_id[row["id"]]
        assert got["type"] == row["type"] and got["url"] == row["url"]
        assert got["day"] == (row["day"].isoformat() if row["day"] else "")
        assert got["lat"] == ("" if row["lat"] is None else str(row["lat"]))
        if row["quantities"]:
            assert json.loads(got["quantities"]) == row["quantities"]


def test_csv_to_a_text_stream_with_extra_columns(samples):
    out = io.StringIO()
    n = write_events(samples.query_events(near=(48.8, 2.3), km=100), "csv", out)
    back = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert n == len(back) == 1 and float(back[0]["distance_km"]) < 100


def test_empty_exports(tmp_path):
    out = io.StringIO()
    assert write_events([], "csv", out) == 0
    assert out.getvalue().strip() == ",".join(EXPORT_COLUMNS)
    for fmt, empty in (("json", []), ("geojson", {"type": "FeatureCollection", "features": []})):
        out = io.StringIO()
        assert write_events([], fmt, out) == 0
        assert json.loads(out.getvalue()) == empty
    assert write_events([], "parquet", tmp_path / "empty.parquet") == 0
    import pyarrow.parquet as pq
    assert pq.read_table(tmp_path / "empty.parquet").num_rows == 0


def test_jsonl_and_json_parse_back(rows):
    out = io.StringIO()
    assert write_events(rows, "jsonl", out) == N_EVENTS
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in lines] == [r["id"] for r in rows]
    first = lines[0]
    assert first["day"] == rows[0]["day"].isoformat() and first["ingested_at"].startswith(str(rows[0]["ingested_at"].year))
    out = io.StringIO()
    assert write_events(iter(rows), "json", out) == N_EVENTS
    array = json.loads(out.getvalue())
    assert array == lines


def test_text_formats_to_a_binary_stream(rows):
    out = io.BytesIO()
    write_events(rows, "jsonl", out)
    assert not out.closed
    assert len(out.getvalue().decode("utf-8").splitlines()) == N_EVENTS


def test_geojson_is_a_feature_collection_of_points(rows, tmp_path):
    path = tmp_path / "events.geojson"
    assert write_events(rows, "geojson", path) == N_LOCATED
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == N_LOCATED
    by_id = {r["id"]: r for r in rows}
    for feature in data["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        row = by_id[feature["id"]]
        assert feature["geometry"]["coordinates"] == [row["lon"], row["lat"]]  # [lon, lat]
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert feature["properties"]["type"] == row["type"]
        assert "lat" not in feature["properties"]
    suva = next(f for f in data["features"] if f["properties"]["location_name"] == "Suva")
    assert suva["geometry"]["coordinates"][0] > 178  # lon first


def test_parquet_has_typed_columns(rows, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "events.parquet"
    assert write_events(rows, "parquet", path) == N_EVENTS
    table = pq.read_table(path)
    schema = table.schema
    assert table.num_rows == N_EVENTS
    assert schema.field("lat").type == pa.float64() and schema.field("lon").type == pa.float64()
    assert schema.field("confidence").type == pa.float64()
    assert schema.field("day").type == pa.date32() and schema.field("published").type == pa.date32()
    assert schema.field("geonameid").type == pa.int64() and schema.field("id").type == pa.int64()
    for name in ("type", "source_name", "url", "quantities", "cameo"):
        assert schema.field(name).type == pa.string(), name
    assert pa.types.is_timestamp(schema.field("ingested_at").type)
    got = table.to_pylist()
    by_id = {r["id"]: r for r in got}
    for row in rows:
        back = by_id[row["id"]]
        assert back["day"] == row["day"] and back["geonameid"] == row["geonameid"]
        assert back["lat"] == row["lat"] and back["type"] == row["type"]


def test_parquet_streams_in_row_groups(samples, tmp_path):
    import pyarrow.parquet as pq

    from eventwatch.store import export

    rows = list(samples.query_events()) * 5
    path = tmp_path / "groups.parquet"
    export._write_parquet(iter(rows), path, row_group=10)
    meta = pq.ParquetFile(path).metadata
    assert meta.num_rows == 35 and meta.num_row_groups == 4


def test_parquet_to_a_binary_stream_but_not_a_text_one(rows):
    import pyarrow.parquet as pq

    out = io.BytesIO()
    assert write_events(rows, "parquet", out) == N_EVENTS
    assert pq.read_table(io.BytesIO(out.getvalue())).num_rows == N_EVENTS
    with pytest.raises(TypeError):
        write_events(rows, "parquet", io.StringIO())


def test_gdelt_tsv(rows, tmp_path):
    path = tmp_path / "events.tsv"
    assert write_events(rows, "gdelt", path) == N_EVENTS
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    assert header == list(GDELT_COLUMNS) and len(header) == 61
    assert header[:5] == ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    assert header[-2:] == ["DATEADDED", "SOURCEURL"]
    records = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]
    assert len(records) == N_EVENTS
    by_id = {int(r["GLOBALEVENTID"]): r for r in records}
    drill = by_id[next(r["id"] for r in rows if r["type"] == "MOBILIZE")]
    assert drill["SQLDATE"] == "20211022" and drill["MonthYear"] == "202110" and drill["Year"] == "2021"
    assert drill["FractionDate"] == f"{2021 + (10 * 30 + 22) / 365:.4f}"
    assert (drill["Actor1Code"], drill["Actor1Name"], drill["Actor1CountryCode"], drill["Actor1Type1Code"]) \
        == ("RUSGOV", "RUSSIA", "RUS", "GOV")
    assert drill["Actor2Code"] == "" and drill["Actor2Name"] == ""
    assert drill["EventCode"] == drill["EventBaseCode"] == drill["EventRootCode"] == "15"
    assert drill["QuadClass"] == "4" and drill["GoldsteinScale"] == "" and drill["AvgTone"] == ""
    assert drill["NumMentions"] == drill["NumSources"] == drill["NumArticles"] == "1"
    assert drill["IsRootEvent"] == "1"
    assert drill["ActionGeo_Type"] == "4" and drill["ActionGeo_FullName"] == "Termez"
    assert drill["ActionGeo_CountryCode"] == "UZB" and drill["ActionGeo_FeatureID"] == "1215957"
    assert float(drill["ActionGeo_Lat"]) == pytest.approx(37.22417)
    assert len(drill["DATEADDED"]) == 14 and drill["DATEADDED"].isdigit()
    assert drill["SOURCEURL"] == "https://news.example/drill"
    for rec in records:
        assert rec["SQLDATE"] == "" or (len(rec["SQLDATE"]) == 8 and rec["SQLDATE"].isdigit())
    shelling = next(r for r in records if r["EventRootCode"] == "19")
    assert shelling["SQLDATE"] == ""  # no date and no publication date
    reject = next(r for r in records if r["EventRootCode"] == "12")
    assert reject["QuadClass"] == "3" and reject["Actor2Code"] == "FRACVL" and reject["IsRootEvent"] == "0"
    assert reject["ActionGeo_Type"] == "" and reject["ActionGeo_Lat"] == ""
    aid = next(r for r in records if r["EventRootCode"] == "07")
    assert aid["QuadClass"] == "2" and aid["SQLDATE"] == "20211201"


def test_gdelt_falls_back_to_the_publication_date_and_cleans_tabs():
    rec = gdelt_record({"id": 9, "day": None, "published": dt.date(2021, 3, 4), "cameo": "043",
                        "source_name": "A\tB", "url": "u"})
    assert rec["SQLDATE"] == "20210304" and rec["EventRootCode"] == "04" and rec["EventCode"] == "043"
    out = io.StringIO()
    write_events([{"id": 9, "source_name": "A\tB\nC", "cameo": "01"}], "gdelt", out)
    line = out.getvalue().splitlines()[1].split("\t")
    assert len(line) == 61 and line[GDELT_COLUMNS.index("Actor1Name")] == "A B C"


@pytest.mark.parametrize("cameo,quad", [("01", 1), ("05", 1), ("06", 2), ("08", 2), ("09", 3),
                                        ("13", 3), ("14", 4), ("20", 4), ("195", 4), (None, None),
                                        ("", None), ("21", None), ("xx", None)])
def test_quad_class(cameo, quad):
    assert quad_class(cameo) == quad


def test_table_for_terminals(rows):
    out = io.StringIO()
    assert write_events(rows, "table", out) == N_EVENTS
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["day", "type", "source", "target", "location", "trigger"]
    assert set(lines[1]) <= {"-", " "}
    assert len(lines) == N_EVENTS + 2
    drill = next(line for line in lines if "MOBILIZE" in line)
    assert drill.startswith("2021-10-22") and "Russia (RUS)" in drill and "Termez, UZB" in drill
    widths = {len(line) for line in lines[1:2]}
    assert widths == {10 + 9 + 22 + 22 + 20 + 24 + 2 * 5}


def test_unknown_format():
    assert set(FORMATS) == {"csv", "jsonl", "json", "geojson", "parquet", "gdelt", "table"}
    with pytest.raises(ValueError, match="unknown export format"):
        write_events([], "xml", io.StringIO())
