"""Turns a fitted pipeline into triage decisions: labels with calibrated confidences, the danger
cues and the clause that carried them, the urgency factors found, the n-grams that drove the
decision, and whether a person must look.

Training (for evaluation) and the service both predict through this class, so the rules applied
on top of the model (cue lift, clause reading, low guard, the danger net, the review flag) are the
same in the report and in production. Their thresholds come from the model's manifest, chosen on
cross-validation when it was trained (`training.decisions`).
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

import numpy as np
from sklearn.pipeline import Pipeline

from nlp import explain, stacking
from nlp.clauses import pieces
from nlp.compiled import CompiledModel, CompileError
from nlp.cues import Cue
from nlp.factors import RAISING, Factor
from nlp.labels import AXES
from nlp.normalize import han_count, normalize
from nlp.reading import Reading, read
from nlp.resources import lexicons_sha256
from nlp.stacking import UrgencyStacker

log = logging.getLogger(__name__)
DANGER_LABEL = "high"
URGENCY_AXIS = AXES.index("urgency")
# Share of cue-bearing training texts labelled high, used when a manifest predates the measure.
DEFAULT_CUE_PRECISION = 0.9
POSSIBLE_DANGER = "possible danger"
EXPLAIN_FEATURES = 12  # the strongest contributions an explanation weighs, of a few hundred in a text


@dataclass(frozen=True)
class AxisPrediction:
    label: str
    confidence: float
    scores: dict[str, float]


@dataclass(frozen=True)
class DangerClause:
    """The piece of the text that carried the danger, as the clerk should read it first."""

    text: str
    start: int
    end: int
    p_high: float
    signals: tuple[str, ...]


@dataclass(frozen=True)
class Prediction:
    type: AxisPrediction
    urgency: AxisPrediction
    cues: list[Cue]
    needs_review: bool
    review_reasons: list[str] = field(default_factory=list)
    factors: list[Factor] = field(default_factory=list)
    danger: DangerClause | None = None
    clause_high: float = 0.0  # the highest P(high) of any one piece of the text


@dataclass(frozen=True)
class Scored:
    """What the model says of one text before any rule: the raw material of a decision, kept so
    that training can choose the rules' thresholds on out-of-fold scores and apply them later."""

    text: str  # normalised
    type_scores: dict[str, float]
    urgency_scores: dict[str, float]  # the stacked urgency (nlp.stacking), or the text model's
    reading: Reading
    clause: tuple[float, int, int]  # highest P(high) of a piece read alone, and the piece
    text_urgency: dict[str, float]  # the text model's own urgency scores


def _lift_to_high(scores: dict[str, float], floor: float) -> dict[str, float]:
    """Give `high` at least `floor`, shrinking the others in proportion so the scores still sum to 1."""
    rest = 1.0 - scores[DANGER_LABEL]
    new_high = max(scores[DANGER_LABEL], floor)
    scale = (1.0 - new_high) / rest if rest > 0 else 0.0
    return {k: (new_high if k == DANGER_LABEL else v * scale) for k, v in scores.items()}


@dataclass(frozen=True)
class Decisions:
    """The thresholds applied on top of the model, as stored in its manifest."""

    cue_lift: bool = False  # a present danger cue lifts P(high) to the cues' precision
    cue_precision: float = DEFAULT_CUE_PRECISION
    high_threshold: float = 1.01  # P(high) at or above this is called high even when not the largest
    low_guard: float = 1.0  # `low` stands only while P(high) is under this
    danger_net: float = 1.01  # P(high) of the text at or above this: review "possible danger"
    clause_net: float = 1.01  # ... or P(high) of its most dangerous piece read alone at or above this
    review_threshold: float = 0.6

    @classmethod
    def of(cls, manifest: dict[str, Any], review_threshold: float | None = None) -> "Decisions":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in manifest.items() if k in known and v is not None}
        if review_threshold is not None:
            values["review_threshold"] = review_threshold
        return cls(**values)


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
        self.decisions = Decisions.of(manifest, review_threshold)
        self.min_han_chars = min_han_chars
        self.explain_top = explain_top
        # Only the compiled model is kept, so the pipeline's own copies of the weights can be freed;
        # a model the compiler does not reproduce is predicted through the pipeline itself, and
        # that is said once, with the reason, in the log and in `serving_path`/`fallback_reason`.
        self.fallback_reason: str | None = None
        try:
            self._model: CompiledModel | PipelineModel = CompiledModel.from_pipeline(pipeline)
        except CompileError as exc:
            self.fallback_reason = str(exc)
            log.warning(
                "model %s predicts through the scikit-learn pipeline, not the compiled path: %s",
                self.version,
                exc,
                extra={"model_version": self.version, "reason": str(exc)},
            )
            self._model = PipelineModel(pipeline)
        self._grams: dict[int, str | None] = {}  # feature index -> its n-gram (None: not an n-gram), as met
        trained_with = manifest.get("lexicons_sha256")
        if trained_with and trained_with != lexicons_sha256():
            log.warning(
                "model %s was trained with other danger or factor lexicons than these; "
                "its features shift a little until it is retrained",
                manifest.get("version", "unknown"),
            )
        raw = manifest.get("urgency_stacker")
        urgency_classes = self._model.classes[URGENCY_AXIS]
        self._stacker = UrgencyStacker.from_json(raw, urgency_classes) if raw else None

    @property
    def version(self) -> str:
        return str(self.manifest.get("version", "unknown"))

    @property
    def serving_path(self) -> Literal["compiled", "pipeline"]:
        return "pipeline" if isinstance(self._model, PipelineModel) else "compiled"

    @property
    def review_threshold(self) -> float:
        return self.decisions.review_threshold

    def score(self, texts: Sequence[str]) -> tuple[list[Scored], Any]:
        """The model's scores for each text, and the feature rows they came from."""
        normalized = [normalize(t) for t in texts]
        readings = [read(t) for t in normalized]
        X = self._model.transform(normalized, readings)
        probas = self._model.predict_proba(X)
        classes = self._model.classes
        whole_high = probas[URGENCY_AXIS][:, classes[URGENCY_AXIS].index(DANGER_LABEL)]
        clauses = self._clause_high(normalized, readings, whole_high)
        scored = []
        for i, text in enumerate(normalized):
            type_scores, urgency_scores = (
                {c: float(p) for c, p in zip(axis_classes, axis_probs[i], strict=True)}
                for axis_probs, axis_classes in zip(probas, classes, strict=True)
            )
            scored.append(Scored(text, type_scores, urgency_scores, readings[i], clauses[i], urgency_scores))
        return (self.stack(scored) if self._stacker else scored), X

    def stack(self, scored: Sequence[Scored]) -> list[Scored]:
        """The same scores with the urgency read by the stacker from all the text path found."""
        if self._stacker is None or not scored:
            return list(scored)
        rows = np.vstack([stacking.features(s.text_urgency, s.clause[0], s.reading, len(s.text)) for s in scored])
        stacked = self._stacker.predict_proba(rows)
        return [
            replace(s, urgency_scores={c: float(p) for c, p in zip(self._stacker.classes, row, strict=True)})
            for s, row in zip(scored, stacked, strict=True)
        ]

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        scored, X = self.score(texts)
        results = [decide(s, self.decisions, self.min_han_chars) for s in scored]
        if self.explain_top:
            # Explain the labels finally given (after cue lift and low guard), not the raw argmax.
            chosen = [[(p.type.label, p.urgency.label)[axis] for p in results] for axis in range(len(AXES))]
            texts_read = [sc.text for sc in scored]
            for prediction, evidence in zip(results, self._explain(X, texts_read, chosen), strict=True):
                prediction.cues.extend(evidence)
        return results

    def _clause_high(
        self, texts: Sequence[str], readings: Sequence[Reading], whole_high: np.ndarray
    ) -> list[tuple[float, int, int]]:
        """Per text, the highest P(high) of any of its pieces read alone, and where that piece is.
        A text of one piece is its own piece: its P(high) is the text's."""
        owners: list[int] = []
        spans: list[tuple[int, int]] = []
        for i, text in enumerate(texts):
            cut = pieces(text)
            if len(cut) > 1:
                owners.extend([i] * len(cut))
                spans.extend(cut)
        best = [(float(p), 0, len(t)) for p, t in zip(whole_high, texts, strict=True)]
        if not spans:
            return best
        for i in set(owners):
            best[i] = (0.0, 0, len(texts[i]))
        piece_texts = [texts[i][a:b] for i, (a, b) in zip(owners, spans, strict=True)]
        piece_readings = [readings[i].within(a, b) for i, (a, b) in zip(owners, spans, strict=True)]
        rows = self._model.transform(piece_texts, piece_readings)
        urgency = self._model.predict_axis(rows, URGENCY_AXIS)
        high = self._model.classes[URGENCY_AXIS].index(DANGER_LABEL)
        for owner, (a, b), p in zip(owners, spans, urgency[:, high], strict=True):
            if p > best[owner][0]:
                best[owner] = (float(p), a, b)
        return best

    def _explain(self, X: Any, texts: Sequence[str], chosen: list[list[str]]) -> list[list[Cue]]:
        """Per text, the whole words that pushed most towards each axis's chosen label (nlp.explain)."""
        out: list[list[Cue]] = [[] for _ in range(X.shape[0])]
        weights = self._model.class_weights()
        words = [explain.Words.of(text) for text in texts]
        for axis, axis_weights, labels, classes in zip(AXES, weights, chosen, self._model.classes, strict=True):
            if axis_weights is None:
                continue
            for i in range(X.shape[0]):
                k = classes.index(labels[i])
                start, end = X.indptr[i], X.indptr[i + 1]
                indices = X.indices[start:end]
                contrib = X.data[start:end] * axis_weights[k, indices]
                pushes = self._pushes(indices, contrib)
                signal = f"{axis}:{classes[k]}"
                out[i].extend(Cue(phrase=p, signal=signal) for p in explain.phrases(words[i], pushes, self.explain_top))
        return out

    def _pushes(self, indices: np.ndarray, contrib: np.ndarray) -> list[tuple[str, float]]:
        """The n-grams behind the strongest positive contributions, with their weights; danger-cue
        counts and factor flags are left out (the cues and factors fields already show them)."""
        pushes: list[tuple[str, float]] = []
        if len(contrib) > EXPLAIN_FEATURES:  # only the strongest few are weighed: no full sort
            strongest = np.argpartition(-contrib, EXPLAIN_FEATURES)[:EXPLAIN_FEATURES]
            order = strongest[np.argsort(-contrib[strongest])]
        else:
            order = np.argsort(-contrib)
        for j in order:
            if contrib[j] <= 0:
                break
            feature = int(indices[j])
            if feature not in self._grams:
                source, _, gram = self._model.feature_name(feature).partition("__")
                self._grams[feature] = gram if source in ("chars", "words") else None
            named = self._grams[feature]
            if named is not None:
                pushes.append((named, float(contrib[j])))
        return pushes


def decide(scored: Scored, d: Decisions, min_han_chars: int = 4) -> Prediction:
    """The rules on top of the model, in order: (if chosen) a present danger cue lifts P(high)
    to the cues' measured precision; P(high) at or above `high_threshold` is called high; `low`
    needs a small P(high); a case not called high whose P(high) reaches `danger_net`, or whose
    most dangerous piece read alone reaches `clause_net`, goes to review as "possible danger"."""
    text, reading, clause = scored.text, scored.reading, scored.clause
    urgency_scores = scored.urgency_scores
    if d.cue_lift and reading.cues:
        urgency_scores = _lift_to_high(urgency_scores, d.cue_precision)
    p_high = urgency_scores[DANGER_LABEL]
    urgency_pred = _axis(urgency_scores)
    if p_high >= d.high_threshold:
        urgency_pred = AxisPrediction(label=DANGER_LABEL, confidence=p_high, scores=urgency_scores)
    urgency_pred = guard_low(urgency_pred, d.low_guard)
    type_pred = _axis(scored.type_scores)
    reasons = []
    possible_danger = urgency_pred.label != DANGER_LABEL and (p_high >= d.danger_net or clause[0] >= d.clause_net)
    if possible_danger:
        reasons.append(POSSIBLE_DANGER)
    if han_count(text) < min_han_chars:
        reasons.append("too little Chinese text to judge")
    if type_pred.confidence < d.review_threshold:
        reasons.append("type confidence below threshold")
    if urgency_pred.confidence < d.review_threshold:
        reasons.append("urgency confidence below threshold")
    return Prediction(
        type=type_pred,
        urgency=urgency_pred,
        cues=list(reading.cues),
        needs_review=bool(reasons),
        review_reasons=reasons,
        factors=_shown_factors(reading.factors, urgency_pred.label),
        danger=_danger_clause(text, reading, clause, urgency_pred.label == DANGER_LABEL or possible_danger),
        clause_high=clause[0],
    )


def _shown_factors(found: Sequence[Factor], urgency: str) -> list[Factor]:
    """The factors a clerk is shown as reasons: those that raise urgency beside a raised label,
    the calm ones beside `low`, and when things happened in every case."""

    def shown(f: Factor) -> bool:
        if f.name in RAISING:
            return urgency != "low"
        return urgency == "low" if f.name == "stable" else f.name in ("recent", "long_ago")

    return [f for f in found if shown(f)]


def _danger_clause(text: str, reading: Reading, clause: tuple[float, int, int], dangerous: bool) -> DangerClause | None:
    """The piece holding the first danger cue, or else, for a text read as dangerous, the piece
    the clause reading found most dangerous."""
    bounds = pieces(text) or [(0, len(text))]
    if reading.cues:
        first = reading.cues[0]
        a, b = next(((a, b) for a, b in bounds if a <= first.start < b), (0, len(text)))
        signals = tuple(dict.fromkeys(c.signal for c in reading.within(a, b).cues))
        return DangerClause(text[a:b].strip(), a, b, clause[0], signals)
    if dangerous:
        _, a, b = clause
        return DangerClause(text[a:b].strip(), a, b, clause[0], ())
    return None


class PipelineModel:
    """The pipeline's own steps behind the compiled model's interface, for families it cannot compile."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.features = pipeline.named_steps["features"]
        self.classify = pipeline.named_steps["classify"]
        self.classes = [list(map(str, est.classes_)) for est in self.classify.estimators_]
        self._names: np.ndarray | None = None

    def transform(self, texts: Sequence[str], readings: Sequence[Reading]) -> Any:
        return self.features.transform(texts).tocsr()

    def predict_proba(self, X: Any) -> list[np.ndarray]:
        return list(self.classify.predict_proba(X))

    def predict_axis(self, X: Any, axis: int) -> np.ndarray:
        return np.asarray(self.classify.estimators_[axis].predict_proba(X))

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


def guard_low(urgency: AxisPrediction, guard: float) -> AxisPrediction:
    """Calling a high case low is the costliest error: `low` stands only while P(high) is under
    `guard` (chosen at training time); otherwise the case goes one step up, to `medium`."""
    if urgency.label == "low" and urgency.scores.get(DANGER_LABEL, 0.0) >= guard:
        return AxisPrediction(label="medium", confidence=urgency.scores["medium"], scores=urgency.scores)
    return urgency


def _axis(scores: dict[str, float]) -> AxisPrediction:
    label = max(scores, key=scores.__getitem__)
    return AxisPrediction(label=label, confidence=scores[label], scores=scores)
