"""The Python API: analyze(), analyze_many() streaming, and per-document failures."""
import pytest

import eventwatch
from eventwatch import Article, InputError


def test_analyze_returns_a_document(analyze):
    doc = analyze("Protesters marched in Nairobi on Friday.", "2024-03-07")
    assert doc.published == "2024-03-07"
    assert any(t.value == "2024-03-01" for t in doc.times)


def test_analyze_rejects_empty_text(pipeline):
    with pytest.raises(InputError):
        eventwatch.analyze("   ", pipeline=pipeline)


def test_analyze_many_streams_without_reading_all_input_first(pipeline):
    pulled = []

    def articles():
        for i in range(500):
            pulled.append(i)
            yield {"id": f"a{i}", "text": f"Police arrested {i + 2} protesters in Lagos."}

    stream = eventwatch.analyze_many(articles(), pipeline=pipeline)
    first = next(stream)
    assert first.id == "a0"
    assert len(pulled) < 500  # only about one batch was read to produce the first document


def test_an_oversized_document_fails_alone(pipeline):
    huge = "word " * (pipeline.stages[0].nlp.max_length // 5 + 10)
    items = [Article(text="Troops entered Syria.", id="ok"), Article(text=huge, id="huge"),
             Article(text="Talks began in Geneva.", id="ok2")]
    docs = list(eventwatch.analyze_many(items, pipeline=pipeline))
    assert [d.id for d in docs] == ["ok", "huge", "ok2"]
    assert "error" not in docs[0].work and "error" not in docs[2].work
    assert "longer than the parser's limit" in docs[1].work["error"]
    assert docs[2].places and docs[2].places[0].text == "Geneva"
