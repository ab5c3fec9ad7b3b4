"""Grype JSON reports (``grype REF -o json``).

Each match pairs a ``vulnerability`` (id, severity, ``fix.versions`` and
``fix.state``, CVSS entries) with the ``artifact`` (package name, version,
locations). The scanned image's digests are in ``source.target`` and the time of
the scan in ``descriptor.timestamp``.
"""

from __future__ import annotations

from typing import Any

from mlgate.checks.images.parsing import (
    digests,
    entries,
    mapping,
    number,
    objects,
    severity,
    timestamp,
)
from mlgate.checks.images.records import ScanReport, Vulnerability


def is_grype(document: Any) -> bool:
    """Whether a JSON document looks like a Grype report."""
    return isinstance(document, dict) and "matches" in document and "descriptor" in document


def _cvss(vulnerability: dict[str, Any]) -> float | None:
    scores = [
        number(mapping(c.get("metrics")).get("baseScore"))
        for c in objects(vulnerability.get("cvss"))
    ]
    present = [s for s in scores if s is not None]
    return max(present) if present else None


def _match(match: dict[str, Any]) -> Vulnerability:
    vulnerability = mapping(match.get("vulnerability"))
    artifact = mapping(match.get("artifact"))
    fix = mapping(vulnerability.get("fix"))
    versions = [str(v) for v in fix.get("versions") or [] if v]
    locations = objects(artifact.get("locations"))
    return Vulnerability(
        id=str(vulnerability.get("id") or "?"),
        package=str(artifact.get("name") or "?"),
        installed=str(artifact.get("version") or ""),
        fixed=", ".join(versions) if versions and fix.get("state") == "fixed" else None,
        severity=severity(vulnerability.get("severity")),
        cvss=_cvss(vulnerability),
        target=str(locations[0].get("path")) if locations else str(artifact.get("type") or "?"),
        title=str(vulnerability.get("description") or "")[:200],
    )


def read_grype(document: dict[str, Any]) -> ScanReport:
    """A Grype report as a :class:`ScanReport`."""
    target = mapping(mapping(document.get("source")).get("target"))
    return ScanReport(
        scanner="grype",
        subject=str(target.get("userInput") or "?"),
        digests=digests(
            target.get("manifestDigest"), target.get("repoDigests"), target.get("imageID")
        ),
        created=timestamp(mapping(document.get("descriptor")).get("timestamp")),
        vulnerabilities=tuple(_match(m) for m in entries(document.get("matches"), "matches")),
    )
