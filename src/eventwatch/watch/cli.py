"""The watch commands: ``eventwatch watchlists``, ``eventwatch alerts`` and ``eventwatch watch``.

    eventwatch watchlists add FILE.yaml [--db URL]       # add or replace (by name)
    eventwatch watchlists list | show NAME | remove NAME | enable NAME | disable NAME
    eventwatch watchlists test FILE.yaml [--limit N]     # what it would match among stored events
    eventwatch alerts [--watchlist NAME] [--since DAY] [--limit N] [--format table|jsonl|json]
    eventwatch alerts --deliver | --retry               # send what is due / requeue failed ones
    eventwatch watch --feeds FILE --every 15m [--watchlists FILE] [--once]

Wired into ``eventwatch.cli`` by ``add_parsers(subparsers)``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from typing import Any

from ..cli import DEFAULT_DB, EXIT_OK, store_location
from ..errors import InputError

EXIT_NOT_FOUND = 1


def add_parsers(sub: Any) -> None:
    db_help = f"the store (default $EVENTWATCH_DB, else {DEFAULT_DB})"

    p = sub.add_parser("watchlists", help="add, list, test or remove watchlists (YAML)",
                       description="Watchlists say which new events raise alerts; see the README for the format.")
    p.add_argument("action", choices=("add", "list", "show", "remove", "enable", "disable", "test"))
    p.add_argument("target", nargs="?", help="a YAML file (add, test) or a watchlist name")
    p.add_argument("--db", help=db_help)
    p.add_argument("--limit", type=int, default=1000, help="test: the most recent N stored events (default 1000)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_watchlists)

    p = sub.add_parser("alerts", help="list the alerts the watchlists raised; deliver or retry them")
    p.add_argument("--db", help=db_help)
    p.add_argument("--watchlist", help="only this watchlist's alerts")
    p.add_argument("--since", help="alerts raised on this day (YYYY-MM-DD) or later")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--format", choices=("table", "jsonl", "json"), default="table")
    p.add_argument("--deliver", action="store_true", help="send the deliveries that are due, then list")
    p.add_argument("--retry", action="store_true", help="queue the deliveries that gave up again, and send them")
    p.set_defaults(func=cmd_alerts)

    p = sub.add_parser("watch", help="poll feeds on a schedule: ingest new articles, raise and deliver alerts")
    p.add_argument("--feeds", required=True, help="a file listing feed URLs (or feed files), one per line")
    p.add_argument("--every", default="15m", help="time between polls: 30s, 15m, 1h ... (default 15m)")
    p.add_argument("--db", help=db_help)
    p.add_argument("--watchlists", help="a YAML file of watchlists to add (or update) before starting")
    p.add_argument("--published", help="publication date for articles that carry none")
    p.add_argument("--workers", type=int, default=1, help="analysis processes")
    p.add_argument("--once", action="store_true", help="poll once and exit")
    p.set_defaults(func=cmd_watch)


def _store(args: argparse.Namespace):
    from ..store import open_store
    return open_store(store_location(args.db))


def cmd_watchlists(args: argparse.Namespace) -> int:
    from . import alerts
    from .watchlists import load_file

    if args.action in ("add", "test", "show", "remove", "enable", "disable") and not args.target:
        raise InputError(f"watchlists {args.action}: give a {'file' if args.action in ('add', 'test') else 'name'}")
    if args.action in ("add", "test"):
        items = load_file(args.target)  # checked before the store is touched
    with _store(args) as store:
        if args.action == "add":
            for name in alerts.save_watchlists(store, items):
                print(f"watchlist {name} saved", file=sys.stderr)
        elif args.action == "test":
            for w in items:
                hits = alerts.dry_run(store, w, limit=args.limit)
                print(f"{w.name}: {len(hits)} of the {args.limit} most recent events match", file=sys.stderr)
                for h in hits:
                    e = h["event"]
                    print(json.dumps({"watchlist": w.name, "event_id": e["id"], "type": e["type"],
                                      "place": e["location_name"], "sentence": e["sentence"],
                                      "reasons": h["reasons"]}, ensure_ascii=False))
        elif args.action == "list":
            rows = alerts.list_watchlists(store)
            if args.format == "json":
                print(json.dumps([_plain(r) for r in rows], ensure_ascii=False, indent=2, default=str))
            else:
                for r in rows:
                    state = "" if r["enabled"] else " (disabled)"
                    print(f"{r['name']}{state}\t{r['alerts']} alert(s)\t{r['spec'].get('description') or ''}")
        elif args.action == "show":
            row = alerts.get_watchlist(store, args.target)
            if row is None:
                print(f"eventwatch: no watchlist {args.target!r}", file=sys.stderr)
                return EXIT_NOT_FOUND
            import yaml
            sys.stdout.write(yaml.safe_dump(row["spec"], sort_keys=False, allow_unicode=True))
        else:
            done = (alerts.remove_watchlist(store, args.target) if args.action == "remove"
                    else alerts.set_enabled(store, args.target, args.action == "enable"))
            if not done:
                print(f"eventwatch: no watchlist {args.target!r}", file=sys.stderr)
                return EXIT_NOT_FOUND
            print(f"watchlist {args.target} {args.action}d", file=sys.stderr)
    return EXIT_OK


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in row.items()}


def cmd_alerts(args: argparse.Namespace) -> int:
    from . import alerts

    since = None
    if args.since:
        try:
            since = dt.datetime.combine(dt.date.fromisoformat(args.since), dt.time(), dt.timezone.utc)
        except ValueError:
            raise InputError(f"--since {args.since!r}: expected YYYY-MM-DD") from None
    with _store(args) as store:
        if args.retry:
            n = alerts.requeue_failed(store)
            print(f"{n} failed deliveries queued again", file=sys.stderr)
        if args.deliver or args.retry:
            alerts.check_new(store)
            counts = alerts.deliver(store)
            print(f"deliveries: {counts['sent']} sent, {counts['retrying']} to retry, "
                  f"{counts['failed']} failed", file=sys.stderr)
        rows = alerts.query_alerts(store, watchlist=args.watchlist, since=since, limit=args.limit)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    elif args.format == "jsonl":
        for r in rows:
            print(json.dumps(r, ensure_ascii=False, default=str))
    else:
        _table(rows)
    return EXIT_OK


def _table(rows: list[dict[str, Any]]) -> None:
    cols = ("id", "created", "watchlist", "type", "place", "date", "story", "delivered", "why")
    cells = []
    for r in rows:
        e = r["event"]
        sent = sum(1 for d in r.get("deliveries", []) if d["status"] == "sent")
        cells.append([str(r["id"]), (r["created_at"] or "")[:16], r["watchlist"], e["type"],
                      f"{e['location_name'] or ''} {e['location_country'] or ''}".strip(), e["date"] or "",
                      "" if r["story_id"] is None else str(r["story_id"]),
                      f"{sent}/{len(r.get('deliveries', []))}", "; ".join(r["reasons"])[:80]])
    widths = [max([len(c)] + [len(x[i]) for x in cells]) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip())
    for x in cells:
        print("  ".join(v.ljust(w) for v, w in zip(x, widths)).rstrip())


def cmd_watch(args: argparse.Namespace) -> int:
    from . import alerts
    from .daemon import Watcher, parse_interval, read_feeds_file, run_until_signalled
    from .watchlists import load_file

    every = parse_interval(args.every)
    feeds = read_feeds_file(args.feeds)
    items = load_file(args.watchlists) if args.watchlists else []
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with _store(args) as store:
        if items:
            alerts.save_watchlists(store, items)
        watcher = Watcher(store, feeds, every, published=args.published, workers=args.workers)
        print(f"watching {len(feeds)} feed(s) every {args.every} ({store!r})", file=sys.stderr, flush=True)
        try:
            polls = run_until_signalled(watcher, once=args.once)
        except KeyboardInterrupt:
            print("stopped at once", file=sys.stderr)
            return EXIT_OK
    print(f"stopped after {polls} poll(s)", file=sys.stderr)
    return EXIT_OK
