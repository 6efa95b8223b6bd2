"""scikit-learn transformers for the text path: normalisation, danger-cue counts, and the union of
character and word n-grams the classifiers read.

Characters carry short, misspelt and dialect texts that jieba segments badly; words carry the
longer ones. Both are TF-IDF with sublinear term frequency so a word repeated in a rambling call
does not drown the rest.
"""

from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from nlp.cues import detect, signals
from nlp.normalize import normalize
from nlp.tokenize import tokenize


class TextNormalizer(TransformerMixin, BaseEstimator):
    """Stateless: applies `nlp.normalize.normalize` to every text."""

    def fit(self, X: Iterable[str], y: object = None) -> "TextNormalizer":
        return self

    def transform(self, X: Iterable[str]) -> list[str]:
        return [normalize(str(x)) for x in X]

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.string = True
        return tags


class CueCounter(TransformerMixin, BaseEstimator):
    """Counts danger cues by signal, so the urgency model can weigh them beside the n-grams."""

    def fit(self, X: Iterable[str], y: object = None) -> "CueCounter":
        self.signals_ = signals()
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        index = {s: i for i, s in enumerate(self.signals_)}
        rows = [[index[c.signal] for c in detect(text)] for text in X]
        data = np.ones(sum(len(r) for r in rows), dtype=np.float64)
        indices = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=len(data))
        indptr = np.cumsum([0] + [len(r) for r in rows])
        return sp.csr_matrix((data, indices, indptr), shape=(len(rows), len(self.signals_)))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.array([f"cue:{s}" for s in self.signals_], dtype=object)


def char_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True, dtype=np.float32)


def word_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        tokenizer=tokenize,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, 2),
        min_df=2,
        sublinear_tf=True,
        dtype=np.float32,
    )


def text_features(*, words: bool = True) -> FeatureUnion:
    parts: list[tuple[str, object]] = [("chars", char_vectorizer())]
    if words:
        parts.append(("words", word_vectorizer()))
    parts.append(("cues", CueCounter()))
    return FeatureUnion(parts)
