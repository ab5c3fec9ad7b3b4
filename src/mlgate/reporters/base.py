"""The Reporter role and what several reporters share.

Shared here: walking a verdict's findings with their gate and check, the order in
which findings are shown (most severe first), the level a finding is reported at,
paths as CI systems want them (relative, forward slashes), and JSON encoding.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

from mlgate.core.finding import Finding, Severity, SourceLocation, location_line
from mlgate.core.rule import Rule
from mlgate.core.verdict import (
    CheckVerdict,
    Disposition,
    GateVerdict,
    JudgedFinding,
    Mode,
    Verdict,
)

TOOL_NAME = "mlgate"
# Placeholder until the project's public home is decided; SARIF wants a tool URI.
INFORMATION_URI = "https://github.com/mlgate/mlgate"

Level = Literal["error", "warning", "note"]

_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:/")


@runtime_checkable
class Reporter(Protocol):
    """Renders a verdict to bytes. Pure: no I/O, no clock, no environment."""

    format_id: ClassVar[str]
    media_type: ClassVar[str]
    default_filename: ClassVar[str]

    def render(self, verdict: Verdict) -> bytes:
        """The whole report."""
        ...


@dataclass(frozen=True, slots=True)
class Item:
    """One judged finding together with the gate and check that produced it."""

    gate: GateVerdict
    check: CheckVerdict
    judged: JudgedFinding

    @property
    def finding(self) -> Finding:
        """The finding itself."""
        return self.judged.finding

    @property
    def disposition(self) -> Disposition:
        """The gate's decision about the finding."""
        return self.judged.disposition


def gate_items(gate: GateVerdict) -> list[Item]:
    """Every finding of every check of one gate, in verdict order."""
    return [Item(gate, check, judged) for check in gate.checks for judged in check.findings]


def iter_items(verdict: Verdict) -> Iterator[Item]:
    """Every finding of every check of every gate, in verdict order."""
    for gate in verdict.gates:
        yield from gate_items(gate)


def _severity_key(item: Item) -> tuple[int, int, str, str, int, str]:
    finding = item.finding
    line = location_line(finding.location) or 0
    return (
        -int(finding.severity),
        0 if item.disposition is Disposition.BLOCKING else 1,
        item.gate.name,
        finding.location.path or "",
        line,
        finding.rule_id,
    )


def most_severe_first(items: Iterable[Item]) -> list[Item]:
    """Findings ordered by severity, blocking before the rest, then by place (stable)."""
    return sorted(items, key=_severity_key)


def finding_level(item: Item) -> Level:
    """How loudly a finding is reported, the same in SARIF and in annotations.

    Only a blocking finding of an enforcing gate is an ``error``; in ``warn`` mode it is a
    ``warning`` (the gate passes). Anything else above ``info`` is a ``warning``.
    """
    if item.disposition is Disposition.BLOCKING and item.gate.mode is Mode.ENFORCE:
        return "error"
    return "note" if item.finding.severity is Severity.INFO else "warning"


def severity_level(severity: Severity, fail_on: str) -> Level:
    """A rule's default level: ``error`` at or above the gate's ``fail_on``."""
    try:
        threshold = Severity.parse(fail_on)
    except ValueError:
        threshold = Severity.HIGH
    if severity >= threshold:
        return "error"
    return "note" if severity is Severity.INFO else "warning"


def find_rule(check: CheckVerdict, rule_id: str) -> Rule | None:
    """The metadata a check recorded for ``rule_id``, if any."""
    return next((rule for rule in check.rules if rule.id == rule_id), None)


def relative_path(path: str | None, root: str = ".") -> str | None:
    """``path`` relative to the scanned root with forward slashes, or ``None``.

    CI systems map only repository-relative paths, and GitHub rejects uploads whose
    paths it cannot map; an absolute path outside ``root`` is therefore not a path.
    """
    if not path:
        return None
    text = path.replace("\\", "/")
    if PurePosixPath(text).is_absolute() or _WINDOWS_DRIVE.match(text):
        base = root.replace("\\", "/")
        try:
            text = PurePosixPath(text).relative_to(PurePosixPath(base)).as_posix()
        except ValueError:
            return None
    while text.startswith("./"):
        text = text[2:]
    return text if text not in ("", ".") else None


def line_span(finding: Finding) -> tuple[int, int | None, int | None, int | None] | None:
    """``(start_line, start_column, end_line, end_column)`` when lines are known and valid."""
    location = finding.location
    if not isinstance(location, SourceLocation):
        return None
    return source_span(location)


def source_span(location: SourceLocation) -> tuple[int, int | None, int | None, int | None] | None:
    """The valid (1-based, ordered) parts of a source location's region."""
    start = location.start_line
    if start is None or start < 1:
        return None
    column = location.start_column if (location.start_column or 0) >= 1 else None
    end = location.end_line if (location.end_line or 0) >= start else None
    has_end_column = end is not None and (location.end_column or 0) >= 1
    end_column = location.end_column if has_end_column else None
    return start, column, end, end_column


def dump_json(document: Any) -> bytes:
    """UTF-8 JSON with a final newline; lone surrogates fall back to ASCII escapes."""
    try:
        text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(document, indent=2, allow_nan=False) + "\n").encode("ascii")
