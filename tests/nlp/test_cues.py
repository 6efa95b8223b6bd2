"""The danger lexicon read clause by clause: each signal's ways of saying danger, and the near
misses that are not danger now (look-alike words, history, healed, denied, prevented, supposed)."""

import pytest

from nlp.cues import detect, signals
from nlp.normalize import normalize


def found(text: str) -> dict[str, str]:
    return {c.phrase: c.signal for c in detect(normalize(text))}


POSITIVES = {
    "weapon": [
        "我老公喝醉了拿着菜刀在屋里转",
        "他抄起锄头就往地里冲",
        "对方手里提着一把砍刀站在门口",
        "他把刀架在他老婆脖子上",
        "那人在院子里磨刀，说等天黑了找他算账",
        "他身上随身揣着匕首",
        "隔壁老王举起铁锹要拍人",
        "他持刀闯进了我家",
        "他拎著一把斧頭在巷口罵",  # traditional script reaches the lexicon through normalisation
    ],
    "self_harm": [
        "他说再不给钱就喝农药",
        "工人爬上塔吊不肯下来",
        "她在群里说活着没意思，想一死了之",
        "我妈把一瓶百草枯放在桌上说要死给他们看",
        "他站在楼顶边上说要跳下去",
        "老人扬言要喝药",
        "她已经写好遗书了",
    ],
    "violence": [
        "两家人正在打架，已经头破血流",
        "我老公刚才把我打了一顿",
        "他被打了，现在躺在地上",
        "孩子被他踹倒在地",
        "邻居把我爸打得满脸是血",
        "他经常打我，今天又动手了",
        "已经叫了救护车",
        "他们正在砸门",
    ],
    "threat": [
        "他放话要弄死我们全家",
        "他说要杀了我全家",
        "他揚言要燒了我家房子",
        "他说谁敢过来就砍死谁",
        "对方说要跟他同归于尽",
        "他把汽油桶搬到了人家门口",
        "他说要找人打断我的腿",
        "再不还钱就要你的命",
    ],
    "confinement": [
        "老人被儿子锁在柴房里",
        "他们把老板围在办公室不让走",
        "讨债的把我老公扣住了，不让他回家",
        "我被他们关在宿舍里出不去",
        "对方非法拘禁了我弟弟",
        "孩子被他强行抱走藏起来了，不让我见",
    ],
    "gathering": [
        "对方叫了一帮人来堵门",
        "两个村的村民拿着锄头在地头对峙",
        "双方都叫了人，越聚越多",
        "眼看就要打起来了",
        "他喊来十几个社会人员要砸店",
    ],
    "neglect": [
        "奶奶一个人在家三天没吃饭了",
        "老人三天没人送饭了",
        "他们不肯给孩子做手术",
        "老人摔倒在地上，儿子们都不管",
        "瘫痪的老父亲被扔在猪圈旁的小屋里没人照顾",
        "我爸有老年痴呆，今天早上走失了",
    ],
    "hazard": [
        "路口井盖没了，晚上看不见",
        "村口的电线断了拖在地上",
        "他家的围墙歪得厉害，随时会倒",
        "楼道里煤气味很大",
        "工地的基坑没有围挡",
        "后山塌方了，石头滚到路边",
    ],
}


@pytest.mark.parametrize(("signal", "text"), [(s, t) for s, texts in POSITIVES.items() for t in texts])
def test_each_signal_is_found_in_its_many_forms(signal: str, text: str) -> None:
    assert signal in found(text).values(), found(text)


def test_every_signal_of_labels_md_has_a_lexicon() -> None:
    assert set(signals()) == set(POSITIVES)


NEAR_MISSES = [
    # words that only look like danger
    "气死我了，他又把车停我家门口",
    "买菜的时候跟老板砍价砍了半天",
    "他家杀鸡杀鸭的，毛扔得到处都是",
    "笑死，他说他要去告我",
    "打死也不给他开门",
    "我拿着刀在厨房切菜，听见楼上吵",
    "他把我家门口的树砍了",
    "老板把工资扣住不发",
    "楼上漏水把天花板泡坏了",
    "老人每天要吃药，药费他们不出",
    "他打断了我的话",
    "他们拼命干活也拿不到钱",
    # history
    "去年他拿刀砍伤过我，现在还在吵",
    "前年在工地上从架子上摔下来，手腕骨折，休养半年后已经干活了",
    "去年十月我妈下楼被他家自行车绊倒，手腕骨折，打了一个月石膏",
    # healed
    "吵架时他把我推倒，胳膊骨折，现在早就好了",
    # denied
    "他没有拿刀，就是骂得难听",
    "他们没动手，就是吵",
    # prevented
    "调解员赶到现场，防止双方打起来",
    "为避免发生冲突，民警在场维持秩序",
    # supposed
    "万一打起来怎么办",
    "我担心会出人命",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_no_cue_where_there_is_no_danger_now(text: str) -> None:
    assert found(text) == {}


# Per signal, what reads like it and is not it now.
SIGNAL_NEAR_MISSES = {
    "weapon": ["厨房里的菜刀被他拿去磨刀石上磨了", "他去年拿过刀，现在好了", "镰刀锄头都放在仓库里"],
    "self_harm": ["我要跳槽去别的厂", "累死了，今天加了一天班", "药吃完了去医院再开点"],
    "violence": ["他正在打电话问工资的事", "上个月两家打过一架，现在不来往", "他没有动手，只是骂人"],
    "threat": ["他说要去法院告我", "他把我家的鸡杀了", "老板说再拖就去劳动局投诉"],
    "confinement": ["小区门禁坏了关不上", "他把车锁在车库里", "老板把身份证扣下了"],
    "gathering": ["为了防止双方打起来，民警在现场", "村里开会，来了很多人", "两家人坐下来谈了一下午"],
    "neglect": ["老人住在儿子家，吃住都好，就是为赡养费吵", "孩子在奶奶家住，照顾得挺好"],
    "hazard": ["井盖已经换好了", "他家墙上贴了瓷砖", "燃气公司来抄表了"],
}


@pytest.mark.parametrize(("signal", "text"), [(s, t) for s, texts in SIGNAL_NEAR_MISSES.items() for t in texts])
def test_each_signal_leaves_its_near_misses_alone(signal: str, text: str) -> None:
    assert signal not in found(text).values(), found(text)


def test_danger_later_in_text_counts_after_a_past_clause() -> None:
    cues = found("上个月他砍伤过我，今天又拿着刀来了")
    assert list(cues.values()) == ["weapon"]


def test_conditional_threats_and_self_harm_stay_danger() -> None:
    assert "self_harm" in found("要是再不给工资，我就从这楼上跳下去").values()
    assert "threat" in found("如果他再来，我就弄死他").values()


def test_cues_are_listed_in_text_order_once_each_with_their_place() -> None:
    text = normalize("他拿着刀说要杀了你，拿着刀追出来")
    cues = detect(text)
    assert [c.signal for c in cues][:2] == ["weapon", "threat"]
    assert len({c.phrase for c in cues}) == len(cues)
    assert all(text[c.start : c.end] == c.phrase for c in cues)
