"""The rules of the ``deps`` check."""

from __future__ import annotations

from mlgate.core.finding import Severity
from mlgate.core.rule import Rule

VULNERABLE = Rule(
    id="DEPS001",
    slug="vulnerable-dependency",
    severity=Severity.HIGH,
    summary="A dependency's pinned version is affected by a known vulnerability (OSV).",
    remediation="Upgrade to a fixed version, or waive the advisory id with a reason and expiry.",
    cwe=(1395,),
)
MALICIOUS = Rule(
    id="DEPS002",
    slug="malicious-package",
    severity=Severity.CRITICAL,
    summary="A dependency is a known malicious package (OSV MAL- record).",
    remediation="Remove the package, rotate any credential the build could reach, and "
    "check which environment installed it.",
    cwe=(506,),
)
UNPINNED = Rule(
    id="DEPS003",
    slug="unpinned-dependency",
    severity=Severity.MEDIUM,
    summary="A requirement does not select exactly one version, so builds are not reproducible.",
    remediation="Pin with `==` or use a lock file (uv lock, poetry lock, pip-compile).",
    cwe=(1357,),
)
MISSING_HASHES = Rule(
    id="DEPS004",
    slug="missing-hashes",
    severity=Severity.MEDIUM,
    summary="A pinned dependency has no artifact hash, so a swapped artifact would install.",
    remediation="Generate hashes (`pip-compile --generate-hashes`, `uv pip compile "
    "--generate-hashes`) and install with `--require-hashes`.",
    cwe=(494,),
)
NOT_AUDITED = Rule(
    id="DEPS005",
    slug="dependency-not-audited",
    severity=Severity.MEDIUM,
    summary="pip-audit skipped a dependency, so nothing vouches for it.",
    remediation="Make the dependency resolvable on the index (or audit it another way), "
    "or waive DEPS005 for it with a reason.",
)
LICENSE_DENIED = Rule(
    id="DEPS006",
    slug="license-not-allowed",
    severity=Severity.HIGH,
    summary="An installed distribution's license is denied or not on the allowed list.",
    remediation="Replace the distribution, obtain approval and add the license to `allow`, "
    "or waive DEPS006 for it.",
)
RULES = (VULNERABLE, MALICIOUS, UNPINNED, MISSING_HASHES, NOT_AUDITED, LICENSE_DENIED)
