"""GitHub Actions workflow commands: inline annotations on the pull request.

GitHub shows at most 10 error and 10 warning annotations per step, so the most
severe are emitted and one ``::notice`` says how many more the full report holds.
Data is escaped as the runner's ``toCommandValue`` expects (``%``, CR, LF) and
properties additionally escape ``:`` and ``,``; control characters are made visible
so nothing else in the log is spoofed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Literal

from mlgate.core.finding import describe_location
from mlgate.core.verdict import Disposition, Mode, Verdict
from mlgate.reporters.base import (
    Item,
    find_rule,
    finding_level,
    iter_items,
    line_span,
    most_severe_first,
    relative_path,
)
from mlgate.reporters.escaping import shorten, visible
from mlgate.reporters.explain import fix_for, metric_sentence, rule_title
from mlgate.reporters.summary import check_errors

MAX_PER_LEVEL = 10
# The runner truncates long annotations anyway; cutting here keeps the log readable.
MAX_MESSAGE = 2000
Command = Literal["error", "warning", "notice"]


@dataclass(frozen=True, slots=True)
class Annotation:
    """One workflow command before escaping."""

    command: Command
    message: str
    title: str
    file: str | None = None
    line: int | None = None
    col: int | None = None
    end_line: int | None = None
    end_col: int | None = None


def escape_data(text: str) -> str:
    """Escape a command's message the way the Actions runner unescapes it."""
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """Escape a command property value (``file``, ``title``): data rules plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_annotation(annotation: Annotation) -> str:
    """``::error file=app.py,line=3,title=PY001::message``."""
    properties = [
        ("file", annotation.file),
        ("line", annotation.line),
        ("col", annotation.col),
        ("endLine", annotation.end_line),
        ("endColumn", annotation.end_col),
        ("title", annotation.title),
    ]
    rendered = ",".join(
        f"{name}={escape_property(str(value))}" for name, value in properties if value is not None
    )
    head = f"::{annotation.command} {rendered}" if rendered else f"::{annotation.command}"
    return f"{head}::{escape_data(shorten(annotation.message, MAX_MESSAGE))}"


def _finding_annotation(item: Item, root: str) -> Annotation:
    finding = item.finding
    rule = find_rule(item.check, finding.rule_id)
    lines = [finding.message, f"at {describe_location(finding.location)}"]
    fix = fix_for(finding, rule)
    if fix:
        lines.append(f"Fix: {fix}")
    if finding.fingerprint:
        lines.append(f"Or waive: rule {finding.rule_id}, fingerprint {finding.fingerprint}")
    span = line_span(finding)
    start, col, end, end_col = span if span is not None else (None, None, None, None)
    level = finding_level(item)
    return Annotation(
        command="error" if level == "error" else "warning",
        message="\n".join(lines),
        title=f"{rule_title(finding.rule_id, rule)} ({finding.severity.label}, "
        f"gate {item.gate.name})",
        file=relative_path(finding.location.path, root),
        line=start,
        col=col,
        end_line=end,
        end_col=end_col,
    )


def _problem_annotations(verdict: Verdict) -> Iterator[Annotation]:
    """Check errors (most serious: nothing is proven), then failing metrics."""
    for gate in verdict.gates:
        for check in gate.checks:
            for message in check_errors(check):
                title = f"mlgate check {check.check_id} failed (gate {gate.name})"
                yield Annotation(command="error", message=message, title=title)
    for gate in verdict.gates:
        command: Command = "error" if gate.mode is Mode.ENFORCE else "warning"
        for check in gate.checks:
            for judged in check.failed_metrics():
                title = f"metric {judged.metric.name} fails (gate {gate.name})"
                message = metric_sentence(judged.metric)
                yield Annotation(command=command, message=message, title=title)


def collect_annotations(verdict: Verdict) -> list[Annotation]:
    """Every annotation worth showing, most serious first, before the per-level cap."""
    shown = (Disposition.BLOCKING, Disposition.BELOW_THRESHOLD)
    items = [item for item in iter_items(verdict) if item.disposition in shown]
    found = [_finding_annotation(item, verdict.root) for item in most_severe_first(items)]
    return [*_problem_annotations(verdict), *found]


class GithubAnnotationsReporter:
    """Workflow commands for GitHub Actions' log and pull-request annotations."""

    format_id: ClassVar[str] = "github"
    media_type: ClassVar[str] = "text/plain"
    default_filename: ClassVar[str] = "mlgate-annotations.txt"

    def render(self, verdict: Verdict) -> bytes:
        """Up to 10 errors and 10 warnings, then a notice counting the rest."""
        kept: list[Annotation] = []
        used = {"error": 0, "warning": 0, "notice": 0}
        omitted = 0
        for annotation in collect_annotations(verdict):
            if used[annotation.command] >= MAX_PER_LEVEL:
                omitted += 1
                continue
            used[annotation.command] += 1
            kept.append(annotation)
        lines = [format_annotation(annotation) for annotation in kept]
        if omitted:
            message = f"{omitted} more findings in the report (GitHub shows 10 per level)"
            lines.append(format_annotation(Annotation("notice", message, "mlgate")))
        return "".join(f"{line}\n" for line in lines).encode("utf-8")
