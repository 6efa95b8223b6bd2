"""Fits the triage pipeline on labelled records, cross-validates it, and writes it to the registry."""

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline

from nlp import artifact
from nlp.model import build_pipeline
from nlp.predictor import Decisions, Scored, Triage
from nlp.resources import lexicons_sha256
from training import decisions, report
from training.dataset import DatasetError, Record, data_files, files_sha256, read_records
from training.evaluate import load_set, predict, set_name
from training.metrics import score
from training.stacking import fit_stacker

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


def cue_precision(records: Sequence[Record], scored: Sequence[Scored]) -> float | None:
    """Share of texts with a danger cue that are labelled high: the confidence a cue lift earns."""
    high = [r.urgency == "high" for r, s in zip(records, scored, strict=True) if s.reading.cues]
    return float(np.mean(high)) if high else None


def grouped_folds(records: Sequence[Record], folds: int = 5) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train and test indices of each fold, stratified by label and grouped by story: records
    retold from one page never sit on both sides of a fold, or the score would measure memory
    of the story, not reading."""
    strata = [f"{r.type}/{r.urgency}" for r in records]
    if min(Counter(strata).values()) < folds:  # a tiny corpus: stratify by type alone
        strata = [r.type for r in records]
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=0)
    return list(splitter.split(np.zeros(len(records)), strata, [r.group for r in records]))


def cross_validated_scores(
    records: Sequence[Record],
    spec: ModelSpec = ModelSpec(),
    *,
    folds: int = 5,
    n_jobs: int = 1,
    progress: Progress | None = None,
) -> list[Scored]:
    """Out-of-fold scores for every record, before any rule, over `grouped_folds`."""
    out: list[Scored | None] = [None] * len(records)
    for k, (train_idx, test_idx) in enumerate(grouped_folds(records, folds), 1):
        if progress:
            progress(f"cross-validation fold {k}/{folds}")
        triage = Triage(fit([records[i] for i in train_idx], spec, n_jobs=n_jobs), {}, explain_top=0)
        scored, _ = triage.score([records[i].text for i in test_idx])
        for i, one in zip(test_idx, scored, strict=True):
            out[i] = one
    return [s for s in out if s is not None]


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
    """Cross-validate, choose the rules' thresholds on the out-of-fold scores, fit on everything,
    score each fixed test file and any evaluation sets, and write a candidate
    `models_root/<version>/` with its manifest and report. Test files and evaluation sets are
    only scored: nothing is chosen on them."""
    files = data_files(data_dir)
    records = read_records(files)
    test_sets = {set_name(f): load_set(f) for f in data_files(test_dir)} if test_dir else {}
    test_texts = {r.text for recs in test_sets.values() for r in recs}
    overlap = {r.text for r in records} & test_texts
    if overlap:
        raise DatasetError(f"{len(overlap)} texts are both in {data_dir} and in the test files of {test_dir}")
    if progress:
        progress(f"{len(records)} records from {len(files)} files")
    oof = cross_validated_scores(records, spec, folds=folds, n_jobs=n_jobs, progress=progress)
    stacker, oof = fit_stacker(records, oof, folds=folds)
    chosen = decisions.choose(records, oof, cue_precision(records, oof))
    rules: Decisions = chosen["decisions"]
    metrics = {"cross_validation": score(records, decisions.apply(oof, rules))}
    if progress:
        progress("fitting the final model on all records")
    pipeline = fit(records, spec, n_jobs=n_jobs)
    decided = decisions.manifest(rules, stacker)
    triage = Triage(pipeline, decided, explain_top=0)
    sets = test_sets | {set_name(path): load_set(path) for path in eval_dirs if path.exists()}
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
            "lexicons_sha256": lexicons_sha256(),
            "test_files": [str(p) for p in data_files(test_dir)] if test_dir else [],
            **decided,
            "decision_choices": chosen["choices"],
            "cv_folds": folds,
            "cv_groups": len({r.group for r in records}),
            "metrics": metrics,
        },
    )
    report.write(
        directory,
        f"Candidate model {version}",
        {"cross-validation": metrics["cross_validation"]} | {name: metrics[name] for name in sets},
        [f"{spec.name}, trained on {len(records)} records; rules chosen on cross-validation: {decided}."],
    )
    return TrainResult(version=version, directory=directory, manifest=manifest)
