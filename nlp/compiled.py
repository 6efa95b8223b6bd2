"""A fitted pipeline compiled for fast prediction, giving the same labels as its `predict` and
the same probabilities as its `predict_proba` to 1e-5.

scikit-learn pays a fixed cost of about two milliseconds per call (validation, FeatureUnion,
MultiOutputClassifier, five calibrated folds per axis) whatever the number of texts. Here the
same fitted parameters are read once: vocabularies and IDF weights of both vectorizers, the cue
counter, and per axis the linear weights of every calibration fold stacked into one matrix with
their isotonic or sigmoid calibrators. A prediction is then dictionary lookups, one sparse
product and a few interpolations. `tests/nlp/test_compiled.py` checks it against the pipeline.
"""

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from nlp.cues import Cue, detect
from nlp.features import CueCounter

_WHITE_SPACES = re.compile(r"\s\s+")  # the run scikit-learn's char analyzer folds to one space


def _char_grams(text: str, low: int, high: int) -> list[str]:
    text = _WHITE_SPACES.sub(" ", text)
    grams = list(text) if low == 1 else []
    for n in range(max(low, 2), min(high + 1, len(text) + 1)):
        grams.extend(text[i : i + n] for i in range(len(text) - n + 1))
    return grams


def _word_grams(tokens: list[str], low: int, high: int) -> list[str]:
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high + 1, len(tokens) + 1)):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


@dataclass(frozen=True)
class _Block:
    """One TF-IDF vectorizer's share of the feature vector."""

    name: str
    analyze: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int
    sublinear: bool

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        # Count every gram first (Counter runs in C), then look up only the distinct ones.
        vocabulary = self.vocabulary
        pairs = [(j, c) for g, c in Counter(self.analyze(text)).items() if (j := vocabulary.get(g)) is not None]
        if not pairs:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        idx = np.fromiter((j for j, _ in pairs), np.int64, len(pairs))
        tf = np.fromiter((c for _, c in pairs), np.float32, len(pairs))
        if self.sublinear:
            tf = np.log(tf) + np.float32(1)
        values = tf * self.idf[idx]
        norm = np.sqrt(np.dot(values, values))
        if norm > 0:
            values = values / norm
        return idx + self.offset, values


def _block(name: str, vectorizer: TfidfVectorizer, offset: int) -> _Block:
    if vectorizer.norm != "l2" or not vectorizer.use_idf or vectorizer.stop_words is not None:
        raise ValueError("only l2-normalised TF-IDF without stop words is compiled")
    low, high = vectorizer.ngram_range
    if vectorizer.analyzer == "char":
        lower = vectorizer.lowercase

        def analyze(text: str) -> list[str]:
            return _char_grams(text.lower() if lower else text, low, high)

    elif vectorizer.analyzer == "word" and vectorizer.tokenizer is not None and not vectorizer.lowercase:
        tokenizer = vectorizer.tokenizer

        def analyze(text: str) -> list[str]:
            return _word_grams(tokenizer(text), low, high)

    else:
        raise ValueError(f"analyzer {vectorizer.analyzer!r} is not compiled")
    # The vectorizer's own vocabulary dict, shared rather than copied: it is the largest part.
    idf = vectorizer.idf_.astype(np.float32)
    return _Block(name, analyze, vectorizer.vocabulary_, idf, offset, vectorizer.sublinear_tf)


@dataclass(frozen=True)
class _Axis:
    """One label axis: every calibration fold's linear model side by side, and its calibrators."""

    classes: np.ndarray
    weights: np.ndarray  # (n_features, folds * n_classes)
    intercepts: np.ndarray  # (folds * n_classes,)
    calibrate: list[Callable[[np.ndarray], np.ndarray]]  # one per column of weights

    def predict_proba(self, X: sp.csr_matrix) -> np.ndarray:
        # float32 on both sides: a float64 operand would make scipy copy the whole weight matrix.
        decision = np.asarray(X.astype(np.float32, copy=False) @ self.weights, dtype=np.float64) + self.intercepts
        n, k = X.shape[0], len(self.classes)
        folds = decision.shape[1] // k
        mean = np.zeros((n, k))
        for f in range(folds):
            proba = np.column_stack([self.calibrate[f * k + c](decision[:, f * k + c]) for c in range(k)])
            total = proba.sum(axis=1, keepdims=True)
            mean += np.divide(proba, total, out=np.full_like(proba, 1 / k), where=total != 0)
        mean /= folds
        mean[(mean > 1.0) & (mean <= 1.0 + 1e-5)] = 1.0
        return mean


def _calibrator(model: Any) -> Callable[[np.ndarray], np.ndarray]:
    if hasattr(model, "X_thresholds_"):  # IsotonicRegression, out_of_bounds="clip"
        xs, ys = model.X_thresholds_, model.y_thresholds_
        lo, hi = model.X_min_, model.X_max_
        if len(ys) == 1:
            return lambda t: np.full(t.shape, ys[0])
        return lambda t: np.interp(np.clip(t, lo, hi), xs, ys)
    if hasattr(model, "a_"):  # sigmoid calibration
        a, b = model.a_, model.b_
        return lambda t: expit(-(a * t + b))
    raise ValueError(f"calibrator {type(model).__name__} is not compiled")


def _axis(calibrated: Any) -> _Axis:
    classes = np.asarray(calibrated.classes_)
    if len(classes) < 3:
        raise ValueError("binary axes are not compiled")
    columns: list[np.ndarray] = []
    intercepts: list[np.ndarray] = []
    calibrate: list[Callable[[np.ndarray], np.ndarray]] = []
    for fold in calibrated.calibrated_classifiers_:
        estimator = fold.estimator
        if not hasattr(estimator, "coef_") or list(estimator.classes_) != list(classes):
            raise ValueError(f"{type(estimator).__name__} is not a linear model over all classes")
        columns.append(np.asarray(estimator.coef_, dtype=np.float64).T)
        intercepts.append(np.asarray(estimator.intercept_, dtype=np.float64))
        calibrate.extend(_calibrator(c) for c in fold.calibrators)
    # float32 halves the largest array; probabilities move by under 1e-5 (tests/nlp/test_compiled.py).
    return _Axis(classes, np.hstack(columns).astype(np.float32), np.concatenate(intercepts), calibrate)


class CompiledModel:
    """The fitted pipeline's features and classifiers, ready for one text at a time."""

    def __init__(self, blocks: list[_Block], cue_offset: int, cue_signals: Sequence[str], axes: list[_Axis]) -> None:
        self.blocks = blocks
        self.cue_offset = cue_offset
        self.cue_signals = tuple(cue_signals)
        self.cue_index = {s: i for i, s in enumerate(cue_signals)}
        self.axes = axes
        self.n_features = cue_offset + len(cue_signals)
        self._names: list[str] | None = None
        self._mean_weights: list[np.ndarray | None] | None = None

    @property
    def classes(self) -> list[list[str]]:
        return [list(map(str, axis.classes)) for axis in self.axes]

    def class_weights(self) -> list[np.ndarray | None]:
        """Per axis, (classes, features) weights averaged over the calibration folds: what pushed where."""
        if self._mean_weights is None:
            self._mean_weights = []
            for axis in self.axes:
                k = len(axis.classes)
                folds = axis.weights.shape[1] // k
                mean = axis.weights.reshape(axis.weights.shape[0], folds, k).mean(axis=1)
                self._mean_weights.append(np.ascontiguousarray(mean.T, dtype=np.float32))
        return self._mean_weights

    def feature_name(self, j: int) -> str:
        """`<block>__<gram>` as FeatureUnion names it, from the shared vocabularies."""
        if self._names is None:
            names: list[str] = [""] * self.n_features
            for block in self.blocks:
                for gram, index in block.vocabulary.items():
                    names[block.offset + index] = gram
            self._names = names
        if j >= self.cue_offset:
            return f"cues__cue:{self.cue_signals[j - self.cue_offset]}"
        block = next(b for b in reversed(self.blocks) if j >= b.offset)
        return f"{block.name}__{self._names[j]}"

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> "CompiledModel":
        """Raises ValueError for a pipeline it cannot reproduce exactly (e.g. naive Bayes)."""
        union = pipeline.named_steps["features"]
        blocks: list[_Block] = []
        offset, cue_offset = 0, None
        cue_signals: tuple[str, ...] = ()
        for name, transformer in union.transformer_list:
            if isinstance(transformer, TfidfVectorizer):
                blocks.append(_block(name, transformer, offset))
                offset += len(transformer.vocabulary_)
            elif isinstance(transformer, CueCounter):
                cue_offset, cue_signals = offset, tuple(transformer.signals_)
                offset += len(cue_signals)
            else:
                raise ValueError(f"feature block {type(transformer).__name__} is not compiled")
        if cue_offset is None or cue_offset + len(cue_signals) != offset:
            raise ValueError("the cue counter must be the last feature block")
        axes = [_axis(est) for est in pipeline.named_steps["classify"].estimators_]
        return cls(blocks, cue_offset, cue_signals, axes)

    def transform(self, texts: Sequence[str], cues: Sequence[Sequence[Cue]] | None = None) -> sp.csr_matrix:
        """Feature rows of normalised texts; pass the texts' detected cues to avoid finding them twice."""
        indices: list[np.ndarray] = []
        data: list[np.ndarray] = []
        indptr = [0]
        for i, text in enumerate(texts):
            parts = [block.features(text) for block in self.blocks]
            signal_counts = Counter(self.cue_index[c.signal] for c in (detect(text) if cues is None else cues[i]))
            if signal_counts:
                idx = np.fromiter((self.cue_offset + j for j in signal_counts), np.int64, len(signal_counts))
                parts.append((idx, np.fromiter(signal_counts.values(), np.float32, len(signal_counts))))
            for idx, values in parts:
                indices.append(idx)
                data.append(values)
            indptr.append(indptr[-1] + sum(len(idx) for idx, _ in parts))
        return sp.csr_matrix(
            (
                np.concatenate([np.empty(0, np.float32), *data]),
                np.concatenate([np.empty(0, np.int64), *indices]),
                indptr,
            ),
            shape=(len(texts), self.n_features),
        )

    def predict_proba(self, X: sp.csr_matrix) -> list[np.ndarray]:
        return [axis.predict_proba(X) for axis in self.axes]
