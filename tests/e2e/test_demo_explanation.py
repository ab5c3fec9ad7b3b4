"""The closing words of `make demo` come from the verdict, whatever it holds."""

from __future__ import annotations

from run_demo import explain

from builders.verdicts import realistic_verdict, warn_mode_verdict


def test_errors_findings_and_metric_families_are_explained() -> None:
    assert explain(realistic_verdict()) == [
        "pre-merge: error",
        "  - ERROR in secrets: timed out after 600 s",
        "  - PY001 sql-injection (app/db.py:42): SQL query built from request data reaches "
        "cursor.execute",
        "post-train: block",
        "  - ART001 pickle-global-os-system (models/model.pkl!archive/data.pkl@120): GLOBAL "
        "os.system",
        "  - auc, 1 failing metric: auc = 0.81; must be >= 0.85 (compared at the CI's high end, "
        "0.83)",
    ]


def test_a_warn_mode_gate_says_it_passed_and_what_would_block() -> None:
    lines = explain(warn_mode_verdict())
    assert lines[0] == "pre-merge: pass (warn mode: would block)"
    assert lines[1].startswith("  - PY001 sql-injection (app/db.py:42): ")
