"""Rule shapes regopy would silently leave undefined: found, reported, never a pass."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from builders.manifests import write_tree
from builders.policies import (
    COMBINED_POLICY,
    DOCKERFILE_POLICY,
    EXCEPTION_POLICY_V0,
    EXCEPTION_POLICY_V1,
    LABELS_POLICY_V0,
    ROOT_POLICY_V1,
)
from mlgate.checks.rego import RegoCheck, RegoConfig
from mlgate.checks.rego.engine import compile_policies, evaluate_all
from mlgate.checks.rego.portability import UnboundIndex, unbound_call_indexes
from mlgate.core.check import CheckContext

SILENT = 'package main\ndeny[msg] {\n  startswith(input.items[j], "x")\n  msg := "x item"\n}\n'
FIXED = 'package main\ndeny[msg] {\n  item := input.items[_]\n  startswith(item, "x")\n' \
        '  msg := "x item"\n}\n'  # fmt: skip
ITEMS = {"items": ["b", "xa"]}


@pytest.mark.parametrize(
    ("source", "found"),
    [
        (SILENT, [UnboundIndex("j", 3, "startswith")]),
        # `some j` declares without binding: regopy still does not iterate it
        ('package main\ndeny[m] { some j; startswith(input.items[j], "x"); m := "a" }\n',
         [UnboundIndex("j", 2, "startswith")]),
        # a function parameter indexed by a fresh variable
        ('package main\nf(xs) { startswith(xs[q], "x") }\n', [UnboundIndex("q", 2, "startswith")]),
        # inside a list argument of sprintf, v1 one-liner
        ('package main\nimport rego.v1\ndeny contains m if m := sprintf("%v", [input.a[k]])\n',
         [UnboundIndex("k", 3, "sprintf")]),
        # bound elsewhere in the rule, even after the call or in the head
        ('package main\ndeny[m] { startswith(input.items[j], "x"); input.items[j]; m := "a" }\n',
         []),
        ('package main\nimport rego.v1\ndeny contains sprintf("%v", [n]) if some n, _ in input.o\n',
         []),
        ('package main\ndeny[m] { some k, v in input.o; startswith(input.o[k], "x"); m := v }\n',
         []),
        # a comprehension binds its own variables; strings and comments are not code
        ('package main\ndeny[m] { count([1 | input.items[j] == "xa"]) > 0; m := "a" }\n', []),
        ('package main\ndeny[m] { startswith(input.v, "f(x[j])"); m := "a" } # g(y[k])\n', []),
        # `f(x[_])` is regopy's compile error, with its own hint
        ('package main\ndeny[m] { contains(input.v, input.l[_]); m := "a" }\n', []),
        # a function's parameters are bound (Conftest's kubernetes exclusions library)
        ('package lib\nexcluded(rule, w) {\n  has_field(data.ex.rule_names[rule], w)\n}\n', []),
        # a package-level name used as an index
        ('package main\nidx := 0\ndeny[m] { startswith(input.items[idx], "x"); m := "a" }\n',
         []),
    ],
)  # fmt: skip
def test_unbound_call_indexes(source: str, found: list[UnboundIndex]) -> None:
    assert unbound_call_indexes(source) == found


@pytest.mark.parametrize(
    "policy",
    [ROOT_POLICY_V1, LABELS_POLICY_V0, DOCKERFILE_POLICY, COMBINED_POLICY, EXCEPTION_POLICY_V0,
     EXCEPTION_POLICY_V1],
)  # fmt: skip
def test_ordinary_policies_are_not_flagged(policy: str) -> None:
    assert unbound_call_indexes(policy) == []


def test_regopy_really_leaves_the_silent_shape_undefined() -> None:
    # The engine itself, no worker: the flagged rule is empty, the fixed one fires.
    silent = compile_policies([("p.rego", SILENT)], [], ["main"])
    fixed = compile_policies([("p.rego", FIXED)], [], ["main"])
    assert evaluate_all(silent, [ITEMS]) == [{"main": {"deny": {}}}]
    assert evaluate_all(fixed, [ITEMS]) == [{"main": {"deny": {"x item": True}}}]


def test_the_check_fails_closed_with_the_line_to_fix(tmp_path: Path) -> None:
    write_tree(tmp_path, {"policy/p.rego": SILENT, "a.json": '{"items": ["xa"]}'})
    context = CheckContext(root=tmp_path, gate="pre-deploy", today=date(2026, 1, 1))
    result = RegoCheck().run(context, RegoConfig.model_validate({}))
    assert result.findings == ()
    assert len(result.errors) == 1
    assert result.errors[0].startswith(
        "policy/p.rego:3: `j` is first bound as an index inside `startswith(...)`"
    )
