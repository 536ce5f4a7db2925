from eventwatch.nlp.entities import initials, normal_key


def test_initials_skip_minor_words():
    assert initials("Collective Security Treaty Organization") == "CSTO"
    assert initials("Commonwealth of Independent States") == "CIS"


def test_normal_key_ignores_case_and_dots():
    assert normal_key("U.S.") == normal_key("us")


def _by_name(doc, name):
    return next(e for e in doc.entities if e.name == name)


def test_surname_joins_the_full_name(analyze):
    doc = analyze("Angela Merkel met reporters in Berlin. Merkel said the talks went well.")
    merkel = _by_name(doc, "Angela Merkel")
    assert [m.text for m in merkel.mentions] == ["Angela Merkel", "Merkel"]
    assert merkel.type == "PERSON"


def test_acronym_in_parentheses_and_later_joins_its_expansion(analyze):
    doc = analyze("The North Atlantic Treaty Organization (NATO) met in Brussels on Monday. "
                  "Officials said NATO would send more ships.")
    nato = next(e for e in doc.entities if e.name == "North Atlantic Treaty Organization")
    assert [m.text for m in nato.mentions] == ["North Atlantic Treaty Organization", "NATO", "NATO"]


def test_country_names_are_gpe_whatever_the_ner_says(analyze):
    doc = analyze("Tajikistan is part of the bloc. Tajik officials said Tajikistan would attend.")
    tjk = [e for e in doc.entities if e.name == "Tajikistan"]
    assert len(tjk) == 1 and tjk[0].type == "GPE"
    assert all(doc.text[m.start:m.end] == m.text for m in tjk[0].mentions)
