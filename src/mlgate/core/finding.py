"""Findings: what a check observed, where, how bad, and how to fix it.

Values are frozen and slotted; equality and hash both come from the dataclass.
Reporters render findings, findings never render themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Severity(IntEnum):
    """How bad a finding is; ordering comes from the integer value."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read a severity name case-insensitively (``"high"`` -> ``HIGH``)."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r}; expected one of {names}") from None

    @property
    def label(self) -> str:
        """The lower-case name used in policy files and reports."""
        return self.name.lower()


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceLocation:
    """A place in a text file; lines and columns are 1-based, ``None`` when unknown."""

    path: str
    start_line: int | None = None
    start_column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    snippet: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ArtifactLocation:
    """A place inside a binary artifact: a container member and a byte offset."""

    path: str
    member: str | None = None
    offset: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetLocation:
    """A dataset (by registry id) and optionally a file or column of it."""

    dataset_id: str
    path: str | None = None
    column: str | None = None


Location = SourceLocation | ArtifactLocation | DatasetLocation


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowStep:
    """One step of a taint flow, from source to sink."""

    location: SourceLocation
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SkippedInput:
    """An input a check did not examine, and why; every report lists these."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One observation of a check.

    ``evidence`` is already redacted by the check that produced it.
    ``fingerprint`` is stable across line shifts (see :mod:`mlgate.core.fingerprint`).
    """

    rule_id: str
    severity: Severity
    message: str
    location: Location
    fingerprint: str
    cwe: tuple[int, ...] = ()
    evidence: str | None = None
    remediation: str | None = None
    flow: tuple[FlowStep, ...] = ()
    tags: tuple[str, ...] = ()
    properties: tuple[tuple[str, str], ...] = field(default=())


def location_path(location: Location) -> str | None:
    """The file path a location points at, if it has one."""
    return location.path


def location_line(location: Location) -> int | None:
    """The 1-based start line of a source location, else ``None``."""
    return location.start_line if isinstance(location, SourceLocation) else None


def describe_location(location: Location) -> str:
    """A short human form: ``path:line``, ``path!member@offset`` or ``dataset:id``."""
    if isinstance(location, SourceLocation):
        line = f":{location.start_line}" if location.start_line else ""
        return f"{location.path}{line}"
    if isinstance(location, ArtifactLocation):
        member = f"!{location.member}" if location.member else ""
        offset = f"@{location.offset}" if location.offset is not None else ""
        return f"{location.path}{member}{offset}"
    path = f" ({location.path})" if location.path else ""
    return f"dataset:{location.dataset_id}{path}"
