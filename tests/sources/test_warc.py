from io import BytesIO

import pytest
from source_samples import COUNCIL, DOCKERS, FARMERS, web_page
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventwatch.sources import read_paths, read_warc

COUNCIL_URL = "https://www.riverton-news.example/2024/fares"
DOCKERS_URL = "https://halvik.example/strike"
DATED = '<meta property="article:published_time" content="2024-03-12T18:45:00Z">'


def write_warc(path, gzip=True):
    """An archive as a crawl leaves it: two articles amid a request, an image and a 404 page."""
    responses = [
        (COUNCIL_URL, "200 OK", "text/html; charset=utf-8",
         web_page(COUNCIL, "Riverton council halts bus fare rise", head=DATED).encode()),
        ("https://www.riverton-news.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(200)),
        ("https://www.riverton-news.example/gone", "404 Not Found", "text/html",
         web_page(FARMERS, "Page not found").encode()),
        (DOCKERS_URL, "200 OK", "text/html; charset=iso-8859-1",
         web_page(DOCKERS.replace("Halvik", "Hålvik"), "Dockers strike").replace(
             '<meta charset="utf-8">', "").encode("latin-1")),
    ]
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        request = writer.create_warc_record(COUNCIL_URL, "request", payload=BytesIO(b""), http_headers=StatusAndHeaders(
            "GET /2024/fares HTTP/1.1", [("Host", "www.riverton-news.example")], is_http_request=True))
        writer.write_record(request)
        for url, status, ctype, body in responses:
            record = writer.create_warc_record(
                url, "response", payload=BytesIO(body),
                http_headers=StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1"),
                warc_headers_dict={"WARC-Date": "2024-05-02T06:30:00Z"})
            writer.write_record(record)
    return path


@pytest.mark.parametrize("name, gzip", [("crawl.warc.gz", True), ("crawl.warc", False)])
def test_html_responses_become_articles(tmp_path, name, gzip):
    path = write_warc(tmp_path / name, gzip)
    items = list(read_warc(path))
    assert [i.ok for i in items] == [True, True]
    council, dockers = (i.article for i in items)
    assert council.text == COUNCIL and council.url == COUNCIL_URL
    assert council.published == "2024-03-12"  # the page's own date
    assert dockers.published == "2024-05-02"  # none on the page: the crawl date
    assert "port of Hålvik" in dockers.text  # decoded by the response's charset
    assert dockers.url == DOCKERS_URL and dockers.source == "The Harbour Gazette"


def test_origins_point_at_the_records(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz")
    for item in read_warc(path):
        where, _, offset = item.origin.rpartition("#")
        assert where == str(path)
        with open(path, "rb") as stream:
            stream.seek(int(offset))
            record = next(iter(ArchiveIterator(stream)))
            assert record.rec_headers.get_header("WARC-Target-URI") == item.article.url


@pytest.mark.parametrize("gzip", [True, False])
def test_truncated_archive_keeps_the_good_records(tmp_path, gzip):
    full = write_warc(tmp_path / ("full.warc.gz" if gzip else "full.warc"), gzip).read_bytes()
    cut = tmp_path / ("cut.warc.gz" if gzip else "cut.warc")
    cut.write_bytes(full[:-300])  # inside the last page
    items = list(read_warc(cut))
    assert [i.ok for i in items] == [True, False]
    assert items[0].article.url == COUNCIL_URL
    assert "truncated" in items[1].error and items[1].origin.startswith(f"{cut}#")


def test_cut_inside_a_record_header(tmp_path):
    full = write_warc(tmp_path / "full.warc.gz").read_bytes()
    offsets = [int(i.origin.rpartition("#")[2]) for i in read_warc(tmp_path / "full.warc.gz")]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(full[:offsets[1] + 40])
    items = list(read_warc(cut))
    assert [i.ok for i in items] == [True, False]
    assert items[1].origin == f"{cut}#{offsets[1]}"


@pytest.mark.parametrize("content", [b"", b"not an archive at all\n" * 20, b"\x1f\x8b\x08\x00" + b"\xff" * 300])
def test_no_archive_is_one_error(tmp_path, content):
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(content)
    (item,) = read_warc(path)
    assert item.error and item.origin.startswith(str(path))


def test_read_paths_reads_archives(tmp_path):
    write_warc(tmp_path / "crawl.warc.gz")
    (tmp_path / "note.txt").write_text(FARMERS)
    items = list(read_paths([tmp_path], published="2020-01-01"))
    assert [i.ok for i in items] == [True, True, True]
    assert items[1].article.published == "2024-05-02"  # the crawl date beats the caller's default
    assert items[2].article.published == "2020-01-01"
