"""Small readers of Python syntax trees shared by the code-level rate-limit analyses.

The code is parsed, never imported or run. Names are resolved through the module's
own imports only: ``from slowapi import Limiter as L`` makes ``L(...)`` a slowapi
limiter, and a ``Limiter`` of unknown origin is nobody's.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Module:
    """A parsed source file and what its imports make its names mean."""

    path: str
    tree: ast.Module
    imports: dict[str, str]

    def origin(self, node: ast.expr) -> str:
        """Dotted origin of a name or attribute (``Limiter`` -> ``slowapi.Limiter``)."""
        dotted = dotted_name(node)
        head, _, rest = dotted.partition(".")
        base = self.imports.get(head, head)
        return f"{base}.{rest}" if rest else base

    def imports_from(self, *packages: str) -> bool:
        """Whether any import of the module comes from one of ``packages``."""
        return any(o.split(".")[0] in packages for o in self.imports.values())


def dotted_name(node: ast.expr) -> str:
    """``a.b.c`` for attribute chains on a name; ``""`` for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))


def module_name(path: str) -> str:
    """The dotted name a file's path gives it (``app/api/__init__.py`` -> ``app.api``)."""
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _from_origin(node: ast.ImportFrom, package: list[str]) -> str:
    """The absolute module of ``from ... import``; relative levels climb from ``package``."""
    if node.level == 0:
        return node.module or ""
    base = package[: len(package) - (node.level - 1)] if node.level - 1 <= len(package) else []
    return ".".join([*base, *([node.module] if node.module else [])])


def import_map(tree: ast.Module, package: str = "") -> dict[str, str]:
    """Local name -> dotted origin for every import in the module.

    ``package`` is the dotted package the module lives in, for relative imports.
    """
    names: dict[str, str] = {}
    parts = package.split(".") if package else []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and (node.module or node.level):
            origin = _from_origin(node, parts)
            for alias in node.names:
                names[alias.asname or alias.name] = f"{origin}.{alias.name}".lstrip(".")
    return names


def parse_module(path: str, text: str) -> Module | None:
    """Parse source text; ``None`` when it is not valid Python (nothing to prove there)."""
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    name = module_name(path)
    package = name if path.endswith("__init__.py") else name.rpartition(".")[0]
    return Module(path, tree, import_map(tree, package))


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value of keyword argument ``name`` of ``call``, if given."""
    return next((k.value for k in call.keywords if k.arg == name), None)


def is_false(node: ast.expr | None) -> bool:
    """Whether an expression is the literal ``False``."""
    return isinstance(node, ast.Constant) and node.value is False


def is_nonempty(node: ast.expr | None) -> bool:
    """Whether an expression is a non-empty literal list/tuple/string, or anything else."""
    if node is None:
        return False
    if isinstance(node, ast.List | ast.Tuple):
        return bool(node.elts)
    if isinstance(node, ast.Constant):
        return bool(node.value)
    return True  # a variable: assume it holds limits (we cannot see its value)


def assigned_calls(tree: ast.Module) -> dict[str, ast.Call]:
    """Variables bound to a call anywhere in the module (``app = FastAPI()``)."""
    bound: dict[str, ast.Call] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound[target.id] = node.value
        elif (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.target, ast.Name)
        ):
            bound[node.target.id] = node.value
    return bound


def calls(tree: ast.Module) -> list[ast.Call]:
    """Every call expression of the module, in source order."""
    found = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    return sorted(found, key=lambda c: (c.lineno, c.col_offset))
