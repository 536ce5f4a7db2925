"""`eventwatch batch --engine ray` on a real local Ray cluster (2 CPUs): the same output as the
local engine, killed actors retried, complete shards skipped."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from batch_samples import records, write_corpus, write_jsonl
from crash_stages import CRASH, EXIT, PLUGIN, STAGES
from eventwatch.batch import TABLES, run_batch

ray = pytest.importorskip("ray", reason="the Ray engine's tests need ray[data] (pip install 'eventwatch[ray]')")
# Ray Data's own configuration warns about its deprecated settings on every run.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.*")


@pytest.fixture(scope="module")
def cluster():
    """A local Ray cluster of 2 CPUs for the module's tests."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="warning")
    yield ray
    ray.shutdown()


def files(out: Path) -> dict[str, bytes]:
    """Every Parquet file of an output folder, by relative path."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.parquet"))}


def test_ray_and_local_engines_write_the_same_output(cluster, tmp_path):
    corpus = write_corpus(tmp_path / "news")
    rows = records(3, start=20)
    rows[1]["text"] += f" {CRASH}"  # a document that breaks the pipeline: an error row on both
    write_jsonl(corpus / "c.jsonl", rows)
    runs = {}
    for engine in ("local", "ray"):
        out = tmp_path / engine
        runs[engine] = run_batch([str(corpus)], str(out), engine=engine, workers=2, stages=STAGES,
                                 plugins=(str(PLUGIN),))
        assert runs[engine].done == 5 and not runs[engine].failed
    assert runs["ray"].counts == runs["local"].counts and runs["ray"].counts["errors"] == 2
    local, remote = files(tmp_path / "local"), files(tmp_path / "ray")
    assert sorted(local) == sorted(remote) and local == remote  # byte for byte
    for name in TABLES:  # and so table for table
        if (tmp_path / "local" / name).exists():
            assert pq.read_table(tmp_path / "ray" / name).equals(pq.read_table(tmp_path / "local" / name))
    markers = {engine: {p.name: json.loads(p.read_text())["files"] for p in (tmp_path / engine / "_shards").glob("*.done")}
               for engine in runs}
    assert markers["local"] == markers["ray"]
    manifest = json.loads((tmp_path / "ray" / "manifest.json").read_text())
    assert manifest["runs"][-1]["engine"] == "ray" and manifest["runs"][-1]["versions"]["ray"] == ray.__version__
    # A rerun on the cluster finds every shard complete and starts no actor.
    again = run_batch([str(corpus)], str(tmp_path / "ray"), engine="ray", workers=2, stages=STAGES,
                      plugins=(str(PLUGIN),))
    assert again.already_done == 5 and again.results == []


def test_ray_retries_a_killed_actor(cluster, tmp_path):
    rows = records(4, start=30)
    rows[2]["text"] += f" {EXIT}"
    write_jsonl(tmp_path / "in" / "exit.jsonl", rows)
    write_jsonl(tmp_path / "in" / "other.jsonl", records(2, start=40))
    died = tmp_path / "died-once"
    out = tmp_path / "out"
    report = run_batch([str(tmp_path / "in")], str(out), engine="ray", workers=2, stages=STAGES,
                       plugins=(str(PLUGIN),), runtime_env={"env_vars": {"EVENTWATCH_TEST_EXIT_ONCE": str(died)}})
    assert died.exists()  # an actor died on the document ...
    assert report.done == 2 and not report.failed  # ... and Ray ran its shard again
    assert report.counts["analysed"] == 6 and report.counts["errors"] == 0
    exit_result = next(r for r in report.results if r["shard"]["files"][0].endswith("exit.jsonl"))
    assert exit_result["attempt"] == 2


def test_without_ray_the_engine_says_how_to_install_it(monkeypatch):
    import sys

    from eventwatch.batch import RayError, make_engine

    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    with pytest.raises(RayError, match=r"pip install 'eventwatch\[ray\]'"):
        make_engine("ray")


def test_an_unreachable_cluster_is_one_clear_error():
    from eventwatch.batch import RayError, make_engine

    with pytest.raises(RayError, match=r"--ray-address 127\.0\.0\.1:1: no Ray cluster answers there"):
        make_engine("ray", address="127.0.0.1:1")
