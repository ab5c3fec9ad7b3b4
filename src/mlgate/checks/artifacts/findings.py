"""Per-file accumulation of findings and errors, so one file's failure stays its own."""

from __future__ import annotations

from dataclasses import dataclass, field

from mlgate.core.finding import ArtifactLocation, Finding, Severity, SkippedInput
from mlgate.core.fingerprint import fingerprint
from mlgate.core.rule import Rule
from mlgate.formats.limits import ContainerLimits, PickleLimits, UnpackBudget


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """What one scan needs from the check's configuration."""

    allowlist: frozenset[str]
    onnx_domains: frozenset[str] = frozenset({"", "ai.onnx", "ai.onnx.ml"})
    pickle_limits: PickleLimits = field(default_factory=PickleLimits)
    container_limits: ContainerLimits = field(default_factory=ContainerLimits)


class FileScan:
    """Findings and errors of one top-level file, and its unpacking budget."""

    def __init__(self, path: str, settings: Settings) -> None:
        self.path = path
        self.settings = settings
        self.budget = UnpackBudget(settings.container_limits)
        self.findings: list[Finding] = []
        self.errors: list[str] = []
        self.skipped: list[SkippedInput] = []
        self.examined = True

    def add(
        self,
        rule: Rule,
        *,
        member: str | None,
        offset: int | None,
        message: str,
        subject: str,
        evidence: str | None = None,
    ) -> None:
        """Record a finding of ``rule`` at ``member``/``offset``.

        ``subject`` is what the finding is about (a global's name, an issue kind); it
        enters the fingerprint instead of the offset, so re-saving a file whose offsets
        shift keeps waivers and baselines valid.
        """
        self.findings.append(
            Finding(
                rule_id=rule.id,
                severity=rule.severity,
                message=message,
                location=ArtifactLocation(path=self.path, member=member, offset=offset),
                fingerprint=fingerprint(rule.id, self.path, member or "", subject),
                cwe=rule.cwe,
                evidence=evidence,
                remediation=rule.remediation,
                tags=("artifacts", rule.slug),
            )
        )

    def error(self, member: str | None, message: str) -> None:
        """Record that part of this file could not be examined (the gate errors)."""
        where = f"{self.path}!{member}" if member else self.path
        self.errors.append(f"{where}: {message}")

    def skip(self, member: str | None, reason: str) -> None:
        """Record that a recognised part was not inspected, and why (every report lists it)."""
        where = f"{self.path}!{member}" if member else self.path
        self.skipped.append(SkippedInput(path=where, reason=reason))

    @property
    def worst(self) -> Severity | None:
        """The most severe finding so far, if any."""
        return max((f.severity for f in self.findings), default=None)
