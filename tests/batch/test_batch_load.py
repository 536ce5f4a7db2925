"""`eventwatch load`: a batch output folder into the store (SQLite and PostgreSQL), idempotently,
with the same events `eventwatch ingest` stores."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from batch_samples import write_corpus
from eventwatch.batch import load_batch, run_batch
from eventwatch.ingest import ingest
from eventwatch.store import open_store


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> tuple[Path, Path]:
    corpus = write_corpus(tmp_path_factory.mktemp("corpus") / "news")
    out = tmp_path_factory.mktemp("batch") / "out"
    report = run_batch([str(corpus)], str(out), workers=2)
    assert report.done == 4
    return corpus, out


def test_load_twice_stores_everything_once(output, db_url):
    _, out = output
    with open_store(db_url) as store:
        first = load_batch(str(out), store)
        assert (first.shards, first.new, first.skipped, first.known, first.errors) == (4, 11, 1, 0, 1)
        counts = store.counts()
        assert counts["articles"] == 11 and counts["skipped"] == 1 and counts["events"] > 11
        assert counts["errors"] == 1
        stored = store.article(next(iter(a["id"] for a in store.query_articles(status="analysed"))))
        assert stored["entities"] and "text" in stored

        second = load_batch(str(out), store)
        assert (second.new, second.skipped, second.known, second.errors) == (0, 0, 12, 0)
        again = store.counts()
        assert {k: v for k, v in again.items() if k != "runs"} == {k: v for k, v in counts.items() if k != "runs"}
        assert again["runs"] == counts["runs"] + 1  # only the run itself is recorded again
        assert [r["status"] for r in store.runs()] == ["done", "done"]


def test_overlapping_folders_share_their_articles(output, tmp_path):
    _, out = output
    partial = tmp_path / "partial"
    shutil.copytree(out, partial)
    for marker in list((partial / "_shards").glob("*.done"))[:2]:
        marker.unlink()
    with open_store(str(tmp_path / "events.db")) as store:
        first = load_batch(str(partial), store, stories=False)
        second = load_batch(str(out), store, stories=False)
        assert first.shards == 2 and second.shards == 4
        assert first.new + second.new == 11 and second.known == first.new + first.skipped
        assert store.counts()["articles"] == 11


def test_batch_then_load_stores_what_ingest_stores(output, tmp_path):
    corpus, out = output
    columns = ("type", "status", "trigger_text", "trigger_start", "source_name", "source_country",
               "target_name", "target_country", "date", "day", "location_name", "lat", "lon", "confidence")

    def events(store) -> list[tuple]:
        return sorted(tuple(str(e[c]) for c in ("article_id", *columns)) for e in store.query_events())

    with open_store(str(tmp_path / "loaded.db")) as loaded, open_store(str(tmp_path / "ingested.db")) as ingested:
        load_batch(str(out), loaded, stories=False)
        ingest([str(corpus)], ingested, stories=False, alerts=False, dedup=False)
        assert events(loaded) == events(ingested) and events(loaded)
        assert loaded.counts()["articles"] == ingested.counts()["articles"]


def test_load_raises_the_watchlists_alerts(output, tmp_path):
    from eventwatch.watch import alerts
    from eventwatch.watch.watchlists import parse

    _, out = output
    with open_store(str(tmp_path / "alerts.db")) as store:
        alerts.save_watchlists(store, [parse({"name": "arrests-in-afghanistan",
                                              "when": {"type": "COERCE", "location": {"country": "AFG"}}})])
        report = load_batch(str(out), store)
        raised = alerts.query_alerts(store)
        assert raised and report.alerts == len(raised)
        assert {a["event"]["location_country"] for a in raised} == {"AFG"}
        assert load_batch(str(out), store).alerts == 0  # loading again alerts nothing new
        assert load_batch(str(out), store, alerts=False).alerts == 0
