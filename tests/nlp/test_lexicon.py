"""The lexicon format: lists, phrases, gaps, exclusions, and errors that name file and line."""

from pathlib import Path

import pytest

from nlp.lexicon import LexiconError, load


def lexicon(tmp_path: Path, **files: str) -> Path:
    for name, body in files.items():
        (tmp_path / f"{name}.lex").write_text(body, encoding="utf-8")
    return tmp_path


def test_lists_phrases_optional_tokens_and_gaps(tmp_path: Path) -> None:
    root = lexicon(
        tmp_path,
        _words="@who = 你 他 全家\n@who = 我  # a second line adds words\n",
        threat="扬言 ~4 杀 了? @who\n同归于尽\n",
    )
    pattern = load(root).patterns["threat"]
    assert pattern.search("他扬言要杀了我")
    assert pattern.search("扬言说杀你")
    assert pattern.search("要同归于尽")
    assert not pattern.search("扬言，杀你")  # a plain gap does not cross a clause
    assert not pattern.search("扬言要把那头猪杀了")


def test_sentence_gaps_and_exclusions(tmp_path: Path) -> None:
    root = lexicon(tmp_path, hazard="围墙 ~~10 随时 ~3 倒\n", weapon="拿 着? 刀 !~4:切|削\n")
    lex = load(root)
    assert lex.patterns["hazard"].search("他家的围墙歪了，随时会倒")
    assert not lex.patterns["hazard"].search("他家的围墙歪了。随时会倒")  # not across a sentence
    assert lex.patterns["weapon"].search("他拿着刀站在门口")
    assert not lex.patterns["weapon"].search("我拿着刀在厨房切菜")


def test_lists_may_stand_among_literal_alternatives(tmp_path: Path) -> None:
    root = lexicon(tmp_path, _w="@kin = 老人 孩子\n", neglect="遗弃 @kin|婴儿\n")
    pattern = load(root).patterns["neglect"]
    assert pattern.search("遗弃婴儿") and pattern.search("遗弃老人")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a": "杀 @nobody\n"}, "a.lex:1: unknown list @nobody"),
        ({"a": "杀 ~x\n"}, "a.lex:1: a gap is"),
        ({"a": "@empty =\n"}, "a.lex:1: a list is"),
        ({"_lists": "杀人\n"}, "_lists.lex:1: files starting with _ hold lists only"),
        ({"a": "# only a comment\n"}, "a.lex: no phrases"),
    ],
)
def test_errors_name_the_file_and_line(tmp_path: Path, files: dict[str, str], message: str) -> None:
    with pytest.raises(LexiconError, match=message):
        load(lexicon(tmp_path, **files))
