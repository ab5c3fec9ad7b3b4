"""One self-contained HTML page: inline CSS and SVG, no scripts, no external resources.

Every piece of verdict text passes through :func:`html.escape` (quotes included), so
a finding message such as ``<script>`` is shown, never run. The page sets a
Content-Security-Policy that forbids scripts as a second line of defence.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

from mlgate.core.figure import Figure
from mlgate.core.finding import describe_location
from mlgate.core.verdict import CheckVerdict, GateVerdict, Verdict
from mlgate.reporters.base import Item, find_rule, gate_items, most_severe_first
from mlgate.reporters.charts import esc, number, render_figure
from mlgate.reporters.explain import (
    fix_for,
    measured,
    requirement,
    waiver_hint,
    waiver_sentence,
)
from mlgate.reporters.summary import (
    check_errors,
    format_seconds,
    gate_status,
    outcome_line,
    tally_check,
    verdict_sentence,
)

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1f23;max-width:80rem}
.banner{padding:1rem 1.5rem;border-radius:6px;color:#fff;font-size:1.3rem}
.pass{background:#1a7f37}.block{background:#cf222e}.error{background:#8250df}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
td{overflow-wrap:anywhere}
.findings td:nth-child(2),.findings td:nth-child(3),.findings th{white-space:nowrap}
.findings td:nth-child(2),.findings td:nth-child(3){overflow-wrap:normal}
.findings td:nth-child(4){min-width:9rem}
summary{cursor:pointer;color:#57606a}
th{background:#f6f8fa}code,pre{font-family:ui-monospace,monospace;font-size:.9em}
pre{background:#f6f8fa;padding:.5rem;overflow-x:auto;white-space:pre-wrap}
.tag{display:inline-block;padding:0 .4rem;border-radius:4px;color:#fff;font-size:.85em}
ol{margin:.2rem 0 .2rem 1.2rem;padding:0}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
.charts figure{margin:0;max-width:100%}
svg.chart{max-width:100%;height:auto;border:1px solid #d0d7de;border-radius:6px}
figcaption{max-width:35rem;font-size:.9em;color:#424a53;margin-top:.3rem}
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]], css_class: str = "") -> str:
    """A table whose cells are already-escaped HTML."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    opening = f'<table class="{css_class}">' if css_class else "<table>"
    return f"{opening}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _tag(outcome: str, label: str) -> str:
    return f'<span class="tag {esc(outcome)}">{esc(label)}</span>'


def _check_rows(gate: GateVerdict) -> Iterator[list[str]]:
    for check in gate.checks:
        totals = tally_check(check)
        yield [
            f"<code>{esc(check.check_id)}</code>",
            _tag(check.outcome.value, check.outcome.value),
            esc(check.inputs),
            esc(totals.blocking),
            esc(totals.below_threshold),
            esc(totals.waived),
            esc(totals.baselined),
            esc(format_seconds(check.duration_seconds)),
        ]


def _flow(item: Item) -> str:
    steps = "".join(
        f"<li><code>{esc(describe_location(s.location))}</code> {esc(s.message)}</li>"
        for s in item.finding.flow
    )
    return f"<ol>{steps}</ol>" if steps else ""


def _finding_row(item: Item) -> list[str]:
    finding = item.finding
    rule = find_rule(item.check, finding.rule_id)
    slug = f" {esc(rule.slug)}" if rule is not None else ""
    return [
        f"<code>{esc(finding.rule_id)}</code>{slug}",
        esc(finding.severity.label),
        esc(item.disposition.value),
        f"<code>{esc(describe_location(finding.location))}</code>",
        esc(finding.message) + _flow(item),
        esc(fix_for(finding, rule) or ""),
        _hint(item),
    ]


def _hint(item: Item) -> str:
    # A finding already covered by an active waiver needs no suggestion.
    if item.judged.waiver is not None:
        return ""
    # Folded: the snippet is for the one finding someone decides to accept, not for reading.
    snippet = esc(waiver_hint(item.finding, item.gate.name))
    return f"<details><summary>waiver snippet</summary><pre>{snippet}</pre></details>"


def _findings(gate: GateVerdict) -> str:
    items = most_severe_first(gate_items(gate))
    if not items:
        return ""
    headers = ("Rule", "Severity", "Decision", "Place", "Message and flow", "Fix", "Waiver")
    return "<h3>Findings</h3>" + _table(headers, (_finding_row(i) for i in items), "findings")


def _metrics(gate: GateVerdict) -> str:
    rows = [
        [
            f"<code>{esc(check.check_id)}</code>",
            _tag("pass" if m.acceptable else "block", "ok" if m.acceptable else "fails"),
            esc(measured(m.metric)),
            esc(requirement(m.metric)),
        ]
        for check in gate.checks
        for m in check.metrics
    ]
    if not rows:
        return ""
    return "<h3>Metrics</h3>" + _table(("Check", "Status", "Measured", "Required"), rows)


def _interval(low: float | None, high: float | None) -> str:
    return f"{number(low)} to {number(high)}" if low is not None and high is not None else ""


def _figure_table(figure: Figure) -> str:
    rows = [
        [
            esc(series.name),
            esc(point.label),
            esc(number(point.value)),
            esc(_interval(point.low, point.high)),
            esc("" if point.x is None else number(point.x)),
            esc("" if point.n is None else f"{point.n:,}"),
            "no" if point.muted else "yes",
        ]
        for series in figure.series
        for point in series.points
    ]
    headers = ("Series", figure.x_label, figure.y_label, "Interval", "x", "Rows", "Used")
    return f"<details><summary>data</summary>{_table(headers, rows)}</details>"


def _figure(figure: Figure, ident: str) -> str:
    caption = f"<figcaption>{esc(figure.caption)}</figcaption>" if figure.caption else ""
    return f"<figure>{render_figure(figure, ident)}{caption}{_figure_table(figure)}</figure>"


def _figures(gate: GateVerdict, gate_index: int) -> str:
    parts: list[str] = []
    for check_index, check in enumerate(gate.checks):
        sections: dict[str, list[str]] = {}
        for index, figure in enumerate(check.figures):
            ident = f"fig-{gate_index}-{check_index}-{index}"
            sections.setdefault(figure.section, []).append(_figure(figure, ident))
        parts.extend(
            f"<h3>{esc(section)} (<code>{esc(check.check_id)}</code>)</h3>"
            f'<div class="charts">{"".join(figures)}</div>'
            for section, figures in sections.items()
        )
    return "".join(parts)


def _list(title: str, entries: list[str]) -> str:
    if not entries:
        return ""
    return f"<h3>{esc(title)}</h3><ul>" + "".join(f"<li>{e}</li>" for e in entries) + "</ul>"


def _errors(checks: Iterable[CheckVerdict]) -> list[str]:
    return [f"<code>{esc(c.check_id)}</code>: {esc(e)}" for c in checks for e in check_errors(c)]


def _gate_section(gate: GateVerdict, gate_index: int) -> str:
    headers = ("Check", "Outcome", "Inputs", "Blocking", "Below threshold", "Waived")
    skipped = [
        f"<code>{esc(s.path)}</code> ({esc(c.check_id)}): {esc(s.reason)}"
        for c in gate.checks
        for s in c.skipped
    ]
    parts = [
        f"<section><h2>Gate <code>{esc(gate.name)}</code> "
        f"{_tag(gate.outcome.value, gate_status(gate))}</h2>",
        f"<p>Mode {esc(gate.mode.value)}; findings at {esc(gate.fail_on)} and above block.</p>",
        _table((*headers, "Baselined", "Duration"), _check_rows(gate)),
        _list("Check errors", _errors(gate.checks)),
        _findings(gate),
        _figures(gate, gate_index),
        _metrics(gate),
        _list(
            "Expired waivers (no longer apply)",
            [esc(waiver_sentence(w)) for w in gate.waivers_expired],
        ),
        _list("Applied waivers", [esc(waiver_sentence(w)) for w in gate.waivers_applied]),
        _list("Skipped inputs", skipped),
        "</section>",
    ]
    return "".join(parts)


class HtmlReporter:
    """A single HTML file to attach to a pipeline run or open locally."""

    format_id: ClassVar[str] = "html"
    media_type: ClassVar[str] = "text/html"
    default_filename: ClassVar[str] = "mlgate-report.html"

    def render(self, verdict: Verdict) -> bytes:
        """The page as UTF-8 HTML5."""
        outcome = verdict.outcome.value
        body = "".join(_gate_section(gate, i) for i, gate in enumerate(verdict.gates))
        page = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
            f"<title>{esc(outcome_line(verdict))}</title><style>{_CSS}</style></head><body>"
            f'<div class="banner {esc(outcome)}">{esc(verdict_sentence(verdict))}</div>'
            f"<p>mlgate {esc(verdict.tool_version)}, run {esc(verdict.created_at)}</p>"
            f"{body}<p><strong>{esc(outcome_line(verdict))}</strong></p></body></html>\n"
        )
        return page.encode("utf-8")
