"""Finds explicit danger in a text: weapons, self-harm, violence, threats, people held, groups
gathering, dependants left without care, physical hazards.

The phrase lists are data (`resources/cues/<signal>.txt`, one regular expression a line); this
module only applies them. A cue is not danger now, and is not reported, when it is history or
denied (labels.md: violence weeks ago is history):
- its clause names the past (去年, 上个月 …);
- an earlier clause of its sentence names the past and nothing between says now (今天, 刚才 …);
- later in its sentence the injury is said to have healed (已痊愈, 伤好了 …);
- it comes right after a denial (没有, 不会 …).
"""

import re
from dataclasses import dataclass
from functools import cache

from nlp.resources import resource

CUE_DIR = resource("cues")
_SENTENCE_END = "。！？!?;；\n"
_CLAUSE_END = _SENTENCE_END + "，,"
_NEGATION_WINDOW = 3


@dataclass(frozen=True)
class Cue:
    phrase: str
    signal: str


def _patterns(path_name: str) -> list[str]:
    lines = (CUE_DIR / path_name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@cache
def _signals() -> dict[str, re.Pattern[str]]:
    return {
        path.stem: re.compile("|".join(f"(?:{p})" for p in _patterns(path.name)))
        for path in sorted(CUE_DIR.glob("*.txt"))
        if not path.stem.startswith("_") and path.stem != "README"
    }


@cache
def _guard(name: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in _patterns(f"_{name}.txt")))


def signals() -> tuple[str, ...]:
    return tuple(_signals())


def _span_around(ends: str, text: str, start: int, end: int) -> tuple[int, int]:
    """The clause or sentence holding text[start:end]: one str.find per end mark is a C scan of
    the nearby text, where a regex over everything before the cue cost ~20 µs a call."""
    left = max(text.rfind(mark, 0, start) for mark in ends) + 1
    right = min((i for i in (text.find(mark, end) for mark in ends) if i >= 0), default=len(text))
    return left, right


def _past_earlier_in_sentence(text: str, sentence_start: int, cue_start: int) -> bool:
    before = text[sentence_start:cue_start]
    past = [m.end() for m in _guard("past").finditer(before)]
    return bool(past) and not _guard("present").search(before, past[-1])


def _guarded(text: str, start: int, end: int) -> bool:
    clause_start, clause_end = _span_around(_CLAUSE_END, text, start, end)
    if _guard("past").search(text, clause_start, clause_end):
        return True
    sentence_start, sentence_end = _span_around(_SENTENCE_END, text, start, end)
    if _past_earlier_in_sentence(text, sentence_start, start):
        return True
    if _guard("healed").search(text, end, sentence_end):  # "骨折，后来好了"; not "刚出院，他又拿刀"
        return True
    return bool(_guard("negation").search(text[max(0, start - _NEGATION_WINDOW) : start]))


def detect(text: str) -> list[Cue]:
    """Danger cues in a normalised text, in order of appearance, each phrase once."""
    found: list[tuple[int, Cue]] = []
    seen: set[str] = set()
    for signal, pattern in _signals().items():
        for match in pattern.finditer(text):
            phrase = match.group(0)
            if phrase in seen or _guarded(text, match.start(), match.end()):
                continue
            seen.add(phrase)
            found.append((match.start(), Cue(phrase=phrase, signal=signal)))
    return [cue for _, cue in sorted(found, key=lambda item: item[0])]
