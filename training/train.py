"""Fits the triage pipeline on labelled records, cross-validates it, and writes it to the registry."""

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
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
from nlp.predictor import Prediction, Triage, guard_low
from training import report
from training.dataset import DatasetError, Record, data_files, files_sha256, read_records
from training.evaluate import choose_low_guard, choose_review_threshold, load_set, predict, set_name
from training.metrics import score

Progress = Callable[[str], None]
# The two vectorizers, and the calibration folds of each axis (25 solver runs for type, 15 for
# urgency), are what run side by side; splitting by axis instead leaves one process idle.
PARALLEL_PARAMS = ("features__n_jobs", "classify__estimator__n_jobs")


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


@dataclass(frozen=True)
class ModelSpec:
    """What `build_pipeline` is asked for: the choices `compare` weighs against each other."""

    family: str = "svm"
    words: bool = True
    calibration: str = "isotonic"

    @property
    def name(self) -> str:
        return f"{self.family}{'' if self.words else ' chars-only'} ({self.calibration})"


def fit(records: Sequence[Record], spec: ModelSpec = ModelSpec(), *, n_jobs: int = 1) -> Pipeline:
    """Fit on `records`; `n_jobs` processes fit the two vectorizers, and the calibration folds of
    each axis, side by side. It changes nothing in the fitted model and is unset before the
    pipeline is returned, so a saved model never spawns processes when it predicts."""
    folds = max(2, min(5, _smallest_class(records)))
    pipeline = build_pipeline(spec.family, words=spec.words, calibration=spec.calibration, calibration_folds=folds)
    pipeline.set_params(**dict.fromkeys(PARALLEL_PARAMS, n_jobs))
    pipeline.fit([r.text for r in records], _targets(records))
    pipeline.set_params(**dict.fromkeys(PARALLEL_PARAMS, None))
    for fitted in pipeline.named_steps["classify"].estimators_:  # the per-axis clones made in fit
        fitted.set_params(n_jobs=None)
    return pipeline


def cue_flags(records: Sequence[Record]) -> tuple[np.ndarray, np.ndarray]:
    """Per record: does its text hold a danger cue, and is it labelled high."""
    has_cue = np.array([bool(detect(normalize(r.text))) for r in records], dtype=bool)
    return has_cue, np.array([r.urgency == "high" for r in records], dtype=bool)


def cue_precision(records: Sequence[Record], flags: tuple[np.ndarray, np.ndarray] | None = None) -> float | None:
    """Share of texts with a danger cue that are labelled high: the confidence a cue lift earns."""
    has_cue, high = flags if flags is not None else cue_flags(records)
    return float(high[has_cue].mean()) if has_cue.any() else None


def cross_validated_predictions(
    records: Sequence[Record],
    spec: ModelSpec = ModelSpec(),
    *,
    folds: int = 5,
    n_jobs: int = 1,
    progress: Progress | None = None,
) -> list[Prediction]:
    """Out-of-fold predictions for every record, made through the same Triage rules as serving."""
    strata = [f"{r.type}/{r.urgency}" for r in records]
    if min(Counter(strata).values()) < folds:  # a tiny corpus: stratify by type alone
        strata = [r.type for r in records]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    out: list[Prediction | None] = [None] * len(records)
    has_cue, high = cue_flags(records)  # once, not once a fold
    precision = cue_precision(records, (has_cue, high))
    for k, (train_idx, test_idx) in enumerate(splitter.split(np.zeros(len(records)), strata), 1):
        if progress:
            progress(f"cross-validation fold {k}/{folds}")
        train_records = [records[i] for i in train_idx]
        fold_precision = cue_precision(train_records, (has_cue[train_idx], high[train_idx]))
        manifest = {"cue_precision": fold_precision or precision}
        triage = Triage(fit(train_records, spec, n_jobs=n_jobs), manifest, explain_top=0)
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
    spec: ModelSpec = ModelSpec(),
    *,
    test_dir: Path | None = None,
    eval_dirs: Sequence[Path] = (),
    folds: int = 5,
    n_jobs: int = 1,
    progress: Progress | None = None,
) -> TrainResult:
    """Cross-validate, fit on everything, score the fixed test split and any evaluation sets, and
    write a candidate `models_root/<version>/` with its manifest and report.

    The review threshold is chosen on the test split (never on training folds) and stored in the
    manifest, so it always matches the calibration of the model it belongs to.
    """
    files = data_files(data_dir)
    records = read_records(files)
    test_records = load_set(test_dir) if test_dir else []
    overlap = {r.text for r in records} & {r.text for r in test_records}
    if overlap:
        raise DatasetError(f"{len(overlap)} texts are both in {data_dir} and in the test split {test_dir}")
    if progress:
        progress(f"{len(records)} records from {len(files)} files")
    oof = cross_validated_predictions(records, spec, folds=folds, n_jobs=n_jobs, progress=progress)
    low_guard = choose_low_guard(records, oof)
    oof = [replace(p, urgency=guard_low(p.urgency, low_guard["threshold"])) for p in oof]
    metrics = {"cross_validation": score(records, oof)}
    if progress:
        progress("fitting the final model on all records")
    pipeline = fit(records, spec, n_jobs=n_jobs)
    decisions: dict[str, Any] = {"cue_precision": cue_precision(records), "low_guard": low_guard["threshold"]}
    review: dict[str, float] = {}
    if test_records:
        test_predictions = predict(Triage(pipeline, decisions, explain_top=0), test_records)
        review = choose_review_threshold(test_records, test_predictions)
    triage = Triage(pipeline, decisions | {"review_threshold": review.get("threshold")}, explain_top=0)
    sets = {"test": test_records} if test_records else {}
    sets |= {set_name(path): load_set(path) for path in eval_dirs if path.exists()}
    for name, set_records in sets.items():
        metrics[name] = score(set_records, predict(triage, set_records))
    version = new_version(models_root)
    directory = models_root / version
    manifest = artifact.save(
        pipeline,
        directory,
        {
            "version": version,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "model_family": spec.family,
            "word_features": spec.words,
            "calibration": spec.calibration,
            "n_records": len(records),
            "data_files": [str(p) for p in files],
            "data_sha256": files_sha256(files),
            "test_files": [str(p) for p in data_files(test_dir)] if test_dir else [],
            **decisions,
            "low_guard_choice": low_guard,
            "review": review,
            "review_threshold": review.get("threshold"),
            "cv_folds": folds,
            "metrics": metrics,
        },
    )
    report.write(
        directory,
        f"Candidate model {version}",
        {"cross-validation": metrics["cross_validation"]} | {name: metrics[name] for name in sets},
        [f"{spec.name}, trained on {len(records)} records; review threshold {review.get('threshold')}."],
    )
    return TrainResult(version=version, directory=directory, manifest=manifest)
