"""Fits the urgency stacker (`nlp.stacking`) on out-of-fold scores of the training records.

The stacker must learn from scores the text model gives to texts it has not seen, or it would
trust them more than they deserve: it is fitted on the out-of-fold scores of the grouped
cross-validation. Its own out-of-fold urgency, for choosing the rules' thresholds and for the
reported cross-validation figures, comes from a second grouped cross-validation over those rows.
"""

from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

from nlp import stacking
from nlp.predictor import Scored
from nlp.stacking import UrgencyStacker
from training.dataset import Record

C = 1.0  # chosen on cross-validation among 0.1, 1 and 10 (docs/model.md); unweighted, so calibrated


def _rows(scored: Sequence[Scored]) -> np.ndarray:
    return np.vstack([stacking.features(s.text_urgency, s.clause[0], s.reading, len(s.text)) for s in scored])


def _fit(rows: np.ndarray, labels: np.ndarray, names: tuple[str, ...]) -> UrgencyStacker:
    model = LogisticRegression(C=C, max_iter=5000).fit(rows, labels)
    fitted = UrgencyStacker(tuple(map(str, model.classes_)), names, model.coef_, model.intercept_)
    # Through JSON and back: the weights used here are exactly those the manifest will hold.
    return UrgencyStacker.from_json(fitted.to_json(), fitted.classes)


def fit_stacker(
    records: Sequence[Record], scored: Sequence[Scored], *, folds: int = 5
) -> tuple[UrgencyStacker, list[Scored]]:
    """The stacker fitted on every record's out-of-fold scores, and the records' scores with the
    urgency of stackers that did not see them."""
    urgencies = tuple(scored[0].text_urgency)
    names = stacking.feature_names(urgencies)
    rows, labels = _rows(scored), np.array([r.urgency for r in records])
    stacked = np.zeros((len(records), len(urgencies)))
    folds = max(2, min(folds, min(Counter(labels).values())))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=1)
    for train_idx, test_idx in splitter.split(rows, labels, [r.group for r in records]):
        fold = _fit(rows[train_idx], labels[train_idx], names)
        probs = fold.predict_proba(rows[test_idx])
        stacked[test_idx] = probs[:, [fold.classes.index(u) for u in urgencies]]
    final = _fit(rows, labels, names)
    out = [
        Scored(
            s.text, s.type_scores, dict(zip(urgencies, map(float, p), strict=True)), s.reading, s.clause, s.text_urgency
        )
        for s, p in zip(scored, stacked, strict=True)
    ]
    return final, out
