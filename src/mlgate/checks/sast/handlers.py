"""Which functions are web handlers, and which of their parameters carry user input."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass

from mlgate.checks.sast.ir import FunctionNode, HandlerKind, Param
from mlgate.checks.sast.rules.sources import (
    DJANGO_VIEW_METHODS,
    REQUEST_PARAM_NAMES,
    REQUEST_TYPE_NAMES,
    ROUTE_DECORATORS,
    SAFE_CONVERTERS,
    SAFE_PARAM_TYPES,
)

_CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_DEPENDENCY_MARKERS = frozenset({"Depends", "Security"})
_WRAPPERS = frozenset({"Optional", "Annotated", "Union"})


@dataclass(frozen=True, slots=True, kw_only=True)
class HandlerRole:
    """How the framework calls a function."""

    kind: HandlerKind
    source_params: frozenset[int]
    request_params: frozenset[str]
    returns_html: bool = False
    # Parameters FastAPI fills from the request if the function is a dependency.
    dependency_inputs: frozenset[int] = frozenset()


def annotation_name(annotation: ast.expr | None) -> str | None:
    """The main type name of an annotation: ``Optional[int]`` -> ``int``."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return annotation.value.split("[")[0].split("|")[0].strip() or None
    if isinstance(annotation, ast.BinOp):
        return annotation_name(annotation.left)
    if isinstance(annotation, ast.Subscript):
        outer = annotation_name(annotation.value)
        if outer not in _WRAPPERS:
            return outer
        inner = annotation.slice
        return annotation_name(inner.elts[0] if isinstance(inner, ast.Tuple) else inner)
    if isinstance(annotation, ast.Name | ast.Attribute):
        return annotation.id if isinstance(annotation, ast.Name) else annotation.attr
    return None


def request_params(params: tuple[Param, ...]) -> frozenset[str]:
    """Parameters that hold a framework request object (by name or annotation)."""
    return frozenset(
        p.name
        for p in params
        if p.name in REQUEST_PARAM_NAMES or annotation_name(p.annotation) in REQUEST_TYPE_NAMES
    )


def classify(
    node: FunctionNode,
    params: tuple[Param, ...],
    *,
    class_name: str | None,
    imports: Mapping[str, str],
    framework: HandlerKind | None = None,
) -> HandlerRole:
    """The handler role of a function, from its decorators, class and signature.

    ``framework`` is :func:`route_framework` of ``imports``, computed once per module.
    """
    requests = request_params(params)
    route = _route_decorator(node)
    kind = framework if framework is not None else route_framework(imports)
    inputs = _typed_sources(params, requests) if kind is HandlerKind.FASTAPI else frozenset()
    if route is not None:
        sources = _route_sources(kind, route, params, requests)
        return HandlerRole(
            kind=kind,
            source_params=sources,
            request_params=requests,
            returns_html=_declares_html(route),
            dependency_inputs=inputs,
        )
    if inputs:
        return HandlerRole(
            kind=HandlerKind.NONE,
            source_params=frozenset(),
            request_params=requests,
            dependency_inputs=inputs,
        )
    offset = 1 if class_name is not None else 0
    is_view = len(params) > offset and params[offset].name == "request"
    if is_view and (class_name is None or node.name in DJANGO_VIEW_METHODS):
        sources = _typed_sources(params[offset + 1 :], requests)
        return HandlerRole(kind=HandlerKind.DJANGO, source_params=sources, request_params=requests)
    return HandlerRole(kind=HandlerKind.NONE, source_params=frozenset(), request_params=requests)


def _route_decorator(node: FunctionNode) -> ast.Call | None:
    for decorator in node.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in ROUTE_DECORATORS
        ):
            return decorator
    return None


def route_framework(imports: Mapping[str, str]) -> HandlerKind:
    """The framework whose route decorators a module's imports point to."""
    roots = {qualified.split(".")[0] for qualified in imports.values()}
    if "fastapi" in roots or "starlette" in roots:
        return HandlerKind.FASTAPI
    if "aiohttp" in roots:
        return HandlerKind.AIOHTTP
    return HandlerKind.FLASK


def _route_sources(
    kind: HandlerKind, route: ast.Call, params: tuple[Param, ...], requests: frozenset[str]
) -> frozenset[int]:
    if kind is HandlerKind.FASTAPI:
        return _typed_sources(params, requests)
    if kind is HandlerKind.AIOHTTP:
        return frozenset()
    rule = route.args[0] if route.args else None
    if not (isinstance(rule, ast.Constant) and isinstance(rule.value, str)):
        return _typed_sources(params, requests)
    unsafe = {m[1] for m in _CONVERTER.findall(rule.value) if m[0] not in SAFE_CONVERTERS}
    return frozenset(p.index for p in params if p.name in unsafe)


def _typed_sources(params: tuple[Param, ...], requests: frozenset[str]) -> frozenset[int]:
    """Parameters filled from the request, minus validated scalars and dependencies."""
    return frozenset(
        p.index
        for p in params
        if p.name not in requests
        and p.name not in {"self", "cls"}
        and annotation_name(p.annotation) not in SAFE_PARAM_TYPES
        and not _is_literal(p.annotation)
        and not _is_dependency(p.default)
        and not _is_dependency_annotation(p.annotation)
    )


def _is_literal(annotation: ast.expr | None) -> bool:
    return annotation_name(annotation) == "Literal"


def dependency_marker(param: Param) -> ast.Call | None:
    """The ``Depends(...)``/``Security(...)`` call of a parameter (default or ``Annotated``)."""
    if _is_dependency(param.default):
        assert isinstance(param.default, ast.Call)  # noqa: S101 - checked by _is_dependency
        return param.default
    annotation = param.annotation
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.slice, ast.Tuple):
        for element in annotation.slice.elts[1:]:
            if _is_dependency(element):
                assert isinstance(element, ast.Call)  # noqa: S101 - checked by _is_dependency
                return element
    return None


def _is_dependency(default: ast.expr | None) -> bool:
    if not isinstance(default, ast.Call):
        return False
    func = default.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    return name in _DEPENDENCY_MARKERS


def _is_dependency_annotation(annotation: ast.expr | None) -> bool:
    """``Annotated[Session, Depends(get_db)]`` is injected, not read from the request."""
    if not (isinstance(annotation, ast.Subscript) and isinstance(annotation.slice, ast.Tuple)):
        return False
    return any(_is_dependency(e) for e in annotation.slice.elts[1:])


def _declares_html(route: ast.Call) -> bool:
    for keyword in route.keywords:
        if keyword.arg == "response_class":
            return annotation_name(keyword.value) == "HTMLResponse"
    return False
