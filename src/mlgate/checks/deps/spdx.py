"""SPDX license expressions: parsing and judging them against allow/deny lists.

Grammar (SPDX 2.3 Annex D, without ``DocumentRef``/``LicenseRef`` namespaces)::

    or_expr   := and_expr ("OR" and_expr)*
    and_expr  := term ("AND" term)*
    term      := "(" or_expr ")" | license ["WITH" exception]

``AND`` binds tighter than ``OR``. A choice (``OR``) is acceptable when any branch is; a
conjunction (``AND``) only when every part is. Identifiers compare case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

MAX_TOKENS = 256
_TOKEN = re.compile(r"\s*(\(|\)|[A-Za-z0-9.+:-]+)")


class SpdxError(ValueError):
    """The text is not an SPDX license expression."""


@dataclass(frozen=True, slots=True)
class License:
    """One license id, with its ``WITH`` exception if any."""

    id: str
    exception: str | None = None


@dataclass(frozen=True, slots=True)
class AllOf:
    """``a AND b``: every part applies."""

    parts: tuple[Expression, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """``a OR b``: the licensee may choose."""

    parts: tuple[Expression, ...]


Expression = License | AllOf | AnyOf


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    while position < len(text.rstrip()):
        found = _TOKEN.match(text, position)
        if found is None:
            raise SpdxError(f"unexpected character {text[position]!r} at {position}")
        tokens.append(found.group(1))
        position = found.end()
        if len(tokens) > MAX_TOKENS:
            raise SpdxError(f"more than {MAX_TOKENS} tokens")
    if not tokens:
        raise SpdxError("empty license expression")
    return tokens


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self._tokens = tokens
        self._index = 0

    def _peek(self) -> str | None:
        return self._tokens[self._index] if self._index < len(self._tokens) else None

    def _next(self) -> str:
        token = self._peek()
        if token is None:
            raise SpdxError("expression ends too early")
        self._index += 1
        return token

    def parse(self) -> Expression:
        expression = self._joined("OR", self._and)
        if self._peek() is not None:
            raise SpdxError(f"unexpected {self._peek()!r}")
        return expression

    def _and(self) -> Expression:
        return self._joined("AND", self._term)

    def _joined(self, word: str, part: Callable[[], Expression]) -> Expression:
        parts = [part()]
        while (token := self._peek()) is not None and token.upper() == word:
            self._index += 1
            parts.append(part())
        if len(parts) == 1:
            return parts[0]
        return AnyOf(tuple(parts)) if word == "OR" else AllOf(tuple(parts))

    def _term(self) -> Expression:
        word = self._next()
        if word == "(":
            inner = self._joined("OR", self._and)
            if self._next() != ")":
                raise SpdxError("missing ')'")
            return inner
        if word == ")" or word.upper() in ("AND", "OR", "WITH"):
            raise SpdxError(f"expected a license id, found {word!r}")
        if (following := self._peek()) is not None and following.upper() == "WITH":
            self._index += 1
            return License(word, self._next())
        return License(word)


def parse_expression(text: str) -> Expression:
    """Parse an SPDX expression such as ``(MIT OR Apache-2.0) AND BSD-3-Clause``."""
    # Nesting depth is bounded by the token cap, far below the recursion limit.
    return _Parser(_tokens(text)).parse()


def is_acceptable(expression: Expression, allow: frozenset[str], deny: frozenset[str]) -> bool:
    """Whether some choice of licenses avoids ``deny`` and stays within ``allow``.

    ``allow`` and ``deny`` hold lower-cased ids; an empty ``allow`` allows all but ``deny``.
    """
    if isinstance(expression, License):
        names = {expression.id.lower(), expression.id.lower().rstrip("+")}
        if expression.exception:
            names.add(f"{expression.id} with {expression.exception}".lower())
        if names & deny:
            return False
        return not allow or bool(names & allow)
    verdicts = (is_acceptable(part, allow, deny) for part in expression.parts)
    return any(verdicts) if isinstance(expression, AnyOf) else all(verdicts)
