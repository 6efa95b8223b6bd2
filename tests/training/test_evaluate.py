import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.main import app
from nlp.predictor import AxisPrediction, Prediction
from tests.conftest import write_jsonl
from tests.corpus import RECORDS
from training.dataset import Record
from training.metrics import expected_calibration_error, score

runner = CliRunner()


def prediction(type_: str, type_conf: float, urgency: str = "low", urgency_conf: float = 0.99) -> Prediction:
    return Prediction(
        type=AxisPrediction(type_, type_conf, {type_: type_conf}),
        urgency=AxisPrediction(urgency, urgency_conf, {urgency: urgency_conf}),
        cues=[],
        needs_review=False,
    )


def test_ece_is_zero_when_confidence_matches_accuracy_and_large_when_not() -> None:
    conf = np.array([0.8] * 10)
    assert expected_calibration_error(conf, np.array([1] * 8 + [0] * 2)) < 1e-9
    assert abs(expected_calibration_error(conf, np.array([0] * 10)) - 0.8) < 1e-9


def test_high_caught_counts_high_cases_called_high_or_flagged() -> None:
    records = [Record(text=t, type="land", urgency="high") for t in "abc"]
    flagged = Prediction(
        type=AxisPrediction("land", 0.9, {"land": 0.9}),
        urgency=AxisPrediction("medium", 0.6, {"medium": 0.6}),
        cues=[],
        needs_review=True,
        review_reasons=["possible danger"],
    )
    metrics = score(records, [prediction("land", 0.9, "high"), flagged, prediction("land", 0.9, "low")])
    assert metrics["high_caught"] == pytest.approx(2 / 3)
    assert metrics["possible_danger_rate"] == pytest.approx(1 / 3)


def test_high_called_low_and_accuracy_not_reviewed_are_counted() -> None:
    records = [Record(text="a", type="land", urgency="high"), Record(text="b", type="land", urgency="low")]
    predictions = [prediction("land", 0.9, "low"), prediction("land", 0.9, "low")]
    metrics = score(records, predictions)
    assert metrics["high_called_low"] == 1
    assert metrics["accuracy_not_reviewed"] == 0.5
    assert metrics["urgency"]["per_class"]["high"]["recall"] == 0.0


def test_evaluate_command_writes_report_with_figures(models_root: Path, tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "sets" / "mine.jsonl", RECORDS[:12])
    out = tmp_path / "report"
    result = runner.invoke(app, ["evaluate", str(data), "--models", str(models_root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = (out / "report.md").read_text()
    assert "| mine | 12 |" in text
    for png in ("mine-confusion-type.png", "mine-confusion-urgency.png", "mine-reliability.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png in text


def test_evaluate_command_names_a_missing_file(models_root: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["evaluate", str(tmp_path / "nope.jsonl"), "--models", str(models_root)])
    assert result.exit_code == 1
    assert "nope.jsonl: no such file or folder" in result.output


def test_train_with_test_split_stores_threshold_and_test_metrics(corpus_dir: Path, tmp_path: Path) -> None:
    dog = {"text": "隔壁的狗天天叫", "type": "neighbour", "urgency": "low"}
    test = write_jsonl(tmp_path / "test" / "t.jsonl", [dog])
    models = tmp_path / "models"
    result = runner.invoke(
        app, ["train", "--data", str(corpus_dir), "--models", str(models), "--test", str(test.parent), "--folds", "2"]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads(next(models.glob("*/manifest.json")).read_text())
    assert manifest["metrics"]["t"]["n"] == 1  # each test file is a set named after it
    assert 0 <= manifest["review_threshold"] <= 1
    assert manifest["cv_groups"] == len(RECORDS)  # imagined records are each their own group
    assert set(manifest["urgency_stacker"]["classes"]) == {"high", "medium", "low"}


def test_train_refuses_test_texts_inside_the_training_data(corpus_dir: Path, tmp_path: Path) -> None:
    test = write_jsonl(tmp_path / "test" / "t.jsonl", RECORDS[:1])
    result = runner.invoke(
        app, ["train", "--data", str(corpus_dir), "--models", str(tmp_path / "m"), "--test", str(test.parent)]
    )
    assert result.exit_code == 1
    assert "both in" in result.output


def urgency_prediction(p_high: float, p_medium: float, p_low: float) -> Prediction:
    scores = {"high": p_high, "medium": p_medium, "low": p_low}
    label = max(scores, key=scores.__getitem__)
    return Prediction(
        type=AxisPrediction("land", 0.9, {"land": 0.9}),
        urgency=AxisPrediction(label, scores[label], scores),
        cues=[],
        needs_review=False,
    )


def test_low_guard_moves_risky_lows_to_medium_only() -> None:
    from nlp.predictor import guard_low

    risky = urgency_prediction(0.3, 0.2, 0.5).urgency
    assert guard_low(risky, 0.25).label == "medium"
    assert guard_low(risky, 0.25).confidence == 0.2
    assert guard_low(risky, 0.35).label == "low"
    high = urgency_prediction(0.6, 0.2, 0.2).urgency
    assert guard_low(high, 0.01).label == "high"
