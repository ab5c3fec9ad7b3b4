"""The ``images`` check: gate on Trivy and Grype reports of images and filesystems.

Every selected JSON file that is a Trivy (any schema) or Grype report is read;
other JSON files are skipped with that reason. A report that cannot be read is an
error, and a run that finds no report at all is an error too: an empty scan must
never look like a clean image.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mlgate.checks.images.catalog import RULES
from mlgate.checks.images.gating import (
    Gating,
    VulnerabilityWaiver,
    digest_finding,
    freshness_finding,
    report_findings,
)
from mlgate.checks.images.grype import is_grype, read_grype
from mlgate.checks.images.records import ScanReport
from mlgate.checks.images.trivy import is_trivy, read_trivy
from mlgate.core.check import CheckConfig, CheckContext, CheckResult
from mlgate.core.clock import Clock, SystemClock
from mlgate.core.durations import parse_duration
from mlgate.core.errors import InputError, ResourceLimitError
from mlgate.core.finding import Finding, Severity, SkippedInput
from mlgate.core.rule import Rule
from mlgate.core.severity_field import SeverityName
from mlgate.formats.limits import MIB, check_limit


class WaiverEntry(BaseModel):
    """A reviewed vulnerability exception: id, optional package, reason, owner, expiry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, description="Vulnerability id (CVE-..., GHSA-...).")
    package: str | None = Field(default=None, description="Only this package (else any).")
    reason: str = Field(min_length=1, description="Why the risk is accepted.")
    owner: str = Field(min_length=1, description="Who accepted it.")
    expires: date = Field(description="Last day the waiver applies.")


class ImagesConfig(CheckConfig):
    """Settings of the ``images`` check."""

    include: list[str] = Field(
        default_factory=lambda: ["*.json"], description="Report files to read."
    )
    min_severity: SeverityName = Field(
        default=Severity.LOW, description="Report entries below this severity are ignored."
    )
    ignore_unfixed: bool = Field(
        default=False, description="Ignore vulnerabilities that have no fixed version yet."
    )
    min_cvss: float | None = Field(
        default=None, ge=0, le=10, description="Ignore vulnerabilities scored below this CVSS."
    )
    waivers: list[WaiverEntry] = Field(
        default_factory=list, description="Accepted vulnerabilities by id (+ package)."
    )
    max_age: str | None = Field(
        default=None, description="Oldest acceptable report, like 24h or 7d (None: any age)."
    )
    expected_digest: str | None = Field(
        default=None, description="Digest (or repo@digest) of the image being deployed."
    )
    max_report_mb: float = Field(default=256, gt=0, description="Largest report read, in MiB.")

    @field_validator("max_age")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_age(value)
        return value


def parse_age(text: str) -> timedelta:
    """``90s``, ``30m``, ``24h``, ``7d``, ``2w`` as a positive duration (ValueError otherwise)."""
    try:
        return parse_duration(text, what="max_age")
    except InputError as error:
        raise ValueError(str(error)) from None


def read_report(document: Any) -> ScanReport | None:
    """The report a JSON document holds, or ``None`` if no scanner wrote it."""
    if is_grype(document):
        return read_grype(document)
    return read_trivy(document) if is_trivy(document) else None


class ImagesCheck:
    """Gates on Trivy/Grype vulnerabilities, misconfigurations and secrets, and report freshness."""

    id: ClassVar[str] = "images"
    summary: ClassVar[str] = (
        "Trivy and Grype reports: vulnerabilities, misconfigurations and secrets, gated by "
        "severity, fix, CVSS and waivers; stale or wrong-image reports are findings."
    )
    Config: ClassVar[type[ImagesConfig]] = ImagesConfig
    rules: ClassVar[tuple[Rule, ...]] = RULES

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()

    def run(self, ctx: CheckContext, config: ImagesConfig) -> CheckResult:
        """Read every report under the configured paths and judge it."""
        findings: list[Finding] = []
        skipped: list[SkippedInput] = []
        errors: list[str] = []
        reports = 0
        for path in ctx.input_files(config):
            display = ctx.display_path(path)
            try:
                report = _load(path, config)
            except (OSError, ValueError, ResourceLimitError) as error:
                errors.append(f"{display}: cannot be read: {error}")
                continue
            if report is None:
                skipped.append(SkippedInput(path=display, reason="not a Trivy or Grype report"))
                continue
            reports += 1
            findings += self._judge(ctx, config, display, report)
        if reports == 0 and not errors:
            errors.append(f"no Trivy or Grype JSON report under {config.paths}")
        return CheckResult(findings=tuple(findings), skipped=tuple(skipped),
                           errors=tuple(errors), inputs=reports)  # fmt: skip

    def _judge(
        self, ctx: CheckContext, config: ImagesConfig, display: str, report: ScanReport
    ) -> list[Finding]:
        gating = Gating(
            min_severity=config.min_severity, ignore_unfixed=config.ignore_unfixed,
            min_cvss=config.min_cvss, today=ctx.today,
            waivers=tuple(VulnerabilityWaiver(id=w.id, package=w.package, expires=w.expires)
                          for w in config.waivers),
        )  # fmt: skip
        found = report_findings(display, report, gating)
        if config.max_age is not None:
            stale = freshness_finding(display, report, parse_age(config.max_age), self._clock.now())
            found += [stale] if stale is not None else []
        if config.expected_digest is not None:
            wrong = digest_finding(display, report, config.expected_digest)
            found += [wrong] if wrong is not None else []
        return found


def _load(path: Path, config: ImagesConfig) -> ScanReport | None:
    check_limit("report bytes", config.max_report_mb * MIB, path.stat().st_size)
    return read_report(json.loads(path.read_bytes()))
