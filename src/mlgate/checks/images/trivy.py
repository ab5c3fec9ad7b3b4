"""Trivy JSON reports (``trivy image|fs|config --format json``), any schema version.

Schema 2 (Trivy >= 0.20) is an object with ``Results``, ``Metadata`` and, since 0.48,
``CreatedAt``; schema 1 was a bare list of results. Each result may carry
``Vulnerabilities``, ``Misconfigurations`` (only ``Status: FAIL`` counts) and
``Secrets`` (whose ``Match`` text is dropped here, never carried).
"""

from __future__ import annotations

from typing import Any

from mlgate.checks.images.parsing import (
    digests,
    entries,
    line,
    mapping,
    number,
    severity,
    timestamp,
)
from mlgate.checks.images.records import Misconfiguration, ScanReport, SecretHit, Vulnerability


def is_trivy(document: Any) -> bool:
    """Whether a JSON document looks like a Trivy report (either schema)."""
    if isinstance(document, list):
        return bool(document) and all(isinstance(r, dict) and "Target" in r for r in document)
    return isinstance(document, dict) and ("SchemaVersion" in document or "Results" in document)


def _cvss(vulnerability: dict[str, Any]) -> float | None:
    scores = [
        number(mapping(source).get("V3Score")) or number(mapping(source).get("V2Score"))
        for source in mapping(vulnerability.get("CVSS")).values()
    ]
    present = [s for s in scores if s is not None]
    return max(present) if present else None


def _vulnerability(item: dict[str, Any], target: str) -> Vulnerability:
    return Vulnerability(
        id=str(item.get("VulnerabilityID") or "?"),
        package=str(item.get("PkgName") or "?"),
        installed=str(item.get("InstalledVersion") or ""),
        fixed=str(item["FixedVersion"]) if item.get("FixedVersion") else None,
        severity=severity(item.get("Severity")),
        cvss=_cvss(item),
        target=target,
        title=str(item.get("Title") or ""),
    )


def _misconfiguration(item: dict[str, Any], target: str) -> Misconfiguration:
    cause = mapping(item.get("CauseMetadata"))
    return Misconfiguration(
        id=str(item.get("ID") or item.get("AVDID") or "?"),
        title=str(item.get("Title") or ""),
        message=str(item.get("Message") or item.get("Description") or ""),
        resolution=str(item.get("Resolution") or ""),
        severity=severity(item.get("Severity")),
        target=target,
        line=line(cause.get("StartLine")),
    )


def _secret(item: dict[str, Any], target: str) -> SecretHit:
    return SecretHit(
        rule=str(item.get("RuleID") or "?"),
        title=str(item.get("Title") or item.get("Category") or "secret"),
        severity=severity(item.get("Severity")),
        target=target,
        line=line(item.get("StartLine")),
    )


def read_trivy(document: Any) -> ScanReport:
    """A Trivy report of either schema as a :class:`ScanReport`."""
    top = document if isinstance(document, dict) else {"Results": document}
    meta = mapping(top.get("Metadata"))
    vulnerabilities, misconfigurations, secrets = [], [], []
    for result in entries(top.get("Results"), "Results"):
        target = str(result.get("Target") or "?")
        vulnerabilities += [
            _vulnerability(v, target)
            for v in entries(result.get("Vulnerabilities"), f"{target}: Vulnerabilities")
        ]
        misconfigurations += [
            _misconfiguration(m, target)
            for m in entries(result.get("Misconfigurations"), f"{target}: Misconfigurations")
            if str(m.get("Status") or "FAIL").upper() == "FAIL"
        ]
        secrets += [
            _secret(s, target) for s in entries(result.get("Secrets"), f"{target}: Secrets")
        ]
    return ScanReport(
        scanner="trivy",
        subject=str(top.get("ArtifactName") or "?"),
        digests=digests(meta.get("RepoDigests"), meta.get("ImageID")),
        created=timestamp(top.get("CreatedAt")),
        vulnerabilities=tuple(vulnerabilities),
        misconfigurations=tuple(misconfigurations),
        secrets=tuple(secrets),
    )
