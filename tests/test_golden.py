"""Whole-article tests: the shipped sample against its golden file, and the shared seed article.

After an intended change of behaviour, rewrite the golden file with
``EVENTWATCH_UPDATE_GOLDEN=1 scripts/test.sh tests/test_golden.py`` and review the diff.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, SHARED

GOLDEN = ROOT / "tests" / "golden" / "article.json"
SAMPLE = ROOT / "samples" / "article.txt"


def spans(obj):
    """Every dict with start/end/text inside a JSON value."""
    if isinstance(obj, dict):
        if {"start", "end", "text"} <= obj.keys():
            yield obj
        for value in obj.values():
            yield from spans(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from spans(value)


@pytest.fixture(scope="module")
def sample(analyze):
    doc = analyze(SAMPLE.read_text(encoding="utf-8"), "2024-03-07")
    doc.id = "sample"
    return json.loads(json.dumps(doc.to_dict()))


def test_every_span_of_the_sample_points_at_its_text(sample):
    found = list(spans(sample))
    assert len(found) > 50
    for span in found:
        assert sample["text"][span["start"]:span["end"]] == span["text"]


def test_sample_matches_golden_file(sample):
    if os.environ.get("EVENTWATCH_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(sample, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    for key in ("entities", "places", "times", "quotes", "events"):
        assert sample[key] == golden[key], f"{key} changed; see the module docstring"
    assert sample == golden


def test_sample_events_are_sensible(sample):
    types = {e["type"] for e in sample["events"]}
    assert {"CONSULT", "ASSAULT", "PROTEST", "SANCTION"} <= types
    statuses = {e["status"] for e in sample["events"]}
    assert "planned" in statuses and "occurred" in statuses
    patrol = next(e for e in sample["events"] if e["date"]["value"].startswith("2024-03-15"))
    assert {a["country"] for a in patrol["sources"]} == {"UGA", "TZA"}


SEED = SHARED / "seed" / "article.txt"


@pytest.mark.skipif(not SEED.exists(), reason="needs ../shared/seed beside the checkout")
def test_seed_article_validates_and_passes_the_country_checks(tmp_path, analyze):
    doc = analyze(SEED.read_text(encoding="utf-8"), "2021-10-14")
    out = tmp_path / "seed.json"
    out.write_text(json.dumps(doc.to_dict(), ensure_ascii=False), encoding="utf-8")
    valid = subprocess.run([sys.executable, str(SHARED / "validate.py"), str(out)], capture_output=True, text=True)
    assert valid.returncode == 0, valid.stdout
    check = subprocess.run([sys.executable, str(SHARED / "seed" / "check.py"), str(out)],
                           capture_output=True, text=True)
    lines = check.stdout.splitlines()
    place_lines = [ln for ln in lines if " place " in ln]
    assert len(place_lines) == 8 and all(ln.startswith("PASS") for ln in place_lines), check.stdout
    time_lines = [ln for ln in lines if " time " in ln]
    assert all(ln.startswith("PASS") for ln in time_lines), check.stdout
