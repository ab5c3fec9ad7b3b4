"""License policy over the distributions installed in an environment.

The environment is read, never imported: :mod:`importlib.metadata` parses the
``*.dist-info/METADATA`` files under the given ``site-packages`` (or virtualenv) path.
A distribution's license comes from ``License-Expression`` (PEP 639), else a ``License``
field that parses as SPDX, else its ``License ::`` trove classifiers.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from mlgate.checks.deps.readers.environment import distribution_name, installed_distributions
from mlgate.checks.deps.records import normalize_name
from mlgate.checks.deps.rules import LICENSE_DENIED
from mlgate.checks.deps.spdx import SpdxError, is_acceptable, parse_expression
from mlgate.core.finding import Finding, SourceLocation
from mlgate.core.fingerprint import fingerprint

# The trove classifiers that name one SPDX license unambiguously.
_CLASSIFIERS = {
    "MIT License": "MIT",
    "Apache Software License": "Apache-2.0",
    "BSD License": "BSD-3-Clause",
    "ISC License (ISCL)": "ISC",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
    "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "GNU Affero General Public License v3": "AGPL-3.0-only",
    "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
    "Python Software Foundation License": "PSF-2.0",
    "The Unlicense (Unlicense)": "Unlicense",
}


class LicensePolicy(BaseModel):
    """Which licenses installed distributions may carry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    environment: str = Field(
        description="A virtualenv or site-packages directory, relative to the policy file."
    )
    allow: list[str] = Field(
        default_factory=list, description="SPDX ids allowed; empty allows all but `deny`."
    )
    deny: list[str] = Field(default_factory=list, description="SPDX ids never allowed.")
    ignore: list[str] = Field(
        default_factory=list, description="Distribution names not judged (your own packages)."
    )


def _field(metadata: importlib.metadata.PackageMetadata, name: str) -> str | None:
    values = metadata.get_all(name) or []
    return str(values[0]).strip() or None if values else None


def license_of(metadata: importlib.metadata.PackageMetadata) -> str | None:
    """The SPDX expression a distribution declares, ``None`` when none is readable."""
    expression = _field(metadata, "License-Expression")
    if expression:
        return expression
    text = _field(metadata, "License")
    if text and len(text) < 100:
        try:
            parse_expression(str(text))
            return str(text)
        except SpdxError:
            pass  # free text (or a whole license); fall back to the classifiers
    classified = [
        _CLASSIFIERS[c.rsplit(" :: ", 1)[-1]]
        for c in metadata.get_all("Classifier") or []
        if c.startswith("License ::") and c.rsplit(" :: ", 1)[-1] in _CLASSIFIERS
    ]
    return " OR ".join(sorted(set(classified))) if classified else None


def _finding(name: str, version: str, where: str, declared: str | None) -> Finding:
    shown = declared or "no readable license metadata"
    return Finding(
        rule_id=LICENSE_DENIED.id,
        severity=LICENSE_DENIED.severity,
        message=f"{name} {version} is licensed {shown}, which the license policy does not allow.",
        location=SourceLocation(path=where),
        fingerprint=fingerprint(LICENSE_DENIED.id, where, name, declared or ""),
        remediation=LICENSE_DENIED.remediation,
        properties=(("package", name), ("version", version), ("license", declared or "")),
    )


def _lowered(ids: Iterable[str]) -> frozenset[str]:
    return frozenset(i.lower() for i in ids)


def judge_license(declared: str | None, policy: LicensePolicy) -> bool:
    """Whether ``declared`` satisfies the policy (unknown passes only with no allow list)."""
    if declared is None:
        return not policy.allow
    try:
        expression = parse_expression(declared)
    except SpdxError:
        return False
    return is_acceptable(expression, _lowered(policy.allow), _lowered(policy.deny))


def license_findings(
    policy: LicensePolicy, root: Path, display: Callable[[Path], str]
) -> tuple[list[Finding], list[str]]:
    """DEPS006 findings for the environment's distributions, and errors reading it."""
    environment = root / policy.environment
    if not environment.is_dir():
        return [], [f"license policy: environment {policy.environment!r} is not a directory"]
    ignored = {normalize_name(n) for n in policy.ignore}
    findings: list[Finding] = []
    for info, dist in installed_distributions(environment):
        name = distribution_name(info, dist)
        if name in ignored:
            continue
        declared = license_of(dist.metadata)
        if not judge_license(declared, policy):
            where = display(info / "METADATA")
            findings.append(_finding(name, dist.version, where, declared))
    return findings, []
