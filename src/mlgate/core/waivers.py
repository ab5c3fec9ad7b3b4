"""Waiver matching: a reviewed exception applies while it has not expired."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatchcase

from mlgate.core.finding import ArtifactLocation, Finding
from mlgate.core.globs import matches
from mlgate.core.verdict import WaiverRecord


def is_expired(waiver: WaiverRecord, today: date) -> bool:
    """A waiver holds through its expiry date and stops the day after."""
    return today > waiver.expires


def applies_to_gate(waiver: WaiverRecord, gate: str) -> bool:
    """A waiver without ``gates`` applies to every gate."""
    return not waiver.gates or gate in waiver.gates


def _artifact_matches(pattern: str, finding: Finding) -> bool:
    """Match ``file`` or ``file!member`` (a member of an archive), as reports name them."""
    location = finding.location
    if not isinstance(location, ArtifactLocation):
        return False
    if location.member is not None and matches(f"{location.path}!{location.member}", pattern):
        return True
    return matches(location.path, pattern)


def covers(waiver: WaiverRecord, finding: Finding) -> bool:
    """Whether the waiver's rule and every scope field it sets match the finding."""
    if not fnmatchcase(finding.rule_id, waiver.rule):
        return False
    if waiver.fingerprint is not None and waiver.fingerprint != finding.fingerprint:
        return False
    path = finding.location.path
    if waiver.path is not None and (path is None or not matches(path, waiver.path)):
        return False
    return waiver.artifact is None or _artifact_matches(waiver.artifact, finding)


@dataclass(frozen=True, slots=True)
class WaiverMatch:
    """The active waiver covering a finding, and an expired one that would have."""

    active: WaiverRecord | None
    expired: WaiverRecord | None


def match_waiver(
    waivers: tuple[WaiverRecord, ...], finding: Finding, *, gate: str, today: date
) -> WaiverMatch:
    """Find the first active waiver covering ``finding`` and note any expired one."""
    active: WaiverRecord | None = None
    expired: WaiverRecord | None = None
    for waiver in waivers:
        if not applies_to_gate(waiver, gate) or not covers(waiver, finding):
            continue
        if is_expired(waiver, today):
            expired = expired or waiver
        elif active is None:
            active = waiver
    return WaiverMatch(active=active, expired=expired)
