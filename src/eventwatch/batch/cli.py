"""``eventwatch batch`` and ``eventwatch load``: large corpora to Parquet, on one machine or Ray.

    eventwatch batch INPUT... --out DIR [--engine local|ray] [--ray-address ADDR] [--workers N]
                     [--published DATE] [--shard-mb N] [--retries N] [--quiet]
    eventwatch load DIR [--db URL] [--no-stories] [--no-alerts] [--quiet]

Exit status: 0 when every shard is complete and every record analysed; 1 when some records
could not be read or analysed (the errors table lists them) or some shards failed (run the
same command again: complete shards are skipped); 2 when an input, the output folder or the
engine cannot be used.
Wired into ``eventwatch.cli`` by ``add_parsers(subparsers)``.
"""
from __future__ import annotations

import argparse
import sys
from typing import Any

from ..cli import DEFAULT_DB, store_location
from .engines import ENGINES, RETRIES
from .shards import SPLIT_BYTES


def add_parsers(subparsers: Any) -> None:
    """Add the ``batch`` and ``load`` subcommands."""
    p = subparsers.add_parser(
        "batch", help="analyse a large corpus into Parquet partitions (local processes or a Ray cluster)",
        description="Analyse JSON Lines, WARC and text shards into Parquet partitions (articles, "
                    "entities, mentions, places, times, quotes, events, actors, errors; by publication "
                    "day) and a manifest. A rerun skips the shards already complete.")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="files or folders (.jsonl .warc .warc.gz .txt .html .json), local or URIs "
                        "(s3://, gs://, ... with pyarrow's or fsspec's filesystems)")
    p.add_argument("--out", required=True, metavar="DIR", help="the output folder (a path or a URI)")
    p.add_argument("--engine", choices=ENGINES, default="local",
                   help="local: processes on this machine; ray: Ray Data on a Ray cluster "
                        "(pip install 'eventwatch[ray]')")
    p.add_argument("--ray-address", metavar="ADDR",
                   help="the Ray cluster to join (auto, HOST:6379, ray://HOST:10001; default "
                        "$RAY_ADDRESS, else a cluster started on this machine)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="analysis processes or Ray actors, each loading the models once "
                        "(default: every CPU of the machine or cluster)")
    p.add_argument("--published", help="publication date for articles that carry none")
    p.add_argument("--shard-mb", type=float, default=SPLIT_BYTES / 2**20, metavar="MB",
                   help=f"split JSON Lines files larger than this into shards of this size "
                        f"(default {SPLIT_BYTES // 2**20})")
    p.add_argument("--retries", type=int, default=RETRIES,
                   help=f"attempts after the first at a shard whose worker died (default {RETRIES})")
    p.add_argument("--quiet", action="store_true", help="no line per shard on standard error")
    p.set_defaults(func=cmd_batch)

    p = subparsers.add_parser("load", help="load a batch output folder into the store (idempotent)",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("dir", metavar="DIR", help="a folder written by eventwatch batch")
    p.add_argument("--db", help=f"the store: an SQLite file or a postgresql:// URL (default "
                                f"$EVENTWATCH_DB, else {DEFAULT_DB})")
    p.add_argument("--no-stories", action="store_true", help="do not merge the new events into stories")
    p.add_argument("--no-alerts", action="store_true", help="do not match the new events against the watchlists")
    p.add_argument("--quiet", action="store_true", help="no line per shard on standard error")
    p.set_defaults(func=cmd_load)


def cmd_batch(args: argparse.Namespace) -> int:
    """Run a batch job and print its summary."""
    from ..errors import InputError
    from . import print_progress, run_batch

    if args.shard_mb <= 0:
        raise InputError(f"--shard-mb {args.shard_mb:g}: give a positive size")
    if args.retries < 0:
        raise InputError(f"--retries {args.retries}: give 0 or more")
    if args.ray_address and args.engine != "ray":
        raise InputError("--ray-address goes with --engine ray")
    report = run_batch(args.inputs, args.out, engine=args.engine, workers=args.workers,
                       ray_address=args.ray_address, published=args.published,
                       split_bytes=max(1, int(args.shard_mb * 2**20)), retries=args.retries,
                       progress=None if args.quiet else print_progress)
    print(report.summary(), file=sys.stderr)
    return 0 if report.ok else 1


def cmd_load(args: argparse.Namespace) -> int:
    """Load a batch output folder into the store and print what it added."""
    from ..store import open_store
    from .load import load_batch

    def progress(shard_id: str) -> None:
        print(f"  loaded {shard_id}", file=sys.stderr)

    with open_store(store_location(args.db)) as store:
        report = load_batch(args.dir, store, stories=not args.no_stories, alerts=not args.no_alerts,
                            progress=None if args.quiet else progress)
    print(report.summary(), file=sys.stderr)
    return 0
