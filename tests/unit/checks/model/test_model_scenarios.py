"""Scenario tests of the model check from issue 6's "Done when" list."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from builders.churn import churn_table, write_csv, write_parquet
from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.metric import Metric

COLUMNS: dict[str, Any] = {
    "label": "churn",
    "candidate": "candidate_score",
    "champion": "champion_score",
    "sensitive": ["sex", "age_band", "region"],
    "intersections": [["sex", "age_band"]],
}
FEATURES: dict[str, Any] = {
    "numeric_features": ["tenure", "monthly_charges"],
    "categorical_features": ["contract"],
}


def run(
    root: Path, holdout: pa.Table, *, reference: pa.Table | None = None, **settings: Any
) -> CheckResult:
    write_parquet(holdout, root / "data" / "holdout.parquet")
    config: dict[str, Any] = {"paths": ["data"], "columns": {**COLUMNS}, **settings}
    if reference is not None:
        write_parquet(reference, root / "reference" / "train.parquet")
        config["reference"] = ["reference/train.parquet"]
        config["columns"] |= FEATURES
    context = CheckContext(root=root, gate="post-train", today=date(2026, 1, 1))
    return ModelCheck().run(context, ModelConfig(**config))


def blocking(result: CheckResult) -> list[Metric]:
    assert result.errors == ()
    return [m for m in result.metrics if not m.is_acceptable()]


def named(result: CheckResult, name: str) -> Metric:
    (metric,) = [m for m in result.metrics if m.name == name]
    return metric


def test_equal_models_on_a_small_holdout_pass(tmp_path: Path) -> None:
    result = run(tmp_path, churn_table(rows=2000, seed=3, candidate="equal"))
    assert blocking(result) == []
    change = named(result, "model.roc_auc.change")
    assert change.ci is not None and change.ci.low < 0 < change.ci.high
    assert change.n == 2000


def test_a_real_drop_on_20k_rows_blocks_with_one_sentence(tmp_path: Path) -> None:
    result = run(tmp_path, churn_table(rows=20000, seed=1, candidate="regressed"))
    (block,) = blocking(result)
    assert block.name == "model.roc_auc.change"
    assert block.description is not None and block.description.startswith("ROC AUC fell from ")


def test_a_demographic_parity_violation_blocks_and_names_the_groups(tmp_path: Path) -> None:
    result = run(tmp_path, churn_table(rows=8000, seed=4, candidate="biased"))
    names = {m.name for m in blocking(result)}
    assert "fairness.demographic_parity_difference[sex]" in names
    metric = named(result, "fairness.demographic_parity_difference[sex]")
    assert metric.description is not None
    assert metric.description.startswith("Selection rate differs by ")
    assert "sex=M" in metric.description and "sex=F" in metric.description


def test_equalized_odds_violation_with_equal_selection_rates_blocks(tmp_path: Path) -> None:
    result = run(tmp_path, churn_table(rows=8000, seed=5, candidate="eo_biased"))
    names = {m.name for m in blocking(result)}
    assert "fairness.equalized_odds_difference[sex]" in names
    assert "fairness.demographic_parity_difference[sex]" not in names
    parity = named(result, "fairness.demographic_parity_difference[sex]")
    assert parity.value < 0.03


def test_a_20_row_group_warns_but_does_not_block(tmp_path: Path) -> None:
    table = churn_table(rows=4000, seed=6, candidate="equal", tiny_region_rows=20)
    result = run(tmp_path, table)
    assert blocking(result) == []
    warned = [f for f in result.findings if "region=islands" in f.message]
    assert {f.rule_id for f in warned} == {"MODEL001"}
    assert warned[0].message.startswith("group region=islands has 20 rows for its selection rate")
    parity = named(result, "fairness.demographic_parity_difference[region]")
    assert "islands" not in (parity.description or "")


@pytest.mark.parametrize(
    ("drift", "blocked"),
    [
        ("covariate", "drift.psi[tenure]"),
        ("new_category", "drift.unseen_share[contract]"),
        ("nulls", "drift.null_share_increase[monthly_charges]"),
    ],
)
def test_drift_blocks(tmp_path: Path, drift: Any, blocked: str) -> None:
    reference = churn_table(rows=6000, seed=7)
    result = run(tmp_path, churn_table(rows=4000, seed=8, drift=drift), reference=reference)
    assert [m.name for m in blocking(result)] == [blocked]


def test_undrifted_data_does_not_block(tmp_path: Path) -> None:
    reference = churn_table(rows=6000, seed=7)
    result = run(tmp_path, churn_table(rows=4000, seed=8), reference=reference)
    assert blocking(result) == []
    assert named(result, "drift.psi[tenure]").value < 0.1


def test_csv_holdouts_give_the_same_metrics_as_parquet(tmp_path: Path) -> None:
    table = churn_table(rows=3000, seed=9, candidate="regressed")
    parquet = run(tmp_path / "p", table)
    write_csv(table, tmp_path / "c" / "data" / "holdout.csv")
    context = CheckContext(root=tmp_path / "c", gate="post-train", today=date(2026, 1, 1))
    csv = ModelCheck().run(context, ModelConfig(paths=["data"], columns=COLUMNS))
    assert csv.errors == ()
    assert [(m.name, m.value) for m in csv.metrics] == [(m.name, m.value) for m in parquet.metrics]


def test_missing_column_is_an_error(tmp_path: Path) -> None:
    table = churn_table(rows=500, seed=10).drop_columns(["champion_score"])
    result = run(tmp_path, table)
    (error,) = result.errors
    assert error.startswith("holdout.parquet: missing column(s) champion_score (found: ")
    assert result.metrics == ()


def test_nan_scores_are_an_error(tmp_path: Path) -> None:
    table = churn_table(rows=500, seed=11)
    scores = table["candidate_score"].to_numpy().copy()
    scores[[3, 7]] = float("nan")
    table = table.set_column(
        table.schema.get_field_index("candidate_score"), "candidate_score", pa.array(scores)
    )
    assert run(tmp_path, table).errors == (
        "score column 'candidate_score' has 2 NaN or null score(s)",
    )


def test_first_run_without_champion_checks_only_minimums(tmp_path: Path) -> None:
    write_parquet(churn_table(rows=1000, seed=12), tmp_path / "data" / "h.parquet")
    columns = {**COLUMNS, "champion": None}
    config = ModelConfig(paths=["data"], columns=columns, performance={"roc_auc": {"minimum": 0.9}})
    result = ModelCheck().run(CheckContext(root=tmp_path, gate="g", today=date(2026, 1, 1)), config)
    assert [m.name for m in blocking(result)] == ["model.roc_auc"]
    (note,) = result.skipped
    assert note.reason.startswith("no champion column configured: first-run rule")


def test_no_holdout_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    context = CheckContext(root=tmp_path, gate="g", today=date(2026, 1, 1))
    result = ModelCheck().run(context, ModelConfig(paths=["data"], columns=COLUMNS))
    assert result.errors == ("no holdout files (Parquet, CSV or Arrow IPC) under ['data']",)
