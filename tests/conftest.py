"""Shared fixtures: one loaded pipeline for the whole run, and a helper to analyse text."""
from __future__ import annotations

from pathlib import Path

import sys

import pytest

import eventwatch
from eventwatch.pipeline import SHIPPED_NER, Config, shared_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for conftest_pg
from conftest_pg import pg_database, pg_url, postgres_server  # noqa: E402,F401  (a real PostgreSQL)
from conftest_store import backend, db_url, filled, samples, store  # noqa: E402,F401

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def pipeline():
    # The shipped recogniser, whatever EVENTWATCH_NER_MODEL says: golden files pin its output.
    return shared_pipeline(config=Config(ner_model=str(SHIPPED_NER)))


@pytest.fixture(scope="session")
def analyze(pipeline):
    """analyze(text, published=None) with the session's pipeline."""

    def run(text: str, published: str | None = None):
        return eventwatch.analyze(text, published, pipeline=pipeline)

    return run
