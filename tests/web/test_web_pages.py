"""The server-rendered pages and their JSON twins."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from eventwatch.web import app as web_app
from eventwatch.web.highlight import Highlight, highlight

from web_samples import article_id_of, client_for, store_samples


@pytest.fixture(scope="module")
def client(samples):
    with client_for(samples) as c:
        yield c


class Balanced(HTMLParser):
    """Checks that (non-void) tags are closed in order."""
    VOID = {"meta", "link", "input", "br", "img", "hr", "line", "rect"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> with open {self.stack[-3:]}")
        else:
            self.stack.pop()


def test_home_redirects(client):
    r = client.get("/", follow_redirects=False)
    assert r.status_code in (302, 307) and r.headers["location"] == "/events"


def test_events_page(client):
    r = client.get("/events")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    for needle in ('<form id="filters"', '<div id="facets">', '<table id="events-table">',
                   'href="/static/app.css"', 'src="/static/app.js"', 'href="/docs"', 'href="/map"',
                   'href="/timeline"'):
        assert needle in html, needle
    for name in ("country", "actor", "type", "status", "since", "until", "text"):
        assert f'name="{name}"' in html
    for key in ("day", "type", "source", "target", "location", "confidence"):
        assert f'<th data-sort="{key}"' in html
    assert html.count('<tr class="event-row"') == 7
    links = re.findall(r'<a class="event-link" href="(/articles/[0-9a-f]{64}#ev\d+)"', html)
    assert len(links) == 7
    facet = re.search(r'<a class="facet" data-facet="country" href="([^"]+)">FRA \(2\)</a>', html)
    assert facet and parse_qs(urlsplit(facet.group(1).replace("&amp;", "&")).query)["country"] == ["FRA"]
    for key in ("type", "actor", "status"):
        assert f'data-facet="{key}"' in html
    p = Balanced()
    p.feed(html)
    assert not p.errors


def test_events_page_state_is_in_the_url(client):
    html = client.get("/events?type=PROTEST&country=FRA&sort=-confidence").text
    assert html.count('<tr class="event-row"') == 1 and 'data-type="PROTEST"' in html
    head = re.search(r'<th data-sort="day"[^>]*><a href="([^"]+)"', html).group(1).replace("&amp;", "&")
    q = parse_qs(urlsplit(head).query)
    assert q["type"] == ["PROTEST"] and q["country"] == ["FRA"] and q["sort"] == ["day"]
    page = client.get("/events?limit=2&offset=2").text
    assert page.count('<tr class="event-row"') == 2
    assert 'class="next"' in page and 'class="prev"' in page
    nxt = re.search(r'class="next" rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(nxt).query)["offset"] == ["4"]
    assert client.get("/events?since=notadate").status_code == 422


def test_events_json_twin(client):
    data = client.get("/events?format=json&country=FRA").json()
    assert data["total"] == 2 and len(data["items"]) == 2 and data["filters"] == {"country": "FRA"}
    assert {f["value"] for f in data["facets"]["type"]} == {"PROTEST", "REJECT"}
    assert data["sort"] == "-day"


def test_map_page(client, monkeypatch, tmp_path):
    html = client.get("/map?type=ASSAULT").text
    for needle in ('<div id="map"', '/static/vendor/leaflet/leaflet.js', '/static/vendor/leaflet/leaflet.css',
                   '/static/vendor/leaflet.markercluster/leaflet.markercluster.js',
                   '/static/vendor/leaflet.markercluster/MarkerCluster.css',
                   '/static/vendor/leaflet.markercluster/MarkerCluster.Default.css',
                   '/static/vendor/topojson-client/topojson-client.min.js',
                   '/static/vendor/world-atlas/countries-110m.json', '/static/map.js', 'id="map-error"'):
        assert needle in html, needle
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    data = client.get("/map?type=ASSAULT&format=json").json()
    assert data["points"] == "/api/events/export?type=ASSAULT&format=geojson"
    fc = client.get(data["points"]).json()
    assert [f["properties"]["type"] for f in fc["features"]] == ["ASSAULT"]
    js = client.get("/static/app.js").text
    assert len(re.search(r"PALETTE = \[([^\]]+)\]", js).group(1).split(",")) == 16
    assert "event-link" in client.get("/static/map.js").text
    # Without the vendor files the page still loads and says why.
    monkeypatch.setattr(web_app, "STATIC", tmp_path)
    r = client.get("/map")
    assert r.status_code == 200
    box = re.search(r'<div id="map-error"[^>]*>([^<]*)</div>', r.text)
    assert "hidden" not in box.group(0) and "web-assets" in box.group(1)


def test_timeline_page(client):
    html = client.get("/timeline").text
    assert '<svg id="timeline"' in html and '<input type="date" id="since" name="since"' in html
    assert 'id="until"' in html and 'id="legend"' in html
    bars = re.findall(r'<rect class="bar"[^>]*data-day="([\d-]+)" data-type="(\w+)" data-count="(\d+)"', html)
    assert sum(int(c) for _, _, c in bars) == 6 and ("2021-10-22", "MOBILIZE", "1") in bars
    ranged = client.get("/timeline?since=2021-10-16&until=2021-10-20").text
    days = {d for d, _, _ in re.findall(r'data-day="([\d-]+)" data-type="(\w+)" data-count="(\d+)"', ranged)}
    assert days == {"2021-10-16", "2021-10-20"}
    data = client.get("/timeline?format=json&since=2021-10-16").json()
    assert data["since"] == "2021-10-16" and data["by_day_type"]
    assert client.get("/timeline?until=x").status_code == 422


def test_article_page(client, samples):
    aid = article_id_of(samples, store_samples.drill())
    html = client.get(f"/articles/{aid}").text
    text = re.search(r'<div id="article-text">(.*?)</div>', html, re.S).group(1)
    for cls in ("ent", "place", "time", "quote", "trigger"):
        assert f'<mark class="hl {cls}' in text, cls
    assert '<mark class="hl ent" data-id="e1"' in text
    assert re.sub(r"<[^>]+>", "", text) == store_samples.drill().text
    assert '<li class="event" id="ev1"' in html and 'href="/actors/Tajikistan"' in html
    assert "Russia, Uzbekistan and Tajikistan held a joint military drill" in html  # the sentence
    data = client.get(f"/articles/{aid}?format=json").json()
    assert data["article_id"] == aid and data["events"][0]["id"] == "ev1"
    assert client.get("/articles/" + "f" * 64).status_code == 404
    assert client.get("/articles/" + "f" * 64, headers={"accept": "text/html"}).status_code == 404


def test_actor_page(client):
    html = client.get("/actors/United%20States").text
    for section in ("as-source", "as-target", "quotes", "co-actors"):
        assert f'<section id="{section}">' in html
    assert 'href="/actors/Belarus"' in html
    data = client.get("/actors/Vladimir%20Putin?format=json").json()
    assert data["quotes"][0]["speaker_name"] == "Vladimir Putin"
    assert client.get("/actors/Nobody").status_code == 404


def test_highlight_overlaps_are_well_formed():
    text = "ab <c> de"
    spans = [Highlight(0, 5, "ent", {"id": "e1"}), Highlight(3, 9, "quote"), Highlight(4, 5, "trigger")]
    html = str(highlight(text, spans))
    assert html == ('<mark class="hl ent" data-id="e1">ab </mark>'
                    '<mark class="hl ent quote" data-id="e1">&lt;</mark>'
                    '<mark class="hl ent quote trigger" data-id="e1">c</mark>'
                    '<mark class="hl quote">&gt; de</mark>')
    p = Balanced()
    p.feed(html)
    assert not p.errors and not p.stack
