"""Agent words -> PLOVER sectors ("troops" -> MIL, "police" -> COP, "ministry" -> GOV).

Built from the Phoenix agents dictionary (shared/kb/phoenix/Phoenix.agents.txt, MIT) by
``python -m eventwatch.kb.agents PHOENIX_DIR``; the result, ``data/agents.json``, maps a
lower-case phrase of singular words to a three-letter sector code.
"""
from __future__ import annotations

import functools
import json
import re
import sys
from pathlib import Path

from ..errors import KnowledgeError

DATA = Path(__file__).with_name("data") / "agents.json"

# Phoenix macros: "!PERSON!" stands for the gendered and neutral forms.
_PERSON_FORMS = ("man", "woman", "person")
_LINE = re.compile(r"^([A-Z0-9!_.'&-]+)\s*\[(~?)([A-Z]{3,})(~?)\]")

#: CAMEO agent codes -> PLOVER sectors (shared/kb/phoenix/README.md); the rest keep their code.
CAMEO_TO_PLOVER = {
    "MED": "JRN", "HLH": "MED", "INS": "REB", "SEP": "REB", "PPL": "CVL", "MUS": "REL",
    "CHR": "REL", "JEW": "REL", "HIN": "REL", "BUD": "REL", "NGO": "SOC", "HRI": "SOC",
    "ENV": "SOC", "RAD": "OPP", "DEV": "GOV",
}

#: Sectors of words the dictionary lacks or codes in a way news use contradicts.
_OVERRIDES = {
    "intelligence service": "SPY", "intelligence": "SPY", "spy agency": "SPY",
    "militant": "REB", "insurgent": "REB", "jihadist": "REB", "terrorist": "REB",
    "protester": "CVL", "demonstrator": "CVL", "activist": "CVL", "civilian": "CVL",
    "troop": "MIL", "soldier": "MIL", "army": "MIL", "force": "MIL", "military": "MIL",
    "police": "COP", "policeman": "COP", "officer": "COP",
    "government": "GOV", "ministry": "GOV", "minister": "GOV", "president": "GOV",
    "official": "GOV", "director": "GOV", "journalist": "JRN", "reporter": "JRN", "spokesman": "GOV", "spokeswoman": "GOV",
    "spokesperson": "GOV", "leader": "GOV", "authority": "GOV", "administration": "GOV",
    "prime minister": "GOV", "foreign minister": "GOV", "parliament": "LEG", "lawmaker": "LEG",
    "court": "JUD", "judge": "JUD", "prosecutor": "JUD", "rebel": "REB",
}


def build(phoenix_dir: Path) -> dict[str, str]:
    """Parse Phoenix.agents.txt into {phrase: sector}, with the project's overrides on top."""
    path = Path(phoenix_dir) / "Phoenix.agents.txt"
    table: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        m = _LINE.match(raw.strip())
        if not m:
            continue
        code = CAMEO_TO_PLOVER.get(m.group(3)[:3], m.group(3)[:3])
        phrase = m.group(1).strip("_").lower()
        forms = [phrase.replace("!person!", f) for f in _PERSON_FORMS] if "!person!" in phrase else [phrase]
        for form in forms:
            if "!" in form:
                continue
            table.setdefault(form.replace("_", " ").strip(), code)
    table.update(_OVERRIDES)
    return dict(sorted(table.items()))


@functools.lru_cache(maxsize=1)
def load(path: Path = DATA) -> dict[str, str]:
    """The agent table, loaded once per process."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KnowledgeError(f"cannot read the agent table {path}: {exc}; rebuild it with "
                             f"python -m eventwatch.kb.agents ../shared/kb/phoenix") from exc


def sector(phrase: str) -> str | None:
    """The sector of an agent word or phrase given as lemmas ("foreign minister" -> GOV)."""
    table = load()
    words = phrase.lower().split()
    # The longest known tail wins: "intelligence service director" -> "director" unless the
    # whole phrase is known.
    for i in range(len(words)):
        hit = table.get(" ".join(words[i:]))
        if hit:
            return hit
    return None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    phoenix = Path(args[0]) if args else Path("../shared/kb/phoenix")
    table = build(phoenix)
    DATA.parent.mkdir(parents=True, exist_ok=True)
    DATA.write_text(json.dumps(table, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(table)} agent phrases to {DATA}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
