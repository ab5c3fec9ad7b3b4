"""``--summary``: the compact view on screen, the full terminal report in a file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from builders.cli import Completed
from builders.verdicts import post_train_gate, realistic_verdict
from mlgate.reporters.json import JsonReporter

FULL_REPORT_ONLY = "or waive it (paste into mlgate.yaml"


def _blocked_verdict(project: Path) -> Path:
    verdict = replace(realistic_verdict(), gates=(post_train_gate(),))
    path = project / "verdict.json"
    path.write_bytes(JsonReporter().render(verdict))
    return path


def test_summary_prints_causes_then_paths_and_writes_the_full_report(
    project: Path, cli: Callable[..., Completed]
) -> None:
    _blocked_verdict(project)
    done = cli("report", "verdict.json", "--summary", "-f", "json")
    assert done.code == 1, done.err
    lines = done.out.splitlines()
    header = lines.index("gate post-train: block  (2 checks, 1 blocking finding, 1 failing metric)")
    assert lines[header + 1].startswith("  BLOCK ART001 pickle-global-os-system: 1 critical at")
    assert lines[header + 2] == (
        "  FAIL  auc = 0.81; must be >= 0.85 (compared at the CI's high end, 0.83)"
    )
    # Standard output is a pipe here: plain text, and the report paths come last.
    assert "\x1b" not in done.out
    assert FULL_REPORT_ONLY not in done.out
    assert lines[-2:] == [
        "mlgate: wrote json report: mlgate-reports/mlgate-verdict.json",
        "mlgate: wrote terminal report: mlgate-reports/mlgate.txt",
    ]
    full = (project / "mlgate-reports" / "mlgate.txt").read_text()
    assert FULL_REPORT_ONLY in full and "\x1b" not in full
    assert (project / "mlgate-reports" / "mlgate-verdict.json").is_file()


def test_without_summary_the_full_report_is_printed_and_no_file_added(
    project: Path, cli: Callable[..., Completed]
) -> None:
    _blocked_verdict(project)
    done = cli("report", "verdict.json")
    assert done.code == 1
    assert FULL_REPORT_ONLY in done.out
    assert not (project / "mlgate-reports").exists()


def test_summary_respects_an_explicit_terminal_target_and_quiet(
    project: Path, cli: Callable[..., Completed]
) -> None:
    _blocked_verdict(project)
    done = cli("report", "verdict.json", "--summary", "-q", "-f", "terminal=full.txt")
    assert done.code == 1
    assert done.out.splitlines() == ["mlgate: wrote terminal report: full.txt"]
    assert FULL_REPORT_ONLY in (project / "full.txt").read_text()
    assert not (project / "mlgate-reports").exists()
