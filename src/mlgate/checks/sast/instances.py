"""Which project (or library) class a name holds beyond the function being analysed.

Real code keeps its services in module globals (``storage = LocalStorage(...)``) and
in fields set by ``__init__`` (``self.repo = UserRepository(db)``); calling their
methods must reach the method's summary like a call on a local instance does.
Both are collected once per module, without data flow: a global bound more than
once, or a field bound to different classes, is left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping

from mlgate.checks.sast.ir import PartialDef, Scalar, is_known, literal_value

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def qualified_callee(func: ast.expr, imports: Mapping[str, str], module: str) -> str | None:
    """``Name`` / ``pkg.Name`` of a call, qualified through the module's imports."""
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return None
    head = imports.get(func.id, f"{module}.{func.id}")
    return ".".join([head, *reversed(parts)])


def module_instances(tree: ast.Module, imports: Mapping[str, str], module: str) -> dict[str, str]:
    """Module globals bound exactly once, to a call: name -> qualified callee."""
    bound: dict[str, list[str | None]] = {}
    for statement in tree.body:
        for name, value in _assignments(statement):
            callee = value.func if isinstance(value, ast.Call) else None
            made = qualified_callee(callee, imports, module) if callee is not None else None
            bound.setdefault(name, []).append(made)
    return {name: made[0] for name, made in bound.items() if len(made) == 1 and made[0]}


_PARTIAL = "functools.partial"


def module_partials(
    tree: ast.Module, imports: Mapping[str, str], module: str
) -> dict[str, PartialDef]:
    """Globals bound once to ``functools.partial(f, ...)``: name -> what calling it means."""
    bound: dict[str, list[PartialDef | None]] = {}
    for statement in tree.body:
        for name, value in _assignments(statement):
            bound.setdefault(name, []).append(_partial(value, imports, module))
    return {name: made[0] for name, made in bound.items() if len(made) == 1 and made[0]}


def _partial(value: ast.expr, imports: Mapping[str, str], module: str) -> PartialDef | None:
    if not isinstance(value, ast.Call) or not value.args:
        return None
    if qualified_callee(value.func, imports, module) != _PARTIAL:
        return None
    target = qualified_callee(value.args[0], imports, module)
    has_star = any(isinstance(a, ast.Starred) for a in value.args)
    if target is None or has_star or any(k.arg is None for k in value.keywords):
        return None
    constants: list[tuple[str, Scalar]] = []
    unknown: list[str] = []
    for keyword in value.keywords:
        assert keyword.arg is not None  # noqa: S101 - ``**kw`` was refused above
        constant = literal_value(keyword.value)
        if is_known(constant) and isinstance(constant, Scalar):
            constants.append((keyword.arg, constant))
        else:
            unknown.append(keyword.arg)
    return PartialDef(
        target=target, bound=len(value.args) - 1, keywords=tuple(constants), unknown=tuple(unknown)
    )


def field_types(
    node: ast.ClassDef, qualname: str, imports: Mapping[str, str], module: str
) -> dict[str, str]:
    """``self.attr = Class(...)`` in ``__init__``: ``"<class qualname>.attr"`` -> callee."""
    found: dict[str, set[str]] = {}
    for method in node.body:
        if not (isinstance(method, FunctionNode) and method.name == "__init__"):
            continue
        for statement in ast.walk(method):
            for attr, value in _self_assignments(statement):
                made = qualified_callee(value.func, imports, module)
                if made is not None:
                    found.setdefault(f"{qualname}.{attr}", set()).add(made)
    return {key: next(iter(made)) for key, made in found.items() if len(made) == 1}


def _assignments(statement: ast.stmt) -> Iterator[tuple[str, ast.expr]]:
    if isinstance(statement, ast.Assign):
        for target in statement.targets:
            if isinstance(target, ast.Name):
                yield target.id, statement.value
    elif (
        isinstance(statement, ast.AnnAssign)
        and isinstance(statement.target, ast.Name)
        and statement.value is not None
    ):
        yield statement.target.id, statement.value


def _self_assignments(statement: ast.AST) -> Iterator[tuple[str, ast.Call]]:
    if not isinstance(statement, ast.Assign) or not isinstance(statement.value, ast.Call):
        return
    for target in statement.targets:
        if (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == "self"
        ):
            yield target.attr, statement.value
