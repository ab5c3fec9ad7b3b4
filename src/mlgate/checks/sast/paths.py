"""Access paths of expressions and constant subscript keys."""

from __future__ import annotations

import ast
from collections.abc import Hashable

from mlgate.checks.sast.state import UNKNOWN, AccessPath, Unknown

# Attribute chains deeper than this are tracked by their prefix only.
MAX_DEPTH = 4


def access_path(node: ast.expr) -> AccessPath | None:
    """``x`` -> ``("x",)``, ``self.db.conn`` -> ``("self", ".db", ".conn")``; else ``None``."""
    if isinstance(node, ast.Name):
        return (node.id,)
    if isinstance(node, ast.Attribute):
        base = access_path(node.value)
        if base is not None and len(base) < MAX_DEPTH:
            return (*base, "." + node.attr)
    return None


def root_path(node: ast.expr) -> AccessPath | None:
    """The path of the storage an expression lives in: ``d["a"][0]`` -> ``("d",)``."""
    while isinstance(node, ast.Subscript | ast.Attribute):
        found = access_path(node)
        if found is not None:
            return found
        node = node.value
    return access_path(node)


def constant_key(node: ast.expr) -> Hashable | Unknown:
    """A subscript key that is a literal str/int (``-1`` included), else ``UNKNOWN``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | bytes):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value
    return UNKNOWN
