"""A small, bounded reader of HCL 2 native syntax: what Terraform rules need, nothing more.

It reads blocks (type, labels, body), attributes and *literal* values: strings,
numbers (``-1`` included), booleans, ``null``, lists and objects. Every other
expression (a reference, a function call, a conditional, a ``for`` expression, a
template with ``${...}``) is kept as its source text in :class:`HclExpression` and
never evaluated. Heredoc bodies are taken whole as strings, so nothing inside one is
read as structure; comments (``#``, ``//``, ``/* */``) are dropped. Blocks and
attributes keep their 1-based line.

:func:`read_hcl_json` reads the same structure from HCL's JSON syntax (``.tf.json``).

Hostile input stays bounded: bytes, tokens and nesting depth have budgets
(:class:`~mlgate.core.errors.ResourceLimitError`), and text that is not HCL raises
:class:`HclSyntaxError`; nothing else escapes.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

from mlgate.formats.limits import MIB, check_limit


class HclSyntaxError(ValueError):
    """The text is not HCL (or not UTF-8); ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass(frozen=True, slots=True)
class HclExpression:
    """An expression that is not a literal, as written (``aws_api_gateway_stage.prod.id``)."""

    text: str


HclValue: TypeAlias = (
    str | int | float | bool | HclExpression | list["HclValue"] | dict[str, "HclValue"] | None
)


@dataclass(frozen=True, slots=True)
class HclAttribute:
    """``name = value`` inside a body, with the line of its name."""

    name: str
    value: HclValue
    line: int


@dataclass(frozen=True, slots=True)
class HclBlock:
    """``type "label" ... { body }``; the file itself is a block of type ``""``."""

    type: str
    labels: tuple[str, ...]
    line: int
    attributes: tuple[HclAttribute, ...]
    blocks: tuple[HclBlock, ...]

    def attribute(self, name: str) -> HclAttribute | None:
        """The last attribute called ``name`` (HCL forbids repeats; the last one wins here)."""
        return next((a for a in reversed(self.attributes) if a.name == name), None)

    def value(self, name: str) -> HclValue:
        """The value of attribute ``name``, ``None`` when it is absent."""
        found = self.attribute(name)
        return found.value if found is not None else None

    def children(self, block_type: str) -> Iterator[HclBlock]:
        """Nested blocks of ``block_type``, in order."""
        return (b for b in self.blocks if b.type == block_type)


@dataclass(frozen=True, slots=True, kw_only=True)
class HclLimits:
    """Budgets of reading one HCL file."""

    max_bytes: int = 16 * MIB
    max_tokens: int = 2_000_000
    max_depth: int = 64


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # ident number string template heredoc punct newline eof
    text: str
    line: int
    start: int
    end: int
    value: HclValue = None


_SIMPLE = re.compile(
    r"(?P<space>[ \t\r]+)|(?P<newline>\n)|(?P<comment>(?:#|//)[^\n]*)"
    r"|(?P<ident>[^\W\d][\w-]*)|(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<punct>\.\.\.|==|!=|<=|>=|&&|\|\||=>|[{}\[\]()=,:.?!*/%+\-<>])"
)
_HEREDOC = re.compile(r"<<(-?)([^\W\d][\w-]*)[ \t]*\r?\n")
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{", re.DOTALL)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_KEYWORDS: dict[str, HclValue] = {"true": True, "false": False, "null": None}
_CLOSERS = frozenset({")", "]", "}"})
_OPENERS = frozenset({"(", "[", "{"})


def _unescape(match: re.Match[str]) -> str:
    text = match.group(0)
    if text in ("$${", "%%{"):
        return text[1:]
    code = match.group(1)
    if code[0] in "uU" and len(code) > 1:
        return chr(min(int(code[1:], 16), 0x10FFFF))
    return _ESCAPES.get(code, code)


class _Lexer:
    """Turns text into tokens; strings, heredocs and block comments are scanned by hand."""

    def __init__(self, text: str, limits: HclLimits) -> None:
        self.text = text
        self.limits = limits
        self.line = 1
        self.tokens: list[_Token] = []

    def run(self) -> list[_Token]:
        position = 0
        while position < len(self.text):
            position = self._next(position)
            check_limit("HCL tokens", self.limits.max_tokens, len(self.tokens))
        self.tokens.append(_Token("eof", "", self.line, len(self.text), len(self.text)))
        return self.tokens

    def _emit(self, kind: str, start: int, end: int, value: HclValue = None) -> int:
        self.tokens.append(_Token(kind, self.text[start:end], self.line, start, end, value))
        self.line += self.text.count("\n", start, end)
        return end

    def _next(self, start: int) -> int:
        text = self.text
        if text.startswith('"', start):
            end, is_template = self._quoted(start, 0)
            raw = text[start + 1 : end - 1]
            if is_template:
                return self._emit("template", start, end, HclExpression(text[start:end]))
            return self._emit("string", start, end, _ESCAPE.sub(_unescape, raw))
        if text.startswith("<<", start):
            return self._heredoc(start)
        if text.startswith("/*", start):
            end = text.find("*/", start + 2)
            if end < 0:
                raise HclSyntaxError("unterminated /* comment", self.line)
            self.line += text.count("\n", start, end)
            return end + 2
        match = _SIMPLE.match(text, start)
        if match is None:
            raise HclSyntaxError(f"unexpected character {text[start]!r}", self.line)
        kind = match.lastgroup or ""
        if kind in ("space", "comment"):
            return match.end()
        return self._emit(
            kind, start, match.end(), _number(match.group()) if kind == "number" else None
        )

    def _quoted(self, start: int, depth: int) -> tuple[int, bool]:
        """End of the string opening at ``start``, and whether it interpolates."""
        check_limit("HCL nesting depth", self.limits.max_depth, depth)
        text, index, is_template = self.text, start + 1, False
        while index < len(text):
            char = text[index]
            if char == "\\":
                index += 2
            elif char == '"':
                return index + 1, is_template
            elif char == "\n":
                break
            elif text.startswith(("$${", "%%{"), index):
                index += 3
            elif text.startswith(("${", "%{"), index):
                index, is_template = self._braces(index + 2, depth + 1), True
            else:
                index += 1
        raise HclSyntaxError("unterminated string", self.line)

    def _braces(self, index: int, depth: int) -> int:
        """The index after the ``}`` closing an interpolation whose body starts at ``index``."""
        text, open_braces = self.text, 1
        while index < len(text):
            char = text[index]
            if char == '"':
                index = self._quoted(index, depth)[0]
                continue
            open_braces += (char == "{") - (char == "}")
            index += 1
            if open_braces == 0:
                return index
        raise HclSyntaxError("unterminated ${ interpolation", self.line)

    def _heredoc(self, start: int) -> int:
        match = _HEREDOC.match(self.text, start)
        if match is None:
            raise HclSyntaxError("`<<` must open a heredoc (<<EOF or <<-EOF)", self.line)
        marker, index = match.group(2), match.end()
        body: list[str] = []
        while index < len(self.text):
            newline = self.text.find("\n", index)
            end = len(self.text) if newline < 0 else newline
            line = self.text[index:end]
            if line.strip() == marker:
                text = "".join(body)
                value = textwrap.dedent(text) if match.group(1) else text
                return self._emit("heredoc", start, end, value)
            body.append(line + "\n")
            index = end + 1
        raise HclSyntaxError(f"heredoc <<{marker} is never closed", self.line)


def unescape_literal(text: str) -> str:
    r"""A quoted string's literal text with HCL's escapes (``\n``, ``\u00e9``, ``$${``) applied."""
    return _ESCAPE.sub(_unescape, text)


def _number(text: str) -> int | float:
    # Long digit strings go through float: int() refuses over 4300 digits.
    if len(text) > 18 or "." in text or "e" in text.lower():
        return float(text)
    return int(text)


class _NotLiteralError(Exception):
    """Raised inside the parser when an expression is not a plain literal."""


class _Parser:
    """Recursive descent over tokens; nesting is bounded by ``max_depth``."""

    def __init__(self, text: str, tokens: list[_Token], limits: HclLimits) -> None:
        self.text = text
        self.tokens = tokens
        self.limits = limits
        self.position = 0
        self.depth = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.position]

    def _is(self, *texts: str) -> bool:
        return self.token.kind == "punct" and self.token.text in texts

    def _skip_newlines(self) -> None:
        while self.token.kind == "newline":
            self.position += 1

    def _expect(self, text: str) -> None:
        if not self._is(text):
            raise HclSyntaxError(f"expected {text!r}, found {self.token.text!r}", self.token.line)
        self.position += 1

    def _enter(self) -> None:
        self.depth += 1
        check_limit("HCL nesting depth", self.limits.max_depth, self.depth)

    def body(self, block_type: str, labels: tuple[str, ...], line: int) -> HclBlock:
        attributes: list[HclAttribute] = []
        blocks: list[HclBlock] = []
        while True:
            self._skip_newlines()
            if self.token.kind == "eof" or self._is("}"):
                break
            if self.token.kind != "ident":
                raise HclSyntaxError(f"unexpected {self.token.text!r}", self.token.line)
            name = self.token
            self.position += 1
            if self._is("="):
                self.position += 1
                attributes.append(HclAttribute(name.text, self.expression(), name.line))
            else:
                blocks.append(self.block(name))
            if not (self.token.kind in ("newline", "eof") or self._is("}")):
                raise HclSyntaxError(f"unexpected {self.token.text!r}", self.token.line)
        return HclBlock(block_type, labels, line, tuple(attributes), tuple(blocks))

    def block(self, name: _Token) -> HclBlock:
        labels: list[str] = []
        while self.token.kind in ("string", "ident"):
            labels.append(str(self.token.value) if self.token.kind == "string" else self.token.text)
            self.position += 1
        self._expect("{")
        self._enter()
        block = self.body(name.text, tuple(labels), name.line)
        self._expect("}")
        self.depth -= 1
        return block

    def expression(self) -> HclValue:
        """A literal value, or the source text of any other expression."""
        start, depth = self.position, self.depth
        try:
            value = self._literal()
            if self._at_end():
                return value
        except _NotLiteralError:
            pass
        self.position, self.depth = start, depth
        self._skip_expression()
        first, last = self.tokens[start], self.tokens[max(start, self.position - 1)]
        return HclExpression(self.text[first.start : last.end].strip())

    def _at_end(self) -> bool:
        return self.token.kind in ("newline", "eof") or self._is(",", *_CLOSERS)

    def _skip_expression(self) -> None:
        """Move past one expression: to a newline, comma or closer outside brackets."""
        open_brackets = 0
        while self.token.kind != "eof":
            if open_brackets == 0 and self._at_end():
                break
            if self._is(*_OPENERS):
                open_brackets += 1
            elif self._is(*_CLOSERS):
                open_brackets -= 1
            self.position += 1
        if open_brackets > 0:
            raise HclSyntaxError("unclosed bracket in expression", self.token.line)

    def _literal(self) -> HclValue:
        token = self.token
        self.position += 1
        if token.kind in ("string", "number", "heredoc", "template"):
            return token.value
        if token.kind == "ident" and token.text in _KEYWORDS:
            return _KEYWORDS[token.text]
        if token.text == "-" and self.token.kind == "number":
            number = self.token.value
            self.position += 1
            return -number if isinstance(number, int | float) else None
        if token.text in ("[", "{") and token.kind == "punct":
            if self.token.text == "for":  # a for expression builds values we never evaluate
                raise _NotLiteralError
            self._enter()
            value = self._list() if token.text == "[" else self._object()
            self.depth -= 1
            return value
        raise _NotLiteralError

    def _list(self) -> list[HclValue]:
        items: list[HclValue] = []
        self._skip_newlines()
        while not self._is("]"):
            items.append(self.expression())
            self._skip_newlines()
            if self._is(","):
                self.position += 1
                self._skip_newlines()
            elif not self._is("]"):
                raise _NotLiteralError
        self.position += 1
        return items

    def _object(self) -> dict[str, HclValue]:
        items: dict[str, HclValue] = {}
        self._skip_newlines()
        while not self._is("}"):
            key = self.token
            if key.kind not in ("ident", "string"):
                raise _NotLiteralError
            self.position += 1
            if not self._is("=", ":"):
                raise _NotLiteralError
            self.position += 1
            items[str(key.value) if key.kind == "string" else key.text] = self.expression()
            if self._is(","):
                self.position += 1
            self._skip_newlines()
        self.position += 1
        return items


def read_hcl(raw: bytes, limits: HclLimits | None = None) -> HclBlock:
    """The body of one HCL file as a block of type ``""``.

    Raises:
        HclSyntaxError: the bytes are not UTF-8 HCL.
        ResourceLimitError: a budget of ``limits`` was exceeded.
    """
    limits = limits or HclLimits()
    check_limit("HCL file bytes", limits.max_bytes, len(raw))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise HclSyntaxError(f"not UTF-8 text ({error.reason})") from None
    tokens = _Lexer(text, limits).run()
    parser = _Parser(text, tokens, limits)
    root = parser.body("", (), 1)
    if parser.token.kind != "eof":
        raise HclSyntaxError("unbalanced `}`", parser.token.line)
    return root


# Top-level block types of Terraform's JSON syntax and how many labels each nests.
_JSON_BLOCK_LABELS = {
    "resource": 2, "data": 2, "variable": 1, "module": 1, "output": 1, "provider": 1,
    "locals": 0, "terraform": 0,
}  # fmt: skip


def _json_value(value: object) -> HclValue:
    """A JSON value as a native-syntax value: a string with ``${`` is a template."""
    if isinstance(value, str):
        return HclExpression(f'"{value}"') if "${" in value or "%{" in value else value
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value if isinstance(value, bool | int | float) or value is None else str(value)


def _json_body(block_type: str, labels: tuple[str, ...], line: int, body: object) -> HclBlock:
    """A JSON object as a block body.

    Without a schema, JSON cannot say whether ``"settings": {...}`` is an attribute or a
    nested block, so an object (or a list of objects) is both: readers asking for the
    attribute and readers asking for the block each find it.
    """
    attributes: list[HclAttribute] = []
    blocks: list[HclBlock] = []
    for key, value in body.items() if isinstance(body, dict) else []:
        attributes.append(HclAttribute(str(key), _json_value(value), line))
        nested = [value] if isinstance(value, dict) else value if isinstance(value, list) else []
        blocks += [
            _json_body(str(key), (), line, item) for item in nested if isinstance(item, dict)
        ]
    return HclBlock(block_type, labels, line, tuple(attributes), tuple(blocks))


def _labelled(block_type: str, depth: int, value: object, line_of: dict[str, int],
              labels: tuple[str, ...] = ()) -> list[HclBlock]:  # fmt: skip
    if depth == 0:
        bodies = value if isinstance(value, list) else [value]
        line = line_of.get(labels[-1], 1) if labels else line_of.get(block_type, 1)
        return [_json_body(block_type, labels, line, body) for body in bodies]
    if not isinstance(value, dict):
        return []
    return [
        block
        for key, inner in value.items()
        for block in _labelled(block_type, depth - 1, inner, line_of, (*labels, str(key)))
    ]


def read_hcl_json(raw: bytes, limits: HclLimits | None = None, *, blocks: bool = True) -> HclBlock:
    """The body of one file in HCL's JSON syntax (``.tf.json``, ``.tfvars.json``).

    With ``blocks``, Terraform's top-level block types (``resource``, ``variable``,
    ``module``, ``locals``...) become blocks with their labels; otherwise (variable
    files) every key is an attribute. Lines are those of each block's last label.

    Raises:
        HclSyntaxError: the bytes are not a UTF-8 JSON object.
        ResourceLimitError: a budget of ``limits`` was exceeded.
    """
    limits = limits or HclLimits()
    check_limit("HCL file bytes", limits.max_bytes, len(raw))
    try:
        text = raw.decode("utf-8-sig")
        document = json.loads(text)
    except UnicodeDecodeError as error:
        raise HclSyntaxError(f"not UTF-8 text ({error.reason})") from None
    except (ValueError, RecursionError) as error:
        raise HclSyntaxError(f"not JSON: {str(error)[:200]}") from None
    if not isinstance(document, dict):
        raise HclSyntaxError("an HCL JSON file must be an object")
    line_of: dict[str, int] = {}
    for match in re.finditer(r'"((?:[^"\\\n]|\\.)*)"\s*:', text):
        line_of.setdefault(match.group(1), text.count("\n", 0, match.start()) + 1)
    attributes: list[HclAttribute] = []
    found: list[HclBlock] = []
    for key, value in document.items():
        if blocks and key in _JSON_BLOCK_LABELS:
            found += _labelled(key, _JSON_BLOCK_LABELS[key], value, line_of)
        else:
            attributes.append(HclAttribute(key, _json_value(value), line_of.get(key, 1)))
    return HclBlock("", (), 1, tuple(attributes), tuple(found))
