"""Planning shards and reading them back: byte ranges of JSON Lines files, folders, URIs."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batch_samples import records, write_corpus, write_jsonl
from eventwatch.batch.shards import _lines, plan, read_shard
from eventwatch.errors import InputError


class Stream:
    """A seekable byte stream that hands out small blocks, as a remote file may."""

    def __init__(self, data: bytes, block: int):
        self.data, self.block, self.at = data, block, 0

    def seek(self, at: int) -> None:
        self.at = at

    def read(self, n: int) -> bytes:
        out = self.data[self.at:self.at + min(n, self.block)]
        self.at += len(out)
        return out


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"")), max_size=12),
       last_newline=st.booleans(), cuts=st.lists(st.integers(0, 200), max_size=5),
       block=st.integers(1, 9))
def test_byte_ranges_share_out_every_line_exactly_once(lines, last_newline, cuts, block):
    data = b"\n".join(lines) + (b"\n" if last_newline and lines else b"")
    bounds = sorted({0, *[c for c in cuts if 0 < c < len(data)]})
    ranges = list(zip(bounds, [*bounds[1:], None]))
    got = [piece for start, end in ranges for piece in _lines(Stream(data, block), start, end)]
    assert b"".join(line for _, line in got) == data
    assert [offset for offset, _ in got] == [0, *[i + 1 for i, b in enumerate(data[:-1]) if b == 10]][:len(got)]


def test_plan_is_stable_and_groups_small_files(tmp_path):
    corpus = write_corpus(tmp_path / "news")
    for i in range(5):
        (corpus / "texts" / f"t{i}.txt").write_text(f"Story {i} about talks in Geneva.", encoding="utf-8")
    (corpus / ".hidden").mkdir()
    write_jsonl(corpus / ".hidden" / "skip.jsonl", records(1))
    shards = plan([str(corpus)], group_files=4)
    kinds = [s.kind for s in shards]
    assert kinds.count("jsonl") == 2 and kinds.count("warc") == 1 and kinds.count("files") == 2
    assert sum(len(s.files) for s in shards if s.kind == "files") == 6
    assert not any(".hidden" in f for s in shards for f in s.files)
    assert [s.id for s in plan([str(corpus)], group_files=4)] == [s.id for s in shards]
    # A changed file is a new shard; the others keep their ids.
    write_jsonl(corpus / "b.jsonl", records(5, start=5))
    changed = plan([str(corpus)], group_files=4)
    assert len(set(s.id for s in changed) - set(s.id for s in shards)) == 1
    with pytest.raises(InputError, match="nope: no such file or directory"):
        plan([str(tmp_path / "nope")])


def test_object_store_inputs_through_fsspec(tmp_path):
    fsspec = pytest.importorskip("fsspec")
    memory = fsspec.filesystem("memory")
    rows = records(3)
    memory.pipe("/corpus/a.jsonl", "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8"))
    memory.pipe("/corpus/notes/x.txt", b"Police detained four protesters in Geneva on Wednesday.")
    try:
        shards = plan(["memory://corpus"])
        assert sorted(s.kind for s in shards) == ["files", "jsonl"]
        items = [item for shard in shards for item in read_shard(shard)]
        assert sorted(i.origin for i in items) == [*(f"memory:///corpus/a.jsonl:{n}" for n in (1, 2, 3)),
                                                   "memory:///corpus/notes/x.txt"]
        assert {i.article.id for i in items} == {"story-0", "story-1", "story-2", "x"}
        # Byte ranges are streamed from the store without downloading the file.
        split = plan(["memory://corpus/a.jsonl"], split_bytes=200)
        assert len(split) > 1
        assert [i.article.id for s in split for i in read_shard(s)] == ["story-0", "story-1", "story-2"]
    finally:
        memory.rm("/corpus", recursive=True)
