import json
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from nlp.artifact import load
from nlp.predictor import Triage
from tests.conftest import write_jsonl
from tests.corpus import RECORDS
from training import registry

runner = CliRunner()


def test_train_command_prints_per_class_scores_and_promotes(corpus_dir: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    result = runner.invoke(
        app, ["train", "--data", str(corpus_dir), "--models", str(models), "--folds", "2", "--promote"]
    )
    assert result.exit_code == 0, result.output
    for word in ("precision", "recall", "land", "wages", "family", "neighbour", "other", "high", "medium", "low"):
        assert word in result.output
    pointer = json.loads((models / "live.json").read_text())
    assert registry.versions(models) == [pointer["version"]]
    manifest = json.loads((models / pointer["version"] / "manifest.json").read_text())
    assert manifest["n_records"] == len(RECORDS)
    assert set(manifest["metrics"]["cross_validation"]["type"]["per_class"]) == {
        "land",
        "wages",
        "family",
        "neighbour",
        "other",
    }


def test_train_command_stops_on_a_bad_record(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "data" / "x.jsonl", RECORDS[:5] + [{"text": "好", "type": "nope", "urgency": "low"}])
    result = runner.invoke(app, ["train", "--data", str(tmp_path / "data"), "--models", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "x.jsonl:6: type 'nope'" in result.output
    assert not (tmp_path / "m").exists()


def test_model_learns_the_small_corpus(models_root: Path) -> None:
    pipeline, manifest = load(models_root / json.loads((models_root / "live.json").read_text())["version"])
    predictions = Triage(pipeline, manifest).predict([r["text"] for r in RECORDS])
    right = sum(p.type.label == r["type"] for p, r in zip(predictions, RECORDS, strict=True))
    assert right >= 0.8 * len(RECORDS)


def test_danger_cue_lifts_urgency_whatever_the_model_says(models_root: Path) -> None:
    pipeline, manifest = load(models_root / json.loads((models_root / "live.json").read_text())["version"])
    prediction = Triage(pipeline, manifest).predict(["网上买的冰箱坏了商家不退，我气得想喝农药"])[0]
    assert prediction.urgency.label == "high"
    assert ("喝农药", "self_harm") in [(c.phrase, c.signal) for c in prediction.cues]
    assert abs(sum(prediction.urgency.scores.values()) - 1) < 1e-6
    # The phrases listed explain the labels given, not the model's raw argmax.
    signals = {c.signal for c in prediction.cues if ":" in c.signal}
    assert signals <= {f"type:{prediction.type.label}", "urgency:high"}


def test_a_saved_model_never_spawns_processes(corpus_dir: Path) -> None:
    from training.dataset import load_corpus
    from training.train import fit

    pipeline = fit(load_corpus(corpus_dir), n_jobs=2)
    params = [v for k, v in pipeline.get_params().items() if k.endswith("n_jobs")]
    params += [est.n_jobs for est in pipeline.named_steps["classify"].estimators_]
    assert params and all(v is None for v in params)
