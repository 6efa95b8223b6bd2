"""Brings raw intake text to one canonical form before anything looks at it.

Traditional script becomes simplified (OpenCC's tw2s table, which also turns the particle 著 into 着), full-width
forms become half-width (NFKC), control characters go, pinyin that scraped text carries after
characters (創(chuàng)穩(wěn) -> 创稳) is dropped, and runs of whitespace become one space.
"""

import re
import unicodedata
from functools import cache

import opencc

# A parenthesised run of lowercase pinyin syllables (tone marks or digits) right after a Han
# character: the artefact web pages leave behind. Capitalised words and anything with a Han
# character inside the brackets are left alone, so "(Tom)" or "(东村)" survive.
_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff])\s?\(\s?"
    r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ]{1,7}[1-5]?"
    r"(?:\s[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ]{1,7}[1-5]?){0,3}"
    r"\s?\)"
)
_WHITESPACE = re.compile(r"\s+")
_NOT_HAN = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("tw2s")


def _drop_controls(text: str) -> str:
    # Category C* is controls, format marks (zero-width joiners, BOMs), surrogates and unassigned
    # code points; whitespace controls become a space so words on two lines stay apart.
    return "".join(" " if ch.isspace() else ch for ch in text if ch.isspace() or unicodedata.category(ch)[0] != "C")


def normalize(text: str) -> str:
    """Canonical form of one text; total on any string and idempotent."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isprintable():  # printable text has no control, format or unassigned character
        text = _drop_controls(text)
    text = _PINYIN.sub("", text)
    text = _t2s().convert(text)
    text = unicodedata.normalize("NFKC", text)
    return _WHITESPACE.sub(" ", text).strip()


def han_count(text: str) -> int:
    """Number of Han characters: too few of them and the model cannot judge the text."""
    return len(_NOT_HAN.sub("", text))


# No code point grows more than this under NFKC (U+FDFA, ﷺ, becomes 18 characters); a test checks
# it against unicodedata over every code point. Texts shorter than limit / NFKC_MAX_GROWTH need no check.
NFKC_MAX_GROWTH = 18


def nfkc_length(text: str) -> int:
    """Length of the text once NFKC has expanded it (U+FDFA alone becomes 18 characters): the work
    normalisation and the model do grows with this, not with the length the caller sent."""
    return len(text) if unicodedata.is_normalized("NFKC", text) else len(unicodedata.normalize("NFKC", text))
