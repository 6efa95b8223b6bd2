"""Pieces for the clause reading: sentences, long ones cut at clause marks, nothing lost."""

from nlp.clauses import pieces


def test_sentences_are_pieces_and_cover_the_text_in_order() -> None:
    text = "这块地的事吵了好几年，村里调解过三次。今年他又把界桩拔了！今天他拿着锄头站在地头。"
    cut = pieces(text)
    assert len(cut) == 3
    assert "".join(text[a:b] for a, b in cut) == text
    assert text[cut[-1][0] : cut[-1][1]] == "今天他拿着锄头站在地头。"


def test_a_long_sentence_is_cut_at_clause_marks_or_spaces() -> None:
    text = (
        "我跟你说啊这个事情是这样的 他们家那个狗天天叫 晚上也叫 我们老人睡不着觉 "
        "说了好多次了也不管 今天还把我孙子咬了一口"
    )
    cut = pieces(text, max_chars=30)
    assert len(cut) > 1
    assert all(b - a <= 30 for a, b in cut)
    assert "".join(text[a:b] for a, b in cut) == text


def test_a_clause_longer_than_the_limit_stays_whole() -> None:
    text = "甲" * 80
    assert pieces(text, max_chars=30) == [(0, 80)]


def test_pieces_without_chinese_are_left_out() -> None:
    text = "13800000000。他说要砍死我。"
    assert [text[a:b] for a, b in pieces(text)] == ["他说要砍死我。"]
