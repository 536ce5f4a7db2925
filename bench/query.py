"""Query latency on a store of a million generated events, SQLite and PostgreSQL.

    python bench/query.py [--events 1000000] [--queries 200] [--db sqlite|postgresql|both]
                          [--pg-url URL] [--out FILE]

Fills a fresh store with generated events (bulk inserts straight into the `articles` and
`events` tables: 20 events per article, 60 countries, the 16 PLOVER types, dates over three
years), then times ``Store.query_events(country=..., type=..., since=..., until=...)`` for
random filters (a 90-day range), consuming every row, and reports the median and p95. The goal
is p95 < 200 ms on both databases. Without ``--pg-url``, a throwaway PostgreSQL cluster is
started the way the tests start one (`tests/conftest_pg.py`).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TYPES = ("AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT THREATEN "
         "PROTEST SANCTION MOBILIZE COERCE ASSAULT").split()


def countries(n: int = 60) -> list[str]:
    import pycountry
    return sorted(c.alpha_3 for c in pycountry.countries)[:n]


def fill(store, n_events: int, seed: int = 7) -> float:
    """Insert ``n_events`` generated events; returns the seconds it took."""
    from sqlalchemy import insert

    from eventwatch.store.schema import articles, events

    rng = random.Random(seed)
    isos = countries()
    start = dt.date(2022, 1, 1)
    per_article, chunk = 20, 20_000
    now = dt.datetime.now(dt.timezone.utc)
    t0 = time.perf_counter()
    made = 0
    with store.engine.begin() as conn:
        while made < n_events:
            arts, evs = [], []
            for _ in range(chunk // per_article):
                aid = f"{made:064x}"
                day = start + dt.timedelta(days=rng.randrange(3 * 365))
                arts.append({"id": aid, "text": f"generated article {made}", "status": "analysed",
                             "published": day, "ingested_at": now, "language": "en"})
                for k in range(per_article):
                    c1, c2 = rng.choice(isos), rng.choice(isos)
                    evs.append({"article_id": aid, "local_id": f"ev{k + 1}", "type": rng.choice(TYPES),
                                "status": "occurred", "trigger_text": "t", "trigger_start": 0,
                                "trigger_end": 1, "source_country": c1, "target_country": c2,
                                "location_country": c1, "day": day, "date": day.isoformat(),
                                "lat": rng.uniform(-60, 70), "lon": rng.uniform(-180, 180),
                                "confidence": rng.random()})
                made += per_article
            conn.execute(insert(articles), arts)
            conn.execute(insert(events), evs)
    return time.perf_counter() - t0


def measure(store, n_queries: int, seed: int = 11) -> dict:
    rng = random.Random(seed)
    isos = countries()
    times, rows = [], 0
    for _ in range(n_queries):
        since = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365 - 90))
        until = since + dt.timedelta(days=90)
        t0 = time.perf_counter()
        rows += sum(1 for _ in store.query_events(country=rng.choice(isos), type=rng.choice(TYPES),
                                                  since=since.isoformat(), until=until.isoformat()))
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "max_ms": round(times[-1], 1), "mean_rows": round(rows / n_queries, 1)}


def run(url: str, args) -> dict:
    from eventwatch.store import open_store

    store = open_store(url)
    try:
        fill_s = fill(store, args.events)
        if store.engine.dialect.name == "postgresql":
            with store.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        measure(store, 5)  # warm the caches
        result = measure(store, args.queries)
        result["fill_s"] = round(fill_s, 1)
        return result
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--pg-url")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    from databases import on_databases  # bench/databases.py
    results = on_databases(args.db, args.pg_url, lambda url: run(url, args))
    for name, r in results.items():
        verdict = "ok" if r["p95_ms"] < 200 else "over the goal"
        print(f"{name}: p95 {r['p95_ms']} ms for country + type + 90-day range over {args.events:,} events ({verdict})")
    if args.out:
        args.out.write_text(json.dumps({"events": args.events, **results}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
