r"""The string values of a JSON document, decoded, with their key and byte offset.

A tolerant tokenizer rather than :func:`json.loads`: it reports where each string sits
(a finding must point at the bytes), decodes escapes (``\u0068f_`` hides ``hf_`` from a
byte search), keeps strings of broken or duplicated-key documents that a parser would
refuse or overwrite, and needs no recursion however deep the nesting.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["JsonString", "json_strings"]

# A string literal (escapes included) or one structural character.
_TOKEN = re.compile(rb'"(?:[^"\\\n]|\\.)*"|[{}\[\]:,]')


@dataclass(frozen=True, slots=True, kw_only=True)
class JsonString:
    """A string value; ``key`` is its member name (an array's), ``top`` the root member's."""

    key: str | None
    top: str | None
    text: str
    offset: int


@dataclass(slots=True)
class _Frame:
    """One open object or array while tokenizing."""

    is_object: bool
    key: str | None = None
    expects_key: bool = True


def json_strings(raw: bytes, *, base: int = 0) -> Iterator[JsonString]:
    """Every string *value* of ``raw`` (keys name them), at ``base`` + its byte offset."""
    stack: list[_Frame] = []
    for match in _TOKEN.finditer(raw):
        token = match.group()
        if token in (b"{", b"["):
            stack.append(_Frame(is_object=token == b"{", key=_key_of(stack)))
        elif token in (b"}", b"]"):
            if stack:
                stack.pop()
        elif token in (b":", b","):
            if stack and stack[-1].is_object:
                stack[-1].expects_key = token == b","
        elif stack and stack[-1].is_object and stack[-1].expects_key:
            stack[-1].key = _decode(token)
        else:
            yield JsonString(
                key=_key_of(stack),
                top=_top_of(stack),
                text=_decode(token),
                offset=base + match.start() + 1,
            )


def _key_of(stack: list[_Frame]) -> str | None:
    """The member name a value in the innermost frame belongs to (an array inherits it)."""
    return stack[-1].key if stack else None


def _top_of(stack: list[_Frame]) -> str | None:
    """The root object's member that encloses the current value."""
    return stack[0].key if stack and stack[0].is_object else None


def _decode(literal: bytes) -> str:
    """The text of a string literal; invalid escapes or UTF-8 degrade, never fail."""
    try:
        value = json.loads(literal)
    except ValueError:
        return literal[1:-1].decode("utf-8", "replace")
    return value if isinstance(value, str) else literal[1:-1].decode("utf-8", "replace")
