"""Django views reached from ``urlpatterns``, and whether django-ratelimit blocks them.

A view counts as an API when a ``path()``/``re_path()`` names it. It is limited by
``@ratelimit(...)`` (function views) or ``@method_decorator(ratelimit(...))`` (class
views) that blocks: ``block=False`` only sets ``request.limited``, and the 3.x
package (``ratelimit.decorators``) defaulted to not blocking. ``RATELIMIT_ENABLE =
False`` in settings turns every limit off.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from mlgate.checks.deploy.ratelimit.model import Exposure, Mechanism
from mlgate.checks.deploy.ratelimit.pysyntax import Module, calls, dotted_name, keyword

URL_FUNCTIONS = frozenset({"path", "re_path", "url"})
DefNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _view_names(module: Module) -> Iterator[str]:
    for call in calls(module.tree):
        if dotted_name(call.func).rpartition(".")[2] not in URL_FUNCTIONS or len(call.args) < 2:
            continue
        view = call.args[1]
        if isinstance(view, ast.Call) and dotted_name(view.func).endswith(".as_view"):
            view = view.func.value  # type: ignore[attr-defined]  # Attribute: endswith(".as_view")
        name = dotted_name(view).rpartition(".")[2]
        if name:
            yield name


def _blocks(module: Module, call: ast.Call) -> bool:
    block = keyword(call, "block")
    if isinstance(block, ast.Constant):
        return block.value is True
    # django-ratelimit 4 (django_ratelimit) blocks by default; 3.x (ratelimit) did not.
    return module.origin(call.func).startswith("django_ratelimit")


def _ratelimit_calls(module: Module, node: DefNode) -> Iterator[ast.Call]:
    for decorator in node.decorator_list:
        if not isinstance(decorator, ast.Call):
            continue
        name = dotted_name(decorator.func).rpartition(".")[2]
        if name == "ratelimit":
            yield decorator
        elif (
            name == "method_decorator"
            and decorator.args
            and isinstance(decorator.args[0], ast.Call)
        ):
            yield decorator.args[0]


def _is_limited(module: Module, node: DefNode) -> bool:
    return any(_blocks(module, call) for call in _ratelimit_calls(module, node))


def _assigns_false(node: ast.stmt, name: str) -> bool:
    return (
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        and isinstance(node.value, ast.Constant)
        and node.value.value is False
    )


def _disabled(modules: list[Module]) -> bool:
    for module in modules:
        for node in module.tree.body:
            if _assigns_false(node, "RATELIMIT_ENABLE"):
                return True
    return False


def _definitions(modules: list[Module]) -> dict[str, tuple[Module, DefNode]]:
    found: dict[str, tuple[Module, DefNode]] = {}
    for module in modules:
        for node in module.tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found.setdefault(node.name, (module, node))
    return found


def django_exposures(modules: list[Module]) -> Iterator[Exposure]:
    """Each routed Django view across ``modules``, with its rate-limit verdict."""
    django = [m for m in modules if m.imports_from("django", "ratelimit", "django_ratelimit")]
    views = {name for m in django for name in _view_names(m)}
    if not views:
        return
    disabled = _disabled(modules)
    definitions = _definitions(django)
    for name in sorted(views):
        if name not in definitions:
            continue
        module, node = definitions[name]
        limited = not disabled and _is_limited(module, node)
        reason = "RATELIMIT_ENABLE is False" if disabled else "no blocking @ratelimit on the view"
        yield Exposure(
            api=f"view {name}",
            path=module.path,
            line=node.lineno,
            mechanism=Mechanism.DJANGO_RATELIMIT,
            limited=limited,
            reason="limited" if limited else reason,
        )
