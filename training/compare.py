"""Weighs model variants against each other and against the plain baseline: grouped
cross-validation on the training records decides; the fixed test files and the evaluation sets
are only reported beside it."""

from collections.abc import Mapping, Sequence
from typing import Any

from nlp.predictor import Prediction, Triage
from training import decisions
from training.baseline import fit_baseline, predict_baseline
from training.dataset import Record
from training.evaluate import predict
from training.metrics import score
from training.stacking import fit_stacker
from training.train import ModelSpec, Progress, cross_validated_scores, cue_precision, fit, grouped_folds

BASELINE = "baseline: char TF-IDF + LogisticRegression"
CANDIDATES = [ModelSpec("svm", True), ModelSpec("svm", False), ModelSpec("logreg", True)]


def _product(
    spec: ModelSpec, records: Sequence[Record], sets: Mapping[str, Sequence[Record]], folds: int, n_jobs: int
) -> dict[str, Any]:
    oof = cross_validated_scores(records, spec, folds=folds, n_jobs=n_jobs)
    stacker, oof = fit_stacker(records, oof, folds=folds)
    rules = decisions.choose(records, oof, cue_precision(records, oof))["decisions"]
    row: dict[str, Any] = {"name": spec.name, "cv": score(records, decisions.apply(oof, rules))}
    manifest = decisions.manifest(rules, stacker)
    triage = Triage(fit(records, spec, n_jobs=n_jobs), manifest, explain_top=0)
    return row | {name: score(recs, predict(triage, recs)) for name, recs in sets.items()}


def _baseline(records: Sequence[Record], sets: Mapping[str, Sequence[Record]], folds: int) -> dict[str, Any]:
    oof: list[Prediction | None] = [None] * len(records)
    for train_idx, test_idx in grouped_folds(records, folds):
        model = fit_baseline([records[i] for i in train_idx])
        for i, p in zip(test_idx, predict_baseline(model, [records[i].text for i in test_idx]), strict=True):
            oof[i] = p
    row: dict[str, Any] = {"name": BASELINE, "cv": score(records, [p for p in oof if p is not None])}
    model = fit_baseline(records)
    return row | {name: score(recs, predict_baseline(model, [r.text for r in recs])) for name, recs in sets.items()}


def compare(
    records: Sequence[Record],
    sets: Mapping[str, Sequence[Record]],
    *,
    candidates: Sequence[ModelSpec] = CANDIDATES,
    folds: int = 5,
    n_jobs: int = 1,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """One row per candidate and one for the baseline, best cross-validated macro-F1 (type plus
    urgency) first."""
    rows = []
    for spec in candidates:
        if progress:
            progress(f"{spec.name}: cross-validation")
        rows.append(_product(spec, records, sets, folds, n_jobs))
    if progress:
        progress("baseline: cross-validation")
    rows.append(_baseline(records, sets, folds))
    return sorted(rows, key=lambda r: -(r["cv"]["type"]["macro_f1"] + r["cv"]["urgency"]["macro_f1"]))


COLUMNS = (
    ("type F1", lambda m: m["type"]["macro_f1"]),
    ("urgency F1", lambda m: m["urgency"]["macro_f1"]),
    ("high recall", lambda m: m["urgency"]["per_class"]["high"]["recall"]),
    ("high→low", lambda m: m["high_called_low"]),
    ("high caught", lambda m: m["high_caught"]),
    ("review", lambda m: m["review_rate"]),
)


def table(rows: list[dict[str, Any]]) -> str:
    """One Markdown table per set, the same columns in each."""
    out = []
    for name in [k for k in rows[0] if k != "name"]:
        out.append(f"**{name}** (n = {rows[0][name]['n']})\n")
        out.append("| model | " + " | ".join(c for c, _ in COLUMNS) + " |")
        out.append("|---|" + "---|" * len(COLUMNS))
        for r in rows:
            cells = []
            for _, get in COLUMNS:
                value = get(r[name])
                cells.append("–" if value is None else str(value) if isinstance(value, int) else f"{value:.3f}")
            out.append(f"| {r['name']} | " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)
