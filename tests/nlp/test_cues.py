import pytest

from nlp.cues import detect, signals
from nlp.normalize import normalize


def found(text: str) -> dict[str, str]:
    return {c.phrase: c.signal for c in detect(normalize(text))}


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("我老公喝醉了拿着菜刀在屋里转", "weapon"),
        ("他说再不给钱就喝农药", "self_harm"),
        ("工人爬上塔吊不肯下来", "self_harm"),
        ("他放话要弄死我们全家", "threat"),
        ("两家人正在打架，已经头破血流", "violence"),
        ("老人被儿子锁在柴房里", "confinement"),
        ("对方叫了一帮人来堵门", "gathering"),
        ("奶奶一个人在家三天没吃饭了", "neglect"),
        ("路口井盖没了，晚上看不见", "hazard"),
        ("他揚言要燒了我家房子", "threat"),
    ],
)
def test_each_signal_is_found(text: str, signal: str) -> None:
    assert signal in found(text).values()


def test_cue_lists_cover_every_signal_file() -> None:
    assert set(signals()) == {
        "weapon",
        "self_harm",
        "threat",
        "violence",
        "confinement",
        "gathering",
        "neglect",
        "hazard",
    }


@pytest.mark.parametrize(
    "text",
    [
        "去年他拿刀砍伤过我，现在还在吵",  # past, same clause
        "他没有拿刀，就是骂得难听",  # denied
        "他把我家门口的树砍了",  # cutting a tree is not a threat
        "老板把工资扣住不发",  # wages held, not a person
        "孩子发烧家里没人",  # 发烧 is not arson
        "楼上漏水把天花板泡坏了",
    ],
)
def test_no_cue_where_there_is_no_danger_now(text: str) -> None:
    assert found(text) == {}


def test_danger_later_in_text_counts_after_a_past_clause() -> None:
    cues = found("上个月他砍伤过我，今天又拿着刀来了")
    assert list(cues.values()) == ["weapon"]


def test_cues_are_listed_in_text_order_once_each() -> None:
    cues = detect(normalize("他拿着刀说要杀了你，拿着刀追出来"))
    assert [c.signal for c in cues][:2] == ["weapon", "threat"]
    assert len({c.phrase for c in cues}) == len(cues)


@pytest.mark.parametrize(
    "text",
    [
        "前年在工地上从架子上摔下来，手腕骨折，休养半年后已经干活了",  # past named earlier in the sentence
        "去年十月我妈下楼被他家自行车绊倒，手腕骨折，打了一个月石膏",
        "吵架时他把我推倒，胳膊骨折，现在早就好了",  # healed later in the sentence
    ],
)
def test_harm_told_as_history_is_not_danger_now(text: str) -> None:
    assert found(text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "去年他就跟我们吵过，今天拿着刀堵在门口",  # now again, after the past
        "我妈刚出院，他又拿着刀来了",  # healed before the cue says nothing about it
        "前年的事不说了。他刚才把我打得头破血流",  # another sentence
        "去年在他工地干了半年，工钱一分没给，我去要，他拿着菜刀把我赶了出来",  # weapons are never history by sentence
        "上次他打了我一巴掌，这次直接拿着刀上门了",
        "上个月两家就因为地界吵过，正在打架，快来人",  # the present word is inside the cue
        "去年他就跟我们吵过今天又拿着刀来了",  # no punctuation: the present word still counts
        "我爸被他们打到昏迷，医生说可能无法恢复了",  # not healed
        "他说要弄死我全家，现在好了，孩子都不敢上学",  # sarcastic, and threats never heal
        "他拿着刀在我家门口转悠，我爸刚做完手术出院了",
    ],
)
def test_danger_now_after_history_still_counts(text: str) -> None:
    assert found(text) != {}
