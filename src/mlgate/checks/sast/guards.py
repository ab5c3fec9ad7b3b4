"""Branch refinement: what a condition proves about a value on each side of it.

``if name not in ALLOWED: abort(404)`` leaves ``name`` clean after the ``if``,
because the only path that continues is the one where the condition was false.
Allow-list membership, equality with a constant, ``str.isdigit()``-style checks,
anchored regular expressions over a safe alphabet and ``isinstance(x, int)`` clear
every class; a containment check clears path traversal only for a path that was
normalised first (``resolve()``, ``realpath``), since ``base/../x`` passes a naive
``startswith(base)``.
"""

from __future__ import annotations

import ast
import re

from mlgate.checks.sast.consts import fold
from mlgate.checks.sast.frame import Frame
from mlgate.checks.sast.labels import clear, clear_where
from mlgate.checks.sast.paths import access_path
from mlgate.checks.sast.rules.model import ALL_CLASSES, Mark, VulnClass
from mlgate.checks.sast.rules.sanitizers import (
    CONTAINMENT_METHODS,
    GUARD_FUNCTIONS,
    VALIDATING_METHODS,
)
from mlgate.checks.sast.state import UNKNOWN, State

_ATOM = r"(?:\[(?:[A-Za-z0-9_.]|\\[dw]|-)+\]|\\d|\\w|[A-Za-z0-9_-])"
_SAFE_REGEX = re.compile(rf"\^?(?:{_ATOM}(?:[*+?]|\{{\d+(?:,\d*)?\}})?)+(?:\$|\\Z)?")
_SAFE_TYPES = frozenset({"int", "float", "bool", "uuid.UUID"})
_PATH_ONLY = frozenset({VulnClass.PATH})


def refine(test: ast.expr, state: State, frame: Frame, *, truth: bool) -> None:
    """Narrow ``state`` to the paths where ``test`` evaluated to ``truth``."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        refine(test.operand, state, frame, truth=not truth)
    elif isinstance(test, ast.BoolOp):
        # ``a and b`` true (or ``a or b`` false) means every operand held (failed).
        if isinstance(test.op, ast.And) == truth:
            for operand in test.values:
                refine(operand, state, frame, truth=truth)
    elif isinstance(test, ast.Compare) and len(test.ops) == 1:
        _refine_compare(test, state, frame, truth=truth)
    elif isinstance(test, ast.Call) and truth:
        _refine_call(test, state, frame)


def _clean(node: ast.expr, state: State, classes: frozenset[str]) -> None:
    path = access_path(node)
    if path is not None and path in state.vars:
        state.vars[path] = clear(state.vars[path], classes)


def _refine_compare(test: ast.Compare, state: State, frame: Frame, *, truth: bool) -> None:
    op, right = test.ops[0], test.comparators[0]
    holds = isinstance(op, ast.In | ast.Eq | ast.Is)
    if not isinstance(op, ast.In | ast.NotIn | ast.Eq | ast.NotEq | ast.Is | ast.IsNot):
        return
    if holds != truth:
        return
    if _refine_commonpath(test, state, frame):
        return
    if fold(right, state, frame.module.constants) is UNKNOWN:
        return
    host = _url_host_of(test.left)
    if host is not None:
        _clean(host, state, frozenset({VulnClass.REDIRECT, VulnClass.SSRF}))
    else:
        _clean(test.left, state, ALL_CLASSES)


def _url_host_of(node: ast.expr) -> ast.expr | None:
    """``urlparse(u).netloc`` / ``.hostname`` -> ``u``."""
    if not (isinstance(node, ast.Attribute) and node.attr in {"netloc", "hostname"}):
        return None
    call = node.value
    if isinstance(call, ast.Call) and call.args:
        name = call.func.attr if isinstance(call.func, ast.Attribute) else None
        name = name or (call.func.id if isinstance(call.func, ast.Name) else None)
        if name in {"urlparse", "urlsplit"}:
            return call.args[0]
    return None


def _refine_commonpath(test: ast.Compare, state: State, frame: Frame) -> bool:
    """``os.path.commonpath([base, p]) == base`` contains ``p`` when ``p`` is normalised."""
    call = test.left
    if not (isinstance(call, ast.Call) and call.args and isinstance(call.args[0], ast.List)):
        return False
    if frame.qualify(call.func, state) != "os.path.commonpath":
        return False
    for element in call.args[0].elts:
        _contain(element, state)
    return True


def _contain(node: ast.expr, state: State) -> None:
    path = access_path(node)
    if path is not None and path in state.vars:
        state.vars[path] = clear_where(state.vars[path], Mark.NORMALISED_PATH, _PATH_ONLY)


def _refine_call(test: ast.Call, state: State, frame: Frame) -> None:
    func = test.func
    if isinstance(func, ast.Attribute) and func.attr in VALIDATING_METHODS and not test.args:
        _clean(func.value, state, ALL_CLASSES)
    elif isinstance(func, ast.Attribute) and func.attr in CONTAINMENT_METHODS and test.args:
        _contain(func.value, state)
    elif _is_safe_regex_call(test, state, frame):
        _clean(test.args[-1], state, ALL_CLASSES)
    elif _is_safe_isinstance(test, state, frame):
        _clean(test.args[0], state, ALL_CLASSES)
    else:
        classes = GUARD_FUNCTIONS.get(frame.qualify(func, state) or "")
        if classes is not None and test.args:
            _clean(test.args[0], state, classes)


def _is_safe_regex_call(test: ast.Call, state: State, frame: Frame) -> bool:
    func = test.func
    if not isinstance(func, ast.Attribute) or func.attr not in {"fullmatch", "match"}:
        return False
    pattern: object = UNKNOWN
    if frame.qualify(func.value, state) == "re" and len(test.args) >= 2:
        pattern = fold(test.args[0], state, frame.module.constants)
    elif isinstance(func.value, ast.Name) and len(test.args) == 1:
        pattern = frame.module.patterns.get(func.value.id, UNKNOWN)
    if not isinstance(pattern, str) or not _SAFE_REGEX.fullmatch(pattern):
        return False
    return func.attr == "fullmatch" or pattern.endswith(("$", "\\Z"))


def _is_safe_isinstance(test: ast.Call, state: State, frame: Frame) -> bool:
    if frame.qualify(test.func, state) != "isinstance" or len(test.args) != 2:
        return False
    kinds = test.args[1]
    names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
    return all(frame.qualify(n, state) in _SAFE_TYPES for n in names)
