from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from rich.cells import cell_len

from builders.verdicts import (
    HOSTILE,
    finding,
    many_findings_verdict,
    passing_verdict,
    pre_merge_gate,
    realistic_verdict,
    source,
    verdicts,
    warn_mode_verdict,
)
from mlgate.core.finding import Severity
from mlgate.core.verdict import (
    CheckVerdict,
    Disposition,
    GateVerdict,
    JudgedFinding,
    Mode,
    Outcome,
    Verdict,
)
from mlgate.reporters.compact import CauseKind, CompactReporter, gate_causes, keep_end


def _text(verdict: Verdict, *, color: bool = False, width: int = 100) -> str:
    return CompactReporter(color=color, width=width).render(verdict).decode("utf-8")


def _one_finding_verdict(rule_id: str, path: str, message: str) -> Verdict:
    judged = JudgedFinding(
        finding=finding(rule_id, Severity.HIGH, source(path, 42), "a" * 32, message),
        disposition=Disposition.BLOCKING,
    )
    check = CheckVerdict(
        check_id="sast", outcome=Outcome.BLOCK, duration_seconds=1.0, findings=(judged,), inputs=1
    )
    gate = replace(pre_merge_gate(), outcome=Outcome.BLOCK, checks=(check,), waivers_expired=())
    return replace(realistic_verdict(), gates=(gate,))


def test_block_and_error_gate_lists_errors_first_then_findings_then_metrics() -> None:
    lines = _text(realistic_verdict()).splitlines()
    pre_merge = lines.index("gate pre-merge: error  (2 checks, 1 blocking finding, 1 error)")
    assert lines[pre_merge + 1] == "  ERROR secrets: timed out after 600 s"
    assert lines[pre_merge + 2].startswith(
        "  BLOCK PY001 sql-injection: 1 critical at app/db.py:42 - SQL query built from request"
    )
    assert "  waiver EXPIRED: #1 PY003 ended 2024-01-31 and no longer applies" in lines
    post_train = lines.index(
        "gate post-train: block  (2 checks, 1 blocking finding, 1 failing metric)"
    )
    assert lines[post_train + 1].startswith(
        "  BLOCK ART001 pickle-global-os-system: 1 critical at "
        "models/model.pkl!archive/data.pkl@120"
    )
    assert (
        lines[post_train + 2]
        == "  FAIL  auc = 0.81; must be >= 0.85 (compared at the CI's high end, 0.83)"
    )
    assert lines[-1] == "mlgate: error (gates: pre-merge=error, post-train=block)"


def test_pass_verdict_has_no_cause_lines() -> None:
    lines = _text(passing_verdict()).splitlines()
    assert "gate pre-merge: pass  (1 check)" in lines
    assert not any(line.lstrip().startswith(("BLOCK", "FAIL", "ERROR")) for line in lines)
    assert lines[-1] == "mlgate: pass (gates: pre-merge=pass)"


def test_warn_mode_names_what_would_block_without_blocking() -> None:
    lines = _text(warn_mode_verdict()).splitlines()
    assert "gate pre-merge: pass (warn mode: would block)  (1 check, 1 blocking finding)" in lines
    assert any(
        line.startswith("  WARN  PY001 sql-injection: 1 critical at app/db.py:42") for line in lines
    )
    assert not any(line.startswith("  BLOCK") for line in lines)


def test_gate_that_could_not_plan_its_checks_is_an_error_line() -> None:
    gate = GateVerdict(
        name="post-train",
        mode=Mode.ENFORCE,
        fail_on="high",
        outcome=Outcome.ERROR,
        would_block=False,
        checks=(),
        reasons=("check 'model' is not installed (pip install 'mlgate[model]')",),
    )
    verdict = replace(passing_verdict(), gates=(gate,))
    lines = _text(verdict).splitlines()
    assert "gate post-train: error  (0 checks)" in lines
    assert (
        "  ERROR post-train: check 'model' is not installed (pip install 'mlgate[model]')" in lines
    )
    assert lines[-1] == "mlgate: error (gates: post-train=error)"


def test_an_empty_scan_is_named_as_an_error() -> None:
    check = CheckVerdict(check_id="sarif", outcome=Outcome.ERROR, duration_seconds=0.1)
    gate = replace(pre_merge_gate(), checks=(check,), waivers_expired=())
    (cause,) = gate_causes(gate)
    assert cause.kind is CauseKind.ERROR
    assert cause.detail == "no supported inputs were found, so nothing was verified"


def test_findings_of_one_rule_are_one_line_with_count_and_worst_place() -> None:
    text = _text(many_findings_verdict(25))
    assert "  BLOCK PY001: 25 high, worst at app/m0.py:1 - finding" in text.splitlines()
    (cause,) = gate_causes(many_findings_verdict(25).gates[0])
    assert (cause.kind, cause.count, cause.severity) == (CauseKind.FINDING, 25, Severity.HIGH)


def test_most_severe_rule_comes_first_and_its_worst_finding_is_shown() -> None:
    low_first = [
        JudgedFinding(
            finding=finding("R2", Severity.HIGH, source("b.py", 1), "1" * 32, "high one"),
            disposition=Disposition.BLOCKING,
        ),
        JudgedFinding(
            finding=finding("R1", Severity.HIGH, source("z.py", 9), "2" * 32, "r1 high"),
            disposition=Disposition.BLOCKING,
        ),
        JudgedFinding(
            finding=finding("R1", Severity.CRITICAL, source("y.py", 5), "3" * 32, "r1 critical"),
            disposition=Disposition.BLOCKING,
        ),
    ]
    check = CheckVerdict(
        check_id="sast", outcome=Outcome.BLOCK, duration_seconds=1.0, findings=tuple(low_first)
    )
    causes = gate_causes(replace(pre_merge_gate(), checks=(check,)))
    assert [(c.name, c.count, c.where, c.detail) for c in causes] == [
        ("R1", 2, "y.py:5", "r1 critical"),
        ("R2", 1, "b.py:1", "high one"),
    ]


def test_long_names_and_paths_keep_their_ends_within_the_width() -> None:
    rule_id = "Semgrep-OSS/" + "python.flask.security." * 20 + "tainted-sql"
    path = "src/" + "very/deep/package/" * 20 + "handler.py"
    message = "word " * 200
    for width in (100, 60):
        lines = _text(_one_finding_verdict(rule_id, path, message), width=width).splitlines()
        (line,) = [line for line in lines if line.startswith("  BLOCK")]
        assert ".tainted-sql: 1 high at …" in line
        assert all(cell_len(each) <= width for each in lines)
    narrow = _text(_one_finding_verdict(rule_id, path, message), width=60).splitlines()
    # On a narrow console both ends still show: which rule, which file and line.
    assert any("/handler.py:42" in line for line in narrow)
    wide = _text(_one_finding_verdict(rule_id, path, message), width=200).splitlines()
    (line,) = [line for line in wide if line.startswith("  BLOCK")]
    assert "/handler.py:42 - word word" in line and line.endswith("…")
    assert keep_end("abcdef", 4) == "…def" and keep_end("abc", 4) == "abc"


def test_hostile_strings_are_escaped_and_never_style_the_terminal() -> None:
    verdict = _one_finding_verdict(
        "\x1b[31mRULE\x1b[0m", "app/\x1b]0;title\x07x.py", "[bold]rich markup[/bold] \x00\x85 done"
    )
    text = _text(verdict, width=200)
    assert "\x1b" not in text and "\x07" not in text and "\x00" not in text
    line = next(line for line in text.splitlines() if line.startswith("  BLOCK"))
    assert line == (
        "  BLOCK \\x1b[31mRULE\\x1b[0m: 1 high at app/\\x1b]0;title\\x07x.py:42 - "
        "[bold]rich markup[/bold] \\x00\\x85 done"
    )
    coloured = _text(verdict, color=True, width=200)
    # The only escapes are mlgate's own styles; the planted ones arrive as visible text.
    assert "\x1b[31mRULE" not in coloured and "\\x1b[31mRULE" in coloured


def test_hostile_messages_from_the_shared_corpus_stay_on_one_line() -> None:
    for index, hostile in enumerate(HOSTILE):
        verdict = _one_finding_verdict(f"R{index}", "a.py", hostile)
        lines = _text(verdict, width=400).splitlines()
        blocks = [line for line in lines if line.startswith("  BLOCK")]
        assert len(blocks) == 1, hostile


def test_no_ansi_without_colour_and_ansi_with_it() -> None:
    plain = _text(realistic_verdict())
    assert "\x1b" not in plain
    assert all(line == line.rstrip() for line in plain.splitlines())
    assert "\x1b[" in _text(realistic_verdict(), color=True)


@settings(max_examples=30, deadline=None)
@given(verdicts)
def test_any_verdict_renders_plain_lines_within_the_width(verdict: Verdict) -> None:
    text = _text(verdict, width=80)
    assert "\x1b" not in text
    lines = text.splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    for gate in verdict.gates:
        causes = gate_causes(gate)
        kinds = [c.kind for c in causes]
        assert kinds == sorted(
            kinds, key=[CauseKind.ERROR, CauseKind.FINDING, CauseKind.METRIC].index
        )
        blocking = sum(len(c.blocking()) for c in gate.checks)
        assert sum(c.count for c in causes if c.kind is CauseKind.FINDING) == blocking
