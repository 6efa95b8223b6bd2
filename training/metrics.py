"""Scores triage predictions against labels, in the terms the intake desks care about."""

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, f1_score

from nlp.labels import TYPES, URGENCIES
from nlp.predictor import POSSIBLE_DANGER, Prediction
from training.dataset import Record

LABELS = {"type": list(TYPES), "urgency": list(URGENCIES)}


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Mean confidence, accuracy and count in each of `bins` equal-width confidence bins."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        in_bin = (confidence > lo) & (confidence <= hi)
        count = int(in_bin.sum())
        out.append(
            {
                "low": float(lo),
                "high": float(hi),
                "count": count,
                "confidence": float(confidence[in_bin].mean()) if count else 0.0,
                "accuracy": float(correct[in_bin].mean()) if count else 0.0,
            }
        )
    return out


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Weighted mean gap between confidence and accuracy over equal-width confidence bins."""
    n = max(1, len(confidence))
    bins_ = reliability(confidence, correct, bins)
    return float(sum(b["count"] / n * abs(b["confidence"] - b["accuracy"]) for b in bins_))


def score(records: Sequence[Record], predictions: Sequence[Prediction]) -> dict[str, Any]:
    result: dict[str, Any] = {"n": len(records)}
    all_right = np.ones(len(records), dtype=bool)
    for axis, labels in LABELS.items():
        truth = [getattr(r, axis) for r in records]
        guess = [getattr(p, axis).label for p in predictions]
        confidence = np.array([getattr(p, axis).confidence for p in predictions])
        correct = np.array([t == g for t, g in zip(truth, guess, strict=True)])
        all_right &= correct
        report = classification_report(truth, guess, labels=labels, output_dict=True, zero_division=0)
        result[axis] = {
            "accuracy": float(accuracy_score(truth, guess)),
            "macro_f1": float(f1_score(truth, guess, labels=labels, average="macro", zero_division=0)),
            "per_class": {
                label: {k: float(report[label][k]) for k in ("precision", "recall", "f1-score", "support")}
                for label in labels
            },
            "confusion": confusion_matrix(truth, guess, labels=labels).tolist(),
            "ece": expected_calibration_error(confidence, correct),
            "reliability": reliability(confidence, correct),
        }
    urgency_truth = [r.urgency for r in records]
    urgency_guess = [p.urgency.label for p in predictions]
    result["high_called_low"] = sum(
        t == "high" and g == "low" for t, g in zip(urgency_truth, urgency_guess, strict=True)
    )
    high = np.array([t == "high" for t in urgency_truth])
    danger = np.array([POSSIBLE_DANGER in p.review_reasons for p in predictions])
    called_high = np.array([g == "high" for g in urgency_guess])
    # labels.md's costliest miss: a dangerous case neither called high nor put before a person.
    result["high_caught"] = float((called_high | danger)[high].mean()) if high.any() else None
    result["possible_danger_rate"] = float(danger.mean()) if len(danger) else 0.0
    review = np.array([p.needs_review for p in predictions])
    result["review_rate"] = float(review.mean()) if len(review) else 0.0
    kept = ~review
    result["accuracy_not_reviewed"] = float(all_right[kept].mean()) if kept.any() else None
    result["type_accuracy_not_reviewed"] = (
        float(np.mean([r.type == p.type.label for r, p, k in zip(records, predictions, kept, strict=True) if k]))
        if kept.any()
        else None
    )
    return result


def per_class_table(metrics: dict[str, Any]) -> str:
    """Plain-text precision/recall/F1 table of both axes, as `train` prints it."""
    lines = []
    for axis in LABELS:
        m = metrics[axis]
        lines.append(f"{axis}: accuracy {m['accuracy']:.3f}  macro-F1 {m['macro_f1']:.3f}  ECE {m['ece']:.3f}")
        lines.append(f"  {'label':<10}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
        for label, row in m["per_class"].items():
            lines.append(
                f"  {label:<10}{row['precision']:>10.3f}{row['recall']:>10.3f}"
                f"{row['f1-score']:>10.3f}{int(row['support']):>10d}"
            )
    caught = metrics.get("high_caught")
    lines.append(
        f"high called low: {metrics['high_called_low']}  high called high or flagged: "
        f"{'-' if caught is None else f'{caught:.3f}'}  review rate: {metrics['review_rate']:.3f}"
    )
    return "\n".join(lines)
