"""``eventwatch stories``: the stories of the store (the same event reported by several outlets).

    eventwatch stories [--db URL] [--type T] [--country ISO3] [--since D] [--until D]
                       [--min-articles N] [--limit N] [--format table|jsonl|json] [--rebuild]

``--rebuild`` recomputes every story first (maintenance: after changing the matching rules or
deleting articles outside `eventwatch.stories.delete_article`); otherwise events not yet in a
story are assigned first (incrementally), then the stories are listed.
Wired into ``eventwatch.cli`` by ``add_parser(subparsers)``.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .cli import DEFAULT_DB, store_location


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("stories", help="list stories: one real event reported by several articles",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("--db", help=f"the store (default $EVENTWATCH_DB, else {DEFAULT_DB})")
    p.add_argument("--type", help="PLOVER type")
    p.add_argument("--country", help="ISO3 country of the story's place")
    p.add_argument("--since", help="stories covering this day or later")
    p.add_argument("--until", help="stories covering this day or earlier")
    p.add_argument("--min-articles", type=int, default=None, help="at least N articles")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--format", choices=("table", "jsonl", "json", "csv"), default="table")
    p.add_argument("--members", action="store_true",
                   help="with each story's reports (why each belongs) and figures by source (json, jsonl)")
    p.add_argument("--rebuild", action="store_true", help="recompute every story first (maintenance)")
    p.set_defaults(func=cmd_stories)
    return p


def _table(rows: list[dict[str, Any]], out: Any) -> None:
    cols = ["id", "type", "first_day", "last_day", "place_name", "country", "n_events",
            "n_articles", "n_sources"]
    cells = [[("" if r.get(c) is None else str(r.get(c))) for c in cols] for r in rows]
    widths = [max([len(c)] + [len(x[i]) for x in cells]) for i, c in enumerate(cols)]
    out.write("  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip() + "\n")
    for x in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(x, widths)).rstrip() + "\n")


def cmd_stories(args: argparse.Namespace) -> int:
    from .store import open_store
    from .stories import assign_new, query_stories, rebuild_stories, story

    db = store_location(args.db)
    with open_store(db) as store:
        if args.rebuild:
            n = rebuild_stories(store)
            print(f"rebuilt {n} stories", file=sys.stderr)
        else:
            assign_new(store)
        rows = query_stories(store, type=args.type, country=args.country, since=args.since,
                             until=args.until, min_articles=args.min_articles, limit=args.limit)
        if args.members and args.format in ("json", "jsonl"):
            rows = [story(store, r["id"]) or r for r in rows]
    if args.format == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    elif args.format == "jsonl":
        for r in rows:
            sys.stdout.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    elif args.format == "csv":
        import csv
        writer = None
        for r in rows:
            flat = {k: (json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (list, dict)) else v)
                    for k, v in r.items()}
            if writer is None:
                writer = csv.DictWriter(sys.stdout, fieldnames=list(flat))
                writer.writeheader()
            writer.writerow(flat)
    else:
        _table(rows, sys.stdout)
    return 0
