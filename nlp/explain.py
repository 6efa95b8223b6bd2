"""Readable reasons: the whole words of a text that pushed the model towards a label.

The model reads character 1-3-grams beside jieba's words, and a character gram (个月工) means
nothing to a clerk. So each feature's push goes to the words of the text it lies in: a character
gram, or a word pair, to every place it occurs, widened to the whole words around it (个月工 in
三个月工资 becomes 三个月工资), never across punctuation. The pushes that land on one phrase are
added up, and the phrases that pushed most are the reasons given.
"""

from collections.abc import Iterable

from nlp.normalize import han_count
from nlp.tokenize import tokenize

Span = tuple[int, int]


def word_spans(text: str) -> list[Span]:
    """Where each word `tokenize` finds lies in the (normalised) text, in order."""
    spans: list[Span] = []
    at = 0
    for word in tokenize(text):
        start = text.find(word, at)
        if start >= 0:
            spans.append((start, start + len(word)))
            at = start + len(word)
    return spans


def _widened(spans: list[Span], start: int, end: int) -> Span | None:
    """The run of whole words covering text[start:end], or None if any of it lies outside a word."""
    covering = [s for s in spans if s[0] < end and s[1] > start]
    if not covering:
        return None
    for (_, left_end), (right_start, _) in zip(covering, covering[1:], strict=False):
        if left_end != right_start:  # punctuation or a space between the words
            return None
    return covering[0][0], covering[-1][1]


def phrases(text: str, pushes: Iterable[tuple[str, float]], top: int) -> list[str]:
    """The `top` phrases of whole words that the pushes (gram, weight > 0) land on, strongest first;
    a phrase inside a stronger one, or with fewer than two Han characters, is left out."""
    spans = word_spans(text)
    weight: dict[Span, float] = {}
    for gram, push in pushes:
        gram = gram.replace(" ", "")  # a word pair is named "w1 w2"
        if not gram:
            continue
        occurrences: list[Span] = []
        at = text.find(gram)
        while at >= 0:
            if (span := _widened(spans, at, at + len(gram))) is not None:
                occurrences.append(span)
            at = text.find(gram, at + 1)
        for span in occurrences:
            weight[span] = weight.get(span, 0.0) + push / len(occurrences)
    picked: list[str] = []
    for span in sorted(weight, key=weight.__getitem__, reverse=True):
        phrase = text[span[0] : span[1]]
        if len(picked) >= top:
            break
        if han_count(phrase) < 2 or any(phrase in p or p in phrase for p in picked):
            continue
        picked.append(phrase)
    return picked
