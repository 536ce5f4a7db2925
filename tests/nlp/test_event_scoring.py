from collections import Counter

from eventwatch.nlp import event_scoring


def _cand(**kw):
    cand = {"type": "ASSAULT", "lemma": "attack", "pos": "VERB", "dep": "ROOT", "weak": False,
            "weight": 1.0, "status": "occurred", "has_source": True, "has_target": True,
            "own_country": True, "sent_index": 0, "in_quote": False}
    cand.update(kw)
    return cand


def test_features_describe_type_trigger_and_repetition():
    f = event_scoring.features(_cand(), Counter({"ASSAULT": 3, "CONSULT": 1}), n_sents=10)
    assert f["type=ASSAULT"] == 1.0 and f["lemma=ASSAULT:attack"] == 1.0
    assert f["first_sentence"] == 1.0 and f["share"] == 0.75


def test_the_shipped_model_prefers_a_repeated_leading_event():
    weights = event_scoring.model()["weights"]
    main = event_scoring.features(_cand(), Counter({"ASSAULT": 4, "CONSULT": 1}), 10)
    aside = event_scoring.features(_cand(type="CONSULT", lemma="talk", pos="NOUN", dep="pobj",
                                         has_source=False, has_target=False, own_country=False,
                                         sent_index=8), Counter({"ASSAULT": 4, "CONSULT": 1}), 10)
    assert event_scoring.score(main, weights) > event_scoring.score(aside, weights)
    assert 0.0 < event_scoring.score(aside, weights) < 1.0
