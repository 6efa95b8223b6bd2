from hypothesis import given
from hypothesis import strategies as st

from nlp.normalize import han_count, normalize


def test_traditional_becomes_simplified() -> None:
    assert normalize("他與廖某的承包地地界爭了好幾年") == "他与廖某的承包地地界争了好几年"


def test_pinyin_after_characters_is_dropped() -> None:
    assert normalize("創(chuàng)穩(wěn)") == "创稳"
    assert normalize("维(wei2)稳(wen3)工作") == "维稳工作"


def test_pinyin_in_fullwidth_brackets_is_dropped() -> None:
    assert normalize("調（tiáo）解") == "调解"


def test_brackets_that_are_not_pinyin_survive() -> None:
    assert normalize("东村(Tom家)") == "东村(Tom家)"
    assert normalize("王某(男)反映") == "王某(男)反映"


def test_fullwidth_becomes_halfwidth() -> None:
    assert normalize("ＡＢＣ１２３，欠薪") == "ABC123,欠薪"


def test_whitespace_collapsed_and_controls_dropped() -> None:
    assert normalize("  楼上\t\t漏水\n\n了\u200b\x07 ") == "楼上 漏水 了"


def test_han_count_ignores_latin_and_digits() -> None:
    assert han_count("abc 123 欠薪") == 2


@given(st.text())
def test_normalize_is_total_and_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
