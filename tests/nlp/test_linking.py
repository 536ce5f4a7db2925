"""Entity linking measured on a small set written for it: correct links and false links.

Each case is a sentence, the surface form of a name in it and the canonical actor it must
link to (None: must stay unlinked). The test prints both counts, so a run shows the figures.
"""
import pytest

CASES = [
    # typos with agreeing context
    ("Russian Vladimir Putting spoke to reporters on Monday.", "Vladimir Putting", "Vladimir Putin"),
    ("Heads of the Commonwealth of Independence States met in Minsk.", "Commonwealth of Independence States",
     "Commonwealth of Independent States"),
    ("American President Joe Bidden signed the bill.", "Joe Bidden", "Joe Biden"),
    ("Turkish President Recep Tayyip Erdoganm criticised the plan.", "Recep Tayyip Erdoganm", "Recep Tayyip Erdogan"),
    # exact names, aliases, acronyms
    ("Putin said the talks would continue.", "Putin", "Vladimir Putin"),
    ("The CSTO will hold drills in Tajikistan.", "CSTO", "Collective Security Treaty Organization"),
    ("ISIS claimed the attack in Kabul.", "ISIS", "Islamic State"),
    ("Fighters loyal to Daesh attacked the convoy.", "Daesh", "Islamic State"),
    ("NATO foreign ministers met in Brussels.", "NATO", "North Atlantic Treaty Organization"),
    ("Sergey Naryshkin warned against interference.", "Sergey Naryshkin", "Sergei Naryshkin"),
    ("The Islamic Emirate rejected the report.", "Islamic Emirate", "Taliban"),
    ("Kenyan President William Ruto hosted the summit.", "William Ruto", "William Ruto"),
    # must not link
    ("Vladimir Nabokov wrote novels in two languages.", "Vladimir Nabokov", None),
    ("Joe Bidwell opened a bakery in Ohio.", "Joe Bidwell", None),
    ("The Putting Green Society met on Sunday.", "Putting Green", None),
    ("Maria Petrova won the local chess tournament.", "Maria Petrova", None),
    ("We talked to us about it, said Kim.", "us", None),
    ("The Commonwealth Games open in Birmingham.", "Commonwealth Games", None),
]


def _link_of(doc, surface):
    for ent in doc.entities:
        for m in ent.mentions:
            if m.text == surface or surface in m.text:
                return ent
    return None


@pytest.fixture(scope="module")
def results(analyze):
    out = []
    for text, surface, expected in CASES:
        doc = analyze(text, "2021-10-14")
        ent = _link_of(doc, surface)
        got = ent.name if ent is not None and ent.kb_id else None
        out.append((surface, expected, got))
    return out


def test_linking_figures(results, capsys):
    should = [r for r in results if r[1] is not None]
    correct = sum(1 for _, exp, got in should if got == exp)
    false = sum(1 for _, exp, got in results if got is not None and got != exp)
    with capsys.disabled():
        print(f"\nlinking: {correct}/{len(should)} correct links, {false} false links "
              f"on {len(results)} cases")
    wrong = [(s, e, g) for s, e, g in results if g != e]
    assert false == 0, wrong
    assert correct == len(should), wrong


def test_roles_come_from_the_publication_date(analyze):
    early = analyze("Sergei Naryshkin addressed the chamber.", "2013-05-01")
    late = analyze("Sergei Naryshkin addressed the chamber.", "2021-10-14")
    code = lambda d: next(e.actor for e in d.entities if e.name == "Sergei Naryshkin")  # noqa: E731
    assert (code(early).country, code(early).sector) == ("RUS", "LEG")
    assert (code(late).country, code(late).sector) == ("RUS", "SPY")


def test_titles_and_pronouns_are_marked_mentions(analyze):
    doc = analyze("Vladimir Putin met Xi Jinping in Beijing. The Russian president praised the talks. "
                  "He left on Friday.", "2023-03-22")
    putin = next(e for e in doc.entities if e.name == "Vladimir Putin")
    kinds = {m.text: m.kind for m in putin.mentions}
    assert kinds == {"Vladimir Putin": "name", "The Russian president": "nominal", "He": "pronoun"}


def test_apposition_role_is_a_nominal_mention(analyze):
    doc = analyze("Sergei Naryshkin, Russia's foreign intelligence service director, spoke on Tuesday.",
                  "2021-10-14")
    person = next(e for e in doc.entities if e.type == "PERSON")
    assert ("Russia's foreign intelligence service director", "nominal") in {(m.text, m.kind) for m in person.mentions}
    russia = next(e for e in doc.entities if e.name == "Russia")
    assert [m.kind for m in russia.mentions] == ["name"]


def test_user_actor_file_on_the_command_line(tmp_path):
    import json
    import subprocess
    import sys

    from conftest import ROOT

    user = tmp_path / "actors.yaml"
    user.write_text("actors:\n  - {name: Zorblax Front, type: ORG, aliases: [ZF], "
                    "roles: [{country: AFG, sector: REB}]}\n", encoding="utf-8")
    art = tmp_path / "a.txt"
    art.write_text("The Zorblax Front attacked a checkpoint in Kandahar.", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "eventwatch.cli", "analyze", str(art), "--actors", str(user)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    front = next(e for e in doc["entities"] if e["name"] == "Zorblax Front")
    assert front["actor"] == {"country": "AFG", "sector": "REB"}
    missing = subprocess.run([sys.executable, "-m", "eventwatch.cli", "analyze", str(art), "--actors",
                              str(tmp_path / "nope.yaml")], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert missing.returncode == 2 and "nope.yaml" in missing.stderr
