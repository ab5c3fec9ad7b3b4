"""The ``sarif`` check: any external tool's SARIF 2.1.0 results, gated like mlgate's own.

Mapping, in short (details where each is applied):

- rule id: ``<tool driver name>/<ruleId>`` (``CodeQL/py/sql-injection``), blanks and
  slashes of the driver name turned into ``-`` (``Semgrep-OSS/...``); the rule is found
  by ``ruleIndex``, a ``rule`` reference (driver or ``extensions``) or ``ruleId``.
- severity: ``properties["security-severity"]`` of the result, then of its rule (>= 9
  critical, >= 7 high, >= 4 medium, > 0 low, 0 info); else the level (``error`` high,
  ``warning`` medium, ``note`` low, ``none`` info); then ``severity_overrides``.
- results of kind ``pass``/``notApplicable``/``informational`` are not findings;
  suppressed results are dropped (and counted) unless ``include_suppressed``.
- a file that cannot be read as SARIF 2.1.0, or a run whose invocation says
  ``executionSuccessful: false``, is an error: a scanner report we cannot trust must
  not pass. An error-level tool notification (a file the tool could not analyse) is a
  ``SARIF001`` finding, so a partial scan is visible and can be waived.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pydantic import Field

from mlgate.checks.sarif.locations import LocationResolver, SourceLines
from mlgate.checks.sarif.mapping import (
    NOT_FINDINGS,
    RuleBook,
    RuleRef,
    apply_overrides,
    cwe_ids,
    merged_tags,
    redact_snippet,
    result_message,
    result_severity,
    rule_record,
    rule_severity,
    tool_id,
)
from mlgate.checks.sarif.reader import SarifError, read_sarif
from mlgate.checks.sarif.records import Notification, Result, Run
from mlgate.core.check import CheckConfig, CheckContext, CheckResult
from mlgate.core.errors import ResourceLimitError
from mlgate.core.finding import Finding, Severity, SkippedInput, SourceLocation
from mlgate.core.fingerprint import fingerprint
from mlgate.core.metric import Metric
from mlgate.core.rule import Rule
from mlgate.core.severity_field import SeverityName

NOTIFICATION_RULE = Rule(
    id="SARIF001",
    slug="tool-execution-error",
    severity=Severity.MEDIUM,
    summary="The scanner reported an error while analysing; its results may be incomplete.",
    remediation=(
        "Read the tool's message: fix the file it could not analyse or the tool's "
        "configuration, or waive SARIF001 for that path if the gap is accepted."
    ),
)
SUPPRESSED_METRIC = "sarif.suppressed_results"


class SarifConfig(CheckConfig):
    """Settings of the ``sarif`` check."""

    paths: list[str] = Field(
        default_factory=lambda: ["**/*.sarif", "**/*.sarif.json"],
        description="SARIF files (or globs, directories) to ingest, relative to the policy file.",
    )
    include: list[str] = Field(
        default_factory=lambda: ["*.sarif", "*.sarif.json"],
        description="Glob patterns a file found under `paths` must match to be read as SARIF.",
    )
    tools: list[str] | None = Field(
        default=None,
        description="Tool driver names to keep (case-insensitive); runs of other tools are "
        "skipped. Null keeps every tool.",
    )
    include_suppressed: bool = Field(
        default=False,
        description="Report results the tool marks as suppressed (accepted suppressions).",
    )
    include_snippets: bool = Field(
        default=False,
        description="Copy the tool's code snippets into evidence, truncated and with "
        "secret-looking values masked.",
    )
    severity_overrides: dict[str, SeverityName] = Field(
        default_factory=dict,
        description="Severity by mlgate rule id glob (`Semgrep/*`, `CodeQL/py/*`); the last "
        "matching entry wins.",
    )
    max_file_mb: float = Field(
        default=256, gt=0, description="Largest SARIF file read, in MiB; larger is an error."
    )


@dataclass(slots=True)
class _Collected:
    """What the check accumulates across files; turned into a result once."""

    findings: list[Finding] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)
    skipped: list[SkippedInput] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    inputs: int = 0
    suppressed: int = 0

    def result(self) -> CheckResult:
        # Only when something was dropped: a metric on an empty scan would hide "no
        # inputs" from the gate, and a zero on every report is noise.
        metrics = (
            (Metric(name=SUPPRESSED_METRIC, value=float(self.suppressed), n=self.inputs,
                    description="results dropped because the tool marked them suppressed"),)
            if self.suppressed
            else ()
        )  # fmt: skip
        return CheckResult(
            findings=tuple(self.findings),
            metrics=metrics,
            skipped=tuple(self.skipped),
            errors=tuple(self.errors),
            inputs=self.inputs,
            rules=tuple(self.rules.values()),
        )


@dataclass(frozen=True, slots=True)
class _RunScope:
    """One run of one file being turned into findings."""

    run: Run
    display: str
    resolver: LocationResolver
    book: RuleBook


class _Ingest:
    """Turns SARIF files into findings under one configuration."""

    def __init__(self, ctx: CheckContext, config: SarifConfig) -> None:
        self._ctx = ctx
        self._config = config
        self._lines = SourceLines(ctx.root)
        tools = config.tools
        self._tools = {tool_id(t).casefold() for t in tools} if tools is not None else None
        self.collected = _Collected()

    def read_file(self, path: Path) -> None:
        """Ingest one SARIF file; an unreadable one becomes an error string."""
        display = self._ctx.display_path(path)
        try:
            log = read_sarif(path, max_bytes=int(self._config.max_file_mb * 1024 * 1024))
        except (SarifError, ResourceLimitError) as error:
            self.collected.errors.append(f"{display}: {error}")
            return
        kept = [run for run in log.runs if self._keeps(run)]
        dropped = sorted({run.tool for run in log.runs} - {run.tool for run in kept})
        if dropped:
            reason = f"tool(s) {', '.join(dropped)} not in the check's `tools`"
            self.collected.skipped.append(SkippedInput(path=display, reason=reason))
        if log.runs and not kept:
            return
        self.collected.inputs += 1
        for run in kept:
            self._read_run(run, display)

    def _keeps(self, run: Run) -> bool:
        return self._tools is None or tool_id(run.tool).casefold() in self._tools

    def _read_run(self, run: Run, display: str) -> None:
        resolver = LocationResolver(root=self._ctx.root, run=run, fallback_path=display)
        scope = _RunScope(run=run, display=display, resolver=resolver, book=RuleBook(run))
        if run.execution_failed:
            self.collected.errors.append(
                f"{display}: {run.tool} reported executionSuccessful=false, "
                "so its results are incomplete"
            )
        for result in run.results:
            self._read_result(scope, result)
        for notification in run.notifications:
            self._add_notification(scope, notification)

    def _read_result(self, scope: _RunScope, result: Result) -> None:
        if result.kind in NOT_FINDINGS:
            return
        if result.is_suppressed and not self._config.include_suppressed:
            self.collected.suppressed += 1
            return
        ref = scope.book.resolve(result)
        rule = self._rule(scope, ref)
        self.collected.findings.append(self._finding(scope, result, ref, rule.remediation))

    def _rule(self, scope: _RunScope, ref: RuleRef) -> Rule:
        """The rule record of ``ref``, built once per rule id across all files."""
        rule = self.collected.rules.get(ref.rule_id)
        if rule is None:
            severity = self._override(ref.rule_id, rule_severity(ref.descriptor))
            rule = rule_record(ref, tool=scope.run.tool, severity=severity)
            self.collected.rules[ref.rule_id] = rule
        return rule

    def _finding(self, scope: _RunScope, result: Result, ref: RuleRef, remediation: str) -> Finding:
        snippet = self._evidence(result)
        location = scope.resolver.source(result.location, snippet)
        message = result_message(result, ref)
        descriptor_properties = ref.descriptor.properties if ref.descriptor else None
        bags = (result.properties, *([descriptor_properties] if descriptor_properties else []))
        return Finding(
            rule_id=ref.rule_id,
            severity=self._override(ref.rule_id, result_severity(result, ref.descriptor)),
            message=message,
            location=location,
            fingerprint=self._fingerprint(ref.rule_id, location, result, message),
            cwe=cwe_ids(*bags),
            evidence=snippet,
            remediation=remediation,
            flow=scope.resolver.flow(result.flow),
            tags=merged_tags(*(bag.tags for bag in reversed(bags))),
            properties=_properties(scope, result, ref),
        )

    def _evidence(self, result: Result) -> str | None:
        region = result.location.region if result.location else None
        if not self._config.include_snippets or region is None or region.snippet is None:
            return None
        return redact_snippet(region.snippet)

    def _fingerprint(
        self, rule_id: str, location: SourceLocation, result: Result, message: str
    ) -> str:
        """Tool fingerprints, else the flagged line's content, else the message; never a line."""
        if result.fingerprints:
            return fingerprint(
                rule_id, location.path, *(f"{k}={v}" for k, v in result.fingerprints)
            )
        line = self._lines.line(location.path, location.start_line)
        if line is not None and line.strip():
            return fingerprint(rule_id, location.path, "line", line)
        return fingerprint(rule_id, location.path, "message", message)

    def _add_notification(self, scope: _RunScope, notification: Notification) -> None:
        location = scope.resolver.source(notification.location, None)
        message = f"{scope.run.tool} reported an error: {notification.message}"
        self.collected.findings.append(
            Finding(
                rule_id=NOTIFICATION_RULE.id,
                severity=self._override(NOTIFICATION_RULE.id, NOTIFICATION_RULE.severity),
                message=message,
                location=location,
                fingerprint=fingerprint(NOTIFICATION_RULE.id, location.path, message),
                remediation=NOTIFICATION_RULE.remediation,
                properties=(("tool", scope.run.tool), ("sarif_file", scope.display)),
            )
        )

    def _override(self, rule_id: str, severity: Severity) -> Severity:
        return apply_overrides(rule_id, severity, self._config.severity_overrides)


def _properties(scope: _RunScope, result: Result, ref: RuleRef) -> tuple[tuple[str, str], ...]:
    """Provenance reporters can show: which tool, which file, the tool's own rule id."""
    pairs = [
        ("tool", scope.run.tool),
        ("sarif_file", scope.display),
        ("tool_rule_id", ref.native_id),
    ]
    if scope.run.tool_version:
        pairs.append(("tool_version", scope.run.tool_version))
    if result.kind != "fail":
        pairs.append(("kind", result.kind))
    if result.is_suppressed:
        pairs.append(("suppressed", "true"))
    return tuple(pairs)


class SarifCheck:
    """Ingests SARIF 2.1.0 files of external tools as mlgate findings."""

    id: ClassVar[str] = "sarif"
    summary: ClassVar[str] = "Findings of any external tool that writes SARIF 2.1.0."
    Config: ClassVar[type[SarifConfig]] = SarifConfig
    rules: ClassVar[tuple[Rule, ...]] = (NOTIFICATION_RULE,)

    def run(self, ctx: CheckContext, config: SarifConfig) -> CheckResult:
        """Read every selected SARIF file; unreadable files become errors, not silence."""
        ingest = _Ingest(ctx, config)
        for path in ctx.input_files(config):
            ingest.read_file(path)
        return ingest.collected.result()
