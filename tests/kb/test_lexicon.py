"""Tests for the PLOVER trigger lexicon, its loader, and the PLOVER -> CAMEO root map."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
if importlib.util.find_spec("eventwatch") is None:  # package not installed: test the checkout
    sys.path.insert(0, str(SRC))

from eventwatch.kb import build_cameo_map  # noqa: E402
from eventwatch.kb.lexicon import (  # noqa: E402
    DEFAULT_CAMEO_MAP,
    KNOWN_FLAGS,
    PLOVER_MODES,
    PLOVER_TYPES,
    LexiconError,
    PhraseTrigger,
    Trigger,
    TriggerLexicon,
    cameo_root,
    load,
    load_cameo_map,
    parse_lexicon,
)


@pytest.fixture(scope="module")
def lex() -> TriggerLexicon:
    return load()


def _types(triggers: list[Trigger]) -> set[str]:
    return {t.type for t in triggers}


# -- coverage and consistency of the packaged lexicon ----------------------------------------


def test_all_sixteen_types_have_at_least_ten_triggers(lex: TriggerLexicon) -> None:
    assert len(PLOVER_TYPES) == 16
    counts = lex.counts()
    assert set(counts) == set(PLOVER_TYPES)
    for ptype, n in counts.items():
        assert n >= 10, f"{ptype} has only {n} triggers"
        singles = [t for t in lex.by_type(ptype) if t.pos in ("verb", "noun")]
        assert len(singles) >= 5, f"{ptype} has only {len(singles)} verb/noun triggers"


def test_every_mode_is_a_plover_mode_of_its_type(lex: TriggerLexicon) -> None:
    for t in lex:
        assert t.mode is None or t.mode in PLOVER_MODES[t.type], t
        assert t.pos in ("verb", "noun", "phrase")
        assert 0.0 < t.weight <= 1.0
        assert t.flags <= set(KNOWN_FLAGS)
        assert t.lemma == t.lemma.lower().strip()


def test_types_with_modes_use_several_of_them(lex: TriggerLexicon) -> None:
    for ptype, modes in PLOVER_MODES.items():
        if modes:
            used = {t.mode for t in lex.by_type(ptype) if t.mode}
            assert len(used) >= min(3, len(modes)), (ptype, used)


def test_phrase_triggers_are_indexed_by_first_lemma(lex: TriggerLexicon) -> None:
    for t in lex:
        if t.pos == "phrase":
            assert isinstance(t, PhraseTrigger)
            assert len(t.lemmas) >= 2
            assert t in lex.phrases_for(t.lemmas[0])
    for head in lex.phrase_heads:
        lengths = [len(p.lemmas) for p in lex.phrases_for(head)]
        assert lengths == sorted(lengths, reverse=True)  # longest first


def test_no_bare_ultra_common_verbs(lex: TriggerLexicon) -> None:
    for lemma in ("say", "make", "take", "get", "have", "be", "do", "go", "give", "put"):
        assert lex.verb(lemma) == [], lemma


# -- known triggers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pos", "lemma", "ptype"),
    [
        ("verb", "attack", "ASSAULT"),
        ("noun", "attack", "ASSAULT"),
        ("noun", "airstrike", "ASSAULT"),
        ("verb", "shell", "ASSAULT"),
        ("verb", "meet", "CONSULT"),
        ("noun", "summit", "CONSULT"),
        ("verb", "protest", "PROTEST"),
        ("noun", "protest", "PROTEST"),
        ("verb", "accuse", "ACCUSE"),
        ("verb", "condemn", "ACCUSE"),
        ("verb", "blame", "ACCUSE"),
        ("verb", "sanction", "SANCTION"),
        ("noun", "sanction", "SANCTION"),
        ("verb", "threaten", "THREATEN"),
        ("noun", "ultimatum", "THREATEN"),
        ("verb", "arrest", "COERCE"),
        ("verb", "mobilize", "MOBILIZE"),
        ("verb", "donate", "AID"),
        ("verb", "resign", "RETREAT"),
        ("verb", "reject", "REJECT"),
        ("verb", "demand", "REQUEST"),
        ("verb", "pledge", "AGREE"),
        ("verb", "praise", "SUPPORT"),
        ("noun", "amnesty", "CONCEDE"),
        ("verb", "extradite", "COOPERATE"),
    ],
)
def test_known_single_word_triggers(lex: TriggerLexicon, pos: str, lemma: str, ptype: str) -> None:
    found = lex.verb(lemma) if pos == "verb" else lex.noun(lemma)
    assert ptype in _types(found), (pos, lemma, found)


def test_lookup_is_case_insensitive_and_returns_fresh_lists(lex: TriggerLexicon) -> None:
    assert lex.verb("Attack") == lex.verb("attack")
    got = lex.verb("attack")
    got.clear()
    assert lex.verb("attack")
    assert lex.verb("no-such-lemma") == [] and lex.phrases_for("zzz") == []


def test_hold_talks_phrase_is_consult(lex: TriggerLexicon) -> None:
    hold = [p for p in lex.phrases_for("hold") if p.lemmas == ("hold", "talk")]
    assert hold and hold[0].type == "CONSULT" and hold[0].pos == "phrase"
    assert any(p.lemmas == ("open", "fire") and p.type == "ASSAULT" and p.mode == "firearms"
               for p in lex.phrases_for("open"))
    assert any(p.lemmas == ("impose", "sanction") and p.type == "SANCTION"
               for p in lex.phrases_for("impose"))
    assert any(p.lemmas == ("call", "for") and p.type == "REQUEST" for p in lex.phrases_for("call"))
    assert any(p.lemmas == ("warn", "against") and p.type == "ACCUSE" for p in lex.phrases_for("warn"))


def test_hyphenated_phrases_split_like_spacy(lex: TriggerLexicon) -> None:
    cease = [p for p in lex.phrases_for("cease") if p.lemma == "cease-fire"]
    assert cease and cease[0].lemmas == ("cease", "-", "fire")
    assert cease[0].type == "RETREAT" and cease[0].mode == "ceasefire"


def test_drill_is_joint_cooperate_or_single_mobilize(lex: TriggerLexicon) -> None:
    drill = lex.noun("drill")
    coop = [t for t in drill if t.type == "COOPERATE"]
    mob = [t for t in drill if t.type == "MOBILIZE"]
    assert coop and all(t.has("joint_only") for t in coop)
    assert mob and all(t.has("single_only") for t in mob)
    for lemma in ("exercise", "maneuver", "manoeuvre"):
        by_type = {t.type: t for t in lex.noun(lemma)}
        assert by_type["COOPERATE"].has("joint_only"), lemma
        assert by_type["MOBILIZE"].has("single_only"), lemma


def test_weak_and_requirement_fields(lex: TriggerLexicon) -> None:
    warn = [t for t in lex.verb("warn") if t.type == "THREATEN"]
    assert warn and warn[0].weak and warn[0].weight < 1.0
    release = [t for t in lex.verb("release") if t.type == "RETREAT"]
    assert release and "hostage" in release[0].requires_object
    host = [t for t in lex.verb("host") if t.type == "CONSULT"]
    assert host and host[0].mode == "visit" and host[0].has("swap_roles")
    exercise = [t for t in lex.noun("exercise") if t.type == "MOBILIZE"]
    assert "military" in exercise[0].requires_modifier


def test_triggers_are_frozen(lex: TriggerLexicon) -> None:
    t = lex.verb("attack")[0]
    with pytest.raises(AttributeError):
        t.weight = 0.1  # type: ignore[misc]


def test_load_is_cached_per_process() -> None:
    assert load() is load()


# -- validation of user-edited files -----------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "triggers.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_unknown_type_raises_naming_it(tmp_path: Path) -> None:
    p = _write(tmp_path, "types:\n  ASSALT:\n    - verbs: [attack]\n")
    with pytest.raises(ValueError, match="ASSALT"):
        load(p)


def test_unknown_mode_raises_naming_entry(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        "types:\n"
        "  ASSAULT:\n"
        "    - verbs: [attack]\n"
        "    - mode: firearm\n"
        "      verbs: [shoot]\n",
    )
    with pytest.raises(ValueError, match=r"ASSAULT\[1\].*'firearm'") as exc:
        load(p)
    assert isinstance(exc.value, LexiconError)
    assert "firearms" in str(exc.value)  # lists the valid modes


def test_mode_on_type_without_modes_raises(tmp_path: Path) -> None:
    p = _write(tmp_path, "types:\n  AGREE:\n    - mode: visit\n      verbs: [agree]\n")
    with pytest.raises(ValueError, match=r"AGREE\[0\].*'visit'"):
        load(p)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("  PROTEST:\n    - verbs: [protest]\n      weight: 1.5\n", "weight"),
        ("  PROTEST:\n    - verbs: [protest]\n      flags: [strong]\n", "strong"),
        ("  PROTEST:\n    - verbs: [protest]\n      colour: red\n", "colour"),
        ("  PROTEST:\n    - nouns: [hunger strike]\n", "hunger strike"),
        ("  PROTEST:\n    - phrases: [riot]\n", "riot"),
        ("  PROTEST:\n    - verbs: [protest, protest]\n", "duplicate"),
        ("  PROTEST:\n    - verbs: [{weight: 0.5}]\n", "lemma"),
        ("  PROTEST:\n    - mode: demo\n", "no verbs"),
        ("  PROTEST:\n    - nouns: [drill]\n      joint_only: true\n      single_only: true\n",
         "joint_only"),
    ],
)
def test_malformed_entries_raise_value_error(tmp_path: Path, body: str, needle: str) -> None:
    p = _write(tmp_path, "types:\n" + body)
    with pytest.raises(ValueError, match=needle) as exc:
        load(p)
    assert "PROTEST" in str(exc.value)


def test_not_yaml_or_not_a_mapping_raises(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        load(_write(tmp_path, "types: [unclosed\n"))
    with pytest.raises(ValueError):
        parse_lexicon(["a", "list"])


def test_valid_custom_file_with_item_overrides(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        "version: 1\n"
        "types:\n"
        "  THREATEN:\n"
        "    - weak: true\n"
        "      weight: 0.5\n"
        "      verbs: [warn, {lemma: threaten, weak: false, weight: 1.0}]\n"
        "      phrases: [{lemma: issue ultimatum, requires_object: [ultimatum]}]\n",
    )
    custom = load(p)
    assert len(custom) == 3
    warn, threaten = custom.verb("warn")[0], custom.verb("threaten")[0]
    assert warn.weak and warn.weight == 0.5
    assert not threaten.weak and threaten.weight == 1.0
    (ult,) = custom.phrases_for("issue")
    assert ult.lemmas == ("issue", "ultimatum") and ult.requires_object == {"ultimatum"}
    assert custom.counts()["ASSAULT"] == 0


# -- CAMEO mapping -----------------------------------------------------------------------------


def test_cameo_roots() -> None:
    cmap = json.loads(DEFAULT_CAMEO_MAP.read_text(encoding="utf-8"))
    assert cameo_root("ASSAULT", None) in ("18", "19")
    assert cameo_root("ASSAULT", None) == cmap["types"]["ASSAULT"]["default"]
    assert cameo_root("CONSULT", None) == "04"
    assert cameo_root("CONSULT", "phone") == "04"
    assert cameo_root("ASSAULT", "firearms") == "19"
    assert cameo_root("ASSAULT", "unconventional") == "20"
    assert cameo_root("ACCUSE", "investigate") == "09"
    assert cameo_root("ACCUSE", "allege") == "11"
    assert cameo_root("PROTEST", "no-such-mode") == "14"
    assert cameo_root("NOT_A_TYPE", None) is None


def test_cameo_map_covers_all_types_with_valid_roots() -> None:
    types = load_cameo_map()
    assert set(types) == set(PLOVER_TYPES)
    expected = {
        "AGREE": "03", "CONSULT": "04", "SUPPORT": "05", "COOPERATE": "06", "AID": "07",
        "CONCEDE": "08", "RETREAT": "08", "REQUEST": "10", "ACCUSE": "11", "REJECT": "12",
        "THREATEN": "13", "PROTEST": "14", "MOBILIZE": "15", "SANCTION": "16", "COERCE": "17",
        "ASSAULT": "18",
    }
    for ptype, root in expected.items():
        assert types[ptype]["default"] == root, ptype
        for mode in types[ptype]["modes"]:
            assert mode in PLOVER_MODES[ptype]


def _table() -> Path:
    try:
        return build_cameo_map.find_table()
    except FileNotFoundError:
        pytest.skip("shared/ontology/CAMEO2PLOVER-2021.txt not available")


def test_cameo_map_build_is_deterministic_and_current() -> None:
    text = _table().read_text(encoding="utf-8")
    first = build_cameo_map.render(build_cameo_map.build(text))
    second = build_cameo_map.render(build_cameo_map.build(text))
    assert first == second
    assert first == DEFAULT_CAMEO_MAP.read_text(encoding="utf-8"), (
        "cameo_map.json is stale: run python -m eventwatch.kb.build_cameo_map"
    )


def test_cameo_map_cli_writes_identical_files(tmp_path: Path) -> None:
    source = _table()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    outputs = []
    for name in ("a.json", "b.json"):
        out = tmp_path / name
        subprocess.run(
            [sys.executable, "-m", "eventwatch.kb.build_cameo_map", "--source", str(source),
             "--output", str(out)],
            check=True, env=env, capture_output=True,
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == DEFAULT_CAMEO_MAP.read_bytes()
