"""Symbolic values of the pickle machine, and a bounded, cycle-safe rendering of them.

Literals (``None``, ``bool``, ``int``, ``float``, ``str``, ``bytes``, tuples of values)
are kept as Python values because they are inert. Everything a real unpickler would
produce by importing or calling is a symbolic object that only remembers its origin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias


@dataclass(eq=False, slots=True)
class GlobalValue:
    """What ``find_class`` would return for ``module.name`` (never imported)."""

    module: str
    name: str
    computed: bool = False
    offset: int = -1

    @property
    def qualname(self) -> str:
        """``module.name``."""
        return f"{self.module}.{self.name}"


@dataclass(eq=False, slots=True)
class CallValue:
    """The result of calling or instantiating a callable (REDUCE, NEWOBJ, OBJ, INST)."""

    kind: str
    callable: Value
    args: Value


@dataclass(eq=False, slots=True)
class OpaqueValue:
    """A value the machine does not model: persistent ids, large data, out-of-band buffers."""

    kind: str
    detail: str = ""


@dataclass(eq=False, slots=True)
class ListValue:
    """A list built by LIST/EMPTY_LIST and grown by APPEND(S)."""

    items: list[Value] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class DictValue:
    """A dict as ordered pairs: keys may be symbolic, hence unhashable here."""

    items: list[tuple[Value, Value]] = field(default_factory=list)

    def get_literal(self, key: str) -> Value | None:
        """The last value stored under a literal string key, else ``None``."""
        found: Value | None = None
        for candidate, value in self.items:
            if isinstance(candidate, str) and candidate == key:
                found = value
        return found


@dataclass(eq=False, slots=True)
class SetValue:
    """A set (EMPTY_SET + ADDITEMS) or frozenset (FROZENSET)."""

    items: list[Value] = field(default_factory=list)
    frozen: bool = False


Value: TypeAlias = (
    bool
    | int
    | float
    | str
    | bytes
    | bytearray
    | tuple["Value", ...]
    | GlobalValue
    | CallValue
    | OpaqueValue
    | ListValue
    | DictValue
    | SetValue
    | None
)

_MAX_DEPTH = 4
_MAX_ITEMS = 8


def callable_name(value: Value) -> str | None:
    """The dotted name of a callable when it is a global, else ``None``."""
    return value.qualname if isinstance(value, GlobalValue) else None


def origin_name(value: Value) -> str | None:
    """The global a value came from: itself, or the callable that produced it."""
    if isinstance(value, GlobalValue):
        return value.qualname
    if isinstance(value, CallValue):
        return callable_name(value.callable)
    return None


def origin_offset(value: Value) -> int | None:
    """The offset of the opcode that imported the global a value came from, if any."""
    if isinstance(value, CallValue):
        value = value.callable
    return value.offset if isinstance(value, GlobalValue) else None


def render(value: Value, limit: int = 200) -> str:
    """A short, bounded description of a value for evidence; safe on cycles."""
    text = _render(value, _MAX_DEPTH)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _render_items(items: list[Value] | tuple[Value, ...], depth: int) -> str:
    shown = [_render(item, depth - 1) for item in items[:_MAX_ITEMS]]
    if len(items) > _MAX_ITEMS:
        shown.append("...")
    return ", ".join(shown)


def _render(value: Value, depth: int) -> str:
    if depth <= 0:
        return "..."
    if isinstance(value, str | bytes | bytearray):
        return repr(value[:80])
    return _render_container(value, depth)


def _render_container(value: Value, depth: int) -> str:
    if isinstance(value, tuple):
        return f"({_render_items(value, depth)}{',' if len(value) == 1 else ''})"
    if isinstance(value, ListValue):
        return f"[{_render_items(value.items, depth)}]"
    if isinstance(value, SetValue):
        return f"{{{_render_items(value.items, depth)}}}"
    if isinstance(value, DictValue):
        pairs = [f"{_render(k, depth - 1)}: {_render(v, depth - 1)}" for k, v in value.items[:4]]
        return "{" + ", ".join(pairs) + (", ..." if len(value.items) > 4 else "") + "}"
    return _render_symbolic(value, depth)


def _render_symbolic(value: Value, depth: int) -> str:
    if isinstance(value, GlobalValue):
        return value.qualname
    if isinstance(value, CallValue):
        args = value.args
        inner = _render_items(args, depth) if isinstance(args, tuple) else _render(args, depth - 1)
        return f"{_render(value.callable, depth - 1)}({inner})"
    if isinstance(value, OpaqueValue):
        return f"<{value.kind}{' ' + value.detail if value.detail else ''}>"
    return repr(value)
