"""Helpers for the web tests (not a conftest: the store fixtures come from tests/conftest.py)."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from eventwatch.store import Store
from eventwatch.web.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "store"))
import store_samples  # noqa: E402,F401  (re-exported for the tests)


def db_url(store: Store) -> str:
    """The URL (with any password) a second `open_store` can use for `store`'s database."""
    return store.engine.url.render_as_string(hide_password=False)


@contextmanager
def client_for(store: Store, **kwargs) -> Iterator[TestClient]:
    """A test client of an app over `store`'s database (lifespan run)."""
    app = create_app(db_url(store), **kwargs)
    with TestClient(app) as client:
        yield client


def article_id_of(store: Store, doc) -> str:
    return store.article_id(doc.text)
