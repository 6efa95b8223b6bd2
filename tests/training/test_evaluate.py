import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from cli.main import app
from nlp.predictor import AxisPrediction, Prediction
from tests.conftest import write_jsonl
from tests.corpus import RECORDS
from training.dataset import Record
from training.evaluate import choose_review_threshold
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


def test_review_threshold_is_the_lowest_that_reaches_the_target() -> None:
    records = [Record(text=f"楼上漏水第{i}次", type="neighbour", urgency="low") for i in range(20)]
    # 18 confident and right, 2 unsure and wrong: keeping only the confident ones is 100 % right.
    predictions = [prediction("neighbour", 0.9)] * 18 + [prediction("other", 0.55)] * 2
    chosen = choose_review_threshold(records, predictions, target=0.95)
    assert 0.55 < chosen["threshold"] <= 0.9
    assert abs(chosen["review_rate"] - 0.1) < 1e-9
    assert chosen["accuracy_kept"] == 1.0


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
    assert manifest["metrics"]["test"]["n"] == 1
    assert 0 <= manifest["review_threshold"] <= 1


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


def test_low_guard_is_chosen_to_stop_high_called_low_at_a_bounded_cost() -> None:
    from training.evaluate import choose_low_guard

    records = [Record(text=str(i), type="land", urgency=u) for i, u in enumerate(["high"] * 2 + ["low"] * 20)]
    # Both high cases were called low with P(high) 0.3; the true lows have P(high) 0.05.
    predictions = [urgency_prediction(0.3, 0.1, 0.6)] * 2 + [urgency_prediction(0.05, 0.15, 0.8)] * 20
    chosen = choose_low_guard(records, predictions, cost=10)
    assert 0.05 < chosen["threshold"] <= 0.3
    assert chosen["high_called_low"] == 0
