"""What a scanner report says, independent of which scanner wrote it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mlgate.core.finding import Severity


@dataclass(frozen=True, slots=True, kw_only=True)
class Vulnerability:
    """A vulnerable package: ids, where, how bad, and whether a fix exists."""

    id: str
    package: str
    installed: str
    fixed: str | None
    severity: Severity
    cvss: float | None
    target: str
    title: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Misconfiguration:
    """A failed configuration check (Trivy ``config``/``fs``), with its place."""

    id: str
    title: str
    message: str
    resolution: str
    severity: Severity
    target: str
    line: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SecretHit:
    """A secret a scanner found; the matched text itself is never kept."""

    rule: str
    title: str
    severity: Severity
    target: str
    line: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanReport:
    """One report: its scanner, subject, digests, creation time and results."""

    scanner: str
    subject: str
    digests: frozenset[str]
    created: datetime | None
    vulnerabilities: tuple[Vulnerability, ...] = ()
    misconfigurations: tuple[Misconfiguration, ...] = ()
    secrets: tuple[SecretHit, ...] = ()
