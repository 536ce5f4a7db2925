"""The REST API over the sample store (SQLite and PostgreSQL)."""
from __future__ import annotations

import csv
import io
import json

import pytest

from web_samples import article_id_of, client_for, store_samples


@pytest.fixture(scope="module")
def client(samples):
    with client_for(samples) as c:
        yield c


def total(client, **params) -> int:
    r = client.get("/api/events", params=params)
    assert r.status_code == 200, r.text
    return r.json()["total"]


def test_events_all_and_shape(client):
    body = client.get("/api/events").json()
    assert body["total"] == 7 and body["limit"] == 100 and body["offset"] == 0
    assert len(body["items"]) == 7
    first = body["items"][0]
    assert {"id", "article_id", "local_id", "type", "day", "url", "title"} <= set(first)


@pytest.mark.parametrize("params, expected", [
    ({"country": "fra"}, 2), ({"country": "TJK"}, 1), ({"actor": "tajik"}, 1),
    ({"type": "assault"}, 1), ({"status": "planned"}, 1), ({"since": "2021-10-16"}, 5),
    ({"until": "2021-10-16"}, 2), ({"since": "2021-10-16", "until": "2021-10-20"}, 2),
    ({"near_lat": 48.85, "near_lon": 2.35, "km": 50}, 1), ({"text": "fuel prices"}, 2),
    ({"type": "PROTEST", "country": "FRA"}, 1), ({"country": "XXX"}, 0),
])
def test_event_filters(client, params, expected):
    assert total(client, **params) == expected


def test_near_rows_carry_distance(client):
    items = client.get("/api/events", params={"near_lat": 48.85, "near_lon": 2.35, "km": 50}).json()["items"]
    assert items[0]["location_name"] == "Paris" and items[0]["distance_km"] < 5


def test_pagination_and_sort(client):
    pages = [client.get("/api/events", params={"limit": 3, "offset": o}).json() for o in (0, 3, 6)]
    ids = [e["id"] for p in pages for e in p["items"]]
    assert [len(p["items"]) for p in pages] == [3, 3, 1] and len(set(ids)) == 7
    assert all(p["total"] == 7 for p in pages)
    by_conf = client.get("/api/events", params={"sort": "-confidence"}).json()["items"]
    assert [e["confidence"] for e in by_conf] == sorted((e["confidence"] for e in by_conf), reverse=True)
    by_day = client.get("/api/events", params={"sort": "day"}).json()["items"]
    days = [e["day"] for e in by_day if e["day"]]
    assert days == sorted(days) and by_day[-1]["day"] is None  # undated last


@pytest.mark.parametrize("query", [
    "since=2021-13-45", "until=yesterday", "limit=5000", "limit=-1", "offset=-3", "sort=url",
    "near_lat=10", "near_lat=100&near_lon=0&km=5", "km=-1&near_lat=0&near_lon=0", "text=%21%21%21",
    "country=a%00b",
])
def test_event_bad_inputs_are_422(client, query):
    assert client.get("/api/events?" + query).status_code == 422
    if not query.startswith(("limit", "offset", "sort")):  # the export has no pages
        assert client.get("/api/events/export?format=csv&" + query).status_code == 422


def test_export_formats_parse(client):
    r = client.get("/api/events/export", params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 7 and "trigger_text" in rows[0]
    r = client.get("/api/events/export", params={"format": "jsonl", "country": "FRA"})
    assert r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert {x["type"] for x in lines} == {"PROTEST", "REJECT"}
    r = client.get("/api/events/export", params={"format": "geojson"})
    assert r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["type"] == "FeatureCollection"
    with_coords = [e for e in client.get("/api/events").json()["items"] if e["lat"] is not None]
    assert len(fc["features"]) == len(with_coords) > 0
    assert client.get("/api/events/export", params={"format": "xml"}).status_code == 422


def test_articles(client, samples):
    body = client.get("/api/articles").json()
    assert body["total"] == 6 and len(body["items"]) == 6  # 5 analysed + 1 skipped
    assert "text" not in body["items"][0]
    page = client.get("/api/articles", params={"limit": 2, "offset": 4}).json()
    assert [a["id"] for a in page["items"]] == [a["id"] for a in body["items"][4:6]]
    assert client.get("/api/articles", params={"source": "example-wire"}).json()["total"] == 2
    assert client.get("/api/articles", params={"text": "Termez"}).json()["total"] == 1
    assert client.get("/api/articles", params={"since": "2021-10-15", "until": "2021-10-20"}).json()["total"] == 2
    assert client.get("/api/articles", params={"since": "nope"}).status_code == 422
    aid = article_id_of(samples, store_samples.drill())
    one = client.get(f"/api/articles/{aid}").json()
    assert one["article_id"] == aid and one["events"][0]["type"] == "MOBILIZE" and one["text"].startswith("Russia")
    assert client.get("/api/articles/" + "0" * 64).status_code == 404


def test_actors_places_stats(client):
    actors = client.get("/api/actors").json()
    names = {a["name"]: a["events"] for a in actors}
    assert names["United States"] == 2 and names["Tajikistan"] == 1
    assert len(client.get("/api/actors", params={"limit": 2}).json()) == 2
    us = client.get("/api/actors/United States").json()
    assert len(us["as_source"]) == 2 and us["as_target"] == []
    assert {a["name"] for a in us["co_actors"]} == {"Belarus", "Poland"}
    putin = client.get("/api/actors/Vladimir Putin").json()
    assert putin["quotes"][0]["text"] == "the exercise was defensive"
    protesters = client.get("/api/actors/Protesters").json()
    assert len(protesters["as_source"]) == 1 and len(protesters["as_target"]) == 1
    assert client.get("/api/actors/Nobody at all").status_code == 404
    places = {p["name"]: p for p in client.get("/api/places").json()}
    assert places["Paris"]["events"] == 1 and places["Paris"]["country"] == "FRA"
    assert abs(places["Suva"]["lon"] - 178.44) < 0.01
    stats = client.get("/api/stats").json()
    assert stats["total"] == 7 and sum(d["count"] for d in stats["by_day"]) == 6  # one undated
    assert {"value": "FRA", "count": 1} in stats["by_country"]
    ranged = client.get("/api/stats", params={"since": "2021-10-16", "until": "2021-10-31"}).json()
    assert ranged["total"] == 3 and {r["type"] for r in ranged["by_day_type"]} == {"PROTEST", "REJECT", "MOBILIZE"}
    assert client.get("/api/stats", params={"until": "31/10/2021"}).status_code == 422


def test_big_export_is_not_capped(filled):
    run = filled.begin_run(["bulk"])
    filled.save_batch(run, [store_samples.many_events(1200)])
    with client_for(filled) as c:
        page = c.get("/api/events", params={"limit": 1000}).json()
        assert page["total"] == 1207 and len(page["items"]) == 1000
        assert c.get("/api/events", params={"limit": 1001}).status_code == 422
        lines = c.get("/api/events/export", params={"format": "jsonl"}).text.splitlines()
        assert len(lines) == 1207 and len({json.loads(x)["id"] for x in lines}) == 1207
        rows = list(csv.DictReader(io.StringIO(c.get("/api/events/export?format=csv&type=ASSAULT").text)))
        assert len(rows) == 1201
        fc = c.get("/api/events/export", params={"format": "geojson", "country": "UKR"}).json()
        assert len(fc["features"]) == 1200
