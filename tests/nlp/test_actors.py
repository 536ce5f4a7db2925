def test_apposition_gives_a_person_country_and_sector(analyze):
    doc = analyze("Sergei Naryshkin, Russia's foreign intelligence service director, warned on Tuesday.")
    person = next(e for e in doc.entities if e.type == "PERSON")
    assert person.actor is not None and person.actor.country == "RUS"
    assert person.actor.sector is not None


def test_country_is_its_government(analyze):
    doc = analyze("Kenya and Uganda signed a trade deal.")
    codes = {e.name: e.actor.country for e in doc.entities if e.actor}
    assert codes == {"Kenya": "KEN", "Uganda": "UGA"}
