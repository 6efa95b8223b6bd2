"""Turns a fitted pipeline into triage decisions: labels with calibrated confidences, the danger
cues that lift urgency, the n-grams that drove the decision, and whether a person must look.

Training (for evaluation) and the service both predict through this class, so the rules applied
on top of the model (cue lift, low guard, review flag) are the same in the report and in production.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

from nlp.compiled import CompiledModel
from nlp.cues import Cue, detect
from nlp.labels import AXES
from nlp.normalize import han_count, normalize

DANGER_LABEL = "high"
# Share of cue-bearing training texts labelled high, used when a manifest predates the measure.
DEFAULT_CUE_PRECISION = 0.9


@dataclass(frozen=True)
class AxisPrediction:
    label: str
    confidence: float
    scores: dict[str, float]


@dataclass(frozen=True)
class Prediction:
    type: AxisPrediction
    urgency: AxisPrediction
    cues: list[Cue]
    needs_review: bool
    review_reasons: list[str] = field(default_factory=list)


def _lift_to_high(scores: dict[str, float], floor: float) -> dict[str, float]:
    """Give `high` at least `floor`, shrinking the others in proportion so the scores still sum to 1."""
    rest = 1.0 - scores[DANGER_LABEL]
    new_high = max(scores[DANGER_LABEL], floor)
    scale = (1.0 - new_high) / rest if rest > 0 else 0.0
    return {k: (new_high if k == DANGER_LABEL else v * scale) for k, v in scores.items()}


class Triage:
    """A loaded model plus the decision rules around it."""

    def __init__(
        self,
        pipeline: Pipeline,
        manifest: dict[str, Any],
        *,
        review_threshold: float | None = None,
        min_han_chars: int = 4,
        explain_top: int = 3,
    ) -> None:
        self.manifest = manifest
        # An explicit setting wins; otherwise the threshold chosen for this model at training time.
        chosen = manifest.get("review_threshold")
        self.review_threshold = float(
            review_threshold if review_threshold is not None else chosen if chosen is not None else 0.6
        )
        self.min_han_chars = min_han_chars
        self.explain_top = explain_top
        # Only the compiled model is kept, so the pipeline's own copies of the weights can be freed;
        # a family the compiler does not reproduce is predicted through the pipeline itself.
        try:
            self._model: CompiledModel | PipelineModel = CompiledModel.from_pipeline(pipeline)
        except ValueError:
            self._model = PipelineModel(pipeline)
        self._phrases: dict[int, str | None] = {}  # feature index -> readable phrase, filled as met
        self._cue_precision = float(manifest.get("cue_precision", DEFAULT_CUE_PRECISION))
        self._low_guard = float(manifest.get("low_guard") or 1.0)

    @property
    def version(self) -> str:
        return str(self.manifest.get("version", "unknown"))

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        normalized = [normalize(t) for t in texts]
        danger_cues = [detect(t) for t in normalized]
        X = self._model.transform(normalized, danger_cues)
        probas = self._model.predict_proba(X)
        classes = self._model.classes
        results = []
        for i, text in enumerate(normalized):
            type_scores, urgency_scores = (
                {c: float(p) for c, p in zip(axis_classes, axis_probs[i], strict=True)}
                for axis_probs, axis_classes in zip(probas, classes, strict=True)
            )
            if danger_cues[i]:
                urgency_scores = _lift_to_high(urgency_scores, self._cue_precision)
            results.append(self._decide(text, type_scores, urgency_scores, danger_cues[i]))
        if self.explain_top:
            # Explain the labels finally given (after cue lift and low guard), not the raw argmax.
            chosen = [[(p.type.label, p.urgency.label)[axis] for p in results] for axis in range(len(AXES))]
            for prediction, evidence in zip(results, self._explain(X, chosen), strict=True):
                prediction.cues.extend(evidence)
        return results

    def _decide(
        self,
        text: str,
        type_scores: dict[str, float],
        urgency_scores: dict[str, float],
        danger: list[Cue],
    ) -> Prediction:
        type_pred = _axis(type_scores)
        urgency_pred = guard_low(_axis(urgency_scores), self._low_guard)
        reasons = []
        if han_count(text) < self.min_han_chars:
            reasons.append("too little Chinese text to judge")
        if type_pred.confidence < self.review_threshold:
            reasons.append("type confidence below threshold")
        if urgency_pred.confidence < self.review_threshold:
            reasons.append("urgency confidence below threshold")
        return Prediction(
            type=type_pred,
            urgency=urgency_pred,
            cues=list(danger),
            needs_review=bool(reasons),
            review_reasons=reasons,
        )

    def _explain(self, X: Any, chosen: list[list[str]]) -> list[list[Cue]]:
        """Per text, the phrases that pushed most towards each axis's chosen label."""
        out: list[list[Cue]] = [[] for _ in range(X.shape[0])]
        weights = self._model.class_weights()
        for axis, axis_weights, labels, classes in zip(AXES, weights, chosen, self._model.classes, strict=True):
            if axis_weights is None:
                continue
            for i in range(X.shape[0]):
                k = classes.index(labels[i])
                start, end = X.indptr[i], X.indptr[i + 1]
                indices = X.indices[start:end]
                contrib = X.data[start:end] * axis_weights[k, indices]
                out[i].extend(self._top_phrases(indices, contrib, f"{axis}:{classes[k]}"))
        return out

    def _top_phrases(self, indices: np.ndarray, contrib: np.ndarray, signal: str) -> list[Cue]:
        picked: list[str] = []
        for j in np.argsort(-contrib):
            if contrib[j] <= 0 or len(picked) >= self.explain_top:
                break
            feature = int(indices[j])
            if feature not in self._phrases:
                self._phrases[feature] = _phrase(self._model.feature_name(feature))
            phrase = self._phrases[feature]
            if phrase is None or any(phrase in p or p in phrase for p in picked):
                continue
            picked.append(phrase)
        return [Cue(phrase=p, signal=signal) for p in picked]


class PipelineModel:
    """The pipeline's own steps behind the compiled model's interface, for families it cannot compile."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.features = pipeline.named_steps["features"]
        self.classify = pipeline.named_steps["classify"]
        self.classes = [list(map(str, est.classes_)) for est in self.classify.estimators_]
        self._names: np.ndarray | None = None

    def transform(self, texts: Sequence[str], cues: Sequence[Sequence[Cue]]) -> Any:
        return self.features.transform(texts).tocsr()

    def predict_proba(self, X: Any) -> list[np.ndarray]:
        return list(self.classify.predict_proba(X))

    def class_weights(self) -> list[np.ndarray | None]:
        weights: list[np.ndarray | None] = []
        for est in self.classify.estimators_:
            folds = [c.estimator for c in est.calibrated_classifiers_]
            linear = all(hasattr(f, "coef_") for f in folds)
            weights.append(np.mean([f.coef_ for f in folds], axis=0).astype(np.float32) if linear else None)
        return weights

    def feature_name(self, j: int) -> str:
        if self._names is None:
            self._names = np.asarray(self.features.get_feature_names_out(), dtype=object)
        return str(self._names[j])


def _phrase(feature: str) -> str | None:
    """A readable phrase from a feature name, or None for cue counts, single characters and
    character runs that cross punctuation or spaces (they explain nothing to a clerk)."""
    source, _, gram = feature.partition("__")
    if source == "cues":
        return None
    if source == "words":
        gram = gram.replace(" ", "")
    if han_count(gram) < 2 or not gram.isalnum():
        return None
    return gram


def guard_low(urgency: AxisPrediction, guard: float) -> AxisPrediction:
    """Calling a high case low is the costliest error: `low` stands only while P(high) is under
    `guard` (chosen at training time); otherwise the case goes one step up, to `medium`."""
    if urgency.label == "low" and urgency.scores.get(DANGER_LABEL, 0.0) >= guard:
        return AxisPrediction(label="medium", confidence=urgency.scores["medium"], scores=urgency.scores)
    return urgency


def _axis(scores: dict[str, float]) -> AxisPrediction:
    label = max(scores, key=scores.__getitem__)
    return AxisPrediction(label=label, confidence=scores[label], scores=scores)
