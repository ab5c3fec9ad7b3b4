"""A check whose findings are declared in JSON files it reads (to drive gate decisions)."""

from __future__ import annotations

import json
from typing import ClassVar

from pydantic import Field

from mlgate.plugin import (
    CheckConfig,
    CheckContext,
    CheckResult,
    Finding,
    Metric,
    Rule,
    Severity,
    SourceLocation,
    fingerprint,
)

RULE = Rule(
    id="DECL001",
    slug="declared-finding",
    severity=Severity.HIGH,
    summary="A finding declared in a test fixture.",
    remediation="Remove it from the fixture.",
    cwe=(89,),
)


class DeclaredConfig(CheckConfig):
    """Reads ``*.findings.json`` files by default."""

    include: list[str] = Field(default_factory=lambda: ["*.findings.json"])


class DeclaredFindingsCheck:
    """Each input file holds ``{"findings": [...], "metrics": [...]}``."""

    id: ClassVar[str] = "findings"
    summary: ClassVar[str] = "Reports the findings its input files declare."
    Config: ClassVar[type[CheckConfig]] = DeclaredConfig
    rules: ClassVar[tuple[Rule, ...]] = (RULE,)

    def run(self, ctx: CheckContext, config: CheckConfig) -> CheckResult:
        findings: list[Finding] = []
        metrics: list[Metric] = []
        inputs = 0
        for path in ctx.input_files(config):
            inputs += 1
            document = json.loads(path.read_text())
            for item in document.get("findings", []):
                where = SourceLocation(path=item["path"], start_line=item.get("line"))
                findings.append(
                    Finding(
                        rule_id=item.get("rule", RULE.id),
                        severity=Severity.parse(item["severity"]),
                        message=item["message"],
                        location=where,
                        fingerprint=fingerprint(RULE.id, item["path"], item["message"]),
                        cwe=(89,),
                    )
                )
            metrics.extend(
                Metric(name=m["name"], value=m["value"], threshold=m.get("threshold"))
                for m in document.get("metrics", [])
            )
        return CheckResult(findings=tuple(findings), metrics=tuple(metrics), inputs=inputs)
