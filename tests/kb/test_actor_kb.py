import datetime as dt

import pytest

from eventwatch.errors import KnowledgeError
from eventwatch.kb import actors
from eventwatch.kb.build_actors import convert_code

ISO3 = {"RUS", "AFG", "USA"}


@pytest.fixture(scope="module")
def kb():
    return actors.load()


@pytest.mark.parametrize("code,expected", [
    ("RUSGOV", ("RUS", "GOV")), ("AFGMIL", ("AFG", "MIL")), ("IGOUNOHLHWHO", ("UNO", "MED")),
    ("IGOEUREEC", ("EUR", None)), ("IGOCASCIS", ("IGO", None)), ("IMGMUSALQ", ("IMG", "REL")),
    ("KSVGOV", ("KOS", "GOV")), ("MEAREB", ("IMG", "REB")), ("ELI", (None, "ELI")),
])
def test_cameo_codes_become_plover_country_and_sector(code, expected):
    assert convert_code(code, ISO3) == expected


def test_exact_names_aliases_and_acronyms(kb):
    assert kb.lookup("Putin")[0].name == "Vladimir Putin"
    assert kb.lookup("CSTO")[0].name == "Collective Security Treaty Organization"
    assert kb.lookup("ISIS")[0].name == "Islamic State" == kb.lookup("Daesh")[0].name
    assert kb.lookup("us") == [] and kb.lookup("cis") == []  # acronyms only in capitals


@pytest.mark.parametrize("day,sector", [("2010-01-01", "GOV"), ("2014-06-01", "LEG"), ("2021-10-14", "SPY")])
def test_roles_follow_the_publication_date(kb, day, sector):
    naryshkin = kb.lookup("Sergei Naryshkin")[0]
    role = naryshkin.role_on(dt.date.fromisoformat(day))
    assert (role.country, role.sector) == ("RUS", sector)


def test_taliban_before_and_after_august_2021(kb):
    taliban = kb.lookup("Islamic Emirate")[0]
    assert taliban.role_on(dt.date(2020, 1, 1)).sector == "REB"
    assert taliban.role_on(dt.date(2022, 1, 1)).sector == "GOV"


def test_fuzzy_tolerates_one_typo_only(kb):
    assert kb.fuzzy("Vladimir Putting")[0][0].name == "Vladimir Putin"
    assert kb.fuzzy("Commonwealth of Independence States")[0][0].name == "Commonwealth of Independent States"
    assert kb.fuzzy("Vladimir Nabokov") == [] or all(s < 0.9 for _, s in kb.fuzzy("Vladimir Nabokov"))
    assert kb.fuzzy("Putting") == []  # a single word is never matched loosely


def test_user_file_extends_and_overrides(tmp_path):
    user = tmp_path / "mine.yaml"
    user.write_text(
        "actors:\n"
        "  - {name: Vladimir Putin, type: PERSON, aliases: [VVP], roles: [{country: RUS, sector: MIL}]}\n"
        "  - {name: Northern Coalition, type: ORG, aliases: [NCX], roles: [{country: AFG, sector: REB}]}\n",
        encoding="utf-8")
    kb = actors.load((str(user),))
    putin = kb.lookup("Putin")[0]
    assert putin.role_on(dt.date(2021, 1, 1)).sector == "MIL" and kb.lookup("VVP")[0] is putin
    assert kb.lookup("NCX")[0].name == "Northern Coalition"
    assert actors.load().lookup("Putin")[0].role_on(dt.date(2021, 1, 1)).sector == "GOV"  # default untouched


@pytest.mark.parametrize("content,needle", [
    ("actors: {}", "'actors' list"),
    ("actors:\n  - {type: PERSON}\n", "malformed"),
    ("actors:\n  - {name: X, type: ANIMAL}\n", "PERSON or ORG"),
    ("actors:\n  - {name: X, roles: [{country: RUS, start: yesterday}]}\n", "bad date"),
])
def test_malformed_user_file_names_the_problem(tmp_path, content, needle):
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=needle):
        actors.read_yaml(path, "user")
