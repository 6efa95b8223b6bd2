"""Finds explicit danger in a text: weapons, self-harm, violence, threats, people held, groups
gathering, dependants left without care, physical hazards.

The phrase lists are data (`resources/cues/<signal>.txt`, one regular expression a line); this
module only applies them. A cue is not danger now, and is not reported, when it is history or
denied (labels.md: violence weeks ago is history):
- its clause names the past (去年, 上个月 …) and nothing between that word and the end of the
  cue says now (今天, 刚才, 又, 正在 …);
- for events that end (violence, groups gathering) also when the clause before, in the same
  sentence, names the past with nothing saying now up to the cue; and, for violence, when the
  injury is said to have healed (已痊愈, 伤好了 …, not 无法恢复) in its clause or the next;
- it comes right after a denial (没有, 不会 …).
Weapons, threats, self-harm, confinement, neglect and hazards are present by nature: only their
own clause can put them in the past.
"""

import re
from dataclasses import dataclass
from functools import cache

from nlp.resources import resource

CUE_DIR = resource("cues")
_SENTENCE_END = "。！？!?;；\n"
_CLAUSE_END = _SENTENCE_END + "，,:"  # normalisation turns "：" into ":"; form fields end there
_NEGATION_WINDOW = 3
_EVENTS = frozenset({"violence", "gathering"})  # signals that happen and end, so can be history
_INJURY = "violence"
_NOT_HEALED = re.compile(r"(?:无法|没法|很难|难以|不能|不可能|还没|没有|没|未)$")


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


def _in_past(text: str, left: int, cue_start: int, cue_end: int) -> bool:
    """True if text[left:cue_start] names the past and nothing from there to the cue's end says
    now; a present word inside the cue itself counts ("上个月吵过 正在打架")."""
    past = [m.end() for m in _guard("past").finditer(text, left, cue_start)]
    return bool(past) and not _guard("present").search(text, past[-1], cue_end)


def _healed_after(text: str, end: int, until: int) -> bool:
    for m in _guard("healed").finditer(text, end, until):
        if not _NOT_HEALED.search(text, max(end, m.start() - _NEGATION_WINDOW), m.start()):
            return True
    return False


def _guarded(text: str, signal: str, start: int, end: int) -> bool:
    clause_start, clause_end = _span_around(_CLAUSE_END, text, start, end)
    if _guard("past").search(text, start, clause_end):  # "砍伤我是去年的事"
        return True
    if _in_past(text, clause_start, start, end):
        return True
    if signal in _EVENTS and clause_start > 0 and text[clause_start - 1] not in _SENTENCE_END:
        previous_start, _ = _span_around(_CLAUSE_END, text, clause_start - 1, clause_start - 1)
        if _in_past(text, previous_start, start, end):
            return True
    if signal == _INJURY:
        next_end = (
            _span_around(_CLAUSE_END, text, clause_end + 1, clause_end + 1)[1] if clause_end < len(text) else clause_end
        )
        if _healed_after(text, end, next_end):
            return True
    return bool(_guard("negation").search(text[max(0, start - _NEGATION_WINDOW) : start]))


def detect(text: str) -> list[Cue]:
    """Danger cues in a normalised text, in order of appearance, each phrase once."""
    found: list[tuple[int, Cue]] = []
    seen: set[str] = set()
    for signal, pattern in _signals().items():
        for match in pattern.finditer(text):
            phrase = match.group(0)
            if phrase in seen or _guarded(text, signal, match.start(), match.end()):
                continue
            seen.add(phrase)
            found.append((match.start(), Cue(phrase=phrase, signal=signal)))
    return [cue for _, cue in sorted(found, key=lambda item: item[0])]
