"""Story assignment cost over a store of a million events in stories, SQLite and PostgreSQL.

    python bench/stories.py [--events 1000000] [--articles 100] [--db sqlite|postgresql|both]
                            [--pg-url URL] [--out FILE]

Fills a fresh store (bulk inserts straight into `articles`, `events`, `stories` and
`story_members`, as bench/query.py does): stories of the 16 PLOVER types over three years and
60 countries, about three events each, articles of 10 events. Then, for each of `--articles`
new articles of 10 events (half of them reporting existing stories, half new events), inserts
the events and times ``assign_stories(store, their ids)`` alone: median and p95 per article.
The goal is under 50 ms per article.
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
sys.path.insert(0, str(ROOT / "src"))
TYPES = ("AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT THREATEN "
         "PROTEST SANCTION MOBILIZE COERCE ASSAULT").split()
PER_ARTICLE = 10
START = dt.date(2022, 1, 1)


def countries(n: int = 60) -> list[str]:
    import pycountry
    return sorted(c.alpha_3 for c in pycountry.countries)[:n]


def seed_story(rng: random.Random, isos: list[str]) -> dict:
    c = rng.choice(isos)
    return {"type": rng.choice(TYPES), "day": START + dt.timedelta(days=rng.randrange(3 * 365)),
            "country": c, "lat": rng.uniform(-60, 70), "lon": rng.uniform(-180, 180),
            "actor": (c, rng.choice(["GOV", "MIL", "REB", "CVL"]))}


def event_of(s: dict, rng: random.Random, aid: str, k: int) -> dict:
    day = s["day"] + dt.timedelta(days=rng.choice((0, 0, 1)))
    return {"article_id": aid, "local_id": f"ev{k + 1}", "type": s["type"], "status": "occurred",
            "trigger_text": "t", "trigger_start": 0, "trigger_end": 1,
            "source_country": s["actor"][0], "source_sector": s["actor"][1],
            "location_country": s["country"], "location_name": f"place-{s['country']}",
            "location_kind": "city", "day": day, "date": day.isoformat(), "date_from": "text",
            "lat": s["lat"] + rng.uniform(-0.05, 0.05), "lon": s["lon"] + rng.uniform(-0.05, 0.05),
            "quantities": [{"text": "12", "value": 12, "unit": "people"}], "confidence": 0.5}


def fill(store, n_events: int, seed: int = 7) -> tuple[float, list[dict]]:
    from sqlalchemy import insert, select, func

    from eventwatch.store.schema import articles, events, stories, story_members

    rng = random.Random(seed)
    isos = countries()
    n_stories = max(1, n_events // 3)
    seeds = [seed_story(rng, isos) for _ in range(n_stories)]
    now = dt.datetime.now(dt.timezone.utc)
    t0 = time.perf_counter()
    with store.engine.begin() as conn:
        conn.execute(insert(stories), [{
            "id": i + 1, "type": s["type"], "first_day": s["day"], "last_day": s["day"] + dt.timedelta(days=1),
            "date": s["day"].isoformat(), "place_name": f"place-{s['country']}", "lat": s["lat"],
            "lon": s["lon"], "country": s["country"], "n_events": 0, "n_articles": 0, "n_sources": 0}
            for i, s in enumerate(seeds)])
        made, chunk = 0, 20_000
        while made < n_events:
            arts, evs, story_of = [], [], []
            for _ in range(chunk // PER_ARTICLE):
                aid = f"{made:064x}"
                arts.append({"id": aid, "text": f"generated article {made}", "status": "analysed",
                             "source": f"outlet{rng.randrange(50)}", "published": START,
                             "ingested_at": now, "language": "en"})
                for k in range(PER_ARTICLE):
                    sid = rng.randrange(n_stories)
                    evs.append(event_of(seeds[sid], rng, aid, k))
                    story_of.append(sid + 1)
                made += PER_ARTICLE
            conn.execute(insert(articles), arts)
            ids = conn.execute(insert(events).returning(events.c.id, sort_by_parameter_order=True),
                               evs).scalars().all()
            conn.execute(insert(story_members), [
                {"event_id": e, "story_id": s, "score": 1.0, "reasons": None} for e, s in zip(ids, story_of)])
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('stories', 'id'), "
                                 "(SELECT max(id) FROM stories))")
    return time.perf_counter() - t0, seeds


def measure(store, seeds: list[dict], n_articles: int, seed: int = 11, tag: str = "new") -> dict:
    from sqlalchemy import insert

    from eventwatch.stories import assign_stories
    from eventwatch.store.schema import articles, events

    rng = random.Random(seed)
    isos = countries()
    now = dt.datetime.now(dt.timezone.utc)
    times, joined = [], 0
    for n in range(n_articles):
        aid = f"{tag}{n:061x}"
        evs = [event_of(rng.choice(seeds) if k % 2 == 0 else seed_story(rng, isos), rng, aid, k)
               for k in range(PER_ARTICLE)]
        with store.engine.begin() as conn:
            conn.execute(insert(articles), {"id": aid, "text": f"new article {n}", "status": "analysed",
                                            "source": "bench-outlet", "published": START,
                                            "ingested_at": now, "language": "en"})
            ids = conn.execute(insert(events).returning(events.c.id, sort_by_parameter_order=True),
                               evs).scalars().all()
        t0 = time.perf_counter()
        got = assign_stories(store, ids)
        times.append((time.perf_counter() - t0) * 1000)
        joined += sum(1 for s in got.values() if s <= len(seeds))
    times.sort()
    return {"median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1), "max_ms": round(times[-1], 1),
            "joined_existing": round(joined / (n_articles * PER_ARTICLE), 2)}


def run(url: str, args) -> dict:
    from eventwatch.store import open_store

    store = open_store(url)
    try:
        fill_s, seeds = fill(store, args.events)
        if store.engine.dialect.name == "postgresql":
            with store.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        measure(store, seeds, 3, seed=5, tag="wup")  # warm up
        result = measure(store, seeds, args.articles)
        result["fill_s"] = round(fill_s, 1)
        return result
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    ap.add_argument("--pg-url")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    from databases import on_databases  # bench/databases.py
    results = on_databases(args.db, args.pg_url, lambda url: run(url, args))
    for name, r in results.items():
        verdict = "ok" if r["p95_ms"] < 50 else "over the goal"
        print(f"{name}: p95 {r['p95_ms']} ms of story work per article of {PER_ARTICLE} events "
              f"over {args.events:,} events ({verdict})")
    if args.out:
        args.out.write_text(json.dumps({"events": args.events, **results}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
