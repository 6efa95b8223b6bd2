"""The fast path is explicit: a model the compiler does not reproduce, or a library version the
fast paths were not checked against, is refused in one line and the library's own code serves,
logged once; both paths give the same labels on the test split."""

import logging
from pathlib import Path

import jieba
import pytest
import sklearn
from sklearn.pipeline import Pipeline

from nlp import tokenize
from nlp.compiled import CompiledModel, CompileError
from nlp.internals import CHECKED
from nlp.predictor import Triage
from nlp.registry import load_live
from tests.corpus import RECORDS
from training.dataset import Record
from training.evaluate import load_set
from training.train import ModelSpec, fit

TEST_SPLIT = Path(__file__).resolve().parents[2] / "data" / "test"


@pytest.fixture(scope="module")
def live(models_root: Path) -> tuple[Pipeline, dict[str, object]]:
    return load_live(models_root)


def fallbacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "not the compiled path" in r.getMessage()]


def test_both_paths_give_the_same_labels_on_the_test_split(
    live: tuple[Pipeline, dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline, manifest = live
    texts = [r.text for r in load_set(TEST_SPLIT)]
    assert len(texts) > 1000
    compiled = Triage(pipeline, manifest, explain_top=0)

    def refuse(cls: type, pipeline: Pipeline) -> CompiledModel:
        raise CompileError("forced for the test")

    monkeypatch.setattr(CompiledModel, "from_pipeline", classmethod(refuse))
    reference = Triage(pipeline, manifest, explain_top=0)
    assert (compiled.serving_path, reference.serving_path) == ("compiled", "pipeline")
    fast, slow = compiled.predict(texts), reference.predict(texts)
    # Labels exactly; probabilities only to float32 precision (tests/nlp/test_compiled.py), which
    # the tiny test model's steep isotonic steps can widen, so they are not compared here.
    assert [(p.type.label, p.urgency.label) for p in fast] == [(p.type.label, p.urgency.label) for p in slow]


def test_a_model_the_compiler_cannot_reproduce_falls_back_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    pipeline = fit([Record(**r) for r in RECORDS], ModelSpec(family="cnb"))
    with caplog.at_level(logging.WARNING, logger="nlp.predictor"):
        triage = Triage(pipeline, {"version": "nb-1"})
        for _ in range(3):
            triage.predict(["楼上漏水把我家天花板泡坏了", "包工头欠我们工资不给"])
    assert triage.serving_path == "pipeline"
    assert triage.fallback_reason and "ComplementNB" in triage.fallback_reason
    [record] = fallbacks(caplog)
    assert "nb-1" in record.getMessage() and triage.fallback_reason in record.getMessage()


def test_an_unchecked_scikit_learn_is_refused_in_one_line(
    live: tuple[Pipeline, dict[str, object]], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    pipeline, manifest = live
    monkeypatch.setattr(sklearn, "__version__", "1.99.0")
    with pytest.raises(CompileError) as refused:
        CompiledModel.from_pipeline(pipeline)
    message = str(refused.value)
    checked = CHECKED["scikit-learn"][0]
    assert message == f"nlp.compiled was checked against scikit-learn {checked}, not the installed 1.99.0"
    with caplog.at_level(logging.WARNING, logger="nlp.predictor"):
        triage = Triage(pipeline, manifest)
    assert triage.serving_path == "pipeline" and triage.fallback_reason == message
    assert len(fallbacks(caplog)) == 1
    assert triage.predict(["楼上漏水把我家天花板泡坏了"])[0].urgency.label in {"high", "medium", "low"}


def test_a_pipeline_missing_an_attribute_is_a_compile_error_not_an_attribute_error(models_root: Path) -> None:
    pipeline, _ = load_live(models_root)  # a copy of its own, to damage
    del pipeline.named_steps["classify"].estimators_[0].calibrated_classifiers_
    with pytest.raises(CompileError, match="AttributeError"):
        CompiledModel.from_pipeline(pipeline)


def test_an_unchecked_jieba_is_refused_and_jieba_cuts_by_itself(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    text = "包工头欠我们二十几个人三个月工资，马上过年了还不给"
    compiled_words = tokenize.tokenize(text)
    monkeypatch.setattr(jieba, "__version__", "0.50.0")
    monkeypatch.setattr(tokenize, "_cut", None)  # built again on next use; restored after the test
    monkeypatch.setattr(tokenize, "fallback_reason", None)
    with caplog.at_level(logging.WARNING, logger="nlp.tokenize"):
        words = tokenize.tokenize(text)
    reason = f"nlp._segment was checked against jieba {CHECKED['jieba'][0]}, not the installed 0.50.0"
    assert tokenize.fallback_reason == reason
    assert [r.getMessage() for r in caplog.records] == [f"segmenting with jieba in Python, not nlp._segment: {reason}"]
    assert words == compiled_words  # jieba's own cut, word for word the same
