import pytest

from eventwatch import Document
from eventwatch.errors import PipelineError
from eventwatch.pipeline import Config, Pipeline, Stage, check_order, registered_stages, stage


def test_builtin_stages_are_registered_in_a_valid_order():
    names = ["text", "entities", "places", "actors", "times", "quotes", "events"]
    assert set(names) <= set(registered_stages())
    assert [c.name for c in check_order(names)] == names


def test_a_stage_before_its_requirement_is_a_clear_error():
    with pytest.raises(PipelineError) as err:
        check_order(["entities", "text"])
    assert "'entities' requires 'parse'" in str(err.value)
    assert "text" in str(err.value)  # says which stage provides it


def test_a_missing_stage_is_named():
    with pytest.raises(PipelineError, match="events"):
        check_order(["text", "entities", "events"])


def test_unknown_stage():
    with pytest.raises(PipelineError, match="unknown stage 'nonsense'"):
        Pipeline(["text", "nonsense"])


def test_a_failing_document_does_not_stop_the_others():
    @stage("test_flaky", requires=("article",), assigns=("flaky",))
    class Flaky(Stage):
        def __call__(self, doc):
            if "boom" in doc.text:
                raise RuntimeError("exploded")
            doc.title = "seen"
            return doc

    pipe = Pipeline(["test_flaky"], Config())
    docs = list(pipe.pipe([Document(text="fine"), Document(text="boom"), Document(text="also fine")]))
    assert [d.title for d in docs] == ["seen", None, "seen"]
    assert "exploded" in docs[1].work["error"]


def test_registering_a_second_stage_under_a_taken_name_fails():
    with pytest.raises(PipelineError, match="already registered"):
        @stage("text")
        class Other(Stage):
            pass
