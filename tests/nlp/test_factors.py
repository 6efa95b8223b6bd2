"""labels.md's urgency factors: each found in its usual forms, and its look-alikes left alone."""

import pytest

from nlp.factors import detect, names, number
from nlp.normalize import normalize


def factor_names(text: str) -> set[str]:
    return {f.name for f in detect(normalize(text))}


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("12", 12), ("十", 10), ("二十", 20), ("一百二十", 120), ("两百", 200), ("十几", 11), ("几十", 20), ("半", 0.5)],
)
def test_numerals_in_both_scripts_are_read(numeral: str, value: float) -> None:
    assert number(numeral) == value


POSITIVES = {
    "many_affected": [
        "包工头欠我们二十几个人三个月工资",
        "拖欠12名工人工资",
        "全村四十多户的地被占了",
        "三十余户村民的青苗费没发",
        "十几户人家的水管被他挖断了",
        "一百多名农民工在工地门口等",
        "全體業主都不同意",
    ],
    "irreversible_loss": [
        "麦子快熟了他还不让收",
        "他家正在打地基，已经占到我家地里了",
        "房东让我们月底前搬走",
        "马上过年了，工钱还不给",
        "再不放水秧苗就要旱死了",
        "挖掘机已经开到地头了",
    ],
    "property_damage": [
        "楼上漏水把我家天花板泡坏了",
        "他把我家的玻璃砸碎了",
        "他家的羊把我家麦子糟蹋了一大片",
        "水还在一直往下滴",
        "一下雨我家墙就渗水",
    ],
    "vague_threat": ["你等着瞧", "他说要给我点颜色看看", "他放话说不会放过我们", "走着瞧，这事没完"],
    "failed_mediation": [
        "村里调解了好几次都没用",
        "双方情绪激动，互不相让",
        "协调未果",
        "多次上门协商，他就是不理",
    ],
    "escalating": ["两家越吵越凶", "他又来堵我家门了", "三天两头上门骂", "矛盾越来越严重"],
    "money_needed": [
        "我妈住院急需手术费",
        "没有收入，连饭都吃不上",
        "孩子看病的钱都没有着落",
        "房东天天催房租",
    ],
    "dependant": ["家里有八十多岁的老母亲", "我儿子是残疾人", "老人瘫痪在床"],
    "recent": ["昨天晚上他又来了", "两天前他砸了我家玻璃", "刚刚发生的", "三个小时前"],
    "long_ago": ["三个月前吵过一次", "这是去年的事", "几年前分的地", "这是历史遗留问题"],
    "stable": ["想咨询一下怎么办", "这事不急，有空来看看", "现在相安无事"],
}


@pytest.mark.parametrize(("factor", "text"), [(f, t) for f, texts in POSITIVES.items() for t in texts])
def test_each_factor_is_found(factor: str, text: str) -> None:
    assert factor in factor_names(text), factor_names(text)


def test_every_factor_is_tested() -> None:
    assert set(names()) == set(POSITIVES)


@pytest.mark.parametrize(
    ("factor", "text"),
    [
        ("many_affected", "拖欠9名工人工资"),  # under ten
        ("many_affected", "3号楼401住户反映楼上漏水"),  # a flat number, not a head count
        ("many_affected", "他欠了我十几万块钱"),  # money, not people
        ("many_affected", "这事拖了十几年"),  # years, not people
        ("recent", "三个月前的事了"),
        ("long_ago", "两天前他又来闹"),
        ("irreversible_loss", "他家去年盖的房"),
        ("vague_threat", "我等着你的回复"),
        ("money_needed", "他欠我的钱一直没还"),
        ("property_damage", "他家的狗天天叫，吵得睡不着"),
        ("failed_mediation", "想请村里帮忙调解一下"),
        ("escalating", "两家关系一直还行，这次是第一次吵"),
        ("dependant", "我跟邻居为停车的事有矛盾"),
        ("stable", "他拿着刀在门口骂，快来人"),
        ("irreversible_loss", "他家的房子盖了好几年了"),
    ],
)
def test_look_alikes_are_not_the_factor(factor: str, text: str) -> None:
    assert factor not in factor_names(text)


def test_overlapping_phrases_of_one_factor_are_reported_once() -> None:
    found = [f for f in detect("包工头欠我们二十几个人工资") if f.name == "many_affected"]
    assert [f.phrase for f in found] == ["二十几个人"]
