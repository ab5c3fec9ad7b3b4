"""A configured fairness check that cannot be computed is visible, never a silent pass."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from builders.churn import churn_table, write_parquet
from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.core.check import CheckContext, CheckResult

COLUMNS: dict[str, Any] = {
    "label": "churn",
    "candidate": "candidate_score",
    "champion": "champion_score",
    "sensitive": ["region"],
}


def run(root: Path, holdout: pa.Table, **settings: Any) -> CheckResult:
    write_parquet(holdout, root / "data" / "holdout.parquet")
    config = ModelConfig(paths=["data"], columns=COLUMNS, **settings)
    context = CheckContext(root=root, gate="post-train", today=date(2026, 1, 1))
    return ModelCheck().run(context, config)


def with_region(table: pa.Table, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index("region"), "region", values)


@pytest.mark.parametrize(
    ("values", "named"),
    [
        (lambda n: pa.nulls(n, pa.string()), "region=<missing>"),
        (lambda n: pa.array(["north"] * n), "region=north"),
    ],
    ids=["all-null", "single-value"],
)
def test_fewer_than_two_groups_is_an_error(tmp_path: Path, values: Any, named: str) -> None:
    # A biased candidate: on a single group, no disparity could ever be measured.
    table = churn_table(rows=4000, seed=5, candidate="biased")
    result = run(tmp_path, with_region(table, values(table.num_rows)))
    (error,) = result.errors
    assert "fairness over region cannot be judged" in error
    assert named in error
    assert result.metrics == ()


def test_without_fairness_metrics_a_single_group_is_only_context(tmp_path: Path) -> None:
    table = churn_table(rows=2000, seed=5, candidate="equal")
    result = run(tmp_path, with_region(table, pa.array(["north"] * table.num_rows)), fairness={})
    assert result.errors == ()
    assert any(m.name == "fairness.selection_rate[region=north]" for m in result.metrics)


def test_groups_below_min_group_size_warn_instead_of_passing_silently(tmp_path: Path) -> None:
    table = churn_table(rows=4000, seed=5, candidate="biased")
    # Every region has fewer rows than the minimum: no disparity can be decided.
    result = run(tmp_path, table, min_group_size=5000)
    assert result.errors == ()
    assert not [m for m in result.metrics if m.name.startswith("fairness.demographic_parity")]
    unjudged = [f for f in result.findings if "not judged" in f.message]
    assert {f.rule_id for f in unjudged} == {"MODEL001"}
    messages = sorted(f.message for f in unjudged)
    assert messages[0].startswith("demographic_parity_difference over region not judged")
    assert "0 for its selection rate" in messages[0]
    assert messages[1].startswith("equalized_odds_difference over region not judged")
