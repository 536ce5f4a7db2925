"""The engines that run shards: a local process pool, or a Ray cluster (Ray Data on an actor pool).

Both run `eventwatch.batch.worker.process_shard` on each shard, in workers that build the
pipeline once, and yield each shard's result as it finishes (in no particular order):

- `LocalEngine`: ``workers`` processes on this machine. Each is a single-process pool of its
  own, so a worker that dies (a crash in native code, the OOM killer) costs only its shard,
  which is retried in a fresh process (up to ``retries`` times).
- `RayEngine`: ``ray.data.from_items(shards).map_batches(ShardAnalyser, compute=
  ActorPoolStrategy(size=workers), batch_size=1, num_cpus=1)``. Ray restarts a dead actor
  (``max_restarts``) and retries its task (``max_task_retries``); a shard that fails beyond
  that is dropped from the dataset (``max_errored_blocks``), never the job, and reported as
  failed. Ray is imported only here, on first use.
"""
from __future__ import annotations

import concurrent.futures as cf
import json
import logging
import multiprocessing
import os
import socket
import warnings
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..errors import EventwatchError
from .shards import Shard

if TYPE_CHECKING:
    from .worker import Job

ENGINES = ("local", "ray")
#: Attempts after the first at a shard whose worker died.
RETRIES = 3
#: Native thread pools (BLAS, OpenMP) of each worker: one CPU each, as Ray gives an actor.
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_DATA_LOG = logging.getLogger("ray.data")
#: Says "progress bars disabled": we report progress ourselves.
_PROGRESS_LOG = logging.getLogger("ray.data._internal.progress")


class RayError(EventwatchError):
    """The Ray engine cannot run: Ray is not installed, or the cluster cannot be joined."""

    code = "E007"


def failed(shard: Shard, error: str, attempt: int = 0) -> dict[str, Any]:
    """The result of a shard that could not be run."""
    return {"id": shard.id, "shard": shard.to_dict(), "status": "failed", "error": error, "attempt": attempt}


# -- local ---------------------------------------------------------------------------------------

_PIPELINE = None
_JOB: "Job | None" = None
#: Why the pipeline could not be built in this worker (then every shard fails with it).
_SETUP_ERROR: str | None = None


def setup_error(exc: Exception) -> str:
    return f"the worker cannot build the pipeline: {type(exc).__name__}: {exc}"


def _init_local(job: dict[str, Any]) -> None:
    """Set a worker process up: one native thread, the pipeline built once."""
    global _PIPELINE, _JOB, _SETUP_ERROR
    for name in _THREAD_VARS:  # before numpy and spaCy load
        os.environ.setdefault(name, "1")
    from .worker import Job, load_pipeline

    _JOB = Job.from_dict(job)
    try:
        _PIPELINE = load_pipeline(_JOB)
    except Exception as exc:  # kept for the shards' results: a failing initializer breaks the pool
        _SETUP_ERROR = setup_error(exc)


def _run_local(shard: dict[str, Any]) -> dict[str, Any]:
    from .worker import process_shard

    if _SETUP_ERROR is not None:
        return failed(Shard.from_dict(shard), _SETUP_ERROR)
    assert _JOB is not None and _PIPELINE is not None
    return process_shard(Shard.from_dict(shard), _JOB, _PIPELINE)


class LocalEngine:
    """Shards in ``workers`` processes of this machine (see the module docstring)."""

    name = "local"

    def __init__(self, workers: int | None = None, retries: int = RETRIES):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.retries = retries

    def run(self, shards: list[Shard], job: Job) -> Iterator[dict[str, Any]]:
        # Spawned, not forked: the parent may hold threads (pyarrow's pools) a fork would break.
        ctx = multiprocessing.get_context("spawn")
        queue = deque(shards)
        attempts: dict[str, int] = {}
        size = min(self.workers, len(shards))
        pools: list[cf.ProcessPoolExecutor | None] = [None] * size
        running: dict[cf.Future, tuple[int, Shard]] = {}

        def pool(slot: int) -> cf.ProcessPoolExecutor:
            if pools[slot] is None:
                pools[slot] = cf.ProcessPoolExecutor(1, mp_context=ctx, initializer=_init_local,
                                                     initargs=(job.to_dict(),))
            return pools[slot]

        def submit(slot: int) -> None:
            if queue:
                shard = queue.popleft()
                running[pool(slot).submit(_run_local, shard.to_dict())] = (slot, shard)

        try:
            for slot in range(size):
                submit(slot)
            while running:
                done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
                for future in done:
                    slot, shard = running.pop(future)
                    result = None
                    try:
                        result = future.result()
                    except cf.process.BrokenProcessPool:
                        # The worker died: a fresh process for the slot, the shard again.
                        pools[slot].shutdown(wait=False, cancel_futures=True)
                        pools[slot] = None
                        attempts[shard.id] = attempts.get(shard.id, 0) + 1
                        if attempts[shard.id] <= self.retries:
                            queue.appendleft(shard)
                        else:
                            result = failed(shard, f"the worker process died {attempts[shard.id]} times",
                                            attempts[shard.id])
                    except Exception as exc:  # a result that cannot come back (pickling)
                        result = failed(shard, f"{type(exc).__name__}: {exc}")
                    submit(slot)
                    if result is not None:
                        yield result
        finally:
            for p in pools:
                if p is not None:
                    p.shutdown(wait=True, cancel_futures=True)


# -- Ray -----------------------------------------------------------------------------------------

def import_ray() -> Any:
    """The ray module, or `RayError` saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401  (ray[data])
    except ImportError as exc:
        raise RayError(f"--engine ray needs Ray Data, which is not installed ({exc}); install it "
                              f"with: pip install 'eventwatch[ray]' (or pip install 'ray[data]'), "
                              f"or use --engine local") from None
    return ray


class ShardAnalyser:
    """The Ray Data callable class: builds the pipeline once per actor, then runs shards.
    `bound` makes a subclass carrying its job, so actors are built without arguments."""

    job_dict: dict[str, Any] = {}

    def __init__(self) -> None:
        from .worker import Job, load_pipeline

        self.job = Job.from_dict(self.job_dict)
        self.error: str | None = None
        try:
            self.pipeline = load_pipeline(self.job)
        except Exception as exc:  # every shard fails with it, rather than Ray retrying actors
            self.error = setup_error(exc)

    @classmethod
    def bound(cls, job: "Job") -> type["ShardAnalyser"]:
        # A class made here is pickled by value with its job: no constructor arguments to
        # keep in the object store for restarting actors.
        return type("ShardAnalyser", (cls,), {"job_dict": job.to_dict()})

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        from .worker import process_shard

        shards = [Shard.from_dict(json.loads(s)) for s in batch["shard"]]
        results = [failed(shard, self.error) if self.error else process_shard(shard, self.job, self.pipeline)
                   for shard in shards]
        return {"id": [r["id"] for r in results], "result": [json.dumps(r) for r in results]}


class RayEngine:
    """Shards on a Ray cluster (see the module docstring).

    ``address``: the cluster to join ("auto", "ray://host:10001", "host:6379"); None joins the
    one ``ray.init`` finds ($RAY_ADDRESS, a running local cluster) or starts one on this
    machine. ``workers``: actors in the pool (default: the cluster's CPUs). ``runtime_env``:
    Ray's runtime environment for the actors (environment variables, code to ship).
    """

    name = "ray"

    def __init__(self, workers: int | None = None, address: str | None = None, retries: int = RETRIES,
                 runtime_env: dict[str, Any] | None = None):
        self.ray = import_ray()
        _check_reachable(address)
        self.workers = workers
        self.address = address
        self.retries = retries
        self.runtime_env = runtime_env

    def _connect(self) -> None:
        """Join the cluster (or start one here); `RayError` naming the address when it fails."""
        ray = self.ray
        try:
            if self.address and self.address.startswith("ray://"):  # Ray Client takes fewer options
                ray.init(address=self.address, logging_level="warning")
            else:
                ray.init(address=self.address, include_dashboard=False, log_to_driver=False,
                         logging_level="warning")
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = self.address or os.environ.get("RAY_ADDRESS") or "a local cluster"
            hint = ("; if the cluster uses token authentication, give this process its token "
                    "(RAY_AUTH_MODE=token, with ~/.ray/auth_token or RAY_AUTH_TOKEN)")
            raise RayError(f"--engine ray: cannot join the Ray cluster at {where}: {exc}{hint}") from None

    def run(self, shards: list[Shard], job: Job) -> Iterator[dict[str, Any]]:
        ray = self.ray
        from ray.data import ActorPoolStrategy, DataContext

        started_here = not ray.is_initialized()
        if started_here:
            self._connect()
        context = DataContext.get_current()
        saved = context.max_errored_blocks, context.enable_progress_bars, _DATA_LOG.level, _PROGRESS_LOG.level
        # A shard that fails beyond its retries loses its block, not the job; it is reported.
        # Progress is ours to report (a line per shard), not Ray Data's.
        context.max_errored_blocks, context.enable_progress_bars = -1, False
        _DATA_LOG.setLevel(max(_DATA_LOG.getEffectiveLevel(), logging.WARNING))
        _PROGRESS_LOG.setLevel(logging.ERROR)
        try:
            cpus = int(ray.cluster_resources().get("CPU", 1))
            size = max(1, min(self.workers or cpus, len(shards)))
            options = {"max_restarts": -1, "max_task_retries": self.retries}
            dataset = ray.data.from_items([{"shard": json.dumps(s.to_dict())} for s in shards],
                                          override_num_blocks=min(len(shards), 10_000))
            with warnings.catch_warnings():
                # Ray 2.60 has no named parameters for the retries yet; it warns that the
                # generic ones go in 2.64 (its default then: retry forever, which the
                # shard's progress file keeps finite for documents that kill workers).
                warnings.simplefilter("ignore", DeprecationWarning)
                results = dataset.map_batches(
                    ShardAnalyser.bound(job), batch_size=1, compute=ActorPoolStrategy(size=size),
                    num_cpus=1, batch_format="numpy", runtime_env=self.runtime_env, **options)
            seen: set[str] = set()
            for row in results.iter_rows():
                result = json.loads(row["result"])
                seen.add(result["id"])
                yield result
            for shard in shards:
                if shard.id not in seen:
                    yield failed(shard, "Ray gave up on the shard after its retries (see the Ray logs)",
                                 self.retries + 1)
        finally:
            context.max_errored_blocks, context.enable_progress_bars, level, progress_level = saved
            _DATA_LOG.setLevel(level)
            _PROGRESS_LOG.setLevel(progress_level)
            if started_here:
                ray.shutdown()


def _check_reachable(address: str | None, timeout: float = 10.0) -> None:
    """`RayError` when a HOST:PORT (or ray://HOST:PORT) address does not answer: ``ray.init``
    would wait for it for a very long time."""
    if not address or address in ("auto", "local"):
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise RayError(f"--ray-address {address}: give auto, HOST:PORT or ray://HOST:PORT")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        raise RayError(f"--ray-address {address}: no Ray cluster answers there ({exc}); start one with "
                       f"ray start --head, or check the address") from None


def make_engine(name: str, workers: int | None = None, address: str | None = None,
                retries: int = RETRIES, runtime_env: dict[str, Any] | None = None) -> LocalEngine | RayEngine:
    """The engine called ``name`` ("local" or "ray")."""
    if name == "local":
        if address:
            raise ValueError("--ray-address goes with --engine ray")
        return LocalEngine(workers, retries)
    if name == "ray":
        return RayEngine(workers, address, retries, runtime_env)
    raise ValueError(f"unknown engine {name!r}; engines: {', '.join(ENGINES)}")
