"""Finds labels.md's urgency factors in a text: the facts that decide `medium` against `low`
and that n-grams do not see as such.

Most factors are phrase lexicons in `resources/factors/` (format in `nlp/lexicon.py`). Two need
numbers, read here with Arabic or Chinese numerals (cn2an parses the latter):
- `many_affected`: ten or more people or households ("12名工人", "二十多户", "三十余人"),
  not a flat or room number ("401住户");
- `recent` / `long_ago`: a span of time before now ("两天前" is recent, "三个月前" long ago;
  labels.md: "just happened" is within the last day or two, "weeks ago" is history).

Factors are model features (`nlp.features.FactorCounter`) and the reasons a clerk is shown for
the urgency; they never decide a label by themselves.
"""

import re
from dataclasses import dataclass
from functools import cache

import cn2an

from nlp.lexicon import Lexicon, load
from nlp.resources import resource

FACTOR_DIR = resource("factors")
MANY = 10  # labels.md: "ten or more people or households"
RECENT_DAYS = 2  # labels.md: "within the last day or two"
LONG_AGO_DAYS = 7  # "weeks ago is history"

# Factors that make a case more urgent, shown to the clerk beside a medium or high urgency.
RAISING = (
    "many_affected",
    "irreversible_loss",
    "property_damage",
    "vague_threat",
    "failed_mediation",
    "escalating",
    "money_needed",
    "dependant",
)
# What the clerk reads beside each factor.
CHINESE_NAMES = {
    "many_affected": "涉及十人（户）以上",
    "irreversible_loss": "延误将造成无法挽回的损失",
    "property_damage": "财产受损或仍在受损",
    "vague_threat": "含糊威胁",
    "failed_mediation": "调解未果、情绪激动",
    "escalating": "矛盾反复、升级",
    "money_needed": "急需治疗或生活用钱",
    "dependant": "涉及老幼病残",
    "recent": "刚刚发生",
    "long_ago": "发生在过去",
    "stable": "平稳或咨询",
}
_NUMERAL = "零〇一二两三四五六七八九十百千万"
_APPROX = "多余来几"
_DAYS = {"小时": 1 / 24, "个小时": 1 / 24, "钟头": 1 / 24, "个钟头": 1 / 24, "天": 1, "日": 1}
_DAYS |= {"周": 7, "星期": 7, "个星期": 7, "礼拜": 7, "个礼拜": 7, "个月": 30, "月": 30, "年": 365}


@dataclass(frozen=True)
class Factor:
    name: str
    phrase: str
    start: int
    end: int


@cache
def lexicon() -> Lexicon:
    return load(FACTOR_DIR)


def names() -> tuple[str, ...]:
    """Every factor, in a fixed order: the lexicon files, with the numeric ones among them."""
    return tuple(sorted(set(lexicon().names()) | {"many_affected", "recent", "long_ago"}))


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _count_pattern() -> re.Pattern[str]:
    units = _alternation(lexicon().words("people_unit"))
    return re.compile(
        rf"(?<![楼号室栋幢层单元\dA-Za-z.#-])(?P<n>\d+|[{_NUMERAL}]+)(?P<approx>[{_APPROX}])?(?:个|名|位)?(?:{units})"
    )


@cache
def _span_pattern() -> re.Pattern[str]:
    units = _alternation(tuple(_DAYS))
    return re.compile(rf"(?P<n>\d+|[{_NUMERAL}半几]+)(?P<approx>[{_APPROX}])?(?P<unit>{units})(?:多)?(?:前|以前|之前)")


def number(numeral: str) -> float | None:
    """The value of an Arabic or Chinese numeral ("12", "二十", "两百"), or None."""
    if numeral.isdigit():
        return float(numeral)
    if numeral == "半":
        return 0.5
    if "几" in numeral:  # 十几 -> 10+, 几十 -> 20+, 几 -> a few
        head, _, tail = numeral.partition("几")
        base = number(head) if head else None
        if tail:
            return 2 * (number("一" + tail) or 10)
        return (base or 0) + 1 if base else 3
    try:
        return float(cn2an.cn2an(numeral, "normal"))
    except (ValueError, KeyError, IndexError):
        return None


def _counts(text: str) -> list[Factor]:
    found = []
    for m in _count_pattern().finditer(text):
        value = number(m.group("n"))
        if value is not None and value >= MANY:
            found.append(Factor("many_affected", m.group(0), m.start(), m.end()))
    return found


def _spans(text: str) -> list[Factor]:
    found = []
    for m in _span_pattern().finditer(text):
        value = number(m.group("n"))
        if value is None:
            continue
        days = value * _DAYS[m.group("unit")]
        if days <= RECENT_DAYS:
            found.append(Factor("recent", m.group(0), m.start(), m.end()))
        elif days >= LONG_AGO_DAYS:
            found.append(Factor("long_ago", m.group(0), m.start(), m.end()))
    return found


def detect(text: str) -> list[Factor]:
    """Urgency factors in a normalised text, in order of appearance; of overlapping phrases of one
    factor ("二十几个人" and "十几个人") the longest, and each phrase once per factor."""
    found = _counts(text) + _spans(text)
    found.extend(Factor(name, m.group(0), m.start(), m.end()) for name, m in lexicon().finditer(text))
    kept: list[Factor] = []
    for factor in sorted(found, key=lambda f: (f.start - f.end, f.start)):
        if not any(
            k.name == factor.name and (k.phrase == factor.phrase or (k.start < factor.end and factor.start < k.end))
            for k in kept
        ):
            kept.append(factor)
    return sorted(kept, key=lambda f: (f.start, f.name))
