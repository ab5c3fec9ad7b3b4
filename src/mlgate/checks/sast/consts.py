"""Constant folding for branch conditions, without ever executing scanned code.

Only a handful of operators on small ints, strings, bools and tuples are folded,
each result bounded, so hostile sources such as ``"x" * 10**12`` cannot blow up.
Anything else is :data:`~mlgate.checks.sast.state.UNKNOWN`.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

from mlgate.checks.sast.state import UNKNOWN, State

_MAX_INT = 2**63
_MAX_TEXT = 10_000
_SCALARS = (int, float, str, bytes, bool, type(None))

_BINARY: dict[type[ast.operator], Callable[[Any, Any], object]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], object]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: operator.contains(b, a),
    ast.NotIn: lambda a, b: not operator.contains(b, a),
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}


def fold(node: ast.expr, state: State, constants: Mapping[str, object]) -> object:
    """The constant value of ``node``, or ``UNKNOWN``."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in state.consts:
            return state.consts[node.id]
        if (node.id,) in state.vars:
            return UNKNOWN
        return constants.get(node.id, UNKNOWN)
    folder = _FOLDERS.get(type(node))
    return folder(node, state, constants) if folder is not None else UNKNOWN


def is_bounded(value: object) -> bool:
    """True for constants small enough to keep (no giant ints or strings)."""
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        return -_MAX_INT < value < _MAX_INT
    if isinstance(value, str | bytes):
        return len(value) <= _MAX_TEXT
    if isinstance(value, tuple | frozenset):
        return len(value) <= 1_000 and all(is_bounded(v) for v in value)
    return isinstance(value, float)


def _apply(function: Callable[[Any, Any], object], left: object, right: object) -> object:
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if isinstance(left, str | bytes | tuple) and isinstance(right, int) and right > _MAX_TEXT:
        return UNKNOWN  # "x" * huge
    try:
        result = function(left, right)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, LookupError):
        return UNKNOWN
    return result if is_bounded(result) else UNKNOWN


def _binop(node: ast.expr, state: State, constants: Mapping[str, object]) -> object:
    assert isinstance(node, ast.BinOp)  # noqa: S101 - dispatch table guarantees the type
    function = _BINARY.get(type(node.op))
    if function is None:
        return UNKNOWN
    left = fold(node.left, state, constants)
    if left is UNKNOWN:
        return UNKNOWN  # without this, long chains would fold every suffix again
    return _apply(function, left, fold(node.right, state, constants))


def _unary(node: ast.expr, state: State, constants: Mapping[str, object]) -> object:
    assert isinstance(node, ast.UnaryOp)  # noqa: S101 - dispatch table guarantees the type
    value = fold(node.operand, state, constants)
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(node.op, ast.Not):
        return not value
    if isinstance(node.op, ast.USub) and isinstance(value, int | float):
        return -value
    return UNKNOWN


def _compare(node: ast.expr, state: State, constants: Mapping[str, object]) -> object:
    assert isinstance(node, ast.Compare)  # noqa: S101 - dispatch table guarantees the type
    left = fold(node.left, state, constants)
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        right = fold(comparator, state, constants)
        outcome = _apply(_COMPARE[type(op)], left, right)
        if outcome is UNKNOWN or not outcome:
            return outcome
        left = right
    return True


def _boolop(node: ast.expr, state: State, constants: Mapping[str, object]) -> object:
    assert isinstance(node, ast.BoolOp)  # noqa: S101 - dispatch table guarantees the type
    is_and = isinstance(node.op, ast.And)
    value: object = UNKNOWN
    for operand in node.values:
        value = fold(operand, state, constants)
        if value is UNKNOWN:
            return UNKNOWN
        if bool(value) != is_and:
            return value
    return value


def _sequence(node: ast.expr, state: State, constants: Mapping[str, object]) -> object:
    assert isinstance(node, ast.Tuple | ast.List | ast.Set)  # noqa: S101 - dispatch guarantees
    values = tuple(fold(e, state, constants) for e in node.elts)
    if any(v is UNKNOWN or not isinstance(v, _SCALARS) for v in values):
        return UNKNOWN
    return frozenset(values) if isinstance(node, ast.Set) else values


def _subscript(node: ast.expr, state: State, constants: Mapping[str, object]) -> object:
    assert isinstance(node, ast.Subscript)  # noqa: S101 - dispatch table guarantees the type
    return _apply(
        operator.getitem, fold(node.value, state, constants), fold(node.slice, state, constants)
    )


_FOLDERS: dict[type[ast.expr], Callable[[ast.expr, State, Mapping[str, object]], object]] = {
    ast.BinOp: _binop,
    ast.UnaryOp: _unary,
    ast.Compare: _compare,
    ast.BoolOp: _boolop,
    ast.Tuple: _sequence,
    ast.List: _sequence,
    ast.Set: _sequence,
    ast.Subscript: _subscript,
}
