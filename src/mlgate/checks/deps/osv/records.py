"""Neutral records of OSV advisories: only the fields matching and severity use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EventKind = Literal["introduced", "fixed", "last_affected", "limit"]
EVENT_KINDS: tuple[EventKind, ...] = ("introduced", "fixed", "last_affected", "limit")


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One OSV range event: a version where being affected starts or stops."""

    kind: EventKind
    version: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Affected:
    """One ``affected`` entry for a PyPI package: ranges and explicit versions."""

    name: str
    ranges: tuple[tuple[Event, ...], ...] = ()
    versions: tuple[str, ...] = ()
    rating: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Advisory:
    """One OSV record (``GHSA-…``, ``PYSEC-…``, ``MAL-…``) reduced to what mlgate uses.

    ``vectors`` holds ``(type, vector)`` pairs from ``severity`` (``CVSS_V3``,
    ``CVSS_V4``); ``rating`` is the record's own word (GHSA's ``MODERATE``...).
    """

    id: str
    aliases: tuple[str, ...] = ()
    summary: str = ""
    withdrawn: bool = False
    affected: tuple[Affected, ...] = ()
    vectors: tuple[tuple[str, str], ...] = ()
    rating: str | None = None

    @property
    def is_malicious(self) -> bool:
        """OSV's malicious-package records, which are critical whatever they say."""
        return self.id.startswith("MAL-") or any(a.startswith("MAL-") for a in self.aliases)

    @property
    def ids(self) -> frozenset[str]:
        """This record's id and all its aliases."""
        return frozenset((self.id, *self.aliases))
