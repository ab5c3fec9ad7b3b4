"""Weakness patterns at calls and assignments, and tainted writes into the session.

The patterns themselves are data (:mod:`~mlgate.checks.sast.rules.patterns`).
"""

from __future__ import annotations

import ast

from mlgate.checks.sast.collect import MODULE_FUNCTION
from mlgate.checks.sast.consts import fold
from mlgate.checks.sast.frame import Frame
from mlgate.checks.sast.inputs import is_request_object
from mlgate.checks.sast.labels import Taint
from mlgate.checks.sast.rules.model import MISSING, ArgTest
from mlgate.checks.sast.rules.queries import SESSION_GLOBALS, SESSION_WRITE
from mlgate.checks.sast.state import UNKNOWN, State


def check_call(
    node: ast.Call, qualname: str | None, method: str | None, state: State, frame: Frame
) -> None:
    """Flag the call when a weakness pattern's argument tests all hold."""
    for pattern in frame.rules.calls_for(qualname, method):
        if all(_holds(test, node, state, frame) for test in pattern.tests):
            frame.flag(pattern.weakness, node, pattern.hint)


def _holds(test: ArgTest, node: ast.Call, state: State, frame: Frame) -> bool:
    value = argument_value(node, test, state, frame)
    if value is UNKNOWN:
        return False
    try:
        return (value in test.values) != test.negate
    except TypeError:  # an unhashable folded constant (a list) matches nothing
        return False


def argument_value(node: ast.Call, test: ArgTest, state: State, frame: Frame) -> object:
    """What ``test`` sees of the call's argument: a constant, a qualified name, or missing."""
    expr = next((k.value for k in node.keywords if k.arg == test.keyword), None)
    if expr is None and test.position is not None:
        leading = [a for a in node.args[: test.position + 1] if isinstance(a, ast.Starred)]
        if leading:
            return UNKNOWN
        expr = node.args[test.position] if test.position < len(node.args) else None
    if expr is None:
        # ``f(**options)`` may pass anything: only a call without one is missing it.
        return UNKNOWN if any(k.arg is None for k in node.keywords) else MISSING
    return value_of(expr, state, frame)


def value_of(expr: ast.expr, state: State, frame: Frame) -> object:
    """A folded constant (strings lower-cased), else the qualified name, else unknown."""
    value = fold(expr, state, frame.module.constants)
    if value is UNKNOWN:
        qualified = frame.qualify(expr, state)
        return qualified if qualified is not None else UNKNOWN
    return value.lower() if isinstance(value, str) else value


def check_assignment(target: ast.expr, value: ast.expr, state: State, frame: Frame) -> None:
    """Flag ``x.attr = v``, ``x["KEY"] = v`` or a module ``NAME = v`` matching a pattern."""
    key = _target_key(target, frame)
    patterns = frame.rules.assigns.get(key, ()) if key is not None else ()
    if not patterns:
        return
    seen = value_of(value, state, frame)
    for pattern in patterns:
        if pattern.path_part not in frame.module.path:
            continue
        if seen is not UNKNOWN and _contains(pattern.values, seen):
            frame.flag(pattern.weakness, target, pattern.hint)


def _contains(values: frozenset[object], value: object) -> bool:
    try:
        return value in values
    except TypeError:
        return False


def _target_key(target: ast.expr, frame: Frame) -> str | None:
    if isinstance(target, ast.Attribute):
        return "." + target.attr
    if isinstance(target, ast.Subscript):
        key = target.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return f'["{key.value}"]'
        return None
    is_module = frame.function.name == MODULE_FUNCTION
    return target.id if isinstance(target, ast.Name) and is_module else None


def is_session(node: ast.expr, state: State, frame: Frame) -> bool:
    """Flask's ``session`` global, or ``request.session`` (Django, Starlette)."""
    # By import, not by state: writing input into it taints the name ``session`` itself.
    imported = frame.module.imports.get(node.id) if isinstance(node, ast.Name) else None
    if imported in SESSION_GLOBALS or frame.qualify(node, state) in SESSION_GLOBALS:
        return True
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "session"
        and is_request_object(node.value, state, frame)
    )


def check_session_write(node: ast.AST, taint: Taint, frame: Frame) -> None:
    """Record tainted data (key or value) stored into the session."""
    site = frame.site(node, "the session")
    for origin, trace in taint.live(SESSION_WRITE.vuln):
        frame.record(SESSION_WRITE, site, origin, (*trace, site.step))
