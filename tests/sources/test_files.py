import json
import os

import pytest
from source_samples import COUNCIL, DOCKERS, ELECTION, FARMERS, GERMAN, web_page

from eventwatch.sources import read_paths

DATED = '<meta property="article:published_time" content="2024-02-20T10:00:00Z">'


@pytest.fixture
def inbox(tmp_path):
    """A folder of mixed inputs, good and bad, as a user would point the reader at."""
    (tmp_path / "a-council.txt").write_text(COUNCIL, encoding="utf-8")
    (tmp_path / "b-farmers.html").write_text(web_page(FARMERS, "Farmers protest water limits", head=DATED),
                                            encoding="utf-8")
    (tmp_path / "c-dockers.json").write_text(json.dumps(
        {"id": "dock-1", "text": DOCKERS, "title": "Halvik dockers strike", "published": "2024-04-08"}))
    (tmp_path / "d-list.json").write_text(json.dumps(
        [{"id": 7, "text": ELECTION, "url": "https://news.example/norvania"}, {"title": "no text here"}]))
    (tmp_path / "e-stream.jsonl").write_text("\n".join([
        json.dumps({"id": "s1", "text": COUNCIL}), '{"id": "s2", "text": "unterminated', "",
        json.dumps({"id": "s4", "text": FARMERS})]) + "\n")
    (tmp_path / "f-empty.txt").write_bytes(b"")
    (tmp_path / "g-noise.txt").write_bytes(os.urandom(2048) + b"\x00\x00")
    (tmp_path / "h-lindenau.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "i-notes.docx").write_bytes(b"PK\x03\x04 not really a document")
    (tmp_path / "j-noise.html").write_bytes(bytes(range(256)) * 8)
    (tmp_path / ".hidden.txt").write_text(COUNCIL)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD.txt").write_text(COUNCIL)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "k-election.txt").write_text(ELECTION)
    (tmp_path / "z-last.txt").write_text(DOCKERS)
    return tmp_path


def shape(item):
    return "error" if item.error else "skipped" if item.skipped else "ok"


def test_every_input_gives_items_in_order(inbox):
    items = list(read_paths([inbox]))
    got = [(os.path.relpath(i.origin, inbox), shape(i)) for i in items]
    assert got == [
        ("a-council.txt", "ok"),
        ("b-farmers.html", "ok"),
        ("c-dockers.json", "ok"),
        ("d-list.json[0]", "ok"),
        ("d-list.json[1]", "error"),
        ("e-stream.jsonl:1", "ok"),
        ("e-stream.jsonl:2", "error"),
        ("e-stream.jsonl:4", "ok"),
        ("f-empty.txt", "error"),
        ("g-noise.txt", "error"),
        ("h-lindenau.txt", "skipped"),
        ("i-notes.docx", "error"),
        ("j-noise.html", "error"),
        (os.path.join("sub", "k-election.txt"), "ok"),
        ("z-last.txt", "ok"),
    ]


def test_articles_carry_what_the_inputs_say(inbox):
    items = {os.path.relpath(i.origin, inbox): i for i in read_paths([inbox], published="2024-06-01")}
    council = items["a-council.txt"].article
    assert (council.text, council.id, council.published) == (COUNCIL, "a-council", "2024-06-01")
    farmers = items["b-farmers.html"].article
    assert farmers.text == FARMERS and farmers.id == "b-farmers"
    assert farmers.title == "Farmers protest water limits" and farmers.published == "2024-02-20"
    dockers = items["c-dockers.json"].article
    assert (dockers.id, dockers.title, dockers.published) == ("dock-1", "Halvik dockers strike", "2024-04-08")
    election = items["d-list.json[0]"].article
    assert (election.id, election.url, election.published) == ("7", "https://news.example/norvania", "2024-06-01")
    assert [items[k].article.id for k in ("e-stream.jsonl:1", "e-stream.jsonl:4")] == ["s1", "s4"]


def test_errors_say_what_is_wrong(inbox):
    errors = {os.path.relpath(i.origin, inbox): i.error for i in read_paths([inbox]) if i.error}
    assert errors["d-list.json[1]"] == "no 'text' field"
    assert errors["e-stream.jsonl:2"].startswith("invalid JSON")
    assert "empty" in errors["f-empty.txt"]
    assert "binary" in errors["g-noise.txt"]
    assert "unknown file type '.docx'" in errors["i-notes.docx"]
    assert "no article text found" in errors["j-noise.html"]


def test_foreign_article_is_skipped_with_its_text(inbox):
    (item,) = read_paths([inbox / "h-lindenau.txt"])
    assert item.skipped == "language: de"
    assert item.article.text == GERMAN and item.article.id == "h-lindenau"


def test_files_and_missing_paths(tmp_path):
    good = tmp_path / "story.htm"
    good.write_text(web_page(ELECTION, "Norvania's ruling party loses its majority"))
    items = list(read_paths([str(tmp_path / "missing.txt"), good, tmp_path / "README"]))
    assert [shape(i) for i in items] == ["error", "ok", "error"]
    assert items[0].error == "no such file" and items[0].origin.endswith("missing.txt")
    assert items[1].article.title == "Norvania's ruling party loses its majority"
    assert "no extension" in items[2].error


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"[]", "empty list"),
    (b"42", "got int"),
    (b'{"text": ', "invalid JSON"),
    (b'{"text": "caf\xe9"}', "not valid UTF-8"),
])
def test_bad_json_files(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    (item,) = read_paths([path])
    assert item.error is not None and message in item.error and item.origin == str(path)


def test_bad_jsonl_files(tmp_path):
    (tmp_path / "blank.jsonl").write_text("\n\n  \n")
    (tmp_path / "binary.jsonl").write_bytes(b'{"text": "x"}\n\x00\x01\x02' * 10)
    items = list(read_paths([tmp_path]))
    assert [(os.path.basename(i.origin), shape(i)) for i in items] == [("binary.jsonl", "error"),
                                                                      ("blank.jsonl", "error")]
