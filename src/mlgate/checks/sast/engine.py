"""The library entry point: Python sources in, findings out (no file-system access)."""

from __future__ import annotations

from collections.abc import Iterable

from mlgate.checks.sast.cache import ResultCache
from mlgate.checks.sast.incremental import CacheSession
from mlgate.checks.sast.parse import ParseFailure, SourceParser, StdlibParser
from mlgate.checks.sast.project import Project
from mlgate.checks.sast.report import (
    analysis_limit_finding,
    findings_from_hits,
    parse_error_finding,
    weakness_findings,
)
from mlgate.checks.sast.rules import RuleSet, default_rules
from mlgate.checks.sast.store import DEFAULT_CACHE_LINES, ModuleStore, SourceFile
from mlgate.checks.sast.summaries import analyse_project
from mlgate.core.finding import Finding, location_line
from mlgate.core.fingerprint import disambiguate

__all__ = ["SourceFile", "analyse_store", "scan_sources"]


def scan_sources(
    files: Iterable[SourceFile],
    *,
    rules: RuleSet | None = None,
    parser: SourceParser | None = None,
    cache_lines: int = DEFAULT_CACHE_LINES,
    cache: ResultCache | None = None,
) -> tuple[Finding, ...]:
    """Parse and analyse the files as one project; findings sorted by path and line.

    ``cache_lines`` bounds how many source lines' worth of syntax trees stay in memory.
    ``cache`` holds per-file results of earlier runs: files found there are not parsed,
    and only what a changed file can affect is analysed again (same findings).
    """
    rules = rules or default_rules()
    store = ModuleStore(parser or StdlibParser(), max_lines=cache_lines)
    session = CacheSession(cache, rules)
    project = Project()
    findings: list[Finding] = []
    for file in files:
        entry = session.lookup(file)
        if entry is not None:
            store.add_unparsed(file)
            project.add(entry.index)
            continue
        facts = store.add(file)
        if isinstance(facts, ParseFailure):
            findings.append(parse_error_finding(file.path, facts))
        else:
            project.add(facts.index())
            session.fresh.add(file.path)
    findings.extend(analyse_store(project, store, rules, session))
    findings.sort(key=lambda f: (f.location.path or "", location_line(f.location) or 0, f.rule_id))
    return disambiguate(findings)


def analyse_store(
    project: Project, store: ModuleStore, rules: RuleSet, session: CacheSession | None = None
) -> list[Finding]:
    """Run the interprocedural analysis over the indexed modules of ``store``."""
    session = session or CacheSession(None, rules)
    plan = session.plan(project)
    results = analyse_project(
        project, rules, store.load, reuse=plan.results, previous=plan.summaries
    )
    session.save(project, results, plan)
    hits = [h for r in results.values() for h in r.hits]
    weak = [w for r in results.values() for w in r.weaknesses]
    paths = {s.path for h in hits for s in (*h.trace, h.site.step)}
    lines = {p: store.lines(p) for p in paths | {w.site.step.path for w in weak}}
    imports = {m.path: frozenset(m.imports.values()) for m in project.modules.values()}
    findings = findings_from_hits(hits, lines, imports)
    findings.extend(weakness_findings(weak, lines))
    for qualname, result in results.items():
        if result.is_incomplete:
            module, function = project.functions[qualname]
            findings.append(analysis_limit_finding(module.path, qualname, function.line))
    return findings
