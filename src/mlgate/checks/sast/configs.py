"""``ConfigParser`` subscripts: ``cfg["section"]["option"]`` read and written by key.

A parser's shape is a dict keyed by ``(section, option)`` pairs, the same keys
``cfg.set(s, o, v)`` and ``cfg.get(s, o)`` use (see :mod:`mlgate.checks.sast.calls`),
so a tainted option does not taint its neighbours. Reading a whole section
(``cfg["section"]``, a section proxy) joins the taint of the options known in it.
"""

from __future__ import annotations

import ast
from collections.abc import Hashable

from mlgate.checks.sast.frame import Frame
from mlgate.checks.sast.labels import EMPTY, Taint, join_all
from mlgate.checks.sast.paths import constant_key
from mlgate.checks.sast.rules.sanitizers import CONFIG_PARSERS
from mlgate.checks.sast.state import UNKNOWN, DictShape, State


def read_config(node: ast.Subscript, state: State, frame: Frame) -> Taint | None:
    """Taint of ``cfg[s][o]`` or ``cfg[s]`` on a tracked parser; ``None`` otherwise."""
    if isinstance(node.value, ast.Subscript):
        found = _option(node.value.value, node.value.slice, node.slice, state)
        if found is None:
            return None
        options, key = found
        return options.items.get(key, EMPTY)
    parser = _parser_shape(node.value, state)
    section = constant_key(node.slice)
    if parser is None or section is UNKNOWN:
        return None
    return _section(parser, section)


def write_config(target: ast.Subscript, taint: Taint, state: State) -> bool:
    """Bind ``cfg[s][o] = value`` by its key pair; False when ``target`` is not one."""
    if not isinstance(target.value, ast.Subscript):
        return False
    found = _option(target.value.value, target.value.slice, target.slice, state)
    if found is None:
        return False
    parser = target.value.value
    assert isinstance(parser, ast.Name)  # noqa: S101 - _option only accepts names
    state.write_item((parser.id,), found[1], taint)
    return True


def _option(
    parser: ast.expr, section: ast.expr, option: ast.expr, state: State
) -> tuple[DictShape, tuple[Hashable, Hashable]] | None:
    shape = _parser_shape(parser, state)
    keys = (constant_key(section), constant_key(option))
    if shape is None or UNKNOWN in keys:
        return None
    return shape, keys


def _parser_shape(node: ast.expr, state: State) -> DictShape | None:
    """The shape of a local name bound to a config parser this function created."""
    if not isinstance(node, ast.Name) or state.classes.get(node.id) not in CONFIG_PARSERS:
        return None
    shape = state.shapes.get((node.id,))
    return shape if isinstance(shape, DictShape) else None


def _section(shape: DictShape, section: Hashable) -> Taint:
    return join_all(
        v for k, v in shape.items.items() if isinstance(k, tuple) and k[:1] == (section,)
    )
