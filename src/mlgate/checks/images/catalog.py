"""The images check's rules."""

from __future__ import annotations

from mlgate.core.finding import Severity
from mlgate.core.rule import Rule

_TAGS = ("images", "container")

VULNERABILITY = Rule(
    id="IMG001", slug="image-vulnerability", severity=Severity.HIGH, tags=_TAGS,
    summary="A package in the image or filesystem has a known vulnerability (the finding "
    "carries the scanner's severity).",
    remediation="Upgrade the package to the fixed version (rebuild the image on a patched "
    "base), or waive the vulnerability id for that package with a reason and an expiry.",
)  # fmt: skip
MISCONFIGURATION = Rule(
    id="IMG002", slug="scanner-misconfiguration", severity=Severity.MEDIUM, tags=_TAGS,
    summary="The scanner's configuration check failed (Dockerfile, Kubernetes, Terraform...).",
    remediation="Apply the scanner's resolution shown in the finding.",
)  # fmt: skip
SECRET = Rule(
    id="IMG003", slug="scanner-secret", severity=Severity.HIGH, tags=_TAGS, cwe=(798,),
    summary="The scanner found a secret in the image or filesystem (the value is never shown).",
    remediation="Remove the secret from the image, rotate it, and inject it at run time.",
)  # fmt: skip
STALE_REPORT = Rule(
    id="IMG004", slug="scan-report-stale", severity=Severity.HIGH, tags=_TAGS,
    summary="The scanner report is older than the policy's max_age, or does not say when it "
    "was made.",
    remediation="Re-run the scanner in the same pipeline (`mlgate scan image REF`).",
)  # fmt: skip
WRONG_DIGEST = Rule(
    id="IMG005", slug="scan-report-wrong-image", severity=Severity.CRITICAL, tags=_TAGS,
    summary="The scanner report is for a different image digest than the one being deployed "
    "(or names no digest).",
    remediation="Scan the exact image being deployed, by digest, and gate on that report.",
)  # fmt: skip

RULES: tuple[Rule, ...] = (VULNERABILITY, MISCONFIGURATION, SECRET, STALE_REPORT, WRONG_DIGEST)
