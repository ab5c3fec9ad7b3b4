"""Serving contract (issue 10): MLflow signatures, nullable inputs and training value ranges."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from builders.churn import FEATURES, feature_table, onnx_logistic, write_parquet
from builders.served_models import mixed_table, mlmodel, onnx_with_category
from mlgate.api import RunOptions
from mlgate.api import run as run_policy
from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.checks.model.engine import SketchColumns
from mlgate.checks.model.profile import build_profile, profile_to_json
from mlgate.checks.model.stability.mlflow_signature import read_signature
from mlgate.core.check import CheckContext, CheckResult

COLUMNS: dict[str, Any] = {"label": "churn", "candidate": "candidate_score"}
DOUBLES = [{"name": name, "type": "double", "required": True} for name in FEATURES]
OUTPUTS = [{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 2]}}]


def run(
    root: Path, table: pa.Table, *, columns: dict[str, Any] = COLUMNS, **stability: Any
) -> CheckResult:
    write_parquet(table, root / "data" / "holdout.parquet")
    config = ModelConfig(
        paths=["data"],
        columns=columns,
        stability={"decisions": None, "calibration": None, **stability},
        **({"reference_profile": "profile.json"} if (root / "profile.json").exists() else {}),
    )
    return ModelCheck().run(
        CheckContext(root=root, gate="pre-deploy", today=date(2026, 1, 1)), config
    )


def serving(**settings: Any) -> dict[str, Any]:
    return {"candidate_model": "m.onnx", "features": list(FEATURES), "robustness": None, **settings}


def messages(result: CheckResult) -> list[str]:
    assert result.errors == ()
    return [f.message for f in result.findings]


def test_mlflow_column_and_tensor_signatures_are_read_without_loading_a_model(
    tmp_path: Path,
) -> None:
    path = mlmodel(tmp_path / "model" / "MLmodel", DOUBLES, OUTPUTS)
    signature = read_signature(tmp_path / "model")
    assert [(s.name, s.element, s.shape) for s in signature.inputs] == [
        (name, "tensor(double)", (None,)) for name in FEATURES
    ]
    assert [(s.element, s.shape) for s in signature.outputs] == [("tensor(double)", (None, 2))]
    assert signature.required == frozenset(FEATURES)
    assert signature.path == path


def test_a_matching_mlflow_signature_passes_and_a_renamed_column_blocks(tmp_path: Path) -> None:
    onnx_logistic(tmp_path / "m.onnx", [1.0, 1.0, 1.0])
    mlmodel(tmp_path / "mlflow" / "MLmodel", DOUBLES, OUTPUTS)
    table = feature_table(800, seed=1)
    assert messages(run(tmp_path, table, serving=serving(mlflow_model="mlflow"))) == []
    renamed: list[dict[str, Any]] = [*DOUBLES[:2], {"name": "x3_new", "type": "double"}]
    mlmodel(tmp_path / "mlflow" / "MLmodel", renamed, OUTPUTS)
    result = run(tmp_path, table, serving=serving(mlflow_model="mlflow"))
    assert messages(result) == [
        "MLmodel: model input 'x3_new' has no holdout column (did the column get renamed? "
        "nearest: 'x3')"
    ]
    assert {f.rule_id for f in result.findings} == {"MODEL003"}


def test_mlflow_types_and_tensor_widths_are_checked(tmp_path: Path) -> None:
    onnx_logistic(tmp_path / "m.onnx", [1.0, 1.0, 1.0])
    spec = [{"name": "x1", "type": "string"}, {"name": "x2", "type": "datetime"}]
    mlmodel(tmp_path / "MLmodel", spec, [])
    table = feature_table(500, seed=2)
    assert messages(run(tmp_path, table, serving=serving(mlflow_model="MLmodel"))) == [
        "MLmodel: model input 'x1' is tensor(string) but column 'x1' is double",
        "MLmodel: model input 'x2' is mlflow(datetime) but column 'x2' is double",
    ]
    tensor = [{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]
    mlmodel(tmp_path / "MLmodel", tensor, OUTPUTS)
    assert messages(run(tmp_path, table, serving=serving(mlflow_model="MLmodel"))) == [
        "MLmodel: model input 'tensor 0' takes 4 column(s) but 3 are fed"
    ]


def with_nulls(table: pa.Table, name: str, every: int) -> pa.Table:
    values = table.column(name).to_pylist()
    values = [None if i % every == 0 else v for i, v in enumerate(values)]
    return table.set_column(table.schema.get_field_index(name), name, pa.array(values))


def test_nulls_in_a_required_or_non_float_input_break_the_contract(tmp_path: Path) -> None:
    onnx_logistic(tmp_path / "m.onnx", [1.0, 1.0, 1.0])
    table = with_nulls(feature_table(1000, seed=3), "x2", 10)
    optional: list[dict[str, Any]] = [
        *DOUBLES[:1],
        {"name": "x2", "type": "double", "required": False},
        DOUBLES[2],
    ]
    mlmodel(tmp_path / "MLmodel", optional, OUTPUTS)
    assert messages(run(tmp_path, table, serving=serving(mlflow_model="MLmodel"))) == []
    mlmodel(tmp_path / "MLmodel", DOUBLES, OUTPUTS)
    assert messages(run(tmp_path, table, serving=serving(mlflow_model="MLmodel"))) == [
        "MLmodel: column 'x2' has 100 null(s) but model input 'x2' is not nullable"
    ]
    # A string tensor cannot carry a null; a float one can (NaN).
    weights = {"monthly": 1.0, "one_year": 0.0, "two_year": -1.0}
    onnx_with_category(tmp_path / "cat.onnx", [1.0, 1.0, 1.0], weights, column="contract")
    mixed = with_nulls(mixed_table(1000, seed=4), "contract", 50)
    result = run(tmp_path, mixed, serving={"candidate_model": "cat.onnx", "robustness": None})
    assert messages(result) == [
        "cat.onnx: column 'contract' has 20 null(s) but model input 'contract' is not nullable"
    ]
    assert [s.reason for s in result.skipped][-1].startswith("robustness and latency not measured")


def test_an_unreadable_mlmodel_is_an_error(tmp_path: Path) -> None:
    onnx_logistic(tmp_path / "m.onnx", [1.0, 1.0, 1.0])
    (tmp_path / "MLmodel").write_text("signature: [unclosed\n", encoding="utf-8")
    result = run(tmp_path, feature_table(300, seed=1), serving=serving(mlflow_model="MLmodel"))
    assert len(result.errors) == 1
    assert result.errors[0].startswith("MLmodel: not a readable MLmodel file")
    (tmp_path / "MLmodel").write_text("flavors: {}\n", encoding="utf-8")
    result = run(tmp_path, feature_table(300, seed=1), serving=serving(mlflow_model="MLmodel"))
    assert result.errors == ("MLmodel: the MLflow model declares no input signature",)


RANGE_COLUMNS = {**COLUMNS, "numeric_features": list(FEATURES)}


def test_out_of_range_shares_equal_numpy_against_the_training_profile(tmp_path: Path) -> None:
    training = feature_table(5000, seed=5)
    write_parquet(training, tmp_path / "train.parquet")
    profile = build_profile([tmp_path / "train.parquet"], SketchColumns(numeric=FEATURES))
    (tmp_path / "profile.json").write_text(profile_to_json(profile), encoding="utf-8")
    holdout = feature_table(4000, seed=6)
    shifted = np.asarray(holdout.column("x2").to_numpy()) + 1.5
    holdout = holdout.set_column(1, "x2", pa.array(shifted))
    result = run(tmp_path, holdout, columns=RANGE_COLUMNS, ranges={})
    assert result.errors == ()
    shares = {m.name: m for m in result.metrics if m.name.startswith("serving.out_of_range")}
    for name in FEATURES:
        seen = np.asarray(training.column(name).to_numpy())
        now = np.asarray(holdout.column(name).to_numpy())
        expected = np.mean((now < seen.min()) | (now > seen.max()))
        assert shares[f"serving.out_of_range_share[{name}]"].value == pytest.approx(expected, abs=0)
    blocked = sorted(n for n, m in shares.items() if not m.is_acceptable())
    assert blocked == ["serving.out_of_range_share[x2]"]
    assert shares["serving.out_of_range_share[x2]"].value > 0.01


def test_ranges_without_a_reference_are_skipped_with_a_reason(tmp_path: Path) -> None:
    result = run(tmp_path, feature_table(300, seed=1), ranges={})
    assert result.errors == ()
    assert (
        "value ranges not checked: no `reference`, `reference_profile` or `reference_table` "
        "configured" in [s.reason for s in result.skipped]
    )


RANGE_POLICY = """version: 1
gates:
  pre-deploy:
    checks:
      model:
        paths: [data]
        reference_table: train
        columns: {label: churn, candidate: candidate_score, numeric_features: [x1, x2, x3]}
        stability: {decisions: null, calibration: null, ranges: {}}
"""


def test_an_in_memory_reference_table_gives_the_training_ranges(tmp_path: Path) -> None:
    training = feature_table(3000, seed=5)
    holdout = feature_table(2000, seed=6)
    holdout = holdout.set_column(0, "x1", pa.array(np.asarray(holdout.column("x1")) * 2.0))
    write_parquet(holdout, tmp_path / "data" / "holdout.parquet")
    (tmp_path / "mlgate.yaml").write_text(RANGE_POLICY, encoding="utf-8")
    options = RunOptions(jobs=1, tables={"train": training.to_pandas()})
    verdict = run_policy(tmp_path / "mlgate.yaml", "pre-deploy", options)
    ((model,),) = [g.checks for g in verdict.gates]
    assert model.errors == ()
    shares = {m.metric.name: m.metric for m in model.metrics}
    for name in FEATURES:
        seen = np.asarray(training.column(name).to_numpy())
        now = np.asarray(holdout.column(name).to_numpy())
        expected = np.mean((now < seen.min()) | (now > seen.max()))
        found = shares[f"serving.out_of_range_share[{name}]"]
        assert found.value == pytest.approx(expected, abs=0)
    failed = [m.metric.name for m in model.failed_metrics() if m.metric.name.startswith("serving")]
    assert failed == ["serving.out_of_range_share[x1]"]  # drift also blocks on x1, rightly
