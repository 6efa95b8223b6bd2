"""Finds explicit danger in a text: weapons, self-harm, violence, threats, people held, groups
gathering, dependants left without care, physical hazards.

The phrase lists are data (`resources/cues/<signal>.txt`, one regular expression a line); this
module only applies them. A cue found in a clause that also names the past (去年, 上个月 …) or
right after a denial (没有, 不会 …) is not danger now and is not reported.
"""

import re
from dataclasses import dataclass
from functools import cache

from nlp.resources import resource

CUE_DIR = resource("cues")
_CLAUSE_END = re.compile(r"[。！？!?;；，,\n]")
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


def _clause_around(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right_match = _CLAUSE_END.search(text, end)
    return text[left : right_match.start() if right_match else len(text)]


def _guarded(text: str, start: int, end: int) -> bool:
    if _guard("past").search(_clause_around(text, start, end)):
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
