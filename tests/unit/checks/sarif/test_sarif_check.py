"""The ``sarif`` check end to end in-process: exact findings, config, errors, fingerprints."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from builders.sarif import (
    BANDIT_RULES,
    Hit,
    bandit_run,
    codeql_run,
    fake_aws_key,
    gitleaks_run,
    sarif_log,
    semgrep_run,
    write_sarif,
    write_source,
)
from mlgate.checks.sarif import SarifCheck, SarifConfig
from mlgate.checks.sarif.check import NOTIFICATION_RULE, SUPPRESSED_METRIC
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.codec import encode
from mlgate.core.finding import Finding, Severity, SourceLocation
from mlgate.core.plugins import check_registry, validate_check


def run_check(root: Path, **settings: Any) -> CheckResult:
    context = CheckContext(root=root, gate="pre-merge", today=date(2026, 1, 1))
    return SarifCheck().run(context, SarifConfig(**settings))


def only(result: CheckResult) -> Finding:
    (finding,) = result.findings
    return finding


def test_codeql_result_becomes_an_exact_finding(tmp_path: Path) -> None:
    hit = Hit(rule="py/sql-injection", path="app/db.py", line=12, column=5, message="Query.")
    write_sarif(tmp_path / "results", "codeql.sarif", sarif_log(codeql_run([hit])))
    result = run_check(tmp_path)
    finding = only(result)
    assert (result.inputs, result.errors, result.skipped) == (1, (), ())
    assert finding.rule_id == "CodeQL/py/sql-injection"
    assert finding.severity is Severity.HIGH
    assert finding.cwe == (89,)
    assert finding.message == "Query. It depends on a user-provided value."
    assert finding.location == SourceLocation(path="app/db.py", start_line=12, start_column=5)
    assert [step.location.start_line for step in finding.flow] == [10, 12]
    assert finding.flow[0].message == "ControlFlowNode for request"
    assert finding.evidence is None
    assert dict(finding.properties) == {
        "tool": "CodeQL",
        "sarif_file": "results/codeql.sarif",
        "tool_rule_id": "py/sql-injection",
        "tool_version": "2.19.3",
    }
    (rule,) = result.rules
    assert (rule.id, rule.slug, rule.severity, rule.cwe) == (
        "CodeQL/py/sql-injection", "py-sql-injection", Severity.HIGH, (89,),
    )  # fmt: skip
    assert rule.summary == "SQL query built from user-controlled sources"
    assert rule.remediation == finding.remediation == "Fix py/sql-injection."


def test_default_selection_reads_sarif_and_sarif_json_only(tmp_path: Path) -> None:
    document = sarif_log(gitleaks_run([Hit(rule="k", path="a.py", line=1)]))
    write_sarif(tmp_path / "a", "one.sarif", document)
    write_sarif(tmp_path / "b", "two.sarif.json", document)
    write_sarif(tmp_path / "c", "three.json", document)
    (tmp_path / "a" / "README.md").write_text("not sarif")
    assert run_check(tmp_path).inputs == 2
    assert run_check(tmp_path, paths=["a"]).inputs == 1


def test_unreadable_files_are_errors_and_the_others_are_still_read(tmp_path: Path) -> None:
    good = sarif_log(gitleaks_run([Hit(rule="k", path="a.py", line=1)]))
    write_sarif(tmp_path, "good.sarif", good)
    (tmp_path / "broken.sarif").write_text('{"version": "2.1.0", "runs": [')
    write_sarif(tmp_path, "old.sarif", {"version": "2.0.0", "runs": []})
    write_sarif(tmp_path, "null.sarif", {"version": "2.1.0", "runs": None})
    (tmp_path / "deep.sarif").write_text("[" * 10_000 + "]" * 10_000)
    (tmp_path / "huge.sarif").write_bytes(b" " * 200_000)
    result = run_check(tmp_path, max_file_mb=0.1)
    assert result.inputs == 1
    assert len(result.findings) == 1
    assert sorted(error.split(":")[0] for error in result.errors) == [
        "broken.sarif", "deep.sarif", "huge.sarif", "null.sarif", "old.sarif",
    ]  # fmt: skip
    assert any("unsupported SARIF version '2.0.0'" in e for e in result.errors)


def test_tools_filter_keeps_named_drivers_and_reports_the_rest(tmp_path: Path) -> None:
    bandit = bandit_run([Hit(rule="B608", path="q.py", line=2, level="warning")],
                        BANDIT_RULES, tmp_path)  # fmt: skip
    leaks = gitleaks_run([Hit(rule="k", path="a.py", line=1)])
    write_sarif(tmp_path, "both.sarif", sarif_log(bandit, leaks))
    write_sarif(tmp_path, "leaks.sarif", sarif_log(leaks))
    result = run_check(tmp_path, tools=["BANDIT"])
    assert [f.rule_id for f in result.findings] == ["Bandit/B608"]
    assert result.inputs == 1
    assert {(s.path, s.reason) for s in result.skipped} == {
        ("both.sarif", "tool(s) gitleaks not in the check's `tools`"),
        ("leaks.sarif", "tool(s) gitleaks not in the check's `tools`"),
    }


def _semgrep_with_suppression(root: Path) -> None:
    rules = BANDIT_RULES[:1]
    hits = [Hit(rule="B608", path="q.py", line=2), Hit(rule="B608", path="q.py", line=9,
                                                      suppressed=True)]  # fmt: skip
    write_sarif(root, "semgrep.sarif", sarif_log(semgrep_run(hits, rules)))


def test_suppressed_results_are_dropped_and_counted(tmp_path: Path) -> None:
    _semgrep_with_suppression(tmp_path)
    result = run_check(tmp_path)
    assert [f.location for f in result.findings] == [
        SourceLocation(path="q.py", start_line=2, start_column=1, end_line=2, end_column=21)
    ]
    (metric,) = result.metrics
    assert (metric.name, metric.value, metric.threshold) == (SUPPRESSED_METRIC, 1.0, None)


def test_include_suppressed_reports_them_marked(tmp_path: Path) -> None:
    _semgrep_with_suppression(tmp_path)
    result = run_check(tmp_path, include_suppressed=True)
    assert [("suppressed", "true") in f.properties for f in result.findings] == [False, True]
    assert result.metrics == ()


@pytest.mark.parametrize("name", ["Semgrep OSS", "semgrep-oss", "SEMGREP  OSS"])
def test_tool_names_with_blanks_give_dash_rule_ids_and_filter_either_way(
    tmp_path: Path, name: str
) -> None:
    _semgrep_with_suppression(tmp_path)
    result = run_check(tmp_path, tools=[name])
    assert [f.rule_id for f in result.findings] == ["Semgrep-OSS/B608"]
    assert dict(result.findings[0].properties)["tool"] == "Semgrep OSS"


def test_an_empty_scan_has_no_metric_so_the_gate_sees_it_empty(tmp_path: Path) -> None:
    result = run_check(tmp_path)
    assert (result.inputs, result.findings, result.metrics) == (0, (), ())


def test_snippets_are_off_by_default_and_redacted_when_on(tmp_path: Path) -> None:
    secret = fake_aws_key(42)
    hit = Hit(rule="aws-access-token", path="settings.py", line=3, snippet=f'KEY = "{secret}"')
    write_sarif(tmp_path, "gitleaks.sarif", sarif_log(gitleaks_run([hit])))
    assert only(run_check(tmp_path)).evidence is None
    result = run_check(tmp_path, include_snippets=True)
    finding = only(result)
    assert finding.evidence == 'KEY = "***"'
    assert isinstance(finding.location, SourceLocation)
    assert finding.location.snippet == finding.evidence
    assert secret not in json.dumps(encode(result))


def test_severity_overrides_apply_to_findings_and_rules(tmp_path: Path) -> None:
    write_sarif(tmp_path, "g.sarif", sarif_log(gitleaks_run([Hit(rule="k", path="a", line=1)])))
    result = run_check(tmp_path, severity_overrides={"gitleaks/*": "critical"})
    assert only(result).severity is Severity.CRITICAL
    assert result.rules[0].severity is Severity.CRITICAL


def test_config_schema(tmp_path: Path) -> None:
    config = SarifConfig()
    assert config.paths == ["**/*.sarif", "**/*.sarif.json"]
    assert config.include == ["*.sarif", "*.sarif.json"]
    assert (config.tools, config.include_suppressed, config.max_file_mb) == (None, False, 256)
    with pytest.raises(ValidationError):
        SarifConfig(severity_overrides={"x": "severe"})
    with pytest.raises(ValidationError):
        SarifConfig.model_validate({"unknown": 1})
    with pytest.raises(ValidationError):
        SarifConfig(max_file_mb=0)


def test_the_check_is_registered_through_its_entry_point() -> None:
    assert validate_check("sarif", SarifCheck) is SarifCheck
    assert check_registry().load("sarif") is SarifCheck
    assert SarifCheck.rules == (NOTIFICATION_RULE,)


# --- fingerprints survive line shifts ----------------------------------------------------


def _fingerprint_at(root: Path, document: dict[str, Any]) -> str:
    write_sarif(root, "scan.sarif", document)
    return only(run_check(root)).fingerprint


def test_tool_fingerprints_ignore_the_line(tmp_path: Path) -> None:
    def at(line: int) -> str:
        hit = Hit(rule="py/sql-injection", path="app/db.py", line=line, message="Same.")
        return _fingerprint_at(tmp_path, sarif_log(codeql_run([hit])))

    assert at(12) == at(40)


def test_without_tool_fingerprints_the_flagged_line_content_is_hashed(tmp_path: Path) -> None:
    rules = BANDIT_RULES

    def at(line: int, lines: list[str]) -> str:
        write_source(tmp_path, "svc/q.py", lines)
        hit = Hit(rule="B608", path="svc/q.py", line=line, level="warning")
        return _fingerprint_at(tmp_path, sarif_log(bandit_run([hit], rules, tmp_path)))

    code = ["import db", "", "db.run('SELECT ' + name)"]
    original = at(3, code)
    assert at(8, ["# comment"] * 5 + code) == original
    assert at(3, [*code[:2], "db.run('SELECT ' + other)"]) != original


def test_without_fingerprint_or_readable_source_the_message_is_hashed(tmp_path: Path) -> None:
    def at(line: int) -> str:
        hit = Hit(rule="B608", path="gone.py", line=line, level="warning", message="m")
        return _fingerprint_at(tmp_path, sarif_log(bandit_run([hit], BANDIT_RULES, tmp_path)))

    assert at(3) == at(30)


# --- tool health -------------------------------------------------------------------------


def _run_with_invocation(invocation: dict[str, Any]) -> dict[str, Any]:
    run = gitleaks_run([Hit(rule="k", path="a.py", line=1)])
    return sarif_log({**run, "invocations": [invocation]})


def test_failed_execution_is_an_error_but_its_findings_still_count(tmp_path: Path) -> None:
    write_sarif(tmp_path, "s.sarif", _run_with_invocation({"executionSuccessful": False}))
    result = run_check(tmp_path)
    assert result.errors == (
        "s.sarif: gitleaks reported executionSuccessful=false, so its results are incomplete",
    )
    assert len(result.findings) == 1


def test_error_notifications_become_sarif001_findings(tmp_path: Path) -> None:
    notification = {
        "level": "error",
        "message": {"text": "Syntax error"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "bad.py"},
                                            "region": {"startLine": 4}}}],
    }  # fmt: skip
    invocation = {"executionSuccessful": True, "toolExecutionNotifications": [notification]}
    write_sarif(tmp_path, "s.sarif", _run_with_invocation(invocation))
    result = run_check(tmp_path)
    assert result.errors == ()
    (health,) = [f for f in result.findings if f.rule_id == "SARIF001"]
    assert (health.severity, health.message) == (
        Severity.MEDIUM, "gitleaks reported an error: Syntax error",
    )  # fmt: skip
    assert health.location == SourceLocation(path="bad.py", start_line=4)


def test_a_result_without_location_points_at_the_sarif_file(tmp_path: Path) -> None:
    run = {"tool": {"driver": {"name": "T"}}, "results": [{"ruleId": "R", "message": {}}]}
    write_sarif(tmp_path / "out", "t.sarif", sarif_log(run))
    finding = only(run_check(tmp_path))
    assert (finding.rule_id, finding.message) == ("T/R", "R reported")
    assert finding.location == SourceLocation(path="out/t.sarif")


def test_cyclic_looking_references_resolve_without_looping(tmp_path: Path) -> None:
    rules = [
        {
            "id": "A",
            "relationships": [{"target": {"id": "A", "index": 0, "toolComponent": {"index": 0}}}],
        }
    ]
    result_json = {
        "ruleId": "A",
        "ruleIndex": 0,
        "rule": {"id": "A", "index": 0, "toolComponent": {"index": 0}},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "x.py", "uriBaseId": "A", "index": 0}
                }
            }
        ],
        "message": {"text": "{0}", "arguments": ["{0}"]},
    }
    run = {"tool": {"driver": {"name": "T", "rules": rules},
                    "extensions": [{"name": "T", "rules": rules}]},
           "originalUriBaseIds": {"A": {"uri": "a/", "uriBaseId": "A"}},
           "artifacts": [{"location": {"uri": "x.py", "uriBaseId": "A", "index": 0}}],
           "results": [result_json]}  # fmt: skip
    write_sarif(tmp_path, "t.sarif", sarif_log(run))
    finding = only(run_check(tmp_path))
    assert (finding.rule_id, finding.message, finding.location.path) == ("T/A", "{0}", "x.py")
