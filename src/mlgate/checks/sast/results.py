"""What analysing one function produces: sink hits and a reusable summary."""

from __future__ import annotations

from dataclasses import dataclass

from mlgate.checks.sast.labels import EMPTY, Origin, SourceOrigin, Step, Taint, Trace
from mlgate.checks.sast.rules.model import SinkSpec, Weakness


@dataclass(frozen=True, slots=True, kw_only=True)
class SinkSite:
    """Where a sink call is: its step and its code (normalised for fingerprints)."""

    step: Step
    code: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SinkHit:
    """A tainted value reached a sink: a finding when the origin is a real source."""

    sink: SinkSpec
    site: SinkSite
    origin: Origin
    trace: Trace


@dataclass(frozen=True, slots=True, kw_only=True)
class WeaknessHit:
    """A call or assignment that is a weakness by its constant arguments."""

    weakness: Weakness
    site: SinkSite
    hint: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ParamFlow:
    """Parameter ``index`` (its keyword ``key``) reaches the return, sanitised for ``cleared``."""

    index: int
    cleared: frozenset[str]
    trace: Trace
    key: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ParamSink:
    """Parameter ``index`` (its keyword ``key``) reaches ``sink`` inside the function."""

    index: int
    sink: SinkSpec
    site: SinkSite
    trace: Trace
    key: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Summary:
    """How a function moves taint from its parameters, as its callers see it."""

    returns: tuple[ParamFlow, ...] = ()
    source_returns: Taint = EMPTY
    sinks: tuple[ParamSink, ...] = ()

    def shape(self) -> tuple[frozenset[object], ...]:
        """The summary without traces: what the interprocedural fixpoint compares."""
        return (
            frozenset((f.index, f.key, f.cleared) for f in self.returns),
            self.source_returns.labels(),
            frozenset((s.index, s.key, s.sink, s.site) for s in self.sinks),
        )


EMPTY_SUMMARY = Summary()


def summarise(returned: Taint, hits: list[SinkHit]) -> Summary:
    """Build a summary from a function's return taint and its parameter sink hits."""
    flows = []
    sources: dict[tuple[Origin, frozenset[str]], Trace] = {}
    for (origin, cleared), trace in returned.flows.items():
        if isinstance(origin, SourceOrigin):
            sources[(origin, cleared)] = trace
        else:
            flows.append(
                ParamFlow(index=origin.index, key=origin.key, cleared=cleared, trace=trace)
            )
    sinks = tuple(
        ParamSink(index=h.origin.index, key=h.origin.key, sink=h.sink, site=h.site, trace=h.trace)
        for h in hits
        if not isinstance(h.origin, SourceOrigin)
    )
    return Summary(returns=tuple(flows), source_returns=Taint(sources), sinks=sinks)
