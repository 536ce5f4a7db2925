"""Alerts on SQLite and PostgreSQL: new events matched once per story, watchlists alerting from
when they were added, the cursor, and deliveries that are retried later and never lost
(against a real HTTP receiver on 127.0.0.1).

The documents are short texts written for these tests, with their analysis built by hand.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from eventwatch import stories as S
from eventwatch.document import Actor, Document, Event, EventDate, Location, Region, Span
from eventwatch.watch import alerts as A
from eventwatch.watch.watchlists import parse

GOMA = (-1.67409, 29.22845, 216281, "COD", "Goma")
BUNIA = (1.56667, 30.25, 217570, "COD", "Bunia")
KIGALI = (-1.94995, 30.05885, 202061, "RWA", "Kigali")


def attack(doc_id: str, outlet: str, where: tuple, date: str, status: str = "occurred") -> Document:
    lat, lon, gid, country, name = where
    text = f"M23 rebels attacked an army base near {name} on Monday, officials told {outlet} ({doc_id})."
    doc = Document(text=text, id=doc_id, source=outlet, url=f"https://{outlet}/{doc_id}", published=date)
    t0 = text.index("attacked")
    doc.events = [Event(id="ev1", type="ASSAULT", trigger=Span.of(text, t0, t0 + 8), status=status,
                        sentence=Region(0, len(text)),
                        source=Actor.of(text, 0, 11, name="M23 rebels", country="COD", sector="REB"),
                        date=EventDate(date, "text"), location=Location(name, lat, lon, country, gid))]
    return doc


def store_docs(store, *docs) -> list[int]:
    """Save, assign stories and match, as an ingest does; the new alerts' ids."""
    store.save_batch(None, list(docs))
    S.assign_new(store)
    return A.check_new(store)


ASSAULT_COD = {"name": "fighting-in-congo", "when": {"type": "ASSAULT", "location": {"country": "COD"}}}


def test_once_per_story_with_reasons(store):
    A.save_watchlists(store, [parse(ASSAULT_COD)])
    first = store_docs(store, attack("a1", "wire.example", GOMA, "2024-03-04"))
    assert len(first) == 1
    # The same attack told by another outlet the next day joins the story: no second alert.
    assert store_docs(store, attack("a2", "daily.example", GOMA, "2024-03-05")) == []
    # Another attack, 400 km away, is another story; one in Rwanda matches nothing.
    assert len(store_docs(store, attack("a3", "wire.example", BUNIA, "2024-03-05"),
                          attack("a4", "wire.example", KIGALI, "2024-03-05"))) == 1
    rows = A.query_alerts(store)
    assert [r["event"]["location_name"] for r in rows] == ["Bunia", "Goma"]  # newest first
    goma = rows[1]
    assert goma["watchlist"] == "fighting-in-congo"
    assert goma["reasons"] == ["type ASSAULT is one of ASSAULT", "in Goma (COD), in COD"]
    assert goma["article"]["url"] == "https://wire.example/a1"
    assert goma["event"]["sentence"].startswith("M23 rebels attacked an army base near Goma")
    assert goma["story_id"] is not None and goma["deliveries"] == []
    assert [w["alerts"] for w in A.list_watchlists(store)] == [2]
    # Matching again finds nothing new (the cursor moved).
    assert A.check_new(store) == []


def test_two_reports_of_one_story_in_one_batch_alert_once(store):
    A.save_watchlists(store, [parse(ASSAULT_COD)])
    assert len(store_docs(store, attack("b1", "wire.example", GOMA, "2024-03-04"),
                          attack("b2", "daily.example", GOMA, "2024-03-04"))) == 1


def test_a_watchlist_alerts_on_events_stored_after_it(store):
    store_docs(store, attack("c1", "wire.example", GOMA, "2024-03-04"))
    A.save_watchlists(store, [parse(ASSAULT_COD)])
    assert A.check_new(store) == []  # the backlog raises nothing
    assert len(store_docs(store, attack("c2", "wire.example", BUNIA, "2024-05-01"))) == 1
    # Replacing the watchlist (same name) keeps its start and its alerts.
    A.save_watchlists(store, [parse({**ASSAULT_COD, "description": "edited"})])
    assert A.list_watchlists(store)[0]["alerts"] == 1
    assert A.check_new(store) == []


def test_negated_events_disabled_and_removed_watchlists(store):
    A.save_watchlists(store, [parse(ASSAULT_COD)])
    assert store_docs(store, attack("d1", "wire.example", GOMA, "2024-03-04", status="negated")) == []
    assert A.set_enabled(store, "fighting-in-congo", False)
    assert store_docs(store, attack("d2", "wire.example", BUNIA, "2024-03-09")) == []
    assert A.set_enabled(store, "fighting-in-congo", True)
    assert len(store_docs(store, attack("d3", "wire.example", GOMA, "2024-06-09"))) == 1
    assert A.remove_watchlist(store, "fighting-in-congo")
    assert A.query_alerts(store) == [] and A.list_watchlists(store) == []
    assert not A.remove_watchlist(store, "fighting-in-congo")


class Receiver:
    """An HTTP server on 127.0.0.1 that records JSON posts; `up` says whether it accepts them."""

    def __init__(self):
        self.bodies: list[dict] = []
        self.up = True
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if outer.up:
                    outer.bodies.append(json.loads(body))
                self.send_response(200 if outer.up else 503)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_failed_deliveries_are_recorded_and_retried_later(store, receiver):
    spec = {**ASSAULT_COD, "notify": [{"webhook": receiver.url, "retries": 0, "backoff": 0}]}
    A.save_watchlists(store, [parse(spec)])
    receiver.up = False
    store_docs(store, attack("e1", "wire.example", GOMA, "2024-03-04"))
    assert A.deliver(store) == {"sent": 0, "failed": 0, "retrying": 1}
    [alert] = A.query_alerts(store)
    [d] = alert["deliveries"]
    assert d["status"] == "pending" and d["attempts"] == 1 and "503" in d["last_error"]
    # Not before its time ...
    assert A.deliver(store) == {"sent": 0, "failed": 0, "retrying": 0}
    # ... then, the receiver back up, delivered once.
    receiver.up = True
    later = dt.datetime.now(dt.timezone.utc) + A.retry_delay(1) + dt.timedelta(seconds=1)
    assert A.deliver(store, now=later) == {"sent": 1, "failed": 0, "retrying": 0}
    assert [b["event"]["location_name"] for b in receiver.bodies] == ["Goma"]
    assert receiver.bodies[0]["watchlist"] == "fighting-in-congo"
    assert A.query_alerts(store)[0]["deliveries"][0]["status"] == "sent"
    assert A.deliver(store, now=later + dt.timedelta(days=1))["sent"] == 0  # never twice


def test_deliveries_give_up_after_the_last_attempt_and_can_be_requeued(store, receiver, monkeypatch):
    monkeypatch.setattr(A, "MAX_ATTEMPTS", 2)
    spec = {**ASSAULT_COD, "notify": [{"webhook": receiver.url, "retries": 0, "backoff": 0}]}
    A.save_watchlists(store, [parse(spec)])
    receiver.up = False
    store_docs(store, attack("f1", "wire.example", GOMA, "2024-03-04"))
    far = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    assert A.deliver(store)["retrying"] == 1
    assert A.deliver(store, now=far)["failed"] == 1
    assert A.query_alerts(store)[0]["deliveries"][0]["status"] == "failed"
    receiver.up = True
    assert A.requeue_failed(store) == 1
    assert A.deliver(store)["sent"] == 1 and len(receiver.bodies) == 1


def test_dry_run_stores_nothing(store):
    store_docs(store, attack("g1", "wire.example", GOMA, "2024-03-04"),
               attack("g2", "wire.example", KIGALI, "2024-03-04"))
    hits = A.dry_run(store, parse(ASSAULT_COD))
    assert [h["event"]["location_name"] for h in hits] == ["Goma"]
    assert A.query_alerts(store) == []
