"""The PLOVER trigger lexicon and the PLOVER -> CAMEO root mapping, loaded once per process.

The knowledge lives in two data files next to this module (see ``LEXICON.md``):

- ``data/triggers.yaml``: for each of the 16 PLOVER 2.0 event types, groups of trigger words
  (``verbs``, ``nouns``) and multiword ``phrases``, each group optionally tied to a PLOVER mode
  and carrying a reliability ``weight`` and flags such as ``weak`` or ``joint_only``;
- ``data/cameo_map.json``: PLOVER type (and mode, where it differs) -> CAMEO root code, written
  by ``python -m eventwatch.kb.build_cameo_map`` from the ontology's CAMEO2PLOVER table.

Typical use by the event coder::

    from eventwatch.kb.lexicon import load, cameo_root

    lex = load()
    for trig in lex.verb(token.lemma_.lower()):
        ...                                   # trig.type, trig.mode, trig.weight, trig.flags
    for phrase in lex.phrases_for(token.lemma_.lower()):   # longest first
        ...                                   # phrase.lemmas == ("hold", "talk")
    cameo_root("ASSAULT", "firearms")         # -> "19"

The YAML is validated when loaded: an unknown PLOVER type or mode, an unknown key or flag, a
weight outside (0, 1] or a malformed entry raises :class:`LexiconError` (a ``ValueError``)
naming the file and the entry, so a hand-edited lexicon fails loudly instead of silently.
"""
from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from eventwatch.errors import KnowledgeError

__all__ = [
    "DATA_DIR",
    "DEFAULT_CAMEO_MAP",
    "DEFAULT_TRIGGERS",
    "KNOWN_FLAGS",
    "PLOVER_MODES",
    "PLOVER_TYPES",
    "LexiconError",
    "PhraseTrigger",
    "Trigger",
    "TriggerLexicon",
    "cameo_root",
    "clear_cache",
    "load",
    "load_cameo_map",
    "parse_lexicon",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_TRIGGERS = DATA_DIR / "triggers.yaml"
DEFAULT_CAMEO_MAP = DATA_DIR / "cameo_map.json"

#: PLOVER 2.0 event types and their modes, as in the manual's mode tables
#: (shared/ontology/PLOVER_MANUAL.tex; summarised in PLOVER.md). Types without modes map to ().
PLOVER_MODES: dict[str, tuple[str, ...]] = {
    "AGREE": (),
    "CONSULT": ("visit", "third-party", "multilateral", "phone"),
    "SUPPORT": (),
    "CONCEDE": (),
    "COOPERATE": (),
    "AID": (),
    "RETREAT": ("withdraw", "release", "disarm", "ceasefire", "access", "resign"),
    "REQUEST": ("assist", "change", "yield", "meet"),
    "ACCUSE": ("disapprove", "investigate", "allege"),
    "REJECT": ("assist", "change", "yield", "meet"),
    "THREATEN": ("restrict", "arrest", "relations", "expel", "territory", "violence"),
    "PROTEST": ("demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"),
    "SANCTION": ("convict", "expel", "withdraw", "discontinue"),
    "MOBILIZE": ("troops", "weapons", "police", "militia"),
    "COERCE": (
        "seize", "restrict", "censor", "curfew", "martial-law", "arrest", "deport", "withhold",
        "misinformation", "cyber",
    ),
    "ASSAULT": (
        "abduct", "beat", "torture", "sexual", "targeted", "destroy", "primitive", "firearms",
        "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons", "crowd-control",
        "unconventional",
    ),
}
PLOVER_TYPES: tuple[str, ...] = tuple(PLOVER_MODES)

#: Flags a trigger may carry, with what they ask of the event coder.
KNOWN_FLAGS: dict[str, str] = {
    "weak": "ambiguous in ordinary prose: code it only with a political actor as argument or "
            "other supporting evidence (a stronger trigger in the sentence wins)",
    "joint_only": "only when two or more participants act jointly (joint exercises -> COOPERATE)",
    "single_only": "only when a single participant acts (one country's exercises -> MOBILIZE)",
    "swap_roles": "the grammatical subject is the PLOVER recipient, not the actor "
                  "('X hosted Y', 'X came under fire')",
}

POS_VALUES = ("verb", "noun", "phrase")

_GROUP_KEYS = frozenset(
    {"mode", "weight", "flags", "requires_object", "requires_modifier", "note",
     "verbs", "nouns", "phrases"} | set(KNOWN_FLAGS)
)
_ITEM_KEYS = frozenset(
    {"lemma", "weight", "flags", "requires_object", "requires_modifier", "note"} | set(KNOWN_FLAGS)
)
_LIST_POS = {"verbs": "verb", "nouns": "noun", "phrases": "phrase"}
_TOP_KEYS = frozenset({"version", "types"})
_SINGLE_WORD = re.compile(r"^[a-z][a-z0-9'.]*$")
_PHRASE_TOKEN = re.compile(r"^(?:[a-z0-9][a-z0-9'.]*|-)$")


class LexiconError(KnowledgeError, ValueError):
    """A trigger lexicon or CAMEO map file is malformed; the message names the file and entry."""


@dataclass(frozen=True, slots=True)
class Trigger:
    """One trigger word for one PLOVER type (and optionally mode).

    ``lemma`` is lower case (compare with ``token.lemma_.lower()``). ``weight`` in (0, 1] says
    how reliable the word is as a political-event trigger. ``flags`` is a subset of
    :data:`KNOWN_FLAGS`. ``requires_object`` (verbs, phrases) lists the object lemmas (direct
    or prepositional) the trigger needs to count; ``requires_modifier`` (nouns) lists modifier
    or complement lemmas it needs. Empty sets mean "no requirement".
    """

    type: str
    mode: str | None
    pos: str
    lemma: str
    weight: float = 1.0
    flags: frozenset[str] = frozenset()
    requires_object: frozenset[str] = frozenset()
    requires_modifier: frozenset[str] = frozenset()
    note: str | None = None

    def has(self, flag: str) -> bool:
        """True when this trigger carries ``flag`` (e.g. ``"weak"``, ``"joint_only"``)."""
        return flag in self.flags

    @property
    def weak(self) -> bool:
        """Shortcut for ``has("weak")``."""
        return "weak" in self.flags


@dataclass(frozen=True, slots=True)
class PhraseTrigger(Trigger):
    """A multiword trigger: ``lemmas`` in order (other tokens may intervene, see LEXICON.md).

    ``lemma`` is the phrase as written in the YAML (``"hold talk"``, ``"cease-fire"``); hyphens
    are separate tokens in ``lemmas`` because spaCy splits them: ``("cease", "-", "fire")``.
    """

    lemmas: tuple[str, ...] = field(default=())

    @property
    def head(self) -> str:
        """The first lemma, under which the phrase is indexed."""
        return self.lemmas[0]


class TriggerLexicon:
    """All triggers, indexed for lookup by verb lemma, noun lemma and phrase head lemma."""

    def __init__(self, triggers: Iterable[Trigger], source: str | None = None) -> None:
        self.source = source
        self._all: tuple[Trigger, ...] = tuple(triggers)
        verbs: dict[str, list[Trigger]] = defaultdict(list)
        nouns: dict[str, list[Trigger]] = defaultdict(list)
        phrases: dict[str, list[PhraseTrigger]] = defaultdict(list)
        for trig in self._all:
            if isinstance(trig, PhraseTrigger):
                phrases[trig.head].append(trig)
            elif trig.pos == "verb":
                verbs[trig.lemma].append(trig)
            else:
                nouns[trig.lemma].append(trig)
        for lst in phrases.values():
            lst.sort(key=lambda p: -len(p.lemmas))  # longest first; stable otherwise
        self._verbs = {k: tuple(v) for k, v in verbs.items()}
        self._nouns = {k: tuple(v) for k, v in nouns.items()}
        self._phrases = {k: tuple(v) for k, v in phrases.items()}

    # -- lookups -----------------------------------------------------------------------------

    def verb(self, lemma: str) -> list[Trigger]:
        """Triggers whose verb lemma is ``lemma`` (case-insensitive); [] when none."""
        return list(self._verbs.get(lemma.lower(), ()))

    def noun(self, lemma: str) -> list[Trigger]:
        """Triggers whose noun lemma is ``lemma`` (case-insensitive); [] when none."""
        return list(self._nouns.get(lemma.lower(), ()))

    def phrases_for(self, head_lemma: str) -> list[PhraseTrigger]:
        """Phrase triggers whose first lemma is ``head_lemma``, longest first; [] when none."""
        return list(self._phrases.get(head_lemma.lower(), ()))

    def cameo_root(self, type: str, mode: str | None = None) -> str | None:  # noqa: A002
        """CAMEO root code for a PLOVER type/mode (see module-level :func:`cameo_root`)."""
        return cameo_root(type, mode)

    # -- inspection --------------------------------------------------------------------------

    @property
    def triggers(self) -> tuple[Trigger, ...]:
        """Every trigger, in file order."""
        return self._all

    def by_type(self, type: str) -> list[Trigger]:  # noqa: A002
        """Every trigger of one PLOVER type, in file order."""
        return [t for t in self._all if t.type == type]

    def counts(self) -> dict[str, int]:
        """Number of triggers per PLOVER type (all 16 keys, in PLOVER order)."""
        out = dict.fromkeys(PLOVER_TYPES, 0)
        for t in self._all:
            out[t.type] += 1
        return out

    @property
    def verb_lemmas(self) -> frozenset[str]:
        """All verb lemmas that trigger something."""
        return frozenset(self._verbs)

    @property
    def noun_lemmas(self) -> frozenset[str]:
        """All noun lemmas that trigger something."""
        return frozenset(self._nouns)

    @property
    def phrase_heads(self) -> frozenset[str]:
        """All first lemmas of phrase triggers."""
        return frozenset(self._phrases)

    def __len__(self) -> int:
        return len(self._all)

    def __iter__(self) -> Iterator[Trigger]:
        return iter(self._all)

    def __repr__(self) -> str:
        return f"TriggerLexicon({len(self._all)} triggers from {self.source or '<data>'})"


# -- parsing and validation -------------------------------------------------------------------


def _fail(where: str, msg: str) -> LexiconError:
    return LexiconError(f"{where}: {msg}")


def _flags(spec: Mapping[str, Any], where: str, inherited: Iterable[str] = ()) -> set[str]:
    """Flags from ``inherited`` plus a ``flags: [...]`` list and boolean shortcut keys.

    ``weak: true`` adds a flag, ``weak: false`` removes an inherited one.
    """
    out: set[str] = set(inherited)
    raw = spec.get("flags", [])
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        raise _fail(where, f"'flags' must be a list of flag names, got {raw!r}")
    for f in raw:
        if f not in KNOWN_FLAGS:
            raise _fail(where, f"unknown flag {f!r} (known flags: {', '.join(KNOWN_FLAGS)})")
        out.add(f)
    for f in KNOWN_FLAGS:
        if f in spec:
            val = spec[f]
            if not isinstance(val, bool):
                raise _fail(where, f"'{f}' must be true or false, got {val!r}")
            if val:
                out.add(f)
            else:
                out.discard(f)
    return out


def _weight(spec: Mapping[str, Any], where: str, default: float) -> float:
    if "weight" not in spec:
        return default
    w = spec["weight"]
    if isinstance(w, bool) or not isinstance(w, (int, float)) or not 0.0 < float(w) <= 1.0:
        raise _fail(where, f"weight must be a number in (0, 1], got {w!r}")
    return float(w)


def _lemma_set(spec: Mapping[str, Any], key: str, where: str) -> frozenset[str] | None:
    if key not in spec:
        return None
    raw = spec[key]
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise _fail(where, f"'{key}' must be a list of lemmas, got {raw!r}")
    return frozenset(x.strip().lower() for x in raw)


def _phrase_lemmas(text: str, where: str) -> tuple[str, ...]:
    """Split a phrase into lemma tokens: on whitespace, and hyphens become their own token."""
    toks: list[str] = []
    for word in text.split():
        parts = re.split(r"(-)", word)
        toks.extend(p for p in parts if p)
    if len(toks) < 2:
        raise _fail(where, f"phrase {text!r} has a single token: list it under verbs or nouns")
    for t in toks:
        if not _PHRASE_TOKEN.match(t):
            raise _fail(where, f"phrase {text!r}: bad token {t!r} (lower-case lemmas only)")
    return tuple(toks)


def _entry_name(ptype: str, idx: int, mode: str | None) -> str:
    return f"{ptype}[{idx}] (mode {mode!r})" if mode else f"{ptype}[{idx}] (mode null)"


def parse_lexicon(data: Any, source: str = "<lexicon>") -> TriggerLexicon:
    """Validate the parsed YAML document ``data`` and build a :class:`TriggerLexicon`.

    Raises :class:`LexiconError` naming ``source`` and the offending entry on any problem.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("types"), Mapping):
        raise _fail(source, "expected a mapping with a 'types' mapping at the top level")
    for key in data:
        if key not in _TOP_KEYS:
            raise _fail(source, f"unknown top-level key {key!r} (expected: version, types)")

    triggers: list[Trigger] = []
    seen: dict[tuple[str, str | None, str, str], str] = {}
    for ptype, groups in data["types"].items():
        if ptype not in PLOVER_MODES:
            raise _fail(
                f"{source}: types.{ptype}",
                f"unknown PLOVER type {ptype!r} (expected one of {', '.join(PLOVER_TYPES)})",
            )
        if groups is None:
            continue
        if not isinstance(groups, list):
            raise _fail(f"{source}: types.{ptype}", "expected a list of trigger groups")
        for gi, group in enumerate(groups):
            gwhere = f"{source}: {ptype}[{gi}]"
            if not isinstance(group, Mapping):
                raise _fail(gwhere, f"a trigger group must be a mapping, got {group!r}")
            mode = group.get("mode")
            if mode is not None:
                if not isinstance(mode, str) or mode not in PLOVER_MODES[ptype]:
                    allowed = ", ".join(PLOVER_MODES[ptype]) or "none (this type has no modes)"
                    raise _fail(
                        gwhere,
                        f"unknown mode {mode!r} for PLOVER type {ptype} (PLOVER modes: {allowed})",
                    )
            gwhere = f"{source}: {_entry_name(ptype, gi, mode)}"
            for key in group:
                if key not in _GROUP_KEYS:
                    raise _fail(gwhere, f"unknown key {key!r} (allowed: {', '.join(sorted(_GROUP_KEYS))})")
            if not any(group.get(k) for k in _LIST_POS):
                raise _fail(gwhere, "group has no verbs, nouns or phrases")
            gweight = _weight(group, gwhere, 1.0)
            gflags = _flags(group, gwhere)
            greq_obj = _lemma_set(group, "requires_object", gwhere) or frozenset()
            greq_mod = _lemma_set(group, "requires_modifier", gwhere) or frozenset()
            gnote = group.get("note")
            for list_key, pos in _LIST_POS.items():
                items = group.get(list_key) or []
                if not isinstance(items, list):
                    raise _fail(gwhere, f"'{list_key}' must be a list")
                for ii, item in enumerate(items):
                    iwhere = f"{gwhere}.{list_key}[{ii}]"
                    if isinstance(item, str):
                        spec: Mapping[str, Any] = {"lemma": item}
                    elif isinstance(item, Mapping):
                        spec = item
                        for key in spec:
                            if key not in _ITEM_KEYS:
                                raise _fail(iwhere, f"unknown key {key!r} (allowed: {', '.join(sorted(_ITEM_KEYS))})")
                    else:
                        raise _fail(iwhere, f"expected a lemma string or a mapping, got {item!r}")
                    raw = spec.get("lemma")
                    if not isinstance(raw, str) or not raw.strip():
                        raise _fail(iwhere, f"missing or empty 'lemma' in {item!r}")
                    lemma = " ".join(raw.strip().lower().split())
                    iwhere = f"{iwhere} {lemma!r}"
                    flags = _flags(spec, iwhere, inherited=gflags)
                    if "joint_only" in flags and "single_only" in flags:
                        raise _fail(iwhere, "flags joint_only and single_only exclude each other")
                    weight = _weight(spec, iwhere, gweight)
                    req_obj = _lemma_set(spec, "requires_object", iwhere)
                    req_mod = _lemma_set(spec, "requires_modifier", iwhere)
                    note = spec.get("note", gnote)
                    common = dict(
                        type=ptype, mode=mode, pos=pos, lemma=lemma, weight=weight,
                        flags=frozenset(flags),
                        requires_object=greq_obj if req_obj is None else req_obj,
                        requires_modifier=greq_mod if req_mod is None else req_mod,
                        note=str(note) if note is not None else None,
                    )
                    trig: Trigger
                    if pos == "phrase":
                        trig = PhraseTrigger(lemmas=_phrase_lemmas(lemma, iwhere), **common)
                    else:
                        if not _SINGLE_WORD.match(lemma):
                            raise _fail(
                                iwhere,
                                f"{pos} lemma {lemma!r} must be one lower-case word; "
                                "put multiword or hyphenated triggers under 'phrases'",
                            )
                        trig = Trigger(**common)
                    key4 = (ptype, mode, pos, lemma)
                    if key4 in seen:
                        raise _fail(iwhere, f"duplicate trigger, already defined at {seen[key4]}")
                    seen[key4] = iwhere
                    triggers.append(trig)
    return TriggerLexicon(triggers, source=source)


# -- loading (cached once per process) --------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _load_cached(path: str) -> TriggerLexicon:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise LexiconError(f"{p}: cannot read trigger lexicon: {exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LexiconError(f"{p}: not valid YAML: {exc}") from exc
    return parse_lexicon(data, source=p.name if p == DEFAULT_TRIGGERS else str(p))


def load(path: str | Path | None = None) -> TriggerLexicon:
    """Load and validate the trigger lexicon (default: the packaged ``data/triggers.yaml``).

    The result is cached per resolved path for the life of the process; call
    :func:`clear_cache` after editing the file in a long-running process.
    """
    p = Path(path).resolve() if path is not None else DEFAULT_TRIGGERS
    return _load_cached(str(p))


@functools.lru_cache(maxsize=8)
def _load_cameo_cached(path: str) -> dict[str, dict[str, Any]]:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LexiconError(f"{p}: cannot read CAMEO map: {exc}") from exc
    types = data.get("types") if isinstance(data, dict) else None
    if not isinstance(types, dict):
        raise LexiconError(f"{p}: expected an object with a 'types' object")
    for ptype, entry in types.items():
        where = f"{p}: types.{ptype}"
        if ptype not in PLOVER_MODES:
            raise LexiconError(f"{where}: unknown PLOVER type {ptype!r}")
        if not isinstance(entry, dict) or not _is_root(entry.get("default")):
            raise LexiconError(f"{where}: needs a 'default' CAMEO root code ('01'..'20')")
        for mode, root in (entry.get("modes") or {}).items():
            if mode not in PLOVER_MODES[ptype]:
                raise LexiconError(f"{where}.modes: unknown mode {mode!r} for {ptype}")
            if not _is_root(root):
                raise LexiconError(f"{where}.modes.{mode}: bad CAMEO root {root!r}")
    return types


def _is_root(code: Any) -> bool:
    return isinstance(code, str) and len(code) == 2 and code.isdigit() and 1 <= int(code) <= 20


def load_cameo_map(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """The ``types`` table of the CAMEO map: ``{type: {"default": "18", "modes": {...}}}``.

    Cached per resolved path; do not mutate the returned dict.
    """
    p = Path(path).resolve() if path is not None else DEFAULT_CAMEO_MAP
    return _load_cameo_cached(str(p))


def cameo_root(type: str, mode: str | None = None) -> str | None:  # noqa: A002
    """The two-digit CAMEO root code a PLOVER event maps to, or None for an unknown type.

    A mode with its own entry in the map (e.g. ASSAULT ``firearms`` -> "19", ACCUSE
    ``investigate`` -> "09") overrides the type's default; any other mode, or None, gives the
    default.
    """
    entry = load_cameo_map().get(type)
    if entry is None:
        return None
    if mode is not None:
        root = (entry.get("modes") or {}).get(mode)
        if root is not None:
            return root
    return entry["default"]


def clear_cache() -> None:
    """Forget the cached lexicon and CAMEO map (after editing the files in a running process)."""
    _load_cached.cache_clear()
    _load_cameo_cached.cache_clear()
