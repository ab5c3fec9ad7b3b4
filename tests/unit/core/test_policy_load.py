from __future__ import annotations

from pathlib import Path

import pytest

from mlgate.core.errors import PolicyError
from mlgate.core.finding import Severity
from mlgate.core.policy.load import load_policy
from mlgate.core.verdict import Mode

VALID = """\
version: 1
gates:
  pre-merge:
    mode: warn
    fail_on: medium
    checks:
      findings:
        paths: [reports]
        timeout: 30
waivers:
  - rule: "DECL*"
    path: "legacy/**"
    reason: "tracked in TICKET-1"
    owner: "appsec"
    expires: 2027-01-31
baseline: base.json
reports:
  formats: [json]
"""


def write(tmp_path: Path, text: str, name: str = "mlgate.yaml") -> Path:
    (tmp_path / "reports").mkdir(exist_ok=True)
    policy = tmp_path / name
    policy.write_text(text)
    return policy


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(PolicyError) as caught:
        load_policy(write(tmp_path, text))
    message = str(caught.value)
    assert "\n" not in message  # one clear line
    return message


def test_valid_policy_resolves_gates_checks_and_waivers(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, VALID))
    gate = policy.gates["pre-merge"]
    assert gate.mode is Mode.WARN and gate.fail_on is Severity.MEDIUM
    (check,) = gate.checks
    assert check.check_id == "findings"
    assert check.target == "mlgate_testchecks.declared:DeclaredFindingsCheck"
    assert check.config.paths == ["reports"] and check.config.timeout == 30
    assert (
        policy.waivers[0].rule == "DECL*" and policy.waivers[0].expires.isoformat() == "2027-01-31"
    )
    assert policy.baseline == tmp_path.resolve() / "base.json"
    assert policy.report_formats == ("json",)


def test_directory_argument_finds_the_policy(tmp_path: Path) -> None:
    write(tmp_path, VALID)
    assert "pre-merge" in load_policy(tmp_path).gates


def test_unknown_key_names_line_and_suggests(tmp_path: Path) -> None:
    text = VALID.replace("    fail_on: medium", "    fail_onn: medium")
    assert error_of(tmp_path, text).endswith(
        "mlgate.yaml:5: gates.pre-merge.fail_onn: unknown key 'fail_onn' (did you mean 'fail_on'?)"
    )


def test_unknown_check_key_suggests_from_the_check_config(tmp_path: Path) -> None:
    text = VALID.replace("        timeout: 30", "        timeuot: 30")
    message = error_of(tmp_path, text)
    assert message.endswith(
        ":9: gates.pre-merge.checks.findings.timeuot: unknown key 'timeuot' "
        "(did you mean 'timeout'?)"
    )


def test_unknown_check_suggests_installed_one(tmp_path: Path) -> None:
    message = error_of(tmp_path, VALID.replace("      findings:", "      findngs:"))
    assert message.endswith(
        ":7: gates.pre-merge.checks: unknown check 'findngs' (did you mean 'findings'?)"
    )


def test_wrong_type_and_bad_enum(tmp_path: Path) -> None:
    message = error_of(tmp_path, VALID.replace("timeout: 30", "timeout: soon"))
    assert ":9: gates.pre-merge.checks.findings.timeout: Input should be a valid number" in message
    assert "mode" in error_of(tmp_path, VALID.replace("mode: warn", "mode: sometimes"))
    message = error_of(tmp_path, VALID.replace("fail_on: medium", "fail_on: severe"))
    assert ":5: gates.pre-merge.fail_on: unknown severity 'severe'" in message


def test_missing_input_path_is_named_when_its_gate_runs(tmp_path: Path) -> None:
    text = VALID.replace("paths: [reports]", "paths: [nowhere]")
    policy = load_policy(write(tmp_path, text.replace("waivers:", _LATER_GATE + "waivers:")))
    assert [g.name for g in policy.select(["later"])] == ["later"]
    with pytest.raises(PolicyError) as caught:
        policy.select(["pre-merge"])
    assert ":8: gates.pre-merge.checks.findings.paths: 'nowhere' does not exist" in str(
        caught.value
    )
    with pytest.raises(PolicyError):
        policy.select([])


_LATER_GATE = "  later:\n    checks:\n      findings:\n        paths: [reports]\n"


def test_waiver_without_scope_or_owner(tmp_path: Path) -> None:
    no_scope = VALID.replace('    path: "legacy/**"\n', "")
    assert "a waiver needs a scope" in error_of(tmp_path, no_scope)
    no_owner = VALID.replace('    owner: "appsec"\n', "")
    assert ":11: waivers.0.owner: required key is missing" in error_of(tmp_path, no_owner)


def test_invalid_yaml_duplicate_keys_and_empty_file(tmp_path: Path) -> None:
    assert ":3: invalid YAML" in error_of(tmp_path, "gates:\n  a: [\n  b: }\n")
    dup = VALID.replace("    mode: warn\n", "    mode: warn\n    mode: enforce\n")
    assert ":5: key 'mode' appears twice" in error_of(tmp_path, dup)
    assert "the file is empty" in error_of(tmp_path, "")
    assert "top level must be a mapping" in error_of(tmp_path, "- a\n- b\n")


def test_unknown_report_format(tmp_path: Path) -> None:
    message = error_of(tmp_path, VALID.replace("formats: [json]", "formats: [sarff]"))
    assert "reports.formats: unknown format 'sarff' (did you mean 'sarif'?)" in message


def test_unknown_gate_on_select(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, VALID))
    with pytest.raises(
        PolicyError, match="no gate named 'pre-merg' \\(did you mean 'pre-merge'\\?\\)"
    ):
        policy.select(["pre-merg"])


def test_pyproject_table(tmp_path: Path) -> None:
    text = """\
[project]
name = "x"

[tool.mlgate.gates.ci]
fail_on = "low"

[tool.mlgate.gates.ci.checks.findings]
paths = ["reports"]
"""
    policy = load_policy(write(tmp_path, text, "pyproject.toml"))
    assert policy.gates["ci"].fail_on is Severity.LOW
    bad = text.replace('fail_on = "low"', 'fail_onn = "low"')
    with pytest.raises(PolicyError) as caught:
        load_policy(write(tmp_path, bad, "pyproject.toml"))
    assert str(caught.value).endswith(
        "pyproject.toml:5: gates.ci.fail_onn: unknown key 'fail_onn' (did you mean 'fail_on'?)"
    )


def test_pyproject_without_table_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n")
    with pytest.raises(PolicyError, match=r"has no \[tool\.mlgate\] table"):
        load_policy(tmp_path)
    with pytest.raises(PolicyError, match="file not found"):
        load_policy(tmp_path / "absent.yaml")


def test_broken_plugin_is_planned_as_a_load_error_not_a_policy_error(tmp_path: Path) -> None:
    text = VALID.replace(
        "      findings:\n        paths: [reports]\n        timeout: 30\n",
        "      unimportable: {}\n      mislabelled: {}\n",
    )
    policy = load_policy(write(tmp_path, text))
    errors = [c.load_error for c in policy.gates["pre-merge"].checks]
    assert errors[0] is not None and "failed to load" in errors[0]
    assert errors[1] is not None and "differs from its entry point" in errors[1]
