"""One exception hierarchy for eventwatch, each error with a stable code users can search for.

Codes: E000 any, E001 `PipelineError`, E002 `InputError`, E003 `KnowledgeError`, E005
`WatchlistError` (here); E004 `StoreError` (`eventwatch.store.store`), E006 `DeliveryError`
(`eventwatch.watch.notify`), E007 `RayError` (`eventwatch.batch.engines`).
"""
from __future__ import annotations


class EventwatchError(Exception):
    """Base class of every error eventwatch raises on purpose."""

    code = "E000"

    def __str__(self) -> str:
        return f"[{self.code}] {super().__str__()}"


class PipelineError(EventwatchError):
    """The pipeline is misconfigured: an unknown stage, a missing or out-of-order requirement."""

    code = "E001"


class InputError(EventwatchError):
    """An input cannot be analysed: empty, binary, undecodable or malformed. Names the input."""

    code = "E002"


class KnowledgeError(EventwatchError):
    """A knowledge file (gazetteer, lexicon, actor dictionary) is missing or malformed."""

    code = "E003"


class WatchlistError(EventwatchError):
    """A watchlist is malformed: an unknown condition, type, country, region or place. Names
    the watchlist (and its file) and the offending key."""

    code = "E005"
