"""The informational commands and the zero-config scan."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema

from builders.cli import Completed
from mlgate.core.policy.load import load_policy


def test_version_and_help(process: Callable[..., Completed], tmp_path: Path) -> None:
    version = process("--version", cwd=tmp_path)
    assert version.code == 0 and version.out.startswith("mlgate ")
    help_text = process("--help", cwd=tmp_path)
    assert help_text.code == 0 and "exit codes: 0 pass, 1 blocked" in help_text.out
    usage = process("frobnicate", cwd=tmp_path)
    assert usage.code == 2


def test_schema_is_a_valid_json_schema_listing_check_settings(
    cli: Callable[..., Completed],
) -> None:
    done = cli("schema")
    schema = json.loads(done.out)
    jsonschema.Draft202012Validator.check_schema(schema)
    checks = schema["$defs"]["GateSpec"]["properties"]["checks"]["properties"]
    assert "timeout" in checks["sarif"]["properties"]
    assert schema["$defs"]["GateSpec"]["properties"]["fail_on"]["default"] == "high"
    valid = {"version": 1, "gates": {"g": {"checks": {"sarif": {"paths": ["x"]}}}}}
    jsonschema.Draft202012Validator(schema).validate(valid)
    invalid = {"version": 1, "gates": {"g": {"checks": {"sarif": {"pathz": ["x"]}}}}}
    assert not jsonschema.Draft202012Validator(schema).is_valid(invalid)


def test_explain_known_and_unknown_rules(cli: Callable[..., Completed]) -> None:
    done = cli("explain", "decl001")
    assert done.code == 0
    assert done.out.startswith("DECL001 declared-finding")
    assert "CWE-89" in done.out and "expires:" in done.out
    missing = cli("explain", "NOPE999")
    assert missing.code == 2 and "no installed check defines rule 'NOPE999'" in missing.err


def test_checks_lists_plugins_and_broken_ones(cli: Callable[..., Completed]) -> None:
    done = cli("checks")
    assert done.code == 0
    assert "sarif" in done.out and "BROKEN" in done.out  # the test distribution ships a broken one
    assert "junit" in done.out


def test_init_writes_a_policy_that_loads(project: Path, cli: Callable[..., Completed]) -> None:
    (project / "requirements.txt").write_text("flask==3.1\n")
    (project / "app.py").write_text("print('hi')\n")
    (project / "scan.sarif").write_text("{}")
    done = cli("init")
    assert done.code == 0
    text = (project / "mlgate.yaml").read_text()
    assert "flask" in text.lower()
    policy = load_policy(project / "mlgate.yaml")
    assert "sarif" in [c.check_id for c in policy.gates["pre-merge"].checks]
    again = cli("init")
    assert again.code == 2 and "already exists" in again.err


def test_scan_with_defaults_and_one_output(project: Path, cli: Callable[..., Completed]) -> None:
    results = project / "results"
    results.mkdir()
    (results / "notes.txt").write_text("not sarif, not read")
    (results / "tool.sarif").write_text(json.dumps(_one_result_sarif()))
    done = cli("scan", "sarif", "results", "--format", "sarif", "--output", "out.sarif", "-q")
    assert done.code == 1
    document = json.loads((project / "out.sarif").read_text())
    (result,) = document["runs"][0]["results"]
    assert result["ruleId"] == "Semgrep/sql"
    missing = cli("scan", "sarif", "absent")
    assert missing.code == 2 and "does not exist" in missing.err
    unknown = cli("scan", "sarf", "results")
    assert unknown.code == 2 and "did you mean 'sarif'" in unknown.err


def _one_result_sarif() -> dict[str, object]:
    return {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "Semgrep", "rules": [{"id": "sql"}]}},
                "results": [
                    {
                        "ruleId": "sql",
                        "level": "error",
                        "message": {"text": "tainted SQL"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "app.py"},
                                    "region": {"startLine": 3},
                                }
                            }
                        ],
                    }
                ],
            }
        ],
    }
