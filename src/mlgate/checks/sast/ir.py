"""Per-module facts the taint engine needs, extracted in one pass over the tree.

Nothing here follows data flow: it records imports, module constants, functions
and classes, and which functions are web handlers whose parameters carry user
input (see :mod:`mlgate.checks.sast.handlers`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


class HandlerKind(StrEnum):
    """Which framework calls a function with request data, if any."""

    NONE = "none"
    FLASK = "flask"
    FASTAPI = "fastapi"
    DJANGO = "django"
    AIOHTTP = "aiohttp"


@dataclass(frozen=True, slots=True, kw_only=True)
class Param:
    """One parameter of a function, in call order (``self`` included)."""

    name: str
    index: int
    node: ast.arg
    annotation: ast.expr | None
    default: ast.expr | None
    is_variadic: bool = False
    is_keywords: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ParamName:
    """What a caller needs of a parameter: its name, position and whether it collects."""

    name: str
    index: int
    is_variadic: bool = False
    # ``**kwargs``: collects the keywords no other parameter names.
    is_keywords: bool = False
    # FastAPI fills it from the request when the function is used as a dependency.
    is_input: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Signature:
    """A function as the rest of the project sees it, without its syntax tree.

    The project index keeps only these (and :class:`ModuleIndex`), so a module's
    tree can be dropped as soon as its functions are analysed.
    """

    qualname: str
    name: str
    params: tuple[ParamName, ...]
    line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionFacts:
    """A function (or the module's top-level code) and its role."""

    qualname: str
    name: str
    node: FunctionNode | ast.Module
    params: tuple[Param, ...]
    class_name: str | None
    handler: HandlerKind = HandlerKind.NONE
    source_params: frozenset[int] = frozenset()
    request_params: frozenset[str] = frozenset()
    returns_html: bool = False
    dependency_inputs: frozenset[int] = frozenset()

    @property
    def body(self) -> list[ast.stmt]:
        """The statements the function runs."""
        return self.node.body

    @property
    def is_method(self) -> bool:
        """True for functions defined directly in a class body."""
        return self.class_name is not None

    def signature(self) -> Signature:
        """The tree-free view callers resolve calls against."""
        return Signature(
            qualname=self.qualname,
            name=self.name,
            params=tuple(
                ParamName(
                    name=p.name,
                    index=p.index,
                    is_variadic=p.is_variadic,
                    is_keywords=p.is_keywords,
                    is_input=p.index in self.dependency_inputs,
                )
                for p in self.params
            ),
            line=getattr(self.node, "lineno", 1),
        )


# A keyword value a partial keeps: what a literal folds to and JSON can hold.
Scalar = str | int | float | bool | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PartialDef:
    """A module global bound once to ``functools.partial(target, *args, **keywords)``.

    ``bound`` counts the positional arguments it fixes; ``keywords`` holds the fixed
    keywords whose value is a constant, ``unknown`` the names of the others. Calling the
    global is calling ``target`` with them first (``shell=True`` included).
    """

    target: str
    bound: int
    keywords: tuple[tuple[str, Scalar], ...] = ()
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LambdaTable:
    """Names bound to lambdas in one scope: directly (``run``) or in a dict (``handlers``).

    Found without data flow; calls through them are analysed by
    :mod:`mlgate.checks.sast.lambdas`.
    """

    direct: Mapping[str, tuple[ast.Lambda, ...]] = field(default_factory=dict)
    tables: Mapping[str, tuple[ast.Lambda, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ModuleIndex:
    """What other modules need of a module: names it defines and imports (no tree)."""

    name: str
    path: str
    imports: Mapping[str, str]
    classes: Mapping[str, tuple[str, ...]]
    functions: tuple[Signature, ...]
    partials: Mapping[str, PartialDef] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ModuleFacts:
    """Everything module-wide that the analysis of one function may consult."""

    name: str
    path: str
    lines: tuple[str, ...]
    imports: Mapping[str, str]
    constants: Mapping[str, object]
    patterns: Mapping[str, str]
    functions: tuple[FunctionFacts, ...]
    classes: Mapping[str, tuple[str, ...]]
    # Globals bound once to a call, and ``__init__`` fields (see ``instances``).
    instances: Mapping[str, str] = field(default_factory=dict)
    fields: Mapping[str, str] = field(default_factory=dict)
    partials: Mapping[str, PartialDef] = field(default_factory=dict)
    # Module-level lambda bindings; ``has_lambdas`` is False when the text has no lambda.
    lambdas: LambdaTable = field(default_factory=LambdaTable)
    has_lambdas: bool = False

    def index(self) -> ModuleIndex:
        """The tree-free part of these facts that the project index keeps."""
        return ModuleIndex(
            name=self.name,
            path=self.path,
            imports=self.imports,
            classes=self.classes,
            functions=tuple(f.signature() for f in self.functions),
            partials=self.partials,
        )


def module_name_for(relative_path: str) -> tuple[str, bool]:
    """Dotted module name of a root-relative ``.py`` path, and whether it is a package."""
    parts = relative_path.removesuffix(".py").split("/")
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts) or "__init__", is_package


def collect_imports(tree: ast.Module, module: str, *, is_package: bool) -> dict[str, str]:
    """Local alias -> fully qualified name, for every import anywhere in the module."""
    imports: dict[str, str] = {}
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                imports[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom):
            base = _absolute_base(node, module, is_package=is_package)
            for alias in node.names:
                if alias.name != "*":
                    imports[alias.asname or alias.name] = f"{base}.{alias.name}".lstrip(".")
    return imports


def _statements(body: list[ast.stmt], *, scopes: bool = True) -> Iterator[ast.stmt]:
    """Every statement, nested ones included, without visiting expressions (fast).

    With ``scopes=False`` the bodies of nested functions and classes are left out.
    """
    pending = list(reversed(body))
    while pending:
        statement = pending.pop()
        yield statement
        if not scopes and isinstance(statement, _SCOPES):
            continue
        for part in ("body", "orelse", "finalbody"):
            pending.extend(reversed(getattr(statement, part, ())))
        for handler in getattr(statement, "handlers", ()):
            pending.extend(reversed(handler.body))
        for case in getattr(statement, "cases", ()):
            pending.extend(reversed(case.body))


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def lambda_table(body: list[ast.stmt]) -> LambdaTable:
    """The lambda bindings of a scope's statements (blocks included, nested scopes not)."""
    direct: dict[str, tuple[ast.Lambda, ...]] = {}
    tables: dict[str, tuple[ast.Lambda, ...]] = {}
    for statement in _statements(body, scopes=False):
        if not isinstance(statement, ast.Assign | ast.AnnAssign) or statement.value is None:
            continue
        value = statement.value
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        found: tuple[ast.Lambda, ...] = ()
        into = direct
        if isinstance(value, ast.Lambda):
            found = (value,)
        elif isinstance(value, ast.Dict):
            found, into = tuple(v for v in value.values if isinstance(v, ast.Lambda)), tables
        names = [t.id for t in targets if isinstance(t, ast.Name)] if found else []
        for name in names:
            into[name] = (*into.get(name, ()), *found)
    return LambdaTable(direct=direct, tables=tables)


def _absolute_base(node: ast.ImportFrom, module: str, *, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    drop = node.level - 1 if is_package else node.level
    anchor = package[: len(package) - drop] if drop else package
    return ".".join([*anchor, *([node.module] if node.module else [])])


def collect_constants(tree: ast.Module) -> tuple[dict[str, object], dict[str, str]]:
    """Module names bound exactly once to a literal, and to ``re.compile(<literal>)``."""
    bound: dict[str, list[ast.expr]] = {}
    for statement in tree.body:
        for name, value in _simple_bindings(statement):
            bound.setdefault(name, []).append(value)
    constants: dict[str, object] = {}
    patterns: dict[str, str] = {}
    for name, values in bound.items():
        if len(values) != 1:
            continue
        value = values[0]
        pattern = compiled_pattern(value)
        if pattern is not None:
            patterns[name] = pattern
        else:
            literal = literal_value(value)
            if literal is not _UNKNOWN:
                constants[name] = literal
    return constants, patterns


def _simple_bindings(statement: ast.stmt) -> Iterator[tuple[str, ast.expr]]:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if isinstance(target, ast.Name):
            yield target.id, statement.value
    elif (
        isinstance(statement, ast.AnnAssign)
        and isinstance(statement.target, ast.Name)
        and statement.value is not None
    ):
        yield statement.target.id, statement.value


_UNKNOWN = object()


def literal_value(node: ast.expr) -> object:
    """The value of a pure literal (``frozenset({...})`` included), else a sentinel."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"frozenset", "set", "tuple"}
        and len(node.args) == 1
    ):
        node = node.args[0]
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _UNKNOWN


def is_known(value: object) -> bool:
    """False for the sentinel :func:`literal_value` returns for non-literals."""
    return value is not _UNKNOWN


def compiled_pattern(node: ast.expr) -> str | None:
    """The pattern text of ``re.compile("...")``, else ``None``."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "compile"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "re"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value
    return None


def function_params(node: FunctionNode) -> tuple[Param, ...]:
    """Parameters in call order with their annotations and defaults."""
    arguments = node.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
    defaults.extend(arguments.defaults)
    params = [
        Param(name=a.arg, index=i, node=a, annotation=a.annotation, default=d)
        for i, (a, d) in enumerate(zip(positional, defaults, strict=True))
    ]
    extra: list[tuple[ast.arg, ast.expr | None, bool]] = []
    if arguments.vararg:
        extra.append((arguments.vararg, None, True))
    extra.extend(zip(arguments.kwonlyargs, arguments.kw_defaults, [False] * 99, strict=False))
    if arguments.kwarg:
        extra.append((arguments.kwarg, None, True))
    for arg, default, variadic in extra:
        params.append(
            Param(
                name=arg.arg,
                index=len(params),
                node=arg,
                annotation=arg.annotation,
                default=default,
                is_variadic=variadic,
                is_keywords=arg is arguments.kwarg,
            )
        )
    return tuple(params)


def frozen(mapping: dict[str, object] | dict[str, str]) -> Mapping[str, object]:
    """A read-only view of a mapping."""
    return MappingProxyType(mapping)
