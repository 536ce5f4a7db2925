"""``eventwatch watch``: poll feeds on a schedule, ingest what is new, raise and deliver alerts.

    eventwatch watch --feeds feeds.txt --every 15m [--db URL] [--watchlists FILE] [--once]

The feeds file lists one feed (an http(s) URL or a local feed file) per line; blank lines and
``#`` comments are ignored. Each poll ingests every feed in turn (`eventwatch.ingest.ingest`:
new articles analysed and stored, near-duplicates linked, stories updated, new events matched
against the watchlists) and then delivers the pending alerts, retrying failed deliveries whose
time has come.

Everything the daemon needs to resume lives in the store: each feed's ETag and Last-Modified
are saved (``watch_state``) only once its items are stored, the articles are known by their
text, and the alert cursor moves with the alerts in one transaction. So a restarted daemon
neither alerts twice nor misses an item still in the feed. A feed that cannot be fetched or
parsed, or an item that cannot be read, is logged and recorded (``eventwatch`` keeps ingest
errors per run) and the others go on; the next poll tries again.

SIGTERM or SIGINT stops it cleanly: the feed being ingested is finished (its batch committed),
then the daemon exits with status 0. A second signal stops at once (what was committed stays).
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..store import Store
from . import alerts

log = logging.getLogger("eventwatch.watch")

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
_UNIT = {None: 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """Seconds in "90", "30s", "15m", "1h" or "1d"."""
    m = _INTERVAL.match(str(text))
    if not m or float(m.group(1)) <= 0:
        raise InputError(f"--every {text!r}: expected a duration such as 30s, 15m or 1h")
    return float(m.group(1)) * _UNIT[(m.group(2) or "").lower() or None]


def read_feeds_file(path: str | Path) -> list[str]:
    """The feeds a feeds file lists (one per line, # comments)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"{path}: no such feeds file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the feeds file ({exc})") from exc
    feeds = []
    for line in lines:
        line = line.split(" #", 1)[0].strip()  # a URL may hold a '#'; a comment follows a space
        if line and not line.startswith("#"):
            feeds.append(line)
    if not feeds:
        raise InputError(f"{path}: lists no feed (one URL or feed file per line)")
    return feeds


def _feed_key(feed: str) -> str:
    return f"feed:{feed}"


@dataclass
class PollReport:
    n: int
    new: int = 0
    alerts: int = 0
    errors: list[str] = field(default_factory=list)
    delivered: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        d = self.delivered
        return (f"poll {self.n}: {self.new} new article(s), {self.alerts} alert(s), "
                f"{d.get('sent', 0)} delivered, {d.get('retrying', 0)} to retry, "
                f"{len(self.errors)} error(s)")


class Watcher:
    """The polling loop (`run`), usable in-process: `stop()` ends it from another thread."""

    def __init__(self, store: Store, feeds: list[str], every: float, *, published: str | None = None,
                 workers: int = 1, on_poll: Callable[[PollReport], None] | None = None) -> None:
        self.store = store
        self.feeds = feeds
        self.every = every
        self.published = published
        self.workers = workers
        self.on_poll = on_poll
        self._stop = threading.Event()
        self.polls = 0

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def poll(self) -> PollReport:
        """One round: every feed ingested (until asked to stop), then alerts delivered."""
        from ..ingest import ingest

        self.polls += 1
        report = PollReport(self.polls)
        for feed in self.feeds:
            if self.stopping:
                break
            key = _feed_key(feed)
            saved = alerts.get_state(self.store, key) or {}
            state: dict[str, Any] = {feed: saved["validators"]} if saved.get("validators") else {}
            now = dt.datetime.now(dt.timezone.utc).isoformat()
            try:
                run = ingest([feed], self.store, published=self.published, workers=self.workers,
                             feed_state=state)
            except Exception as exc:  # noqa: BLE001 - one feed's failure never stops the watch
                message = f"{feed}: {type(exc).__name__}: {exc}"
                log.error("%s", message)
                report.errors.append(message)
                alerts.set_state(self.store, key, {**saved, "last_poll": now, "last_error": message})
                continue
            report.new += run.new
            report.alerts += run.alerts
            errors = [f"{origin}: {msg}" for origin, msg in run.errors]
            report.errors += errors
            for e in errors:
                log.warning("%s", e)
            alerts.set_state(self.store, key, {
                "validators": state.get(feed) or saved.get("validators"), "last_poll": now,
                "last_error": errors[0] if errors else None,
                "last_new": run.new, "last_ok": now if not errors else saved.get("last_ok")})
        # Alerts of events stored some other way, and deliveries due for a retry.
        report.alerts += len(alerts.check_new(self.store))
        report.delivered = alerts.deliver(self.store)
        log.info("%s", report.summary())
        if self.on_poll is not None:
            self.on_poll(report)
        return report

    def run(self, once: bool = False, max_polls: int | None = None) -> int:
        """Poll now and then every `every` seconds until stopped. Returns the number of polls."""
        while not self.stopping:
            started = time.monotonic()
            self.poll()
            if once or (max_polls is not None and self.polls >= max_polls):
                break
            self._stop.wait(max(0.0, self.every - (time.monotonic() - started)))
        return self.polls


def run_until_signalled(watcher: Watcher, once: bool = False) -> int:
    """`Watcher.run` with SIGTERM and SIGINT asking it to stop after the current feed; a second
    signal stops at once."""
    def handler(signum: int, frame: Any) -> None:
        if watcher.stopping:
            raise KeyboardInterrupt
        log.warning("%s: stopping after the current feed", signal.Signals(signum).name)
        watcher.stop()

    old = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        return watcher.run(once=once)
    finally:
        for s, h in old.items():
            signal.signal(s, h)
