"""The lexicon format: lists, phrases, gaps, exclusions, and errors that name file and line."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import cues, factors
from nlp.lexicon import Lexicon, LexiconError, load
from nlp.normalize import normalize

LABELED = Path(__file__).resolve().parents[2] / "data" / "labeled"


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


# `Lexicon.finditer` tries each pattern only where an anchor word allows a start: it must find
# exactly what the pattern's own `finditer` finds.


def plain(lex: Lexicon, text: str) -> list[tuple[str, int, int, str]]:
    return [(name, m.start(), m.end(), m.group(0)) for name, p in lex.patterns.items() for m in p.finditer(text)]


def anchored(lex: Lexicon, text: str) -> list[tuple[str, int, int, str]]:
    return [(name, m.start(), m.end(), m.group(0)) for name, m in lex.finditer(text)]


TRICKY = {
    "_w": "@who = 你 他 他们 全家\n@hit = 打 打死 殴打\n",
    # Optional and gap tokens before the anchor, an anchor among overlapping words, exclusions.
    "a": "~3 @hit @who\n拿 着? ~2 刀 !~4:切|削\n他们? ~~5 围 住\n",
    # Every token optional or a gap: searched the plain way.
    "b": "他? ~2\n",
    # A literal `!` and an optional gap, read as `_token` reads them.
    "c": "! ~2? 救命\n",
}
ALPHABET = "你他们全家打死殴拿着刀切削围住救命，。！!？ 一二"


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> Lexicon:
    return load(lexicon(tmp_path_factory.mktemp("tricky"), **TRICKY))


def test_anchored_search_finds_what_the_patterns_find_on_tricky_phrases(tricky: Lexicon) -> None:
    lex = tricky
    assert "b" in lex.anchors.unanchored and "a" not in lex.anchors.unanchored
    texts = ["他们打死他全家", "殴打他们，拿着刀削", "他们在门口，围住了", "!!救命", "他他他", "打打打你你"]
    texts.append("😀𠮷他们打死他")  # outside the BMP: positions are code points for both
    for text in texts:
        assert anchored(lex, text) == plain(lex, text), text


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_anchored_search_finds_what_the_patterns_find_on_any_text(tricky: Lexicon, text: str) -> None:
    assert anchored(tricky, text) == plain(tricky, text)


@pytest.mark.parametrize("module", [cues, factors])
def test_anchored_search_finds_what_the_patterns_find_on_the_corpus(module) -> None:
    lex = module.lexicon()
    texts = [normalize(json.loads(line)["text"]) for path in sorted(LABELED.glob("*.jsonl")) for line in path.open()]
    found = 0
    for text in texts:
        expected = plain(lex, text)
        assert anchored(lex, text) == expected, text
        found += len(expected)
    assert found > 1000  # the comparison saw many matches, not only empty lists
