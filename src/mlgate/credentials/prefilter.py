"""Which anchors a text may hold, found in one pass over it.

Searching each :class:`~mlgate.credentials.rules.model.Anchor` separately costs one
scan of the text per anchor (about forty), most of them finding nothing. Instead, a
"head" of every anchor (its regex in RE2 syntax, lookarounds left out and long counts
widened: ``token[a-z0-9_]{0,24}[:=]`` without the lookbehinds that reject metadata key
names) goes into one RE2 set, whose automaton reads the text once and says which heads
occur. Only those anchors are then searched exactly, by Python's engine.

The set is a filter that may say too much, never too little: a head matches wherever
its anchor does, and folded anchors are matched case-insensitively with Unicode folding
(which accepts every text whose lower case the anchor matches). Should the automaton
fail (RE2 reports no match when it runs out of memory), a sentinel pattern matching
the end of every text is missing from the answer and every anchor is searched. An
anchor without a head, or that RE2 rejects, is always searched; without the optional
``google-re2`` package every anchor is, with the same results, only slower.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mlgate.credentials.rules.model import Anchor

# Counted repetitions up to this bound are kept as written; longer ones are widened to
# "at least min(m, 8)" (``{16,4096}`` becomes ``{8,}``), which an automaton runs without
# one state per count.
_MAX_COUNTED = 32
_MIN_KEPT = 8
_SPECIAL = frozenset("\\[]().|?*+{}^$")
# Escaped punctuation, and the control escapes both engines read alike.
_ESCAPABLE = frozenset(".-_/:=@ \"'#%&!,;<>~`\\tnr")
# Escapes that mean more in Python's Unicode classes than in RE2's ASCII ones: kept only
# in negated classes, where RE2 then excludes less (a wider filter, never a narrower one).
_WIDE_CLASS_ESCAPES = frozenset("sdw")
_LOOKAROUNDS = ("(?<!", "(?<=", "(?!", "(?=")


def anchor_head(pattern: str) -> str | None:
    """A regex (RE2 syntax) matching wherever ``pattern`` matches, or ``None``.

    The anchor is read from its start: literals, escaped punctuation, character classes
    and non-capturing groups of those, with their quantifiers. Lookarounds, possessive
    and lazy marks are left out (which only widens the head); the first construct not
    understood ends it. The head may match more than the anchor, never less.
    """
    if _alternates_at_top(pattern):
        return None  # "a|b": no head is common to both branches
    head: list[str] = []
    position = 0
    while position < len(pattern):
        if pattern.startswith(_LOOKAROUNDS, position):
            close = pattern.find(")", position)
            # Only a plain body is skipped: a ")" inside a class or an escape would end
            # the skip early and let the lookaround's text be read as required.
            if close < 0 or any(c in pattern[position + 3 : close] for c in "\\[("):
                break
            position = close + 1
            continue
        atom_end = _atom_end(pattern, position)
        if atom_end is None:
            break
        piece, position = _repeated(pattern[position:atom_end], pattern, atom_end)
        if piece is None:
            break
        head.append(piece)
    return "".join(head) or None


def _alternates_at_top(pattern: str) -> bool:
    """Whether ``|`` separates alternatives of the whole pattern (outside groups, classes)."""
    depth = 0
    class_start = -1  # where the current class's members start; -1 outside a class
    escaped = False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif class_start >= 0:
            if char == "]" and index > class_start:
                class_start = -1  # a "]" first in a class is a member, not its end
        elif char == "[":
            class_start = index + (2 if pattern.startswith("[^", index) else 1)
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            return True
    return False


def _atom_end(pattern: str, position: int) -> int | None:
    """Where the atom starting at ``position`` ends, when it is one the head may hold."""
    char = pattern[position]
    if char == "\\":
        escaped = pattern[position + 1 : position + 2]
        return position + 2 if escaped and escaped in _ESCAPABLE else None
    if char == "[":
        return _class_end(pattern, position)
    if char == "(":
        return _group_end(pattern, position)
    return None if char in _SPECIAL else position + 1


def _class_end(pattern: str, position: int) -> int | None:
    """The end of a character class RE2 reads as Python does (or wider, when negated)."""
    negated = pattern.startswith("[^", position)
    cursor = position + (2 if negated else 1)
    while cursor < len(pattern):
        char = pattern[cursor]
        if char == "]" and cursor > position + 1 + negated:
            return cursor + 1
        if char == "[":
            return None
        if char == "\\":
            escaped = pattern[cursor + 1 : cursor + 2]
            wide = negated and escaped in _WIDE_CLASS_ESCAPES
            if not escaped or (escaped not in _ESCAPABLE and not wide):
                return None
            cursor += 1
        cursor += 1
    return None


def _group_end(pattern: str, position: int) -> int | None:
    """The end of a ``(?:a|b)`` group whose branches are atoms without quantifiers."""
    if not pattern.startswith("(?:", position):
        return None
    close = pattern.find(")", position)
    if close < 0:
        return None
    for branch in pattern[position + 3 : close].split("|"):
        inner = 0
        while inner < len(branch):
            end = _atom_end(branch, inner)
            if end is None or branch[inner] == "(":
                return None
            inner = end
    return close + 1


def _repeated(atom: str, pattern: str, position: int) -> tuple[str | None, int]:
    """The atom with its quantifier in RE2 form, and where the pattern goes on."""
    char = pattern[position] if position < len(pattern) else ""
    if char and char in "?*+":
        return f"(?:{atom}){char}", _past_mode(pattern, position + 1)
    if char != "{":
        return atom, position
    close = pattern.find("}", position)
    bounds = pattern[position + 1 : close].split(",") if close > 0 else []
    if not 1 <= len(bounds) <= 2 or not all(b.isdigit() for b in bounds):
        return None, position
    low, high = int(bounds[0]), int(bounds[-1])
    after = _past_mode(pattern, close + 1)
    if high <= _MAX_COUNTED:
        return f"(?:{atom}){{{low},{high}}}", after
    return f"(?:{atom}){{{min(low, _MIN_KEPT)},}}", after


def _past_mode(pattern: str, position: int) -> int:
    """Past a lazy (``?``) or possessive (``+``) mark: the set of texts stays the same."""
    return position + 1 if pattern[position : position + 1] in ("?", "+") else position


class Prefilter:
    """Answers "which of these anchors may match this text?" with one pass over it."""

    def __init__(self, anchors: Sequence[Anchor]) -> None:
        self.anchors = tuple(anchors)
        self._search: Callable[[bytes], frozenset[int] | None] | None = _compile_set(self.anchors)

    @property
    def is_active(self) -> bool:
        """Whether the one-pass set is in use (RE2 is installed and took the heads)."""
        return self._search is not None

    def present(self, text: str, image: bytes | None = None) -> frozenset[int] | None:
        """Indices of the anchors that may match ``text``; ``None`` means any of them may.

        ``image`` is the text's ASCII encoding when the caller already has it.

        A text whose lower case changes length (``İ``) is searched case-insensitively by
        Python's rules, under which ``İ`` matches ``i`` and RE2's does not, and a text
        with lone surrogates cannot be given to RE2: every anchor may match those.
        """
        if self._search is None:
            return None
        if image is not None:
            return self._search(image)
        if text.isascii():
            return self._search(text.encode("ascii"))
        if len(text.lower()) != len(text):
            return None
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            return None  # lone surrogates (from JSON escapes) have no UTF-8 form
        return self._search(data)


def _compile_set(
    anchors: tuple[Anchor, ...],
) -> Callable[[bytes], frozenset[int] | None] | None:
    """From a text to the indices of the anchors that may occur in it (``None``: any).

    Returns ``None`` itself when RE2 is not installed.
    """
    try:
        import re2  # optional accelerator (the secrets extra)
    except ImportError:
        return None
    options = re2.Options()
    options.max_mem = 64 << 20
    options.log_errors = False
    compiled: Any = re2.Set.SearchSet(options)
    # The end of the text matches in every text: a result without it is a failed search
    # (an automaton out of memory returns nothing rather than an error), never "no
    # anchors". The empty pattern would do too, but matching at every position it makes
    # every state of the automaton a match state, which doubles the cost of a search.
    sentinel = compiled.Add(r"\z")
    by_index: dict[int, int] = {}
    always: set[int] = set()
    for number, anchor in enumerate(anchors):
        head = anchor_head(anchor.pattern)
        if head is None:
            always.add(number)
            continue
        try:
            index = compiled.Add(f"(?i:{head})" if anchor.folded else head)
        except re2.error:
            always.add(number)
            continue
        by_index[index] = number
    if not by_index:
        return None
    compiled.Compile()
    fixed = frozenset(always)

    def search(data: bytes) -> frozenset[int] | None:
        found = compiled.Match(data)
        if not found or sentinel not in found:
            return None
        return fixed.union(by_index[i] for i in found if i != sentinel)

    return search
