import pytest

from nlp.cues import detect
from nlp.facts import MANY_PARTIES, facts
from nlp.features import CueCounter
from nlp.normalize import normalize


def many(text: str) -> bool:
    return MANY_PARTIES in facts(normalize(text))


@pytest.mark.parametrize(
    "text",
    [
        "包工头欠了我们二十多个农民工的工资",
        "全组40户的流转费一分没付",
        "23名教师的工资拖了两个月",
        "十几名工友一起来要钱",
        "小区上百户业主的房子交不了",
        "廠裡三十來個工人沒拿到錢",  # traditional script, normalised first
        "120多户村民的补偿款没发",
    ],
)
def test_ten_or_more_people_or_households_is_many(text: str) -> None:
    assert many(text)


@pytest.mark.parametrize(
    "text",
    [
        "我们三个人的工钱没结",
        "两家人为了地边吵了十几年",  # ten or more years, not people
        "401住户说楼上漏水",  # a flat number
        "楼上1203业主装修太吵",
        "平台卷走了我八十万人民币",
        "在万家福商城买的空调坏了",
        "第12户的院墙倒了",
        "押金1000元不退",
    ],
)
def test_fewer_people_flats_years_and_money_are_not_many(text: str) -> None:
    assert not many(text)


def test_a_fact_is_a_feature_but_never_a_danger_cue() -> None:
    text = normalize("工地上欠了三十多个工人的钱")
    assert detect(text) == []
    counter = CueCounter().fit([text])
    row = counter.transform([text]).toarray()[0]
    names = list(counter.get_feature_names_out())
    assert row[names.index(f"cue:{MANY_PARTIES}")] == 1
    assert row.sum() == 1


def test_a_counter_fitted_before_facts_existed_ignores_them() -> None:
    counter = CueCounter().fit(["x"])
    counter.signals_ = tuple(s for s in counter.signals_ if s != MANY_PARTIES)
    assert counter.transform([normalize("欠了三十多个工人的钱")]).nnz == 0
