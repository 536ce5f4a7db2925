"""Stories: the same event reported by several outlets becomes one story (rules, explain,
incremental assignment, rebuild, deletion), on SQLite and PostgreSQL.

The articles here are short texts written for these tests; the documents are built by hand.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from eventwatch import stories as S
from eventwatch.document import Actor, Document, Event, EventDate, Location, Place, Quantity, Region, Span
from eventwatch.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent / "store"))

GOMA = (-1.67409, 29.22845, 216281, "COD")
SAKE = (-1.5736, 29.0452, 204953, "COD")      # ~23 km from Goma
BUNIA = (1.56667, 30.25, 217570, "COD")       # ~400 km from Goma
NORD_KIVU = (-0.56456, 28.70619, 206938, "COD")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "events.db")
    return request.getfixturevalue("pg_url")


def attack(doc_id: str, source: str, published: str, where: tuple, where_name: str, date: str,
           qty: str | None, qty_value: int | None, date_from: str = "text", kind: str = "city",
           actor: tuple[str, str] | None = ("COD", "REB"), etype: str = "ASSAULT") -> Document:
    text = (f"M23 rebels attacked an army base near {where_name}, killing "
            f"{qty or 'several'} soldiers, officials said.")
    lat, lon, gid, country = where
    doc = Document(text=text, id=doc_id, source=source, url=f"https://{source}/{doc_id}",
                   published=published)
    start = text.index(where_name)
    doc.places = [Place.of(text, start, start + len(where_name), name=where_name, geonameid=gid,
                           lat=lat, lon=lon, country=country, kind=kind, score=0.9)]
    quantities = []
    if qty:
        q0 = text.index(qty)
        quantities = [Quantity.of(text, q0, q0 + len(qty), value=qty_value, unit="soldiers")]
    src = Actor.of(text, 0, 11, name="M23", country=actor[0], sector=actor[1]) if actor else None
    t0 = text.index("attacked")
    doc.events = [Event(id="ev1", type=etype, trigger=Span.of(text, t0, t0 + 8),
                        sentence=Region(0, len(text)), source=src,
                        date=EventDate(date, date_from),
                        location=Location(where_name, lat, lon, country, gid),
                        quantities=quantities)]
    return doc


def info(date="2024-03-04", where=GOMA, kind="city", actors=(("COD", "REB"),), etype="ASSAULT",
         date_from="text", name="Goma"):
    lat, lon, gid, country = where if where else (None, None, None, None)
    return S.EventInfo(etype, S.parse_date(date, date_from),
                       S.Spot(name, lat, lon, country, kind, gid) if where else None, set(actors))


# --------------------------------------------------------------------------- rules


@pytest.mark.parametrize("a, b, published, same", [
    ("2024-03-04", "2024-03-05", False, True),
    ("2024-03-04", "2024-03-06", False, False),
    ("2024-03-04", "2024-03-06", True, True),      # +-2 when a date is the publication date
    ("2024-03-04", "2024-03-07", True, False),
    ("2024-03", "2024-03-29", False, True),        # a month: within it
    ("2024-03", "2024-04-01", False, False),
    ("2024-W10", "2024-03-06", False, True),
    ("2024", "2024-07-01", False, True),           # a year: the same year (strict)
    ("2023", "2024-01-01", False, False),
    ("2024-03-04/2024-03-05", "2024-03-06", False, True),
])
def test_dates_by_precision(a, b, published, same):
    v = S.compare_dates(S.parse_date(a, "published" if published else "text"), S.parse_date(b))
    assert v.ok is same, v.text


def test_unknown_dates_never_match():
    assert not S.compare_dates(None, S.parse_date("2024-03-04")).ok
    assert S.parse_date("XXXX-08") is None and S.parse_date("PRESENT_REF") is None
    assert not S.match(info(date="XXXX-03"), info())


def test_year_needs_strong_place_and_shared_actors():
    assert S.match(info(date="2024"), info(date="2024-05-02"))
    assert not S.match(info(date="2024", actors=()), info(date="2024-05-02"))
    assert not S.match(info(date="2024", where=None), info(date="2024-05-02", where=None))


@pytest.mark.parametrize("a, ka, b, kb, ok", [
    (GOMA, "city", SAKE, "city", True),
    (GOMA, "city", BUNIA, "city", False),
    (GOMA, "city", NORD_KIVU, "admin1", True),
    (BUNIA, "city", NORD_KIVU, "admin1", True),     # ~240 km: within an admin area's reach
    (GOMA, "city", (-4.0, 21.75, 203312, "COD"), "country", True),
    (GOMA, "city", (-1.94, 30.06, 202061, "RWA"), "city", False),  # Kigali: another country
])
def test_distances_by_kind(a, ka, b, kb, ok):
    v = S.compare_places(S.Spot("a", a[0], a[1], a[3], ka, a[2]), S.Spot("b", b[0], b[1], b[3], kb, b[2]))
    assert v.ok is ok, v.text


def test_actors():
    assert S.compare_actors({("COD", "REB")}, {("COD", "REB"), ("COD", "MIL")}).detail["level"] == "shared"
    assert S.compare_actors({("COD", None)}, {("COD", "MIL")}).detail["level"] == "shared"
    assert S.compare_actors({("COD", "REB")}, {("COD", "MIL")}).detail["level"] == "country"
    assert not S.compare_actors({("RUS", "MIL")}, {("UKR", "MIL")}).ok
    assert S.compare_actors(set(), {("UKR", "MIL")}).detail["level"] == "none"
    # Other actors on the same day in the same city: not the same event.
    assert not S.match(info(actors=(("RUS", "MIL"),)), info(actors=(("UKR", "MIL"),)))
    # No place: the actors must agree.
    assert S.match(info(where=None), info(where=None))
    assert not S.match(info(where=None, actors=()), info(where=None))
    # No actors: a close place and a close day-precise date are needed.
    assert S.match(info(actors=()), info(date="2024-03-05"))
    assert not S.match(info(actors=()), info(date="2024-03", actors=()))


def test_compatible_types():
    assert S.match(info(etype="COERCE"), info(etype="ASSAULT"))
    assert S.match(info(etype="COOPERATE"), info(etype="MOBILIZE"))
    assert not S.match(info(etype="PROTEST"), info(etype="ASSAULT"))


def test_explain():
    out = S.explain(info(), info(date="2024-03-05"))
    assert out["same"] is True and out["score"] >= S.THRESHOLD
    assert out["type"]["text"] == "type: ASSAULT = ASSAULT"
    assert out["date"]["text"] == "date: 2024-03-04 vs 2024-03-05 (1 day, allowed 1)"
    assert out["place"]["text"] == "place: Goma vs Goma (0 km, allowed 50)"
    assert out["actors"]["text"] == "actors: COD-REB shared"
    far = S.explain(info(), info(where=BUNIA, name="Bunia"))
    assert far["same"] is False and far["why"] == "places too far apart"
    assert far["place"]["text"].startswith("place: Goma vs Bunia (")


# --------------------------------------------------------------------------- the store


def save(store, *docs):
    store.save_batch(None, list(docs))
    ids = []
    for d in docs:
        aid = store.article_id(d.text)
        ids += [r["id"] for r in store.query_events() if r["article_id"] == aid]
    return ids


def partition(store):
    from sqlalchemy import select

    from eventwatch.store.schema import story_members
    with store.engine.connect() as conn:
        groups = {}
        for sid, eid in conn.execute(select(story_members.c.story_id, story_members.c.event_id)):
            groups.setdefault(sid, set()).add(eid)
    return sorted(sorted(g) for g in groups.values())


def corpus():
    return [attack("a1", "wire.example", "2024-03-05", GOMA, "Goma", "2024-03-04", "2,500", 2500),
            attack("a2", "daily.example", "2024-03-06", GOMA, "Goma", "2024-03-05", "3,000", 3000),
            attack("a3", "post.example", "2024-03-05", BUNIA, "Bunia", "2024-03-04", "40", 40),
            attack("a4", "radio.example", "2024-03-07", SAKE, "Sake", "2024-03-06", None, None,
                   date_from="published")]


def test_incremental_assignment_merges_reports_and_keeps_near_misses_apart(db_url):
    with open_store(db_url) as store:
        docs = corpus()
        e1 = save(store, docs[0])
        assert len(S.assign_stories(store, e1)) == 1
        e2 = save(store, docs[1])
        e3 = save(store, docs[2])
        got = S.assign_stories(store, e2 + e3)
        assert got[e2[0]] != got[e3[0]]
        sid = got[e2[0]]
        st = S.story(store, sid)
        assert st["n_articles"] == 2 and st["n_sources"] == 2 and st["n_events"] == 2
        assert st["place_name"] == "Goma" and st["country"] == "COD"
        assert (st["first_day"], st["last_day"]) == ("2024-03-04", "2024-03-05")
        assert sorted(q["text"] for q in st["quantities"]) == ["2,500", "3,000"]
        assert st["quantities_by_source"] == {
            "wire.example": [{"text": "2,500", "value": 2500, "unit": "soldiers"}],
            "daily.example": [{"text": "3,000", "value": 3000, "unit": "soldiers"}]}
        joined = [m for m in st["members"] if m["event_id"] == e2[0]][0]
        assert joined["reasons"]["actors"] == "actors: COD-REB shared"
        assert joined["reasons"]["date"] == "date: 2024-03-05 vs 2024-03-04 (1 day, allowed 1)"
        # Assigning again is a no-op.
        assert S.assign_stories(store, e1 + e2) == {}
        rows = S.query_stories(store, type="ASSAULT", country="COD", min_articles=2)
        assert [r["id"] for r in rows] == [sid]
        assert len(S.query_stories(store, since="2024-03-05", until="2024-03-05")) == 1


def test_rebuild_equals_incremental(db_url):
    with open_store(db_url) as store:
        ids = []
        for d in corpus():
            new = save(store, d)
            S.assign_stories(store, new)
            ids += new
        incremental = partition(store)
        assert len(incremental) == 2  # Goma + Sake (3 reports), Bunia
        assert S.rebuild_stories(store) == 2
        assert partition(store) == incremental


def test_deleting_an_article_updates_its_story(db_url):
    with open_store(db_url) as store:
        docs = corpus()
        for d in docs:
            S.assign_stories(store, save(store, d))
        goma = [r for r in S.query_stories(store) if r["place_name"] == "Goma"][0]
        assert goma["n_articles"] == 3
        assert S.delete_article(store, store.article_id(docs[0].text))
        after = S.story(store, goma["id"])
        assert after["n_articles"] == 2 and [q["text"] for q in after["quantities"]] == ["3,000"]
        # Deleting through the store (cascade) then repairing.
        store.delete_article(store.article_id(docs[1].text))
        assert S.repair_stories(store) == 1
        assert S.story(store, goma["id"])["n_articles"] == 1
        store.delete_article(store.article_id(docs[3].text))
        S.repair_stories(store)
        assert S.story(store, goma["id"]) is None
        assert len(S.query_stories(store)) == 1


def test_events_of_one_article_share_a_story_only_if_they_match(tmp_path):
    with open_store(str(tmp_path / "e.db")) as store:
        base = attack("b1", "wire.example", "2024-03-05", GOMA, "Goma", "2024-03-04", None, None)
        S.assign_stories(store, save(store, base))
        # One article: an attack in Goma and another in Bunia (mismatching each other).
        two = attack("b2", "daily.example", "2024-03-05", GOMA, "Goma", "2024-03-04", "12", 12)
        ev2 = Event(id="ev2", type="ASSAULT", trigger=two.events[0].trigger, sentence=Region(0, 5),
                    source=two.events[0].source, date=EventDate("2024-03-04"),
                    location=Location("Bunia", BUNIA[0], BUNIA[1], "COD", BUNIA[2]))
        two.events.append(ev2)
        got = S.assign_stories(store, save(store, two))
        assert len(set(got.values())) == 2
        sid = S.assign_stories(store, []) or got[min(got)]
        assert S.story(store, sid)["n_articles"] == 2


def test_negated_events_join_no_story(tmp_path):
    with open_store(str(tmp_path / "e.db")) as store:
        doc = attack("n1", "wire.example", "2024-03-05", GOMA, "Goma", "2024-03-04", None, None)
        doc.events[0].status = "negated"
        assert S.assign_stories(store, save(store, doc)) == {}


def test_cli(tmp_path, capsys):
    import argparse
    import json

    from eventwatch.stories_cli import add_parser
    db = str(tmp_path / "e.db")
    with open_store(db) as store:
        save(store, *corpus())
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["stories", "--db", db, "--format", "jsonl", "--min-articles", "2"])
    assert args.func(args) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 1 and rows[0]["n_articles"] == 3
    args = parser.parse_args(["stories", "--db", db, "--rebuild"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("id") and "Goma" in out and "Bunia" in out

    # Exports per story: with its reports (and why each belongs), or flat CSV.
    args = parser.parse_args(["stories", "--db", db, "--format", "jsonl", "--min-articles", "2", "--members"])
    assert args.func(args) == 0
    full = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(full) == 1 and len(full[0]["members"]) >= 3 and all(m["reasons"] for m in full[0]["members"])
    args = parser.parse_args(["stories", "--db", db, "--format", "csv"])
    assert args.func(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("id,") and len(lines) >= 3
