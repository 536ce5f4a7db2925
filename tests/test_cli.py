"""The command line, run as a user runs it (a subprocess), on good and bad inputs."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT


def run(*args, stdin: bytes | None = None):
    proc = subprocess.run([sys.executable, "-m", "eventwatch.cli", *args], input=stdin,
                          capture_output=True, cwd=ROOT, timeout=300)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


@pytest.mark.parametrize("content,needle", [
    (b"", "empty input"),
    (b"   \n\t\n", "empty input"),
    (b"\x00\x01\x02binary\x00\xff" * 20, "binary"),
    ("Caf\u00e9 au lait in Par\u00eds".encode("latin-1"), "not valid UTF-8"),
])
def test_unusable_text_input_is_one_clear_line_and_status_2(tmp_path, content, needle):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    code, out, err = run("analyze", str(path))
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and str(path) in lines[0]


def test_missing_file_and_directory(tmp_path):
    code, _, err = run("analyze", str(tmp_path / "nope.txt"))
    assert code == 2 and "nope.txt" in err
    code, _, err = run("analyze", str(tmp_path))
    assert code == 2 and "is a directory" in err


def test_text_file_gives_one_schema_document(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Kenya and Uganda signed a trade agreement in Nairobi on Monday.", encoding="utf-8")
    code, out, err = run("analyze", str(path), "--published", "2024-03-07")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["published"] == "2024-03-07"
    assert {t["value"] for t in doc["times"]} == {"2024-03-04"}
    for key in ("entities", "places", "times", "quotes", "events"):
        assert isinstance(doc[key], list)


def test_utf8_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffTroops entered Syria.\r\nTalks failed.".encode("utf-8"))
    code, out, _ = run("analyze", str(path))
    assert code == 0
    assert json.loads(out)["text"].startswith("Troops entered Syria.")


def test_jsonl_bad_lines_are_reported_and_the_rest_processed():
    lines = [
        json.dumps({"id": "good-1", "text": "Russia and China held talks in Moscow.", "published": "2021-10-14"}),
        "{not json",
        json.dumps({"id": "no-text", "title": "x"}),
        json.dumps({"id": "wrong-type", "text": 42}),
        json.dumps(["a", "list"]),
        "",
        json.dumps({"id": "good-2", "text": "Protesters marched in Nairobi on Friday."}),
    ]
    code, out, err = run("analyze", "--input-format", "jsonl", stdin=("\n".join(lines) + "\n").encode())
    assert code == 1
    docs = [json.loads(line) for line in out.splitlines()]
    assert [d["id"] for d in docs] == ["good-1", "good-2"]
    for line_no, needle in ((2, "invalid JSON"), (3, "no 'text'"), (4, "'text' must be a string"),
                            (5, "expected a JSON object")):
        assert any(f"line {line_no}" in ln and needle in ln for ln in err.splitlines()), (line_no, err)


def test_jsonl_all_good_exits_0_and_json_format_is_an_array():
    lines = [json.dumps({"text": "Troops entered Syria."}), json.dumps({"text": "Talks began in Geneva."})]
    code, out, _ = run("analyze", "--input-format", "jsonl", "--format", "json",
                       stdin=("\n".join(lines)).encode())
    assert code == 0
    docs = json.loads(out)
    assert [d["id"] for d in docs] == ["stdin-1", "stdin-2"]


def test_summary_format_lists_events(tmp_path):
    code, out, _ = run("analyze", "samples/article.txt", "--published", "2024-03-07", "--format", "summary")
    assert code == 0
    assert "events:" in out and "quotes:" in out


def test_stages_command_lists_the_contracts():
    code, out, _ = run("stages")
    assert code == 0
    assert "events" in out and "requires" in out
