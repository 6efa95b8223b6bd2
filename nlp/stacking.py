"""The urgency read from everything the text path found: the text model's urgency scores, the
most dangerous piece read alone (`nlp.clauses`), the danger signals and the urgency factors.

The text model's n-grams see words; they do not see that one sentence of a long report is a
threat, or that "二十多名" is ten or more people. A small multinomial logistic regression over
those few readings, fitted on out-of-fold scores of the training records (stacking, as
scikit-learn's StackingClassifier does), weighs them against each other. Its weights are a few
dozen numbers, kept in the model's manifest as plain JSON beside the Pipeline artifact, so
they are read without unpickling anything and can be inspected by hand.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nlp import cues, factors
from nlp.reading import Reading

_FLOOR = 1e-4


def feature_names(urgencies: Sequence[str]) -> tuple[str, ...]:
    return (
        *(f"log_p_{u}" for u in urgencies),
        "clause_p_high",
        "log_clause_p_high",
        *(f"cue:{s}" for s in cues.signals()),
        *(f"factor:{f}" for f in factors.names()),
        "log_length",
    )


def features(urgency: dict[str, float], clause_high: float, reading: Reading, length: int) -> np.ndarray:
    """One row of stacking features, in the order of `feature_names(list(urgency))`."""
    signals = {c.signal for c in reading.cues}
    found = {f.name for f in reading.factors}
    return np.array(
        [
            *(np.log(max(p, _FLOOR)) for p in urgency.values()),
            clause_high,
            np.log(max(clause_high, _FLOOR)),
            *(float(s in signals) for s in cues.signals()),
            *(float(f in found) for f in factors.names()),
            np.log1p(length),
        ]
    )


@dataclass(frozen=True)
class UrgencyStacker:
    classes: tuple[str, ...]
    names: tuple[str, ...]
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray

    def predict_proba(self, rows: np.ndarray) -> np.ndarray:
        """Softmax of the linear scores, as LogisticRegression(multinomial).predict_proba."""
        z = rows @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def to_json(self) -> dict[str, Any]:
        return {
            "classes": list(self.classes),
            "features": list(self.names),
            "coef": self.coef.round(6).tolist(),
            "intercept": self.intercept.round(6).tolist(),
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any], urgencies: Sequence[str]) -> "UrgencyStacker":
        """Refuses weights written for other readers (a signal or factor added or removed since)."""
        names = tuple(raw["features"])
        if names != feature_names(urgencies) or tuple(raw["classes"]) != tuple(urgencies):
            raise ValueError("the urgency stacker was fitted on other features or labels than this code reads")
        return cls(tuple(raw["classes"]), names, np.asarray(raw["coef"], float), np.asarray(raw["intercept"], float))
