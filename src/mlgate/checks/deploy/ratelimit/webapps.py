"""FastAPI and Flask routes, and whether slowapi, fastapi-limiter or Flask-Limiter limits them.

A limiter counts only when it is wired to the app: slowapi needs
``app.state.limiter = limiter`` (plus ``@limiter.limit`` on the route, or
SlowAPIMiddleware with ``default_limits``); Flask-Limiter needs ``app=`` or
``init_app(app)`` and is off with ``enabled=False`` or ``RATELIMIT_ENABLED = False``;
``@limiter.exempt`` removes a route from default limits. fastapi-limiter limits a
route through a ``Depends(RateLimiter(...))`` on the route, its router (at
construction or ``include_router``) or the app, or app-wide through
``RateLimiterMiddleware`` (0.2).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from mlgate.checks.deploy.ratelimit.model import Exposure, Mechanism
from mlgate.checks.deploy.ratelimit.pysyntax import (
    Module,
    assigned_calls,
    calls,
    dotted_name,
    is_false,
    is_nonempty,
    keyword,
)

APP_CLASSES = frozenset({"fastapi.FastAPI", "flask.Flask", "fastapi.APIRouter", "flask.Blueprint"})
ROUTE_METHODS = frozenset(
    {"get", "post", "put", "delete", "patch", "options", "head", "api_route", "route", "websocket"}
)
SLOWAPI_MIDDLEWARE = frozenset({"SlowAPIMiddleware", "SlowAPIASGIMiddleware"})
LIMIT_DECORATORS = frozenset({"limit", "shared_limit"})


@dataclass(slots=True)
class _Wiring:
    """What one module does with apps and limiters."""

    apps: dict[str, str] = field(default_factory=dict)
    slowapi: dict[str, ast.Call] = field(default_factory=dict)
    flask: dict[str, ast.Call] = field(default_factory=dict)
    attached: set[str] = field(default_factory=set)
    slowapi_middleware: bool = False
    app_wide_dependency: set[str] = field(default_factory=set)
    flask_disabled: bool = False


def _is_rate_limiter(module: Module, node: ast.expr) -> bool:
    """``Depends(RateLimiter(...))`` with fastapi-limiter's RateLimiter (either API)."""
    if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Call):
        return False
    inner = module.origin(node.args[0].func)
    return inner.startswith("fastapi_limiter") and inner.endswith("RateLimiter")


def _limits_by_dependency(module: Module, node: ast.expr | None) -> bool:
    if not isinstance(node, ast.List | ast.Tuple):
        return False
    return any(_is_rate_limiter(module, element) for element in node.elts)


def _wiring(module: Module) -> _Wiring:
    wiring = _Wiring()
    for name, call in assigned_calls(module.tree).items():
        origin = module.origin(call.func)
        if origin in APP_CLASSES:
            wiring.apps[name] = origin
            if _limits_by_dependency(module, keyword(call, "dependencies")):
                wiring.app_wide_dependency.add(name)
        elif origin == "slowapi.Limiter":
            wiring.slowapi[name] = call
        elif origin == "flask_limiter.Limiter":
            wiring.flask[name] = call
    for name, call in wiring.flask.items():
        if _flask_app_given(wiring, call) and not is_false(keyword(call, "enabled")):
            wiring.attached.add(name)
    for call in calls(module.tree):
        _read_call(module, wiring, call)
    _read_assignments(module, wiring)
    return wiring


def _flask_app_given(wiring: _Wiring, call: ast.Call) -> bool:
    # 3.x takes `app=`; 1.x and 2.x took the app as the first positional argument.
    candidates = [keyword(call, "app"), *call.args]
    return any(isinstance(c, ast.Name) and c.id in wiring.apps for c in candidates)


def _read_call(module: Module, wiring: _Wiring, call: ast.Call) -> None:
    func = dotted_name(call.func)
    owner, _, method = func.rpartition(".")
    if method == "init_app" and owner in wiring.flask:
        wiring.attached.add(owner)
    elif method == "add_middleware" and call.args:
        middleware = module.origin(call.args[0])
        wiring.slowapi_middleware |= middleware.rpartition(".")[2] in SLOWAPI_MIDDLEWARE
        if middleware.startswith("fastapi_limiter") and owner in wiring.apps:
            wiring.app_wide_dependency.add(owner)
    elif method == "include_router" and call.args and isinstance(call.args[0], ast.Name):
        if _limits_by_dependency(module, keyword(call, "dependencies")):
            wiring.app_wide_dependency.add(call.args[0].id)
    elif method == "update" and owner.endswith(".config"):
        wiring.flask_disabled |= is_false(keyword(call, "RATELIMIT_ENABLED"))


def _read_assignments(module: Module, wiring: _Wiring) -> None:
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if dotted_name(target).endswith(".state.limiter") and isinstance(node.value, ast.Name):
                wiring.attached.add(node.value.id)
            if isinstance(target, ast.Subscript) and dotted_name(target.value).endswith(".config"):
                key = target.slice
                if isinstance(key, ast.Constant) and key.value == "RATELIMIT_ENABLED":
                    wiring.flask_disabled |= is_false(node.value)


@dataclass(frozen=True, slots=True)
class _Route:
    function: ast.FunctionDef | ast.AsyncFunctionDef
    decorator: ast.Call
    owner: str
    label: str


def _routes(module: Module, wiring: _Wiring) -> Iterator[_Route]:
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call):
                continue
            owner, _, method = dotted_name(decorator.func).rpartition(".")
            if owner in wiring.apps and method in ROUTE_METHODS:
                first = decorator.args[0] if decorator.args else None
                where = str(first.value) if isinstance(first, ast.Constant) else "?"
                verb = method.upper() if method not in ("route", "api_route") else "ROUTE"
                yield _Route(node, decorator, owner, f"{verb} {where} ({node.name})")


def _decorated(route: _Route, limiters: set[str], names: frozenset[str]) -> bool:
    for decorator in route.function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        owner, _, method = dotted_name(target).rpartition(".")
        if owner in limiters and method in names:
            return True
    return False


def _fastapi_limited(module: Module, wiring: _Wiring, route: _Route) -> bool:
    if route.owner in wiring.app_wide_dependency:
        return True
    if _limits_by_dependency(module, keyword(route.decorator, "dependencies")):
        return True
    defaults = [*route.function.args.defaults, *route.function.args.kw_defaults]
    return any(d is not None and _is_rate_limiter(module, d) for d in defaults)


def _slowapi_limited(wiring: _Wiring, route: _Route) -> bool:
    live = {
        n
        for n, call in wiring.slowapi.items()
        if n in wiring.attached and not is_false(keyword(call, "enabled"))
    }
    if _decorated(route, live, LIMIT_DECORATORS):
        return True
    defaults = {n for n in live if is_nonempty(keyword(wiring.slowapi[n], "default_limits"))}
    return (
        wiring.slowapi_middleware
        and bool(defaults)
        and not _decorated(route, defaults, frozenset({"exempt"}))
    )


def _flask_limited(wiring: _Wiring, route: _Route) -> bool:
    live = set() if wiring.flask_disabled else {n for n in wiring.flask if n in wiring.attached}
    if _decorated(route, live, LIMIT_DECORATORS):
        return True
    defaults = {n for n in live if is_nonempty(keyword(wiring.flask[n], "default_limits"))}
    return bool(defaults) and not _decorated(route, defaults, frozenset({"exempt"}))


def _mechanism(module: Module, wiring: _Wiring) -> Mechanism:
    if module.imports_from("fastapi_limiter"):
        return Mechanism.FASTAPI_LIMITER
    if module.imports_from("flask_limiter") or "flask" in {
        o.split(".")[0] for o in wiring.apps.values()
    }:
        return Mechanism.FLASK_LIMITER
    return Mechanism.SLOWAPI


def _reason(mechanism: Mechanism, wiring: _Wiring) -> str:
    if (
        mechanism is Mechanism.SLOWAPI
        and wiring.slowapi
        and not (wiring.attached & set(wiring.slowapi))
    ):
        return "a slowapi Limiter is declared but never attached (app.state.limiter)"
    if mechanism is Mechanism.FLASK_LIMITER and wiring.flask_disabled:
        return "RATELIMIT_ENABLED is False"
    if (
        mechanism is Mechanism.FLASK_LIMITER
        and wiring.flask
        and not (wiring.attached & set(wiring.flask))
    ):
        return "a Flask-Limiter Limiter is declared but never attached to the app"
    return "no limit decorator, dependency or app-wide default limit covers the route"


def web_exposures(module: Module) -> Iterator[Exposure]:
    """Each FastAPI/Flask route of a module, with its rate-limit verdict."""
    wiring = _wiring(module)
    mechanism = _mechanism(module, wiring)
    for route in _routes(module, wiring):
        limited = (
            _fastapi_limited(module, wiring, route)
            or _slowapi_limited(wiring, route)
            or _flask_limited(wiring, route)
        )
        yield Exposure(
            api=route.label,
            path=module.path,
            line=route.decorator.lineno,
            mechanism=mechanism,
            limited=limited,
            reason="limited" if limited else _reason(mechanism, wiring),
        )
