"""The two plug-in registries and what each requires of its members."""

from __future__ import annotations

from functools import cache
from typing import Any

from mlgate.core.errors import RegistryError
from mlgate.core.registry import CHECKS_GROUP, REPORTERS_GROUP, Registry
from mlgate.core.rule import Rule


def validate_check(name: str, obj: Any) -> type[Any]:
    """A check is a class with matching ``id``, a ``Config`` model, rules and ``run``."""
    from mlgate.core.check import CheckConfig

    if not isinstance(obj, type):
        raise RegistryError(f"check {name!r} is not a class")
    if getattr(obj, "id", None) != name:
        raise RegistryError(
            f"check {name!r}: class id {getattr(obj, 'id', None)!r} differs from its entry point"
        )
    config = getattr(obj, "Config", None)
    if not (isinstance(config, type) and issubclass(config, CheckConfig)):
        raise RegistryError(f"check {name!r}: Config must subclass mlgate.plugin.CheckConfig")
    rules = getattr(obj, "rules", None)
    if not isinstance(rules, tuple) or not all(isinstance(r, Rule) for r in rules):
        raise RegistryError(f"check {name!r}: rules must be a tuple of Rule")
    if not callable(getattr(obj, "run", None)) or not isinstance(
        getattr(obj, "summary", None), str
    ):
        raise RegistryError(f"check {name!r}: needs a summary string and a run(ctx, config) method")
    return obj


def validate_reporter(name: str, obj: Any) -> type[Any]:
    """A reporter is a class with matching ``format_id``, ``media_type`` and ``render``."""
    if not isinstance(obj, type) or getattr(obj, "format_id", None) != name:
        raise RegistryError(f"reporter {name!r}: not a class whose format_id is {name!r}")
    if not callable(getattr(obj, "render", None)) or not isinstance(
        getattr(obj, "media_type", None), str
    ):
        raise RegistryError(f"reporter {name!r}: needs media_type and render(verdict)")
    return obj


@cache
def check_registry() -> Registry[type[Any]]:
    """Installed checks (group ``mlgate.checks``)."""
    return Registry.from_entry_points(CHECKS_GROUP, "check", validate_check)


@cache
def reporter_registry() -> Registry[type[Any]]:
    """Installed reporters (group ``mlgate.reporters``)."""
    return Registry.from_entry_points(REPORTERS_GROUP, "reporter", validate_reporter)
