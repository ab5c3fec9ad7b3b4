"""Tiny served models for the stability tests: ONNX with string inputs, trees, skops, MLflow.

Like ``builders.churn``'s ONNX builders, coefficients are chosen rather than learnt where a
test needs a known dependence on each input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from builders.churn import FEATURES, feature_table, write_features_onnx, write_parquet
from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.core.check import CheckContext, CheckResult

CONTRACTS = ("monthly", "one_year", "two_year")
SEXES = ("F", "M")
SERVING_COLUMNS = {"label": "churn", "candidate": "candidate_score"}


def run_serving(root: Path, holdout: pa.Table, **serving: Any) -> CheckResult:
    """Run the model check at ``pre-deploy`` on ``holdout`` with only the serving checks."""
    write_parquet(holdout, root / "data" / "holdout.parquet")
    config = ModelConfig(
        paths=["data"],
        columns=SERVING_COLUMNS,
        stability={"decisions": None, "calibration": None, "serving": serving},
    )
    return ModelCheck().run(
        CheckContext(root=root, gate="pre-deploy", today=date(2026, 1, 1)), config
    )


def mixed_table(rows: int, seed: int) -> pa.Table:
    """``feature_table`` plus a ``contract`` and a ``sex`` string column."""
    rng = np.random.default_rng(seed + 1000)
    table = feature_table(rows, seed)
    table = table.append_column("contract", pa.array(rng.choice(CONTRACTS, rows).tolist()))
    return table.append_column("sex", pa.array(rng.choice(SEXES, rows).tolist()))


def onnx_with_category(
    path: Path,
    coefficients: Sequence[float],
    weights: Mapping[str, float],
    *,
    column: str,
    handle_unknown: str = "ignore",
) -> Path:
    """``sigmoid(x @ coefficients + weights[category])`` with one input per column (skl2onnx).

    The category is one-hot encoded; with ``handle_unknown="ignore"`` an unseen category
    contributes 0, with ``"error"`` onnxruntime refuses to score it.
    """
    import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the dev environment
    from skl2onnx import to_onnx  # type: ignore[import-untyped]  # ships no type information
    from skl2onnx.common.data_types import (  # type: ignore[import-untyped]  # untyped
        FloatTensorType,
        StringTensorType,
    )
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    categories = sorted(weights)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {name: rng.normal(size=64) for name in FEATURES} | {column: rng.choice(categories, 64)}
    )
    encoder = OneHotEncoder(categories=[categories], handle_unknown=handle_unknown)
    columns = ColumnTransformer([("cat", encoder, [column]), ("num", "passthrough", FEATURES)])
    regression = LogisticRegression()
    model = make_pipeline(columns, regression).fit(frame, (frame["x1"] > 0).astype(np.int64))
    regression.coef_ = np.array([[*(weights[c] for c in categories), *coefficients]])
    regression.intercept_ = np.zeros(1)
    types = [(name, FloatTensorType([None, 1])) for name in FEATURES]
    types.append((column, StringTensorType([None, 1])))
    exported = to_onnx(model, initial_types=types, options={"zipmap": False}, target_opset=17)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(exported.SerializeToString())
    return path


def onnx_tree(path: Path, *, depth: int = 6) -> Path:
    """A decision tree on ``features``: increasing in x1 where x2 > 0, decreasing elsewhere."""
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.tree import DecisionTreeClassifier

    x = np.random.default_rng(3).normal(size=(2000, len(FEATURES)))
    tree = DecisionTreeClassifier(max_depth=depth, random_state=0)
    tree.fit(x, ((x[:, 0] > 0) == (x[:, 1] > 0)).astype(np.int64))
    types = [("features", FloatTensorType([None, len(FEATURES)]))]
    exported = to_onnx(tree, initial_types=types, options={"zipmap": False}, target_opset=17)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(exported.SerializeToString())
    return path


def onnx_heavy(path: Path, megabytes: int) -> Path:
    """``sigmoid(x @ 1)`` that also reads a ``megabytes`` initializer (a memory-hungry model)."""
    from onnx import helper

    weights = {
        "w": np.ones((len(FEATURES), 1), dtype=np.float32),
        "ballast": np.random.default_rng(2).normal(size=megabytes * 2**18).astype(np.float32),
        "zero": np.zeros(1, dtype=np.float32),
    }
    nodes = [
        helper.make_node("MatMul", ["features", "w"], ["logit"]),
        helper.make_node("ReduceSum", ["ballast"], ["total"], keepdims=1),
        helper.make_node("Mul", ["total", "zero"], ["nothing"]),
        helper.make_node("Add", ["logit", "nothing"], ["sum"]),
        helper.make_node("Sigmoid", ["sum"], ["probability"]),
    ]
    return write_features_onnx(path, "heavy", nodes, weights)


def skops_classifier(path: Path, kind: str = "logistic", *, named: bool = False) -> Any:
    """Fit a small classifier on ``FEATURES``, dump it with skops; return the estimator.

    ``kind`` is ``logistic`` (an imputer and a logistic regression) or ``boosting``
    (histogram gradient boosting, whose tree predictors skops does not trust by default).
    ``named`` fits on a DataFrame, so the estimator knows its column names.
    """
    import pandas as pd
    import skops.io as sio  # type: ignore[import-untyped]  # ships no type information
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    table = feature_table(500, seed=9)
    x = np.column_stack([table.column(c).to_numpy() for c in FEATURES])
    y = np.asarray(table.column("churn").to_numpy())
    model = (
        make_pipeline(SimpleImputer(), LogisticRegression())
        if kind == "logistic"
        else HistGradientBoostingClassifier(max_iter=10, random_state=0)
    )
    model.fit(pd.DataFrame(x, columns=list(FEATURES)) if named else x, y)
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(model, path)
    return model


def mlmodel(path: Path, inputs: list[dict[str, Any]], outputs: list[dict[str, Any]]) -> Path:
    """An MLflow ``MLmodel`` file whose signature holds ``inputs`` and ``outputs`` (JSON text)."""
    text = (
        "artifact_path: model\n"
        "flavors:\n"
        "  python_function:\n"
        "    loader_module: mlflow.sklearn\n"
        "    python_version: 3.11.9\n"
        "mlflow_version: 2.16.0\n"
        "signature:\n"
        f"  inputs: '{json.dumps(inputs)}'\n"
        f"  outputs: '{json.dumps(outputs)}'\n"
        "  params: null\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
