"""Plug-in discovery through entry points, shared by checks and reporters.

Built-in plug-ins register through the same groups as third-party ones, so there
is one path to test. Names are read without importing anything; a plug-in is
imported only when a gate or a command needs it. A plug-in that fails to load is
an error for whoever names it, never a silent skip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Generic, TypeVar

from mlgate.core.errors import RegistryError

CHECKS_GROUP = "mlgate.checks"
REPORTERS_GROUP = "mlgate.reporters"

P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class PluginSpec:
    """Where a plug-in lives: its name and ``module:attribute`` target."""

    name: str
    target: str


def load_target(target: str) -> Any:
    """Import ``module:attribute``; the only place mlgate imports code by name."""
    return EntryPoint(name="", value=target, group="").load()


class Registry(Generic[P]):
    """The plug-ins of one group, validated on load by ``validate``."""

    def __init__(
        self,
        kind: str,
        specs: Iterable[PluginSpec],
        validate: Callable[[str, Any], P],
    ) -> None:
        self.kind = kind
        self._validate = validate
        self._specs: dict[str, list[PluginSpec]] = {}
        for spec in specs:
            self._specs.setdefault(spec.name, []).append(spec)
        self._loaded: dict[str, P] = {}

    @classmethod
    def from_entry_points(
        cls, group: str, kind: str, validate: Callable[[str, Any], P]
    ) -> Registry[P]:
        """Discover a group's plug-ins from installed distributions."""
        specs = [PluginSpec(ep.name, ep.value) for ep in entry_points(group=group)]
        return cls(kind, specs, validate)

    def names(self) -> list[str]:
        """Every registered name, sorted, without importing anything."""
        return sorted(self._specs)

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def spec(self, name: str) -> PluginSpec:
        """The unique spec registered under ``name``."""
        specs = self._specs.get(name)
        if not specs:
            raise RegistryError(f"no {self.kind} named {name!r} is installed")
        distinct = {s.target for s in specs}
        if len(distinct) > 1:
            targets = ", ".join(sorted(distinct))
            raise RegistryError(f"{self.kind} {name!r} is registered more than once: {targets}")
        return specs[0]

    def load(self, name: str) -> P:
        """Import and validate the plug-in registered under ``name``."""
        if name not in self._loaded:
            spec = self.spec(name)
            try:
                obj = load_target(spec.target)
            except Exception as error:  # any import failure is a plug-in error
                raise RegistryError(
                    f"{self.kind} {name!r} failed to load from {spec.target}: "
                    f"{type(error).__name__}: {error}"
                ) from error
            self._loaded[name] = self._validate(name, obj)
        return self._loaded[name]
