"""The ``sarif`` check in its own process, through the real runner and the JSON pipe."""

from __future__ import annotations

from pathlib import Path

from builders.sarif import Hit, codeql_run, gitleaks_run, sarif_log, write_sarif
from mlgate.checks.sarif import SarifConfig
from mlgate.core.finding import Severity, SourceLocation
from mlgate.core.gate import PlannedCheck
from mlgate.core.runner import ExecutionOptions, Task, execute

TARGET = "mlgate.checks.sarif:SarifCheck"


def test_runs_in_its_own_process_and_round_trips_findings_and_rules(tmp_path: Path) -> None:
    hits = [Hit(rule="py/sql-injection", path="app/db.py", line=12, message="Query.")]
    write_sarif(tmp_path, "codeql.sarif", sarif_log(codeql_run(hits)))
    (tmp_path / "broken.sarif").write_text("{")
    check = PlannedCheck(check_id="sarif", target=TARGET, config=SarifConfig())
    options = ExecutionOptions(root=str(tmp_path), today="2026-01-01", jobs=1)
    (run,) = execute([Task(gate="pre-merge", check=check)], options)
    result = run.result
    (finding,) = result.findings
    assert (finding.rule_id, finding.severity, finding.cwe) == (
        "CodeQL/py/sql-injection",
        Severity.HIGH,
        (89,),
    )
    assert finding.location == SourceLocation(path="app/db.py", start_line=12, start_column=1)
    assert len(finding.flow) == 2
    assert [rule.id for rule in result.rules] == ["CodeQL/py/sql-injection"]
    assert result.inputs == 1
    assert len(result.errors) == 1 and result.errors[0].startswith("broken.sarif: not valid JSON")


def test_repeated_identical_results_are_numbered_by_the_runner(tmp_path: Path) -> None:
    hit = Hit(rule="generic-api-key", path="a.py", line=1)
    write_sarif(tmp_path, "leaks.sarif", sarif_log(gitleaks_run([hit, hit])))
    check = PlannedCheck(check_id="sarif", target=TARGET, config=SarifConfig())
    options = ExecutionOptions(root=str(tmp_path), today="2026-01-01", jobs=1)
    (run,) = execute([Task(gate="g", check=check)], options)
    first, second = (f.fingerprint for f in run.result.findings)
    assert second == f"{first}:2"
