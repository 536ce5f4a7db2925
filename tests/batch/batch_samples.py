"""A small corpus for the batch tests, written by the tests themselves: short news stories
invented for them, as JSON Lines, a text file and a WARC archive, with a bad line, a
duplicate and an article in German."""
from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

CITIES = ["Nairobi", "Lagos", "Kabul", "Lahore", "Bogota", "Manila", "Dhaka", "Tunis"]

GERMAN = ("Die Bundesregierung hat am Montag in Berlin beschlossen, die humanitäre Hilfe für die "
          "Flüchtlinge deutlich zu erhöhen, wie ein Sprecher des Ministeriums mitteilte.")


def story(n: int) -> str:
    """A distinct short news story (number ``n``) with an arrest and a meeting."""
    city = CITIES[n % len(CITIES)]
    return (f"Police arrested {n + 3} protesters in {city} on Monday after a march against fuel prices "
            f"turned violent, officials said. Interior Minister Amina Odhiambo met opposition leaders "
            f"on Tuesday and promised an inquiry into the clashes, the {n + 1}th this year. "
            f"\"We will not tolerate violence,\" she said.")


def records(n: int, start: int = 0) -> list[dict]:
    """``n`` JSON Lines records; every third one has no publication date."""
    out = []
    for i in range(start, start + n):
        record = {"id": f"story-{i}", "text": story(i), "title": f"Story {i}",
                  "url": f"https://news.example.org/{i}"}
        if i % 3:
            record["published"] = f"2024-03-{1 + i % 5:02d}"
        out.append(record)
    return out


def write_jsonl(path: Path, rows: list, extra_lines: tuple[str, ...] = ()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n")
        for line in extra_lines:
            fh.write(line + "\n")
    return path


PAGE = """<html><head><title>Talks resume in Geneva</title></head><body>
<nav>Home | World | Sport</nav>
<article><h1>Talks resume in Geneva</h1>
<p>Diplomats from Kenya and Ethiopia met in Geneva on Wednesday to resume talks on the disputed
border, the foreign ministry in Nairobi said. The delegations agreed to meet again next month.</p>
<p>Protesters gathered outside the venue, and police detained four of them, witnesses said.</p>
</article><footer>Copyright News Example</footer></body></html>"""


def write_warc(path: Path) -> Path:
    """A gzipped WARC with one HTML response (crawled 2024-03-06) and a request."""
    path.parent.mkdir(parents=True, exist_ok=True)
    url = "https://news.example.org/geneva-talks"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warc_record(
            url, "request", payload=BytesIO(b""),
            http_headers=StatusAndHeaders("GET /geneva-talks HTTP/1.1", [("Host", "news.example.org")],
                                          is_http_request=True)))
        writer.write_record(writer.create_warc_record(
            url, "response", payload=BytesIO(PAGE.encode("utf-8")),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                          protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": "2024-03-06T08:00:00Z"}))
    return path


def write_corpus(folder: Path) -> Path:
    """The mixed corpus: news/a.jsonl (5 stories, a bad line, a duplicate, a German article),
    news/b.jsonl (4 stories), news/texts/x.txt, news/crawl.warc.gz."""
    rows = records(5)
    write_jsonl(folder / "a.jsonl", [*rows[:3], "{not json", rows[0],
                                     {"id": "de-1", "text": GERMAN, "published": "2024-03-02"}, *rows[3:]])
    write_jsonl(folder / "b.jsonl", records(4, start=5))
    (folder / "texts").mkdir(parents=True, exist_ok=True)
    (folder / "texts" / "x.txt").write_text(story(40), encoding="utf-8")
    write_warc(folder / "crawl.warc.gz")
    return folder
