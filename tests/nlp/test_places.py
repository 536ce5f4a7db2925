def _place(doc, text):
    return next(p for p in doc.places if p.text == text)


def test_countries_resolve_to_iso3_and_coordinates(analyze):
    doc = analyze("Troops moved from Afghanistan into Tajikistan.")
    tjk = _place(doc, "Tajikistan")
    assert (tjk.country, tjk.kind) == ("TJK", "country")
    assert 36 < tjk.lat < 42 and 66 < tjk.lon < 76


def test_capital_as_subject_is_metonymic(analyze):
    doc = analyze("Washington is planning new measures, officials in Kabul said.")
    wash = _place(doc, "Washington")
    assert wash.country == "USA" and wash.metonymic
    assert _place(doc, "Kabul").metonymic is False


def test_region(analyze):
    doc = analyze("Fighting spread across Central Asia last year.")
    assert _place(doc, "Central Asia").kind == "region"


def test_unknown_place_has_null_coordinates(analyze):
    doc = analyze("Fighting broke out in Zorblaxia near the river Quandu.")
    unknown = [p for p in doc.places if p.lat is None]
    assert all(p.lon is None for p in unknown)
    assert all(doc.text[p.start:p.end] == p.text for p in doc.places)


def test_demonyms_are_mentions_of_their_country(analyze):
    doc = analyze("Afghan and Tajik officials met at the border.")
    got = {p.text: (p.country, p.kind) for p in doc.places}
    assert got["Afghan"] == ("AFG", "country") and got["Tajik"] == ("TJK", "country")
    assert _place(doc, "Afghan").lat is not None
