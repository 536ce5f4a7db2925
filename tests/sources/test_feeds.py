import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

import httpx
import pytest
from source_samples import COUNCIL, DOCKERS, ELECTION, FARMERS, web_page

from eventwatch.sources import FetchError, fetch, read_feed

LIMIT = 60_000  # bytes: the size limit the tests read with
TIMEOUT = 0.5  # seconds
ATOM_MODIFIED = formatdate(1714550400, usegmt=True)  # 2024-05-01


def rss(base):
    items = [("Riverton council halts bus fare rise", "/news/council.html", "Tue, 12 Mar 2024 18:00:00 GMT"),
             ("Election result confirmed", "/news/missing.html", "Mon, 11 Mar 2024 09:00:00 GMT"),
             ("A very long page", "/news/huge.html", "Sun, 10 Mar 2024 09:00:00 GMT"),
             ("A slow page", "/news/slow.html", "Sat, 09 Mar 2024 09:00:00 GMT"),
             ("Dockers strike again", "/news/dockers.html", "Fri, 08 Mar 2024 07:30:00 GMT")]
    entries = "".join(f"<item><title>{escape(t)}</title><link>{base}{path}</link><pubDate>{d}</pubDate>"
                      f"<description>A teaser only.</description></item>" for t, path, d in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Gazette news</title>'
            f"<link>{base}/</link><description>Local news</description>{entries}</channel></rss>")


def atom(base):
    long_text = " ".join([ELECTION, COUNCIL])  # over 200 words: the article itself
    paragraphs = "".join(f"<p>{p}</p>" for p in long_text.split("\n"))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Castelmare Courier</title><id>urn:courier</id>
<updated>2024-05-01T00:00:00Z</updated>
<entry><title>Farmers protest water limits</title><id>urn:1</id><link href="{base}/news/farmers.html"/>
<published>2024-04-26T12:00:00Z</published><updated>2024-04-27T08:00:00Z</updated></entry>
<entry><title>Norvania election</title><id>urn:2</id><link rel="alternate" href="/news/gone.html"/>
<updated>2024-04-29T12:00:00Z</updated><content type="html">{escape(paragraphs)}</content></entry>
<entry><title>Dockers strike again</title><id>urn:3</id><link href="{base}/news/dockers.html"/>
<updated>2024-04-30T12:00:00Z</updated></entry>
</feed>"""


PAGES = {
    "/news/council.html": web_page(COUNCIL, "Riverton council halts bus fare rise"),
    "/news/farmers.html": web_page(FARMERS, "Farmers protest water limits"),
    "/news/dockers.html": web_page(
        DOCKERS, "Halvik dockers strike", head='<meta property="article:published_time" content="2024-03-04">'),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests[self.path] += 1
        self.server.headers_seen.append((self.path, dict(self.headers)))
        base = f"http://127.0.0.1:{self.server.server_port}"
        if self.path == "/rss.xml":
            if self.headers.get("If-None-Match") == '"rss-1"':
                return self.reply(304, b"")
            return self.reply(200, rss(base).encode(), "application/rss+xml", {"ETag": '"rss-1"'})
        if self.path == "/atom.xml":
            if self.headers.get("If-Modified-Since") == ATOM_MODIFIED:
                return self.reply(304, b"")
            return self.reply(200, atom(base).encode(), "application/atom+xml", {"Last-Modified": ATOM_MODIFIED})
        if self.path == "/broken.xml":
            return self.reply(200, b'<?xml version="1.0"?><rss version="2.0"><channel><title>Bro<item', "text/xml")
        if self.path == "/not-a-feed":
            return self.reply(200, b"just some words", "text/plain")
        if self.path in PAGES:
            return self.reply(200, PAGES[self.path].encode(), "text/html; charset=utf-8")
        if self.path == "/news/huge.html":  # streamed without a length: the reader has to count
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(200):
                self.wfile.write(b"<p>" + b"more words " * 100 + b"</p>\n")
            return None
        if self.path == "/news/declared-huge.html":
            return self.reply(200, b" " * (LIMIT + 1), "text/html")
        if self.path == "/news/slow.html":
            time.sleep(TIMEOUT * 3)
            return self.reply(200, PAGES["/news/council.html"].encode(), "text/html")
        if self.path == "/image.png":
            return self.reply(200, b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png")
        return self.reply(404, b"<html><body><h1>Not found</h1></body></html>", "text/html")

    def reply(self, status, body, ctype=None, headers=None):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that timed out and hung up is expected here


@pytest.fixture(scope="module")
def server():
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.requests, httpd.headers_seen = Counter(), []
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def base(server):
    server.requests.clear()
    server.headers_seen.clear()
    return f"http://127.0.0.1:{server.server_port}"


def read(source, state=None, **kwargs):
    return list(read_feed(source, state if state is not None else {}, timeout=TIMEOUT, max_bytes=LIMIT, **kwargs))


def test_rss_entries_become_articles_or_errors(base):
    items = {i.origin.removeprefix(base): i for i in read(f"{base}/rss.xml")}
    assert list(items) == ["/news/council.html", "/news/missing.html", "/news/huge.html", "/news/slow.html",
                           "/news/dockers.html"]
    council = items["/news/council.html"].article
    assert council.text == COUNCIL and council.title == "Riverton council halts bus fare rise"
    assert council.url == f"{base}/news/council.html" and council.source == "The Harbour Gazette"
    assert council.published == "2024-03-12"  # none on the page: the feed's date
    assert items["/news/dockers.html"].article.published == "2024-03-04"  # the page's own date first
    assert "HTTP 404" in items["/news/missing.html"].error
    assert "larger than the limit" in items["/news/huge.html"].error
    assert "timed out" in items["/news/slow.html"].error


def test_atom_entries_and_full_content_fallback(base):
    items = read(f"{base}/atom.xml")
    assert [i.origin.removeprefix(base) for i in items] == ["/news/farmers.html", "/news/gone.html",
                                                           "/news/dockers.html"]
    assert all(i.ok for i in items)
    farmers, election, _ = (i.article for i in items)
    assert farmers.text == FARMERS and farmers.published == "2024-04-26"
    # The page is gone, but the feed carries the whole article (a relative link, resolved).
    assert election.text.startswith("The electoral commission of Norvania") and "Riverton" in election.text
    assert election.title == "Norvania election" and election.published == "2024-04-29"
    assert election.url == f"{base}/news/gone.html"


def test_etag_makes_the_second_read_empty(server, base):
    state = {}
    assert len(read(f"{base}/rss.xml", state)) == 5
    assert state == {f"{base}/rss.xml": {"etag": '"rss-1"'}}
    pages_fetched = server.requests["/news/council.html"]
    assert read(f"{base}/rss.xml", state) == []
    assert server.requests["/news/council.html"] == pages_fetched  # no page fetched again
    sent = [h for path, h in server.headers_seen if path == "/rss.xml"]
    assert "If-None-Match" not in sent[0] and sent[1]["If-None-Match"] == '"rss-1"'
    assert len(read(f"{base}/rss.xml", {})) == 5  # without the state: read again


def test_last_modified_makes_the_second_read_empty(base):
    state = {}
    assert len(read(f"{base}/atom.xml", state)) == 3
    assert state[f"{base}/atom.xml"] == {"modified": ATOM_MODIFIED}
    assert read(f"{base}/atom.xml", state) == []


def test_state_is_kept_only_after_a_complete_read(base):
    state = {}
    feed = read_feed(f"{base}/rss.xml", state, timeout=TIMEOUT, max_bytes=LIMIT)
    next(feed)
    feed.close()  # the caller stopped early: the entries not read must come again next time
    assert state == {}


@pytest.mark.parametrize("path, message", [("/broken.xml", "malformed feed"), ("/not-a-feed", "not an RSS"),
                                           ("/nowhere.xml", "HTTP 404")])
def test_bad_feed_is_one_error(base, path, message):
    (item,) = read(f"{base}{path}")
    assert item.origin == f"{base}{path}" and message in item.error


def test_local_feed_file(base, tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text(rss(base), encoding="utf-8")
    items = read(path)
    assert len(items) == 5 and items[0].ok and items[0].article.text == COUNCIL
    (missing,) = read(tmp_path / "absent.xml")
    assert "cannot read the feed" in missing.error
    (ftp,) = read("ftp://127.0.0.1/feed.xml")
    assert "only http and https" in ftp.error


def test_feed_with_an_error_still_gives_its_entries(base, tmp_path, caplog):
    path = tmp_path / "sloppy.xml"
    path.write_text(rss(base).replace("Gazette news", "Gazette & news").replace("</channel></rss>", ""))
    with caplog.at_level("WARNING", logger="eventwatch.sources.feeds"):
        items = read(path)
    assert [i.ok for i in items] == [True, False, False, False, True]
    assert "malformed feed" in caplog.text and "reading its 5 entries anyway" in caplog.text


def test_fetch_limits(base):
    with pytest.raises(FetchError, match="larger than the limit"):
        fetch(f"{base}/news/declared-huge.html", max_bytes=LIMIT)
    with pytest.raises(FetchError, match="only http and https"):
        fetch("ftp://127.0.0.1/feed.xml")
    with pytest.raises(FetchError, match="cannot connect"):
        fetch("http://127.0.0.1:9/feed.xml", timeout=TIMEOUT)
    page = fetch(f"{base}/news/farmers.html")
    assert page.status == 200 and page.mime == "text/html" and page.charset == "utf-8"
    assert FARMERS.split("\n")[0] in page.content.decode()


def test_fetch_conditional(base):
    first = fetch(f"{base}/rss.xml", {})
    assert first.etag == '"rss-1"' and not first.not_modified
    again = fetch(f"{base}/rss.xml", {f"{base}/rss.xml": {"etag": first.etag}})
    assert again.not_modified and again.content == b"" and again.etag == '"rss-1"'


def test_a_shared_client_and_non_html_pages(base, tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text(f"""<rss version="2.0"><channel><title>t</title>
        <item><title>Logo</title><link>{base}/image.png</link></item>
        <item><title>No link</title></item>
        <item><title>Mail</title><link>mailto:desk@example.org</link></item></channel></rss>""")
    with httpx.Client() as client:
        items = list(read_feed(path, {}, client, timeout=TIMEOUT))
        assert not client.is_closed  # the caller's client stays open
    assert "not an HTML page (image/png)" in items[0].error
    assert items[1].error == "the feed entry has no link" and items[1].origin == f"{path} (entry 2)"
    assert "only http and https" in items[2].error
