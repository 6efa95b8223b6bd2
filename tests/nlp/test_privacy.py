"""The table of formats masking must catch (issue 13's probes among them) and of look-alikes it
must leave alone, checked against phonenumbers' own idea of a valid Chinese number, and the
properties that hold on any text: total, idempotent, no mobile number left readable."""

import re

import phonenumbers
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nlp.privacy import mask

MASKED = [
    # mobiles, however they are written (issue 13's probes first)
    ("电话138.1234.5678", "电话138****5678"),
    ("电话138–1234–5678", "电话138****5678"),
    ("电话138 123 45678", "电话138****5678"),
    ("电话１３８１２３４５６７８", "电话１３８****５６７８"),
    ("电话1 3 8 1 2 3 4 5 6 7 8", "电话138****5678"),
    ("电话一三八一二三四五六七八", "电话一三八****五六七八"),
    ("电话幺三八 幺二三四 五六七八", "电话幺三八****五六七八"),
    ("13812345678", "138****5678"),
    ("138-1234-5678", "138****5678"),
    ("138—1234—5678", "138****5678"),
    ("１３８－１２３４－５６７８", "１３８****５６７８"),
    ("138\u200b1234\u200b5678", "138****5678"),
    ("+86 138 1234 5678", "+86138****5678"),
    ("0086-13812345678", "0086138****5678"),
    ("手机：13812345678，", "手机：138****5678，"),
    ("他的号是19912345678吧", "他的号是199****5678吧"),
    # landlines and hotlines
    ("(010)12345678", "(010****5678"),
    ("01012345678", "010****5678"),
    ("010-12345678", "010****5678"),
    ("（0755）8888 6666", "（0755****6666"),
    ("0571-8765432", "0571***5432"),
    ("+86 10 1234 5678", "+8610****5678"),
    ("400-123-4567", "400***4567"),
    ("800 123 4567", "800***4567"),
    ("电话84561234", "电话****1234"),
    ("座机：8456-1234", "座机：****1234"),
    # ID cards
    ("身份证110105199003071234", "身份证110105********1234"),
    ("身份证11010519900307123X", "身份证110105********123X"),
    ("110105 19900307 123x", "110105********123x"),
    ("旧证110105900307123", "旧证110105*****7123"),
    # bank cards
    ("6222.0212.3456.7890", "6222********7890"),
    ("卡号6228 4804 0256 4890 018", "卡号6228***********0018"),
    ("4111-1111-1111-1111", "4111********1111"),
    ("卡号陆贰贰贰零贰壹贰叁肆伍陆柒捌玖零", "卡号陆贰贰贰********柒捌玖零"),
    # accounts
    ("邮箱zhangsan@163.com", "邮箱z*******@163.com"),
    ("a.b-c@mail.example.cn", "a****@mail.example.cn"),
    ("QQ：123456789", "QQ：*******89"),
    ("qq号 98765", "qq号 ***65"),
    ("扣扣12345678", "扣扣******78"),
    ("微信号：wxid_abc123", "微信号：w*********3"),
    ("加我vx zhang_san88", "加我vx z*********8"),
    ("微信13812345678", "微信138****5678"),
    ("微信：87654321", "微信：******21"),
    # plates
    ("车牌京A12345", "车牌京A****5"),
    ("粤B·D12345", "粤B·*****5"),
    ("沪a 1234学", "沪a ****学"),
    ("苏E12A45的车", "苏E****5的车"),
    # several in one text, and a run holding a phone and a date
    ("138 1234 5678 2023 11 05", "138****5678 2023 11 05"),
    ("13812345678/13912345678", "138****5678/139****5678"),
]

UNCHANGED = [
    "2023-11-05",
    "2023.11.05 10:30",
    "2023年11月5日13点",
    "20231105",
    "2023/11/05-2023/12/05",
    "欠款13,800,000元",
    "工资13800元，共1380000元",
    "赔偿12345.67元",
    "138.12元",
    "（2023）京0105民初12345号",
    "(2024)粤03民终1234号",
    "订单号2023110512345678",
    "快递单号SF1234567890123",
    "我住3栋2单元501室",
    "邮编100010",
    "身高170，体重65",
    "房号1301 1302 1303",
    "微信转账50000元",
    "QQ群里说的",
    "京A",
    "三八妇女节",
    "二〇二三年",
    "一万二千三百元",
    "12345678901",  # no mobile prefix
    "11010519901307123X",  # month 13: not an ID card, and not a card number
    "6222021234567",  # too short for a card
    "138****5678",  # masked already
    "打了110，又打了120和12345",
]


@pytest.mark.parametrize(("raw", "masked"), MASKED)
def test_personal_numbers_are_masked(raw: str, masked: str) -> None:
    assert mask(raw) == masked


@pytest.mark.parametrize("text", UNCHANGED)
def test_look_alikes_stay(text: str) -> None:
    assert mask(text) == text


FORMATS = [
    phonenumbers.PhoneNumberFormat.E164,
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.NATIONAL,
]


def national_numbers() -> st.SearchStrategy[str]:
    """Digit strings on the prefixes of Chinese mobiles, landlines and hotlines."""
    return st.one_of(
        st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
        st.from_regex(r"0(10|2[0-9]|[3-9][0-9]{2})[2-9][0-9]{6,7}", fullmatch=True),
        st.from_regex(r"[48]00[0-9]{7}", fullmatch=True),
    )


@settings(max_examples=300, deadline=None)
@given(digits=national_numbers(), style=st.sampled_from(FORMATS))
def test_every_number_phonenumbers_calls_valid_is_masked(digits: str, style: int) -> None:
    number = phonenumbers.parse(digits, "CN")
    assume(phonenumbers.is_valid_number(number))
    written = phonenumbers.format_number(number, style)
    masked = mask(f"联系{written}。")
    assert "*" in masked
    assert str(number.national_number) not in re.sub(r"\D", "", masked)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_total_and_idempotent_on_any_text(text: str) -> None:
    once = mask(text)
    assert mask(once) == once


NUMBERISH = st.lists(
    st.sampled_from(
        [
            *"0123456789 -.*Xx()（）一三八零：京A@_+",
            "13812345678",
            "110105199003071234",
            "QQ",
            "微信号",
            "电话",
            "qq.com",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(NUMBERISH)
def test_idempotent_on_text_made_of_numbers(text: str) -> None:
    once = mask(text)
    assert mask(once) == once


@settings(max_examples=300, deadline=None)
@given(
    before=st.text(max_size=20),
    phone=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    separator=st.sampled_from(["", " ", "-", ".", "–", "　"]),
    after=st.text(max_size=20),
)
def test_no_mobile_survives_whatever_surrounds_it(before: str, phone: str, separator: str, after: str) -> None:
    written = separator.join([phone[:3], phone[3:7], phone[7:]])
    masked = mask(f"{before}，{written}，{after}")
    assert f"，{phone[:3]}****{phone[7:]}，" in masked
