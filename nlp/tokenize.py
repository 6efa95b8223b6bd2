"""Word segmentation: jieba's precise mode with its HMM and the domain dictionary in
`resources/userdict.txt`, run by the compiled `nlp._segment` when it is built.

The dictionary uses jieba's own format, one entry a line: `word freq tag`. jieba loads it; the
compiled segmenter then copies jieba's tables and cuts exactly as jieba does (the same words,
tested on the corpus and on random text) about eight times faster, and jieba's own tables are
dropped. The segmenter is built lazily on first use behind a lock, so importing this module is
cheap and the service can warm it at start-up instead.

jieba internals the compiled segmenter relies on (checked on the versions in
`nlp.internals.CHECKED`; another is refused before they are read): `Tokenizer.FREQ` (word ->
frequency, prefixes at 0) and `Tokenizer.total`; `jieba.finalseg`'s `start_P`, `trans_P`,
`emit_P` and `Force_Split_Words`; the block and skip patterns of `Tokenizer.cut` and
`finalseg.cut` (copied in `_segment.pyx`). Without the compiled module (a checkout never built),
or with a jieba it was not checked against, jieba cuts by itself, and the log says why, once.
"""

import logging
import threading
from collections.abc import Callable

import jieba
import jieba.finalseg

from nlp.internals import FastPathRefused, require_checked
from nlp.resources import resource

jieba.setLogLevel(logging.WARNING)
log = logging.getLogger(__name__)

_lock = threading.Lock()
_cut: Callable[[str], list[str]] | None = None
fallback_reason: str | None = None  # why jieba cuts by itself, once the segmenter is built


def jieba_tokenizer() -> jieba.Tokenizer:
    """jieba's own tokenizer with the domain dictionary: the reference the compiled one copies."""
    tok = jieba.Tokenizer()
    tok.initialize()
    tok.load_userdict(str(resource("userdict.txt")))
    return tok


def jieba_cut(tok: jieba.Tokenizer) -> Callable[[str], list[str]]:
    def cut(text: str) -> list[str]:
        return [w for w in tok.lcut(text, HMM=True) if any(ch.isalnum() for ch in w)]

    return cut


def _build() -> Callable[[str], list[str]]:
    global fallback_reason
    tok = jieba_tokenizer()
    try:
        return _compiled(tok)
    except FastPathRefused as exc:
        fallback_reason = str(exc)
        log.warning("segmenting with jieba in Python, not nlp._segment: %s", exc, extra={"reason": str(exc)})
        return jieba_cut(tok)


def _compiled(tok: jieba.Tokenizer) -> Callable[[str], list[str]]:
    """The compiled segmenter over jieba's tables, or FastPathRefused saying why not."""
    require_checked("jieba", jieba.__version__, "nlp._segment")
    try:
        from nlp._segment import Segmenter
    except ImportError:
        raise FastPathRefused("nlp._segment is not built (pip install -e .)") from None
    if jieba.finalseg.Force_Split_Words:
        raise FastPathRefused("jieba words forced apart are not supported by nlp._segment")
    fs = jieba.finalseg
    return Segmenter(tok.FREQ, tok.total, fs.start_P, fs.trans_P, fs.emit_P).cut


def get_cut() -> Callable[[str], list[str]]:
    global _cut
    if _cut is None:
        with _lock:
            if _cut is None:
                _cut = _build()
    return _cut


def warm() -> None:
    """Build the dictionary now (about a second) rather than on the first request."""
    get_cut()


def tokenize(text: str) -> list[str]:
    """Words of an already normalised text, without whitespace and punctuation tokens.

    A plain module-level function so that a fitted vectorizer holding it pickles cleanly.
    """
    return get_cut()(text)
