"""Trivy and Grype JSON reports in the shapes the scanners write, built field by field.

The secret's raw value is assembled at run time (never a literal in the tree), so a
test can assert that no report of ours ever repeats it.
"""

from __future__ import annotations

import json
from typing import Any

DIGEST = "sha256:" + "ab" * 32
OTHER_DIGEST = "sha256:" + "cd" * 32
RAW_SECRET = "AKIA" + "Z" * 12 + "QX7"


def trivy_vulnerability(vid: str, package: str, severity: str, *, fixed: str = "",
                        score: float | None = None) -> dict[str, Any]:  # fmt: skip
    """One entry of ``Results[].Vulnerabilities``."""
    entry: dict[str, Any] = {
        "VulnerabilityID": vid, "PkgName": package, "InstalledVersion": "1.0.0",
        "Severity": severity, "Title": f"{vid} title", "Status": "fixed" if fixed else "affected",
    }  # fmt: skip
    if fixed:
        entry["FixedVersion"] = fixed
    if score is not None:
        entry["CVSS"] = {"nvd": {"V3Score": score, "V3Vector": "CVSS:3.1/AV:N"}}
    return entry


def trivy_image(vulnerabilities: list[dict[str, Any]], *, created: str | None,
                digest: str = DIGEST) -> str:  # fmt: skip
    """A schema-2 ``trivy image`` report with a secret and a failed/passed misconfiguration."""
    report: dict[str, Any] = {
        "SchemaVersion": 2,
        "ArtifactName": "registry.example.com/churn-api:1.4.2",
        "ArtifactType": "container_image",
        "Metadata": {"ImageID": "sha256:" + "ee" * 32,
                     "RepoDigests": [f"registry.example.com/churn-api@{digest}"]},
        "Results": [
            {"Target": "churn-api (debian 12.5)", "Class": "os-pkgs", "Type": "debian",
             "Vulnerabilities": vulnerabilities},
            {"Target": "Dockerfile", "Class": "config", "Type": "dockerfile",
             "Misconfigurations": [
                 {"ID": "DS002", "AVDID": "AVD-DS-0002", "Title": "Image user should not be root",
                  "Message": "Specify at least 1 USER command", "Resolution": "Add USER",
                  "Severity": "HIGH", "Status": "FAIL", "CauseMetadata": {"StartLine": 3}},
                 {"ID": "DS026", "Title": "No HEALTHCHECK", "Message": "m", "Resolution": "r",
                  "Severity": "LOW", "Status": "PASS"},
             ]},
            {"Target": "app/settings.py", "Class": "secret",
             "Secrets": [{"RuleID": "aws-access-key-id", "Category": "AWS", "Severity": "CRITICAL",
                          "Title": "AWS Access Key ID", "StartLine": 7, "EndLine": 7,
                          "Match": f"KEY = {RAW_SECRET}"}]},
        ],
    }  # fmt: skip
    if created is not None:
        report["CreatedAt"] = created
    return json.dumps(report, indent=2)


def trivy_v1(vulnerabilities: list[dict[str, Any]]) -> str:
    """A pre-0.20 (schema 1) report: a bare list of results."""
    return json.dumps([{"Target": "requirements.txt", "Type": "pip",
                        "Vulnerabilities": vulnerabilities}])  # fmt: skip


def grype_match(vid: str, package: str, severity: str, *, fixed: str = "",
                score: float | None = None) -> dict[str, Any]:  # fmt: skip
    """One entry of ``matches``."""
    return {
        "vulnerability": {
            "id": vid, "severity": severity, "description": f"{vid} description",
            "fix": {"versions": [fixed] if fixed else [],
                    "state": "fixed" if fixed else "not-fixed"},
            "cvss": [{"version": "3.1", "metrics": {"baseScore": score}}] if score else [],
        },
        "artifact": {"name": package, "version": "2.0", "type": "python",
                     "locations": [{"path": "/usr/lib/python3/site-packages"}]},
    }  # fmt: skip


def grype_image(matches: list[dict[str, Any]], *, timestamp: str, digest: str = DIGEST) -> str:
    """A ``grype REF -o json`` report."""
    return json.dumps({
        "matches": matches,
        "source": {"type": "image", "target": {
            "userInput": "registry.example.com/churn-api:1.4.2", "imageID": "sha256:" + "ee" * 32,
            "manifestDigest": digest, "repoDigests": [f"registry.example.com/churn-api@{digest}"]}},
        "descriptor": {"name": "grype", "version": "0.74.0", "timestamp": timestamp},
    })  # fmt: skip
