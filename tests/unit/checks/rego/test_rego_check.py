"""Exact findings of the rego check: Conftest conventions, isolation and fail-closed errors."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from builders.manifests import write_tree
from builders.policies import (
    COMBINED_POLICY,
    CONFTEST_DOCKERFILE_EXAMPLE,
    DOCKERFILE_POLICY,
    LABELS_POLICY_V0,
    MANIFESTS,
    ROOT_POLICY_V1,
    rego_policy,
)
from mlgate.checks.rego import RegoCheck, RegoConfig
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.finding import Severity, location_line

Key = tuple[str, str, int, str]


def run(root: Path, files: dict[str, str], **options: object) -> CheckResult:
    write_tree(root, files)
    context = CheckContext(root=root, gate="pre-deploy", today=date(2026, 1, 1))
    return RegoCheck().run(context, RegoConfig.model_validate(options))


def keys(result: CheckResult) -> set[Key]:
    return {
        (f.rule_id, f.location.path or "", location_line(f.location) or 0, f.message)
        for f in result.findings
    }


def test_v0_and_v1_rules_suffixes_violations_warnings_and_exceptions(tmp_path: Path) -> None:
    files = {
        "policy/root.rego": ROOT_POLICY_V1,
        "policy/labels.rego": LABELS_POLICY_V0,
        "k8s/app.yaml": MANIFESTS,
    }
    result = run(tmp_path, files, all_namespaces=True)
    assert result.errors == ()
    assert keys(result) == {
        ("rego/main.warn_service", "k8s/app.yaml", 1, "service front: prefer an Ingress"),
        ("rego/main.deny_run_as_root", "k8s/app.yaml", 6, "api/web runs as root"),
        # `legacy` runs as root too, but the exception names run_as_root for it.
        ("rego/kubernetes.labels.deny", "k8s/app.yaml", 17, "legacy has no team label"),
        ("rego/kubernetes.labels.violation", "k8s/app.yaml", 17, "legacy does not set replicas"),
    }
    severities = {f.rule_id: f.severity for f in result.findings}
    assert severities["rego/main.warn_service"] is Severity.LOW
    assert severities["rego/main.deny_run_as_root"] is Severity.HIGH
    documents = {f.message: dict(f.properties)["document"] for f in result.findings}
    assert documents["api/web runs as root"] == "1"
    assert {r.id for r in result.rules} == {f.rule_id for f in result.findings}


def test_only_configured_namespaces_are_evaluated(tmp_path: Path) -> None:
    files = {"policy/root.rego": ROOT_POLICY_V1, "policy/labels.rego": LABELS_POLICY_V0,
             "k8s/app.yaml": MANIFESTS}  # fmt: skip
    result = run(tmp_path, files)
    assert {f.rule_id for f in result.findings} == {
        "rego/main.warn_service", "rego/main.deny_run_as_root"
    }  # fmt: skip


def test_unknown_namespace_is_an_error_not_a_pass(tmp_path: Path) -> None:
    result = run(tmp_path, {"policy/root.rego": ROOT_POLICY_V1, "a.yaml": MANIFESTS},
                 namespaces=["security"])  # fmt: skip
    assert result.findings == ()
    assert len(result.errors) == 1 and "found: main" in result.errors[0]


def test_dockerfile_input_has_conftest_shape(tmp_path: Path) -> None:
    dockerfile = "FROM openjdk:8 AS build\n# build\nRUN make\nFROM python:3.11\nUSER root\n"
    result = run(tmp_path, {"policy/docker.rego": DOCKERFILE_POLICY, "Dockerfile": dockerfile})
    assert result.errors == ()
    assert keys(result) == {
        ("rego/main.deny", "Dockerfile", 1, 'unallowed image found ["openjdk:8", "AS", "build"]'),
        ("rego/main.deny_root_user", "Dockerfile", 1, "stage 1 ends as root"),
    }


def test_combined_input_allows_cross_document_rules(tmp_path: Path) -> None:
    files = {"policy/combined.rego": COMBINED_POLICY, "k8s/app.yaml": MANIFESTS}
    result = run(tmp_path, files, combine=True)
    assert result.errors == ()
    assert keys(result) == {
        (
            "rego/main.deny",
            "policy/combined.rego",
            1,
            "Deployment api (k8s/app.yaml) has no Service",
        )
    }


def test_policy_cannot_read_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "ci-secret-" + os.urandom(4).hex()
    monkeypatch.setenv("MLGATE_TEST_CI_TOKEN", secret)
    body = 'deny contains sprintf("env=%v", [opa.runtime().env]) if { true }'
    result = run(tmp_path, {"policy/env.rego": rego_policy(body), "a.json": "{}"})
    assert keys(result) == {("rego/main.deny", "a.json", 1, "env={}")}
    assert os.environ["MLGATE_TEST_CI_TOKEN"] == secret  # the caller's environment is intact


@pytest.mark.parametrize(
    "body",
    [
        # not available in regopy 1.5.2: without strict errors this deny would be undefined
        'deny contains "blocked" if { not net.cidr_contains("10.0.0.0/8", input.ip) }',
        # a built-in that raises
        'deny contains "blocked" if { to_number(input.ip) > 1 }',
        # a function that exists nowhere
        'deny contains "blocked" if { not lib.allowed(input.ip) }',
    ],
)
def test_missing_or_failing_builtin_is_an_error_never_a_pass(tmp_path: Path, body: str) -> None:
    result = run(tmp_path, {"policy/p.rego": rego_policy(body), "a.json": '{"ip": "ten"}'})
    assert result.findings == ()
    assert len(result.errors) == 1 and result.errors[0].startswith("a.json document 0: ")


def test_policy_that_does_not_compile_is_an_error(tmp_path: Path) -> None:
    result = run(tmp_path, {"policy/p.rego": "package main\ndeny contains msg if {\n",
                            "a.json": "{}"})  # fmt: skip
    assert len(result.errors) == 1 and result.errors[0].startswith("policies do not compile")


def test_result_without_msg_is_an_error(tmp_path: Path) -> None:
    body = 'deny contains {"message": "no msg key"} if { true }'
    result = run(tmp_path, {"policy/p.rego": rego_policy(body), "a.json": "{}"})
    assert result.findings == ()
    assert "expected a string or an object with a string `msg`" in result.errors[0]


def test_runaway_policy_is_stopped_at_its_timeout(tmp_path: Path) -> None:
    body = 'deny contains "big" if { count({n | some n in numbers.range(1, 100000000)}) > 0 }'
    result = run(tmp_path, {"policy/p.rego": rego_policy(body), "a.json": "{}"}, eval_timeout=0.5)
    assert result.errors == ("Rego evaluation exceeded its 0.5 s timeout and was stopped",)


def test_object_severity_overrides_the_default(tmp_path: Path) -> None:
    body = 'warn contains {"msg": "old base", "severity": "medium"} if { true }'
    result = run(tmp_path, {"policy/p.rego": rego_policy(body), "a.json": "{}"})
    assert [(f.rule_id, f.severity) for f in result.findings] == [
        ("rego/main.warn", Severity.MEDIUM)
    ]


def test_cel_rules_hold_fail_or_error(tmp_path: Path) -> None:
    cel = [
        {"id": "replicas", "expression": "object.spec.replicas <= 1", "kinds": ["Deployment"],
         "message": "at most one replica", "severity": "medium"},
        {"id": "labelled", "expression": "has(object.metadata.labels)", "message": "labels"},
    ]  # fmt: skip
    result = run(tmp_path, {"k8s/app.yaml": MANIFESTS}, policies=[], cel=cel)
    assert keys(result) == {
        ("cel/replicas", "k8s/app.yaml", 6, "at most one replica"),
        ("cel/labelled", "k8s/app.yaml", 17, "labels"),
    }
    # `legacy` has no spec.replicas: like failurePolicy Fail, that is an error, not a pass.
    assert result.errors == (
        "k8s/app.yaml document 2: cel/replicas cannot be evaluated: KeyError: 'replicas'",
    )


def test_cel_syntax_error_is_bad_input() -> None:
    with pytest.raises(ValidationError, match="Syntax error"):
        RegoConfig.model_validate(
            {"policies": [], "cel": [{"id": "x", "expression": "a <=", "message": "m"}]}
        )


def test_nothing_to_evaluate_is_bad_input() -> None:
    with pytest.raises(ValidationError, match="give `policies`"):
        RegoConfig.model_validate({"policies": []})


def test_regopy_gap_in_conftest_example_fails_closed_with_its_diagnostic(tmp_path: Path) -> None:
    files = {"policy/docker.rego": CONFTEST_DOCKERFILE_EXAMPLE, "Dockerfile": "FROM openjdk:8\n"}
    result = run(tmp_path, files)
    assert result.findings == ()
    assert len(result.errors) == 1
    assert "policies do not compile" in result.errors[0]
    assert "Invalid bracket argument" in result.errors[0]
    assert "bind the element first, `some name in names`" in result.errors[0]


@pytest.mark.parametrize(
    "policy",
    [
        # v0 with the future keywords imported one by one or all at once
        "package main\nimport future.keywords.in\ndeny[msg] { some c in input.c; c == 0\n"
        '  msg := "zero" }\n',
        "package main\nimport future.keywords\ndeny contains msg if { some c in input.c\n"
        '  c == 0; msg := "zero" }\n',
        # v1 without `import rego.v1` (OPA 1.0, Conftest's default --rego-version)
        'package main\ndeny contains msg if { some c in input.c; c == 0; msg := "zero" }\n',
        # v0 `=` unification, `default` and `else`
        "package main\ndefault ok = false\nok { not input.c[_] == 0 }\n"
        'level = "zero" { not ok } else = "fine" { true }\ndeny[msg] { not ok; msg = level }\n',
    ],
    ids=["v0-future-in", "v0-future-all", "v1-no-import", "v0-default-else"],
)
def test_v0_and_v1_syntax_both_judge_the_same(tmp_path: Path, policy: str) -> None:
    result = run(tmp_path, {"policy/p.rego": policy, "a.json": '{"c": [1, 0]}'})
    assert result.errors == ()
    assert keys(result) == {("rego/main.deny", "a.json", 1, "zero")}
