"""Watchlists and alerts in the API and the dashboard: a watchlist posted as YAML (with the
token), an article ingested, its alert listed by /api/alerts, the alerts page and its twin."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from eventwatch.ingest import ingest
from eventwatch.store import open_store
from eventwatch.web.app import create_app

WATCHLIST = """
name: attacks-in-congo
description: Armed attacks in the DR Congo
when:
  type: ASSAULT
  location: {country: COD}
"""
REPORT = ("M23 rebels attacked an army base near Goma on Monday, killing 12 soldiers, "
          "Congolese officials said on Tuesday.")
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("alerts")
    db = str(tmp / "alerts.db")
    with TestClient(create_app(db, token=TOKEN)) as c:
        assert c.post("/api/watchlists", content=WATCHLIST).status_code == 401
        made = c.post("/api/watchlists", content=WATCHLIST, headers={"Authorization": f"Bearer {TOKEN}"})
        assert made.status_code == 201 and made.json() == ["attacks-in-congo"]
        (tmp / "report.txt").write_text(REPORT, encoding="utf-8")
        with open_store(db) as store:
            report = ingest([str(tmp / "report.txt")], store, published="2024-03-05")
        assert report.alerts == 1
        yield c


def test_alerts_api(client):
    [alert] = client.get("/api/alerts").json()
    assert alert["watchlist"] == "attacks-in-congo"
    assert alert["event"]["type"] == "ASSAULT" and alert["event"]["location_country"] == "COD"
    assert "in COD" in alert["reasons"][1]
    assert client.get("/api/alerts", params={"watchlist": "other"}).json() == []
    assert client.get("/api/alerts", params={"since": "2999-01-01"}).json() == []
    assert client.get("/api/alerts", params={"since": "nope"}).status_code == 422
    [w] = client.get("/api/watchlists").json()
    assert w["alerts"] == 1 and w["spec"]["when"]["type"] == "ASSAULT"


def test_bad_watchlists_are_refused_clearly(client):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    bad = client.post("/api/watchlists", content="name: x\nwhen: {type: DRILL}\n", headers=auth)
    assert bad.status_code == 422 and "DRILL" in bad.json()["detail"]
    assert client.post("/api/watchlists", content=b"\xff\xfe", headers=auth).status_code == 422
    assert client.post("/api/watchlists", content="[unclosed", headers=auth).status_code == 422
    assert client.delete("/api/watchlists/none-such", headers=auth).status_code == 404


def test_alerts_page_and_its_twin(client):
    page = client.get("/alerts")
    assert page.status_code == 200 and 'id="alerts-table"' in page.text and 'class="alert-row"' in page.text
    assert "attacks-in-congo" in page.text and "Goma" in page.text
    twin = client.get("/alerts", params={"format": "json"}).json()
    assert len(twin["alerts"]) == 1 and twin["watchlists"][0]["name"] == "attacks-in-congo"
    assert 'class="empty"' in client.get("/alerts", params={"watchlist": "other"}).text


def test_deleting_a_watchlist_needs_the_token(client):
    assert client.delete("/api/watchlists/attacks-in-congo").status_code == 401
    gone = client.delete("/api/watchlists/attacks-in-congo", headers={"Authorization": f"Bearer {TOKEN}"})
    assert gone.status_code == 204
    assert client.get("/api/alerts").json() == []
