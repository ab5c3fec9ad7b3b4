"""The scanned Python files as one project: names resolved through imports between them.

An app, its limiter and its routes often live in different modules
(``extensions.py`` holds ``limiter = Limiter(...)``, ``routes.py`` decorates with
``@limiter.limit``, ``app.py`` calls ``limiter.init_app(app)``). A :class:`Symbol`
names one module-level binding wherever it is used: ``from .extensions import
limiter`` in ``routes.py`` resolves to ``Symbol("app/extensions.py", "limiter")``.
Modules are found by the dotted name their path gives them, matched on whole
trailing components, so ``import app.extensions`` finds ``src/app/extensions.py``;
a name that two scanned files could both be is left unresolved rather than guessed.
Nothing is imported or run.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from mlgate.checks.deploy.ratelimit.pysyntax import Module, dotted_name, module_name

_MAX_HOPS = 8  # re-export chains longer than this are not followed (and cycles stop)


@dataclass(frozen=True, slots=True)
class Symbol:
    """A name bound in one module: the module's path and the name."""

    path: str
    name: str


class Project:
    """Every parsed module, indexed by each trailing part of its dotted name."""

    def __init__(self, modules: list[Module]) -> None:
        self.modules = modules
        self._by_name: dict[str, list[Module]] = {}
        for module in modules:
            parts = module_name(module.path).split(".")
            for start in range(len(parts)):
                self._by_name.setdefault(".".join(parts[start:]), []).append(module)

    def module(self, dotted: str) -> Module | None:
        """The one scanned module that ``dotted`` names, if exactly one does."""
        found = self._by_name.get(dotted, [])
        return found[0] if len(found) == 1 else None

    def symbol(self, module: Module, node: ast.expr) -> Symbol | None:
        """The binding an expression (``limiter``, ``routes.bp``) names, across imports."""
        dotted = dotted_name(node)
        return self._resolve(module, dotted.split("."), 0) if dotted else None

    def _resolve(self, module: Module, parts: list[str], hops: int) -> Symbol | None:
        head, rest = parts[0], parts[1:]
        origin = module.imports.get(head)
        if origin is None or hops > _MAX_HOPS:
            return Symbol(module.path, head) if not rest and origin is None else None
        target = self.module(origin)
        if target is not None:  # `import pkg.routes as routes` / `from pkg import routes`
            return self._resolve(target, rest, hops + 1) if rest else None
        owner, _, name = origin.rpartition(".")
        target = self.module(owner) if owner else None
        if target is None:
            return None  # a third-party name: nobody's binding in this project
        return self._resolve(target, [name, *rest], hops + 1)

    def namespace(self, module: Module, node: ast.expr) -> list[ast.stmt] | None:
        """Statements of the class or module an expression or dotted string names.

        This is what ``app.config.from_object(...)`` reads settings from.
        """
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return self._namespace_by_name(node.value)
        symbol = self.symbol(module, node)
        if symbol is None:
            origin = module.imports.get(dotted_name(node))
            target = self.module(origin) if origin else None
            return target.tree.body if target is not None else None
        return self._class_body(symbol)

    def _namespace_by_name(self, dotted: str) -> list[ast.stmt] | None:
        target = self.module(dotted)
        if target is not None:
            return target.tree.body
        owner, _, name = dotted.rpartition(".")
        target = self.module(owner) if owner else None
        return self._class_body(Symbol(target.path, name)) if target is not None else None

    def _class_body(self, symbol: Symbol, hops: int = 0) -> list[ast.stmt] | None:
        """A class's statements after those of its scanned base classes (which it overrides)."""
        module = next((m for m in self.modules if m.path == symbol.path), None)
        if module is None or hops > _MAX_HOPS:
            return None
        for node in module.tree.body:
            if isinstance(node, ast.ClassDef) and node.name == symbol.name:
                inherited: list[ast.stmt] = []
                for base in node.bases:
                    found = self.symbol(module, base)
                    inherited += (self._class_body(found, hops + 1) if found else None) or []
                return [*inherited, *node.body]
        return None

    def module_at(self, file_name: str) -> Module | None:
        """The scanned module whose path ends with ``file_name`` (``from_pyfile``), if one."""
        found = [m for m in self.modules if m.path.endswith(file_name)]
        return found[0] if len(found) == 1 else None
