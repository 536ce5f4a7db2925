import pytest


def test_direct_quote_split_by_its_cue_keeps_one_speaker(analyze):
    doc = analyze("Angela Merkel spoke in Berlin. \u201cWe will not give up on the talks,\u201d Merkel said, "
                  "\u201cand we expect an answer this week.\u201d")
    direct = [q for q in doc.quotes if q.kind == "direct"]
    # One statement in two pieces: one quote covering both, with the pieces as its spans.
    assert len(direct) == 1
    quote = direct[0]
    assert quote.speaker.name == "Angela Merkel" and quote.cue.text == "said"
    assert [doc.text[s:e] for s, e in quote.spans] == ["We will not give up on the talks",
                                                      "and we expect an answer this week."]
    assert doc.text[quote.start:quote.end] == quote.text


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


@pytest.mark.parametrize("open_mark,close_mark", [("\u201c", "\u201d"), ('"', '"'), ("\u00ab", "\u00bb")])
def test_any_quotation_marks(analyze, open_mark, close_mark):
    doc = analyze(f"Emmanuel Macron spoke. {open_mark}The sanctions will stay in place for now,{close_mark} Macron said.")
    quote = next(q for q in doc.quotes if q.kind == "direct")
    assert "sanctions will stay in place" in quote.text and quote.speaker.name == "Emmanuel Macron"


def test_speaker_before_the_quote_and_colon_introductions(analyze):
    doc = analyze("Ted Cruz spoke next. He said: \u201cThe questions in this debate were a disgrace.\u201d\n\n"
                  "Cruz continued:\n\n\u201cNobody at home wants to watch a cage match tonight.\u201d")
    quotes = [q for q in doc.quotes if q.kind == "direct"]
    assert len(quotes) == 2 and all(q.speaker is not None and q.speaker.name == "Ted Cruz" for q in quotes)


def test_quote_continued_across_paragraphs_keeps_its_speaker(analyze):
    doc = analyze("Joe Biden spoke to reporters. \u201cWe are ready to negotiate on the bill today.\n\n"
                  "\u201cBut we will not accept cuts to the programs that families rely on,\u201d he said.")
    quotes = [q for q in doc.quotes if q.kind == "direct"]
    # One statement in two paragraphs: one quote, its pieces the two paragraphs.
    assert len(quotes) == 1 and quotes[0].speaker.name == "Joe Biden"
    assert [doc.text[s:e] for s, e in quotes[0].spans] == [
        "We are ready to negotiate on the bill today.",
        "But we will not accept cuts to the programs that families rely on"]


def test_quote_continued_after_its_cue_is_one_statement(analyze):
    doc = analyze("Joe Biden spoke in Ohio. \u201cThis is a worldwide fight,\u201d he said. "
                  "\u201cAmerica must lead it and our allies will follow.\u201d\n\nThe crowd cheered.")
    quotes = [q for q in doc.quotes if q.kind == "direct"]
    assert len(quotes) == 1 and quotes[0].speaker.name == "Joe Biden"
    assert len(quotes[0].spans) == 2 and quotes[0].cue.text == "said"


def test_short_statement_is_a_quote_but_a_short_scare_quote_is_not(analyze):
    doc = analyze("Donald Trump called waterboarding \u201cpeanuts,\u201d and moved on. "
                  "\u201cIt\u2019s fine,\u201d Trump said of the practice.")
    quotes = [doc.text[q.start:q.end] for q in doc.quotes if q.kind == "direct"]
    assert quotes == ["It\u2019s fine"]
    assert next(q for q in doc.quotes if q.kind == "direct").speaker.name == "Donald Trump"


def test_he_is_the_last_speaker_not_a_name_inside_the_quotation(analyze):
    doc = analyze("Brent Bozell runs the Media Research Center. \u201cTed Cruz is the best candidate we have "
                  "had in years,\u201d Bozell says.\n\n\u201cIt is the party that has disdain for "
                  "conservatives,\u201d he adds.")
    quotes = [q for q in doc.quotes if q.kind == "direct"]
    assert len(quotes) == 2
    first, second = (q.speaker for q in quotes)
    assert first.name.endswith("Bozell") and doc.text[first.start:first.end] == "Bozell"
    assert (second.name, second.start) == (first.name, first.start)


@pytest.mark.parametrize("sentence,content,speaker", [
    ("Joe Biden warned that the talks could collapse within days.", "the talks could collapse", "Joe Biden"),
    ("Boris Johnson told reporters the deal was done at last.", "the deal was done", "Boris Johnson"),
    ("The rebels attacked the base, Olaf Scholz said, adding that the army had retreated.",
     "the army had retreated", "Olaf Scholz"),
    ("Angela Merkel denied that Germany would send more troops.", "Germany would send more troops", "Angela Merkel"),
    ("Marco Rubio thinks that the party needs new leaders.", "the party needs new leaders", "Marco Rubio"),
    ("Hillary Clinton declined to comment on the report.", "comment on the report", "Hillary Clinton"),
    ("Donald Trump criticized the trade agreement with Mexico.", "the trade agreement with Mexico", "Donald Trump"),
    # Cues beyond the verb lexicons, learned from an annotated corpus (kb.cues).
    ("Bernie Sanders touted his plan for free college tuition.", "his plan for free college tuition",
     "Bernie Sanders"),
])
def test_reported_speech_constructions(analyze, sentence, content, speaker):
    doc = analyze(sentence)
    quote = next(q for q in doc.quotes if content in q.text)
    assert quote.kind == "indirect" and quote.speaker.name == speaker and quote.cue is not None


def test_she_and_he_agree_with_their_antecedent(analyze):
    doc = analyze("Hillary Clinton met Bernie Sanders in Iowa. \u201cWe agree on far more than we disagree,\u201d "
                  "she said.")
    quote = next(q for q in doc.quotes if q.kind == "direct")
    assert quote.speaker.name == "Hillary Clinton"


def test_first_person_outside_quotes_names_no_one(analyze):
    doc = analyze("Joe Biden spoke on Monday. I think that the speech was too long for the audience.")
    quote = next(q for q in doc.quotes if "speech was too long" in q.text)
    assert quote.speaker.text == "I" and quote.speaker.name is None


def test_titles_in_quotation_marks_are_not_quotes(analyze):
    doc = analyze("She appeared on \u201cThe Nightly Show with Larry Wilmore\u201d on Monday.")
    assert not [q for q in doc.quotes if q.kind == "direct"]


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


def test_headline_attributions(analyze):
    doc = analyze("Campaign notes.\n\nDonald Trump: We will build the wall and Mexico will pay\n\nMore later.")
    quote = next(q for q in doc.quotes if "build the wall" in q.text)
    assert quote.speaker.name == "Donald Trump" and quote.cue.text == ":"
