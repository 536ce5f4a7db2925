"""Test-only pipeline stages that misbehave on purpose, registered through the stage registry.

Batch jobs import this file in their workers (``plugins=(str(PLUGIN),)``) and put the stages
first in the pipeline (``STAGES``):

- ``test_crash`` breaks the whole pipeline (an exception out of ``pipe``, past the per-document
  guard of `Stage.pipe`) on a batch holding a document with `CRASH`;
- ``test_exit`` kills its worker process (``os._exit``) on a document with `EXIT`: only once
  when $EVENTWATCH_TEST_EXIT_ONCE names a file (made before dying; the next attempt finds it
  and goes on), every time when $EVENTWATCH_TEST_EXIT_ALWAYS is 1.
"""
from __future__ import annotations

import os
from pathlib import Path

from eventwatch.pipeline import DEFAULT_STAGES, Stage, stage

PLUGIN = Path(__file__).resolve()
CRASH = "CRASH-THE-PIPELINE"
EXIT = "EXIT-THE-WORKER"
STAGES = ("test_crash", "test_exit", *DEFAULT_STAGES)


@stage("test_crash")
class CrashStage(Stage):
    def pipe(self, docs):
        for doc in docs:
            if CRASH in doc.text:
                raise RuntimeError(f"test_crash: {CRASH} found")
            yield doc


@stage("test_exit")
class ExitStage(Stage):
    def __call__(self, doc):
        if EXIT in doc.text:
            once = os.environ.get("EVENTWATCH_TEST_EXIT_ONCE")
            if os.environ.get("EVENTWATCH_TEST_EXIT_ALWAYS") == "1":
                os._exit(3)
            if once and not Path(once).exists():
                Path(once).write_text(str(os.getpid()), encoding="utf-8")
                os._exit(3)
        return doc
