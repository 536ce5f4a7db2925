"""The `eventwatch` command line: a thin layer over the Python API.

    eventwatch analyze [FILE|-] [--published DATE] [--input-format text|jsonl] [--format json|jsonl]
    eventwatch eval TASK DATA_DIR [--scorers DIR] [--out PRED.jsonl]
    eventwatch stages
    eventwatch ingest SOURCE... [--db URL] [--published DATE] [--workers N]
    eventwatch events [--country ISO3] [--actor TEXT] [--type T] [--status S] [--since D]
                      [--until D] [--near PLACE --km N] [--text QUERY] [--format F] [--out FILE]
    eventwatch articles [--text QUERY] [--since D] [--until D] [--source S] [--format F]
    eventwatch export --format parquet|csv|jsonl|json|geojson|gdelt OUT [filters]
    eventwatch stories [--db URL] [--type T] [--country ISO3] [--since D] [--until D] [--rebuild]
    eventwatch serve [--db URL] [--host 127.0.0.1] [--port 8000] [--token TOKEN]

Exit status: 0 when every document was analysed; 1 when some JSON Lines records were bad
(each reported on stderr with its line number; the others are still analysed); 2 when the
input as a whole cannot be used (missing, empty, binary, undecodable).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from . import __version__
from .document import Article, Document
from .errors import EventwatchError, InputError

EXIT_OK, EXIT_SOME_BAD, EXIT_BAD_INPUT = 0, 1, 2


def _err(message: str) -> None:
    print(f"eventwatch: {message}", file=sys.stderr)


def _open_input(path: str) -> tuple[IO[bytes], str]:
    if path == "-":
        return sys.stdin.buffer, "<stdin>"
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{path}: is a directory; give a file (or - for standard input)")
    try:
        return p.open("rb"), path
    except OSError as exc:
        raise InputError(f"{path}: cannot open ({exc.strerror})") from exc


def _actor_text(actor) -> str:
    if actor is None:
        return "-"
    code = "".join(c for c in (actor.country, actor.sector) if c)
    return f"{actor.name or actor.text}" + (f" [{code}]" if code else "")


def summary(doc: Document) -> str:
    """A human-readable digest of a document: its events, then its quotes and places."""
    lines = [f"== {doc.id or 'document'}" + (f" (published {doc.published})" if doc.published else "")]
    lines.append(f"   {len(doc.entities)} entities, {len(doc.places)} places, {len(doc.times)} dates, "
                 f"{len(doc.quotes)} quotes, {len(doc.events)} events")
    lines.append("events:")
    for ev in doc.events:
        who = ", ".join(_actor_text(a) for a in (ev.sources or [ev.source] if ev.source else [])) or "-"
        whom = ", ".join(_actor_text(a) for a in (ev.targets or [ev.target] if ev.target else [])) or "-"
        where = ev.location.name if ev.location else "-"
        when = ev.date.value if ev.date else "-"
        mode = f"/{ev.mode}" if ev.mode else ""
        lines.append(f"  {ev.type}{mode:<14} {ev.status:<12} {who} -> {whom} | {when} | {where} "
                     f"| \"{ev.trigger.text}\"")
    lines.append("quotes:")
    for q in doc.quotes:
        who = q.speaker.name or q.speaker.text if q.speaker else "?"
        text = q.text if len(q.text) <= 90 else q.text[:87] + "..."
        lines.append(f"  {who}: \"{text}\" ({q.kind})")
    places = sorted({(p.name, p.country or "-", p.kind) for p in doc.places})
    lines.append("places: " + "; ".join(f"{n} ({c}, {k})" for n, c, k in places))
    return "\n".join(lines) + "\n"


def _write(doc: Document, fmt: str, out: IO[str], first: bool) -> None:
    if fmt == "summary":
        out.write(summary(doc))
    elif fmt == "jsonl":
        out.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
    else:
        out.write(("" if first else ",\n") + json.dumps(doc.to_dict(), ensure_ascii=False, indent=2))
    out.flush()


def cmd_analyze(args: argparse.Namespace) -> int:
    """Analyse a text file or a JSON Lines stream and print SCHEMA v1 documents."""
    from . import analyze_many
    from .pipeline import Config, shared_pipeline
    from .sources import BadRecord, read_jsonl, read_text

    stream, name = _open_input(args.input)
    bad = 0

    def articles() -> Iterator[Article]:
        nonlocal bad
        count = 0
        if args.input_format == "text":
            yield read_text(stream.read(), name, published=args.published, article_id=args.id)
            return
        for item in read_jsonl(stream):
            if isinstance(item, BadRecord):
                bad += 1
                _err(f"{name}: {item}")
                continue
            if item.published is None and args.published:
                item.published = args.published
            count += 1
            if item.id is None:
                item.id = f"{Path(name).stem if name != '<stdin>' else 'stdin'}-{count}"
            yield item

    pipeline = None
    if args.actors or args.ner_model:
        config = Config(actor_files=tuple(args.actors))
        if args.ner_model:
            config = dataclasses.replace(config, ner_model=None if args.ner_model == "stock" else args.ner_model)
        pipeline = shared_pipeline(config=config)
    fmt = args.format or ("json" if args.input_format == "text" else "jsonl")
    many = args.input_format == "jsonl" and fmt == "json"
    out = sys.stdout
    first = True
    if many:
        out.write("[\n")
    try:
        for doc in analyze_many(articles(), pipeline=pipeline):
            if "error" in doc.work:
                bad += 1
                _err(f"{name}: document {doc.id!r}: {doc.work['error']}")
                continue
            _write(doc, fmt, out, first)
            first = False
    finally:
        if many:
            out.write("\n]\n")
        elif fmt == "json" and not first:
            out.write("\n")
        if stream is not sys.stdin.buffer:
            stream.close()
    if bad:
        _err(f"{bad} record(s) of {name} could not be analysed (see above)")
        return EXIT_SOME_BAD
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    """Run the pipeline over an evaluation folder and print the shared scorer's report."""
    from . import evaluate

    out = Path(args.out or f"out/eval/{args.task}-{Path(args.data_dir).name}.pred.jsonl")
    result = evaluate.run(args.task, Path(args.data_dir), out,
                          Path(args.scorers) if args.scorers else None, args.limit)
    print(result.report.rstrip())
    print(f"# {result.task} on {result.data}: {result.documents} documents in {result.seconds:.1f}s "
          f"({result.failed} failed); predictions in {result.predictions}", file=sys.stderr)
    return EXIT_OK if result.metrics and not result.failed else EXIT_SOME_BAD


def cmd_stages(args: argparse.Namespace) -> int:
    """List the registered pipeline stages with what they require and assign."""
    from .pipeline import DEFAULT_STAGES, registered_stages

    for name, cls in registered_stages().items():
        mark = "*" if name in DEFAULT_STAGES else " "
        print(f"{mark} {name:10} requires {', '.join(cls.requires) or '-':28} assigns {', '.join(cls.assigns)}")
    return EXIT_OK


DEFAULT_DB = "eventwatch.db"


def store_location(db: str | None) -> str:
    """The store a command uses: ``--db``, else $EVENTWATCH_DB, else `DEFAULT_DB`."""
    import os
    return db or os.environ.get("EVENTWATCH_DB") or DEFAULT_DB


def cmd_ingest(args: argparse.Namespace) -> int:
    """Read sources, analyse what is new and store it (see `eventwatch.ingest`)."""
    from .ingest import ingest
    from .store import open_store

    for source in args.sources:
        if not source.startswith(("http://", "https://")) and not Path(source).exists():
            raise InputError(f"{source}: no such file or directory")
    store = open_store(store_location(args.db))
    try:
        report = ingest(args.sources, store, published=args.published, workers=args.workers,
                        batch_size=args.batch_size, progress=not args.quiet and sys.stderr.isatty(),
                        dedup=not args.no_dedup, dedup_threshold=args.dedup_threshold,
                        reanalyse_duplicates=args.reanalyse_duplicates, stories=not args.no_stories,
                        alerts=not args.no_alerts)
    finally:
        store.close()
    print(report.summary(), file=sys.stderr)
    return EXIT_SOME_BAD if report.errors else EXIT_OK


def _place_point(name: str) -> tuple[float, float]:
    """The coordinates of a place name for --near: a country or capital, else the most
    populous gazetteer place of that name."""
    from .kb import countries, gazetteer

    for entry in countries.load().lookup(name):
        if entry.lat is not None:
            return entry.lat, entry.lon
    for entry in gazetteer.load().lookup(name):
        if entry.lat is not None:
            return entry.lat, entry.lon
    raise InputError(f"--near {name!r}: no such place in the gazetteer")


def _event_filters(args: argparse.Namespace) -> dict:
    near = None
    if args.near:
        near = _place_point(args.near)
        if args.km is None:
            raise InputError("--near needs --km (the radius in kilometres)")
    return {"country": args.country, "actor": args.actor, "type": args.type, "status": args.status,
            "since": args.since, "until": args.until, "near": near, "km": args.km, "text": args.text}


def _output(path: str | None, fmt: str):
    """Where results go: a file (binary for parquet) or standard output."""
    if fmt == "parquet":
        if not path or path == "-":
            raise InputError("parquet output needs a file: --out FILE.parquet")
        return open(path, "wb")
    if path and path != "-":
        return open(path, "w", encoding="utf-8", newline="")
    return sys.stdout


def _write_rows(rows, fmt: str, path: str | None) -> None:
    from .store.export import write_events

    out = _output(path, fmt)
    try:
        write_events(rows, fmt, out)
    finally:
        if out is not sys.stdout:
            out.close()


def cmd_events(args: argparse.Namespace) -> int:
    """Query the stored events; every filter combines with the others."""
    from .store import open_store

    store = open_store(store_location(args.db))
    try:
        rows = store.query_events(**_event_filters(args), limit=args.limit)
        _write_rows(rows, args.format, args.out)
    finally:
        store.close()
    return EXIT_OK


def cmd_articles(args: argparse.Namespace) -> int:
    """List stored articles (optionally a full-text search)."""
    import csv
    from .store import open_store

    store = open_store(store_location(args.db))
    try:
        rows = store.query_articles(text=args.text, since=args.since, until=args.until,
                                    source=args.source, limit=args.limit)
        out = _output(args.out, args.format)
        try:
            if args.format == "jsonl":
                for row in rows:
                    out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            elif args.format == "csv":
                writer = None
                for row in rows:
                    if writer is None:
                        writer = csv.DictWriter(out, fieldnames=list(row))
                        writer.writeheader()
                    writer.writerow(row)
            else:
                for row in rows:
                    out.write(f"{str(row.get('published') or '-'):10}  {(row.get('title') or '-')[:70]:70}  "
                              f"{row.get('url') or row.get('source') or ''}\n")
        finally:
            if out is not sys.stdout:
                out.close()
    finally:
        store.close()
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Export the stored events (all, or those matching the filters) to a file."""
    from .store import open_store

    store = open_store(store_location(args.db))
    try:
        _write_rows(store.query_events(**_event_filters(args)), args.format, args.out)
    finally:
        store.close()
    return EXIT_OK


def _add_event_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--country", help="ISO3 code: source, target or location country")
    p.add_argument("--actor", help="part of an actor's name (case-insensitive)")
    p.add_argument("--type", help="PLOVER event type, e.g. ASSAULT")
    p.add_argument("--status", choices=("occurred", "planned", "claimed", "negated", "hypothetical"))
    p.add_argument("--since", help="first day (YYYY-MM-DD), inclusive")
    p.add_argument("--until", help="last day (YYYY-MM-DD), inclusive")
    p.add_argument("--near", metavar="PLACE", help="a place name; with --km, events within that radius")
    p.add_argument("--km", type=float, help="radius for --near, in kilometres")
    p.add_argument("--text", help="full-text query over the articles' text")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eventwatch", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"eventwatch {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("analyze", help="analyse articles and print SCHEMA v1 JSON")
    p.add_argument("input", nargs="?", default="-", help="a text or JSON Lines file; - for standard input")
    p.add_argument("--published", help="publication date (ISO 8601) anchoring relative dates")
    p.add_argument("--id", help="document id for a text input")
    p.add_argument("--input-format", choices=("text", "jsonl"), default="text")
    p.add_argument("--actors", action="append", default=[], metavar="FILE",
                   help="a YAML actor dictionary (format of kb/data/actors.yaml) that extends or "
                        "overrides the built-in one; repeatable")
    p.add_argument("--ner-model", metavar="DIR",
                   help="the entity recogniser: a trained NER pipeline folder (scripts/train_ner.sh), "
                        "or 'stock' for the spaCy model's own; default: $EVENTWATCH_NER_MODEL, else "
                        "the CoNLL-2003 fine-tuned one shipped with eventwatch")
    p.add_argument("--format", choices=("json", "jsonl", "summary"),
                   help="output: json (indented; an array for JSON Lines input), jsonl (default for "
                        "jsonl input) or summary (a human-readable digest)")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("eval", help="score the pipeline on an evaluation folder (input.jsonl + gold.jsonl)")
    p.add_argument("task", choices=("ner", "time", "geo", "quotes", "events"))
    p.add_argument("data_dir")
    p.add_argument("--scorers", help="folder holding TASK/score.py (default: found above DATA_DIR)")
    p.add_argument("--out", help="where to write predictions (default out/eval/TASK-NAME.pred.jsonl)")
    p.add_argument("--limit", type=int, help="analyse only the first N documents")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("stages", help="list the pipeline stages")
    p.set_defaults(func=cmd_stages)

    db_help = f"the store: an SQLite file or a postgresql:// URL (default $EVENTWATCH_DB, else {DEFAULT_DB})"
    p = sub.add_parser("ingest", help="read files, pages, feeds or WARC archives, analyse and store them")
    p.add_argument("sources", nargs="+", metavar="SOURCE",
                   help="files or folders (.txt .html .json .jsonl .warc .warc.gz), feed URLs or feed files")
    p.add_argument("--db", help=db_help)
    p.add_argument("--published", help="publication date for articles that carry none")
    p.add_argument("--workers", type=int, default=1, help="analysis processes (models load once in each)")
    p.add_argument("--batch-size", type=int, default=32, help="articles per transaction")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--no-dedup", action="store_true", help="analyse near-duplicate articles like any other")
    p.add_argument("--dedup-threshold", type=float, default=0.6,
                   help="similarity (estimated Jaccard of word 5-grams) from which an article is a "
                        "near-duplicate of a stored one (default 0.6)")
    p.add_argument("--reanalyse-duplicates", action="store_true",
                   help="analyse near-duplicates too (they stay linked to their original)")
    p.add_argument("--no-stories", action="store_true", help="do not merge the new events into stories")
    p.add_argument("--no-alerts", action="store_true", help="do not match the new events against the watchlists")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("events", help="query the stored events")
    _add_event_filters(p)
    p.add_argument("--db", help=db_help)
    p.add_argument("--format", default="table", choices=("table", "csv", "jsonl", "json", "parquet", "geojson", "gdelt"))
    p.add_argument("--out", help="write to this file instead of standard output")
    p.add_argument("--limit", type=int)
    p.set_defaults(func=cmd_events)

    p = sub.add_parser("articles", help="list or search the stored articles")
    p.add_argument("--text", help="full-text query")
    p.add_argument("--since")
    p.add_argument("--until")
    p.add_argument("--source")
    p.add_argument("--db", help=db_help)
    p.add_argument("--format", default="table", choices=("table", "csv", "jsonl"))
    p.add_argument("--out")
    p.add_argument("--limit", type=int)
    p.set_defaults(func=cmd_articles)

    p = sub.add_parser("export", help="export the stored events to a file")
    p.add_argument("--format", required=True, choices=("parquet", "csv", "jsonl", "json", "geojson", "gdelt"))
    p.add_argument("out", help="the output file (- for standard output, except parquet)")
    _add_event_filters(p)
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_export)

    from . import stories_cli
    stories_cli.add_parser(sub)

    from .watch import cli as watch_cli
    watch_cli.add_parsers(sub)

    from .web import cli as web_cli
    web_cli.add_parser(sub)

    from .batch import cli as batch_cli
    batch_cli.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except EventwatchError as exc:  # InputError included
        _err(str(exc))
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
