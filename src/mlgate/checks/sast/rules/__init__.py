"""The rule data of the ``sast`` check, indexed for fast lookup by callee."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from mlgate.checks.sast.rules.model import SanitizerSpec, SinkSpec, SourceSpec
from mlgate.checks.sast.rules.sanitizers import SANITIZERS
from mlgate.checks.sast.rules.sinks import SINKS
from mlgate.checks.sast.rules.sources import EXTRA_SOURCES

__all__ = ["RuleSet", "default_rules"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleSet:
    """Sinks, sanitizers and extra sources keyed by qualified callee (or ``.method``)."""

    sinks: Mapping[str, tuple[SinkSpec, ...]]
    sanitizers: Mapping[str, SanitizerSpec]
    sources: Mapping[str, SourceSpec]

    @classmethod
    def build(
        cls,
        sinks: Iterable[SinkSpec],
        sanitizers: Iterable[SanitizerSpec],
        sources: Iterable[SourceSpec] = (),
    ) -> RuleSet:
        """Index rule records; several sinks may share a callee (with conditions)."""
        by_callee: dict[str, list[SinkSpec]] = {}
        for sink in sinks:
            by_callee.setdefault(sink.callee, []).append(sink)
        return cls(
            sinks=MappingProxyType({k: tuple(v) for k, v in by_callee.items()}),
            sanitizers=MappingProxyType({s.callee: s for s in sanitizers}),
            sources=MappingProxyType({s.name: s for s in sources}),
        )

    def sinks_for(self, qualname: str | None, method: str | None) -> tuple[SinkSpec, ...]:
        """Sinks matching a resolved callee name and/or a method name."""
        found: tuple[SinkSpec, ...] = ()
        if qualname is not None:
            found = self.sinks.get(qualname, ())
        if method is not None:
            found = found + self.sinks.get("." + method, ())
        return found

    def sanitizer_for(self, qualname: str | None, method: str | None) -> SanitizerSpec | None:
        """The sanitizer matching a callee, if any."""
        if qualname is not None and qualname in self.sanitizers:
            return self.sanitizers[qualname]
        if method is not None:
            return self.sanitizers.get("." + method)
        return None


@cache
def default_rules(extra_sources: frozenset[str] = frozenset()) -> RuleSet:
    """The built-in rules; ``extra_sources`` enables frameworks such as ``cli``, ``env``."""
    sources = [s for s in EXTRA_SOURCES if s.framework in extra_sources]
    return RuleSet.build(SINKS, SANITIZERS, sources)
