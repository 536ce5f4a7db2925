import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventwatch.document import (Actor, Document, Entity, Event, EventDate, Mention, Region,
                                 Span, to_json)


def test_span_of_takes_its_text_from_the_source():
    span = Span.of("Russia held a drill", 0, 6)
    assert span.text == "Russia"
    assert span.to_dict() == {"start": 0, "end": 6, "text": "Russia"}


@pytest.mark.parametrize("start,end", [(-1, 2), (3, 2), (0, 99)])
def test_span_of_rejects_offsets_outside_the_text(start, end):
    with pytest.raises(ValueError):
        Span.of("short", start, end)


@given(st.text(max_size=60), st.data())
def test_span_text_always_matches_offsets(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    span = Span.of(text, start, end)
    assert text[span.start:span.end] == span.text


def test_document_serialises_to_schema_keys_without_working_state():
    text = "Russia held a drill."
    doc = Document(text=text, id="d1", published="2021-10-14")
    doc.work["spacy"] = object()
    doc.entities.append(Entity("e1", "Russia", "GPE", [Mention.of(text, 0, 6)]))
    doc.events.append(Event(id="ev1", type="MOBILIZE", trigger=Span.of(text, 14, 19),
                            sentence=Region(0, 20), date=EventDate("2021-10-14", "published"),
                            source=Actor.of(text, 0, 6, entity="e1", name="Russia", country="RUS", sector="GOV")))
    out = json.loads(json.dumps(doc.to_dict()))
    for key in ("id", "title", "url", "source", "published", "language", "text", "entities",
                "places", "times", "quotes", "events"):
        assert key in out
    assert "work" not in out
    assert out["entities"][0]["mentions"][0] == {"start": 0, "end": 6, "text": "Russia", "kind": "name"}
    assert out["events"][0]["date"] == {"value": "2021-10-14", "from": "published"}
    assert out["events"][0]["source"]["country"] == "RUS"
    assert out["events"][0]["sentence"] == {"start": 0, "end": 20}


def test_to_json_handles_nested_lists():
    assert to_json([Region(0, 1), {"a": Region(2, 3)}]) == [{"start": 0, "end": 1}, {"a": {"start": 2, "end": 3}}]


def test_trim_articles_possessives_and_abbreviations():
    from eventwatch.nlp.spans import trim

    def cut(text, start=0, end=None):
        s, e = trim(text, start, len(text) if end is None else end)
        return text[s:e]

    assert cut("the United Nations") == "United Nations"
    assert cut("The United Nations said", 0, 18) == "United Nations"    # sentence start
    assert cut("He flew to The Hague", 11) == "The Hague"               # part of the name
    assert cut("Russia's") == "Russia" and cut("Putin\u2019s") == "Putin"
    assert cut("U.S.") == "U.S." and cut("Fla.") == "Fla."
    assert cut("Buducnost (V)") == "Buducnost (V)" and cut("Kenya,") == "Kenya"
