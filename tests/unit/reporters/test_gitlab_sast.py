from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import given, settings

from builders.verdicts import passing_verdict, realistic_verdict, verdicts
from mlgate.core.plugins import reporter_registry
from mlgate.core.verdict import Verdict
from mlgate.reporters.gitlab_sast import GitlabSastReporter

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "gitlab" / "sast-report-format.json"


@cache
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def render(verdict: Verdict) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(GitlabSastReporter().render(verdict))
    validator().validate(document)
    return document


def test_registered_under_its_format_id() -> None:
    assert reporter_registry().load("gitlab-sast") is GitlabSastReporter
    assert GitlabSastReporter.default_filename == "gl-sast-report.json"


def test_realistic_verdict_validates_and_leaves_out_waived_findings() -> None:
    report = render(realistic_verdict())
    assert report["version"] == "15.0.7"
    rules = [v["identifiers"][0]["value"] for v in report["vulnerabilities"]]
    assert rules == ["PY001", "PY003", "PY004", "ART001", "DS001"]  # PY002 is waived
    assert [v["severity"] for v in report["vulnerabilities"]] == [
        "Critical", "High", "Low", "Critical", "Medium",
    ]  # fmt: skip


def test_sql_injection_entry() -> None:
    (first, *_) = render(realistic_verdict())["vulnerabilities"]
    assert first == {
        "id": first["id"],
        "name": "SQL query built from untrusted input.",
        "description": "SQL query built from request data reaches cursor.execute "
        "(gate pre-merge, check sast, blocking)",
        "severity": "Critical",
        "identifiers": [
            {
                "type": "mlgate_rule_id",
                "name": "mlgate PY001",
                "value": "PY001",
                "url": "https://mlgate.example/rules/PY001",
            },
            {
                "type": "cwe",
                "name": "CWE-89",
                "value": "89",
                "url": "https://cwe.mitre.org/data/definitions/89.html",
            },
        ],
        "location": {"file": "app/db.py", "start_line": 42, "end_line": 42},
        "solution": "Pass user input as query parameters (cursor.execute(sql, params)).",
    }


def test_ids_are_stable_across_runs_and_distinct_per_gate() -> None:
    one = render(realistic_verdict())["vulnerabilities"]
    two = render(replace(realistic_verdict(), created_at="2030-01-01T00:00:00Z"))["vulnerabilities"]
    assert [v["id"] for v in one] == [v["id"] for v in two]
    verdict = realistic_verdict()
    renamed = replace(verdict.gates[0], name="nightly")
    both = render(replace(verdict, gates=(verdict.gates[0], renamed)))["vulnerabilities"]
    assert len({v["id"] for v in both}) == len(both) == 6


def test_artifact_and_dataset_locations_have_files_without_lines() -> None:
    vulnerabilities = render(realistic_verdict())["vulnerabilities"]
    assert [v["location"] for v in vulnerabilities[3:]] == [
        {"file": "models/model.pkl"},
        {"file": "data/churn.parquet"},
    ]


def test_incomplete_scan_is_a_failure_with_messages() -> None:
    scan = render(realistic_verdict())["scan"]
    assert scan["status"] == "failure"
    assert (scan["start_time"], scan["end_time"]) == ("2025-03-01T12:00:00", "2025-03-01T12:10:00")
    assert scan["messages"][0] == {
        "level": "fatal",
        "value": "gate pre-merge: check secrets failed: timed out after 600 s",
    }
    assert [m["level"] for m in scan["messages"]] == ["fatal", "warn", "warn", "warn"]
    assert scan["analyzer"] == {
        "id": "mlgate",
        "name": "mlgate",
        "url": "https://github.com/mlgate/mlgate",
        "vendor": {"name": "mlgate"},
        "version": "0.1.0",
    }


def test_passing_verdict_is_an_empty_successful_scan() -> None:
    report = render(passing_verdict())
    assert report["vulnerabilities"] == []
    assert report["scan"]["status"] == "success"
    assert report["scan"]["messages"] == []


@settings(max_examples=60, deadline=None)
@given(verdicts)
def test_any_verdict_validates(verdict: Verdict) -> None:
    report = render(verdict)
    ids = [v["id"] for v in report["vulnerabilities"]]
    assert len(ids) == len(set(ids))
