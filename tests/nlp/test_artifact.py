import json
import shutil
from pathlib import Path

import pytest

from nlp.artifact import ARTIFACT, MANIFEST, ArtifactError, load
from nlp.predictor import Triage
from nlp.registry import live_directory


@pytest.fixture
def model_copy(models_root: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(live_directory(models_root), target)
    return target


def test_round_trip_predicts_the_same(models_root: Path, model_copy: Path) -> None:
    original, manifest = load(live_directory(models_root))
    copy, _ = load(model_copy)
    texts = ["包工头欠我们工资", "楼上漏水", "他拿着刀要砍人"]
    assert [p.type.label for p in Triage(original, manifest).predict(texts)] == [
        p.type.label for p in Triage(copy, manifest).predict(texts)
    ]


def test_manifest_records_provenance(model_copy: Path) -> None:
    manifest = json.loads((model_copy / MANIFEST).read_text())
    for key in ("version", "created_at", "data_sha256", "artifact_sha256", "labels", "libraries", "metrics"):
        assert key in manifest
    assert manifest["labels"]["type"] == ["land", "wages", "family", "neighbour", "other"]
    assert "scikit-learn" in manifest["libraries"]


def test_checksum_mismatch_is_refused_naming_the_file(model_copy: Path) -> None:
    with (model_copy / ARTIFACT).open("ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(ArtifactError, match=r"model\.joblib: sha256 .* does not match"):
        load(model_copy)


def test_wrong_label_sets_are_refused(model_copy: Path) -> None:
    manifest = json.loads((model_copy / MANIFEST).read_text())
    manifest["labels"]["type"] = ["land", "wages"]
    (model_copy / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match="label sets"):
        load(model_copy)


def test_missing_manifest_is_refused(model_copy: Path) -> None:
    (model_copy / MANIFEST).unlink()
    with pytest.raises(ArtifactError, match="manifest not found"):
        load(model_copy)
