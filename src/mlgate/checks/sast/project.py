"""The whole scanned project: modules by name and functions by qualified name.

Flows cross files, so calls are resolved against every module of the project,
following ``from x import y`` re-exports. A module imported by a shorter or longer
name than its path gives (``from utils import f`` when the file is ``app/utils.py``)
is found by a unique suffix match.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mlgate.checks.sast.ir import ModuleIndex, PartialDef, Signature

# Re-export chains longer than this are not followed (and cycles stop).
_MAX_HOPS = 6


@dataclass(slots=True)
class Project:
    """Modules and functions of one analysis run."""

    modules: dict[str, ModuleIndex] = field(default_factory=dict)
    functions: dict[str, tuple[ModuleIndex, Signature]] = field(default_factory=dict)
    _suffixes: dict[str, list[str]] = field(default_factory=dict)
    # Whether any module defines a ``functools.partial`` global (most projects: none).
    has_partials: bool = False

    @classmethod
    def of(cls, modules: Iterable[ModuleIndex]) -> Project:
        """Index modules and their functions."""
        project = cls()
        for module in modules:
            project.add(module)
        return project

    def add(self, module: ModuleIndex) -> None:
        """Index one module (a later module with the same name replaces the first)."""
        self.modules[module.name] = module
        self.has_partials = self.has_partials or bool(module.partials)
        parts = module.name.split(".")
        for start in range(1, len(parts)):
            self._suffixes.setdefault(".".join(parts[start:]), []).append(module.name)
        for function in module.functions:
            self.functions[function.qualname] = (module, function)

    def find_module(self, name: str) -> ModuleIndex | None:
        """The module called ``name``, exactly or by a unique dotted suffix."""
        if name in self.modules:
            return self.modules[name]
        candidates = self._suffixes.get(name, [])
        return self.modules[candidates[0]] if len(candidates) == 1 else None

    def resolve(self, qualname: str) -> tuple[ModuleIndex, Signature] | None:
        """The project function a qualified name denotes, following re-exports."""
        for _ in range(_MAX_HOPS):
            if qualname in self.functions:
                return self.functions[qualname]
            module_name, _, attribute = qualname.rpartition(".")
            head, _, rest = module_name.partition(".")
            target = self._lookup(module_name, attribute) or self._lookup_class(
                head, rest, attribute
            )
            if target is None or target == qualname:
                return None
            qualname = target
        return None

    def _lookup(self, module_name: str, attribute: str) -> str | None:
        module = self.find_module(module_name)
        if module is None:
            return None
        if attribute in module.imports:
            return module.imports[attribute]
        return f"{module.name}.{attribute}"

    def _lookup_class(self, head: str, rest: str, attribute: str) -> str | None:
        """``pkg.mod.Class.method`` where ``pkg.mod`` is known only by a suffix."""
        module_name, _, class_name = f"{head}.{rest}".rpartition(".")
        module = self.find_module(module_name) if module_name else None
        if module is None:
            return None
        return f"{module.name}.{class_name}.{attribute}"

    def partial(self, qualname: str) -> PartialDef | None:
        """The ``functools.partial`` global a qualified name denotes, if any."""
        module_name, _, name = qualname.rpartition(".")
        module = self.find_module(module_name) if module_name else None
        return module.partials.get(name) if module is not None else None

    def is_class(self, qualname: str) -> bool:
        """True when ``qualname`` names a class defined in the project."""
        module = self.find_module(qualname.rpartition(".")[0])
        return module is not None and qualname in module.classes

    def method(self, class_qualname: str, name: str) -> tuple[ModuleIndex, Signature] | None:
        """A method of a project class, looked up through project base classes."""
        seen: set[str] = set()
        pending = [class_qualname]
        while pending:
            current = pending.pop(0)
            if current in seen:
                continue
            seen.add(current)
            found = self.functions.get(f"{current}.{name}")
            if found is not None:
                return found
            owner = self.find_module(current.rpartition(".")[0])
            if owner is not None:
                pending.extend(owner.classes.get(current, ()))
        return None

    def dependency_order(self) -> list[str]:
        """Module names with the modules each one imports first (cycles cut anywhere).

        Analysing callees before callers means a caller's first analysis already
        sees final callee summaries, so few functions are analysed twice.
        """
        order: list[str] = []
        done: set[str] = set()
        for root in self.modules:
            if root in done:
                continue
            stack = [(root, iter(self.imported_modules(root)))]
            done.add(root)
            while stack:
                name, pending = stack[-1]
                child = next((m for m in pending if m not in done), None)
                if child is None:
                    stack.pop()
                    order.append(name)
                else:
                    done.add(child)
                    stack.append((child, iter(self.imported_modules(child))))
        return order

    def imported_modules(self, name: str) -> list[str]:
        """Project modules that module ``name`` imports from."""
        found: list[str] = []
        for target in self.modules[name].imports.values():
            module = self.find_module(target) or self.find_module(target.rpartition(".")[0])
            if module is not None and module.name != name:
                found.append(module.name)
        return found
