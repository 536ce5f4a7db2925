"""Escaping, the write token, the body limit and the server's default address."""
from __future__ import annotations

import argparse
import re

import pytest

from eventwatch.document import Document, Quote, Speaker
from eventwatch.web import cli as web_cli

from web_samples import client_for, store_samples

HOSTILE = ('Officials met. <script>alert(1)</script> "<b>bold</b>" he said, '
           'then <img src=x onerror=alert(2)> left.')


def hostile_doc() -> Document:
    text = HOSTILE
    doc = Document(text=text, id="hostile", title="<i>title</i>", url="https://news.example/x")
    doc.quotes = [Quote.of(text, *store_samples.at(text, '"<b>bold</b>"'), kind="direct",
                           cue=store_samples.span(text, "said"),
                           speaker=store_samples.span(text, "he", Speaker, name="<u>him</u>"))]
    return doc


def test_article_text_is_escaped(filled):
    run = filled.begin_run(["x"])
    filled.save_batch(run, [hostile_doc()])
    aid = filled.article_id(HOSTILE)
    with client_for(filled) as c:
        html = c.get(f"/articles/{aid}").text
    body = re.search(r'<div id="article-text">(.*?)</div>', html, re.S).group(1)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body and '<mark class="hl quote"' in body
    assert "<script>alert" not in html and "<b>bold" not in html and "<img src=x" not in html
    assert "<i>title</i>" not in html and "&lt;i&gt;title&lt;/i&gt;" in html


@pytest.fixture
def writable(filled):
    def fake_analyze(text, published=None):
        doc = store_samples.drill()
        return Document(text=text, published=published, events=doc.events if text == doc.text else [])
    with client_for(filled, token="s3cret") as c:
        c.app.state.analyze = fake_analyze
        yield c


def test_post_needs_the_token(filled, writable):
    body = {"text": "A new article about nothing."}
    assert writable.post("/api/articles", json=body).status_code == 401
    r = writable.post("/api/articles", json=body, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert writable.post("/api/articles", json=body, headers={"Authorization": "Basic s3cret"}).status_code == 401
    assert filled.counts()["articles"] == 5
    with client_for(filled) as c:  # no token configured: writes are off
        assert c.post("/api/articles", json=body, headers={"Authorization": "Bearer s3cret"}).status_code == 403


def test_post_stores_the_article(filled, writable):
    auth = {"Authorization": "Bearer s3cret"}
    r = writable.post("/api/articles", json={"text": HOSTILE, "title": "Hostile", "published": "2024-01-02"},
                      headers=auth)
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    assert r.json()["created"] is True and r.json()["href"] == f"/articles/{aid}"
    stored = filled.article(aid)
    assert stored["title"] == "Hostile" and stored["text"] == HOSTILE
    assert "<script>alert(1)" not in writable.get(f"/articles/{aid}").text
    again = writable.post("/api/articles", json={"text": HOSTILE}, headers=auth)
    assert again.status_code == 200 and again.json()["created"] is False
    assert writable.post("/api/articles", json={"text": ""}, headers=auth).status_code == 422
    assert writable.post("/api/articles", json={"text": "x", "published": "soon"}, headers=auth).status_code == 422


def test_post_with_the_real_pipeline(store):
    with client_for(store, token="t") as c:
        r = c.post("/api/articles", headers={"Authorization": "Bearer t"},
                   json={"text": "Russian forces shelled Kharkiv on Tuesday. <script>alert(1)</script>",
                         "published": "2024-03-07"})
        assert r.status_code == 201, r.text
        aid = r.json()["id"]
        assert c.get(f"/api/articles/{aid}").json()["text"].endswith("<script>alert(1)</script>")
        assert "<script>alert(1)" not in c.get(f"/articles/{aid}").text


def test_body_over_the_limit_is_413(filled):
    with client_for(filled, token="t", max_body=1000) as c:
        r = c.post("/api/articles", json={"text": "x" * 2000}, headers={"Authorization": "Bearer t"})
        assert r.status_code == 413
        assert filled.counts()["articles"] == 5

        def chunks():
            for _ in range(5):
                yield b"y" * 400
        r = c.post("/api/articles", content=chunks(), headers={"Authorization": "Bearer t",
                                                              "content-type": "application/json"})
        assert r.status_code == 413


def test_serve_defaults_to_localhost(monkeypatch):
    parser = argparse.ArgumentParser()
    web_cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8000 and args.func is web_cli.cmd_serve
    seen = {}
    import uvicorn
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw, app=app))
    monkeypatch.setenv("EVENTWATCH_TOKEN", "envtoken")
    assert web_cli.cmd_serve(parser.parse_args(["serve", "--db", ":memory:"])) == 0
    assert seen["host"] == "127.0.0.1" and seen["app"].state.token == "envtoken"
