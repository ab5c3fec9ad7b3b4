"""Branch refinement: what a condition proves about a value on each side of it.

``if name not in ALLOWED: abort(404)`` leaves ``name`` clean after the ``if``,
because the only path that continues is the one where the condition was false.
Allow-list membership, equality with a constant (or with a value that carries no
input: ``if sku not in PRICES`` where ``PRICES`` is imported), ``str.isdigit()``-style checks,
anchored regular expressions over a safe alphabet and ``isinstance(x, int)`` clear
every class; a containment check clears path traversal only for a path that was
normalised first (``resolve()``, ``realpath``), since ``base/../x`` passes a naive
``startswith(base)``. A host check (``urlparse(u).netloc in HOSTS``) clears open redirect
and SSRF for ``u``, also through a variable holding the parsed URL or its host
(``host = urlparse(u).hostname``), as long as neither was rebound since.
"""

from __future__ import annotations

import ast
import re

from mlgate.checks.sast import exprs
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
from mlgate.checks.sast.state import UNKNOWN, AccessPath, State

_ATOM = r"(?:\[(?:[A-Za-z0-9_.]|\\[dw]|-)+\]|\\d|\\w|[A-Za-z0-9_-])"
_SAFE_REGEX = re.compile(rf"\^?(?:{_ATOM}(?:[*+?]|\{{\d+(?:,\d*)?\}})?)+(?:\$|\\Z)?")
_SAFE_TYPES = frozenset({"int", "float", "bool", "uuid.UUID"})
_PATH_ONLY = frozenset({VulnClass.PATH})
_HOST_CHECKED = frozenset({VulnClass.REDIRECT, VulnClass.SSRF})
_URL_PARSERS = frozenset({"urlparse", "urlsplit"})
_HOST_PARTS = frozenset({"netloc", "hostname"})
_CASE_FOLDS = frozenset({"lower", "casefold"})
_MEMBERSHIP = (ast.In, ast.NotIn, ast.Eq, ast.NotEq)


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
    if path is not None:
        _clean_path(path, state, classes)


def _clean_path(path: AccessPath, state: State, classes: frozenset[str]) -> None:
    """Clear ``classes`` on ``path``, also when only a prefix is tracked (``body.url``)."""
    taint = state.vars.get(path) or state.read(path)
    if taint:
        state.vars[path] = clear(taint, classes)


def _refine_compare(test: ast.Compare, state: State, frame: Frame, *, truth: bool) -> None:
    op, right = test.ops[0], test.comparators[0]
    holds = isinstance(op, ast.In | ast.Eq | ast.Is)
    if not isinstance(op, ast.In | ast.NotIn | ast.Eq | ast.NotEq | ast.Is | ast.IsNot):
        return
    if holds != truth:
        return
    if _refine_commonpath(test, state, frame):
        return
    if not _is_trusted(op, right, state, frame):
        return
    host = url_host_source(test.left, state)
    if host is not None:
        _clean_path(host, state, _HOST_CHECKED)
    else:
        _clean(test.left, state, ALL_CLASSES)


def _is_trusted(op: ast.cmpop, right: ast.expr, state: State, frame: Frame) -> bool:
    """A constant, or a name/attribute/item holding no input (an imported allow-list)."""
    if fold(right, state, frame.module.constants) is not UNKNOWN:
        return True
    if not isinstance(op, _MEMBERSHIP):
        return False
    if not isinstance(right, ast.Name | ast.Attribute | ast.Subscript):
        return False
    return not exprs.evaluate(right, state, frame)


def _parsed_url(node: ast.expr, state: State) -> AccessPath | None:
    """``urlparse(u)`` (or a name bound to it) -> the access path of ``u``."""
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        return access_path(node.args[0]) if name in _URL_PARSERS else None
    if isinstance(node, ast.Name):
        kind, source = state.derived.get(node.id, ("", ()))
        return source if kind == "parsed" else None
    return None


def url_host_source(node: ast.expr, state: State) -> AccessPath | None:
    """The URL whose host ``node`` is: ``urlparse(u).netloc``, ``parts.hostname``, ``host``."""
    if isinstance(node, ast.Attribute) and node.attr in _HOST_PARTS:
        return _parsed_url(node.value, state)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args:
        return url_host_source(node.func.value, state) if node.func.attr in _CASE_FOLDS else None
    if isinstance(node, ast.Name):
        kind, source = state.derived.get(node.id, ("", ()))
        return source if kind == "host" else None
    return None


def derived_fact(value: ast.expr, state: State) -> tuple[str, AccessPath] | None:
    """What binding ``value`` to a name lets a later host guard prove, if anything."""
    host = url_host_source(value, state)
    if host is not None:
        return "host", host
    parsed = _parsed_url(value, state)
    return ("parsed", parsed) if parsed is not None else None


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
