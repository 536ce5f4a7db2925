"""Build ``data/actors.json`` from the Phoenix/PETRARCH actor dictionaries (MIT).

    python -m eventwatch.kb.build_actors [PHOENIX_DIR]

Reads ``Phoenix.Countries.actors.txt``, ``Phoenix.International.actors.txt`` and
``Phoenix.MilNonState.actors.txt`` (syntax in shared/kb/phoenix/README.md) and writes one
record per actor: its display name, its aliases and its roles, each role a PLOVER country
code (ISO3 or IGO/UNO/EUR/NGO/MNC/IMG), a PLOVER sector and an optional date range. CAMEO
codes are converted as that README tabulates. The curated layer (``data/actors.yaml``) is
applied on top when the knowledge base loads, not here.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from .agents import CAMEO_TO_PLOVER
from .countries import load as load_countries

DATA = Path(__file__).with_name("data") / "actors.json"
FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt")

#: CAMEO country blocks that are not today's ISO3 codes.
COUNTRY_FIXES = {"KSV": "KOS", "TMP": "TLS", "SUN": "RUS", "USR": "RUS", "YUG": "SRB", "FRY": "SRB",
                 "SCG": "SRB", "CSK": "CZE", "DDR": "DEU", "ROM": "ROU", "ZAR": "COD"}
SECTORS = {"GOV", "MIL", "REB", "OPP", "CRM", "BUS", "CVL", "JUD", "COP", "MED", "LEG", "JRN", "EDU",
           "UAF", "SPY", "AGR", "SOC", "LAB", "PTY", "REF", "ELI", "REL", "PRM", "UNK"}
_CODE = re.compile(r"\[([^\]\s]+)\s*([^\]]*)\]")
_DATE = re.compile(r"\d{6}(?:\d{2})?")


def _date(raw: str) -> str | None:
    """YYMMDD or YYYYMMDD -> ISO date (two-digit years up to 30 are 20xx)."""
    if not _DATE.fullmatch(raw):
        return None
    if len(raw) == 6:
        yy = int(raw[:2])
        raw = f"{2000 + yy if yy <= 30 else 1900 + yy}{raw[2:]}"
    return f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}"


def _restriction(text: str) -> tuple[str | None, str | None]:
    text = text.strip()
    if text.startswith("<"):
        return None, _date(text[1:].strip())
    if text.startswith(">"):
        return _date(text[1:].strip()), None
    if "-" in text:
        a, b = text.split("-", 1)
        return _date(a.strip()), _date(b.strip())
    return None, None


def convert_code(code: str, iso3: set[str]) -> tuple[str, str | None] | None:
    """A CAMEO actor code -> (PLOVER country, sector), or None when it says neither."""
    blocks = [code[i:i + 3] for i in range(0, len(code) - len(code) % 3, 3)]
    if not blocks:
        return None
    first, rest = blocks[0], blocks[1:]
    if first in iso3 or first in COUNTRY_FIXES:
        country = COUNTRY_FIXES.get(first, first)
    elif first == "IGO":
        country = "UNO" if rest[:1] == ["UNO"] else "EUR" if rest[:2] == ["EUR", "EEC"] else "IGO"
    elif first in ("NGO", "MNC", "IMG"):
        country = first
    elif first in SECTORS or first in CAMEO_TO_PLOVER:
        country, rest = None, blocks  # an agent-only code ("[ELI]")
    else:
        country = "IMG"  # regional blocks (AFR, MEA, SAS ...): no single country
    sector = None
    for block in rest:
        block = CAMEO_TO_PLOVER.get(block, block)
        if block in SECTORS:
            sector = block
            break
    if country is None and sector is None:
        return None
    return country, sector


_MINOR = {"of", "and", "the", "for", "in", "on", "to", "at", "de", "du", "des", "la", "le", "al", "el", "bin", "ibn"}


def _phrase(raw: str) -> str:
    """A dictionary phrase ("COMMONWEALTH_OF_INDEPENDENT_STATES_") as a name ("Commonwealth of
    Independent States"); a lone word of up to four letters stays an acronym ("CIS", "U.S.")."""
    words = raw.strip(" _+").replace("_", " ")
    words = re.sub(r"\s*\([^)]*\)\s*", " ", words).split()
    if len(words) == 1 and (len(words[0]) <= 4 and words[0].isalpha() or re.fullmatch(r"(?:[A-Z]\.){2,4}", words[0])):
        return words[0].upper()
    return " ".join(w.lower() if i and w.lower() in _MINOR else w.capitalize() for i, w in enumerate(words))


def read_actors(path: Path):
    """Yield (primary, synonyms, [(code, restriction)]) from a PETRARCH .actors file."""
    entry = None
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        codes = _CODE.findall(line)
        if line.startswith("+"):
            if entry is not None:
                entry[1].append(line[1:].split("[")[0])
                entry[2].extend(codes)
        elif line[0] in "\t ":
            if entry is not None:
                entry[2].extend(codes)
        else:
            if entry:
                yield entry
            entry = (line.split("[")[0], [], list(codes))
    if entry:
        yield entry


def build(phoenix_dir: Path) -> dict:
    """All actors of the three files as {"actors": [...]}, deterministic."""
    iso3 = {c.iso3 for c in load_countries().countries()}
    actors: dict[str, dict] = {}
    for name in FILES:
        for primary, synonyms, codes in read_actors(Path(phoenix_dir) / name):
            roles = []
            for code, restriction in codes:
                converted = convert_code(code.strip(), iso3)
                if converted is None:
                    continue
                start, end = _restriction(restriction)
                roles.append({"country": converted[0], "sector": converted[1], "start": start, "end": end})
            if not roles:
                continue
            display = _phrase(primary)
            if len(display) < 2:
                continue
            aliases = sorted({_phrase(s) for s in synonyms if len(s.strip(" _+")) > 1} - {display})
            key = display.lower()
            if key in actors:  # the same name twice: keep both sets of roles
                actors[key]["roles"].extend(r for r in roles if r not in actors[key]["roles"])
                actors[key]["aliases"] = sorted(set(actors[key]["aliases"]) | set(aliases))
                continue
            actors[key] = {"name": display, "aliases": aliases, "roles": roles, "source": name.split(".")[1]}
    return {"actors": [actors[k] for k in sorted(actors)]}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    data = build(Path(args[0]) if args else Path("../shared/kb/phoenix"))
    DATA.write_text("{\"actors\": [\n" + ",\n".join(json.dumps(a, ensure_ascii=False, separators=(",", ":"))
                                                    for a in data["actors"]) + "\n]}\n", encoding="utf-8")
    print(f"wrote {len(data['actors'])} actors to {DATA} ({DATA.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
