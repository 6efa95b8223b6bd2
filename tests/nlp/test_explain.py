"""Explanations are whole words or phrases of the text, never fragments of character n-grams."""

from pathlib import Path

import pytest

from nlp.explain import phrases, word_spans
from nlp.normalize import normalize
from nlp.predictor import Triage
from nlp.registry import load_live
from training.evaluate import load_set

TEST_SPLIT = Path(__file__).resolve().parents[2] / "data" / "test"


def test_a_character_gram_is_widened_to_the_words_around_it() -> None:
    text = "包工头欠我们三个月工资"
    spans = word_spans(text)
    assert "".join(text[a:b] for a, b in spans) == text
    [phrase] = phrases(text, [("个月工", 1.0)], top=3)
    starts, ends = {a for a, _ in spans}, {b for _, b in spans}
    at = text.index(phrase)
    assert at in starts and at + len(phrase) in ends and "个月工" in phrase


def test_pushes_add_up_per_phrase_and_never_cross_punctuation() -> None:
    text = "楼上漏水，天花板泡坏了"
    assert phrases(text, [("水，天", 5.0)], top=3) == []  # across the comma: no phrase
    ranked = phrases(text, [("天花", 0.4), ("花板", 0.4), ("漏水", 0.6)], top=2)
    assert ranked == ["天花板", "漏水"]  # 0.8 landed on 天花板, more than 漏水's 0.6


@pytest.fixture(scope="module")
def triage(models_root: Path) -> Triage:
    return Triage(*load_live(models_root))


def test_every_explanation_of_the_test_split_is_a_run_of_whole_words(triage: Triage) -> None:
    texts = [r.text for r in load_set(TEST_SPLIT)][:300]
    explained = 0
    for text, prediction in zip(texts, triage.predict(texts), strict=True):
        norm = normalize(text)
        spans = word_spans(norm)
        starts, ends = {a for a, _ in spans}, {b for _, b in spans}
        for cue in prediction.cues:
            if ":" not in cue.signal:
                continue  # a danger cue: the lexicon's phrase, shown as found
            explained += 1
            places = [i for i in range(len(norm)) if norm.startswith(cue.phrase, i)]
            assert any(i in starts and i + len(cue.phrase) in ends for i in places), (cue.phrase, norm)
    assert explained > 300
