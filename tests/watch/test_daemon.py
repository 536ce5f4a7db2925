"""``eventwatch watch`` end to end: a real daemon process polls feeds served from 127.0.0.1 whose
items change between polls, next to a feed that fails and one on a closed port; it ingests the
new articles, raises one alert per story, delivers them to a webhook on 127.0.0.1, stops cleanly
on SIGTERM and, restarted, neither alerts again nor misses the item added while it was down.

The reports are invented texts written for this test.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from eventwatch.store import open_store
from eventwatch.watch import alerts as A

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sources"))
from source_samples import web_page  # noqa: E402

REPORTS = {
    # path: (title, text, published day); each text its own words (no near-duplicates)
    "a": ("Rebels attack army base near Goma",
          "M23 rebels attacked an army base near Goma on Monday, killing 12 soldiers, Congolese officials said "
          "on Tuesday. The provincial governor's office published the toll on its website. Traders in the city "
          "centre kept their shops open, and flights at the airport left on time.",
          (2024, 3, 5)),
    "b": ("Soldiers killed as camp is stormed",  # another outlet, the same attack: the same story
          "At least a dozen Congolese troops died when M23 fighters stormed a military camp outside Goma on "
          "March 4, an army spokesman told reporters. He gave no further details. Local radio stations "
          "broadcast the spokesman's remarks several times during the evening news.",
          (2024, 3, 6)),
    "c": ("Police post attacked in Bunia",
          "M23 fighters attacked a police post in Bunia on Saturday, local officials said. The town's mayor "
          "asked residents to stay calm. Schools in Ituri province will reopen on Monday as planned, the "
          "education office announced in a brief statement.",
          (2024, 3, 17)),
    "d": ("Village attacked near Beni",
          "ADF rebels attacked a village near Beni on Sunday, killing nine civilians, the army said. A church "
          "leader in the area confirmed the figure. The regional health office sent two nurses to the village "
          "clinic on Monday morning.",
          (2024, 4, 2)),
}
WATCHLIST = """\
name: attacks-in-congo
when:
  type: ASSAULT
  location: {country: COD}
notify:
  - webhook: %s
    retries: 1
    backoff: 0.05
"""


def _rss(base: str, items: list[str]) -> str:
    entries = []
    for key in items:
        title, _, day = REPORTS[key]
        date = formatdate(time.mktime((*day, 12, 0, 0, 0, 0, -1)), usegmt=True)
        entries.append(f"<item><title>{escape(title)}</title><link>{base}/news/{key}.html</link>"
                       f"<pubDate>{date}</pubDate></item>")
    entries.append("<item><title>An entry without a link</title></item>")  # malformed: skipped, logged
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Kivu Wire</title>'
            f"<link>{base}/</link><description>News</description>{''.join(entries)}</channel></rss>")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        srv = self.server
        srv.requests[self.path] += 1
        base = f"http://127.0.0.1:{srv.server_port}"
        if self.path == "/feed.xml":
            body = _rss(base, srv.items).encode()
            etag = f'"{len(srv.items)}"'
            if self.headers.get("If-None-Match") == etag:
                srv.not_modified += 1
                return self.reply(304, b"")
            return self.reply(200, body, "application/rss+xml", {"ETag": etag})
        if self.path == "/failing.xml":
            return self.reply(500, b"internal error", "text/plain")
        key = self.path.removeprefix("/news/").removesuffix(".html")
        if key in REPORTS:
            title, text, _ = REPORTS[key]
            return self.reply(200, web_page(text, title).encode(), "text/html; charset=utf-8")
        return self.reply(404, b"not found", "text/plain")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.hooks.append(json.loads(body))
        self.reply(204, b"")

    def reply(self, status, body, ctype=None, headers=None):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.items, httpd.hooks, httpd.requests, httpd.not_modified = ["a"], [], Counter(), 0
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(feeds: Path, db: str, watchlist: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "eventwatch.cli", "watch", "--feeds", str(feeds),
                             "--every", "1s", "--db", db, "--watchlists", str(watchlist)],
                            stdout=subprocess.DEVNULL, stderr=open(log, "ab"), env=env)


def _wait(what, check, proc: subprocess.Popen, log: Path, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        if proc.poll() is not None:
            pytest.fail(f"the daemon exited ({proc.returncode}) waiting for {what}:\n{log.read_text()}")
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}:\n{log.read_text()[-3000:]}")


def _counts(db: str) -> tuple[int, int]:
    with open_store(db) as store:
        return store.counts()["articles"], len(A.query_alerts(store, limit=None))


def test_the_daemon_polls_alerts_once_stops_cleanly_and_resumes(server, db_url, tmp_path):
    base = f"http://127.0.0.1:{server.server_port}"
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# test feeds\n{base}/feed.xml\n{base}/failing.xml\n"
                     f"http://127.0.0.1:{_closed_port()}/feed.xml\n\n", encoding="utf-8")
    watchlist = tmp_path / "watch.yaml"
    watchlist.write_text(WATCHLIST % f"{base}/hook", encoding="utf-8")
    log = tmp_path / "daemon.log"

    proc = _start(feeds, db_url, watchlist, log)
    try:
        _wait("the first article and its alert", lambda: _counts(db_url) == (1, 1), proc, log)
        _wait("a conditional poll answered 304", lambda: server.not_modified >= 1, proc, log)
        # Between polls the feed gains the same attack from another outlet and another attack.
        server.items = ["c", "b", "a"]
        _wait("the new items", lambda: _counts(db_url)[0] == 3, proc, log)
        time.sleep(1.5)  # a poll or two more: nothing changes
        assert _counts(db_url) == (3, 2)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    text = log.read_text()
    assert "stopped after" in text
    assert "failing.xml" in text and "500" in text  # the failing feed was reported, not fatal
    assert "no link" in text  # so was the malformed entry
    assert sorted(h["event"]["location_name"] for h in server.hooks) == ["Bunia", "Goma"]

    # While it is down an item is added; restarted, it takes that one and nothing twice.
    server.items = ["d", "c", "b", "a"]
    proc = _start(feeds, db_url, watchlist, log)
    try:
        _wait("the item added while down", lambda: _counts(db_url)[0] == 4, proc, log)
        _wait("its alert", lambda: _counts(db_url)[1] == 3, proc, log)
        time.sleep(1.5)
        assert _counts(db_url) == (4, 3)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert sorted(h["event"]["location_name"] for h in server.hooks) == ["Beni", "Bunia", "Goma"]
    with open_store(db_url) as store:
        state = A.get_state(store, f"feed:{base}/feed.xml")
        assert state["validators"]["etag"] == '"4"' and state["last_error"] is None
        failing = A.get_state(store, f"feed:{base}/failing.xml")
        assert "500" in failing["last_error"]
