"""Batch analysis of large corpora: shards in, Parquet partitions out, on one machine or a Ray cluster.

    report = run_batch(["crawl/", "s3://news/2024/"], "out/batch", engine="ray", workers=64)
    load_batch("out/batch", store)          # then into the store, idempotently

The flow: `shards.plan` cuts the inputs into shards (a JSON Lines file or a byte range of a
big one, a WARC archive, a group of small files); the shards whose ``.done`` marker exists
are skipped (a rerun resumes); the rest run on an engine (`engines`: a local process pool,
or Ray Data's ``map_batches`` on an actor pool), where each worker builds the pipeline once
and runs `worker.process_shard` on shard after shard: read, analyse, write the shard's
Parquet partitions and then its marker (`output`). A record that cannot be read or analysed
becomes a row of the ``errors`` table, never a failed job; a worker that dies is replaced and
its shard retried. At the end the run is merged into ``manifest.json``. Both engines run the
same code on the same shards, so they write the same files.

Ray is optional (``pip install 'eventwatch[ray]'``): it is imported only by ``engine="ray"``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

# Exported name -> module, imported on first use: the CLI builds its parser from
# `eventwatch.batch.cli` and should not pay for pyarrow, SQLAlchemy or the readers.
_EXPORTS = {
    "BatchReport": "run", "run_batch": "run", "print_progress": "run", "LoadReport": "load",
    "load_batch": "load", "document_from_dict": "load", "Shard": "shards", "plan": "shards",
    "read_shard": "shards", "Job": "worker", "process_shard": "worker", "ENGINES": "engines",
    "RayError": "engines", "make_engine": "engines", "TABLES": "output",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from .engines import ENGINES, RayError, make_engine
    from .load import LoadReport, document_from_dict, load_batch
    from .output import TABLES
    from .run import BatchReport, print_progress, run_batch
    from .shards import Shard, plan, read_shard
    from .worker import Job, process_shard


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
