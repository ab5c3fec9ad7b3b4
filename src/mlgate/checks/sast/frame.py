"""The context of analysing one function: where it lives and what it has found."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Mapping
from dataclasses import dataclass, field

from mlgate.checks.sast.ir import FunctionFacts, LambdaTable, ModuleFacts, PartialDef
from mlgate.checks.sast.labels import Origin, SourceOrigin, Step, Taint
from mlgate.checks.sast.project import Project
from mlgate.checks.sast.results import SinkHit, SinkSite, Summary, WeaknessHit
from mlgate.checks.sast.rules import RuleSet
from mlgate.checks.sast.rules.model import SinkSpec, Weakness
from mlgate.checks.sast.state import State
from mlgate.core.fingerprint import normalise_content

_BUILTINS = frozenset(dir(builtins))
_MAX_SNIPPET = 200


@dataclass(slots=True, kw_only=True)
class Frame:
    """Mutable bookkeeping of one function analysis."""

    project: Project
    module: ModuleFacts
    function: FunctionFacts
    rules: RuleSet
    summaries: Mapping[str, Summary]
    hits: dict[tuple[object, ...], SinkHit] = field(default_factory=dict)
    returned: list[Taint] = field(default_factory=list)
    callees: set[str] = field(default_factory=set)
    loop_exits: list[list[State]] = field(default_factory=list)
    weaknesses: dict[tuple[Weakness, Step], WeaknessHit] = field(default_factory=dict)
    # Lambdas the function binds (collected on first use) and those being inlined now.
    local_lambdas: LambdaTable | None = None
    inlining: set[int] = field(default_factory=set)

    def qualify(self, node: ast.expr, state: State) -> str | None:
        """Fully qualified name of a dotted expression, via imports and module defs."""
        if isinstance(node, ast.Attribute):
            base = self.qualify(node.value, state)
            return f"{base}.{node.attr}" if base is not None else None
        if isinstance(node, ast.Call):
            # ``requests.Session().get``: methods of a library instance have names.
            made = self.qualify(node.func, state)
            return made if made is not None and self.is_library_class(made) else None
        return self._qualify_name(node, state) if isinstance(node, ast.Name) else None

    def _qualify_name(self, node: ast.Name, state: State) -> str | None:
        name = node.id
        instance_of = state.classes.get(name)
        if instance_of is not None and self.is_library_class(instance_of):
            return instance_of
        if self.is_local(name, state):
            return None
        instance_of = self.module.instances.get(name)
        if instance_of is not None and self.is_library_class(instance_of):
            return instance_of
        if name in self.module.imports:
            return self.module.imports[name]
        local = f"{self.module.name}.{name}"
        if local in self.project.functions or local in self.module.classes:
            return local
        return name if name in _BUILTINS else None

    def partial_for(self, func: ast.expr, state: State) -> PartialDef | None:
        """The module-level ``functools.partial`` a callee names (here or imported)."""
        if not self.project.has_partials:
            return None
        if isinstance(func, ast.Name):
            if self.is_local(func.id, state):
                return None
            found = self.module.partials.get(func.id)
            if found is not None or func.id not in self.module.imports:
                return found
            return self.project.partial(self.module.imports[func.id])
        if isinstance(func, ast.Attribute):
            qualname = self.qualify(func, state)
            return self.project.partial(qualname) if qualname is not None else None
        return None

    def is_library_class(self, qualname: str) -> bool:
        """A capitalised name from outside the project (``httpx.Client``), by convention."""
        last = qualname.rpartition(".")[2]
        return last[:1].isupper() and not self.project.is_class(qualname)

    def _is_param(self, name: str) -> bool:
        return any(p.name == name for p in self.function.params)

    def is_local(self, name: str, state: State) -> bool:
        """True when ``name`` is bound in the function (a parameter or an assignment)."""
        return (name,) in state.vars or name in state.consts or self._is_param(name)

    def instance_class(self, node: ast.expr, state: State) -> str | None:
        """The class of the object ``node`` denotes, when known.

        ``self``/``cls`` in a method, ``Class(...)`` itself, a local bound to
        ``Class(...)``, a module global bound once to ``Class(...)``, or a
        ``self.field`` that ``__init__`` binds so.
        """
        function = self.function
        if isinstance(node, ast.Call):
            made = self.qualify(node.func, state)
            return made if made is not None and self.project.is_class(made) else None
        if isinstance(node, ast.Name):
            if node.id in {"self", "cls"} and function.class_name is not None:
                return function.class_name
            if node.id in state.classes:
                return state.classes[node.id]
            return None if self.is_local(node.id, state) else self.module.instances.get(node.id)
        is_field = (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and function.class_name is not None
        )
        if is_field:
            assert isinstance(node, ast.Attribute)  # noqa: S101 - checked just above
            return self.module.fields.get(f"{function.class_name}.{node.attr}")
        return None

    def step(self, node: ast.AST, message: str) -> Step:
        """A trace step at ``node``'s position."""
        return Step(
            path=self.module.path,
            line=getattr(node, "lineno", 0),
            column=getattr(node, "col_offset", 0) + 1,
            message=message,
        )

    def code(self, node: ast.AST) -> str:
        """The source text of ``node`` (whitespace-normalised, bounded)."""
        return normalise_content(source_segment(self.module.lines, node))[:_MAX_SNIPPET]

    def source(self, node: ast.expr | ast.arg, description: str) -> SourceOrigin:
        """A source origin for the value read at ``node``."""
        code = self.code(node)
        return SourceOrigin(
            description=description,
            code=code,
            step=self.step(node, f"{description} read: `{code}`"),
        )

    def site(self, node: ast.AST, callee: str, *, code: str | None = None) -> SinkSite:
        """The sink site of a call node; ``code`` replaces its text (a redacted form)."""
        code = self.code(node) if code is None else code
        return SinkSite(step=self.step(node, f"reaches {callee}: `{code}`"), code=code)

    def record(
        self, sink: SinkSpec, site: SinkSite, origin: Origin, trace: tuple[Step, ...]
    ) -> None:
        """Remember that taint from ``origin`` reached ``sink`` at ``site`` (first trace wins)."""
        key = (sink, site.step, origin)
        if key not in self.hits:
            self.hits[key] = SinkHit(sink=sink, site=site, origin=origin, trace=trace)

    def flag(
        self, weakness: Weakness, node: ast.AST, hint: str, *, code: str | None = None
    ) -> None:
        """Remember a weakness at ``node`` (once per place, however often analysed)."""
        site = self.site(node, weakness.value, code=code)
        self.weaknesses.setdefault(
            (weakness, site.step), WeaknessHit(weakness=weakness, site=site, hint=hint)
        )


def source_segment(lines: tuple[str, ...], node: ast.AST) -> str:
    """The text a node spans; ``ast`` columns count UTF-8 bytes, so slice bytes."""
    start = getattr(node, "lineno", None)
    end = getattr(node, "end_lineno", None)
    if start is None or end is None or start > len(lines) or end > len(lines):
        return ""
    first_col = getattr(node, "col_offset", 0)
    last_col = getattr(node, "end_col_offset", None)
    chunk = [line.encode("utf-8", "surrogatepass") for line in lines[start - 1 : end]]
    if not chunk:
        return ""
    if last_col is not None:
        chunk[-1] = chunk[-1][:last_col]
    chunk[0] = chunk[0][first_col:]
    return "\n".join(c.decode("utf-8", "replace") for c in chunk)
