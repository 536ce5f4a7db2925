"""`eventwatch batch` on the local engine: the output layout, the manifest, reruns, and
documents that break the pipeline or kill their worker."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from batch_samples import GERMAN, records, story, write_corpus, write_jsonl
from crash_stages import CRASH, EXIT, PLUGIN, STAGES
from eventwatch.batch import TABLES, document_from_dict, run_batch
from eventwatch.batch.output import schema
from eventwatch.store.rows import article_id
from eventwatch.store.schema import Base


def table(out: Path, name: str) -> list[dict]:
    """Every row of a table, from all its files (partition key as ``published``)."""
    folder = out / name
    if not folder.exists():
        return []
    rows = []
    for path in sorted(folder.rglob("*.parquet")):
        day = path.parent.name.split("=", 1)[1] if "=" in path.parent.name else None
        rows += [{**row, **({"published": day} if day else {})} for row in pq.read_table(path).to_pylist()]
    return rows


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus") / "news")


@pytest.fixture(scope="module")
def done(corpus, tmp_path_factory):
    """One local run over the corpus, shared by the tests that only read its output."""
    out = tmp_path_factory.mktemp("batch") / "out"
    report = run_batch([str(corpus)], str(out), engine="local", workers=2)
    return out, report


def test_outputs_layout_and_manifest(done, corpus):
    out, report = done
    assert report.shards == 4 and report.done == 4 and not report.failed
    assert report.counts["analysed"] == 5 + 4 + 1 + 1  # stories of a and b, the text, the page
    assert report.counts["skipped"] == 1 and report.counts["duplicates"] == 1
    assert report.counts["errors"] == 1 and not report.ok
    # Partitions by publication day, "unknown" for articles without one; no stray temp files.
    days = {p.name for p in (out / "articles").iterdir()}
    assert {"published=2024-03-02", "published=2024-03-06", "published=unknown"} <= days
    assert not [p for p in out.rglob(".*")]
    markers = sorted((out / "_shards").glob("*.done"))
    assert len(markers) == 4 and not list((out / "_shards").glob("*.progress"))
    for marker in markers:
        data = json.loads(marker.read_text())
        assert data["status"] == "done" and all((out / f).is_file() for f in data["files"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["analysed"] == 11 and manifest["tables"] == list(TABLES)
    assert len(manifest["shards"]) == 4 and all(s["status"] == "done" for s in manifest["shards"].values())
    run = manifest["runs"][-1]
    assert run["engine"] == "local" and run["workers"] == 2 and run["timings"]["total_s"] > 0
    assert run["versions"]["eventwatch"] and run["versions"]["spacy"] and run["versions"]["pyarrow"]
    assert all(0 < mb < 2000 for mb in run["peak_rss_mb"].values())


def test_tables_have_the_store_columns_and_sorted_rows(done):
    out, _ = done
    for name in TABLES:
        columns = schema(name).names
        store_table = Base.metadata.tables.get(name)
        if store_table is not None:  # every store column but keys and bookkeeping
            expected = {c.name for c in store_table.columns} - {"id", "seq", "ingested_at", "run_id",
                                                                 "duplicate_of", "similarity", "published",
                                                                 "event_id"}
            assert expected <= set(columns), name
        for path in (out / name).rglob("*.parquet"):
            rows = pq.read_table(path)
            assert rows.schema.names == columns
            ids = rows.column("article_id" if "article_id" in columns else "id").to_pylist()
            if name != "errors":
                assert ids == sorted(ids)
    events = table(out, "events")
    assert events and {e["type"] for e in events} >= {"COERCE"}


def test_articles_keep_their_analysis_and_origin(done, corpus):
    out, _ = done
    articles = {a["external_id"]: a for a in table(out, "articles")}
    for record in records(5):
        row = articles[record["id"]]
        assert row["id"] == article_id(record["text"]) and row["status"] == "analysed"
        assert row["origin"].startswith(str(corpus / "a.jsonl") + ":")
        assert row["published"] == (record.get("published") or "unknown")
        analysis = json.loads(row["analysis"])
        assert document_from_dict(analysis).to_dict() == analysis  # load rebuilds the same document
    german = articles["de-1"]
    assert german["status"] == "skipped" and german["skip_reason"] == "language: de" and german["text"] == GERMAN
    page = next(a for a in articles.values() if (a["url"] or "").endswith("geneva-talks"))
    assert page["published"] == "2024-03-06" and "#" in page["origin"] and "Geneva" in page["text"]
    text = next(a for a in articles.values() if a["external_id"] == "x")
    assert text["text"] == story(40) and text["origin"] == str(corpus / "texts" / "x.txt")
    errors = table(out, "errors")
    assert [(e["origin"], e["stage"]) for e in errors] == [(f"{corpus / 'a.jsonl'}:4", "read")]
    assert "invalid JSON" in errors[0]["message"]


def test_rerun_skips_completed_shards(done, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(done[0], out)
    before = {p: p.read_bytes() for p in out.rglob("*.parquet")}
    corpus = Path(json.loads((out / "manifest.json").read_text())["runs"][0]["inputs"][0])
    again = run_batch([str(corpus)], str(out), engine="local", workers=2)
    assert again.already_done == 4 and again.done == 0 and again.results == [] and again.counts == {}
    # A shard whose marker is gone is done again, alone, to the same bytes.
    marker = next(m for m in (out / "_shards").glob("*.done")
                  if json.loads(m.read_text())["shard"]["files"][0].endswith("b.jsonl"))
    marker.unlink()
    third = run_batch([str(corpus)], str(out), engine="local", workers=1)
    assert third.already_done == 3 and third.done == 1 and third.counts["analysed"] == 4
    assert {p: p.read_bytes() for p in out.rglob("*.parquet")} == before
    assert len(json.loads((out / "manifest.json").read_text())["runs"]) == 3
    # A lost manifest is rebuilt from the markers.
    (out / "manifest.json").unlink()
    assert run_batch([str(corpus)], str(out), engine="local").already_done == 4
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["shards"]) == 4 and manifest["counts"]["analysed"] == 11


def test_a_document_that_crashes_the_pipeline_is_an_error_row(tmp_path):
    rows = records(4)
    rows[2]["text"] += f" {CRASH}"
    write_jsonl(tmp_path / "in" / "crash.jsonl", rows)
    out = tmp_path / "out"
    report = run_batch([str(tmp_path / "in")], str(out), stages=STAGES, plugins=(str(PLUGIN),), workers=1)
    assert report.done == 1 and report.counts["analysed"] == 3 and report.counts["errors"] == 1
    (error,) = table(out, "errors")
    assert error["stage"] == "analysis" and error["origin"].endswith("crash.jsonl:3")
    assert "the pipeline crashed: RuntimeError" in error["message"]
    assert error["article_id"] == article_id(rows[2]["text"])
    assert {a["external_id"] for a in table(out, "articles")} == {"story-0", "story-1", "story-3"}


def test_a_killed_worker_is_retried(tmp_path, monkeypatch):
    rows = records(3)
    rows[1]["text"] += f" {EXIT}"
    write_jsonl(tmp_path / "in" / "exit.jsonl", rows)
    died = tmp_path / "died-once"
    monkeypatch.setenv("EVENTWATCH_TEST_EXIT_ONCE", str(died))
    out = tmp_path / "out"
    report = run_batch([str(tmp_path / "in")], str(out), stages=STAGES, plugins=(str(PLUGIN),), workers=1)
    assert died.exists()  # the first attempt died
    assert report.done == 1 and report.counts["analysed"] == 3 and report.counts["errors"] == 0
    assert report.results[0]["attempt"] == 2


def test_a_document_that_always_kills_its_worker_is_skipped(tmp_path, monkeypatch):
    rows = records(5)
    rows[3]["text"] += f" {EXIT}"
    write_jsonl(tmp_path / "in" / "poison.jsonl", rows)
    monkeypatch.setenv("EVENTWATCH_TEST_EXIT_ALWAYS", "1")
    out = tmp_path / "out"
    report = run_batch([str(tmp_path / "in")], str(out), stages=STAGES, plugins=(str(PLUGIN),), workers=1)
    # Attempt 1 dies in the chunk, attempt 2 on the document alone, attempt 3 skips it.
    assert report.done == 1 and report.results[0]["attempt"] == 3
    assert report.counts["analysed"] == 4 and report.counts["errors"] == 1
    (error,) = table(out, "errors")
    assert error["stage"] == "worker" and error["origin"].endswith("poison.jsonl:4")
    assert "died while analysing this document" in error["message"]


def test_large_json_lines_files_are_split_in_byte_ranges(tmp_path):
    rows = records(9)
    source = write_jsonl(tmp_path / "in" / "big.jsonl", rows)
    out = tmp_path / "out"
    report = run_batch([str(source)], str(out), workers=2, split_bytes=900)
    assert report.shards > 3 and report.done == report.shards
    articles = table(out, "articles")
    assert sorted(a["external_id"] for a in articles) == sorted(r["id"] for r in rows)
    data = source.read_bytes()
    for a in articles:  # path#offset: the byte offset where the record's line starts
        path, offset = a["origin"].rsplit("#", 1)
        assert path == str(source) and (offset == "0" or data[int(offset) - 1:int(offset)] == b"\n")
        assert json.loads(data[int(offset):].split(b"\n", 1)[0])["id"] == a["external_id"]


def run_cli(*args: str) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-m", "eventwatch.cli", *args], capture_output=True, text=True,
                          timeout=300)
    return proc.returncode, proc.stderr


def test_cli_names_a_missing_input_and_a_bad_output(tmp_path):
    code, err = run_cli("batch", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "out"))
    assert code == 2 and "nope.jsonl: no such file or directory" in err
    (tmp_path / "file").write_text("x")
    write_jsonl(tmp_path / "in.jsonl", records(1))
    code, err = run_cli("batch", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "file"))
    assert code == 2 and "is a file" in err and str(tmp_path / "file") in err
    (tmp_path / "notes.csv").write_text("a,b")
    code, err = run_cli("batch", str(tmp_path / "notes.csv"), "--out", str(tmp_path / "out"))
    assert code == 2 and "notes.csv: unknown file type '.csv'" in err
    code, err = run_cli("load", str(tmp_path), "--db", str(tmp_path / "x.db"))
    assert code == 2 and "not a batch output folder" in err


def test_cli_batch_then_load(tmp_path):
    write_jsonl(tmp_path / "in" / "a.jsonl", records(2), extra_lines=("[1, 2]",))
    code, err = run_cli("batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--workers", "1")
    assert code == 1, err  # one bad record
    assert "1 shard(s), 0 already done, 1 done, 0 failed" in err and "2 analysed" in err
    code, err = run_cli("load", str(tmp_path / "out"), "--db", str(tmp_path / "events.db"), "--quiet")
    assert code == 0 and "2 new article(s)" in err and "1 error(s) recorded" in err
