"""Parsing Python sources of any supported version into ``ast`` trees.

The fast path is the running interpreter's own parser. Only when it rejects a file
do we try the tolerant rewrite of newer syntax (:mod:`mlgate.checks.sast.modern`),
so the common case costs one ``ast.parse``. Parsers are pluggable through the
:class:`SourceParser` protocol: a grammar-complete backend (libcst, tree-sitter, or
simply a newer interpreter's ``ast``) can replace :class:`StdlibParser` without any
change to the analysis, which only ever sees ``ast.Module``.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from typing import Protocol

from mlgate.checks.sast.fstrings import FSTRING_MARKER, TSTRING_MARKER
from mlgate.checks.sast.modern import rewrite_modern_syntax

# What the stdlib parser raises on hostile input besides SyntaxError: null bytes
# (ValueError on 3.11), undecodable bytes, unknown codings, absurd nesting.
_PARSE_FAILURES = (SyntaxError, ValueError, UnicodeDecodeError, LookupError, RecursionError)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseFailure:
    """Why a file could not be parsed; line and column are 1-based when known."""

    message: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Parsed:
    """A parsed module, its text, and whether the tolerant rewrite was needed."""

    tree: ast.Module
    text: str
    rewritten: bool


class SourceParser(Protocol):
    """Turns the bytes of a Python file into a module tree or a failure."""

    def parse(self, data: bytes, filename: str) -> Parsed | ParseFailure:
        """Parse ``data``; never raises for bad input."""
        ...


class StdlibParser:
    """The interpreter's ``ast`` parser, with a rewrite fallback for newer syntax."""

    def parse(self, data: bytes, filename: str) -> Parsed | ParseFailure:
        """Parse ``data``; never raises for bad input."""
        try:
            text = decode_source(data)
        except (UnicodeDecodeError, LookupError, SyntaxError) as error:
            return ParseFailure(message=f"cannot decode source: {error}")
        try:
            return Parsed(tree=ast.parse(text, filename), text=text, rewritten=False)
        except _PARSE_FAILURES as error:
            first = error
        try:
            tree = ast.parse(rewrite_modern_syntax(text), filename)
        except _PARSE_FAILURES:
            return _failure(first)
        return Parsed(tree=_restore_templates(tree), text=text, rewritten=True)


def decode_source(data: bytes) -> str:
    """Decode like the interpreter does: BOM, PEP 263 coding cookie, else UTF-8."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    return text.removeprefix("\ufeff")


def _failure(error: BaseException) -> ParseFailure:
    if isinstance(error, SyntaxError):
        column = error.offset if error.offset and error.offset > 0 else None
        return ParseFailure(message=error.msg or "invalid syntax", line=error.lineno, column=column)
    if isinstance(error, RecursionError):
        return ParseFailure(message="nesting too deep for the parser")
    return ParseFailure(message=str(error) or type(error).__name__)


class _TemplateRestorer(ast.NodeTransformer):
    """Turn ``__mlgate_fstr__(...)`` marker calls back into ``JoinedStr`` nodes."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.func, ast.Name) or node.func.id not in _MARKERS:
            return node
        values: list[ast.expr] = []
        for arg in node.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                values.append(arg)
            else:
                values.append(ast.FormattedValue(value=arg, conversion=-1, format_spec=None))
        joined = ast.JoinedStr(values=values)
        if node.func.id == TSTRING_MARKER:
            # A t-string is a Template, not a str: keep it a call the rules can name.
            return ast.copy_location(
                ast.Call(
                    func=ast.Name(id=TSTRING_MARKER, ctx=ast.Load()), args=[joined], keywords=[]
                ),
                node,
            )
        return ast.copy_location(joined, node)


_MARKERS = frozenset({FSTRING_MARKER, TSTRING_MARKER})


def _restore_templates(tree: ast.Module) -> ast.Module:
    restored = _TemplateRestorer().visit(tree)
    assert isinstance(restored, ast.Module)  # noqa: S101 - a Module visitor returns a Module
    return ast.fix_missing_locations(restored)
