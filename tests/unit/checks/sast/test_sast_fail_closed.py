"""Unanalysed input blocks the gate unless waived: any threshold, pull-request mode too."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlgate.cli.app import main
from mlgate.core.baseline import EMPTY_BASELINE, Baseline
from mlgate.core.changes import FAIL_CLOSED, ChangedFile, ChangeSet, merge_spans
from mlgate.core.check import CheckConfig, CheckResult
from mlgate.core.decision import CheckRun, DecisionInputs, decide
from mlgate.core.finding import Finding, Severity, SourceLocation
from mlgate.core.gate import GatePlan, PlannedCheck
from mlgate.core.verdict import Disposition, Mode, Outcome

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent",
}  # fmt: skip
# Python 2 print on line 2: a syntax error on a line the branch never touches.
BROKEN_BASE = "import os\nprint 'legacy'\n\n\ndef harmless():\n    return 1\n"
NEW_INJECTION = (
    "\n\nfrom flask import request\n\n\ndef run():\n    os.system(request.args['cmd'])\n"
)
CLEAN = "def add(a, b):\n    return a + b\n"


def _policy(extra_config: str = "", waivers: str = "") -> str:
    return (
        "version: 1\ngates:\n  pre-merge:\n    fail_on: critical\n    checks:\n"
        f"      sast:\n        paths: [app]\n{extra_config}{waivers}"
    )


def _waiver(rule: str, path: str) -> str:
    expires = (date.today() + timedelta(days=30)).isoformat()
    return (
        f"waivers:\n  - rule: {rule}\n    path: {path}\n    reason: generated, reviewed\n"
        f"    owner: appsec\n    expires: {expires}\n"
    )


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=repo, env={**os.environ, **GIT_ENV},
        capture_output=True, text=True, check=True,
    )  # fmt: skip


def _commit(repo: Path) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "change")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """main holds an unparsable legacy module; the branch ``feature`` starts from it."""
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "app" / "legacy.py").write_text(BROKEN_BASE)
    (root / "app" / "util.py").write_text(CLEAN)
    (root / "mlgate.yaml").write_text(_policy())
    _git(root, "init", "-q", "-b", "main")
    _commit(root)
    _git(root, "checkout", "-qb", "feature")
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return root


def _run(repo: Path, *argv: str) -> tuple[int, list[tuple[str, str, str]]]:
    code = main(["run", "--no-progress", "-q", "-f", "json=out.json", *argv])
    verdict: dict[str, Any] = json.loads((repo / "out.json").read_text())
    judged = [
        (f["finding"]["rule_id"], f["finding"]["location"]["path"], f["disposition"])
        for gate in verdict["gates"]
        for check in gate["checks"]
        for f in check["findings"]
    ]
    return code, judged


def test_unparsable_file_blocks_under_fail_on_critical(repo: Path) -> None:
    assert _run(repo) == (1, [("SAST000", "app/legacy.py", "blocking")])


def test_waiver_is_the_only_way_through(repo: Path) -> None:
    (repo / "mlgate.yaml").write_text(_policy(waivers=_waiver("SAST000", "app/legacy.py")))
    assert _run(repo) == (0, [("SAST000", "app/legacy.py", "waived")])


def test_baseline_does_not_accept_unanalysed_input(repo: Path) -> None:
    assert main(["baseline", "--no-progress", "-o", "baseline.json"]) == 0
    assert "SAST000" in (repo / "baseline.json").read_text()
    code, judged = _run(repo, "--baseline", "baseline.json")
    assert (code, judged) == (1, [("SAST000", "app/legacy.py", "blocking")])


def test_pull_request_mode_keeps_a_parse_error_on_an_unchanged_line(repo: Path) -> None:
    # The branch appends an injection to the unparsable file: the flaw itself is
    # invisible, and the syntax error is on a line the branch did not change.
    with (repo / "app" / "legacy.py").open("a") as handle:
        handle.write(NEW_INJECTION)
    _commit(repo)
    code, judged = _run(repo, "--changed-since", "main")
    assert (code, judged) == (1, [("SAST000", "app/legacy.py", "blocking")])


def test_pull_request_mode_keeps_a_parse_error_in_an_unchanged_file(repo: Path) -> None:
    (repo / "app" / "util.py").write_text(CLEAN + "\n\nX = 1\n")
    _commit(repo)
    assert _run(repo, "--changed-since", "main")[0] == 1


def test_oversized_file_blocks_in_pull_request_mode(repo: Path) -> None:
    (repo / "app" / "legacy.py").write_text(CLEAN)
    (repo / "app" / "big.py").write_text("import os\n" + "x = 1\n" * 50)
    _commit(repo)
    (repo / "mlgate.yaml").write_text(_policy("        max_file_bytes: 200\n"))
    code, judged = _run(repo, "--changed-since", "main")
    assert (code, judged) == (1, [("SAST002", "app/big.py", "blocking")])
    waived = _policy("        max_file_bytes: 200\n", _waiver("SAST002", "app/big.py"))
    (repo / "mlgate.yaml").write_text(waived)
    assert _run(repo, "--changed-since", "main") == (0, [("SAST002", "app/big.py", "waived")])


@given(
    severity=st.sampled_from(list(Severity)),
    fail_on=st.sampled_from(list(Severity)),
    changed=st.lists(st.tuples(st.integers(1, 50), st.integers(0, 5)), max_size=3),
    in_baseline=st.booleans(),
)
def test_decision_never_drops_a_fail_closed_finding(
    severity: Severity, fail_on: Severity, changed: list[tuple[int, int]], in_baseline: bool
) -> None:
    gap = Finding(
        rule_id="SAST000", severity=severity, message="cannot parse",
        location=SourceLocation(path="app/legacy.py", start_line=100),
        fingerprint="fp-gap", tags=("sast", FAIL_CLOSED),
    )  # fmt: skip
    spans = merge_spans([(start, start + length) for start, length in changed])
    changes = ChangeSet(
        since="main", base="0" * 40, files=(ChangedFile(path="app/legacy.py", spans=spans),)
    )
    check = PlannedCheck(check_id="sast", target="x:y", config=CheckConfig())
    plan = GatePlan(name="g", mode=Mode.ENFORCE, fail_on=fail_on, checks=(check,))
    run = CheckRun(check_id="sast", result=CheckResult(findings=(gap,), inputs=1))
    baseline = Baseline(fingerprints=frozenset({"fp-gap"})) if in_baseline else EMPTY_BASELINE
    inputs = DecisionInputs(today=date(2026, 1, 1), changes=changes, baseline=baseline)
    verdict = decide(plan, [run], inputs)
    assert verdict.outcome is Outcome.BLOCK
    assert verdict.checks[0].findings[0].disposition is Disposition.BLOCKING
