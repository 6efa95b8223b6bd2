"""Weighs model families and feature sets against each other: cross-validation on the training
records, then the fixed test split, which alone decides (the evaluation sets are only reported)."""

from collections.abc import Mapping, Sequence
from typing import Any

from nlp.model import FAMILIES
from nlp.predictor import Triage
from training.dataset import Record
from training.evaluate import predict
from training.metrics import score
from training.train import ModelSpec, Progress, cross_validated_predictions, cue_precision, fit

CANDIDATES = [ModelSpec(f, w) for f in FAMILIES for w in (True, False)] + [ModelSpec("svm", True, "sigmoid")]


def compare(
    records: Sequence[Record],
    test: Sequence[Record],
    extra: Mapping[str, Sequence[Record]] | None = None,
    *,
    candidates: Sequence[ModelSpec] = CANDIDATES,
    folds: int = 5,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    rows = []
    for spec in candidates:
        if progress:
            progress(f"{spec.name}: cross-validation")
        cv = score(records, cross_validated_predictions(records, spec, folds=folds))
        triage = Triage(fit(records, spec), {"cue_precision": cue_precision(records)}, explain_top=0)
        row: dict[str, Any] = {"spec": spec, "cv": cv, "test": score(test, predict(triage, test))}
        for name, recs in (extra or {}).items():
            row[name] = score(recs, predict(triage, recs))
        rows.append(row)
    return sorted(rows, key=lambda r: -(r["test"]["type"]["macro_f1"] + r["test"]["urgency"]["macro_f1"]))


def table(rows: list[dict[str, Any]]) -> str:
    sets = [k for k in rows[0] if k != "spec"]
    head = "| model | " + " | ".join(f"{s} type F1 | {s} urgency F1 | {s} type ECE" for s in sets) + " |"
    lines = [head, "|" + "---|" * (1 + 3 * len(sets))]
    for r in rows:
        cells = [
            f"{r[s]['type']['macro_f1']:.3f} | {r[s]['urgency']['macro_f1']:.3f} | {r[s]['type']['ece']:.3f}"
            for s in sets
        ]
        lines.append(f"| {r['spec'].name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
