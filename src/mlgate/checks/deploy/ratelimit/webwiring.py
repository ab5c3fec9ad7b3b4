"""How the scanned project wires apps, routers, blueprints and limiters together.

Everything is keyed by :class:`~mlgate.checks.deploy.ratelimit.project.Symbol`, so
wiring written in one module (``limiter.init_app(app)`` in ``app.py``) applies to
a limiter declared in another (``extensions.py``). Read here: apps and routers
(FastAPI, APIRouter, Flask, Blueprint), slowapi and Flask-Limiter limiters and how
they are attached (``app=``, ``init_app``, ``app.state.limiter``), fastapi-limiter
dependencies and middleware, ``include_router``/``register_blueprint`` parents,
Flask-Limiter limits and exemptions applied to a whole blueprint
(``limiter.limit("10/minute")(bp)``, ``limiter.exempt(bp)``), and the Flask
settings Flask-Limiter reads (``RATELIMIT_ENABLED``, ``RATELIMIT_DEFAULT``,
``RATELIMIT_APPLICATION``) from ``app.config[...]``, ``config.update``/
``from_mapping``, and classes or modules loaded with ``from_object``/``from_pyfile``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from mlgate.checks.deploy.ratelimit.project import Project, Symbol
from mlgate.checks.deploy.ratelimit.pysyntax import (
    Module,
    assigned_calls,
    calls,
    dotted_name,
    keyword,
)

APP_CLASSES = frozenset({"fastapi.FastAPI", "flask.Flask", "fastapi.APIRouter", "flask.Blueprint"})
SLOWAPI_MIDDLEWARE = frozenset({"SlowAPIMiddleware", "SlowAPIASGIMiddleware"})
FLASK_SETTINGS = frozenset({"RATELIMIT_ENABLED", "RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION"})
_CONFIG_LOADERS = frozenset({"from_object", "from_pyfile"})
_CONFIG_KEYWORDS = frozenset({"update", "from_mapping"})


@dataclass(slots=True)
class Wiring:
    """What the whole project does with apps and limiters."""

    apps: dict[Symbol, str] = field(default_factory=dict)
    slowapi: dict[Symbol, ast.Call] = field(default_factory=dict)
    flask: dict[Symbol, ast.Call] = field(default_factory=dict)
    attached: set[Symbol] = field(default_factory=set)
    slowapi_middleware: bool = False
    dependency_limited: set[Symbol] = field(default_factory=set)
    parents: dict[Symbol, set[Symbol]] = field(default_factory=dict)
    blueprint_limits: dict[Symbol, set[Symbol]] = field(default_factory=dict)
    exempt_blueprints: set[Symbol] = field(default_factory=set)
    settings: dict[str, list[ast.expr]] = field(default_factory=dict)
    uses_fastapi_limiter: bool = False

    def ancestors(self, owner: Symbol) -> set[Symbol]:
        """``owner`` and every app or router it is included in, transitively."""
        seen, frontier = {owner}, [owner]
        while frontier:
            for parent in self.parents.get(frontier.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    frontier.append(parent)
        return seen


def is_rate_limiter(module: Module, node: ast.expr) -> bool:
    """``Depends(RateLimiter(...))`` with fastapi-limiter's RateLimiter (either API)."""
    if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Call):
        return False
    inner = module.origin(node.args[0].func)
    return inner.startswith("fastapi_limiter") and inner.endswith("RateLimiter")


def limits_by_dependency(module: Module, node: ast.expr | None) -> bool:
    """Whether a ``dependencies=[...]`` list holds a fastapi-limiter dependency."""
    if not isinstance(node, ast.List | ast.Tuple):
        return False
    return any(is_rate_limiter(module, element) for element in node.elts)


def _bindings(module: Module, wiring: Wiring) -> None:
    for name, call in assigned_calls(module.tree).items():
        origin, symbol = module.origin(call.func), Symbol(module.path, name)
        if origin in APP_CLASSES:
            wiring.apps[symbol] = origin
            if limits_by_dependency(module, keyword(call, "dependencies")):
                wiring.dependency_limited.add(symbol)
        elif origin == "slowapi.Limiter":
            wiring.slowapi[symbol] = call
        elif origin == "flask_limiter.Limiter":
            wiring.flask[symbol] = call
    wiring.uses_fastapi_limiter |= module.imports_from("fastapi_limiter")


def _constructed_with_app(project: Project, wiring: Wiring) -> None:
    for symbol, call in wiring.flask.items():
        module = next(m for m in project.modules if m.path == symbol.path)
        # 3.x takes `app=`; 1.x and 2.x took the app as the first positional argument.
        candidates = [keyword(call, "app"), *call.args]
        if any(c is not None and project.symbol(module, c) in wiring.apps for c in candidates):
            wiring.attached.add(symbol)


@dataclass(frozen=True, slots=True)
class _Site:
    """One call being read: the project, its module and the wiring being filled."""

    project: Project
    module: Module
    wiring: Wiring

    def symbol(self, node: ast.expr | None) -> Symbol | None:
        return self.project.symbol(self.module, node) if node is not None else None


def _read_call(site: _Site, call: ast.Call) -> None:
    owner_node = call.func.value if isinstance(call.func, ast.Attribute) else None
    method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    owner, first = site.symbol(owner_node), site.symbol(call.args[0] if call.args else None)
    wiring = site.wiring
    if method == "init_app" and owner in wiring.flask:
        wiring.attached.add(owner)
    elif method == "add_middleware" and call.args:
        middleware = site.module.origin(call.args[0])
        wiring.slowapi_middleware |= middleware.rpartition(".")[2] in SLOWAPI_MIDDLEWARE
        if middleware.startswith("fastapi_limiter") and owner in wiring.apps:
            wiring.dependency_limited.add(owner)
    elif method in ("include_router", "register_blueprint") and owner and first:
        wiring.parents.setdefault(first, set()).add(owner)
        if limits_by_dependency(site.module, keyword(call, "dependencies")):
            wiring.dependency_limited.add(first)
    elif method == "exempt" and owner in wiring.flask and first in wiring.apps:
        wiring.exempt_blueprints.add(first)
    else:
        _read_config_call(site, call, method, owner_node)
        _read_blueprint_limit(site, call, first)


def _read_blueprint_limit(site: _Site, call: ast.Call, blueprint: Symbol | None) -> None:
    """``limiter.limit("10/minute")(bp)``: every route of ``bp`` gets the limit."""
    if not isinstance(call.func, ast.Call) or blueprint not in site.wiring.apps:
        return
    decorator = call.func.func
    if isinstance(decorator, ast.Attribute) and decorator.attr in ("limit", "shared_limit"):
        limiter = site.symbol(decorator.value)
        if limiter in site.wiring.flask and blueprint is not None:
            site.wiring.blueprint_limits.setdefault(blueprint, set()).add(limiter)


def _read_config_call(
    site: _Site, call: ast.Call, method: str, owner_node: ast.expr | None
) -> None:
    if owner_node is None or not dotted_name(owner_node).endswith(".config"):
        return
    if method in _CONFIG_KEYWORDS:
        for entry in call.keywords:
            if entry.arg in FLASK_SETTINGS:
                site.wiring.settings.setdefault(entry.arg, []).append(entry.value)
    elif method in _CONFIG_LOADERS and call.args:
        body = _loaded_namespace(site, method, call.args[0])
        _read_settings(site.wiring, body or [])


def _loaded_namespace(site: _Site, method: str, node: ast.expr) -> list[ast.stmt] | None:
    if method == "from_object":
        return site.project.namespace(site.module, node)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        target = site.project.module_at(node.value.rpartition("/")[2])
        return target.tree.body if target is not None else None
    return None


def _read_settings(wiring: Wiring, body: list[ast.stmt]) -> None:
    """``RATELIMIT_* = value`` statements of a settings class or module."""
    for node in body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in FLASK_SETTINGS:
                    wiring.settings.setdefault(target.id, []).append(node.value)


def _read_assignments(site: _Site) -> None:
    for node in ast.walk(site.module.tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if dotted_name(target).endswith(".state.limiter"):
                limiter = site.symbol(node.value)
                if limiter is not None:
                    site.wiring.attached.add(limiter)
            if isinstance(target, ast.Subscript) and dotted_name(target.value).endswith(".config"):
                key = target.slice
                if isinstance(key, ast.Constant) and key.value in FLASK_SETTINGS:
                    site.wiring.settings.setdefault(str(key.value), []).append(node.value)


def collect_wiring(project: Project) -> Wiring:
    """The wiring of every module of ``project``, resolved across their imports."""
    wiring = Wiring()
    for module in project.modules:
        _bindings(module, wiring)
    _constructed_with_app(project, wiring)
    for module in project.modules:
        site = _Site(project, module, wiring)
        for call in calls(module.tree):
            _read_call(site, call)
        _read_assignments(site)
    return wiring
