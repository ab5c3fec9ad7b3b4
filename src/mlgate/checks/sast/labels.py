"""Taint values: where a value came from, what it was cleaned of, and how it got here.

A :class:`Taint` maps each *label* (an origin plus the set of vulnerability classes
it was sanitised for) to one *trace*, the steps it took. Traces are kept only for
reporting: two taints with the same labels are the same for the fixpoint, so the
analysis converges whatever the traces say.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

# A trace longer than this keeps its first and last steps; reports stay readable.
MAX_TRACE = 16


@dataclass(frozen=True, slots=True)
class Step:
    """One place a tainted value passed through."""

    path: str
    line: int
    column: int
    message: str


@dataclass(frozen=True, slots=True)
class SourceOrigin:
    """Attacker-controlled input read at a place in the code."""

    description: str
    code: str
    step: Step


@dataclass(frozen=True, slots=True)
class ParamOrigin:
    """The value of a function parameter, used while computing summaries.

    ``key`` names one keyword that ``**kwargs`` (parameter ``index``) collected, so
    ``kwargs["path"]`` reaching a sink is tainted only by a caller's ``path=`` argument.
    """

    index: int
    key: str | None = None


Origin = SourceOrigin | ParamOrigin
Label = tuple[Origin, frozenset[str]]
Trace = tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Taint:
    """An immutable set of labels, each with the trace of its first arrival."""

    flows: Mapping[Label, Trace]

    def __bool__(self) -> bool:
        return bool(self.flows)

    def labels(self) -> frozenset[Label]:
        """The labels alone: what the fixpoint compares."""
        return frozenset(self.flows)

    def live(self, vuln: str) -> Iterator[tuple[Origin, Trace]]:
        """Origins still dangerous for ``vuln``, with their traces."""
        for (origin, cleared), trace in self.flows.items():
            if vuln not in cleared:
                yield origin, trace

    def is_live(self, vuln: str) -> bool:
        """True when some label is not cleared for ``vuln``."""
        return any(vuln not in cleared for _, cleared in self.flows)


EMPTY = Taint(MappingProxyType({}))


def source(origin: SourceOrigin) -> Taint:
    """The taint of a freshly read source."""
    return Taint({(origin, frozenset()): (origin.step,)})


def param(index: int, key: str | None = None) -> Taint:
    """The symbolic taint of parameter ``index`` (of its keyword ``key``, for ``**kwargs``)."""
    return Taint({(ParamOrigin(index, key), frozenset()): ()})


def join(*taints: Taint) -> Taint:
    """Union of labels; the first trace seen for a label wins (deterministic)."""
    nonempty = [t for t in taints if t.flows]
    if len(nonempty) <= 1:
        return nonempty[0] if nonempty else EMPTY
    first = nonempty[0]
    if all(t is first or t.flows.keys() <= first.flows.keys() for t in nonempty[1:]):
        return first  # the common case in loops and joins: nothing new arrives
    merged: dict[Label, Trace] = {}
    for taint in nonempty:
        for label, trace in taint.flows.items():
            merged.setdefault(label, trace)
    return Taint(merged)


def join_all(taints: Iterable[Taint]) -> Taint:
    """:func:`join` over an iterable."""
    return join(*taints)


def extend(taint: Taint, step: Step) -> Taint:
    """Append ``step`` to every trace."""
    if not taint.flows:
        return taint
    return Taint({label: _bounded((*trace, step)) for label, trace in taint.flows.items()})


def prepend(taint: Taint, prefix: Trace) -> Taint:
    """Put ``prefix`` before every trace (a callee's steps after the caller's)."""
    if not taint.flows or not prefix:
        return taint
    return Taint({label: _bounded((*prefix, *trace)) for label, trace in taint.flows.items()})


def clear(taint: Taint, classes: frozenset[str]) -> Taint:
    """Mark every label as sanitised for ``classes``."""
    if not taint.flows or not classes:
        return taint
    merged: dict[Label, Trace] = {}
    for (origin, cleared), trace in taint.flows.items():
        merged.setdefault((origin, cleared | classes), trace)
    return Taint(merged)


def restore(taint: Taint, classes: frozenset[str]) -> Taint:
    """Undo sanitising for ``classes`` (decoding what an encoder made harmless)."""
    if not taint.flows or not classes:
        return taint
    merged: dict[Label, Trace] = {}
    for (origin, cleared), trace in taint.flows.items():
        merged.setdefault((origin, cleared - classes), trace)
    return Taint(merged)


def clear_where(taint: Taint, required: str, classes: frozenset[str]) -> Taint:
    """Clear ``classes`` only on labels already carrying the mark ``required``."""
    merged: dict[Label, Trace] = {}
    for (origin, cleared), trace in taint.flows.items():
        label = (origin, cleared | classes) if required in cleared else (origin, cleared)
        merged.setdefault(label, trace)
    return Taint(merged)


def _bounded(trace: Trace) -> Trace:
    if len(trace) <= MAX_TRACE:
        return trace
    return (*trace[:2], *trace[-(MAX_TRACE - 2) :])
