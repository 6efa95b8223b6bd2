"""Word segmentation with jieba and the domain dictionary in `resources/userdict.txt`.

The dictionary uses jieba's own format, one entry a line: `word freq tag`. The tokenizer is built
lazily on first use behind a lock (jieba's own pattern), so importing this module is cheap and
the service can warm it at start-up instead.
"""

import logging
import threading

import jieba

from nlp.resources import resource

jieba.setLogLevel(logging.WARNING)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def get_tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                tok = jieba.Tokenizer()
                tok.initialize()
                tok.load_userdict(str(resource("userdict.txt")))
                _tokenizer = tok
    return _tokenizer


def warm() -> None:
    """Build the dictionary now (about a second) rather than on the first request."""
    get_tokenizer()


def tokenize(text: str) -> list[str]:
    """Words of an already normalised text, without whitespace and punctuation tokens.

    A plain module-level function so that a fitted vectorizer holding it pickles cleanly.
    """
    return [w for w in get_tokenizer().lcut(text, HMM=True) if any(ch.isalnum() for ch in w)]
