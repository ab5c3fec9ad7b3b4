"""FastAPI and Flask routes, and whether slowapi, fastapi-limiter or Flask-Limiter limits them.

Routes, apps and limiters are resolved across the scanned project
(:mod:`~mlgate.checks.deploy.ratelimit.webwiring`), so a route in ``routes.py``
is judged with the limiter of ``extensions.py`` and the wiring of ``app.py``.

A limiter counts only when it is wired to an app: slowapi needs
``app.state.limiter = limiter`` (plus ``@limiter.limit`` on the route, or
SlowAPIMiddleware with ``default_limits``); Flask-Limiter needs ``app=`` or
``init_app(app)`` and is off with ``enabled=False`` or ``RATELIMIT_ENABLED =
False``. Flask-Limiter limits a route by ``@limiter.limit``, by a limit applied to
its blueprint (or a parent blueprint), or by default/application limits
(``default_limits=``, ``application_limits=``, or the ``RATELIMIT_DEFAULT`` /
``RATELIMIT_APPLICATION`` settings it reads when the keyword is absent or empty);
``@limiter.exempt`` on the route, or ``limiter.exempt(bp)``, removes a route from all
of them. fastapi-limiter limits a route through a ``Depends(RateLimiter(...))`` on
the route, its router (at construction or ``include_router``), any app or router
it is included in, or app-wide through ``RateLimiterMiddleware`` (0.2).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from mlgate.checks.deploy.ratelimit.model import Exposure, Mechanism
from mlgate.checks.deploy.ratelimit.project import Project, Symbol
from mlgate.checks.deploy.ratelimit.pysyntax import Module, is_false, is_nonempty, keyword
from mlgate.checks.deploy.ratelimit.webwiring import (
    Wiring,
    collect_wiring,
    is_rate_limiter,
    limits_by_dependency,
)

ROUTE_METHODS = frozenset(
    {"get", "post", "put", "delete", "patch", "options", "head", "api_route", "route", "websocket"}
)
LIMIT_DECORATORS = frozenset({"limit", "shared_limit"})
_EXEMPT = frozenset({"exempt"})
_DEFAULT_KEYWORDS = ("default_limits", "application_limits")
_DEFAULT_SETTINGS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION")


@dataclass(frozen=True, slots=True)
class _Route:
    module: Module
    function: ast.FunctionDef | ast.AsyncFunctionDef
    decorator: ast.Call
    owner: Symbol
    label: str


def _routes(project: Project, module: Module, wiring: Wiring) -> Iterator[_Route]:
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
                continue
            method = decorator.func.attr
            owner = project.symbol(module, decorator.func.value)
            if owner in wiring.apps and method in ROUTE_METHODS and owner is not None:
                first = decorator.args[0] if decorator.args else None
                where = str(first.value) if isinstance(first, ast.Constant) else "?"
                verb = method.upper() if method not in ("route", "api_route") else "ROUTE"
                yield _Route(module, node, decorator, owner, f"{verb} {where} ({node.name})")


def _decorated(
    project: Project, route: _Route, limiters: set[Symbol], names: frozenset[str]
) -> bool:
    for decorator in route.function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (
            isinstance(target, ast.Attribute)
            and target.attr in names
            and project.symbol(route.module, target.value) in limiters
        ):
            return True
    return False


def _fastapi_limited(wiring: Wiring, route: _Route) -> bool:
    if wiring.ancestors(route.owner) & wiring.dependency_limited:
        return True
    if limits_by_dependency(route.module, keyword(route.decorator, "dependencies")):
        return True
    defaults = [*route.function.args.defaults, *route.function.args.kw_defaults]
    return any(d is not None and is_rate_limiter(route.module, d) for d in defaults)


def _slowapi_limited(project: Project, wiring: Wiring, route: _Route) -> bool:
    live = {
        s
        for s, call in wiring.slowapi.items()
        if s in wiring.attached and not is_false(keyword(call, "enabled"))
    }
    if _decorated(project, route, live, LIMIT_DECORATORS):
        return True
    defaults = {s for s in live if is_nonempty(keyword(wiring.slowapi[s], "default_limits"))}
    return (
        wiring.slowapi_middleware
        and bool(defaults)
        and not _decorated(project, route, defaults, _EXEMPT)
    )


def _flask_disabled(wiring: Wiring) -> bool:
    return any(is_false(value) for value in wiring.settings.get("RATELIMIT_ENABLED", []))


def _live_flask(wiring: Wiring) -> set[Symbol]:
    if _flask_disabled(wiring):
        return set()
    return {
        s for s, call in wiring.flask.items()
        if s in wiring.attached and not is_false(keyword(call, "enabled"))
    }  # fmt: skip


def _has_defaults(wiring: Wiring, limiter: Symbol) -> bool:
    call = wiring.flask[limiter]
    if any(is_nonempty(keyword(call, name)) for name in _DEFAULT_KEYWORDS):
        return True
    # Flask-Limiter falls back to the app's settings when the keyword is absent or empty.
    return any(is_nonempty(v) for key in _DEFAULT_SETTINGS for v in wiring.settings.get(key, []))


def _flask_limited(project: Project, wiring: Wiring, route: _Route) -> bool:
    live = _live_flask(wiring)
    if not live or _decorated(project, route, live, _EXEMPT):
        return False
    if _decorated(project, route, live, LIMIT_DECORATORS):
        return True
    owners = wiring.ancestors(route.owner)
    if any(wiring.blueprint_limits.get(owner, set()) & live for owner in owners):
        return True
    exempt = bool(owners & wiring.exempt_blueprints)
    return not exempt and any(_has_defaults(wiring, limiter) for limiter in live)


def _mechanism(wiring: Wiring, route: _Route) -> Mechanism:
    if wiring.apps[route.owner].startswith("flask"):
        return Mechanism.FLASK_LIMITER
    return Mechanism.FASTAPI_LIMITER if wiring.uses_fastapi_limiter else Mechanism.SLOWAPI


def _reason(mechanism: Mechanism, wiring: Wiring) -> str:
    if (
        mechanism is Mechanism.SLOWAPI
        and wiring.slowapi
        and not (wiring.attached & set(wiring.slowapi))
    ):
        return "a slowapi Limiter is declared but never attached (app.state.limiter)"
    if mechanism is Mechanism.FLASK_LIMITER and _flask_disabled(wiring):
        return "RATELIMIT_ENABLED is False"
    if (
        mechanism is Mechanism.FLASK_LIMITER
        and wiring.flask
        and not (wiring.attached & set(wiring.flask))
    ):
        return "a Flask-Limiter Limiter is declared but never attached to the app"
    return (
        "no limit decorator, dependency, blueprint limit or app-wide default limit covers the route"
    )


def web_exposures(modules: list[Module]) -> Iterator[Exposure]:
    """Each FastAPI/Flask route of the project, with its rate-limit verdict."""
    project = Project(modules)
    wiring = collect_wiring(project)
    for module in modules:
        for route in _routes(project, module, wiring):
            limited = (
                _fastapi_limited(wiring, route)
                or _slowapi_limited(project, wiring, route)
                or _flask_limited(project, wiring, route)
            )
            mechanism = _mechanism(wiring, route)
            yield Exposure(
                api=route.label,
                path=module.path,
                line=route.decorator.lineno,
                mechanism=mechanism,
                limited=limited,
                reason="limited" if limited else _reason(mechanism, wiring),
            )
