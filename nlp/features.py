"""scikit-learn transformers for the text path: normalisation, danger-cue counts, urgency-factor
flags, and the union of character and word n-grams the classifiers read.

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

from nlp import cues, factors
from nlp.normalize import normalize
from nlp.reading import Reading, read
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


class ReadingCounts(TransformerMixin, BaseEstimator):
    """Base of the blocks that turn a `Reading` into a few columns beside the n-grams.

    `row` is the one place a reading becomes values, used by `transform` here and by the compiled
    model, so both paths give the same features.
    """

    prefix = ""

    def fit(self, X: Iterable[str], y: object = None) -> "ReadingCounts":
        self.names_ = self._names()
        self.index_ = {name: i for i, name in enumerate(self.names_)}
        return self

    def _names(self) -> tuple[str, ...]:
        raise NotImplementedError

    def row(self, reading: Reading) -> dict[int, float]:
        raise NotImplementedError

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        rows = [self.row(read(text)) for text in X]
        data = np.fromiter((v for r in rows for v in r.values()), dtype=np.float64)
        indices = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=len(data))
        indptr = np.cumsum([0] + [len(r) for r in rows])
        return sp.csr_matrix((data, indices, indptr), shape=(len(rows), len(self.names_)))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.array([f"{self.prefix}:{s}" for s in self.names_], dtype=object)


class CueCounter(ReadingCounts):
    """Counts danger cues by signal, so the urgency model can weigh them beside the n-grams."""

    prefix = "cue"

    def _names(self) -> tuple[str, ...]:
        return cues.signals()

    def row(self, reading: Reading) -> dict[int, float]:
        counts: dict[int, float] = {}
        for cue in reading.cues:
            j = self.index_[cue.signal]
            counts[j] = counts.get(j, 0.0) + 1.0
        return counts


class FactorFlags(ReadingCounts):
    """One flag per urgency factor found (labels.md's medium factors, recency, calm requests)."""

    prefix = "factor"

    def _names(self) -> tuple[str, ...]:
        return factors.names()

    def row(self, reading: Reading) -> dict[int, float]:
        return {self.index_[f.name]: 1.0 for f in reading.factors if f.name in self.index_}


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
    parts.append(("factors", FactorFlags()))
    return FeatureUnion(parts)
