"""A fitted pipeline compiled for fast prediction, giving the same labels as its `predict` and
the same probabilities as its `predict_proba` to 5e-5 (float32 weights under isotonic steps).

scikit-learn pays a fixed cost of about two milliseconds per call (validation, FeatureUnion,
MultiOutputClassifier, five calibrated folds per axis) whatever the number of texts. Here the
same fitted parameters are read once: vocabularies and IDF weights of both vectorizers, the cue
counter, and per axis the linear weights of every calibration fold stacked into one matrix with
their isotonic or sigmoid calibrators. A prediction is then dictionary lookups, one sparse
product and a few interpolations. `tests/nlp/test_compiled.py` checks it against the pipeline.

A pipeline it cannot reproduce exactly raises `CompileError` (never a silent approximation), and
`nlp.predictor.Triage` then predicts through the pipeline itself and logs why, once.

scikit-learn internals relied on (checked on the versions in `nlp.internals.CHECKED`; another is
refused before any of them is read):
- `Pipeline.named_steps` "features" (a `FeatureUnion`, its `transformer_list` stacked left to
  right) and "classify" (a `MultiOutputClassifier`, its `estimators_` one per label axis);
- `TfidfVectorizer`: `vocabulary_`, `idf_`, `norm`, `use_idf`, `stop_words`, `ngram_range`,
  `analyzer`, `tokenizer`, `lowercase`, `sublinear_tf`; the char analyzer folding runs of white
  space to one space (`_white_spaces`) before cutting n-grams, and tf-idf as
  (1 + log tf if sublinear) x idf, l2-normalised;
- `CalibratedClassifierCV.calibrated_classifiers_`, each with `.estimator` (`coef_`,
  `intercept_`, `classes_`) and `.calibrators` (one per class); a fold's probabilities divided by
  their sum (uniform where it is 0), the folds averaged, and values just above 1 clipped;
- `IsotonicRegression` (`X_thresholds_`, `y_thresholds_`, `X_min_`, `X_max_`, out_of_bounds
  "clip", linear interpolation) and `_SigmoidCalibration` (`a_`, `b_`: expit(-(a t + b))).
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from nlp.features import ReadingCounts
from nlp.internals import FastPathRefused, require_checked
from nlp.reading import Reading, read

try:
    from nlp._ngrams import char_features, char_table, word_features

    BUILT = True
except ImportError:  # never built: Triage predicts through the pipeline itself
    BUILT = False

_WHITE_SPACES = re.compile(r"\s\s+")  # the run scikit-learn's char analyzer folds to one space


class CompileError(FastPathRefused):
    """This pipeline (or this scikit-learn) is not one the compiled path reproduces; says why."""


@dataclass(frozen=True)
class _Block:
    """One TF-IDF vectorizer's share of the feature vector."""

    name: str
    low: int
    high: int
    lowercase: bool
    tokenizer: Callable[[str], list[str]] | None
    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int
    sublinear: bool
    table: tuple[np.ndarray, np.ndarray, int] | None  # character blocks: packed n-gram -> index

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Feature indices (offset into the union) and l2-normalised tf-idf weights of one text."""
        if self.table is None:
            assert self.tokenizer is not None
            return word_features(
                self.tokenizer(text), self.low, self.high, self.vocabulary, self.idf, self.sublinear, self.offset
            )
        text = _WHITE_SPACES.sub(" ", text.lower() if self.lowercase else text)
        return char_features(text, self.low, self.high, *self.table, self.idf, self.sublinear, self.offset)


def _block(name: str, vectorizer: TfidfVectorizer, offset: int) -> _Block:
    if vectorizer.norm != "l2" or not vectorizer.use_idf or vectorizer.stop_words is not None:
        raise CompileError("only l2-normalised TF-IDF without stop words is compiled")
    low, high = vectorizer.ngram_range
    words = vectorizer.analyzer == "word" and vectorizer.tokenizer is not None and not vectorizer.lowercase
    if vectorizer.analyzer != "char" and not words:
        raise CompileError(f"analyzer {vectorizer.analyzer!r} is not compiled")
    if not words and high > 3:
        raise CompileError("character n-grams longer than three code points are not packed")
    # The vectorizer's own vocabulary dict, shared rather than copied: it is the largest part.
    idf = np.ascontiguousarray(vectorizer.idf_, dtype=np.float32)
    return _Block(
        name=name,
        low=low,
        high=high,
        lowercase=bool(vectorizer.lowercase),
        tokenizer=vectorizer.tokenizer if words else None,
        vocabulary=vectorizer.vocabulary_,
        idf=idf,
        offset=offset,
        sublinear=bool(vectorizer.sublinear_tf),
        table=None if words else char_table(vectorizer.vocabulary_),
    )


@dataclass(frozen=True)
class Rows:
    """Feature rows in CSR layout (indptr, indices, data) without scipy's per-call checks, which
    cost more than the product itself for one text."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    shape: tuple[int, int]

    def tocsr(self) -> sp.csr_matrix:
        return sp.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)

    def dot(self, weights: np.ndarray) -> np.ndarray:
        """`rows @ weights` for dense float32 weights, in float64."""
        if self.shape[0] == 1:
            return (self.data @ weights[self.indices]).astype(np.float64)[None, :]
        # float32 on both sides: a float64 operand would make scipy copy the whole weight matrix.
        return np.asarray(self.tocsr() @ weights, dtype=np.float64)


@dataclass(frozen=True)
class _Calibration:
    """Every fold's per-class calibrator of one axis, applied to all columns in one numpy call.

    Isotonic calibrators are piecewise linear: laid end to end, each shifted into its own stretch
    of the line, they become one `np.interp`. Sigmoid calibrators are one vectorised expit.
    """

    lo: np.ndarray  # per column: inputs are clipped to the calibrator's fitted range
    hi: np.ndarray
    shift: np.ndarray  # per column: where its stretch of the line starts
    xs: np.ndarray
    ys: np.ndarray
    a: np.ndarray | None = None  # sigmoid: P = expit(-(a * t + b))
    b: np.ndarray | None = None

    def __call__(self, decision: np.ndarray) -> np.ndarray:
        if self.a is not None and self.b is not None:
            return expit(-(self.a * decision + self.b))
        t = np.clip(decision, self.lo, self.hi) + self.shift
        return np.interp(t.ravel(), self.xs, self.ys).reshape(decision.shape)

    @classmethod
    def of(cls, calibrators: list[Any]) -> "_Calibration":
        if all(hasattr(c, "a_") for c in calibrators):
            a = np.array([c.a_ for c in calibrators], dtype=np.float64)
            b = np.array([c.b_ for c in calibrators], dtype=np.float64)
            empty = np.empty(0)
            return cls(empty, empty, empty, empty, empty, a, b)
        if not all(hasattr(c, "X_thresholds_") for c in calibrators):  # IsotonicRegression, out_of_bounds="clip"
            raise CompileError("only isotonic or sigmoid calibration is compiled")
        lo = np.array([c.X_min_ for c in calibrators], dtype=np.float64)
        hi = np.array([c.X_max_ for c in calibrators], dtype=np.float64)
        stretch = float(np.max(hi - lo)) + 2.0
        shift = np.arange(len(calibrators)) * stretch - lo + 1.0
        xs: list[np.ndarray] = []
        ys: list[np.ndarray] = []
        for c, offset in zip(calibrators, shift, strict=True):
            x, y = np.asarray(c.X_thresholds_, np.float64), np.asarray(c.y_thresholds_, np.float64)
            # Flat ends half a unit beyond the fitted range keep each piece inside its own stretch.
            xs.append(np.concatenate([[c.X_min_ - 0.5], x, [c.X_max_ + 0.5]]) + offset)
            ys.append(np.concatenate([y[:1], y, y[-1:]]))
        return cls(lo, hi, shift, np.concatenate(xs), np.concatenate(ys))


@dataclass(frozen=True)
class _Axis:
    """One label axis: every calibration fold's linear model side by side, and its calibrators."""

    classes: np.ndarray
    weights: np.ndarray  # (n_features, folds * n_classes)
    intercepts: np.ndarray  # (folds * n_classes,)
    calibrate: _Calibration  # one calibrator per column of weights

    def predict_proba(self, X: Rows) -> np.ndarray:
        n, k = X.shape[0], len(self.classes)
        proba = self.calibrate(X.dot(self.weights) + self.intercepts).reshape(n, -1, k)
        # Each fold's probabilities are normalised over the classes, then the folds averaged.
        total = proba.sum(axis=2, keepdims=True)
        proba = np.divide(proba, total, out=np.full_like(proba, 1 / k), where=total != 0)
        mean = proba.mean(axis=1)
        mean[(mean > 1.0) & (mean <= 1.0 + 1e-5)] = 1.0
        return mean


def _axis(calibrated: Any) -> _Axis:
    classes = np.asarray(calibrated.classes_)
    if len(classes) < 3:
        raise CompileError("binary axes are not compiled")
    columns: list[np.ndarray] = []
    intercepts: list[np.ndarray] = []
    calibrators: list[Any] = []
    for fold in calibrated.calibrated_classifiers_:
        estimator = fold.estimator
        if not hasattr(estimator, "coef_") or list(estimator.classes_) != list(classes):
            raise CompileError(f"{type(estimator).__name__} is not a linear model over all classes")
        columns.append(np.asarray(estimator.coef_, dtype=np.float64).T)
        intercepts.append(np.asarray(estimator.intercept_, dtype=np.float64))
        calibrators.extend(fold.calibrators)
    # float32 halves the largest array; probabilities move by under 5e-5 (tests/nlp/test_compiled.py).
    weights = np.ascontiguousarray(np.hstack(columns), dtype=np.float32)
    return _Axis(classes, weights, np.concatenate(intercepts), _Calibration.of(calibrators))


@dataclass(frozen=True)
class _Counts:
    """A block of columns computed from the text's reading (danger cues, urgency factors)."""

    name: str
    counter: ReadingCounts
    offset: int

    def features(self, reading: Reading) -> tuple[np.ndarray, np.ndarray]:
        row = self.counter.row(reading)
        idx = np.fromiter((self.offset + j for j in row), np.int64, len(row))
        return idx, np.fromiter(row.values(), np.float32, len(row))


class CompiledModel:
    """The fitted pipeline's features and classifiers, ready for one text at a time."""

    def __init__(self, blocks: list[_Block], counts: list[_Counts], n_features: int, axes: list[_Axis]) -> None:
        self.blocks = blocks
        self.counts = counts
        self.axes = axes
        self.n_features = n_features
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
            for counts in self.counts:
                for k, name in enumerate(counts.counter.get_feature_names_out()):
                    names[counts.offset + k] = str(name)
            self._names = names
        owners: list[_Block | _Counts] = [*self.blocks, *self.counts]
        owner = max((b for b in owners if j >= b.offset), key=lambda b: b.offset)
        return f"{owner.name}__{self._names[j]}"

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> "CompiledModel":
        """Raises CompileError for a pipeline it cannot reproduce exactly (e.g. naive Bayes), an
        unchecked scikit-learn, or when the compiled n-gram module was never built."""
        import sklearn

        require_checked("scikit-learn", sklearn.__version__, "nlp.compiled", CompileError)
        if not BUILT:
            raise CompileError("nlp._ngrams is not built (pip install -e .)")
        try:
            return cls._compile(pipeline)
        except (AttributeError, KeyError, TypeError) as exc:  # a fitted attribute missing or of another shape
            raise CompileError(f"the pipeline lacks what the compiler reads ({type(exc).__name__}: {exc})") from None

    @classmethod
    def _compile(cls, pipeline: Pipeline) -> "CompiledModel":
        union = pipeline.named_steps["features"]
        blocks: list[_Block] = []
        counts: list[_Counts] = []
        offset = 0
        for name, transformer in union.transformer_list:
            if isinstance(transformer, TfidfVectorizer):
                blocks.append(_block(name, transformer, offset))
                offset += len(transformer.vocabulary_)
            elif isinstance(transformer, ReadingCounts):
                counts.append(_Counts(name, transformer, offset))
                offset += len(transformer.names_)
            else:
                raise CompileError(f"feature block {type(transformer).__name__} is not compiled")
        axes = [_axis(est) for est in pipeline.named_steps["classify"].estimators_]
        return cls(blocks, counts, offset, axes)

    def transform(self, texts: Sequence[str], readings: Sequence[Reading] | None = None) -> Rows:
        """Feature rows of normalised texts; pass the texts' readings to avoid finding them twice."""
        indices: list[np.ndarray] = [np.empty(0, np.int64)]
        data: list[np.ndarray] = [np.empty(0, np.float32)]
        indptr = [0]
        for i, text in enumerate(texts):
            reading = read(text) if readings is None else readings[i]
            row = [block.features(text) for block in self.blocks]
            row.extend(counts.features(reading) for counts in self.counts)
            for idx, values in row:
                indices.append(idx)
                data.append(values)
            indptr.append(indptr[-1] + sum(len(idx) for idx, _ in row))
        return Rows(
            np.asarray(indptr, dtype=np.int64),
            np.concatenate(indices),
            np.concatenate(data),
            (len(texts), self.n_features),
        )

    def predict_axis(self, X: Rows, axis: int) -> np.ndarray:
        return self.axes[axis].predict_proba(X)

    def predict_proba(self, X: Rows) -> list[np.ndarray]:
        return [axis.predict_proba(X) for axis in self.axes]
