"""Taint of expressions: how values combine, and where input enters.

String building (``+``, ``%``, f-strings, ``.format``, ``join``) unions the taint of
its parts. A literal prefix that fixes scheme and host (``"https://api.x/" + v``)
clears SSRF and open-redirect for the rest, since the input can no longer choose
the destination. Subscripting a container by a tainted key does not taint the
value: a lookup in a constant table is how allow-lists are written.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from mlgate.checks.sast import assign, calls, configs, credentials
from mlgate.checks.sast.consts import fold
from mlgate.checks.sast.frame import Frame
from mlgate.checks.sast.guards import refine
from mlgate.checks.sast.inputs import attribute_source, name_source
from mlgate.checks.sast.labels import EMPTY, Taint, clear, join
from mlgate.checks.sast.paths import access_path, constant_key
from mlgate.checks.sast.rules.model import VulnClass
from mlgate.checks.sast.state import UNKNOWN, State

_FIXED_HOST = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#@{}]+[/?#]")
_LOCAL_PATH = re.compile(r"^/[^/\\]")
_HOST_FIXED = frozenset({VulnClass.SSRF, VulnClass.REDIRECT})
_LOCAL_ONLY = frozenset({VulnClass.REDIRECT})
_PREFIX_WALK = 8


def evaluate(node: ast.expr, state: State, frame: Frame) -> Taint:
    """The taint of ``node``'s value in ``state`` (may record sink hits on the way)."""
    handler = _HANDLERS.get(type(node))
    return handler(node, state, frame) if handler is not None else EMPTY


def evaluate_all(nodes: list[ast.expr], state: State, frame: Frame) -> Taint:
    """Union of the taints of several expressions."""
    return join(*(evaluate(n, state, frame) for n in nodes))


def prefix_cleared(prefix: object) -> frozenset[str]:
    """Classes a literal string prefix rules out for whatever follows it."""
    if not isinstance(prefix, str):
        return frozenset()
    if _FIXED_HOST.match(prefix):
        return _HOST_FIXED
    return _LOCAL_ONLY if _LOCAL_PATH.match(prefix) else frozenset()


def _name(node: ast.expr, state: State, frame: Frame) -> Taint:
    assert isinstance(node, ast.Name)  # noqa: S101 - dispatch table guarantees the type
    found = state.vars.get((node.id,))
    return found if found is not None else name_source(node, state, frame)


def _attribute(node: ast.expr, state: State, frame: Frame) -> Taint:
    assert isinstance(node, ast.Attribute)  # noqa: S101 - dispatch table guarantees the type
    found = attribute_source(node, state, frame)
    if found:
        return found
    path = access_path(node)
    return state.read(path) if path is not None else evaluate(node.value, state, frame)


def _subscript(node: ast.expr, state: State, frame: Frame) -> Taint:
    assert isinstance(node, ast.Subscript)  # noqa: S101 - dispatch table guarantees the type
    option = configs.read_config(node, state, frame)
    if option is not None:
        return option
    path = access_path(node.value)
    if path is not None and path in state.shapes:
        key = constant_key(node.slice)
        if key is UNKNOWN:
            key = fold(node.slice, state, frame.module.constants)
        if key is not UNKNOWN and not isinstance(node.slice, ast.Slice):
            return state.read_item(path, key)
    return evaluate(node.value, state, frame)


def _binop(node: ast.expr, state: State, frame: Frame) -> Taint:
    assert isinstance(node, ast.BinOp)  # noqa: S101 - dispatch table guarantees the type
    left = evaluate(node.left, state, frame)
    right = evaluate(node.right, state, frame)
    if isinstance(node.op, ast.Add | ast.Mod) and right:
        leftmost = _leftmost(node.left)
        if not isinstance(leftmost, ast.BinOp):
            right = clear(right, prefix_cleared(fold(leftmost, state, frame.module.constants)))
    return join(left, right)


def _leftmost(node: ast.expr) -> ast.expr:
    """The first operand of ``a + b + c`` (a short walk: long chains are not URLs)."""
    for _ in range(_PREFIX_WALK):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)):
            break
        node = node.left
    return node


def _joined(node: ast.expr, state: State, frame: Frame) -> Taint:
    assert isinstance(node, ast.JoinedStr)  # noqa: S101 - dispatch table guarantees the type
    parts = node.values
    cleared: frozenset[str] = frozenset()
    if parts and isinstance(parts[0], ast.Constant):
        cleared = prefix_cleared(parts[0].value)
    return clear(evaluate_all(parts, state, frame), cleared)


def _formatted(node: ast.expr, state: State, frame: Frame) -> Taint:
    assert isinstance(node, ast.FormattedValue)  # noqa: S101 - dispatch table guarantees the type
    return evaluate(node.value, state, frame)


def _sequence(node: ast.expr, state: State, frame: Frame) -> Taint:
    assert isinstance(node, ast.Tuple | ast.List | ast.Set)  # noqa: S101 - dispatch guarantees
    return evaluate_all(node.elts, state, frame)


def _dict(node: ast.expr, state: State, frame: Frame) -> Taint:
    assert isinstance(node, ast.Dict)  # noqa: S101 - dispatch table guarantees the type
    credentials.check_dict(node, frame)
    keys = [k for k in node.keys if k is not None]
    return join(evaluate_all(keys, state, frame), evaluate_all(node.values, state, frame))


def _if_expression(node: ast.expr, state: State, frame: Frame) -> Taint:
    assert isinstance(node, ast.IfExp)  # noqa: S101 - dispatch table guarantees the type
    test = fold(node.test, state, frame.module.constants)
    if test is not UNKNOWN:
        return evaluate(node.body if test else node.orelse, state, frame)
    evaluate(node.test, state, frame)
    when_true, when_false = state.copy(), state.copy()
    refine(node.test, when_true, frame, truth=True)
    refine(node.test, when_false, frame, truth=False)
    return join(evaluate(node.body, when_true, frame), evaluate(node.orelse, when_false, frame))


def _boolop(node: ast.expr, state: State, frame: Frame) -> Taint:
    assert isinstance(node, ast.BoolOp)  # noqa: S101 - dispatch table guarantees the type
    return evaluate_all(node.values, state, frame)


def _operand(node: ast.expr, state: State, frame: Frame) -> Taint:
    assert isinstance(node, ast.UnaryOp)  # noqa: S101 - dispatch table guarantees the type
    value = evaluate(node.operand, state, frame)
    return EMPTY if isinstance(node.op, ast.Not) else value


def _compare(node: ast.expr, state: State, frame: Frame) -> Taint:
    assert isinstance(node, ast.Compare)  # noqa: S101 - dispatch table guarantees the type
    credentials.check_compare(node, frame)
    evaluate(node.left, state, frame)
    evaluate_all(node.comparators, state, frame)
    return EMPTY  # a bool carries no injected text


def _inner_value(node: ast.expr, state: State, frame: Frame) -> Taint:
    value = getattr(node, "value", None)
    return evaluate(value, state, frame) if isinstance(value, ast.expr) else EMPTY


def _yield(node: ast.expr, state: State, frame: Frame) -> Taint:
    frame.returned.append(_inner_value(node, state, frame))
    return EMPTY


def _named(node: ast.expr, state: State, frame: Frame) -> Taint:
    assert isinstance(node, ast.NamedExpr)  # noqa: S101 - dispatch table guarantees the type
    value = evaluate(node.value, state, frame)
    assign.bind(node.target, value, state, frame, node.value)
    return value


def _comprehension(node: ast.expr, state: State, frame: Frame) -> Taint:
    assert isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp)  # noqa: S101
    inner = state.copy()
    for generator in node.generators:
        items = evaluate(generator.iter, inner, frame)
        assign.bind(generator.target, items, inner, frame, None)
        for condition in generator.ifs:
            evaluate(condition, inner, frame)
            refine(condition, inner, frame, truth=True)
    if isinstance(node, ast.DictComp):
        return join(evaluate(node.key, inner, frame), evaluate(node.value, inner, frame))
    return evaluate(node.elt, inner, frame)


def _call(node: ast.expr, state: State, frame: Frame) -> Taint:
    assert isinstance(node, ast.Call)  # noqa: S101 - dispatch table guarantees the type
    return calls.evaluate_call(node, state, frame)


_Handler = Callable[[ast.expr, State, Frame], Taint]
_HANDLERS: dict[type[ast.expr], _Handler] = {
    ast.Name: _name,
    ast.Attribute: _attribute,
    ast.Subscript: _subscript,
    ast.BinOp: _binop,
    ast.JoinedStr: _joined,
    ast.FormattedValue: _formatted,
    ast.Tuple: _sequence,
    ast.List: _sequence,
    ast.Set: _sequence,
    ast.Dict: _dict,
    ast.IfExp: _if_expression,
    ast.BoolOp: _boolop,
    ast.UnaryOp: _operand,
    ast.Compare: _compare,
    ast.Await: _inner_value,
    ast.Starred: _inner_value,
    ast.Yield: _yield,
    ast.YieldFrom: _yield,
    ast.NamedExpr: _named,
    ast.ListComp: _comprehension,
    ast.SetComp: _comprehension,
    ast.GeneratorExp: _comprehension,
    ast.DictComp: _comprehension,
    ast.Call: _call,
}
