"""The compiled segmenter cuts exactly as jieba does, so swapping it in changes no feature."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import tokenize as tokenize_module
from nlp.normalize import normalize
from training.dataset import load_corpus

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def reference():  # type: ignore[no-untyped-def]
    return tokenize_module.jieba_cut(tokenize_module.jieba_tokenizer())


def test_the_compiled_segmenter_is_built_and_used() -> None:
    from nlp._segment import Segmenter

    assert isinstance(getattr(tokenize_module.get_cut(), "__self__", None), Segmenter)


def test_same_words_as_jieba_on_every_corpus_and_test_text(reference) -> None:  # type: ignore[no-untyped-def]
    texts = [normalize(r.text) for r in load_corpus(DATA / "labeled")] + [
        normalize(r.text) for r in load_corpus(DATA / "test")
    ]
    assert len(texts) > 1000
    differing = [t for t in texts if tokenize_module.tokenize(t) != reference(t)]
    assert differing == []


# Han characters common and rare, the characters jieba keeps inside a block (+#&._%-), letters,
# digits, punctuation, whitespace, characters outside jieba's Han range and astral ones.
_ALPHABET = st.sampled_from(
    list("的一是了我不在人有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可里后小")
    + list("宅基地界包工头讨薪漏水楼上邻居吵架打人刀农药龘鿕鿖㐀𠀋あア+#&._%-abcXYZ019 ，。！？\u3000\n\t")
)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=120))
def test_same_words_as_jieba_on_random_text(reference, text: str) -> None:  # type: ignore[no-untyped-def]
    assert tokenize_module.tokenize(text) == reference(text)
