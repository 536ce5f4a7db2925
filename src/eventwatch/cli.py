"""The `eventwatch` command line: a thin layer over the Python API.

    eventwatch analyze [FILE|-] [--published DATE] [--input-format text|jsonl] [--format json|jsonl]
    eventwatch eval TASK DATA_DIR [--scorers DIR] [--out PRED.jsonl]
    eventwatch stages

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
