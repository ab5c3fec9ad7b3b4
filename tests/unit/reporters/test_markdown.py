from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import given, settings

from builders.verdicts import (
    HOSTILE,
    many_findings_verdict,
    passing_verdict,
    realistic_verdict,
    verdicts,
)
from mlgate.core.changes import ChangeScope
from mlgate.core.verdict import Verdict
from mlgate.reporters.escaping import markdown_code, markdown_inline
from mlgate.reporters.markdown import MAX_BYTES, MarkdownReporter
from mlgate.reporters.terminal import TerminalReporter


def _text(verdict: Verdict, max_bytes: int = MAX_BYTES) -> str:
    return MarkdownReporter(max_bytes=max_bytes).render(verdict).decode("utf-8")


def test_verdict_line_and_gate_table() -> None:
    lines = _text(realistic_verdict()).splitlines()
    assert lines[0] == "# mlgate verdict: ERROR"
    assert lines[2] == (
        "Verdict: ERROR. At least one check could not complete, so nothing is proven "
        "(2 blocking findings, 1 failing metric, 1 check error; 1 waived finding)."
    )
    assert "| `pre-merge` | error | enforce | high | 1 | 0 | 1 |" in lines
    assert "| `post-train` | block | enforce | high | 1 | 1 | 0 |" in lines


def test_gate_sections_explain_every_block() -> None:
    text = _text(realistic_verdict())
    assert "| `sast` | block | 12 | 1 | 1 | 1 | 1 | 1.25 s |" in text
    assert (
        "| `PY001` | critical | `app/db.py:42` | SQL query built from request data reaches "
        "cursor.execute Flow: app/api.py:10 request.args\\['name'\\] -&gt; app/service.py:22 "
        "find\\_user(name) -&gt; app/db.py:42 cursor.execute(query) | Pass user input as query "
        "parameters (cursor.execute(sql, params)). |"
    ) in text
    assert (
        "| `model` | auc = 0.81 (95% CI 0.79 to 0.83, n=1200) | must be &gt;= 0.85 "
        "(compared at the CI's high end, 0.83) |"
    ) in text
    assert "- `secrets`: timed out after 600 s" in text
    assert "### Expired waivers (no longer apply)" in text
    assert "- \\#1 PY003 (fingerprint=0123456789abcdef0123456789abcdef) by bob" in text
    assert "- `models/big.bin` (`secrets`): larger than the 2 GiB read budget" in text
    assert "1 finding below the gate's threshold (1 low) do not block." in text


def test_passing_verdict_is_short_and_plain() -> None:
    text = _text(passing_verdict())
    assert text.startswith("# mlgate verdict: PASS\n\nVerdict: PASS. Every gate passed")
    assert "Blocking findings" not in text


def test_truncates_below_the_limit_with_a_count() -> None:
    text = _text(many_findings_verdict(400, message="x" * 300), max_bytes=20_000)
    assert len(text.encode("utf-8")) <= 20_000
    last = text.rstrip("\n").splitlines()[-1]
    assert last.startswith("_") and last.endswith(
        " more in the full report (this summary is truncated)._"
    )
    shown = text.count("| `PY001` |")
    assert 0 < shown < 400
    # The rows cut, plus the two waiver bullets that come after the findings table.
    assert int(last[1:].split(" ")[0]) == 400 - shown + 2


def test_default_limit_is_under_github_one_mib() -> None:
    text = _text(many_findings_verdict(5000, message="y" * 400))
    size = len(text.encode("utf-8"))
    assert 900_000 < size <= MAX_BYTES < 1024 * 1024


def test_cells_cannot_break_the_table_or_inject_html() -> None:
    assert markdown_inline("a|b\nc") == "a\\|b c"
    assert markdown_inline("<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"
    assert markdown_inline("[a](javascript:alert(1))") == "\\[a\\](javascript:alert(1))"
    assert markdown_inline("# title") == "\\# title"
    assert markdown_inline("1. item") == "1\\. item"
    assert markdown_code("a`b") == "``a`b``"
    assert markdown_code("`x`") == "`` `x` ``"
    assert markdown_code("") == "`   `"


def test_hostile_messages_stay_inside_their_cells() -> None:
    verdict = many_findings_verdict(len(HOSTILE))
    check = verdict.gates[0].checks[0]
    findings = tuple(
        replace(j, finding=replace(j.finding, message=m))
        for j, m in zip(check.findings, HOSTILE, strict=True)
    )
    gate = replace(verdict.gates[0], checks=(replace(check, findings=findings),))
    text = _text(replace(verdict, gates=(gate,)))
    rows = [line for line in text.splitlines() if line.startswith("| `PY001` |")]
    assert len(rows) == len(HOSTILE)
    assert all(row.replace("\\|", "").count("|") == 6 for row in rows)
    assert "<script>" not in text


@settings(max_examples=60, deadline=None)
@given(verdicts)
def test_every_summary_fits_and_carries_no_raw_html(verdict: Verdict) -> None:
    data = MarkdownReporter(max_bytes=8_000).render(verdict)
    assert len(data) <= 8_000
    # Code spans show their content literally; everywhere else HTML must be entities.
    outside_code = re.sub(r"(`+).*?\1", "", data.decode("utf-8"))
    assert "<" not in outside_code


def test_pull_request_mode_is_stated_in_terminal_and_markdown() -> None:
    verdict = realistic_verdict()
    gates = tuple(replace(g, findings_outside_changes=3) for g in verdict.gates)
    scoped = replace(
        verdict,
        gates=gates,
        changed_since=ChangeScope(since="main", base="abc123", changed_files=2),
    )
    expected = "only findings on lines changed since main (2 changed files) were judged"
    for reporter in (MarkdownReporter(), TerminalReporter()):
        text = reporter.render(scoped).decode()
        assert expected in " ".join(text.split())
        assert f"{3 * len(gates)} finding(s) elsewhere were left out" in " ".join(text.split())
        assert expected not in " ".join(reporter.render(verdict).decode().split())
