from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings

from builders.verdicts import (
    HOSTILE,
    many_findings_verdict,
    passing_verdict,
    realistic_verdict,
    verdicts,
    warn_mode_verdict,
)
from mlgate.core.verdict import Disposition, Verdict
from mlgate.reporters.terminal import TerminalReporter


def _text(verdict: Verdict, **options: bool) -> str:
    return TerminalReporter(**options).render(verdict).decode("utf-8")


def test_every_block_is_explained() -> None:
    text = _text(realistic_verdict())
    lines = text.splitlines()
    assert "    BLOCK PY001 sql-injection  critical (blocks at high and above)" in lines
    assert "    BLOCK ART001 pickle-global-os-system  critical (blocks at high and above)" in lines
    assert "      at app/db.py:42" in lines
    assert "        2. app/service.py:22  find_user(name)" in lines
    assert "      fix: Pass user input as query parameters (cursor.execute(sql, params))." in lines
    assert (
        "    METRIC FAIL auc = 0.81 (95% CI 0.79 to 0.83, n=1200); must be >= 0.85 (compared at "
        "the CI's high"
    ) in lines
    assert "    ERROR timed out after 600 s" in lines
    assert "    skipped models/big.bin: larger than the 2 GiB read budget" in lines
    assert (
        "      PY002 (high) at scripts/run.py:7: shell=True [waiver #0, alice, until 2099-12-31]"
        in lines
    )
    assert lines[-1] == "mlgate: error (gates: pre-merge=error, post-train=block)"


def test_waiver_hint_is_ready_to_paste() -> None:
    lines = _text(realistic_verdict()).splitlines()
    start = lines.index("        waivers:")
    assert lines[start : start + 7] == [
        "        waivers:",
        '          - rule: "PY001"',
        '            fingerprint: "5f1c0c9a2b7e4d3a8e6f1b2c3d4e5f60"',
        '            reason: "<why this risk is accepted>"',
        '            owner: "<who reviewed it>"',
        "            expires: YYYY-MM-DD",
        '            gates: ["pre-merge"]',
    ]


def test_plain_output_fits_the_width_without_ansi_or_trailing_spaces() -> None:
    text = _text(realistic_verdict())
    assert "\x1b" not in text
    assert all(len(line) <= 100 and line == line.rstrip() for line in text.splitlines())


def test_colour_only_when_asked() -> None:
    assert "\x1b[" in _text(realistic_verdict(), color=True)


def test_warn_mode_and_pass() -> None:
    assert "    WOULD BLOCK (warn mode) PY001 sql-injection" in _text(warn_mode_verdict())
    assert "gate pre-merge: pass (warn mode: would block)" in _text(warn_mode_verdict())
    assert _text(passing_verdict()).splitlines()[-1] == "mlgate: pass (gates: pre-merge=pass)"


def test_many_non_blocking_findings_are_counted_not_listed() -> None:
    verdict = many_findings_verdict(25)
    check = verdict.gates[0].checks[0]
    below = tuple(replace(j, disposition=Disposition.BELOW_THRESHOLD) for j in check.findings)
    gate = replace(verdict.gates[0], checks=(replace(check, findings=below),))
    text = _text(replace(verdict, gates=(gate,)))
    assert "    below threshold (not blocking): 25 (25 high)" in text.splitlines()
    assert "app/m3.py" not in text


def test_hostile_text_cannot_drive_the_terminal() -> None:
    verdict = many_findings_verdict(len(HOSTILE))
    check = verdict.gates[0].checks[0]
    findings = tuple(
        replace(j, finding=replace(j.finding, message=m))
        for j, m in zip(check.findings, HOSTILE, strict=True)
    )
    gate = replace(verdict.gates[0], checks=(replace(check, findings=findings),))
    text = _text(replace(verdict, gates=(gate,)), color=True)
    assert "\x1b[31mred" not in text
    assert "\\x1b[31mred" in text
    assert "[bold]rich markup[/bold]" in text


@settings(max_examples=40, deadline=None)
@given(verdicts)
def test_every_verdict_renders_and_ends_with_the_outcome(verdict: Verdict) -> None:
    text = _text(verdict)
    assert "\x1b" not in text
    # The outcome line is last; with long gate names it wraps over several lines.
    last = text.rsplit("\n\nmlgate: ", 1)[1]
    assert last.startswith(f"{verdict.outcome.value} (gates: ")


def test_multi_gate_reports_end_with_one_cause_line_per_gate() -> None:
    from mlgate.reporters.summary import gate_digest

    verdict = realistic_verdict()
    assert len(verdict.gates) > 1
    text = TerminalReporter().render(verdict).decode()
    tail = text.splitlines()[-len(verdict.gates) - 2 : -2]
    assert [line.split(":")[0] for line in tail] == [f"summary {g.name}" for g in verdict.gates]
    for gate in verdict.gates:
        digest = gate_digest(gate)
        assert digest.startswith(f"{gate.name}: {gate.outcome.value}")
        for check in gate.checks:
            for judged in check.blocking():
                assert judged.finding.rule_id in digest or " more" in digest
