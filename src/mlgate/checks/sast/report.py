"""Turning sink hits into findings with flows, CWE, fix hint and stable fingerprint."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mlgate.checks.sast.hints import sink_hint
from mlgate.checks.sast.labels import SourceOrigin, Step
from mlgate.checks.sast.parse import ParseFailure
from mlgate.checks.sast.results import SinkHit, WeaknessHit
from mlgate.checks.sast.rules.catalog import (
    ANALYSIS_LIMIT,
    INPUT_LIMIT,
    PARSE_ERROR,
    REDACTED_WEAKNESSES,
    RULE_FOR_CLASS,
    RULE_FOR_WEAKNESS,
)
from mlgate.core.changes import FAIL_CLOSED
from mlgate.core.finding import Finding, FlowStep, SourceLocation
from mlgate.core.fingerprint import fingerprint


def findings_from_hits(
    hits: Iterable[SinkHit],
    lines: dict[str, tuple[str, ...]],
    imports: Mapping[str, frozenset[str]] | None = None,
) -> list[Finding]:
    """One finding per rule and sink site: the hit with the shortest flow explains it.

    ``imports`` maps a path to the qualified names its module imports, which picks the
    driver-specific fix hint.
    """
    best: dict[tuple[str, Step], SinkHit] = {}
    for hit in hits:
        if not isinstance(hit.origin, SourceOrigin):
            continue
        key = (RULE_FOR_CLASS[hit.sink.vuln].id, hit.site.step)
        current = best.get(key)
        if current is None or _rank(hit) < _rank(current):
            best[key] = hit
    imports = imports or {}
    return [
        _finding(hit, lines, imports.get(hit.site.step.path, frozenset())) for hit in best.values()
    ]


def _rank(hit: SinkHit) -> tuple[int, int, int]:
    origin = hit.origin
    assert isinstance(origin, SourceOrigin)  # noqa: S101 - filtered by the caller
    return (len(hit.trace), origin.step.line, origin.step.column)


def _finding(hit: SinkHit, lines: dict[str, tuple[str, ...]], imported: frozenset[str]) -> Finding:
    origin = hit.origin
    assert isinstance(origin, SourceOrigin)  # noqa: S101 - filtered by the caller
    rule = RULE_FOR_CLASS[hit.sink.vuln]
    site = hit.site.step
    callee = hit.sink.callee.lstrip(".")
    return Finding(
        rule_id=rule.id,
        severity=hit.sink.severity if hit.sink.severity is not None else rule.severity,
        message=(
            f"{rule.summary.rstrip('.')}: {origin.description} `{origin.code}` "
            f"(line {origin.step.line}) reaches {callee}."
        ),
        location=_location(site, lines),
        fingerprint=fingerprint(rule.id, site.path, hit.site.code, origin.code),
        cwe=hit.sink.cwe or rule.cwe,
        evidence=hit.site.code,
        remediation=sink_hint(hit.sink.hint, imported),
        flow=tuple(FlowStep(location=_location(s, lines), message=s.message) for s in hit.trace),
        tags=("sast", hit.sink.vuln.value),
        properties=(("source", origin.code), ("sink", callee)),
    )


def weakness_findings(
    hits: Iterable[WeaknessHit], lines: dict[str, tuple[str, ...]]
) -> list[Finding]:
    """One finding per weakness and place (a function analysed twice reports once)."""
    unique = {(h.weakness, h.site.step): h for h in hits}
    return [_weakness_finding(hit, lines) for hit in unique.values()]


def _weakness_finding(hit: WeaknessHit, lines: dict[str, tuple[str, ...]]) -> Finding:
    rule = RULE_FOR_WEAKNESS[hit.weakness]
    site = hit.site.step
    # The line itself would show the secret: its redacted code stands in for it.
    redacted = hit.site.code if hit.weakness in REDACTED_WEAKNESSES else None
    return Finding(
        rule_id=rule.id,
        severity=rule.severity,
        message=f"{rule.summary.rstrip('.')}: `{hit.site.code}`.",
        location=_location(site, lines, snippet=redacted),
        fingerprint=fingerprint(rule.id, site.path, hit.site.code),
        cwe=rule.cwe,
        evidence=hit.site.code,
        remediation=hit.hint,
        tags=("sast", hit.weakness.value),
    )


def _location(
    step: Step, lines: dict[str, tuple[str, ...]], *, snippet: str | None = None
) -> SourceLocation:
    text = lines.get(step.path, ())
    if snippet is None and 0 < step.line <= len(text):
        snippet = text[step.line - 1].strip()
    return SourceLocation(
        path=step.path, start_line=step.line, start_column=step.column, snippet=snippet
    )


# Findings about input left unanalysed carry FAIL_CLOSED: the gate keeps them in
# pull-request mode and blocks on them whatever its threshold, unless waived.
_GAP_TAGS = ("sast", FAIL_CLOSED)


def parse_error_finding(path: str, failure: ParseFailure) -> Finding:
    """The blocking finding for a file that could not be parsed."""
    return Finding(
        rule_id=PARSE_ERROR.id,
        severity=PARSE_ERROR.severity,
        message=f"cannot parse {path}: {failure.message}",
        location=SourceLocation(path=path, start_line=failure.line, start_column=failure.column),
        fingerprint=fingerprint(PARSE_ERROR.id, path, failure.message),
        remediation=PARSE_ERROR.remediation,
        tags=_GAP_TAGS,
    )


def analysis_limit_finding(path: str, qualname: str, line: int) -> Finding:
    """The blocking finding for a function too deep to analyse."""
    return Finding(
        rule_id=ANALYSIS_LIMIT.id,
        severity=ANALYSIS_LIMIT.severity,
        message=f"{qualname} nests too deeply to analyse; its flows are unknown",
        location=SourceLocation(path=path, start_line=line),
        fingerprint=fingerprint(ANALYSIS_LIMIT.id, path, qualname),
        remediation=ANALYSIS_LIMIT.remediation,
        tags=_GAP_TAGS,
    )


def input_limit_finding(path: str, size: int, limit: int) -> Finding:
    """The blocking finding for a file over ``max_file_bytes``, left unanalysed."""
    return Finding(
        rule_id=INPUT_LIMIT.id,
        severity=INPUT_LIMIT.severity,
        message=f"{path} is {size} bytes, over max_file_bytes={limit}; it was not analysed",
        location=SourceLocation(path=path),
        fingerprint=fingerprint(INPUT_LIMIT.id, path),
        remediation=INPUT_LIMIT.remediation,
        tags=_GAP_TAGS,
    )
