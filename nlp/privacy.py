"""Masks phone, ID-card and bank-card numbers before a text is stored or shown outside a response.

The masks follow common Chinese practice: a mobile keeps its first three and last four digits,
an ID card its six-digit region code and last four, a bank card its first and last four, so a
clerk can still tell two numbers apart without being able to use either.
"""

import re

_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])|(?<!\d)(\d{6})(\d{6})(\d{3})(?!\d)")
_BANK_CARD = re.compile(r"(?<!\d)(\d{4})((?:[ -]?\d){8,11})([ -]?\d{4})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(\+?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[ -](\d{3,4})(\d{4})(?!\d)")


def _id_card(m: re.Match[str]) -> str:
    if m.group(1):
        return f"{m.group(1)}{'*' * 8}{m.group(3)[-4:]}"
    return f"{m.group(4)}{'*' * 5}{(m.group(5) + m.group(6))[-4:]}"


def _bank_card(m: re.Match[str]) -> str:
    middle = re.sub(r"\d", "*", m.group(2))
    return f"{m.group(1)}{middle}{m.group(3)}"


def _mobile(m: re.Match[str]) -> str:
    return f"{m.group(1) or ''}{m.group(2)}****{m.group(4)}"


def _landline(m: re.Match[str]) -> str:
    return f"{m.group(1)}-{'*' * len(m.group(2))}{m.group(3)}"


def mask(text: str) -> str:
    """The text with every phone, ID-card and bank-card number masked; idempotent."""
    text = _ID_CARD.sub(_id_card, text)
    text = _BANK_CARD.sub(_bank_card, text)
    text = _MOBILE.sub(_mobile, text)
    return _LANDLINE.sub(_landline, text)
