"""The compact terminal view: per gate, one line per cause of its outcome.

Meant for a first look and for CI logs people skim. Errors come first (an error means
nothing was proven), then blocking findings grouped by rule with their count and the
worst place, then failing metrics with the measured value and what the threshold
demands. Each cause stays on one line, cut at the console width; the full terminal
report keeps every explanation, and ``mlgate run --summary`` writes it to a file.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from rich.text import Text

from mlgate.core.finding import Severity, describe_location
from mlgate.core.verdict import Disposition, GateVerdict, Mode, Verdict
from mlgate.reporters.base import Item, find_rule, most_severe_first
from mlgate.reporters.escaping import ELLIPSIS, one_line
from mlgate.reporters.explain import number, requirement
from mlgate.reporters.summary import (
    check_errors,
    describe_counts,
    gate_status,
    outcome_line,
    plural,
    severity_counts,
    tally_gate,
    verdict_sentence,
)
from mlgate.reporters.terminal import OUTCOME_STYLE, finish_text, make_console

# Caps keep the place and the message visible when a name is absurdly long; the end of
# a rule id or a path is its most specific part, so that is what is kept. On a narrow
# console they shrink, down to a floor that still identifies the rule and the file.
MAX_NAME = 60
MAX_PLACE = 50
# A slug is shown beside short ids only: long ids (SARIF tools' rule paths) are
# already readable, and their slug merely spells them again.
SLUG_BESIDE_ID = 16


class CauseKind(StrEnum):
    """What kind of thing made a gate block or fail."""

    ERROR = "error"
    FINDING = "finding"
    METRIC = "metric"


@dataclass(frozen=True, slots=True, kw_only=True)
class Cause:
    """One reason for a gate's outcome: a check error, one rule's findings, or a metric.

    ``name`` is the rule id, the metric name, or the check id of an error; ``where`` the
    worst finding's place; ``detail`` its message, the metric's measured value against
    its threshold, or the error message; ``explanation`` the rule's summary or the
    metric's own description, for readers who want words rather than numbers.
    """

    kind: CauseKind
    check_id: str
    name: str
    count: int = 1
    severity: Severity | None = None
    slug: str | None = None
    where: str | None = None
    detail: str = ""
    explanation: str | None = None

    def title(self) -> str:
        """The name, with the rule's slug beside a short rule id (``SAST089 sql-injection``)."""
        if self.slug and len(self.name) <= SLUG_BESIDE_ID:
            return f"{self.name} {self.slug}"
        return self.name


def _error_causes(gate: GateVerdict) -> Iterator[Cause]:
    for check in gate.checks:
        for message in check_errors(check):
            yield Cause(
                kind=CauseKind.ERROR, check_id=check.check_id, name=check.check_id, detail=message
            )
    if not gate.checks:
        # A gate that could not even plan its checks carries its reasons on the gate.
        for reason in gate.reasons:
            yield Cause(kind=CauseKind.ERROR, check_id="", name=gate.name, detail=reason)


def _finding_causes(gate: GateVerdict) -> Iterator[Cause]:
    items = most_severe_first(Item(gate, c, j) for c in gate.checks for j in c.blocking())
    groups: dict[tuple[str, str], list[Item]] = {}
    for item in items:
        groups.setdefault((item.check.check_id, item.finding.rule_id), []).append(item)
    # Insertion order follows the worst member of each group: most severe rules first.
    for (check_id, rule_id), members in groups.items():
        worst = members[0]
        rule = find_rule(worst.check, rule_id)
        yield Cause(
            kind=CauseKind.FINDING,
            check_id=check_id,
            name=rule_id,
            count=len(members),
            severity=worst.finding.severity,
            slug=rule.slug if rule is not None and rule.slug else None,
            where=describe_location(worst.finding.location),
            detail=worst.finding.message,
            explanation=rule.summary if rule is not None and rule.summary else None,
        )


def _metric_causes(gate: GateVerdict) -> Iterator[Cause]:
    for check in gate.checks:
        for judged in check.failed_metrics():
            metric = judged.metric
            yield Cause(
                kind=CauseKind.METRIC,
                check_id=check.check_id,
                name=metric.name,
                detail=f"= {number(metric.value)}; {requirement(metric)}",
                explanation=metric.description,
            )


def gate_causes(gate: GateVerdict) -> list[Cause]:
    """Why the gate decided as it did: errors, then findings by rule, then failing metrics.

    In ``warn`` mode the same causes are listed although the gate passes; a clean gate
    has none.
    """
    return [*_error_causes(gate), *_finding_causes(gate), *_metric_causes(gate)]


def keep_end(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters from the left, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return ELLIPSIS + text[len(text) - max(limit - 1, 0) :]


_LABELS = {
    (CauseKind.ERROR, Mode.ENFORCE): ("ERROR", "bold magenta"),
    (CauseKind.ERROR, Mode.WARN): ("ERROR", "bold magenta"),
    (CauseKind.FINDING, Mode.ENFORCE): ("BLOCK", "bold red"),
    (CauseKind.METRIC, Mode.ENFORCE): ("FAIL ", "bold red"),
    # Warn mode reports what would block without stopping the pipeline.
    (CauseKind.FINDING, Mode.WARN): ("WARN ", "bold yellow"),
    (CauseKind.METRIC, Mode.WARN): ("WARN ", "bold yellow"),
}


def _cause_line(cause: Cause, mode: Mode, width: int) -> Text:
    label, style = _LABELS[(cause.kind, mode)]
    max_name = min(MAX_NAME, max(20, width - 40))
    max_place = min(MAX_PLACE, max(16, width - 50))
    text = Text("  ", no_wrap=True, overflow="ellipsis")
    text.append(label, style=style)
    text.append(" ")
    if cause.kind is CauseKind.ERROR:
        name = keep_end(one_line(cause.name), max_name)
        text.append(f"{name}: " if name else "", style="bold")
        text.append(one_line(cause.detail))
        return text
    text.append(keep_end(one_line(cause.title()), max_name), style="bold")
    if cause.kind is CauseKind.METRIC:
        text.append(f" {one_line(cause.detail)}")
        return text
    severity = cause.severity.label if cause.severity is not None else "?"
    text.append(f": {cause.count} {severity}")
    text.append(", worst at " if cause.count > 1 else " at ")
    text.append(keep_end(one_line(cause.where or "?"), max_place), style="cyan")
    text.append(f" - {one_line(cause.detail)}")
    return text


def _gate_header(gate: GateVerdict) -> Text:
    tally = tally_gate(gate)
    text = Text("gate ", no_wrap=True, overflow="ellipsis")
    text.append(one_line(gate.name), style="bold")
    text.append(": ")
    text.append(one_line(gate_status(gate)), style=OUTCOME_STYLE[gate.outcome])
    counts = [plural(tally.checks, "check")]
    if tally.blocking:
        counts.append(plural(tally.blocking, "blocking finding"))
    if tally.failed_metrics:
        counts.append(plural(tally.failed_metrics, "failing metric"))
    if tally.errors:
        counts.append(plural(tally.errors, "error"))
    text.append(f"  ({', '.join(counts)})")
    return text


def _aside(gate: GateVerdict) -> Iterator[Text]:
    """What does not block but a reader should know exists: waived, expired, set aside."""
    judged = [j for c in gate.checks for j in c.findings]
    for disposition, title in (
        (Disposition.WAIVED, "waived"),
        (Disposition.BASELINED, "baselined"),
        (Disposition.BELOW_THRESHOLD, f"below fail_on {gate.fail_on}"),
    ):
        chosen = [j.finding for j in judged if j.disposition is disposition]
        if chosen:
            counts = describe_counts(severity_counts(chosen))
            yield Text(
                one_line(f"  {title}: {len(chosen)} ({counts})"),
                style="dim",
                no_wrap=True,
                overflow="ellipsis",
            )
    for waiver in gate.waivers_expired:
        line = Text("  waiver EXPIRED: ", style="bold yellow", no_wrap=True, overflow="ellipsis")
        line.append(
            f"#{waiver.index} {one_line(waiver.rule)} ended {waiver.expires.isoformat()} "
            "and no longer applies",
            style="yellow",
        )
        yield line


def _document(verdict: Verdict, width: int) -> Iterator[Text]:
    yield Text(one_line(verdict_sentence(verdict)))
    for gate in verdict.gates:
        yield Text("")
        yield _gate_header(gate)
        for cause in gate_causes(gate):
            yield _cause_line(cause, gate.mode, width)
        yield from _aside(gate)
    yield Text("")
    yield Text(one_line(outcome_line(verdict)), style=OUTCOME_STYLE[verdict.outcome])


class CompactReporter:
    """Per gate one line per blocking cause, errors first; coloured only when ``color``."""

    format_id: ClassVar[str] = "summary"
    media_type: ClassVar[str] = "text/plain"
    default_filename: ClassVar[str] = "mlgate-summary.txt"

    def __init__(self, color: bool = False, width: int = 100) -> None:
        self.color = color
        self.width = width

    def render(self, verdict: Verdict) -> bytes:
        """The compact view as UTF-8 text (ANSI styles only when ``color``)."""
        stream = io.StringIO()
        console = make_console(stream, color=self.color, width=self.width)
        for line in _document(verdict, self.width):
            if line.no_wrap:
                console.print(line, no_wrap=True, overflow="ellipsis")
            else:
                console.print(line)
        return finish_text(stream.getvalue(), color=self.color)
