"""Run eventwatch over an evaluation set and score it with the shared scorer of the task.

A data set is a folder holding ``input.jsonl`` and ``gold.jsonl`` (the repository never
contains one); the scorer is ``EVAL_DIR/TASK/score.py``, found next to the data
(``.../eval/data/TASK/NAME`` -> ``.../eval``) unless given.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

TASKS = ("ner", "time", "geo", "quotes", "events")


@dataclass
class EvalResult:
    task: str
    data: Path
    predictions: Path
    documents: int
    failed: int
    seconds: float
    metrics: dict
    report: str


def find_scorer(task: str, data_dir: Path, scorers: Path | None = None) -> Path:
    """The scorer script of ``task``: under ``scorers`` or an ``eval`` folder above the data."""
    candidates = [scorers] if scorers else [p for p in data_dir.resolve().parents]
    for base in candidates:
        script = Path(base) / task / "score.py"
        if script.is_file():
            return script
    raise InputError(f"no scorer {task}/score.py found above {data_dir}; pass --scorers DIR")


def run(task: str, data_dir: Path, out: Path, scorers: Path | None = None,
        limit: int | None = None) -> EvalResult:
    """Analyse ``data_dir/input.jsonl`` into ``out`` and score it against ``gold.jsonl``."""
    from . import analyze_many
    from .sources import BadRecord, read_jsonl

    if task not in TASKS:
        raise InputError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    data_dir = Path(data_dir)
    source, gold = data_dir / "input.jsonl", data_dir / "gold.jsonl"
    for path in (source, gold):
        if not path.is_file():
            raise InputError(f"{path}: missing; an evaluation folder holds input.jsonl and gold.jsonl")
    script = find_scorer(task, data_dir, scorers)
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    n = failed = 0
    with source.open("rb") as fh, out.open("w", encoding="utf-8") as sink:
        articles = (a for a in read_jsonl(fh) if not isinstance(a, BadRecord))
        if limit is not None:
            articles = (a for i, a in enumerate(articles) if i < limit)
        for doc in analyze_many(articles):
            if "error" in doc.work:
                failed += 1
                print(f"eventwatch eval: document {doc.id!r}: {doc.work['error']}", file=sys.stderr)
            sink.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
            n += 1
    seconds = time.perf_counter() - started
    proc = subprocess.run([sys.executable, str(script), str(gold), str(out)],
                          capture_output=True, text=True, check=False)
    report = proc.stdout + proc.stderr
    metrics = {}
    for line in reversed(proc.stdout.strip().splitlines()):
        try:
            metrics = json.loads(line)
            break
        except ValueError:
            continue
    return EvalResult(task, data_dir, out, n, failed, seconds, metrics, report)
