"""Facts of a text that labels.md names as urgency factors but that n-grams read poorly.

*Many people affected* (ten or more people or households with money, land or housing at stake)
makes a case `medium`. Character n-grams see "40户" and "二十多名" as unrelated strings, and
"三个工人" looks much like "三十个工人"; a flag for a head count of ten or more lets the linear
model weigh the rule once, whatever numerals the writer used.

A fact is a model feature only: unlike a danger cue it never lifts urgency by itself.
"""

import re

MANY_PARTIES = "many_parties"
FACTS = (MANY_PARTIES,)

# Who is counted: people, households, and the groups intake texts count by head.
_PARTIES = (
    r"(?:人(?!民)|户|家|工人|农民工|民工|工友|师傅|村民|农户|牧户|住户|业主|居民|职工|员工|老师|教师|学员|会员|"
    r"家长|租户|商户|摊主|群众|乘客|患者|学生|骑手|司机|老人)"
)
# A head count: Arabic digits, or Chinese numerals with a unit of ten or more (十, 百, 千, 万),
# then an optional 多/余/来/几 and measure word.
_COUNT = re.compile(
    r"(?P<arabic>\d+)|(?P<chinese>[零一二两三四五六七八九几数上]*[十百千万][零一二两三四五六七八九十百千万几]*)"
)
_HEADS = re.compile(
    rf"(?<![第\d.])(?:{_COUNT.pattern})\s*(?P<more>多|余|来|几)?\s*(?P<measure>个|名|位)?\s*(?P<who>{_PARTIES})"
)
# "401住户", "1203业主", "602家": a flat number (floor, then 01 to 12), not a head count.
_FLAT_WORDS = ("户", "家", "住户", "业主")


def _ten_or_more(match: re.Match[str]) -> bool:
    arabic = match.group("arabic")
    if arabic is not None:
        bare = not match.group("more") and not match.group("measure")
        flat = bare and len(arabic) >= 3 and 1 <= int(arabic[-2:]) <= 12 and match.group("who") in _FLAT_WORDS
        return int(arabic) >= 10 and not flat
    return match.group("chinese") != "万"  # 十, 百, 千 or 万 in a numeral count ten or more; "万家" is a name


def facts(text: str) -> list[str]:
    """Names of the facts found in a normalised (simplified) text."""
    found = []
    if any(_ten_or_more(m) for m in _HEADS.finditer(text)):
        found.append(MANY_PARTIES)
    return found
