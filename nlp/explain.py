"""Readable reasons: the whole words of a text that pushed the model towards a label.

The model reads character 1-3-grams beside jieba's words, and a character gram (个月工) means
nothing to a clerk. So each feature's push goes to the words of the text it lies in: a character
gram, or a word pair, to every place it occurs, widened to the whole words around it (个月工 in
三个月工资 becomes 三个月工资), never across punctuation. The pushes that land on one phrase are
added up, and the phrases that pushed most are the reasons given.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from nlp.normalize import han_count
from nlp.tokenize import tokenize

Span = tuple[int, int]


@dataclass(frozen=True)
class Words:
    """A (normalised) text cut into words: where each lies, and which word holds each character."""

    text: str
    spans: tuple[Span, ...]
    owner: tuple[int, ...]  # per character, the index of the word holding it, or -1

    @classmethod
    def of(cls, text: str) -> "Words":
        spans: list[Span] = []
        owner = [-1] * len(text)
        at = 0
        for word in tokenize(text):
            start = text.find(word, at)
            if start >= 0:
                at = start + len(word)
                owner[start:at] = [len(spans)] * len(word)
                spans.append((start, at))
        return cls(text, tuple(spans), tuple(owner))

    def widened(self, start: int, end: int) -> Span | None:
        """The run of whole words covering text[start:end], or None if any of it lies outside a word."""
        first, last = self.owner[start], self.owner[end - 1]
        if first < 0 or last < 0:
            return None
        spans = self.spans
        for k in range(first, last):
            if spans[k][1] != spans[k + 1][0]:  # punctuation or a space between the words
                return None
        return spans[first][0], spans[last][1]


def word_spans(text: str) -> list[Span]:
    """Where each word `tokenize` finds lies in the (normalised) text, in order."""
    return list(Words.of(text).spans)


def phrases(text: str | Words, pushes: Iterable[tuple[str, float]], top: int) -> list[str]:
    """The `top` phrases of whole words that the pushes (gram, weight > 0) land on, strongest first;
    a phrase inside a stronger one, or with fewer than two Han characters, is left out."""
    words = text if isinstance(text, Words) else Words.of(text)
    text = words.text
    weight: dict[Span, float] = {}
    for gram, push in pushes:
        gram = gram.replace(" ", "")  # a word pair is named "w1 w2"
        if not gram:
            continue
        occurrences: list[Span] = []
        at = text.find(gram)
        while at >= 0:
            if (span := words.widened(at, at + len(gram))) is not None:
                occurrences.append(span)
            at = text.find(gram, at + 1)
        for span in occurrences:
            weight[span] = weight.get(span, 0.0) + push / len(occurrences)
    picked: list[str] = []
    for span in sorted(weight, key=weight.__getitem__, reverse=True):
        if len(picked) >= top:
            break
        phrase = text[span[0] : span[1]]
        if han_count(phrase) < 2 or any(phrase in p or p in phrase for p in picked):
            continue
        picked.append(phrase)
    return picked
