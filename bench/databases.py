"""Run a benchmark on the databases asked for: a fresh SQLite file, and PostgreSQL (a given
URL, or a throwaway cluster started as the tests start one, `tests/conftest_pg.py`)."""
from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def on_databases(which: str, pg_url: str | None, run: Callable[[str], dict[str, Any]]) -> dict[str, dict]:
    """``run(url)`` on SQLite and/or PostgreSQL (``which``: sqlite, postgresql or both);
    each result is printed as it comes and all are returned by database name."""
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if which in ("sqlite", "both"):
            results["sqlite"] = run(str(Path(tmp) / "bench.db"))
            print(f"sqlite      {results['sqlite']}", flush=True)
        if which in ("postgresql", "both"):
            if pg_url:
                results["postgresql"] = run(pg_url)
            else:
                sys.path.insert(0, str(ROOT / "tests"))
                from conftest_pg import _start_cluster
                with contextlib.contextmanager(_start_cluster)() as server:
                    results["postgresql"] = run(server.create_database())
            print(f"postgresql  {results['postgresql']}", flush=True)
    return results
