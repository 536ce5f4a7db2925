def test_direct_quote_split_by_its_cue_keeps_one_speaker(analyze):
    doc = analyze("Angela Merkel spoke in Berlin. \u201cWe will not give up on the talks,\u201d Merkel said, "
                  "\u201cand we expect an answer this week.\u201d")
    direct = [q for q in doc.quotes if q.kind == "direct"]
    assert len(direct) == 2
    assert {q.speaker.name for q in direct} == {"Angela Merkel"}
    assert all(doc.text[q.start:q.end] == q.text for q in direct)


def test_pronoun_speaker_points_at_the_name(analyze):
    doc = analyze("Joe Biden visited the plant. \u201cThis is a great day for American workers,\u201d he said.")
    quote = next(q for q in doc.quotes if q.kind == "direct")
    assert quote.speaker.name == "Joe Biden"
    assert quote.speaker.text == "Joe Biden"


def test_scare_quotes_are_not_quotes(analyze):
    doc = analyze("The war led to \u2018tragedy\u2019 in the country, officials wrote in a \"report\".")
    assert not [q for q in doc.quotes if q.kind == "direct"]


def test_reported_speech_and_according_to(analyze):
    doc = analyze("According to Emmanuel Macron, the sanctions will stay in place. "
                  "Olaf Scholz said that the ministers would meet again in May.")
    by_speaker = {q.speaker.name: q for q in doc.quotes}
    assert "sanctions will stay in place" in by_speaker["Emmanuel Macron"].text
    assert by_speaker["Olaf Scholz"].kind == "indirect"
    assert "ministers would meet again" in by_speaker["Olaf Scholz"].text


def test_odd_number_of_marks_never_raises(analyze):
    doc = analyze('He said "this has no end and it goes on and on\nNext paragraph " here "')
    assert all(doc.text[q.start:q.end] == q.text for q in doc.quotes)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = ["\u201c", "\u201d", '"', "\u2018", "\u2019", " he said", " Putin said,", " the talks will go on",
           ". ", "\n", " according to officials", " we will never give up the fight", ", saying that"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14), st.sampled_from(["", " End."]))
def test_any_mix_of_marks_and_cues_gives_valid_quotes(analyze, pieces, ending):
    text = "Vladimir Putin spoke." + "".join(pieces) + ending
    doc = analyze(text)
    for q in doc.quotes:
        assert doc.text[q.start:q.end] == q.text
        for part in (q.cue, q.speaker):
            assert part is None or doc.text[part.start:part.end] == part.text
