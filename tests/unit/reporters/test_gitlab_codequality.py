from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings

from builders.verdicts import passing_verdict, realistic_verdict, verdicts
from mlgate.core.plugins import reporter_registry
from mlgate.core.verdict import Verdict
from mlgate.reporters.gitlab_codequality import GitlabCodeQualityReporter

SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def render(verdict: Verdict) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = json.loads(GitlabCodeQualityReporter().render(verdict))
    return issues


def assert_gitlab_shape(issue: dict[str, Any]) -> None:
    # GitLab's documented required fields (there is no published JSON Schema).
    assert isinstance(issue["description"], str) and issue["description"]
    assert isinstance(issue["check_name"], str) and issue["check_name"]
    assert isinstance(issue["fingerprint"], str) and len(issue["fingerprint"]) == 64
    assert issue["severity"] in SEVERITIES
    assert isinstance(issue["location"]["path"], str) and issue["location"]["path"]
    assert isinstance(issue["location"]["lines"]["begin"], int)
    assert issue["location"]["lines"]["begin"] >= 1


def test_registered_under_its_format_id() -> None:
    assert reporter_registry().load("gitlab-codequality") is GitlabCodeQualityReporter
    assert GitlabCodeQualityReporter.default_filename == "gl-code-quality-report.json"


def test_realistic_verdict() -> None:
    issues = render(realistic_verdict())
    for issue in issues:
        assert_gitlab_shape(issue)
    assert [(i["check_name"], i["severity"], i["location"]["path"]) for i in issues] == [
        ("PY001 sql-injection", "blocker", "app/db.py"),
        ("PY003 eval-of-input", "critical", "legacy/calc.py"),
        ("PY004", "minor", "app/util.py"),
        ("ART001 pickle-global-os-system", "blocker", "models/model.pkl"),
        ("DS001", "major", "data/churn.parquet"),
    ]
    assert issues[0]["description"] == (
        "PY001 sql-injection: SQL query built from request data reaches cursor.execute"
    )
    assert issues[0]["location"]["lines"] == {"begin": 42, "end": 42}
    assert issues[3]["location"]["lines"] == {"begin": 1, "end": 1}


def test_passing_verdict_is_an_empty_list() -> None:
    assert render(passing_verdict()) == []


@settings(max_examples=60, deadline=None)
@given(verdicts)
def test_any_verdict_gives_unique_well_formed_issues(verdict: Verdict) -> None:
    issues = render(verdict)
    for issue in issues:
        assert_gitlab_shape(issue)
    assert len({i["fingerprint"] for i in issues}) == len(issues)
