"""FastAPI dependencies: a ``Depends(f)`` parameter holds what ``f`` returns.

FastAPI calls ``f`` with values it reads from the request (query, path, body, header
and cookie parameters, the same typing rules as an endpoint's), so the parameter holds
``f``'s summary applied to sources: a dependency that returns its input is a source,
one that returns a constant or a validated number is not. ``Depends()`` with no
argument, and ``Depends(Class)``, construct the annotated class from request values.
``Security(...)`` is ``Depends(...)`` with scopes; a FastAPI security scheme
(``APIKeyHeader``, ``OAuth2PasswordBearer``...) gives what the client sent.
"""

from __future__ import annotations

import ast

from mlgate.checks.sast.calls import apply_summary
from mlgate.checks.sast.frame import Frame
from mlgate.checks.sast.handlers import annotation_name, dependency_marker
from mlgate.checks.sast.ir import Param, Signature
from mlgate.checks.sast.labels import EMPTY, Taint, join, source
from mlgate.checks.sast.rules.sources import SECURITY_SCHEMES
from mlgate.checks.sast.sinkcheck import CallArgs
from mlgate.checks.sast.state import State


def dependency_taint(parameter: Param, state: State, frame: Frame) -> Taint:
    """The taint of a parameter FastAPI fills by calling a project dependency."""
    marker = dependency_marker(parameter)
    target = _dependency_callable(marker, parameter) if marker is not None else None
    qualname = frame.qualify(target, state) if target is not None else None
    if marker is None or qualname is None:
        return EMPTY
    if qualname in SECURITY_SCHEMES:
        return source(frame.source(parameter.node, f"credentials sent for `{parameter.name}`"))
    project = frame.project
    if project.is_class(qualname):
        init = project.method(qualname, "__init__")
        # A constructed object carries its arguments, as ``Class(x)`` does elsewhere.
        return join(*_inputs(init[1], parameter, frame).values()) if init else EMPTY
    found = project.resolve(qualname)
    if found is None:
        return EMPTY
    signature = found[1]
    values = CallArgs(receiver=EMPTY, args=(), kwargs=_inputs(signature, parameter, frame))
    return apply_summary(marker, (signature, False), values, frame)


def _dependency_callable(marker: ast.Call, parameter: Param) -> ast.expr | None:
    """``Depends(f)`` / ``Depends(dependency=f)``, else the annotated class itself."""
    if marker.args:
        return marker.args[0]
    for keyword in marker.keywords:
        if keyword.arg == "dependency":
            return keyword.value
    name = annotation_name(parameter.annotation)
    return ast.Name(id=name, ctx=ast.Load()) if name is not None else None


def _inputs(signature: Signature, parameter: Param, frame: Frame) -> dict[str, Taint]:
    """A source for every parameter of the dependency that FastAPI reads from the request."""
    return {
        p.name: source(
            frame.source(parameter.node, f"request value `{p.name}` of {signature.name}()")
        )
        for p in signature.params
        if p.is_input
    }
