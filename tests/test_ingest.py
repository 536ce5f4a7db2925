"""`eventwatch ingest`: sources -> pipeline -> store, on SQLite and PostgreSQL.

The articles here are short news stories written for these tests.
"""
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventwatch.ingest import ingest
from eventwatch.store import open_store

CITIES = ["Nairobi", "Lagos", "Kabul", "Lahore", "Bogota", "Manila", "Dhaka", "Tunis", "Quito", "Hanoi"]
FORCES = ["police", "soldiers", "rebels", "protesters", "officials"]


def story(n: int) -> str:
    """A distinct short news story (number ``n``) with at least one event."""
    city = CITIES[n % len(CITIES)]
    force = FORCES[n % len(FORCES)]
    return (f"Police arrested {n + 3} protesters in {city} on Monday after a march against fuel prices "
            f"turned violent, officials said. The {force} said the march, the {n + 1}th this year, "
            f"had blocked the main road for hours. Government spokesman number {n} said talks with the "
            f"organisers would resume on Friday.")


def write_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"story-{i:03d}.txt").write_text(story(i), encoding="utf-8")
    return folder


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "events.db")
    return request.getfixturevalue("pg_url")


def test_ingest_stores_each_article_once_and_reingest_is_a_no_op(db_url, tmp_path):
    corpus = write_corpus(tmp_path / "news", 6)
    (corpus / "broken.json").write_text("{not json", encoding="utf-8")
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    store = open_store(db_url)
    try:
        first = ingest([str(corpus)], store, published="2024-03-07")
        assert first.new == 6 and first.duplicates == 0
        # The two bad files are recorded with their error and named; the good ones are stored.
        assert {Path(origin).name.split(":")[0] for origin, _ in first.errors} == {"broken.json", "empty.txt"}
        assert store.counts()["articles"] == 6
        events = list(store.query_events(type="COERCE"))
        assert len({e["article_id"] for e in events}) == 6

        again = ingest([str(corpus)], store, published="2024-03-07")
        assert again.new == 0 and again.duplicates == 6
        assert store.counts()["articles"] == 6
        assert len(list(store.query_events(type="COERCE"))) == len(events)
    finally:
        store.close()


def test_ingest_with_two_workers_matches_one(tmp_path):
    corpus = write_corpus(tmp_path / "news", 10)
    results = []
    for workers in (1, 2):
        store = open_store(str(tmp_path / f"w{workers}.db"))
        try:
            report = ingest([str(corpus)], store, published="2024-03-07", workers=workers, batch_size=3)
            assert report.new == 10
            rows = sorted((e["article_id"], e["type"], e["trigger_text"]) for e in store.query_events())
            results.append(rows)
        finally:
            store.close()
    assert results[0] == results[1] and results[0]


def test_cli_ingest_then_query(tmp_path):
    corpus = write_corpus(tmp_path / "news", 3)
    db = tmp_path / "cli.db"
    env = dict(os.environ, EVENTWATCH_DB=str(db))
    run = subprocess.run([sys.executable, "-m", "eventwatch.cli", "ingest", str(corpus), "--published",
                          "2024-03-07", "--quiet"], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "3 new article(s)" in run.stderr
    out = subprocess.run([sys.executable, "-m", "eventwatch.cli", "events", "--type", "COERCE",
                          "--format", "jsonl"], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) >= 3 and all(r["type"] == "COERCE" for r in rows)

    # --near resolves a gazetteer place: Nairobi's story is within 50 km, Lagos's is not.
    near = subprocess.run([sys.executable, "-m", "eventwatch.cli", "events", "--near", "Nairobi", "--km", "50",
                           "--format", "jsonl"], capture_output=True, text=True, env=env, timeout=300)
    assert near.returncode == 0, near.stderr
    places = {json.loads(line)["location_name"] for line in near.stdout.splitlines()}
    assert places == {"Nairobi"}

    geo = tmp_path / "events.geojson"
    exp = subprocess.run([sys.executable, "-m", "eventwatch.cli", "export", "--format", "geojson", str(geo)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert exp.returncode == 0, exp.stderr
    collection = json.loads(geo.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) >= len(rows)


KILLS = 10


def test_killed_runs_end_with_every_article_stored_exactly_once(db_url, tmp_path):
    """SIGKILL an ingest at random moments, ten times, then let one finish: every article is
    stored exactly once, and each stored article is whole (its events all there)."""
    n = 24
    corpus = write_corpus(tmp_path / "news", n)
    env = dict(os.environ, EVENTWATCH_DB=db_url)
    cmd = [sys.executable, "-m", "eventwatch.cli", "ingest", str(corpus), "--published", "2024-03-07",
           "--batch-size", "2", "--quiet"]
    seed = int(os.environ.get("EVENTWATCH_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    # The models take about 3 s to load; kills land before, during and after the first writes.
    for k in range(KILLS):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 7.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (seed, done.stderr)

    store = open_store(db_url)
    try:
        # The stories are variations of one template: some are near-duplicates of others and
        # are stored as such (linked, not analysed). Every file is there once either way.
        counts = store.counts()
        assert counts["articles"] + counts["duplicates"] == n, f"seed {seed}: {counts}"
        per_article = {}
        for e in store.query_events():
            per_article[e["article_id"]] = per_article.get(e["article_id"], 0) + 1
        assert len(per_article) == counts["articles"], f"seed {seed}"
        for aid in per_article:
            analysis = store.article(aid)
            assert per_article[aid] == len(analysis["events"]), f"partial article {aid}, seed {seed}"
    finally:
        store.close()
