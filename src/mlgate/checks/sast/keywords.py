"""``**kwargs`` by key: ``kwargs["path"]`` holds the caller's ``path=`` argument only.

At a function's entry its ``**kwargs`` parameter is a dict whose constant keys read in
the body (``kwargs["k"]``, ``kwargs.get("k")``, ``kwargs.pop("k")``) each hold their
own symbolic label, so a summary says which keyword reaches a sink; the dict as a
whole (iterated, unpacked again, read by a computed key) stands for every keyword.
"""

from __future__ import annotations

import ast
from collections.abc import Hashable

from mlgate.checks.sast.ir import FunctionFacts, Param
from mlgate.checks.sast.labels import Taint, param
from mlgate.checks.sast.state import DictShape, State

_LOOKUPS = frozenset({"get", "pop", "setdefault"})


def bind_keywords(
    parameter: Param, function: FunctionFacts, lines: tuple[str, ...], state: State
) -> None:
    """Bind the ``**kwargs`` parameter in ``state``, per key for the keys the body reads."""
    name = parameter.name
    keys = _keys_read(name, function.body) if _mentions_keys(name, function, lines) else set()
    items: dict[Hashable, Taint] = {key: param(parameter.index, key) for key in sorted(keys)}
    state.write((name,), param(parameter.index))
    if items:
        state.shapes[(name,)] = DictShape(items)


def _mentions_keys(name: str, function: FunctionFacts, lines: tuple[str, ...]) -> bool:
    """A cheap text test before walking the body: is ``name`` ever subscripted or looked up?"""
    node = function.node
    start, end = getattr(node, "lineno", 1), getattr(node, "end_lineno", None) or len(lines)
    text = "\n".join(lines[start - 1 : end])
    return f"{name}[" in text or any(f"{name}.{m}(" in text for m in _LOOKUPS)


def _keys_read(name: str, body: list[ast.stmt]) -> set[str]:
    keys: set[str] = set()
    for statement in body:
        for node in ast.walk(statement):
            key: ast.expr | None = None
            if isinstance(node, ast.Subscript) and _is_name(node.value, name):
                key = node.slice
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _LOOKUPS
                and _is_name(node.func.value, name)
                and node.args
            ):
                key = node.args[0]
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                keys.add(key.value)
    return keys


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name
