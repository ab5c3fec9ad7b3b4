"""Does a PEP 440 version fall in an OSV ``affected`` entry?

OSV's ``ECOSYSTEM`` range is a list of events. Sorted by version, each
``introduced`` opens an affected interval, the next ``fixed`` closes it before that
version and ``last_affected`` closes it after that version; ``limit`` events cap the
whole range from above. At equal versions closing events sort first, so
``fixed: 2`` followed by ``introduced: 2`` leaves 2 affected.

An event version that is not PEP 440 fails closed: an unreadable ``introduced`` counts
as ``0`` and an unreadable closing event is ignored, so the range only grows.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from packaging.version import InvalidVersion, Version

from mlgate.checks.deps.osv.records import Affected, Event

_ZERO = Version("0")
_ORDER = {"fixed": 0, "last_affected": 1, "introduced": 2, "limit": 3}


@lru_cache(maxsize=65536)
def parse_version(text: str) -> Version | None:
    """The PEP 440 version of ``text``, or ``None`` when it is not one."""
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _sorted_events(events: Iterable[Event]) -> list[tuple[Version, Event]]:
    keyed: list[tuple[Version, Event]] = []
    for event in events:
        version = parse_version(event.version)
        if event.kind == "introduced" and (version is None or event.version == "0"):
            version = _ZERO
        if version is not None:
            keyed.append((version, event))
    keyed.sort(key=lambda pair: (pair[0], _ORDER[pair[1].kind]))
    return keyed


def _below_limits(version: Version, events: Iterable[Event]) -> bool:
    limits = [e.version for e in events if e.kind == "limit"]
    if not limits or "*" in limits:
        return True
    return any((v := parse_version(limit)) is not None and version < v for limit in limits)


def _closes(event: Event, version: Version, bound: Version) -> bool:
    # fixed excludes its own version, last_affected includes it.
    return version >= bound if event.kind == "fixed" else version > bound


def in_range(version: Version, events: tuple[Event, ...]) -> bool:
    """Whether ``version`` lies in the range the events describe."""
    affected = False
    for bound, event in _sorted_events(events):
        if event.kind == "introduced":
            affected = affected or version >= bound
        elif event.kind in ("fixed", "last_affected") and _closes(event, version, bound):
            affected = False
    return affected and _below_limits(version, events)


def _listed(version: str, parsed: Version | None, versions: tuple[str, ...]) -> bool:
    if version in versions:
        return True
    return parsed is not None and any(parse_version(v) == parsed for v in versions)


def is_affected(version: str, affected: Affected) -> bool:
    """Whether ``version`` is listed explicitly or lies in one of the ranges."""
    parsed = parse_version(version)
    if _listed(version, parsed, affected.versions):
        return True
    return parsed is not None and any(in_range(parsed, events) for events in affected.ranges)
