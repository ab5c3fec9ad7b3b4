"""End-to-end gate scenarios through the real console script and in-process main()."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from builders.cli import Completed, declare, sqli
from mlgate.core.verdict import Disposition, Outcome, Verdict
from mlgate.reporters.json import load_verdict

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
ALL_FORMATS = ("json", "sarif", "junit", "markdown", "html", "github", "terminal")


def policy(project: Path, *, mode: str = "enforce", checks: str = "", extra: str = "") -> Path:
    checks = checks or "      findings:\n        paths: [declared]\n"
    text = (
        "version: 1\ngates:\n  pre-merge:\n"
        f"    mode: {mode}\n    fail_on: high\n    checks:\n{checks}{extra}"
    )
    (project / "declared").mkdir(exist_ok=True)
    path = project / "mlgate.yaml"
    path.write_text(text)
    return path


def waiver(expires: date) -> str:
    return (
        "waivers:\n  - rule: DECL001\n    path: app.py\n    reason: accepted for the demo\n"
        f"    owner: appsec\n    expires: {expires.isoformat()}\n"
    )


def verdict_of(path: Path) -> Verdict:
    return load_verdict(path.read_bytes())


def run_json(cli: Callable[..., Completed], project: Path, *argv: str) -> tuple[Completed, Verdict]:
    done = cli("run", "--no-progress", *argv, "-f", f"json={project / 'out.json'}")
    return done, verdict_of(project / "out.json")


def test_pass_with_only_low_findings(project: Path, cli: Callable[..., Completed]) -> None:
    policy(project)
    declare(project / "declared", sqli(severity="low"))
    done, verdict = run_json(cli, project)
    assert done.code == 0 and verdict.outcome is Outcome.PASS
    (judged,) = verdict.gates[0].checks[0].findings
    assert judged.disposition is Disposition.BELOW_THRESHOLD


def test_block_explains_rule_place_and_waiver(project: Path, cli: Callable[..., Completed]) -> None:
    policy(project)
    declare(project / "declared", sqli())
    done = cli("run", "--no-progress")
    assert done.code == 1
    assert "DECL001" in done.out and "app.py:4" in done.out
    assert "waiver" in done.out.lower()


def test_warn_mode_passes_and_says_it_would_block(
    project: Path, cli: Callable[..., Completed]
) -> None:
    policy(project, mode="warn")
    declare(project / "declared", sqli())
    done, verdict = run_json(cli, project)
    assert done.code == 0
    gate = verdict.gates[0]
    assert gate.outcome is Outcome.PASS and gate.would_block
    assert gate.reasons == ("findings: DECL001 (high) at app.py:4: SQL built at app.py",)


def test_active_waiver_applies_and_is_listed(project: Path, cli: Callable[..., Completed]) -> None:
    policy(project, extra=waiver(date.today() + timedelta(days=30)))
    declare(project / "declared", sqli())
    done, verdict = run_json(cli, project)
    assert done.code == 0
    gate = verdict.gates[0]
    assert [w.owner for w in gate.waivers_applied] == ["appsec"]
    assert gate.checks[0].findings[0].disposition is Disposition.WAIVED


def test_expired_waiver_no_longer_applies(project: Path, cli: Callable[..., Completed]) -> None:
    policy(project, extra=waiver(date.today() - timedelta(days=1)))
    declare(project / "declared", sqli())
    done, verdict = run_json(cli, project)
    assert done.code == 1
    gate = verdict.gates[0]
    assert gate.waivers_applied == () and len(gate.waivers_expired) == 1
    assert gate.checks[0].findings[0].expired_waiver is not None
    assert "expired" in done.out.lower()


def test_baseline_blocks_only_new_findings(project: Path, cli: Callable[..., Completed]) -> None:
    policy(project, extra="baseline: mlgate-baseline.json\n")
    declare(project / "declared", sqli(path="old.py"))
    assert cli("baseline", "--no-progress").code == 0
    assert cli("run", "--no-progress", "-q").code == 0  # the old finding is accepted debt
    declare(project / "declared", sqli(path="old.py"), sqli(path="new.py"))
    done, verdict = run_json(cli, project)
    assert done.code == 1
    judged = {j.finding.location.path: j.disposition for j in verdict.gates[0].checks[0].findings}
    assert judged == {"old.py": Disposition.BASELINED, "new.py": Disposition.BLOCKING}


def test_missing_baseline_file_is_bad_input(project: Path, cli: Callable[..., Completed]) -> None:
    policy(project, extra="baseline: absent.json\n")
    declare(project / "declared", sqli())
    done = cli("run", "--no-progress")
    assert done.code == 2 and "baseline file not found" in done.err


def test_malformed_policy_is_exit_2_with_one_line(
    project: Path, process: Callable[..., Completed]
) -> None:
    path = policy(project)
    path.write_text(path.read_text().replace("fail_on", "fail_onn"))
    done = process("run", cwd=project)
    assert done.code == 2
    assert done.out == ""
    assert done.err.count("\n") == 1
    assert done.err.startswith("mlgate: error: ")
    assert (
        "mlgate.yaml:5: gates.pre-merge.fail_onn: unknown key 'fail_onn' (did you mean 'fail_on'?)"
        in done.err
    )


def test_crashing_check_makes_the_gate_error(
    project: Path, process: Callable[..., Completed]
) -> None:
    checks = "      crash: {}\n      findings:\n        paths: [declared]\n"
    policy(project, checks=checks)
    declare(project / "declared", sqli(severity="low"))
    done = process("run", "--no-progress", "-f", "json=v.json", cwd=project)
    assert done.code == 3
    verdict = verdict_of(project / "v.json")
    crash, findings = verdict.gates[0].checks
    assert crash.outcome is Outcome.ERROR and "RuntimeError: boom on purpose" in crash.errors[0]
    assert findings.outcome is Outcome.PASS  # the other check still ran


def test_hanging_check_is_stopped_at_its_timeout(
    project: Path, process: Callable[..., Completed]
) -> None:
    policy(project, checks="      hang:\n        timeout: 1\n")
    done = process("run", "--no-progress", "-f", "json=v.json", cwd=project)
    assert done.code == 3
    (check,) = verdict_of(project / "v.json").gates[0].checks
    assert check.errors == ("timed out after 1 s and was stopped",)
    assert check.duration_seconds < 10


def test_block_and_error_together_exit_3_and_list_the_block(
    project: Path, cli: Callable[..., Completed]
) -> None:
    checks = "      crash: {}\n      findings:\n        paths: [declared]\n"
    policy(project, checks=checks)
    declare(project / "declared", sqli())
    done, verdict = run_json(cli, project)
    assert done.code == 3
    assert verdict.gates[0].would_block and "DECL001" in done.out


def test_all_formats_at_once_validate(project: Path, process: Callable[..., Completed]) -> None:
    policy(project)
    declare(project / "declared", sqli())
    argv = [arg for fmt in ALL_FORMATS for arg in ("-f", f"{fmt}=reports/{fmt}.out")]
    done = process("run", "--no-progress", *argv, cwd=project)
    assert done.code == 1
    reports = project / "reports"
    for fmt in ALL_FORMATS:
        assert f"wrote {fmt} report: reports/{fmt}.out" in done.out
        assert (reports / f"{fmt}.out").stat().st_size > 0
    sarif = json.loads((reports / "sarif.out").read_text())
    jsonschema.Draft4Validator(json.loads((SCHEMAS / "sarif-2.1.0.json").read_text())).validate(
        sarif
    )
    xmlschema.XMLSchema(str(SCHEMAS / "junit.xsd")).validate(str(reports / "junit.out"))
    assert verdict_of(reports / "json.out").outcome is Outcome.BLOCK
    assert "::error" in (reports / "github.out").read_text()
    assert (reports / "html.out").read_text().lstrip().lower().startswith("<!doctype html>")


def test_policy_report_formats_are_written_to_the_report_directory(
    project: Path, cli: Callable[..., Completed]
) -> None:
    policy(project, extra="reports:\n  directory: out\n  formats: [json, sarif]\n")
    declare(project / "declared", sqli())
    done = cli("run", "--no-progress")
    assert done.code == 1
    written = sorted(p.name for p in (project / "out").iterdir())
    assert len(written) == 2 and any(n.endswith(".json") for n in written)


def test_github_actions_annotations_and_step_summary(
    project: Path, cli: Callable[..., Completed], monkeypatch: pytest.MonkeyPatch
) -> None:
    policy(project)
    declare(project / "declared", sqli())
    summary = project / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    done = cli("run", "--no-progress")
    assert done.code == 1
    assert "::error file=app.py,line=4" in done.out
    assert "DECL001" in summary.read_text()


def test_report_rerenders_and_merges_shards(project: Path, cli: Callable[..., Completed]) -> None:
    policy(project)
    declare(project / "declared", sqli(severity="low"))
    assert cli("run", "--no-progress", "-q", "-f", "json=a.json").code == 0
    declare(project / "declared", sqli())
    assert cli("run", "--no-progress", "-q", "-f", "json=b.json").code == 1
    done = cli("report", "a.json", "b.json", "-f", "json=merged.json", "-f", "sarif=merged.sarif")
    assert done.code == 1
    merged = verdict_of(project / "merged.json")
    assert [g.name for g in merged.gates] == ["pre-merge"]
    assert len(merged.gates[0].checks) == 2


def test_unknown_gate_and_bad_format_are_input_errors(
    project: Path, cli: Callable[..., Completed]
) -> None:
    policy(project)
    declare(project / "declared", sqli())
    unknown = cli("run", "pre-merg")
    assert unknown.code == 2 and "did you mean 'pre-merge'" in unknown.err
    bad = cli("run", "-f", "pdf")
    assert bad.code == 2 and "unknown report format 'pdf'" in bad.err


def test_empty_scan_is_an_error(project: Path, cli: Callable[..., Completed]) -> None:
    policy(project)
    done, verdict = run_json(cli, project)
    assert done.code == 3
    assert "no supported inputs" in verdict.gates[0].reasons[0]
