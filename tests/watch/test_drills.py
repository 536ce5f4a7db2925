"""The watch end to end through the CLI and the real pipeline: a watchlist "COOPERATE or MOBILIZE
events located in countries that border Afghanistan" alerts on the drills of an article written
for this test (and not on its meeting or its accusation), and on the two drills of the shared
seed article; a log notifier writes them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventwatch.cli import main

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEED = SHARED / "seed" / "article.txt"

ARTICLE = """\
Uzbek and Tajik troops held joint military exercises near the city of Termez on Tuesday, the Uzbek defence ministry said.
About 2,500 soldiers from both countries took part in the drills, which practised repelling an armed incursion across the border.
In Geneva, the foreign ministers of France and Brazil met on Wednesday to discuss trade and climate finance.
Separately, the government of Ecuador accused Peru of violating its airspace with military aircraft.
"""

WATCHLIST = """\
name: drills-near-afghanistan
description: Joint exercises or troop movements in the countries next to Afghanistan
when:
  type: [COOPERATE, MOBILIZE]
  location: {borders: AFG}
notify:
  - log: %s
"""


def run(*argv: str) -> int:
    return main([str(a) for a in argv])


def alerts_of(db: str, capsys) -> list[dict]:
    capsys.readouterr()
    assert run("alerts", "--db", db, "--format", "json") == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def watched(db_url, tmp_path, capsys):
    log = tmp_path / "alerts.jsonl"
    (tmp_path / "watch.yaml").write_text(WATCHLIST % log, encoding="utf-8")
    assert run("watchlists", "add", tmp_path / "watch.yaml", "--db", db_url) == 0
    return db_url, log


def test_drills_next_to_afghanistan_alert_and_the_rest_does_not(watched, tmp_path, capsys):
    db, log = watched
    (tmp_path / "drills.txt").write_text(ARTICLE, encoding="utf-8")
    assert run("ingest", tmp_path / "drills.txt", "--db", db, "--published", "2026-11-20", "--quiet") == 0
    [alert] = alerts_of(db, capsys)
    event = alert["event"]
    assert event["type"] == "COOPERATE"  # joint exercises
    assert "exercises" in event["trigger_text"] and event["location_country"] == "UZB"
    assert alert["reasons"][0] == "type COOPERATE is one of COOPERATE, MOBILIZE"
    assert "which borders AFG" in alert["reasons"][1]
    # The article's other events were stored, and matched nothing.
    capsys.readouterr()
    assert run("events", "--db", db, "--format", "jsonl") == 0
    types = {json.loads(line)["type"] for line in capsys.readouterr().out.splitlines()}
    assert {"CONSULT", "ACCUSE"} <= types
    # The log notifier wrote the alert; ingesting the article again alerts nothing new.
    logged = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [a["id"] for a in logged] == [alert["id"]]
    assert alert["deliveries"][0]["status"] == "sent"
    assert run("ingest", tmp_path / "drills.txt", "--db", db, "--published", "2026-11-20", "--quiet") == 0
    assert len(alerts_of(db, capsys)) == 1


@pytest.mark.skipif(not SEED.exists(), reason="needs ../shared/seed beside the checkout")
def test_the_seed_articles_two_drills_alert(watched, capsys):
    db, _ = watched
    assert run("ingest", SEED, "--db", db, "--published", "2021-10-14", "--quiet") == 0
    got = alerts_of(db, capsys)
    assert len(got) == 2
    assert {a["event"]["type"] for a in got} == {"COOPERATE"}
    assert {a["event"]["location_country"] for a in got} == {"TJK"}
    assert all("drill" in a["event"]["trigger_text"] for a in got)


def test_the_watchlists_command(watched, tmp_path, capsys):
    db, _ = watched
    (tmp_path / "drills.txt").write_text(ARTICLE, encoding="utf-8")
    assert run("ingest", tmp_path / "drills.txt", "--db", db, "--published", "2026-11-20", "--quiet") == 0
    capsys.readouterr()
    assert run("watchlists", "list", "--db", db) == 0
    assert capsys.readouterr().out.startswith("drills-near-afghanistan\t1 alert(s)\tJoint exercises")
    assert run("watchlists", "show", "drills-near-afghanistan", "--db", db) == 0
    assert "borders: AFG" in capsys.readouterr().out
    # Trying a watchlist out on the stored events stores nothing.
    (tmp_path / "consult.yaml").write_text("name: meetings\nwhen: {type: CONSULT}\n", encoding="utf-8")
    assert run("watchlists", "test", tmp_path / "consult.yaml", "--db", db) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert hits and {h["type"] for h in hits} == {"CONSULT"}
    assert run("watchlists", "show", "meetings", "--db", db) == 1
    assert run("watchlists", "disable", "drills-near-afghanistan", "--db", db) == 0
    capsys.readouterr()
    assert run("watchlists", "list", "--db", db) == 0
    assert "(disabled)" in capsys.readouterr().out
    assert run("watchlists", "remove", "drills-near-afghanistan", "--db", db) == 0
    assert alerts_of(db, capsys) == []
    assert run("watchlists", "remove", "drills-near-afghanistan", "--db", db) == 1
    (tmp_path / "bad.yaml").write_text("name: x\nwhen: {type: DRILL}\n", encoding="utf-8")
    assert run("watchlists", "add", tmp_path / "bad.yaml", "--db", db) == 2
    assert "unknown value(s) DRILL" in capsys.readouterr().err
