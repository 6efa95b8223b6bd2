"""A candidate beside the live model on the fixed test split: per-class figures, the promotion gate,
and the test cases whose labels would change.

Both models predict the current test files here (not the figures in their manifests), so the two
columns always describe the same cases and the gate shown is the one `promote` applies.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp.artifact import load
from nlp.predictor import Prediction, Triage
from nlp.privacy import mask
from training.dataset import Record
from training.evaluate import predict
from training.metrics import LABELS, score
from training.registry import Gate

PER_CLASS = (("precision", "精确率"), ("recall", "召回率"), ("f1-score", "F1"))


@dataclass(frozen=True)
class Change:
    text: str
    truth: tuple[str, str]
    live: tuple[str, str]
    candidate: tuple[str, str]

    @property
    def verdict(self) -> str:
        if self.candidate == self.truth:
            return "改对"
        if self.live == self.truth:
            return "改错"
        return "仍错"


@dataclass(frozen=True)
class GateLine:
    name: str
    candidate: float
    live: float
    tolerance: float

    @property
    def passes(self) -> bool:
        return self.candidate >= self.live - self.tolerance


@dataclass
class Comparison:
    candidate: str
    live: str | None
    n: int
    metrics: dict[str, dict[str, Any]]  # "candidate" / "live" -> training.metrics.score output
    changes: list[Change] = field(default_factory=list)
    gate: list[GateLine] = field(default_factory=list)

    @property
    def passes(self) -> bool:
        return all(line.passes for line in self.gate)

    def per_class(self) -> list[dict[str, Any]]:
        """One row per axis and label: each figure for the candidate and for the live model."""
        rows = []
        for axis, labels in LABELS.items():
            for label in labels:
                row: dict[str, Any] = {"axis": axis, "label": label}
                for key, _ in PER_CLASS:
                    row[key] = tuple(self._class(who, axis, label, key) for who in ("candidate", "live"))
                rows.append(row)
        return rows

    def summary(self) -> list[tuple[str, Any, Any, bool]]:
        """(figure, candidate, live, higher is better) for the figures the desks watch."""
        out = []
        for name, path, higher in (
            ("类型 macro-F1", ("type", "macro_f1"), True),
            ("紧急程度 macro-F1", ("urgency", "macro_f1"), True),
            ("紧急（high）召回率", ("urgency", "per_class", "high", "recall"), True),
            ("紧急被判为一般（high → low）", ("high_called_low",), False),
            ("紧急案件判为紧急或提示危险", ("high_caught",), True),
            ("可能有危险提示率", ("possible_danger_rate",), False),
            ("复核率", ("review_rate",), False),
            ("未复核部分的准确率", ("accuracy_not_reviewed",), True),
        ):
            out.append((name, _dig(self.metrics.get("candidate"), path), _dig(self.metrics.get("live"), path), higher))
        return out

    def _class(self, who: str, axis: str, label: str, key: str) -> float | None:
        return _dig(self.metrics.get(who), (axis, "per_class", label, key))


def _dig(metrics: dict[str, Any] | None, path: tuple[str, ...]) -> Any:
    value: Any = metrics
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _labels(p: Prediction) -> tuple[str, str]:
    return p.type.label, p.urgency.label


def _predictions(directory: Path, records: Sequence[Record]) -> list[Prediction]:
    pipeline, manifest = load(directory)
    return predict(Triage(pipeline, manifest, explain_top=0), records)


def compare(models_dir: Path, candidate: str, live: str | None, test: Sequence[Record], tolerance: float) -> Comparison:
    """Load both models (checked as `promote` checks them), predict the test split, and compare."""
    new = _predictions(models_dir / candidate, test)
    result = Comparison(candidate, live, len(test), {"candidate": score(test, new)})
    if live is None or live == candidate:
        return result
    old = _predictions(models_dir / live, test)
    result.metrics["live"] = score(test, old)
    gates = {who: _gate(result.metrics[who]) for who in ("candidate", "live")}
    result.gate = [
        GateLine("类型 macro-F1", gates["candidate"].type_macro_f1, gates["live"].type_macro_f1, tolerance),
        GateLine("紧急（high）召回率", gates["candidate"].high_recall, gates["live"].high_recall, tolerance),
    ]
    result.changes = [
        Change(mask(r.text), (r.type, r.urgency), _labels(o), _labels(n))
        for r, o, n in zip(test, old, new, strict=True)
        if _labels(o) != _labels(n)
    ]
    return result


def _gate(metrics: dict[str, Any]) -> Gate:
    """The registry's two gate figures, from metrics already computed (what Gate.measure computes)."""
    return Gate(metrics["type"]["macro_f1"], metrics["urgency"]["per_class"]["high"]["recall"])
