"""The one rule for a text coming in, wherever it comes in: the API, the labelled files training
reads and the spreadsheets `import` takes, so that none of them accepts a text another refuses.

A text must hold something other than blanks, and be at most `limit` characters (the process's
`max_text_chars` setting, DT_MAX_TEXT_CHARS) both as sent and as Unicode normalisation (NFKC)
expands it: the work of normalising and reading a text grows with the latter.
"""

import re

from nlp.normalize import NFKC_MAX_GROWTH, nfkc_length

# Every character that counts as blank in Python or in JSON Schema's (ECMAScript) regexes, spelt
# out so the API schema's pattern and this check agree on what "only whitespace" means.
BLANK_CLASS = r" \t\n\r\f\v\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_BLANK = re.compile(f"[{BLANK_CLASS}]*")


class TextRefused(ValueError):
    """Why a text is refused, worded to follow the name of the field: "text <message>"."""

    def __init__(self, message: str, *, blank: bool = False) -> None:
        super().__init__(message)
        self.blank = blank


def is_blank(text: str) -> bool:
    return _BLANK.fullmatch(text) is not None


def check_text(text: str, limit: int) -> int:
    """The text's length after normalisation (which bounds the work), or TextRefused."""
    if is_blank(text):
        raise TextRefused("is empty or only whitespace", blank=True)
    if len(text) > limit:
        raise TextRefused(f"has {len(text)} characters; the limit is {limit}")
    if len(text) * NFKC_MAX_GROWTH <= limit:
        return len(text)
    size = nfkc_length(text)
    if size > limit:
        raise TextRefused(f"has {size} characters after Unicode normalisation (NFKC); the limit is {limit}")
    return size
