"""Per-file accumulation of findings and errors, so one file's failure stays its own."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from mlgate.core.finding import ArtifactLocation, Finding, Severity, SkippedInput
from mlgate.core.fingerprint import fingerprint
from mlgate.core.rule import Rule
from mlgate.formats.limits import ContainerLimits, PickleLimits, UnpackBudget


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """What one scan needs from the check's configuration."""

    allowlist: frozenset[str]
    # Admit TorchScript's own globals inside TorchScript archives (the torch allowlist).
    torchscript: bool = True
    onnx_domains: frozenset[str] = frozenset({"", "ai.onnx", "ai.onnx.ml"})
    pickle_limits: PickleLimits = field(default_factory=lambda: PickleLimits(max_resyncs=64))
    container_limits: ContainerLimits = field(default_factory=ContainerLimits)

    @property
    def plain_pickle_limits(self) -> PickleLimits:
        """The pickle budgets without resyncing, for views that only corroborate."""
        return replace(self.pickle_limits, max_resyncs=0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Detail:
    """What explains a finding beyond its message.

    ``evidence`` is already redacted; ``properties`` are named facts (``opcode_path``,
    ``global``, ``offset_base``) that reporters show as they are.
    """

    evidence: str | None = None
    properties: tuple[tuple[str, str], ...] = ()


NO_DETAIL = Detail()


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
        # Member-name prefixes of TorchScript archives met so far in this file.
        self.torchscript_roots: list[str] = []

    def add(
        self,
        rule: Rule,
        *,
        member: str | None,
        offset: int | None,
        message: str,
        subject: str,
        detail: Detail = NO_DETAIL,
    ) -> None:
        """Record a finding of ``rule`` at ``member``/``offset``.

        ``offset`` counts bytes of ``member``'s content (of the file when ``member`` is
        ``None``), except for findings about a zip member's headers, which carry the
        header's offset in the enclosing archive and the property ``offset_base`` =
        ``container``. ``subject`` is what the finding is about (a global's name, an
        issue kind); it enters the fingerprint instead of the offset, so re-saving a file
        whose offsets shift keeps waivers and baselines valid.
        """
        self.findings.append(
            Finding(
                rule_id=rule.id,
                severity=rule.severity,
                message=message,
                location=ArtifactLocation(path=self.path, member=member, offset=offset),
                fingerprint=fingerprint(rule.id, self.path, member or "", subject),
                cwe=rule.cwe,
                evidence=detail.evidence,
                remediation=rule.remediation,
                tags=("artifacts", rule.slug),
                properties=detail.properties,
            )
        )

    def in_torchscript(self, member: str | None) -> bool:
        """Whether ``member`` lies inside a TorchScript archive of this file."""
        return member is not None and any(member.startswith(r) for r in self.torchscript_roots)

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
