"""Binding values to targets: names, attributes, subscripts and unpacking."""

from __future__ import annotations

import ast

from mlgate.checks.sast import configs, credentials, exprs, weakness
from mlgate.checks.sast.consts import fold, is_bounded
from mlgate.checks.sast.frame import Frame
from mlgate.checks.sast.guards import derived_fact
from mlgate.checks.sast.labels import EMPTY, Taint, extend, join
from mlgate.checks.sast.paths import access_path, constant_key, root_path
from mlgate.checks.sast.rules.sanitizers import CONFIG_PARSERS
from mlgate.checks.sast.state import UNKNOWN, DictShape, ListShape, Shape, State

_EMPTY_CONTAINERS: dict[str, Shape] = {
    "dict": DictShape({}),
    "list": ListShape(()),
    **dict.fromkeys(CONFIG_PARSERS, DictShape({})),
}


def evaluate_with_shape(value: ast.expr, state: State, frame: Frame) -> tuple[Taint, Shape | None]:
    """Evaluate ``value`` once, keeping per-item taint when it is a literal container."""
    shape = _literal_shape(value, state, frame)
    if shape is not None:
        return shape.whole(), shape
    taint = exprs.evaluate(value, state, frame)
    path = access_path(value)
    return taint, state.shapes.get(path) if path is not None else None


def _literal_shape(value: ast.expr, state: State, frame: Frame) -> Shape | None:
    if isinstance(value, ast.List | ast.Tuple):
        if any(isinstance(e, ast.Starred) for e in value.elts):
            return None
        return ListShape(tuple(exprs.evaluate(e, state, frame) for e in value.elts))
    if isinstance(value, ast.Dict):
        credentials.check_dict(value, frame)
        keys = [constant_key(k) if k is not None else UNKNOWN for k in value.keys]
        if any(k is UNKNOWN for k in keys):
            return None
        items = [exprs.evaluate(v, state, frame) for v in value.values]
        return DictShape(dict(zip(keys, items, strict=True)))
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name | ast.Attribute):
        kind = frame.qualify(value.func, state)
        shape = _EMPTY_CONTAINERS.get(kind) if kind is not None else None
        # ``dict(a=x)`` is not empty; a config parser starts empty whatever its options.
        is_empty = not value.args and not value.keywords
        return shape if shape is not None and (is_empty or kind in CONFIG_PARSERS) else None
    return None


def bind(
    target: ast.expr,
    taint: Taint,
    state: State,
    frame: Frame,
    value: ast.expr | None,
    shape: Shape | None = None,
) -> None:
    """Store ``taint`` (and ``shape``) into ``target``."""
    if isinstance(target, ast.Name):
        _bind_name(target, taint, state, frame, value, shape)
    elif isinstance(target, ast.Tuple | ast.List):
        _unpack(target, taint, state, frame, shape)
    elif isinstance(target, ast.Starred):
        bind(target.value, taint, state, frame, None)
    elif isinstance(target, ast.Attribute):
        path = access_path(target)
        if path is not None:
            state.write(path, taint)
        else:
            _weaken_root(target.value, taint, state)
    elif isinstance(target, ast.Subscript):
        _bind_item(target, taint, state, frame)


def _bind_name(
    target: ast.Name,
    taint: Taint,
    state: State,
    frame: Frame,
    value: ast.expr | None,
    shape: Shape | None,
) -> None:
    path = (target.id,)
    fact = derived_fact(value, state) if value is not None else None
    stepped = extend(taint, frame.step(target, f"assigned to `{target.id}`")) if taint else taint
    if shape is not None:
        state.write_shape(path, shape)
        if stepped:
            state.vars[path] = stepped
    else:
        state.write(path, stepped)
    constant = fold(value, state, frame.module.constants) if value is not None else UNKNOWN
    state.consts[target.id] = constant if is_bounded(constant) else UNKNOWN
    state.classes.pop(target.id, None)
    if fact is not None and fact[1][:1] != path:
        state.derived[target.id] = fact
    if isinstance(value, ast.Call):
        created = frame.qualify(value.func, state)
        if created is not None and (
            frame.project.is_class(created) or frame.is_library_class(created)
        ):
            state.classes[target.id] = created


def _unpack(
    target: ast.Tuple | ast.List, taint: Taint, state: State, frame: Frame, shape: Shape | None
) -> None:
    has_star = any(isinstance(e, ast.Starred) for e in target.elts)
    if isinstance(shape, ListShape) and len(shape.items) == len(target.elts) and not has_star:
        for element, item in zip(target.elts, shape.items, strict=True):
            bind(element, item, state, frame, None)
        return
    for element in target.elts:
        bind(element, taint, state, frame, None)


def _bind_item(target: ast.Subscript, taint: Taint, state: State, frame: Frame) -> None:
    if weakness.is_session(target.value, state, frame):
        key_taint = exprs.evaluate(target.slice, state, frame)
        weakness.check_session_write(target, join(taint, key_taint), frame)
    if configs.write_config(target, taint, state):
        return
    path = access_path(target.value)
    if path is None:
        _weaken_root(target.value, taint, state)
        return
    key = constant_key(target.slice)
    if key is UNKNOWN:
        key = fold(target.slice, state, frame.module.constants)
    state.write_item(path, key if key is not UNKNOWN else UNKNOWN, taint)


def _weaken_root(node: ast.expr, taint: Taint, state: State) -> None:
    path = root_path(node)
    if path is not None and taint:
        state.weaken(path, taint)


def forget(target: ast.expr, state: State) -> None:
    """``del target``: the name no longer holds anything."""
    path = access_path(target)
    if path is not None:
        state.write(path, EMPTY)
