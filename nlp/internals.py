"""The library versions the hand-written fast paths were checked against, and the refusal of others.

`nlp/compiled.py` reproduces scikit-learn's predictions from fitted attributes and `nlp/_segment.pyx`
jieba's segmentation from its tables; their docstrings list the internals they rely on. Another
version may have moved any of them, so it is refused in one line naming both versions, before any
attribute is read, and the library's own code runs instead (the fall back is logged once).
Checking a new version: install it, run `tests/nlp/test_compiled.py` and `tests/nlp/test_segment.py`
(which hold the fast paths to the libraries), then add it here.
"""

CHECKED: dict[str, tuple[str, ...]] = {
    "scikit-learn": ("1.9.1",),
    "jieba": ("0.42.1",),
}


class FastPathRefused(Exception):
    """A fast path cannot reproduce the library here; the message is the one line to log."""


def require_checked(
    library: str, installed: str, user: str, error: type[FastPathRefused] = FastPathRefused
) -> None:
    """Raise `error` unless `installed` is a version of `library` that `user` was checked against."""
    if installed not in CHECKED[library]:
        raise error(
            f"{user} was checked against {library} {', '.join(CHECKED[library])}, not the installed {installed}"
        )
