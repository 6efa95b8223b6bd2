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

Speed: `Lexicon.finditer` gives what `pattern.finditer` gives, five times faster. `re` tries a
hundred alternatives at every position of the text; but every phrase has an anchor, a token it
cannot do without (the one with the longest words), and a match can only start within the
widest reach of the tokens before the anchor. One Aho-Corasick automaton (pyahocorasick) finds
every anchor word in one pass, overlapping ones included, and the pattern is tried (`match`) only
at the positions they allow, in order, resuming after each match as `finditer` does. A file with
a phrase that has no anchor (every token optional) is searched the plain way.
tests/nlp/test_lexicon.py checks the two against each other on the corpus and on random text.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

CLAUSE_MARKS = "，,。！？!?；;:\n"
SENTENCE_MARKS = "。！？!?;；\n"
_LIST = re.compile(r"@(\w+)\s*=(.*)")
_GAP = f"[^{re.escape(CLAUSE_MARKS)}]"
_LONG_GAP = f"[^{re.escape(SENTENCE_MARKS)}]"


class LexiconError(ValueError):
    """A lexicon line that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Anchors:
    """Where each file's phrases can start: anchor word -> ((file, reach before the anchor), ...)."""

    automaton: "ahocorasick.Automaton | None"
    unanchored: frozenset[str]  # files searched the plain way

    def starts(self, text: str) -> dict[str, list[int]]:
        """Per file, the sorted positions where one of its phrases may start."""
        if self.automaton is None:
            return {}
        found: dict[str, set[int]] = {}
        for end, (length, reaches) in self.automaton.iter(text):
            start = end - length + 1
            for name, reach in reaches:
                found.setdefault(name, set()).update(range(max(0, start - reach), start + 1))
        return {name: sorted(positions) for name, positions in found.items()}


@dataclass(frozen=True)
class Lexicon:
    """Compiled phrase patterns per name, and the word lists they were built from."""

    patterns: dict[str, re.Pattern[str]]
    lists: dict[str, tuple[str, ...]]
    anchors: Anchors

    def names(self) -> tuple[str, ...]:
        return tuple(self.patterns)

    def words(self, name: str) -> tuple[str, ...]:
        return self.lists[name]

    def finditer(self, text: str) -> Iterator[tuple[str, re.Match[str]]]:
        """(name, match) for every file in order, each file's matches as `pattern.finditer` finds them."""
        starts = self.anchors.starts(text)
        for name, pattern in self.patterns.items():
            if name in self.anchors.unanchored:
                yield from ((name, m) for m in pattern.finditer(text))
                continue
            resume = 0
            for position in starts.get(name, ()):
                if position < resume:
                    continue
                match = pattern.match(text, position)
                if match:  # never empty: an anchored phrase has a word it cannot do without
                    resume = match.end()
                    yield name, match


def _statements(path: Path) -> Iterable[tuple[int, str]]:
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            yield n, line


def _alternation(words: Iterable[str]) -> str:
    # Longest first, so that 打死 is taken before 打 when both are listed.
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w) for w in unique) + ")"


def _kind(token: str) -> tuple[str, str, bool]:
    """How a phrase token is read: `exclusion`, `gap` or `words`; the token without its `?`; and
    whether it is optional. One reading for the regular expressions and the anchors alike."""
    optional = token.endswith("?") and len(token) > 1
    body = token[:-1] if optional else token
    if body.startswith("!") and len(body) > 1:
        return "exclusion", body, optional
    if body.startswith("~"):
        return "gap", body, optional
    return "words", body, optional


def _words(token: str, lists: dict[str, tuple[str, ...]], where: str = "<phrase>") -> list[str]:
    """The literals of a word token (`a|@name|b`, without its `?`), lists expanded."""
    words: list[str] = []
    for alternative in token.split("|"):
        if alternative.startswith("@"):
            if alternative[1:] not in lists:
                raise LexiconError(f"{where}: unknown list {alternative}")
            words.extend(lists[alternative[1:]])
        else:
            words.append(alternative)
    return words


def _reach(token: str, lists: dict[str, tuple[str, ...]]) -> int:
    """The most characters a token can take."""
    kind, body, _ = _kind(token)
    if kind == "exclusion":
        return 0  # it looks ahead and takes nothing
    if kind == "gap":
        return int(body.lstrip("~"))
    return max(len(w) for w in _words(body, lists))


def _anchor(line: str, lists: dict[str, tuple[str, ...]]) -> tuple[list[str], int] | None:
    """A phrase's anchor: the words of the token it cannot do without that has the longest
    shortest word (the rarest in text), and the reach of the tokens before it; None if every
    token is optional, a gap or an exclusion."""
    best: tuple[tuple[int, int], list[str], int] | None = None
    before = 0
    for token in line.split():
        kind, body, optional = _kind(token)
        if kind == "words" and not optional:
            words = _words(body, lists)
            rank = (min(len(w) for w in words), -len(words))
            if rank[0] > 0 and (best is None or rank > best[0]):
                best = (rank, words, before)
        before += _reach(token, lists)
    return None if best is None else (best[1], best[2])


def _anchors(phrases: dict[str, list[str]], lists: dict[str, tuple[str, ...]]) -> Anchors:
    reaches: dict[str, dict[str, int]] = {}  # word -> file -> the longest reach before it
    unanchored = set()
    for name, lines in phrases.items():
        for line in lines:
            anchor = _anchor(line, lists)
            if anchor is None:
                unanchored.add(name)
                continue
            words, before = anchor
            for word in words:
                by_file = reaches.setdefault(word, {})
                by_file[name] = max(by_file.get(name, 0), before)
    if not reaches:
        return Anchors(None, frozenset(unanchored))
    automaton = ahocorasick.Automaton()
    for word, by_file in reaches.items():
        automaton.add_word(word, (len(word), tuple(by_file.items())))
    automaton.make_automaton()
    return Anchors(automaton, frozenset(unanchored))


def _token(token: str, lists: dict[str, tuple[str, ...]], where: str) -> str:
    kind, token, optional = _kind(token)
    if kind == "exclusion" and token.startswith("!~"):
        span, sep, rest = token[2:].partition(":")
        if not sep or not span.isdigit() or not rest:
            raise LexiconError(f"{where}: a distant exclusion is !~N:word, got {token!r}")
        return f"(?!{_GAP}{{0,{int(span)}}}{_token(rest, lists, where)})"
    if kind == "exclusion":
        return f"(?!{_token(token[1:], lists, where)})"
    if kind == "gap":
        gap, width = (_LONG_GAP, token[2:]) if token.startswith("~~") else (_GAP, token[1:])
        if not width.isdigit():
            raise LexiconError(f"{where}: a gap is ~N or ~~N with N a number, got {token!r}")
        return f"{gap}{{0,{int(width)}}}"
    return _alternation(_words(token, lists, where)) + ("?" if optional else "")


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
    lines: dict[str, list[str]] = {}
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
        lines[path.stem] = [line for _, line in phrases]
    return Lexicon(patterns=patterns, lists=lists, anchors=_anchors(lines, lists))
