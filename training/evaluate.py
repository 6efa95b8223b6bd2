"""Scores a model on labelled files and chooses the review threshold from the fixed test split."""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nlp.normalize import han_count, normalize
from nlp.predictor import Prediction, Triage
from training.dataset import DatasetError, Record, data_files, read_records
from training.metrics import score

TARGET_ACCURACY = 0.95


def load_set(path: Path) -> list[Record]:
    """A file, or every labelled file in a folder, as one evaluation set."""
    if path.is_dir():
        return read_records(data_files(path))
    if not path.is_file():
        raise DatasetError(f"{path}: no such file or folder")
    return read_records([path])


def set_name(path: Path) -> str:
    """What a report calls the set read from `path`: a file's stem, a folder's name."""
    return path.stem if path.is_file() else path.name


def predict(triage: Triage, records: Sequence[Record]) -> list[Prediction]:
    return triage.predict([r.text for r in records])


def score_sets(triage: Triage, paths: Sequence[Path]) -> dict[str, dict[str, Any]]:
    """Metrics per set, named by the file or folder they came from."""
    out: dict[str, dict[str, Any]] = {}
    for path in paths:
        records = load_set(path)
        out[set_name(path)] = score(records, predict(triage, records))
    return out


def choose_review_threshold(
    records: Sequence[Record], predictions: Sequence[Prediction], *, target: float = TARGET_ACCURACY, min_han: int = 4
) -> dict[str, float]:
    """The lowest confidence threshold at which the predictions kept from review (both labels above
    it) are at least `target` right on both axes; with the review rate that costs."""
    conf = np.array([min(p.type.confidence, p.urgency.confidence) for p in predictions])
    right = np.array(
        [r.type == p.type.label and r.urgency == p.urgency.label for r, p in zip(records, predictions, strict=True)]
    )
    enough_text = np.array([han_count(normalize(r.text)) >= min_han for r in records])
    for t in np.round(np.arange(0.0, 1.0, 0.01), 2):
        kept = enough_text & (conf >= t)
        if kept.any() and right[kept].mean() >= target:
            return {
                "threshold": float(t),
                "review_rate": float(1 - kept.mean()),
                "accuracy_kept": float(right[kept].mean()),
            }
    return {"threshold": 1.0, "review_rate": 1.0, "accuracy_kept": float("nan")}


HIGH_CALLED_LOW_COST = 10


def choose_low_guard(
    records: Sequence[Record],
    predictions: Sequence[Prediction],
    *,
    cost: int = HIGH_CALLED_LOW_COST,
    bootstraps: int = 200,
    seed: int = 0,
) -> dict[str, float]:
    """The P(high) above which a `low` becomes `medium`, from out-of-fold predictions, counting
    one high case called low as `cost` ordinary errors.

    The cost curve is flat near its minimum, so its exact argmin moves with small changes of the
    corpus (0.20, then 0.09 after 500 more records). The one-standard-error rule steadies it: of
    the thresholds whose cost is within one bootstrap standard error of the minimum, take the one
    that moves the fewest cases, i.e. the highest.
    """
    truth = np.array([r.urgency for r in records])
    labels = np.array([p.urgency.label for p in predictions])
    p_high = np.array([p.urgency.scores.get("high", 0.0) for p in predictions])
    grid = np.round(np.arange(0.01, 1.01, 0.01), 2)

    def tally(rows: np.ndarray) -> Callable[[float], tuple[int, int]]:
        """For a guard: high cases called low, and all errors, once `predictor.guard_low` applies."""
        t, lab, ph = truth[rows], labels[rows], p_high[rows]

        def at(guard: float) -> tuple[int, int]:
            guarded = np.where((lab == "low") & (ph >= guard), "medium", lab)
            return int(((t == "high") & (guarded == "low")).sum()), int((guarded != t).sum())

        return at

    def costs(rows: np.ndarray) -> np.ndarray:
        at = tally(rows)
        return np.array([cost * high_low + errors for high_low, errors in map(at, grid)], dtype=float)

    everything = np.arange(len(records))
    full = costs(everything)
    best = int(full.argmin())
    rng = np.random.default_rng(seed)
    spread = np.array([costs(rng.integers(0, len(records), len(records)))[best] for _ in range(bootstraps)])
    within = np.flatnonzero(full <= full[best] + spread.std())
    chosen = int(within.max())
    high_called_low, errors = tally(everything)(grid[chosen])
    return {
        "threshold": float(grid[chosen]),
        "minimum_at": float(grid[best]),
        "cost": float(full[chosen]),
        "cost_standard_error": float(spread.std()),
        "high_called_low": high_called_low,
        "errors": errors,
    }
