"""The plain baseline every claim about the product is measured against: character 1-3-gram
TF-IDF and one logistic regression per label axis, on the raw text, with no normalisation,
cues, factors, clause reading, stacking, calibration or rules. If the product does not beat it
on cases it has not seen, what was built on top is not earning its keep (docs/model.md)."""

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multioutput import MultiOutputClassifier
from sklearn.pipeline import Pipeline

from nlp.predictor import AxisPrediction, Prediction
from training.dataset import Record

C = 10.0  # the best of 1, 3, 10 and 30 on grouped cross-validation of the corpus (docs/model.md)


def fit_baseline(records: Sequence[Record], *, c: float = C) -> Pipeline:
    pipeline = Pipeline(
        [
            ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True)),
            ("classify", MultiOutputClassifier(LogisticRegression(C=c, max_iter=3000))),
        ]
    )
    return pipeline.fit([r.text for r in records], np.array([[r.type, r.urgency] for r in records]))


def predict_baseline(pipeline: Pipeline, texts: Sequence[str]) -> list[Prediction]:
    """The baseline's argmax labels as Predictions, never sent to review."""
    probas = pipeline.predict_proba(list(texts))
    classes = [list(map(str, est.classes_)) for est in pipeline.named_steps["classify"].estimators_]
    out = []
    for i in range(len(texts)):
        axes = []
        for axis_probs, axis_classes in zip(probas, classes, strict=True):
            scores = {c: float(p) for c, p in zip(axis_classes, axis_probs[i], strict=True)}
            label = max(scores, key=scores.__getitem__)
            axes.append(AxisPrediction(label, scores[label], scores))
        out.append(Prediction(type=axes[0], urgency=axes[1], cues=[], needs_review=False))
    return out
