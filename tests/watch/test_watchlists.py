"""Watchlists: the YAML format, every condition, combinators, reasons and clear errors."""
from __future__ import annotations

import pytest

from eventwatch.errors import WatchlistError
from eventwatch.watch.watchlists import EventView, load_file, parse, parse_many

TERMEZ = dict(location_name="Termez", location_country="UZB", location_kind="city", geonameid=1215957,
              lat=37.22417, lon=67.27833)
KABUL = dict(location_name="Kabul", location_country="AFG", location_kind="city", geonameid=1138958,
             lat=34.52813, lon=69.17233)
PARIS = dict(location_name="Paris", location_country="FRA", location_kind="city", geonameid=2988507,
             lat=48.85341, lon=2.3488)
UZBEKISTAN = dict(location_name="Uzbekistan", location_country="UZB", location_kind="country",
                  geonameid=1512440, lat=41.0, lon=64.0)


def ev(type="COOPERATE", where=TERMEZ, status="occurred", **kw) -> EventView:
    actors = kw.pop("actors", [("source", "Uzbek troops", "UZB", "MIL"), ("target", "Tajikistan", "TJK", "GOV")])
    return EventView(id=1, type=type, status=status, actors=actors, **{**where, **kw})


def wl(when, **kw):
    return parse({"name": "w", "when": when, **kw})


@pytest.mark.parametrize("when, event, expected", [
    ({"type": ["COOPERATE", "MOBILIZE"]}, ev(), True),
    ({"type": "mobilize"}, ev(), False),
    ({"mode": "troops"}, ev(type="MOBILIZE", mode="troops"), True),
    ({"status": "planned"}, ev(status="planned"), True),
    ({"status": ["occurred", "claimed"]}, ev(status="planned"), False),
    ({"source": {"country": "UZB"}}, ev(), True),
    ({"source": {"country": "TJK"}}, ev(), False),
    ({"target": {"country": "Tajikistan", "sector": "gov"}}, ev(), True),
    ({"actor": {"name": "uzbek"}}, ev(), True),
    ({"actor": {"name": "russian"}}, ev(), False),
    ({"location": {"country": ["UZB", "TJK"]}}, ev(), True),
    ({"location": {"country": "AFG"}}, ev(), False),
    ({"location": {"region": "Central Asia"}}, ev(), True),
    ({"location": {"region": "Asia"}}, ev(), True),
    ({"location": {"region": "Europe"}}, ev(), False),
    ({"location": {"place": "termez"}}, ev(), True),
    ({"location": {"place": "1215957"}}, ev(), True),
    ({"location": {"near": {"place": "Kabul", "km": 400}}}, ev(), True),    # ~300 km
    ({"location": {"near": {"place": "Kabul", "km": 200}}}, ev(), False),
    ({"location": {"near": {"lat": 37.2, "lon": 67.3, "km": 10}}}, ev(), True),
    ({"location": {"near": {"place": "Kabul", "km": 5000}}}, ev(where=UZBEKISTAN), False),  # too vague
    ({"location": {"borders": "AFG"}}, ev(), True),
    ({"location": {"borders": "AFG"}}, ev(where=KABUL), False),             # in AFG, not next to it
    ({"location": {"borders": "AFG"}}, ev(where=PARIS), False),
    ({"location": {"near_border": {"country": "AFG", "km": 30}}}, ev(), True),  # Termez is on the Amu Darya
    ({"location": {"near_border": {"country": "AFG", "km": 30}}}, ev(where=PARIS), False),
    ({"quantity": {"unit": "troops", "at_least": 1000}},
     ev(quantities=[{"text": "2,500 troops", "value": 2500, "unit": "troops"}]), True),
    ({"quantity": {"unit": "troop", "at_least": 3000}},
     ev(quantities=[{"text": "2,500 troops", "value": 2500, "unit": "troops"}]), False),
    ({"quantity": {"unit": ["soldiers", "troops"], "at_most": 3000}},
     ev(quantities=[{"text": "2,500 soldiers", "value": 2500, "unit": "soldiers"}]), True),
    ({"keyword": "live-fire"}, ev(sentence="They held live-fire drills near the border."), True),
    ({"keyword": ["fire"]}, ev(sentence="They held live-fire drills near the border."), True),
    ({"keyword": "drill"}, ev(sentence="They held live-fire drills near the border."), False),  # whole words
    ({"confidence": {"at_least": 0.5}}, ev(confidence=0.7), True),
    ({"confidence": 0.8}, ev(confidence=0.7), False),
    ({"confidence": 0.1}, ev(confidence=None), False),
])
def test_conditions(when, event, expected):
    ok, reasons = wl(when).test(event)
    assert ok is expected, reasons
    assert reasons and all(isinstance(r, str) and r for r in reasons)


def test_combinators():
    w = wl({"all": [{"type": "COOPERATE"},
                    {"any": [{"location": {"country": "TJK"}}, {"location": {"borders": "AFG"}}]},
                    {"not": {"source": {"country": "RUS"}}}]})
    assert w.test(ev())[0]
    assert not w.test(ev(actors=[("source", "Russia", "RUS", "GOV")]))[0]
    assert not w.test(ev(where=PARIS))[0]
    # A mapping of several keys is all of them.
    assert wl({"type": "COOPERATE", "location": {"country": "UZB"}}).test(ev())[0]
    assert not wl({"type": "COOPERATE", "location": {"country": "FRA"}}).test(ev())[0]


def test_reasons_say_why():
    ok, reasons = wl({"type": ["COOPERATE", "MOBILIZE"], "location": {"borders": "AFG"}}).test(ev())
    assert ok
    assert reasons[0] == "type COOPERATE is one of COOPERATE, MOBILIZE"
    assert "borders AFG" in reasons[1] and "Termez" in reasons[1]


def test_negated_and_hypothetical_events_match_only_when_asked():
    plain = wl({"type": "COOPERATE"})
    assert not plain.test(ev(status="negated"))[0]
    assert not plain.test(ev(status="hypothetical"))[0]
    assert plain.test(ev(status="claimed"))[0]
    assert wl({"type": "COOPERATE", "status": ["negated"]}).test(ev(status="negated"))[0]


def test_the_country_comes_from_the_point_when_the_row_lacks_it():
    w = wl({"location": {"borders": "AFG"}})
    assert w.test(ev(where={**TERMEZ, "location_country": None}))[0]


@pytest.mark.parametrize("spec, message", [
    ({"when": {"type": "COOPERATE"}}, "'name'"),
    ({"name": "bad name!", "when": {"type": "COOPERATE"}}, "'name'"),
    ({"name": "w"}, "'when'"),
    ({"name": "w", "when": {"type": "DRILL"}}, "unknown value(s) DRILL"),
    ({"name": "w", "when": {"colour": "red"}}, "when.colour: unknown condition"),
    ({"name": "w", "when": {"location": {"country": "Atlantis"}}}, "unknown country 'Atlantis'"),
    ({"name": "w", "when": {"location": {"region": "Middle Earth"}}}, "unknown region 'Middle Earth'"),
    ({"name": "w", "when": {"location": {"near": {"place": "Kabul"}}}}, "km"),
    ({"name": "w", "when": {"location": {"borders": "ISL"}}}, "ISL has no land border"),
    ({"name": "w", "when": {"quantity": {"at_least": "many"}}}, "expected a number"),
    ({"name": "w", "when": {"all": []}}, "non-empty list"),
    ({"name": "w", "when": {"type": "AID"}, "notify": [{"carrier_pigeon": True}]}, "notify[0]"),
    ({"name": "w", "when": {"type": "AID"}, "colour": 1}, "unknown key(s) colour"),
])
def test_errors_name_the_watchlist_and_the_key(spec, message):
    with pytest.raises(WatchlistError) as info:
        parse(spec, "lists.yaml")
    assert message in str(info.value)
    assert "lists.yaml" in str(info.value)


def test_files(tmp_path):
    path = tmp_path / "lists.yaml"
    path.write_text("""
watchlists:
  - name: drills-near-afghanistan
    description: Exercises or troop movements next door to Afghanistan
    when:
      type: [COOPERATE, MOBILIZE]
      location: {borders: AFG}
    notify:
      - log: alerts.jsonl
  - name: big-deployments
    when:
      all:
        - type: MOBILIZE
        - quantity: {unit: troops, at_least: 1000}
""", encoding="utf-8")
    items = load_file(path)
    assert [w.name for w in items] == ["drills-near-afghanistan", "big-deployments"]
    assert items[0].notify == [{"log": "alerts.jsonl"}]
    assert items[0].spec["description"].startswith("Exercises")
    assert parse(items[0].spec).test(ev())[0]  # the stored form parses back

    with pytest.raises(WatchlistError, match="used twice"):
        parse_many([{"name": "a", "when": {"type": "AID"}}] * 2, "x")
    (tmp_path / "bad.yaml").write_text("watchlists: [\n", encoding="utf-8")
    with pytest.raises(WatchlistError, match="bad.yaml: not a readable YAML"):
        load_file(tmp_path / "bad.yaml")
    with pytest.raises(WatchlistError, match="no such file"):
        load_file(tmp_path / "missing.yaml")


@pytest.mark.parametrize("country", ["UKR", "AFG", "RUS", "FJI", "NOR", "CHL"])
def test_the_near_border_shortcut_never_rejects_a_point_within_reach(country):
    import random

    from eventwatch.watch import borders
    from eventwatch.watch.watchlists import NearBorder

    rng = random.Random(country)
    cond = NearBorder(country, 150.0)
    west, south, east, north = borders.shape(country).bounds
    rejected = 0
    for _ in range(300):
        lat = max(-89.0, min(89.0, rng.uniform(south - 5, north + 5)))
        lon = (rng.uniform(west - 10, east + 10) + 180) % 360 - 180
        if cond._far(lat, lon):
            rejected += 1
            assert borders.distance_to_border_km(lat, lon, country) > 150.0, (lat, lon)
    assert country in ("RUS", "FJI") or rejected > 0  # the shortcut does cut work
