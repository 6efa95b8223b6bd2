"""Finds explicit danger in a text: weapons, self-harm, violence, threats, people held, groups
gathering, dependants left without care, physical hazards (the signals of labels.md's `high`).

The phrases are data: one lexicon file per signal in `resources/danger/` (format in
`nlp/lexicon.py`), with the guard word lists in `_guards.lex`. This module applies them clause by
clause. A phrase found is not danger now, and is not reported, when:
- its clause names the past (去年, 上个月 …) and nothing between that word and the end of the
  phrase says now (今天, 刚才, 又, 正在 …), or the past is named after it in its clause
  ("砍伤我是去年的事");
- it is an event that ends (violence, groups gathering) and the clause before, in the same
  sentence, names the past with nothing saying now up to the phrase; or, for violence, the
  injury is said to have healed (已痊愈, 伤好了 …, not 无法恢复) later in its sentence;
- it comes right after a denial (没有, 不会 …) or after a word of prevention in its clause
  (防止, 避免 …: "防止双方打起来" is care, not a fight);
- it is supposed, not told, after a word of supposition in its clause (万一, 担心会 …:
  "万一打起来怎么办"), or it is an event under a condition (要是, 如果 …); threats and
  self-harm are conditional by nature ("再不给钱就跳楼" is a threat), so conditions leave them be;
- it takes part of a phrase that only looks like danger (砍价, 杀鸡, 打死也不 …).
Weapons, threats, self-harm, confinement, neglect and hazards are present by nature: only their
own clause can put them in the past. labels.md: "violence weeks ago is history".
"""

import re
from dataclasses import dataclass
from functools import cache

from nlp.lexicon import CLAUSE_MARKS, SENTENCE_MARKS, Lexicon, load
from nlp.resources import resource

DANGER_DIR = resource("danger")
_NEGATION_WINDOW = 3
_EVENTS = frozenset({"violence", "gathering"})  # signals that happen and end, so can be history
_INJURY = "violence"
_CONDITIONAL = frozenset({"threat", "self_harm"})  # said as conditions and still danger


@dataclass(frozen=True)
class Cue:
    """A phrase behind a decision: a danger signal, or an n-gram that pushed a label (`type:land`)."""

    phrase: str
    signal: str
    start: int = -1  # offsets in the normalised text, for danger phrases
    end: int = -1


@cache
def lexicon() -> Lexicon:
    return load(DANGER_DIR)


@cache
def _guard(name: str) -> re.Pattern[str]:
    words = sorted(lexicon().words(name), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


@cache
def _ends_with_not_healed() -> re.Pattern[str]:
    return re.compile(f"(?:{_guard('not_healed').pattern})$")


def signals() -> tuple[str, ...]:
    return lexicon().names()


def span_around(marks: str, text: str, start: int, end: int) -> tuple[int, int]:
    """The clause or sentence (by `marks`) holding text[start:end]: one str.find per mark is a C
    scan of the nearby text, where a regex over everything before the cue cost ~20 µs a call."""
    left = max(text.rfind(mark, 0, start) for mark in marks) + 1
    right = min((i for i in (text.find(mark, end) for mark in marks) if i >= 0), default=len(text))
    return left, right


def _in_past(text: str, left: int, cue_start: int, cue_end: int) -> bool:
    """True if text[left:cue_start] names the past and nothing from there to the cue's end says
    now; a present word inside the cue itself counts ("上个月吵过 正在打架")."""
    past = [m.end() for m in _guard("past").finditer(text, left, cue_start)]
    return bool(past) and not _guard("present").search(text, past[-1], cue_end)


def _healed_after(text: str, end: int, until: int) -> bool:
    for m in _guard("healed").finditer(text, end, until):
        if not _ends_with_not_healed().search(text, max(end, m.start() - _NEGATION_WINDOW), m.start()):
            return True
    return False


def _look_alike(text: str, start: int, end: int) -> bool:
    """A phrase that only looks like danger overlaps the match without lying inside it."""
    for m in _guard("not_danger").finditer(text, max(0, start - 6), min(len(text), end + 6)):
        overlaps = m.start() < end and start < m.end()
        if overlaps and not (start <= m.start() and m.end() <= end):
            return True
    return False


def _guarded(text: str, signal: str, start: int, end: int) -> bool:
    clause_start, clause_end = span_around(CLAUSE_MARKS, text, start, end)
    if _guard("past").search(text, end, clause_end):  # "砍伤我是去年的事"
        return True
    if _in_past(text, clause_start, start, end):
        return True
    if signal in _EVENTS and clause_start > 0 and text[clause_start - 1] not in SENTENCE_MARKS:
        previous_start, _ = span_around(CLAUSE_MARKS, text, clause_start - 1, clause_start - 1)
        if _in_past(text, previous_start, start, end):
            return True
    if signal == _INJURY and _healed_after(text, end, span_around(SENTENCE_MARKS, text, start, end)[1]):
        return True
    if _guard("prevent").search(text, clause_start, start):
        return True
    if _guard("supposition").search(text, clause_start, start):
        return True
    if signal not in _CONDITIONAL and _guard("condition").search(text, clause_start, start):
        return True
    if _look_alike(text, start, end):
        return True
    return bool(_guard("negation").search(text[max(0, start - _NEGATION_WINDOW) : start]))


def detect(text: str) -> list[Cue]:
    """Danger cues in a normalised text, in order of appearance, each phrase once."""
    found: list[Cue] = []
    seen: set[str] = set()
    for signal, match in lexicon().finditer(text):
        phrase = match.group(0)
        if phrase in seen or _guarded(text, signal, match.start(), match.end()):
            continue
        seen.add(phrase)
        found.append(Cue(phrase=phrase, signal=signal, start=match.start(), end=match.end()))
    return sorted(found, key=lambda cue: cue.start)
