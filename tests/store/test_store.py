"""The store on SQLite and PostgreSQL: saving, idempotence, atomic batches, every query filter."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from store_samples import PARIS, TERMEZ, all_docs, drill, many_events, protest, skipped_article

from eventwatch.document import Event, Region, Span
from eventwatch.store import Store, article_id, first_day, haversine_km, open_store
from eventwatch.store.schema import (actors, articles, entities, events, mentions, places, quotes,
                                     times)

ALL = {("drill", "ev1"), ("protest", "ev1"), ("protest", "ev2"), ("sanctions", "ev1"),
       ("sanctions", "ev2"), ("shelling", "ev1"), ("fisheries", "ev1")}
CHILD_TABLES = (entities, mentions, places, times, quotes, events)


def found(store: Store, **filters) -> set[tuple[str, str]]:
    """(article's external id, event's local id) of the events a query returns."""
    ids = {row["article_id"]: None for row in store.query_events(**filters)}
    names = {}
    if ids:
        with store.engine.connect() as conn:
            names = dict(conn.execute(select(articles.c.id, articles.c.external_id)
                                      .where(articles.c.id.in_(list(ids)))).all())
    return {(names[row["article_id"]], row["local_id"]) for row in store.query_events(**filters)}


def table_counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (articles, *CHILD_TABLES, actors)}


# --------------------------------------------------------------------------- saving


def test_save_then_save_again_is_a_no_op(store):
    run = store.begin_run(["samples"])
    assert store.save_batch(run, all_docs(), [skipped_article()]) == 5  # analysed ones
    before, rows_before = store.counts(), table_counts(store)
    assert before == {"articles": 5, "skipped": 1, "duplicates": 0, "events": 7, "errors": 0, "runs": 1}
    assert store.save_batch(run, all_docs(), [skipped_article()]) == 0
    assert store.save_batch(run, [], [skipped_article()]) == 0
    assert store.save_batch(store.begin_run(["again"]), all_docs()) == 0
    assert table_counts(store) == rows_before
    assert store.counts() == {**before, "runs": 2}


def test_rows_of_every_layer_are_stored(samples):
    counts = table_counts(samples)
    assert counts["entities"] == 4 + 2 + 3 + 1 + 3
    assert counts["mentions"] == 4 + 2 + 4 + 1 + 3
    assert counts["places"] == 1 + 1 + 3 + 1 + 1
    assert counts["times"] == 4
    assert counts["quotes"] == 2
    # one actor row per role per actor: 3 coordinated sources, 1+1, 1+1, 1+1, 1, 1 + 2 targets
    assert counts["actors"] == 3 + 1 + 2 + 2 + 2 + 1 + 3
    with samples.engine.connect() as conn:
        drill_actors = conn.execute(
            select(actors.c.role, actors.c.name, actors.c.country, actors.c.entity_id)
            .join(events, events.c.id == actors.c.event_id)
            .where(events.c.article_id == article_id(drill().text)).order_by(actors.c.id)).all()
        quote = conn.execute(select(quotes).where(quotes.c.article_id == article_id(drill().text))).one()
        mention_kinds = set(conn.execute(select(mentions.c.kind)).scalars())
    assert [tuple(r) for r in drill_actors] == [("source", "Russia", "RUS", "e1"),
                                                ("source", "Uzbekistan", "UZB", "e2"),
                                                ("source", "Tajikistan", "TJK", "e3")]
    assert (quote.speaker_name, quote.speaker_entity, quote.cue_text, quote.kind) == \
        ("Vladimir Putin", "e4", "said", "indirect")
    assert mention_kinds == {"name", "nominal"}


def test_same_text_with_other_whitespace_is_the_same_article(store):
    doc = protest()
    respaced = protest()
    respaced.text = "  " + doc.text.replace(" ", "  \n") + "\n"
    assert Store.article_id(doc.text) == Store.article_id(respaced.text) == article_id(doc.text)
    assert len(article_id(doc.text)) == 64
    assert store.save_batch(None, [doc]) == 1
    assert store.save_batch(None, [respaced]) == 0
    assert store.save_batch(None, [protest(), protest()]) == 0
    assert store.counts()["articles"] == 1


def test_has_and_known_ids(samples):
    ids = [article_id(d.text) for d in all_docs()]
    assert all(samples.has(i) for i in ids)
    assert samples.has(article_id(skipped_article()[0].text))
    assert not samples.has("0" * 64)
    many = ids + [f"{i:064x}" for i in range(1200)]  # more than one IN (...) chunk
    assert samples.known_ids(many) == set(ids)
    assert samples.known_ids([]) == set()


def test_article_round_trips_the_analysis(samples):
    for doc in all_docs():
        stored = samples.article(article_id(doc.text))
        assert stored == json.loads(json.dumps(doc.to_dict()))
    assert samples.article("f" * 64) is None


def test_skipped_article_is_stored_without_analysis(samples):
    art, reason = skipped_article()
    got = samples.article(article_id(art.text))
    assert got["status"] == "skipped" and got["skip_reason"] == reason
    assert got["text"] == art.text and got["published"] == "2021-10-15" and got["id"] == "fr1"
    rows = list(samples.query_articles(status="skipped", with_text=True))
    assert len(rows) == 1 and rows[0]["text"] == art.text and rows[0]["language"] is None


def test_a_batch_that_fails_midway_leaves_nothing(filled):
    before, rows_before = filled.counts(), table_counts(filled)
    bad = protest()
    bad.text = "A different article whose events clash. " + bad.text
    for ev in bad.events:  # offsets no longer matter to the store; the ids clash
        ev.id = "ev1"
    fresh = many_events(3, tag="fresh")
    with pytest.raises(IntegrityError):
        filled.save_batch(None, [fresh, bad])
    assert table_counts(filled) == rows_before
    assert filled.counts() == before
    assert not filled.has(article_id(fresh.text)) and not filled.has(article_id(bad.text))
    assert filled.save_batch(None, [fresh]) == 1  # the store is still usable


def test_a_batch_killed_midway_leaves_nothing(db_url, tmp_path):
    """SIGKILL while a batch is half written: the database has all of it or none."""
    with open_store(db_url) as st:
        st.save_batch(None, [drill()])
    script = tmp_path / "writer.py"
    script.write_text(textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from sqlalchemy import event
        from store_samples import all_docs, many_events
        from eventwatch.store import open_store

        store = open_store({db_url!r})

        @event.listens_for(store.engine, "after_cursor_execute")
        def pause(conn, cursor, statement, params, context, executemany):
            if statement.lstrip().upper().startswith("INSERT INTO EVENTS"):
                print("inserted events", flush=True)
                time.sleep(60)

        store.save_batch(None, all_docs() + [many_events(50)])
        print("committed", flush=True)
    """))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "inserted events", proc.stderr.read()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        proc.stdout.close()
        proc.stderr.close()
    time.sleep(0.1)  # PostgreSQL notices the dead connection and rolls back
    with open_store(db_url) as st:
        assert st.counts()["articles"] == 1
        assert table_counts(st)["entities"] == len(drill().entities)
        assert {r["title"] for r in st.query_events()} == {"Joint drill near Termez"}
        assert st.save_batch(None, all_docs()) == 4  # and the rest can be saved after


def test_delete_cascades_to_every_child_row(filled):
    doc = drill()
    aid = article_id(doc.text)
    counts = table_counts(filled)
    assert filled.delete_article(aid)
    assert not filled.delete_article(aid)
    after = table_counts(filled)
    with filled.engine.connect() as conn:
        for table in CHILD_TABLES:
            assert conn.execute(select(func.count()).select_from(table)
                                .where(table.c.article_id == aid)).scalar_one() == 0, table.name
    assert after["actors"] == counts["actors"] - 3
    assert after["events"] == counts["events"] - 1
    assert after["mentions"] == counts["mentions"] - 4
    assert found(filled, text="drill") == set()
    assert filled.article(aid) is None
    assert filled.save_batch(None, [doc]) == 1  # and it can come back
    assert found(filled, text="drill") == {("drill", "ev1")}


def test_runs_and_errors_are_recorded(store):
    run = store.begin_run(["feeds.txt", "https://example.org/rss"])
    store.record_error(run, "feeds.txt line 3", "invalid JSON")
    store.record_error(run, None, "timeout")
    other = store.begin_run(["b.jsonl"])
    store.record_error(other, "b.jsonl", "empty text")
    store.finish_run(run, {"articles": 2, "skipped": 0, "errors": 2}, status="done")
    runs = store.runs()
    assert [r["id"] for r in runs] == [run, other]
    first = runs[0]
    assert first["sources"] == ["feeds.txt", "https://example.org/rss"]
    assert first["status"] == "done" and first["counts"] == {"articles": 2, "skipped": 0, "errors": 2}
    assert first["started_at"].tzinfo is not None and first["finished_at"] >= first["started_at"]
    assert runs[1]["status"] == "running" and runs[1]["finished_at"] is None
    errors = store.errors(run)
    assert [(e["origin"], e["message"]) for e in errors] == [("feeds.txt line 3", "invalid JSON"),
                                                            (None, "timeout")]
    assert errors[0]["at"].tzinfo is not None
    assert len(store.errors()) == 3
    assert store.counts()["errors"] == 3 and store.counts()["runs"] == 2


def test_articles_remember_their_run(samples):
    run = samples.runs()[0]["id"]
    rows = list(samples.query_articles())
    assert len(rows) == 6 and {r["run_id"] for r in rows} == {run}
    assert all(r["ingested_at"].tzinfo is not None for r in rows)


def test_bulk_save_and_streamed_read_of_many_events(store):
    doc = many_events(2500)
    assert store.save_batch(None, [doc]) == 1
    rows = store.query_events(country="ukr")
    first = next(rows)
    assert first["local_id"] == "ev1" and first["source_name"] == "Russia"
    assert sum(1 for _ in rows) == 2499
    partial = store.query_events()
    next(partial)
    partial.close()  # abandoning a stream releases its connection
    assert store.counts()["events"] == 2500
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(actors)).scalar_one() == 2500


# --------------------------------------------------------------------------- queries


def test_all_events_and_their_columns(samples):
    assert found(samples) == ALL
    row = next(r for r in samples.query_events(type="MOBILIZE"))
    assert row["day"] == dt.date(2021, 10, 22) and row["date"] == "2021-10-22"
    assert row["published"] == dt.date(2021, 10, 14)
    assert row["url"] == "https://news.example/drill" and row["title"] == "Joint drill near Termez"
    assert row["article_source"] == "example-wire"
    assert (row["source_name"], row["source_country"], row["source_sector"]) == ("Russia", "RUS", "GOV")
    assert row["target_name"] is None
    assert (row["location_name"], row["location_country"], row["geonameid"]) == ("Termez", "UZB", 1215957)
    assert row["lat"] == pytest.approx(TERMEZ[0]) and row["lon"] == pytest.approx(TERMEZ[1])
    assert row["location_kind"] == "city"
    start = drill().text.index("2,500")
    assert row["quantities"] == [{"start": start, "end": start + 5, "text": "2,500", "value": 2500,
                                  "unit": "troops"}]
    assert row["cameo"] == "15" and row["confidence"] == pytest.approx(0.91)
    assert row["trigger_text"] == "drill" and row["status"] == "occurred" and row["mode"] == "military"
    assert isinstance(row["id"], int)


@pytest.mark.parametrize("filters,expected", [
    ({"country": "UZB"}, {("drill", "ev1")}),                      # coordinated source + location
    ({"country": "TJK"}, {("drill", "ev1")}),                      # third coordinated source only
    ({"country": "wsm"}, {("fisheries", "ev1")}),                  # second coordinated target
    ({"country": "POL"}, {("sanctions", "ev2")}),                  # target and location
    ({"country": "FRA"}, {("protest", "ev1"), ("protest", "ev2")}),
    ({"country": "SYR"}, {("shelling", "ev1")}),                   # location only
    ({"country": "XYZ"}, set()),
    ({"actor": "tajik"}, {("drill", "ev1")}),
    ({"actor": "UNITED states"}, {("sanctions", "ev1"), ("sanctions", "ev2")}),
    ({"actor": "protesters"}, {("protest", "ev1"), ("protest", "ev2")}),  # source of one, target of other
    ({"actor": "%"}, set()),                                       # LIKE wildcards are literal
    ({"actor": "_"}, set()),
    ({"type": "protest"}, {("protest", "ev1")}),
    ({"type": "ASSAULT"}, {("shelling", "ev1")}),
    ({"status": "planned"}, {("sanctions", "ev2")}),
    ({"status": "claimed"}, {("shelling", "ev1")}),
    ({"since": "2021-11-01"}, {("sanctions", "ev1"), ("sanctions", "ev2")}),
    ({"since": dt.date(2021, 12, 1)}, {("sanctions", "ev2")}),     # "2021-12" starts on the 1st
    ({"until": "2021-10-16"}, {("protest", "ev1"), ("fisheries", "ev1")}),
    ({"since": "2021-10-16", "until": "2021-10-22"},
     {("protest", "ev1"), ("protest", "ev2"), ("drill", "ev1")}),  # inclusive at both ends
    ({"since": "2021-10-17", "until": "2021-10-21"}, {("protest", "ev2")}),
    ({"text": "sanctions"}, {("sanctions", "ev1"), ("sanctions", "ev2")}),
    ({"text": "drills"}, {("drill", "ev1")}),                      # stemmed
    ({"text": "fuel prices"}, {("protest", "ev1"), ("protest", "ev2")}),
    ({"text": "fuel sanctions"}, set()),                           # every word must occur
    ({"text": "Kobani"}, {("shelling", "ev1")}),
    ({"text": "Pacific"}, {("fisheries", "ev1")}),                 # the title is searched too
    ({"country": "USA", "type": "aid"}, {("sanctions", "ev2")}),
    ({"country": "FRA", "since": "2021-10-18"}, {("protest", "ev2")}),
    ({"text": "sanctions", "status": "occurred"}, {("sanctions", "ev1")}),
    ({"actor": "russia", "type": "MOBILIZE", "until": "2021-10-31", "country": "TJK",
      "text": "troops"}, {("drill", "ev1")}),
    ({"actor": "russia", "type": "PROTEST"}, set()),
    ({"near": PARIS[:2], "km": 50}, {("protest", "ev1")}),         # ev2 has no coordinates
    ({"near": (37.0, 67.0), "km": 100}, {("drill", "ev1")}),
    ({"near": (37.0, 67.0), "km": 10}, set()),
    ({"near": (52.2, 21.0), "km": 10, "status": "planned"}, {("sanctions", "ev2")}),
    ({"near": (-18.0, -179.9), "km": 300}, {("fisheries", "ev1")}),  # across the antimeridian
    ({"near": (89.5, 0.0), "km": 2000}, set()),                    # a box over the pole
    ({"near": (45.0, 30.0), "km": 2500, "type": "protest"}, {("protest", "ev1")}),
])
def test_query_filters(samples, filters, expected):
    assert found(samples, **filters) == expected


def test_near_is_exact_not_just_the_bounding_box(samples):
    # Paris is ~0.15 deg of longitude from this point at the box's corner latitude, but
    # over 30 km away: inside the bounding box of a 30 km circle, outside the circle.
    lat, lon = PARIS[0] + 0.2, PARIS[1] + 0.27
    distance = haversine_km(lat, lon, PARIS[0], PARIS[1])
    assert 25 < distance < 35
    assert found(samples, near=(lat, lon), km=distance + 0.5) == {("protest", "ev1")}
    assert found(samples, near=(lat, lon), km=distance - 0.5) == set()
    row = next(samples.query_events(near=PARIS[:2], km=5))
    assert row["distance_km"] == pytest.approx(0.0, abs=1e-6)


def test_limit_offset_and_order(samples):
    by_id = [r["id"] for r in samples.query_events()]
    assert by_id == sorted(by_id) and len(by_id) == 7
    assert [r["id"] for r in samples.query_events(limit=3)] == by_id[:3]
    assert [r["id"] for r in samples.query_events(limit=3, offset=2)] == by_id[2:5]
    assert list(samples.query_events(limit=0)) == []
    days = [r["day"] for r in samples.query_events(order="day")]
    assert days[-1] is None and days[:-1] == sorted(days[:-1])
    near = [r["distance_km"] for r in samples.query_events(near=(40.0, 20.0), km=10_000)]
    assert len(near) == 4  # Paris, Warsaw, Kobani, Termez; not Suva
    assert [r["distance_km"] for r in samples.query_events(near=(40.0, 20.0), km=10_000, limit=2, offset=1)] \
        == near[1:3]


def test_bad_query_arguments(samples):
    with pytest.raises(ValueError):
        samples.query_events(near=(1.0, 2.0))
    with pytest.raises(ValueError):
        samples.query_events(km=5)
    with pytest.raises(ValueError):
        samples.query_events(near=(95.0, 0.0), km=5)
    with pytest.raises(ValueError):
        samples.query_events(since="last week")
    with pytest.raises(ValueError):
        samples.query_events(order="random")


@pytest.mark.parametrize("query", ['"sanctions" OR (', "sanctions*", "NEAR(a b)", "text:sanctions",
                                   "'; DROP TABLE events; --"])
def test_search_text_is_taken_literally(samples, query):
    got = found(samples, text=query)
    assert got <= {("sanctions", "ev1"), ("sanctions", "ev2")}
    assert samples.counts()["events"] == 7


def test_query_articles(samples):
    assert len(list(samples.query_articles())) == 6
    assert {r["external_id"] for r in samples.query_articles(text="Putin")} == {"drill"}
    assert {r["external_id"] for r in samples.query_articles(source="example-daily")} == {"protest", "shelling"}
    assert {r["external_id"] for r in samples.query_articles(since="2021-10-15", until="2021-10-20")} \
        == {"protest", "fr1"}
    assert {r["external_id"] for r in samples.query_articles(status="analysed", since="2021-11-01")} == {"sanctions"}
    assert len(list(samples.query_articles(limit=2))) == 2
    row = next(samples.query_articles(text="Putin"))
    assert "text" not in row and "analysis" not in row


def test_first_day_of_timex_values():
    assert first_day("2021-10-22/2021-10-23") == dt.date(2021, 10, 22)
    assert first_day("2021-10-13T14:00") == dt.date(2021, 10, 13)
    assert first_day("2021-08") == dt.date(2021, 8, 1)
    assert first_day("2021-W41") == dt.date(2021, 10, 11)
    assert first_day("2021-Q3") == dt.date(2021, 7, 1)
    assert first_day("2021-SU") == dt.date(2021, 6, 1)
    assert first_day("2021") == dt.date(2021, 1, 1)
    assert first_day("202X") == dt.date(2020, 1, 1)
    for unknown in (None, "", "XXXX-08", "PRESENT_REF", "P20Y", "2021-02-30", "2021-W60"):
        assert first_day(unknown) is None, unknown


def test_events_of_unknown_or_vague_dates(store):
    text = "Iran threatened Israel. Iran and Israel met in August."
    events_ = [Event(id="ev1", type="THREATEN", trigger=Span.of(text, 5, 15), sentence=Region(0, 23)),
               Event(id="ev2", type="CONSULT", trigger=Span.of(text, 40, 43), sentence=Region(24, len(text)))]
    from eventwatch.document import Document, EventDate

    events_[1].date = EventDate("XXXX-08")
    store.save_batch(None, [Document(text=text, events=events_)])
    rows = {r["local_id"]: r for r in store.query_events()}
    assert rows["ev1"]["date"] is None and rows["ev1"]["day"] is None
    assert rows["ev2"]["date"] == "XXXX-08" and rows["ev2"]["day"] is None
    assert list(store.query_events(since="1900-01-01")) == []


def test_numpy_numbers_from_the_pipeline_are_stored(store):
    np = pytest.importorskip("numpy")
    doc = drill()
    doc.events[0].confidence = np.float32(0.5)
    doc.events[0].location.geonameid = np.int64(1215957)
    doc.places[0].lat = np.float32(37.25)
    doc.places[0].score = np.float32(0.75)  # only in the analysis JSON
    assert store.save_batch(None, [doc]) == 1
    row = next(store.query_events())
    assert row["confidence"] == 0.5 and row["geonameid"] == 1215957
    assert store.article(article_id(doc.text))["places"][0]["score"] == 0.75


def test_actor_rows_belong_to_their_events(samples):
    """Events are bulk-inserted in one statement; each actor row must point at its own event."""
    with samples.engine.connect() as conn:
        pairs = conn.execute(select(actors.c.event_id, actors.c.role, actors.c.name)).all()
    by_event: dict[int, dict[str, set[str]]] = {}
    for event_id, role, name in pairs:
        by_event.setdefault(event_id, {"source": set(), "target": set()})[role].add(name)
    rows = list(samples.query_events())
    assert set(by_event) == {r["id"] for r in rows}
    for row in rows:
        got = by_event[row["id"]]
        assert got["source"] >= ({row["source_name"]} - {None})
        assert got["target"] >= ({row["target_name"]} - {None})
        assert len(got["source"]) == (3 if row["type"] == "MOBILIZE" else int(row["source_name"] is not None))


def test_a_batch_of_skipped_articles_only(store):
    assert store.save_batch(None, [], [skipped_article()]) == 0  # counts analysed articles
    assert store.counts()["skipped"] == 1 and store.counts()["articles"] == 0
    assert store.save_batch(None, [], []) == 0
