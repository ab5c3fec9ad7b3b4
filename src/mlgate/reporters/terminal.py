"""The human report the CLI prints: grouped by gate and check, every block explained.

Rendered through rich into a string, so it stays pure: colour only when asked, an
empty environment (rich would otherwise read ``NO_COLOR``, ``COLUMNS`` and ``TERM``),
and untrusted text always passed as plain ``Text`` (never markup) with control
characters made visible, so a finding cannot restyle or rewrite the terminal.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import ClassVar

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from mlgate.core.finding import Finding, describe_location
from mlgate.core.verdict import (
    CheckVerdict,
    Disposition,
    GateVerdict,
    JudgedFinding,
    Mode,
    Outcome,
    Verdict,
)
from mlgate.reporters.base import Item, find_rule, most_severe_first
from mlgate.reporters.escaping import one_line, shorten
from mlgate.reporters.explain import (
    change_scope_sentence,
    fix_for,
    metric_sentence,
    rule_title,
    waiver_hint,
    waiver_sentence,
)
from mlgate.reporters.summary import (
    check_errors,
    describe_counts,
    format_seconds,
    gate_digest,
    gate_status,
    outcome_line,
    severity_counts,
    verdict_sentence,
)

# Below this many, findings that do not block are listed one by one; above, counted.
LIST_LIMIT = 20
MAX_MESSAGE = 1000
OUTCOME_STYLE = {
    Outcome.PASS: "bold green",
    Outcome.BLOCK: "bold red",
    Outcome.ERROR: "bold magenta",
}
Part = str | tuple[str, str]


def _line(indent: int, *parts: Part) -> Padding:
    """One logical line, wrapped under its own indentation."""
    text = Text(overflow="fold")
    for part in parts:
        if isinstance(part, tuple):
            text.append(one_line(part[0]), style=part[1])
        else:
            text.append(one_line(part))
    return Padding(text, (0, 0, 0, indent))


def _code_line(indent: int, code: str) -> Text:
    """A line meant to be copied (a YAML snippet): printed whole, never wrapped or cut."""
    return Text(" " * indent + one_line(code), style="dim", no_wrap=True, overflow="ignore")


def _finding_block(item: Item) -> Iterator[Padding | Text]:
    finding, gate = item.finding, item.gate
    rule = find_rule(item.check, finding.rule_id)
    label = "WOULD BLOCK (warn mode)" if gate.mode is Mode.WARN else "BLOCK"
    yield _line(
        4,
        (label, "bold red"),
        " ",
        (rule_title(finding.rule_id, rule), "bold"),
        f"  {finding.severity.label} (blocks at {gate.fail_on} and above)",
    )
    yield _line(6, "at ", (describe_location(finding.location), "cyan"))
    yield _line(6, shorten(finding.message, MAX_MESSAGE))
    for number, step in enumerate(finding.flow, start=1):
        yield _line(
            8, f"{number}. ", (describe_location(step.location), "cyan"), f"  {step.message}"
        )
    fix = fix_for(finding, rule)
    if fix:
        yield _line(6, ("fix: ", "green"), fix)
    yield _line(6, ("or waive it (paste into mlgate.yaml, fill in reason, owner, expires):", "dim"))
    for hint_line in waiver_hint(finding, gate.name).splitlines():
        yield _code_line(8, hint_line)


def _short(finding: Finding) -> str:
    where = describe_location(finding.location)
    return (
        f"{finding.rule_id} ({finding.severity.label}) at {where}: {shorten(finding.message, 200)}"
    )


def _non_blocking(
    check: CheckVerdict, disposition: Disposition, title: str
) -> Iterator[Padding | Text]:
    judged = [j for j in check.findings if j.disposition is disposition]
    if not judged:
        return
    counts = describe_counts(severity_counts(j.finding for j in judged))
    yield _line(4, (f"{title}: {len(judged)} ({counts})", "yellow"))
    if len(judged) > LIST_LIMIT:
        return
    for entry in judged:
        yield _line(6, _short(entry.finding), _waiver_note(entry))


def _waiver_note(judged: JudgedFinding) -> str:
    active, expired = judged.waiver, judged.expired_waiver
    if active is not None:
        return f" [waiver #{active.index}, {active.owner}, until {active.expires}]"
    if expired is not None:
        return f" [waiver #{expired.index} expired {expired.expires}]"
    return ""


def _check_block(gate: GateVerdict, check: CheckVerdict) -> Iterator[Padding | Text]:
    yield _line(
        2,
        "check ",
        (check.check_id, "bold"),
        ": ",
        (check.outcome.value, OUTCOME_STYLE[check.outcome]),
        f"  ({check.inputs} inputs, {format_seconds(check.duration_seconds)})",
    )
    for message in check_errors(check):
        yield _line(4, ("ERROR ", "bold magenta"), message)
    blocking = [Item(gate, check, j) for j in check.blocking()]
    for item in most_severe_first(blocking):
        yield from _finding_block(item)
    for judged_metric in check.metrics:
        status = (
            ("METRIC FAIL ", "bold red")
            if not judged_metric.acceptable
            else ("metric ok ", "green")
        )
        yield _line(4, status, metric_sentence(judged_metric.metric))
    yield from _non_blocking(check, Disposition.BELOW_THRESHOLD, "below threshold (not blocking)")
    yield from _non_blocking(check, Disposition.WAIVED, "waived")
    yield from _non_blocking(check, Disposition.BASELINED, "baselined (existing debt)")
    for skipped in check.skipped[:LIST_LIMIT]:
        yield _line(4, ("skipped ", "yellow"), f"{skipped.path}: {skipped.reason}")
    if len(check.skipped) > LIST_LIMIT:
        yield _line(4, ("skipped ", "yellow"), f"{len(check.skipped) - LIST_LIMIT} more inputs")


def _gate_block(gate: GateVerdict) -> Iterator[Padding | Text]:
    yield _line(
        0,
        "gate ",
        (gate.name, "bold"),
        ": ",
        (gate_status(gate), OUTCOME_STYLE[gate.outcome]),
        f"  (mode {gate.mode.value}, fail_on {gate.fail_on})",
    )
    for check in gate.checks:
        yield from _check_block(gate, check)
    for waiver in gate.waivers_applied:
        yield _line(2, ("waiver applied: ", "yellow"), waiver_sentence(waiver))
    for waiver in gate.waivers_expired:
        yield _line(
            2, ("waiver EXPIRED, no longer applies: ", "bold yellow"), waiver_sentence(waiver)
        )
    if not gate.checks:
        yield from (_line(2, ("ERROR ", "bold magenta"), reason) for reason in gate.reasons)


def _document(verdict: Verdict) -> Iterator[Padding | Text]:
    yield _line(0, (f"mlgate {verdict.tool_version}", "bold"), f"  run {verdict.created_at}")
    yield _line(0, verdict_sentence(verdict))
    scope = change_scope_sentence(verdict)
    if scope is not None:
        yield _line(0, (scope, "yellow"))
    for gate in verdict.gates:
        yield _line(0, "")
        yield from _gate_block(gate)
    yield _line(0, "")
    if len(verdict.gates) > 1:
        # A long report ends with one line per gate, so the causes are visible at a glance.
        for gate in verdict.gates:
            yield _line(0, ("summary ", "bold"), gate_digest(gate))
        yield _line(0, "")
    yield _line(0, (outcome_line(verdict), OUTCOME_STYLE[verdict.outcome]))


class TerminalReporter:
    """Readable text for a terminal or a CI log, coloured only when ``color`` is set."""

    format_id: ClassVar[str] = "terminal"
    media_type: ClassVar[str] = "text/plain"
    default_filename: ClassVar[str] = "mlgate.txt"

    def __init__(self, color: bool = False, width: int = 100) -> None:
        self.color = color
        self.width = width

    def render(self, verdict: Verdict) -> bytes:
        """The report as UTF-8 text (ANSI styles only when ``color``)."""
        stream = io.StringIO()
        console = make_console(stream, color=self.color, width=self.width)
        for renderable in _document(verdict):
            # soft_wrap leaves copyable lines whole even when wider than the console.
            is_code = isinstance(renderable, Text) and bool(renderable.no_wrap)
            console.print(renderable, soft_wrap=is_code)
        return finish_text(stream.getvalue(), color=self.color)


def make_console(stream: io.StringIO, *, color: bool, width: int) -> Console:
    """A console writing to ``stream`` that reads nothing from the environment.

    Without ``color`` it emits no ANSI sequence at all; rich never interprets markup or
    emoji codes, so untrusted text printed through it stays literal.
    """
    return Console(
        file=stream,
        force_terminal=color,
        width=width,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
        _environ={},
    )


def finish_text(text: str, *, color: bool) -> bytes:
    """Rendered console text as UTF-8; plain text loses the padding at line ends."""
    if not color:
        # Padding fills lines to the full width; CI logs are easier to read and diff
        # without that trailing whitespace.
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text.encode("utf-8")
