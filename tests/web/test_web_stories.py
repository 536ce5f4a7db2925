"""Stories in the API and the dashboard: two outlets' reports of one attack, one near miss."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from eventwatch.ingest import ingest
from eventwatch.store import open_store
from eventwatch.web.app import create_app

REPORTS = {
    "outlet-a.txt": ("M23 rebels attacked an army base near Goma on Monday, killing 12 soldiers, "
                     "Congolese officials said on Tuesday.", "2024-03-05"),
    "outlet-b.txt": ("At least a dozen Congolese troops died when M23 fighters stormed a military camp "
                     "outside Goma on March 4, an army spokesman told reporters.", "2024-03-06"),
    "elsewhere.txt": ("M23 fighters attacked a police post in Bunia on Saturday, local officials said.",
                      "2024-03-17"),
}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stories")
    db = str(tmp / "stories.db")
    store = open_store(db)
    for name, (text, published) in REPORTS.items():
        path = tmp / name
        path.write_text(text, encoding="utf-8")
        ingest([str(path)], store, published=published)
    store.close()
    with TestClient(create_app(db)) as c:
        yield c


def test_two_outlets_make_one_story_and_the_near_miss_another(client):
    stories = client.get("/api/stories", params={"type": "ASSAULT"}).json()
    assert stories, "no ASSAULT story"
    merged = [s for s in stories if s["n_articles"] == 2]
    assert len(merged) == 1, stories
    story = client.get(f"/api/stories/{merged[0]['id']}").json()
    assert {m["article_id"] for m in story["members"]} and len({m["article_id"] for m in story["members"]}) == 2
    assert all(m["reasons"] for m in story["members"])
    # Bunia, two weeks later, is another story.
    others = [s for s in stories if s["id"] != merged[0]["id"]]
    assert others and all(s["n_articles"] == 1 for s in others)


def test_story_pages_and_their_twins(client):
    listing = client.get("/stories")
    assert listing.status_code == 200 and 'id="stories-table"' in listing.text
    first = client.get("/stories", params={"format": "json"}).json()["stories"][0]
    page = client.get(f"/stories/{first['id']}")
    assert page.status_code == 200 and 'id="reports"' in page.text and 'class="report"' in page.text
    assert client.get(f"/stories/{first['id']}", params={"format": "json"}).json()["id"] == first["id"]
    assert client.get("/api/stories/999999").status_code == 404
    assert client.get("/api/stories", params={"since": "not-a-date"}).status_code == 422
