"""Matching dependencies against advisories, and merging aliases into one vulnerability.

Two records describe the same vulnerability when their id/alias sets overlap,
directly or through a chain (GHSA-a ~ CVE-1 ~ PYSEC-b); each such group becomes one
finding, named by its preferred id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from mlgate.checks.deps.osv.database import AdvisorySource
from mlgate.checks.deps.osv.ranges import is_affected, parse_version
from mlgate.checks.deps.osv.records import Advisory
from mlgate.checks.deps.readers.pip_audit import AuditedDependency
from mlgate.checks.deps.records import Dependency

T = TypeVar("T")
# Ids that are assigned first and never change make the steadiest finding names.
_PREFERENCE = ("MAL-", "GHSA-", "PYSEC-", "CVE-")


def preferred_id(ids: Iterable[str]) -> str:
    """The id a merged group is named by: MAL, then GHSA, PYSEC, CVE, then any."""

    def rank(advisory_id: str) -> tuple[int, str]:
        prefix = next((i for i, p in enumerate(_PREFERENCE) if advisory_id.startswith(p)), 9)
        return prefix, advisory_id

    return min(ids, key=rank)


def group_by_ids(items: Sequence[T], ids: Callable[[T], frozenset[str]]) -> list[list[T]]:
    """Partition ``items`` so that items sharing an id (transitively) are together."""
    parent = list(range(len(items)))

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    owner: dict[str, int] = {}
    for index, item in enumerate(items):
        for key in ids(item):
            if key in owner:
                parent[find(index)] = find(owner[key])
            else:
                owner[key] = index
    groups: dict[int, list[T]] = {}
    for index, item in enumerate(items):
        groups.setdefault(find(index), []).append(item)
    return list(groups.values())


@dataclass(frozen=True, slots=True, kw_only=True)
class Vulnerability:
    """One vulnerability of one dependency: every record that describes it."""

    dependency: Dependency
    records: tuple[Advisory, ...]
    fixed_in: str | None = None

    @property
    def ids(self) -> frozenset[str]:
        """Every id and alias of every record."""
        return frozenset().union(*(r.ids for r in self.records))

    @property
    def primary(self) -> str:
        """The name of the vulnerability (see :func:`preferred_id`)."""
        return preferred_id(self.ids)

    @property
    def is_malicious(self) -> bool:
        """Whether any record says the package itself is malicious."""
        return any(r.is_malicious for r in self.records)


def _affects(advisory: Advisory, dependency: Dependency) -> bool:
    version = dependency.version
    return version is not None and any(
        entry.name == dependency.name and is_affected(version, entry) for entry in advisory.affected
    )


def _fixed_in(records: Iterable[Advisory], dependency: Dependency) -> str | None:
    """The lowest ``fixed`` version above the dependency's own, if any record gives one."""
    current = parse_version(dependency.version or "")
    candidates = {
        parsed: event.version
        for record in records
        for entry in record.affected
        if entry.name == dependency.name
        for events in entry.ranges
        for event in events
        if event.kind == "fixed" and (parsed := parse_version(event.version)) is not None
        if current is None or parsed > current
    }
    return candidates[min(candidates)] if candidates else None


def match(dependency: Dependency, source: AdvisorySource) -> list[Vulnerability]:
    """The vulnerabilities affecting the dependency's pinned version."""
    hits = [a for a in source.for_package(dependency.name) if _affects(a, dependency)]
    groups = group_by_ids(hits, lambda a: a.ids)
    return [
        Vulnerability(dependency=dependency, records=tuple(g), fixed_in=_fixed_in(g, dependency))
        for g in groups
    ]


def _lowest(versions: Iterable[str]) -> str | None:
    parsed = {v: p for v in versions if (p := parse_version(v)) is not None}
    return min(parsed, key=parsed.__getitem__) if parsed else None


def join_audited(entry: AuditedDependency, source: AdvisorySource | None) -> list[Vulnerability]:
    """pip-audit's vulnerabilities of one dependency, joined with the database's records.

    The database supplies severity (and MAL- status); pip-audit supplies the fix versions.
    """
    reported = [
        Advisory(id=v.id, aliases=v.aliases, summary=" ".join(v.description.split())[:300])
        for v in entry.vulns
    ]
    fixes = {v.id: v.fix_versions for v in entry.vulns}
    known: dict[str, Advisory] = {}
    for advisory in reported:
        for key in advisory.ids:
            known.update((r.id, r) for r in (source.by_id(key) if source else ()))
    groups = group_by_ids([*reported, *known.values()], lambda a: a.ids)
    return [
        Vulnerability(
            dependency=entry.dependency,
            records=tuple(group),
            fixed_in=_lowest(v for a in group for v in fixes.get(a.id, ())),
        )
        for group in groups
    ]
