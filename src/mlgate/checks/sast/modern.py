"""Tolerant rewriting of syntax newer than the running parser understands.

Used only after the stdlib parser rejected a file. Each rewrite keeps the meaning
that matters for taint analysis and keeps every line number; columns may shift on
the rewritten lines. Covered: PEP 701 f-strings and PEP 750 t-strings (see
:mod:`mlgate.checks.sast.fstrings`), PEP 695 type parameters and ``type`` aliases,
and PEP 758 ``except A, B:`` without parentheses.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Iterator

from mlgate.checks.sast.fstrings import rewrite_fstrings

_Edit = tuple[int, int, int, str]  # line (1-based), start column, end column, replacement


def rewrite_modern_syntax(text: str) -> str:
    """Return ``text`` rewritten into syntax the Python 3.11 parser accepts.

    Raises:
        SyntaxError: the text cannot even be tokenised after the f-string rewrite.
    """
    text = rewrite_fstrings(text)
    tokens = _tokens(text)
    edits = list(_type_param_edits(tokens)) + list(_except_edits(tokens))
    return _apply(text, edits)


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    try:
        return list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError) as error:
        raise SyntaxError(f"cannot tokenise: {error}") from error


def _matching_bracket(tokens: list[tokenize.TokenInfo], start: int) -> int:
    """Index of the token closing the bracket at ``start``, or ``start`` if unbalanced."""
    depth = 0
    for index in range(start, len(tokens)):
        text = tokens[index].string
        if tokens[index].type == tokenize.OP and text in "([{":
            depth += 1
        elif tokens[index].type == tokenize.OP and text in ")]}":
            depth -= 1
            if depth == 0:
                return index
    return start


def _is_statement_start(tokens: list[tokenize.TokenInfo], index: int) -> bool:
    skipped = {tokenize.INDENT, tokenize.DEDENT, tokenize.NL, tokenize.COMMENT}
    previous = index - 1
    while previous >= 0 and tokens[previous].type in skipped:
        previous -= 1
    return (
        previous < 0
        or tokens[previous].type == tokenize.NEWLINE
        or (tokens[previous].string == ";")
    )


def _type_param_edits(tokens: list[tokenize.TokenInfo]) -> Iterator[_Edit]:
    """Blank ``[T, ...]`` after ``def f``/``class C``; drop the ``type`` of aliases."""
    for index in range(len(tokens) - 2):
        keyword, name, bracket = tokens[index : index + 3]
        if name.type != tokenize.NAME or bracket.string != "[":
            if _is_type_alias(tokens, index):
                yield (keyword.start[0], keyword.start[1], name.start[1], "")
            continue
        if keyword.string in {"def", "class"} or _is_type_alias(tokens, index):
            closing = _matching_bracket(tokens, index + 2)
            if closing != index + 2:
                yield from _blank_span(bracket, tokens[closing])
            if keyword.string == "type":
                yield (keyword.start[0], keyword.start[1], name.start[1], "")


def _blank_span(opening: tokenize.TokenInfo, closing: tokenize.TokenInfo) -> Iterator[_Edit]:
    """Edits removing ``opening..closing`` (inclusive) but keeping every line break.

    A span over several lines becomes blanks ending in backslash continuations: the
    brackets that made the line breaks legal are gone, and the line numbers must stay.
    Blanks rather than deletions keep the columns of what follows on the last line.
    """
    first, last = opening.start[0], closing.end[0]
    if first == last:
        yield (first, opening.start[1], closing.end[1], "")
        return
    yield (first, opening.start[1], -1, "\\")
    for line in range(first + 1, last):
        yield (line, 0, -1, "\\")
    yield (last, 0, closing.end[1], " " * closing.end[1])


def _is_type_alias(tokens: list[tokenize.TokenInfo], index: int) -> bool:
    keyword, name = tokens[index], tokens[index + 1]
    follower = tokens[index + 2].string if index + 2 < len(tokens) else ""
    return (
        keyword.type == tokenize.NAME
        and keyword.string == "type"
        and name.type == tokenize.NAME
        and follower in {"=", "["}
        and _is_statement_start(tokens, index)
    )


def _except_edits(tokens: list[tokenize.TokenInfo]) -> Iterator[_Edit]:
    """Parenthesise ``except A, B:`` (PEP 758) into ``except (A, B):``."""
    for index, token in enumerate(tokens):
        if token.string != "except" or not _is_statement_start(tokens, index):
            continue
        first = index + 1
        if first < len(tokens) and tokens[first].string == "*":
            first += 1
        colon = _top_level_colon(tokens, first)
        span = tokens[first:colon]
        if colon > first and _has_top_level_comma(span) and "as" not in {t.string for t in span}:
            start, end = tokens[first].start, tokens[colon - 1].end
            if start[0] == end[0]:
                line_text = tokens[first].line
                yield (start[0], start[1], end[1], f"({line_text[start[1] : end[1]]})")


def _top_level_colon(tokens: list[tokenize.TokenInfo], start: int) -> int:
    depth = 0
    for index in range(start, len(tokens)):
        text = tokens[index].string
        if text in "([{" and tokens[index].type == tokenize.OP:
            depth += 1
        elif text in ")]}" and tokens[index].type == tokenize.OP:
            depth -= 1
        elif text == ":" and depth == 0:
            return index
        elif tokens[index].type == tokenize.NEWLINE:
            break
    return start


def _has_top_level_comma(span: list[tokenize.TokenInfo]) -> bool:
    depth = 0
    for token in span:
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        elif token.string == "," and depth == 0:
            return True
    return False


def _apply(text: str, edits: list[_Edit]) -> str:
    """Apply same-line edits right to left so earlier columns stay valid.

    An end column of ``-1`` replaces the whole line except its line break.
    """
    if not edits:
        return text
    # StringIO splits lines exactly as the tokenizer's readline did.
    lines = io.StringIO(text).readlines()
    for line, start, end, replacement in sorted(edits, reverse=True):
        current = lines[line - 1]
        body = current.rstrip("\r\n")
        stop = len(body) if end < 0 else end
        lines[line - 1] = current[:start] + replacement + current[stop:]
    return "".join(lines)
