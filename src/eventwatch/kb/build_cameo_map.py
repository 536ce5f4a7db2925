"""Build ``data/cameo_map.json`` (PLOVER type/mode -> CAMEO root code) from CAMEO2PLOVER-2021.txt.

Usage::

    python -m eventwatch.kb.build_cameo_map            # rewrite src/eventwatch/kb/data/cameo_map.json
    python -m eventwatch.kb.build_cameo_map --check    # exit 1 if the file is out of date
    python -m eventwatch.kb.build_cameo_map --source path/to/CAMEO2PLOVER-2021.txt --output x.json

Method. Every CAMEO code line of the table (``1832: ASSAULT, explosives, # Carry out car bombing``)
is read as ``code -> (PLOVER type, mode)``; the code's first two digits are its CAMEO root.
Modes are first brought to PLOVER 2.0 names (the 2021 table predates 2.0; see ``MODE_RENAMES``
and ``CODE_OVERRIDES``, both taken from shared/ontology/PLOVER.md). Then, per PLOVER type, the
root that most codes map to is the type's ``default``; per mode, the root most of that mode's
codes map to is recorded under ``modes`` only when it differs from the default. Ties go to the
type's default if it is among them, else to the lowest root. The output is sorted JSON, so the
build is deterministic: the same table always gives the same bytes.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

from eventwatch.kb.lexicon import DEFAULT_CAMEO_MAP, PLOVER_MODES

TABLE_NAME = "CAMEO2PLOVER-2021.txt"

#: 2021-table mode names -> PLOVER 2.0 mode (None: no 2.0 mode). Per type. (PLOVER.md, "Old names")
MODE_RENAMES: dict[tuple[str, str], str | None] = {
    ("ASSAULT", "assassinate"): "targeted",
    ("ASSAULT", "massacre"): "targeted",
    ("ASSAULT", "execute"): "targeted",
    ("ASSAULT", "cleansing"): None,          # no 2.0 mode
    ("ASSAULT", "pro_autocracy"): None,      # a context written in the mode column (175)
    ("THREATEN", "ban"): "restrict",
    ("THREATEN", "political"): "restrict",
    ("THREATEN", "curfew"): "restrict",
    ("THREATEN", "martial-law"): "restrict",
    ("COERCE", "ban"): "restrict",
    ("COERCE", "confiscate"): "seize",
    ("COERCE", "detain"): "arrest",
    ("RETREAT", "ease"): None,               # "ease is no longer a mode" (table comment)
    ("RETREAT", "return"): None,             # commented out of the 2.0 manual
}

#: Codes whose PLOVER 2.0 reading differs from the 2021 table row (PLOVER.md, CAMEO table notes).
CODE_OVERRIDES: dict[str, tuple[str, tuple[str | None, ...]]] = {
    "163": ("SANCTION", ("discontinue",)),   # embargo/sanctions: manual 2.0 SANCTION discontinue
    "1712": ("ASSAULT", ("destroy",)),       # destroy property: 2.0 mode `destroy`
    "1721": ("COERCE", ("censor",)),         # restrict speech/expression: 2.0 mode `censor`
    "195": ("ASSAULT", ("aerial", "drone")), # employ aerial weapons: manned and unmanned
}

_ROW = re.compile(r"^(\d{2,4}):\s*([A-Z]+)\s*,\s*([^,#]*?)\s*,\s*([^#]*?)\s*(?:#.*)?$")


def find_table(explicit: str | Path | None = None) -> Path:
    """Locate CAMEO2PLOVER-2021.txt: ``explicit``, $EVENTWATCH_ONTOLOGY, or a ``shared/ontology``
    folder next to any parent of this file (the project checkout layout)."""
    candidates: list[Path] = []
    if explicit:
        candidates.append(Path(explicit))
    env = os.environ.get("EVENTWATCH_ONTOLOGY")
    if env:
        candidates.append(Path(env) / TABLE_NAME)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidates.append(parent / "shared" / "ontology" / TABLE_NAME)
    for c in candidates:
        if c.is_file():
            return c
    raise FileNotFoundError(
        f"cannot find {TABLE_NAME}; pass --source or set EVENTWATCH_ONTOLOGY to its folder"
    )


def parse_table(text: str) -> dict[str, tuple[str, tuple[str | None, ...]]]:
    """CAMEO code -> (PLOVER type, PLOVER 2.0 modes) for every code row; first row of a code wins."""
    rows: dict[str, tuple[str, tuple[str | None, ...]]] = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        m = _ROW.match(raw.strip())
        if not m:
            continue
        code, ptype, mode_raw = m.group(1), m.group(2), m.group(3).strip()
        if code in rows:
            continue
        if code in CODE_OVERRIDES:
            rows[code] = CODE_OVERRIDES[code]
            continue
        if ptype not in PLOVER_MODES:
            raise ValueError(f"{TABLE_NAME}:{lineno}: unknown PLOVER type {ptype!r}")
        mode: str | None = mode_raw or None
        if mode is not None and (ptype, mode) in MODE_RENAMES:
            mode = MODE_RENAMES[(ptype, mode)]
        if mode is not None and mode not in PLOVER_MODES[ptype]:
            raise ValueError(
                f"{TABLE_NAME}:{lineno}: mode {mode!r} is not a PLOVER 2.0 mode of {ptype}; "
                "add it to MODE_RENAMES"
            )
        rows[code] = (ptype, (mode,))
    return rows


def _dominant(counts: Counter[str], prefer: str | None = None) -> str:
    best = max(counts.values())
    tied = sorted(root for root, n in counts.items() if n == best)
    return prefer if prefer in tied else tied[0]


def build(text: str) -> dict:
    """The cameo_map.json document for the table ``text``."""
    rows = parse_table(text)
    type_counts: dict[str, Counter[str]] = {}
    mode_counts: dict[tuple[str, str], Counter[str]] = {}
    for code, (ptype, modes) in rows.items():
        root = code[:2]
        type_counts.setdefault(ptype, Counter())[root] += 1
        for mode in modes:
            if mode is not None:
                mode_counts.setdefault((ptype, mode), Counter())[root] += 1
    missing = [t for t in PLOVER_MODES if t not in type_counts]
    if missing:
        raise ValueError(f"{TABLE_NAME}: no CAMEO codes for PLOVER types {missing}")
    types: dict[str, dict] = {}
    for ptype in sorted(type_counts):
        default = _dominant(type_counts[ptype])
        modes = {
            mode: root
            for (t, mode), counts in sorted(mode_counts.items())
            if t == ptype and (root := _dominant(counts, prefer=default)) != default
        }
        types[ptype] = {
            "default": default,
            "modes": modes,
            "codes_per_root": dict(sorted(type_counts[ptype].items())),
        }
    return {
        "about": (
            "PLOVER type (and mode, where its dominant CAMEO root differs) -> CAMEO root code. "
            "Generated by `python -m eventwatch.kb.build_cameo_map` from "
            f"shared/ontology/{TABLE_NAME}; do not edit by hand."
        ),
        "source": TABLE_NAME,
        "types": types,
    }


def render(doc: dict) -> str:
    """Deterministic JSON text (sorted keys, two-space indent, trailing newline)."""
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--source", help=f"path to {TABLE_NAME} (default: found automatically)")
    ap.add_argument("--output", default=str(DEFAULT_CAMEO_MAP), help="JSON file to write")
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 if the output file differs from a fresh build")
    args = ap.parse_args(argv)
    source = find_table(args.source)
    text = render(build(source.read_text(encoding="utf-8")))
    out = Path(args.output)
    if args.check:
        current = out.read_text(encoding="utf-8") if out.is_file() else None
        if current != text:
            print(f"{out} is out of date; run python -m eventwatch.kb.build_cameo_map",
                  file=sys.stderr)
            return 1
        print(f"{out} is up to date")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} from {source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
