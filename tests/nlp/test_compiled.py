"""The compiled fast path gives the pipeline's own predictions, on the shipped test split."""

from pathlib import Path

import numpy as np
import pytest
from sklearn.pipeline import Pipeline

from nlp.compiled import CompiledModel, CompileError
from nlp.normalize import normalize
from training.dataset import load_corpus
from training.evaluate import load_set
from training.train import ModelSpec, fit

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def real_pipeline() -> Pipeline:
    return fit(load_corpus(ROOT / "data" / "labeled"))


@pytest.fixture(scope="module")
def test_texts() -> list[str]:
    return [normalize(r.text) for r in load_set(ROOT / "data" / "test")]


def test_same_probabilities_and_labels_as_the_pipeline(real_pipeline: Pipeline, test_texts: list[str]) -> None:
    compiled = CompiledModel.from_pipeline(real_pipeline)
    fast = compiled.predict_proba(compiled.transform(test_texts))
    rest = real_pipeline[1:]  # the pipeline after normalisation, fed the same normalised texts
    reference = rest.predict_proba(test_texts)
    # The compiled weights are float32 (half the memory). A decision value moves by about 1e-6;
    # where it falls on a steep step of an isotonic calibrator the probability moves by up to
    # 5e-5 (measured: 2e-5 on 2 of 3,075 values of the two test files), below the 4 decimals the
    # API returns; the labels must agree exactly (below).
    for axis_fast, axis_ref in zip(fast, reference, strict=True):
        np.testing.assert_allclose(axis_fast, axis_ref, atol=5e-5)
    labels = rest.predict(test_texts)
    for k, axis_fast in enumerate(fast):
        classes = real_pipeline.named_steps["classify"].estimators_[k].classes_
        assert list(classes[axis_fast.argmax(axis=1)]) == list(labels[:, k])


def test_same_feature_matrix_as_the_pipeline(real_pipeline: Pipeline, test_texts: list[str]) -> None:
    compiled = CompiledModel.from_pipeline(real_pipeline)
    fast = compiled.transform(test_texts[:100]).tocsr().toarray()
    reference = real_pipeline.named_steps["features"].transform(test_texts[:100]).toarray()
    np.testing.assert_allclose(fast, reference, atol=1e-6)


def test_packed_character_grams_match_the_vectorizer_on_unusual_text(real_pipeline: Pipeline) -> None:
    # Astral code points (emoji, 𝄞) use all 21 bits of a packed code point; a NUL, which
    # normalisation removes but a caller could still pass, must not pack like a shorter gram.
    texts = ["楼上😡😡天天吵", "𝄞卡拉OK𝄞", "a\0b", "工资\0", "欠薪\0\0欠薪", " ", "ＡＢＣ全角"]
    compiled = CompiledModel.from_pipeline(real_pipeline)
    fast = compiled.transform(texts).tocsr().toarray()
    reference = real_pipeline.named_steps["features"].transform(texts).toarray()
    np.testing.assert_allclose(fast, reference, atol=1e-6)


def test_sigmoid_calibration_is_compiled_too(corpus_dir: Path) -> None:
    from tests.corpus import RECORDS
    from training.dataset import Record

    records = [Record(**r) for r in RECORDS]
    pipeline = fit(records, ModelSpec(calibration="sigmoid"))
    texts = [normalize(r.text) for r in records]
    compiled = CompiledModel.from_pipeline(pipeline)
    for a, b in zip(compiled.predict_proba(compiled.transform(texts)), pipeline[1:].predict_proba(texts), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_naive_bayes_is_refused_so_the_pipeline_is_used() -> None:
    from tests.corpus import RECORDS
    from training.dataset import Record

    pipeline = fit([Record(**r) for r in RECORDS], ModelSpec(family="cnb"))
    with pytest.raises(CompileError):
        CompiledModel.from_pipeline(pipeline)


def test_one_text_at_a_time_gives_the_batch_probabilities(real_pipeline: Pipeline, test_texts: list[str]) -> None:
    # One row takes a numpy path (no scipy matrix); it must agree with the batch path. Both sum
    # in float32 in different orders; the cue and factor columns hold whole counts, larger than
    # TF-IDF weights, so the two agree to 1e-5, not 1e-6.
    compiled = CompiledModel.from_pipeline(real_pipeline)
    batch = compiled.predict_proba(compiled.transform(test_texts[:60]))
    for i, text in enumerate(test_texts[:60]):
        for axis_batch, axis_one in zip(batch, compiled.predict_proba(compiled.transform([text])), strict=True):
            np.testing.assert_allclose(axis_one[0], axis_batch[i], atol=1e-5)


def test_character_grams_longer_than_three_are_refused_so_the_pipeline_is_used() -> None:
    from tests.corpus import RECORDS
    from training.dataset import Record

    records = [Record(**r) for r in RECORDS]
    pipeline = fit(records)
    pipeline.named_steps["features"].set_params(chars__ngram_range=(1, 4))  # as if fitted so
    with pytest.raises(CompileError, match="three code points"):
        CompiledModel.from_pipeline(pipeline)
