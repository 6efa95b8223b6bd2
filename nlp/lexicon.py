"""Reads phrase lexicons: the data that danger signals and urgency factors are written in.

A folder holds one `<name>.lex` file per signal (or factor) and any number of `_<name>.lex`
files that only define word lists. The format, one statement a line (`#` starts a comment):

    @who = 你 他 她 你们 他们 全家        a named word list; a second line with the same
                                          name adds words. Lists are shared by every file.
    扬言 ~8 @harm                          a phrase: tokens in order, separated by spaces

Phrase tokens:
    word / a|b|c      a literal, or one of several literals
    @name / a|@name   any word of a list, alone or among literals
    token?            the token is optional
    ~N                up to N characters that do not end a clause (，。！？；: or a newline)
    ~~N               up to N characters that do not end a sentence (。！？；or a newline)
    !token            what follows must not be this (a literal, alternatives or a list)
    !~N:token         nor this within the next N characters of the clause

Phrases are compiled into one regular expression per file, longest alternatives first, and
matched against normalised (simplified, half-width) text: traditional script reaches them
through `nlp.normalize`. Writing them as words and lists, rather than as regular expressions,
keeps the lexicon readable by the analysts who extend it.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CLAUSE_MARKS = "，,。！？!?；;:\n"
SENTENCE_MARKS = "。！？!?;；\n"
_LIST = re.compile(r"@(\w+)\s*=(.*)")
_GAP = f"[^{re.escape(CLAUSE_MARKS)}]"
_LONG_GAP = f"[^{re.escape(SENTENCE_MARKS)}]"


class LexiconError(ValueError):
    """A lexicon line that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Lexicon:
    """Compiled phrase patterns per name, and the word lists they were built from."""

    patterns: dict[str, re.Pattern[str]]
    lists: dict[str, tuple[str, ...]]

    def names(self) -> tuple[str, ...]:
        return tuple(self.patterns)

    def words(self, name: str) -> tuple[str, ...]:
        return self.lists[name]


def _statements(path: Path) -> Iterable[tuple[int, str]]:
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            yield n, line


def _alternation(words: Iterable[str]) -> str:
    # Longest first, so that 打死 is taken before 打 when both are listed.
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w) for w in unique) + ")"


def _token(token: str, lists: dict[str, tuple[str, ...]], where: str) -> str:
    optional = token.endswith("?") and len(token) > 1
    if optional:
        token = token[:-1]
    if token.startswith("!~"):
        span, sep, rest = token[2:].partition(":")
        if not sep or not span.isdigit() or not rest:
            raise LexiconError(f"{where}: a distant exclusion is !~N:word, got {token!r}")
        return f"(?!{_GAP}{{0,{int(span)}}}{_token(rest, lists, where)})"
    if token.startswith("!") and len(token) > 1:
        return f"(?!{_token(token[1:], lists, where)})"
    if token.startswith("~"):
        gap, width = (_LONG_GAP, token[2:]) if token.startswith("~~") else (_GAP, token[1:])
        if not width.isdigit():
            raise LexiconError(f"{where}: a gap is ~N or ~~N with N a number, got {token!r}")
        return f"{gap}{{0,{int(width)}}}"
    words: list[str] = []
    for alternative in token.split("|"):
        if alternative.startswith("@"):
            if alternative[1:] not in lists:
                raise LexiconError(f"{where}: unknown list {alternative}")
            words.extend(lists[alternative[1:]])
        else:
            words.append(alternative)
    return _alternation(words) + ("?" if optional else "")


def _read_lists(paths: Iterable[Path]) -> dict[str, list[str]]:
    lists: dict[str, list[str]] = {}
    for path in paths:
        for n, line in _statements(path):
            definition = _LIST.fullmatch(line)
            if definition:
                if not definition.group(2).split():
                    raise LexiconError(f"{path}:{n}: a list is `@name = word word ...`")
                lists.setdefault(definition.group(1), []).extend(definition.group(2).split())
    return lists


def compile_phrase(line: str, lists: dict[str, tuple[str, ...]], where: str = "<phrase>") -> str:
    """The regular expression of one phrase line."""
    return "".join(_token(t, lists, where) for t in line.split())


def load(directory: Path) -> Lexicon:
    """Every `<name>.lex` of `directory` compiled; `_*.lex` files contribute lists only."""
    paths = sorted(directory.glob("*.lex"))
    lists = {name: tuple(words) for name, words in _read_lists(paths).items()}
    patterns: dict[str, re.Pattern[str]] = {}
    for path in paths:
        phrases = [(n, line) for n, line in _statements(path) if not _LIST.fullmatch(line)]
        if path.stem.startswith("_"):
            if phrases:
                raise LexiconError(f"{path}:{phrases[0][0]}: files starting with _ hold lists only")
            continue
        if not phrases:
            raise LexiconError(f"{path}: no phrases")
        alternatives = [compile_phrase(line, lists, f"{path}:{n}") for n, line in phrases]
        patterns[path.stem] = re.compile("|".join(f"(?:{a})" for a in alternatives))
    return Lexicon(patterns=patterns, lists=lists)
