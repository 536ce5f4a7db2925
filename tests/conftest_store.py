"""Store fixtures (imported by conftest.py): every store test runs against SQLite and a real PostgreSQL server."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventwatch.store import Store, open_store

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_url(backend: str, request, tmp_path: Path) -> str:
    """A new empty database of the backend under test: a SQLite path or a PostgreSQL URL."""
    if backend == "sqlite":
        return str(tmp_path / "events.db")
    return request.getfixturevalue("pg_database")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A freshly migrated, empty store."""
    with open_store(db_url) as st:
        yield st


def fill(store: Store) -> Store:
    """Save the sample articles (and one skipped) in one run."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "store"))
    from store_samples import all_docs, skipped_article

    run = store.begin_run(["samples"])
    store.save_batch(run, all_docs(), [skipped_article()])
    store.finish_run(run, {"articles": 5, "skipped": 1})
    return store


@pytest.fixture
def filled(store: Store) -> Store:
    """A store of its own with the sample articles, for tests that change it."""
    return fill(store)


@pytest.fixture(scope="module", params=BACKENDS)
def samples(request, tmp_path_factory) -> Iterator[Store]:
    """A store with the sample articles shared by a module's tests: read it, never change it."""
    server = None
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("samples") / "events.db")
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.create_database()
    try:
        with open_store(url) as st:
            yield fill(st)
    finally:
        if server is not None:
            server.drop_database(url)
