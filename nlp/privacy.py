"""Masks personal numbers and accounts before a text or id is stored, exported or shown outside a
response: phone numbers, ID-card and bank-card numbers, e-mail addresses, QQ and WeChat ids and
vehicle plates.

People write numbers in many ways, so digits are read the way a person reads them: ASCII,
full-width or any other decimal digits and Chinese numerals (一三八, 幺, 〇/零, 壹贰叁…) all count,
and groups of digits joined by a separator (space, `-`, `–`, `—`, `.`, `·`, `/`, brackets,
zero-width spaces) are read as one number. Within such a run every span of whole groups is tested
against the formats below, longest first, so `138 1234 5678 2023 11 05` masks the phone and leaves
the date.

    mobile          1[3-9] and 9 digits, optionally after 86 / 0086   keeps 3 first, 4 last
    landline        0 + area code (010, 02x, 0xxx) + 7-8 digits,     keeps the area code, 4 last
                    optionally after 86 / 0086 without the 0
    hotline         400 / 800 + 7 digits                             keeps 3 first, 4 last
    ID card         18 digits (last may be X) or 15, with a region   keeps 6 first, 4 last
                    code and a real month and day where the birth date sits
    bank card       16-19 digits starting 3-6 that pass Luhn, or     keeps 4 first, 4 last
                    any starting 62 (UnionPay, checked or mistyped)
    after 电话/手机/座机/tel…: a local number of 7-8 digits          keeps 4 last
    after QQ/微信/vx…: an account of 5-11 digits                       keeps 2 last
    e-mail          local part masked                                 keeps its first character
    WeChat id       after 微信/vx/wx…: a letter then 5-19 of [-_A-Za-z0-9]  keeps first and last
    plate           province + city letter + 5-6 characters          keeps those two and the last

Dates, times, amounts, case numbers (（2023）京0105民初12345号), postcodes and short numbers match
none of these and stay; tests/nlp/test_privacy.py holds the table of formats and look-alikes.

A masked span is written without its inner separators (`138.1234.5678` -> `138****5678`), so it
is one group holding `*`, which is never read again: mask is idempotent. Structural rules are
used instead of a validity list such as phonenumbers' metadata on purpose: a number on a newly
allocated or mistyped prefix is still personal, so masking errs towards too much.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

_CHINESE_DIGITS = {c: str(i % 10) for i, c in enumerate("〇一二三四五六七八九零壹贰叁肆伍陆柒捌玖")} | {"幺": "1"}
_DIGIT = r"\d" + "".join(_CHINESE_DIGITS)
_GROUP = rf"[{_DIGIT}*]+(?:[XxＸｘ](?![A-Za-z0-9]))?"
_SEPARATOR = r"[\s\-‐‑‒–—―−－﹣.．·・•_/()（）\u200b-\u200d\u2060\ufeff]"
_RUN = re.compile(rf"{_GROUP}(?:{_SEPARATOR}{{1,3}}{_GROUP})*")
_GROUPS = re.compile(_GROUP)
_LONGEST = 19  # digits in the longest format (a bank card)

_TAIL = r"[\s:：号码是为（(+]{0,4}$"
_PHONE_CONTEXT = re.compile(
    rf"(?:电话|手机|座机|固话|热线|联系方式|联系|致电|拨打|号码|(?<![A-Za-z])(?:tel|phone)){_TAIL}", re.I
)
_ACCOUNT_CONTEXT = re.compile(rf"(?:QQ|扣扣|微信|威信|[vV]信|(?<![A-Za-z])(?:weixin|wechat|vx|wx)){_TAIL}", re.I)

_CC = r"(?:0086|86)"
_AREA = r"(?:10|2\d|[3-9]\d\d)"
_ID_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"


@dataclass(frozen=True)
class Format:
    """One kind of number: its digits as a regex, and how many digits stay visible at each end."""

    name: str
    pattern: re.Pattern[str]
    keep: Callable[[re.Match[str]], tuple[int, int]]
    context: str | None = None  # only right after a phone or account keyword
    check: Callable[[str], bool] = lambda _: True


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _fixed(first: int, last: int) -> Callable[[re.Match[str]], tuple[int, int]]:
    return lambda _: (first, last)


def _up_to(group: str, last: int) -> Callable[[re.Match[str]], tuple[int, int]]:
    return lambda m: (m.end(group), last)


FORMATS: tuple[Format, ...] = (
    Format("mobile", re.compile(rf"(?P<head>{_CC}?1[3-9]\d)\d{{8}}"), _up_to("head", 4)),
    Format("ID card", re.compile(rf"[1-8]\d{{5}}(?:18|19|20)\d\d{_ID_DATE}\d{{3}}[\dX]"), _fixed(6, 4)),
    Format("ID card (15 digits)", re.compile(rf"[1-8]\d{{5}}\d\d{_ID_DATE}\d{{3}}"), _fixed(6, 4)),
    Format("landline", re.compile(rf"(?P<head>0{_AREA}|{_CC}{_AREA})\d{{7,8}}"), _up_to("head", 4)),
    Format("hotline", re.compile(r"[48]00\d{7}"), _fixed(3, 4)),
    Format(
        "bank card",
        re.compile(r"[3-6]\d{15,18}"),
        _fixed(4, 4),
        check=lambda d: d.startswith("62") or _luhn(d),
    ),
    Format("local phone", re.compile(r"[2-9]\d{6,7}"), _fixed(0, 4), context="phone"),
    Format("QQ or WeChat number", re.compile(r"[1-9]\d{4,10}"), _fixed(0, 2), context="account"),
)


def _digits(group: str) -> str:
    return "".join(_CHINESE_DIGITS.get(ch) or ("X" if ch in "XxＸｘ" else str(unicodedata.decimal(ch))) for ch in group)


def _keep(digits: str, context: str | None) -> tuple[int, int] | None:
    """Digits kept at the start and end if `digits` (separators removed) is a personal number."""
    for fmt in FORMATS:
        if fmt.context is not None and fmt.context != context:
            continue
        m = fmt.pattern.fullmatch(digits)
        if m and fmt.check(digits):
            return fmt.keep(m)
    return None


def _context(text: str, start: int) -> str | None:
    before = text[max(0, start - 16) : start]
    if _PHONE_CONTEXT.search(before):
        return "phone"
    if _ACCOUNT_CONTEXT.search(before):
        return "account"
    return None


def _mask_run(m: re.Match[str]) -> str:
    run = m.group()
    groups = [
        (g.start(), g.end(), "*" in g.group(), _digits(g.group().replace("*", ""))) for g in _GROUPS.finditer(run)
    ]
    context = _context(m.string, m.start())
    out, done, i = [], 0, 0
    while i < len(groups):
        if groups[i][2]:  # already masked
            i += 1
            continue
        ends, total = [], 0
        for j in range(i, len(groups)):
            total += len(groups[j][3])
            if groups[j][2] or total > _LONGEST:
                break
            ends.append(j)
        for j in reversed(ends):
            digits = "".join(g[3] for g in groups[i : j + 1])
            keep = _keep(digits, context if i == 0 else None)
            if keep is None:
                continue
            chars = [ch for g in groups[i : j + 1] for ch in run[g[0] : g[1]]]
            first, last = keep
            out += [run[done : groups[i][0]], *chars[:first], "*" * (len(chars) - first - last)]
            out += chars[len(chars) - last :]
            done, i = groups[j][1], j
            break
        i += 1
    out.append(run[done:])
    return "".join(out)


_EMAIL = re.compile(r"([A-Za-z0-9._%+-]+)(@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
_WECHAT_ID = re.compile(
    r"((?:微信号?|威信|[vV]信|(?<![A-Za-z])(?:weixin|wechat|vx|wx))[\s:：号码是为]{0,4})"
    r"([A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9*])",
    re.I,
)
_PLATE_LETTER = "A-HJ-NP-Za-hj-np-zＡ-ＨＪ-ＮＰ-Ｚ"
_PLATE = re.compile(
    rf"(?<![A-Za-z0-9])([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][{_PLATE_LETTER}]"
    rf"[·•・.．\s\-]?)((?=[{_PLATE_LETTER}]{{0,3}}\d)[{_PLATE_LETTER}\d]{{4,5}})([{_PLATE_LETTER}\d挂学警港澳领使])"
    r"(?![A-Za-z0-9])"
)


def _stars(m: re.Match[str], keep_first: int, keep_last: int, group: int) -> str:
    value = m.group(group)
    first = keep_first if len(value) > keep_first + keep_last else 0
    last = keep_last if len(value) > keep_first + keep_last else 0
    return value[:first] + "*" * (len(value) - first - last) + value[len(value) - last :]


def mask(text: str) -> str:
    """The text with every personal number and account masked; total on any string and idempotent."""
    text = _EMAIL.sub(lambda m: _stars(m, 1, 0, 1) + m.group(2), text)
    text = _WECHAT_ID.sub(lambda m: m.group(1) + _stars(m, 1, 1, 2), text)
    text = _RUN.sub(_mask_run, text)
    return _PLATE.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)
