"""The rule data of the ``sast`` check, indexed for fast lookup by callee."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import TypeVar

from mlgate.checks.sast.rules.credentials import CREDENTIAL_SLOTS
from mlgate.checks.sast.rules.model import (
    AssignPattern,
    CallPattern,
    CredentialSlot,
    SanitizerSpec,
    SinkSpec,
    SourceSpec,
)
from mlgate.checks.sast.rules.patterns import ASSIGN_PATTERNS, CALL_PATTERNS
from mlgate.checks.sast.rules.queries import QUERY_SANITIZERS, QUERY_SINKS
from mlgate.checks.sast.rules.sanitizers import SANITIZERS
from mlgate.checks.sast.rules.sinks import SINKS
from mlgate.checks.sast.rules.sources import EXTRA_SOURCES

__all__ = ["RuleSet", "default_rules"]

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleSet:
    """Sinks, sanitizers, sources, weakness patterns and credential argument positions.

    Each is keyed by callee (or ``.method``).
    """

    sinks: Mapping[str, tuple[SinkSpec, ...]]
    sanitizers: Mapping[str, SanitizerSpec]
    sources: Mapping[str, SourceSpec]
    calls: Mapping[str, tuple[CallPattern, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    assigns: Mapping[str, tuple[AssignPattern, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    credentials: Mapping[str, tuple[int, ...]] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def build(
        cls,
        sinks: Iterable[SinkSpec],
        sanitizers: Iterable[SanitizerSpec],
        sources: Iterable[SourceSpec] = (),
        *,
        calls: Iterable[CallPattern] = (),
        assigns: Iterable[AssignPattern] = (),
        credentials: Iterable[CredentialSlot] = (),
    ) -> RuleSet:
        """Index rule records; several sinks may share a callee (with conditions)."""
        return cls(
            sinks=_grouped((s.callee, s) for s in sinks),
            sanitizers=MappingProxyType({s.callee: s for s in sanitizers}),
            sources=MappingProxyType({s.name: s for s in sources}),
            calls=_grouped((c.callee, c) for c in calls),
            assigns=_grouped((a.target, a) for a in assigns),
            credentials=MappingProxyType({c.callee: c.positions for c in credentials}),
        )

    def sinks_for(self, qualname: str | None, method: str | None) -> tuple[SinkSpec, ...]:
        """Sinks matching a resolved callee name and/or a method name."""
        found: tuple[SinkSpec, ...] = ()
        if qualname is not None:
            found = self.sinks.get(qualname, ())
        if method is not None:
            found = found + tuple(
                s
                for s in self.sinks.get("." + method, ())
                if not (s.excludes and qualname and qualname.startswith(s.excludes))
            )
        return found

    def calls_for(self, qualname: str | None, method: str | None) -> tuple[CallPattern, ...]:
        """Weakness patterns matching a callee name and/or a method name."""
        found = self.calls.get(qualname, ()) if qualname is not None else ()
        return found + self.calls.get("." + method, ()) if method is not None else found

    def credential_positions(self, qualname: str | None, method: str | None) -> tuple[int, ...]:
        """Argument positions of a call that hold a credential (``server.login(u, pw)``)."""
        found = self.credentials.get(qualname, ()) if qualname is not None else ()
        return found or (self.credentials.get("." + method, ()) if method is not None else ())

    def sanitizer_for(self, qualname: str | None, method: str | None) -> SanitizerSpec | None:
        """The sanitizer matching a callee, if any."""
        if qualname is not None and qualname in self.sanitizers:
            return self.sanitizers[qualname]
        if method is not None:
            return self.sanitizers.get("." + method)
        return None


def _grouped(pairs: Iterable[tuple[str, _T]]) -> Mapping[str, tuple[_T, ...]]:
    grouped: dict[str, list[_T]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return MappingProxyType({k: tuple(v) for k, v in grouped.items()})


@cache
def default_rules(
    extra_sources: frozenset[str] = frozenset(),
    *,
    sources: tuple[SourceSpec, ...] = (),
    sinks: tuple[SinkSpec, ...] = (),
    sanitizers: tuple[SanitizerSpec, ...] = (),
) -> RuleSet:
    """The built-in rules plus a user's records.

    ``extra_sources`` enables frameworks such as ``cli``, ``env``; a user sanitizer
    replaces a built-in one of the same callee.
    """
    chosen = [s for s in EXTRA_SOURCES if s.framework in extra_sources]
    return RuleSet.build(
        (*SINKS, *QUERY_SINKS, *sinks),
        (*SANITIZERS, *QUERY_SANITIZERS, *sanitizers),
        (*chosen, *sources),
        calls=CALL_PATTERNS,
        assigns=ASSIGN_PATTERNS,
        credentials=CREDENTIAL_SLOTS,
    )
