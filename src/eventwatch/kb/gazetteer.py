"""The gazetteer: cities, first- and second-level divisions of the world, looked up by name.

The data is ``data/gazetteer.sqlite``, built by ``python -m eventwatch.kb.build_gazetteer``
(``scripts/setup.sh`` does it). It is opened read-only and queried on demand, so loading costs
nothing and memory stays small; lookups are cached.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import KnowledgeError
from .countries import name_key

PATH = Path(__file__).with_name("data") / "gazetteer.sqlite"


@dataclass(frozen=True)
class Entry:
    """A place of the gazetteer. ``cc`` is the ISO 3166-1 alpha-2 code of its country;
    ``admin1``/``admin2`` are the GeoNames ids of the divisions it lies in."""

    gid: int
    name: str
    kind: str  # admin1 | admin2 | city
    cc: str
    admin1: int | None
    admin2: int | None
    lat: float | None
    lon: float | None
    population: int


class Gazetteer:
    def __init__(self, path: Path = PATH) -> None:
        if not path.exists():
            raise KnowledgeError(
                f"the gazetteer {path} is missing; build it with 'python -m eventwatch.kb.build_gazetteer' "
                "(scripts/setup.sh does this)")
        self.path = path
        self._db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self.lookup = lru_cache(maxsize=65536)(self._lookup)
        self.get = lru_cache(maxsize=65536)(self._get)

    def _lookup(self, name: str) -> tuple[Entry, ...]:
        """Every place called ``name`` (in any of its spellings), most populous first."""
        key = name_key(name)
        if not key:
            return ()
        rows = self._db.execute(
            "SELECT p.* FROM alias a JOIN place p ON p.gid = a.gid WHERE a.key = ? ORDER BY p.population DESC",
            (key,)).fetchall()
        return tuple(Entry(*row) for row in rows)

    def _get(self, gid: int) -> Entry | None:
        row = self._db.execute("SELECT * FROM place WHERE gid = ?", (gid,)).fetchone()
        return Entry(*row) if row else None


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    return Gazetteer()
