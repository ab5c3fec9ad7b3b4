"""Conftest `exception` rules: which results they drop, and how they are counted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from builders.manifests import write_tree
from builders.policies import EXCEPTION_MANIFESTS, EXCEPTION_POLICY_V0, EXCEPTION_POLICY_V1
from mlgate.checks.rego import RegoCheck, RegoConfig
from mlgate.checks.rego.check import EXCEPTIONS_METRIC
from mlgate.checks.rego.policies import exception_name
from mlgate.checks.rego.results import exception_matches, rule_results
from mlgate.core.check import CheckContext
from mlgate.core.finding import location_line


@pytest.mark.parametrize(
    ("rule", "name"),
    [("deny", ""), ("violation", ""), ("warn", ""), ("deny_run_as_root", "run_as_root"),
     ("violation_x", "x"), ("warn_y", "y"), ("violation_deny_x", "x"), ("deny_warn_z", "z")],
)  # fmt: skip
def test_exception_names_strip_prefixes_the_way_conftest_does(rule: str, name: str) -> None:
    assert exception_name(rule) == name


@pytest.mark.parametrize("policy", [EXCEPTION_POLICY_V1, EXCEPTION_POLICY_V0], ids=["v1", "v0"])
def test_excepted_rules_do_not_block_and_are_counted(tmp_path: Path, policy: str) -> None:
    write_tree(tmp_path, {"policy/p.rego": policy, "k8s/apps.yaml": EXCEPTION_MANIFESTS})
    context = CheckContext(root=tmp_path, gate="pre-deploy", today=date(2026, 1, 1))
    result = RegoCheck().run(context, RegoConfig.model_validate({}))
    assert result.errors == ()
    assert {(f.rule_id, location_line(f.location), f.message) for f in result.findings} == {
        ("rego/main.deny_run_as_root", 1, "api runs as root"),
        ("rego/main.warn_replicas", 1, "api: set replicas"),
        # legacy: run_as_root and the bare deny ("") are excepted; its warning stays
        ("rego/main.warn_replicas", 4, "legacy: set replicas"),
        # front: warn_replicas is excepted, deny_run_as_root and deny are not
        ("rego/main.deny_run_as_root", 7, "front runs as root"),
        ("rego/main.deny", 7, "front has no team label"),
    }
    (metric,) = result.metrics
    assert metric.name == EXCEPTIONS_METRIC and metric.threshold is None
    # legacy: deny + deny_run_as_root; front: warn_replicas + violation_deny_hostpath,
    # which Conftest counts as excepted even though it produced nothing.
    assert metric.value == 4
    assert 'data.main.exception[_][_] == "hostpath"' in (metric.description or "")
    assert "main.deny_run_as_root at k8s/apps.yaml document 1" in (metric.description or "")


def test_a_run_without_exceptions_reports_zero(tmp_path: Path) -> None:
    policy = 'package main\nimport rego.v1\ndeny contains "x" if { input.a == 1 }\n'
    write_tree(tmp_path, {"policy/p.rego": policy, "a.json": '{"a": 2}'})
    context = CheckContext(root=tmp_path, gate="pre-deploy", today=date(2026, 1, 1))
    result = RegoCheck().run(context, RegoConfig.model_validate({}))
    assert result.findings == () and [m.value for m in result.metrics] == [0.0]


def test_only_collections_of_names_match() -> None:
    # `exception[_][_]` indexes each entry: a bare string entry is never a match.
    assert exception_matches({"exception": ["run_as_root"]}, "run_as_root") == 0
    assert exception_matches({"exception": [["a", "a"], ["a"]]}, "a") == 3
    assert exception_matches({"exception": {"k": ["a"]}}, "a") == 1  # object rule values
    assert exception_matches({"exception": {'["a"]': True}}, "a") == 1  # v0 partial set


def test_exception_outcome_lists_each_excepted_rule() -> None:
    rules = {"deny_a": ["m"], "deny_b": ["n"], "exception": [["a"]]}
    outcome = rule_results("main", rules)
    assert [r.rule for r in outcome.results] == ["deny_b"]
    assert [(e.rule, e.count, e.query) for e in outcome.excepted] == [
        ("deny_a", 1, 'data.main.exception[_][_] == "a"')
    ]
