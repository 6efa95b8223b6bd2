"""Cuts a normalised text into the pieces the clause reading scores one by one.

A long account can hold one present danger in a single clause at its end; read as a whole, its
many ordinary n-grams outweigh that clause. Scoring each piece as well lets one dangerous
sentence count for what it is. Pieces are sentences; a sentence longer than `max_chars` (voice
typing with commas only, or none) is cut at clause marks or spaces into runs of at most that
length, so that no piece is itself a long account.
"""

from nlp.cues import SENTENCE_MARKS
from nlp.lexicon import CLAUSE_MARKS

MAX_CHARS = 60
_BREAKS = frozenset(CLAUSE_MARKS + " ")
_ENDS = frozenset(SENTENCE_MARKS)


def _cut(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    if end - start <= max_chars:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    piece_start = last_break = start
    for i in range(start, end):
        if text[i] in _BREAKS:
            if i + 1 - piece_start > max_chars and last_break > piece_start:
                pieces.append((piece_start, last_break))
                piece_start = last_break
            last_break = i + 1
    pieces.append((piece_start, end))
    return pieces


def pieces(text: str, max_chars: int = MAX_CHARS) -> list[tuple[int, int]]:
    """(start, end) of each piece, in order, covering the text; pieces without a Han character
    are left out (a lone "好的。" or a phone number says nothing of danger)."""
    out: list[tuple[int, int]] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in _ENDS:
            out.extend(_cut(text, start, i + 1, max_chars))
            start = i + 1
    if start < len(text):
        out.extend(_cut(text, start, len(text), max_chars))
    return [(a, b) for a, b in out if any("\u3400" <= ch <= "\u9fff" for ch in text[a:b])]
