"""Fits the triage pipeline on labelled records, cross-validates it, and writes it to the registry."""

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from nlp import artifact
from nlp.cues import detect
from nlp.model import build_pipeline
from nlp.normalize import normalize
from nlp.predictor import Prediction, Triage
from training.dataset import Record, data_files, files_sha256, read_records
from training.metrics import score

Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrainResult:
    version: str
    directory: Path
    manifest: dict[str, Any]


def _targets(records: Sequence[Record]) -> np.ndarray:
    return np.array([[r.type, r.urgency] for r in records], dtype=object)


def _smallest_class(records: Sequence[Record]) -> int:
    counts: dict[tuple[str, str], int] = {}
    for r in records:
        for key in (("type", r.type), ("urgency", r.urgency)):
            counts[key] = counts.get(key, 0) + 1
    return min(counts.values())


def fit(records: Sequence[Record], *, family: str = "svm", words: bool = True) -> Pipeline:
    folds = max(2, min(5, _smallest_class(records)))
    pipeline = build_pipeline(family, words=words, calibration_folds=folds)
    pipeline.fit([r.text for r in records], _targets(records))
    return pipeline


def cue_precision(records: Sequence[Record]) -> float | None:
    """Share of texts with a danger cue that are labelled high: the confidence a cue lift earns."""
    flagged = [r.urgency == "high" for r in records if detect(normalize(r.text))]
    return float(np.mean(flagged)) if flagged else None


def cross_validated_predictions(
    records: Sequence[Record],
    *,
    family: str = "svm",
    words: bool = True,
    folds: int = 5,
    progress: Progress | None = None,
) -> list[Prediction]:
    """Out-of-fold predictions for every record, made through the same Triage rules as serving."""
    strata = [f"{r.type}/{r.urgency}" for r in records]
    if min(Counter(strata).values()) < folds:  # a tiny corpus: stratify by type alone
        strata = [r.type for r in records]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    out: list[Prediction | None] = [None] * len(records)
    precision = cue_precision(records)
    for k, (train_idx, test_idx) in enumerate(splitter.split(np.zeros(len(records)), strata), 1):
        if progress:
            progress(f"cross-validation fold {k}/{folds}")
        train_records = [records[i] for i in train_idx]
        manifest = {"cue_precision": cue_precision(train_records) or precision}
        triage = Triage(fit(train_records, family=family, words=words), manifest, explain_top=0)
        for i, prediction in zip(test_idx, triage.predict([records[i].text for i in test_idx]), strict=True):
            out[i] = prediction
    return [p for p in out if p is not None]


def new_version(root: Path) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    version, n = stamp, 1
    while (root / version).exists():
        n += 1
        version = f"{stamp}-{n}"
    return version


def train(
    data_dir: Path,
    models_root: Path,
    *,
    family: str = "svm",
    words: bool = True,
    folds: int = 5,
    progress: Progress | None = None,
) -> TrainResult:
    files = data_files(data_dir)
    records = read_records(files)
    if progress:
        progress(f"{len(records)} records from {len(files)} files")
    oof = cross_validated_predictions(records, family=family, words=words, folds=folds, progress=progress)
    cv_metrics = score(records, oof)
    if progress:
        progress("fitting the final model on all records")
    pipeline = fit(records, family=family, words=words)
    version = new_version(models_root)
    directory = models_root / version
    manifest = artifact.save(
        pipeline,
        directory,
        {
            "version": version,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "model_family": family,
            "word_features": words,
            "n_records": len(records),
            "data_files": [str(p) for p in files],
            "data_sha256": files_sha256(files),
            "cue_precision": cue_precision(records),
            "cv_folds": folds,
            "metrics": {"cross_validation": cv_metrics},
        },
    )
    return TrainResult(version=version, directory=directory, manifest=manifest)
