"""A Markdown summary for ``$GITHUB_STEP_SUMMARY``, merge-request notes and PR comments.

GitHub refuses a step summary over 1 MiB, so the document is cut at whole lines below
``max_bytes`` and ends with how many items the full report still holds. PR comments
are limited to 65,536 characters: pass ``max_bytes=60_000`` for those.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from mlgate.core.finding import Finding, describe_location
from mlgate.core.verdict import Disposition, GateVerdict, Verdict
from mlgate.reporters.base import find_rule, gate_items, most_severe_first
from mlgate.reporters.escaping import markdown_code, markdown_inline
from mlgate.reporters.explain import (
    change_scope_sentence,
    fix_for,
    measured,
    requirement,
    waiver_sentence,
)
from mlgate.reporters.summary import (
    check_errors,
    describe_counts,
    format_seconds,
    gate_status,
    plural,
    severity_counts,
    tally_check,
    tally_gate,
    verdict_sentence,
)

# GitHub's limit is 1 MiB (1,048,576 bytes); the margin covers the truncation footer.
MAX_BYTES = 1_000_000
# A line and whether it is one countable item (a table row or a bullet).
Line = tuple[str, bool]


def _row(*cells: str) -> Line:
    return "| " + " | ".join(cells) + " |", True


def _table(*headers: str) -> Iterator[Line]:
    yield "", False
    yield "| " + " | ".join(headers) + " |", False
    yield "|" + "|".join("---" for _ in headers) + "|", False


def _heading(level: int, text: str) -> Iterator[Line]:
    yield "", False
    yield f"{'#' * level} {text}", False


def _gates_table(verdict: Verdict) -> Iterator[Line]:
    headers = ("Gate", "Outcome", "Mode", "Fail on", "Blocking", "Failing metrics")
    yield from _table(*headers, "Errors")
    for gate in verdict.gates:
        totals = tally_gate(gate)
        yield _row(
            markdown_code(gate.name),
            markdown_inline(gate_status(gate)),
            gate.mode.value,
            markdown_inline(gate.fail_on),
            str(totals.blocking),
            str(totals.failed_metrics),
            str(totals.errors),
        )


def _checks_table(gate: GateVerdict) -> Iterator[Line]:
    headers = ("Check", "Outcome", "Inputs", "Blocking", "Below threshold", "Waived", "Baselined")
    yield from _table(*headers, "Duration")
    for check in gate.checks:
        totals = tally_check(check)
        yield _row(
            markdown_code(check.check_id),
            check.outcome.value,
            str(check.inputs),
            str(totals.blocking),
            str(totals.below_threshold),
            str(totals.waived),
            str(totals.baselined),
            format_seconds(check.duration_seconds),
        )


def _flow_text(finding: Finding) -> str:
    steps = " -> ".join(
        f"{describe_location(step.location)} {step.message}" for step in finding.flow
    )
    return f" Flow: {steps}" if steps else ""


def _blocking(gate: GateVerdict) -> Iterator[Line]:
    items = [i for i in gate_items(gate) if i.disposition is Disposition.BLOCKING]
    if not items:
        return
    yield from _heading(3, "Blocking findings")
    yield from _table("Rule", "Severity", "Place", "Message", "How to fix")
    for item in most_severe_first(items):
        finding = item.finding
        rule = find_rule(item.check, finding.rule_id)
        yield _row(
            markdown_code(finding.rule_id),
            finding.severity.label,
            markdown_code(describe_location(finding.location)),
            markdown_inline(finding.message + _flow_text(finding)),
            markdown_inline(fix_for(finding, rule) or "see the rule documentation"),
        )


def _metrics(gate: GateVerdict) -> Iterator[Line]:
    failing = [(c, m) for c in gate.checks for m in c.failed_metrics()]
    if not failing:
        return
    yield from _heading(3, "Failing metrics")
    yield from _table("Check", "Measured", "Required")
    for check, judged in failing:
        yield _row(
            markdown_code(check.check_id),
            markdown_inline(measured(judged.metric)),
            markdown_inline(requirement(judged.metric)),
        )


def _bullets(title: str, entries: list[str]) -> Iterator[Line]:
    if not entries:
        return
    yield from _heading(3, title)
    yield "", False
    for entry in entries:
        yield f"- {entry}", True


def _below_threshold(gate: GateVerdict) -> Iterator[Line]:
    below = [i.finding for i in gate_items(gate) if i.disposition is Disposition.BELOW_THRESHOLD]
    if below:
        counts = describe_counts(severity_counts(below))
        yield "", False
        findings = plural(len(below), "finding")
        yield f"{findings} below the gate's threshold ({counts}) do not block.", False


def _gate_section(gate: GateVerdict) -> Iterator[Line]:
    yield from _heading(2, f"Gate {markdown_code(gate.name)}: {markdown_inline(gate_status(gate))}")
    yield "", False
    yield f"Mode {gate.mode.value}, blocks on {markdown_inline(gate.fail_on)} and above.", False
    yield from _checks_table(gate)
    errors = [(c.check_id, e) for c in gate.checks for e in check_errors(c)]
    yield from _bullets(
        "Check errors", [f"{markdown_code(c)}: {markdown_inline(e)}" for c, e in errors]
    )
    yield from _blocking(gate)
    yield from _metrics(gate)
    yield from _below_threshold(gate)
    yield from _bullets(
        "Expired waivers (no longer apply)",
        [markdown_inline(waiver_sentence(w)) for w in gate.waivers_expired],
    )
    yield from _bullets(
        "Applied waivers", [markdown_inline(waiver_sentence(w)) for w in gate.waivers_applied]
    )
    yield from _bullets(
        "Skipped inputs",
        [
            f"{markdown_code(s.path)} ({markdown_code(c.check_id)}): {markdown_inline(s.reason)}"
            for c in gate.checks
            for s in c.skipped
        ],
    )


def _document(verdict: Verdict) -> Iterator[Line]:
    yield f"# mlgate verdict: {verdict.outcome.value.upper()}", False
    yield "", False
    yield markdown_inline(verdict_sentence(verdict), 1000), False
    scope = change_scope_sentence(verdict)
    if scope is not None:
        yield "", False
        yield markdown_inline(scope, 1000), False
    yield from _gates_table(verdict)
    for gate in verdict.gates:
        yield from _gate_section(gate)
    yield "", False
    version, created = markdown_inline(verdict.tool_version), markdown_inline(verdict.created_at)
    yield f"mlgate {version}, run {created}.", False


def fit(lines: list[Line], max_bytes: int) -> str:
    """Join ``lines`` while they fit in ``max_bytes``, then say how many items were cut."""
    footer_room = 200
    out: list[str] = []
    size = 0
    for position, (text, _) in enumerate(lines):
        cost = len(text.encode("utf-8")) + 1
        if size + cost > max_bytes - footer_room:
            remaining = sum(1 for _, is_item in lines[position:] if is_item)
            out += ["", f"_{remaining} more in the full report (this summary is truncated)._"]
            break
        out.append(text)
        size += cost
    return "\n".join(out) + "\n"


class MarkdownReporter:
    """A job summary that stays under GitHub's size limit."""

    format_id: ClassVar[str] = "markdown"
    media_type: ClassVar[str] = "text/markdown"
    default_filename: ClassVar[str] = "mlgate-summary.md"

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes

    def render(self, verdict: Verdict) -> bytes:
        """The summary, UTF-8, at most ``max_bytes`` long."""
        return fit(list(_document(verdict)), self.max_bytes).encode("utf-8")
