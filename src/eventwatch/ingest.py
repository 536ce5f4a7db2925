"""Ingest: read sources, analyse what is new, store it, in batches that survive a kill.

    report = ingest(["news/", "https://example.org/feed.xml"], store, workers=2)

The flow is DESIGN.md's: sources (files, pages, feeds, WARC archives) -> items -> the
pipeline -> the store. Each article's id is the hash of its text (`Store.article_id`), so an
article already stored, or seen earlier in the same run, is counted as a duplicate and not
analysed again. A near-duplicate (an edited or republished copy: `eventwatch.dedup`, MinHash of
word 5-grams in an LSH index rebuilt from the store's signatures) is stored with status
"duplicate", linked to its original, and not analysed (unless ``reanalyse_duplicates``).
Analysis runs in ``workers`` processes, each loading the models once. Results are written in batches of ``batch_size`` articles, one transaction each: a run killed at any
moment leaves whole batches and nothing partial, and running it again stores the rest, each
article exactly once. A bad file, record or page never stops the run: it is recorded with its
error (`ingest_errors`) and listed in the report.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import dedup as dedup_mod
from .document import Article, Document
from .sources import Item, read_feed, read_paths

#: Articles per worker task: large enough to batch the parser, small enough to stream.
CHUNK = 8


@dataclass
class IngestReport:
    """What one run did."""

    run_id: int
    new: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    skipped: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    #: Stories the run's new events joined or started.
    stories: int = 0
    #: Alerts the run's new events raised.
    alerts: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {"new": self.new, "duplicates": self.duplicates,
                "near_duplicates": self.near_duplicates, "skipped": self.skipped,
                "errors": len(self.errors), "alerts": self.alerts}

    def summary(self) -> str:
        rate = self.new / self.seconds if self.seconds else 0.0
        lines = [f"ingest run {self.run_id}: {self.new} new article(s), {self.duplicates} duplicate(s), "
                 f"{self.near_duplicates} near-duplicate(s), {self.skipped} skipped, {len(self.errors)} error(s), "
                 f"{self.stories} story(ies), {self.alerts} alert(s) in {self.seconds:.1f} s "
                 f"({rate:.1f} docs/s)"]
        lines += [f"  error: {origin}: {message}" for origin, message in self.errors]
        return "\n".join(lines)


def is_feed(source: str) -> bool:
    """Whether a source names a feed: a URL, or a file ending in .rss, .atom or .xml."""
    return source.startswith(("http://", "https://")) or Path(source).suffix.lower() in (".rss", ".atom", ".xml")


def read_sources(sources: Iterable[str], published: str | None = None,
                 feed_state: dict | None = None) -> Iterator[Item]:
    """Every item of every source, in order; feeds by `read_feed`, the rest by `read_paths`."""
    state = feed_state if feed_state is not None else {}
    for source in sources:
        if is_feed(source):
            for item in read_feed(source, state):
                if item.article is not None and item.article.published is None and published:
                    item.article.published = published
                yield item
        else:
            yield from read_paths([source], published=published)


# -- analysis in worker processes --------------------------------------------------------------

_PIPELINE = None


def _init_worker() -> None:
    """Load the models once per worker process."""
    global _PIPELINE
    from .pipeline import shared_pipeline
    _PIPELINE = shared_pipeline()


def _analyse(articles: list[Article]) -> list[tuple[Document, str | None]]:
    """Analyse a chunk; each document comes back without its working state (picklable), with
    the error of its analysis if it failed."""
    from .pipeline import shared_pipeline
    pipe = _PIPELINE or shared_pipeline()
    out = []
    for doc in pipe.pipe(Document.from_article(a) for a in articles):
        error = doc.work.get("error")
        doc.work.clear()
        out.append((doc, error))
    return out


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _analysed(chunks: Iterator[list[Article]], workers: int) -> Iterator[tuple[Document, str | None]]:
    """Analysis results in input order: in this process, or in ``workers`` processes with at
    most two chunks in flight per worker (memory stays flat on any input size)."""
    if workers <= 1:
        for chunk in chunks:
            yield from _analyse(chunk)
        return
    ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker) as pool:
        pending: list[cf.Future] = []
        for chunk in chunks:
            pending.append(pool.submit(_analyse, chunk))
            if len(pending) >= 2 * workers:
                yield from pending.pop(0).result()
        for fut in pending:
            yield from fut.result()


# -- the run ---------------------------------------------------------------------------------------

def ingest(sources: list[str], store, *, published: str | None = None, workers: int = 1,
           batch_size: int = 32, progress: bool = False, feed_state: dict | None = None,
           dedup: bool = True, dedup_threshold: float = dedup_mod.THRESHOLD, stories: bool = True,
           reanalyse_duplicates: bool = False, alerts: bool = True) -> IngestReport:
    """Read ``sources``, analyse the new articles and store them (see the module docstring).

    With `dedup`, a new article whose estimated Jaccard similarity to an indexed one is at least
    `dedup_threshold` is a near-duplicate: stored with status "duplicate", linked to its
    original, and not analysed unless `reanalyse_duplicates` (then it is analysed and stored
    linked all the same). Every other analysed article is indexed, its signature saved with it.
    """
    started = time.monotonic()
    run_id = store.begin_run(list(sources))
    report = IngestReport(run_id)
    seen: set[str] = set()
    skipped: list[tuple[Article, str]] = []
    index = dedup_mod.NearDuplicates.from_store(store, dedup_threshold) if dedup else None
    #: Signatures of indexed articles not stored yet (id -> bytes), saved with their article.
    unsaved: dict[str, bytes] = {}
    #: Duplicates ready to store (original stored or in the batch), and those waiting for their
    #: original (in analysis) to be stored: original id -> [(article, original, similarity)].
    ready: list[tuple[Article, str, float]] = []
    waiting: dict[str, list[tuple[Article, str, float]]] = {}
    #: Duplicates to analyse (reanalyse_duplicates): id -> (original, similarity).
    links: dict[str, tuple[str, float]] = {}
    failed: set[str] = set()

    def fail(origin: str, message: str) -> None:
        report.errors.append((origin, message))
        store.record_error(run_id, origin, message)

    def near_duplicate(article: Article) -> bool:
        """Look the article up; True if it is a duplicate set aside to store unanalysed."""
        assert index is not None
        sig = dedup_mod.minhash(article.text)
        hit = index.find(sig)
        if hit is None:
            index.add(article.id, sig)
            unsaved[article.id] = dedup_mod.signature_bytes(sig)
            return False
        original, similarity = hit
        report.near_duplicates += 1
        if reanalyse_duplicates:
            links[article.id] = hit
            return False
        entry = (article, original, similarity)
        if original in unsaved:
            waiting.setdefault(original, []).append(entry)
        else:
            ready.append(entry)
        return True

    def fresh() -> Iterator[Article]:
        """The articles to analyse: new ones, with their id set; others counted on the way."""
        for items in _chunks(read_sources(sources, published, feed_state), 64):
            ids = {}
            for item in items:
                if item.article is not None:
                    ids[id(item)] = store.article_id(item.article.text)
            known = store.known_ids(set(ids.values()))
            for item in items:
                if item.error is not None:
                    fail(item.origin, item.error)
                    continue
                aid = ids[id(item)]
                if aid in known or aid in seen:
                    report.duplicates += 1
                    continue
                seen.add(aid)
                article = item.article
                article.id = aid
                if article.source is None:
                    article.source = item.origin
                if item.skipped is not None:
                    skipped.append((article, item.skipped))
                    continue
                if index is not None and near_duplicate(article):
                    if len(ready) >= batch_size:
                        flush()
                    continue
                yield article

    bar = _progress(progress)
    batch: list[Document] = []

    def flush() -> None:
        """Store the batch in one transaction: analysed documents, skipped articles, the
        duplicates whose original is stored or in the batch, and the batch's signatures."""
        nonlocal batch, skipped, ready
        if not (batch or skipped or ready):
            return
        in_batch = {doc.id: doc for doc in batch}  # ids are the text hashes, set in fresh()
        docs: list[Document] = []
        dups: list[tuple[Article | Document, str, float]] = []
        for aid, doc in in_batch.items():
            link = links.pop(aid, None)
            if link is not None and link[0] not in failed and (link[0] not in unsaved or link[0] in in_batch):
                dups.append((doc, *link))  # a duplicate analysed all the same
            else:
                docs.append(doc)
        sigs = {aid: unsaved[aid] for aid in in_batch if aid in unsaved}
        dups += ready
        for aid in sigs:  # the duplicates waiting for these originals go in with them
            dups += waiting.pop(aid, [])
        report.new += store.save_batch(run_id, docs, skipped, duplicates=dups, signatures=sigs)
        for aid in sigs:
            del unsaved[aid]
        report.skipped += len(skipped)
        batch, skipped, ready = [], [], []

    status = "failed"
    try:
        for doc, error in _analysed(_chunks(fresh(), CHUNK), workers):
            if error is not None:
                fail(doc.url or doc.source or doc.id or "?", f"analysis failed: {error}")
                aid = doc.id
                if aid in unsaved:  # not stored: not an original for anyone
                    del unsaved[aid]
                    failed.add(aid)
                    if index is not None:
                        index.remove(aid)
            else:
                batch.append(doc)
            if bar is not None:
                bar.update(1)
            if len(batch) + len(skipped) + len(ready) >= batch_size:
                flush()
        flush()
        # Duplicates whose original failed analysis: analysed after all, as originals.
        orphans = [article for original in failed for article, _, _ in waiting.pop(original, [])]
        report.near_duplicates -= len(orphans)
        for doc, error in _analysed(_chunks(iter(orphans), CHUNK), 1):
            if error is not None:
                fail(doc.url or doc.source or doc.id or "?", f"analysis failed: {error}")
            else:
                batch.append(doc)
            if len(batch) >= batch_size:
                flush()
        flush()
        report.stories, report.alerts = settle(store, stories=stories, alerts=alerts)
        status = "done"
    finally:
        if bar is not None:
            bar.close()
        report.seconds = time.monotonic() - started
        store.finish_run(run_id, report.counts, status=status)
    return report


def settle(store, *, stories: bool = True, alerts: bool = True) -> tuple[int, int]:
    """What follows storing new events, in ingest and load: they join the stories of the same
    real events or start their own (events a killed run left unassigned too), then they are
    matched against the watchlists (after the stories: a watchlist alerts once per story) and
    the alerts delivered. Returns (stories touched, alerts raised)."""
    n_stories = n_alerts = 0
    if stories:
        from . import stories as stories_mod
        n_stories = len(set(stories_mod.assign_new(store).values()))
    if alerts:
        from .watch import alerts as alerts_mod
        n_alerts = len(alerts_mod.check_new(store))
        alerts_mod.deliver(store)
    return n_stories, n_alerts


def _progress(enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm
    return tqdm(unit="doc", desc="ingest", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
