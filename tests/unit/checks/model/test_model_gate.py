"""The model check inside the gate: registration, the evidence rule, config and input errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from builders.churn import churn_table, write_parquet
from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.checks.model.config import PerformanceMetric
from mlgate.core.check import CheckConfig, CheckContext, CheckResult
from mlgate.core.decision import CheckRun, DecisionInputs, decide
from mlgate.core.gate import GatePlan, PlannedCheck
from mlgate.core.metric import Comparison, ConfidenceInterval, Metric
from mlgate.core.plugins import check_registry, validate_check
from mlgate.core.verdict import Outcome

COLUMNS = {"label": "churn", "candidate": "candidate_score", "champion": "champion_score"}
TODAY = date(2026, 1, 1)


def change(value: float, low: float, high: float) -> Metric:
    return Metric(
        name="model.roc_auc.change",
        value=value,
        threshold=-0.01,
        comparison=Comparison.GE,
        ci=ConfidenceInterval(low=low, high=high, level=0.95),
        null_value=0.0,
    )


@pytest.mark.parametrize(
    ("value", "low", "high", "acceptable"),
    [
        (-0.0141, -0.0218, -0.0064, False),  # beyond tolerance and significant: block
        (-0.0141, -0.0300, 0.0018, True),  # beyond tolerance but noise: pass
        (-0.0050, -0.0080, -0.0020, True),  # significant but within tolerance: pass
        (0.0100, 0.0050, 0.0150, True),  # better
    ],
)
def test_block_needs_a_drop_beyond_tolerance_and_a_ci_excluding_zero(
    value: float, low: float, high: float, acceptable: bool
) -> None:
    metric = change(value, low, high)
    assert metric.is_acceptable() is acceptable
    gate = GatePlan(
        name="post-train",
        checks=(PlannedCheck(check_id="model", target="x:y", config=CheckConfig()),),
    )
    run = CheckRun(check_id="model", result=CheckResult(metrics=(metric,), inputs=1))
    verdict = decide(gate, [run], DecisionInputs(today=TODAY))
    assert verdict.outcome is (Outcome.PASS if acceptable else Outcome.BLOCK)


def test_model_check_is_registered_through_its_entry_point() -> None:
    assert check_registry().load("model") is ModelCheck
    assert validate_check("model", ModelCheck) is ModelCheck


def run_on(root: Path, **settings: Any) -> CheckResult:
    config = ModelConfig(**{"paths": ["data"], "columns": COLUMNS, **settings})
    return ModelCheck().run(CheckContext(root=root, gate="g", today=TODAY), config)


def test_average_precision_takes_drop_limits() -> None:
    config = ModelConfig(
        columns=COLUMNS, performance={"average_precision": {"max_relative_drop": 0.02}}
    )
    assert config.performance[PerformanceMetric.AVERAGE_PRECISION].max_relative_drop == 0.02


def test_intersections_must_name_sensitive_columns() -> None:
    columns = {**COLUMNS, "sensitive": ["sex"], "intersections": [["sex", "region"]]}
    with pytest.raises(ValidationError, match=r"non-sensitive columns: \['region'\]"):
        ModelConfig(columns=columns)


@pytest.mark.parametrize(
    ("column", "values", "error"),
    [
        ("churn", [2] + [0] * 99, "label column 'churn' has 1 value(s) other than 0/1"),
        (
            "candidate_score",
            [1.5] * 100,
            "score column 'candidate_score' has 100 value(s) outside [0, 1]",
        ),
    ],
)
def test_bad_labels_and_scores_are_errors(
    tmp_path: Path, column: str, values: list[float], error: str
) -> None:
    table = churn_table(rows=100, seed=1)
    index = table.schema.get_field_index(column)
    table = table.set_column(index, column, [values])
    write_parquet(table, tmp_path / "data" / "h.parquet")
    assert run_on(tmp_path).errors == (error,)


def test_unreadable_and_unsupported_files_are_errors(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "h.parquet").write_bytes(b"not parquet")
    (error,) = run_on(tmp_path).errors
    assert error.startswith("h.parquet: cannot read: ")
    (tmp_path / "data" / "h.parquet").unlink()
    (tmp_path / "data" / "h.json").write_text("{}")
    (unsupported,) = run_on(tmp_path, include=["*.json"]).errors
    assert unsupported == "h.json: unsupported file type '.json' (Parquet, CSV or Arrow IPC)"


def test_drift_without_reference_or_with_a_missing_one_is_an_error(tmp_path: Path) -> None:
    write_parquet(churn_table(rows=200, seed=2), tmp_path / "data" / "h.parquet")
    columns = {**COLUMNS, "numeric_features": ["tenure"]}
    assert run_on(tmp_path, columns=columns).errors == (
        "features are configured for drift but no `reference` data is",
    )
    missing = run_on(tmp_path, columns=columns, reference=["ref.parquet"])
    assert missing.errors == ("reference file(s) not found: ref.parquet",)


def test_sentences_carry_the_numbers(tmp_path: Path) -> None:
    write_parquet(churn_table(rows=3000, seed=3), tmp_path / "data" / "h.parquet")
    performance = {
        "log_loss": {"max_drop": 0.01, "minimum": 0.6},
        "f1": {"max_relative_drop": 0.05},
    }
    result = run_on(tmp_path, performance=performance)
    texts = {m.name: m.description for m in result.metrics}
    assert texts["model.log_loss"] is not None
    assert texts["model.log_loss"].endswith("on 3,000 rows; it must be at most 0.6000")
    f1 = texts["model.f1.change"]
    assert f1 is not None and "paired bootstrap, 200 replicates, 3,000 rows); tolerance " in f1
    assert "smallest detectable change" in f1


def test_a_single_class_holdout_is_an_error(tmp_path: Path) -> None:
    table = churn_table(rows=100, seed=4)
    table = table.set_column(table.schema.get_field_index("churn"), "churn", [[0] * 100])
    write_parquet(table, tmp_path / "data" / "h.parquet")
    assert run_on(tmp_path).errors == (
        "the holdout has 0 positive and 100 negative rows; judging a classifier needs both classes",
    )


def test_warning_fingerprints_do_not_depend_on_the_numbers(tmp_path: Path) -> None:
    fingerprints = []
    for seed in (5, 6):
        table = churn_table(rows=1000, seed=seed, tiny_region_rows=10 + seed)
        write_parquet(table, tmp_path / str(seed) / "data" / "h.parquet")
        columns = {**COLUMNS, "sensitive": ["region"]}
        result = run_on(tmp_path / str(seed), columns=columns)
        fingerprints.append({f.fingerprint for f in result.findings if "islands" in f.message})
    assert fingerprints[0] == fingerprints[1]
    assert len(fingerprints[0]) == 3
