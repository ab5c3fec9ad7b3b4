from __future__ import annotations

import json
import time
from pathlib import Path

from mlgate.core.check import CheckConfig
from mlgate.core.decision import DecisionInputs
from mlgate.core.gate import GatePlan, PlannedCheck
from mlgate.core.runner import ExecutionOptions, Task, execute, run_gates
from mlgate.core.verdict import Outcome

TESTCHECKS = "mlgate_testchecks"


def planned(check_id: str, target: str, **config: object) -> PlannedCheck:
    return PlannedCheck(check_id=check_id, target=target, config=CheckConfig.model_validate(config))


def options(root: Path, jobs: int = 2) -> ExecutionOptions:
    return ExecutionOptions(root=str(root), today="2026-11-26", jobs=jobs)


def only_error(root: Path, check: PlannedCheck) -> str:
    (run,) = execute([Task(gate="g", check=check)], options(root))
    assert run.result.findings == ()
    (message,) = run.result.errors
    return message


def test_crash_becomes_an_error_with_its_cause(tmp_path: Path) -> None:
    check = planned("crash", f"{TESTCHECKS}.misbehaving:CrashCheck")
    message = only_error(tmp_path, check)
    assert message.startswith("crashed: RuntimeError: boom on purpose (at ")
    assert "misbehaving.py" in message


def test_hang_is_stopped_at_its_timeout(tmp_path: Path) -> None:
    check = planned("hang", f"{TESTCHECKS}.misbehaving:HangCheck", timeout=0.5)
    started = time.monotonic()
    assert only_error(tmp_path, check) == "timed out after 0.5 s and was stopped"
    assert time.monotonic() - started < 10


def test_memory_budget_is_enforced(tmp_path: Path) -> None:
    check = planned("memhog", f"{TESTCHECKS}.misbehaving:MemoryHogCheck", memory_mb=300)
    assert only_error(tmp_path, check) == "ran out of its memory budget (300 MiB)"


def test_process_that_dies_silently(tmp_path: Path) -> None:
    check = planned("exitearly", f"{TESTCHECKS}.misbehaving:ExitCheck")
    assert only_error(tmp_path, check) == "its process exited with code 7 and no result"


def test_unimportable_target(tmp_path: Path) -> None:
    message = only_error(tmp_path, planned("x", f"{TESTCHECKS}.absent:Nothing"))
    assert message.startswith("crashed: ModuleNotFoundError")


def test_load_error_is_reported_without_starting_a_process(tmp_path: Path) -> None:
    check = PlannedCheck(check_id="x", target="", config=CheckConfig(), load_error="broken")
    assert only_error(tmp_path, check) == "could not be loaded: broken"


def test_other_checks_still_run_and_results_keep_task_order(tmp_path: Path) -> None:
    (tmp_path / "a.findings.json").write_text(
        json.dumps(
            {"findings": [{"path": "app.py", "line": 4, "severity": "high", "message": "sqli"}]}
        )
    )
    good = planned(
        "findings", f"{TESTCHECKS}.declared:DeclaredFindingsCheck", include=["*.findings.json"]
    )
    hang = planned("hang", f"{TESTCHECKS}.misbehaving:HangCheck", timeout=0.5)
    crash = planned("crash", f"{TESTCHECKS}.misbehaving:CrashCheck")
    gates = [
        GatePlan(name="broken", checks=(hang, crash)),
        GatePlan(name="fine", checks=(good,)),
    ]
    verdicts = run_gates(
        gates,
        DecisionInputs(today=__import__("datetime").date(2026, 11, 26)),
        options(tmp_path, jobs=1),
    )
    assert [v.outcome for v in verdicts] == [Outcome.ERROR, Outcome.BLOCK]
    (fine_check,) = verdicts[1].checks
    (judged,) = fine_check.findings
    assert judged.finding.location.path == "app.py" and judged.finding.severity.label == "high"
    assert [r.id for r in fine_check.rules] == ["DECL001"]
    assert [c.check_id for c in verdicts[0].checks] == ["hang", "crash"]
