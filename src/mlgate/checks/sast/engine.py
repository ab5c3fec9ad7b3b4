"""The library entry point: Python sources in, findings out (no file-system access)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mlgate.checks.sast.collect import build_module
from mlgate.checks.sast.ir import ModuleFacts
from mlgate.checks.sast.parse import ParseFailure, SourceParser, StdlibParser
from mlgate.checks.sast.project import Project
from mlgate.checks.sast.report import (
    analysis_limit_finding,
    findings_from_hits,
    parse_error_finding,
)
from mlgate.checks.sast.rules import RuleSet, default_rules
from mlgate.checks.sast.summaries import analyse_project
from mlgate.core.finding import Finding, location_line
from mlgate.core.fingerprint import disambiguate


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceFile:
    """One Python file: the path reports show and its raw bytes."""

    path: str
    data: bytes


def scan_sources(
    files: Iterable[SourceFile],
    *,
    rules: RuleSet | None = None,
    parser: SourceParser | None = None,
) -> tuple[Finding, ...]:
    """Parse and analyse the files as one project; findings sorted by path and line."""
    active_parser = parser or StdlibParser()
    findings: list[Finding] = []
    modules: list[ModuleFacts] = []
    for file in files:
        parsed = active_parser.parse(file.data, file.path)
        if isinstance(parsed, ParseFailure):
            findings.append(parse_error_finding(file.path, parsed))
        else:
            modules.append(build_module(parsed.tree, path=file.path, text=parsed.text))
    findings.extend(analyse_modules(modules, rules or default_rules()))
    findings.sort(key=lambda f: (f.location.path or "", location_line(f.location) or 0, f.rule_id))
    return disambiguate(findings)


def analyse_modules(modules: list[ModuleFacts], rules: RuleSet) -> list[Finding]:
    """Run the interprocedural analysis over parsed modules."""
    project = Project.of(modules)
    results = analyse_project(project, rules)
    lines = {m.path: m.lines for m in modules}
    findings = findings_from_hits((h for r in results.values() for h in r.hits), lines)
    for qualname, result in results.items():
        if result.is_incomplete:
            module, function = project.functions[qualname]
            line = getattr(function.node, "lineno", 1)
            findings.append(analysis_limit_finding(module.path, qualname, line))
    return findings
