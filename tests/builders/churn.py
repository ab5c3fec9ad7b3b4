"""Deterministic churn holdouts: a champion and candidates that are equal, worse or biased.

The generator itself lives in ``examples/demo_assets.py`` (the demo and the tests judge
the same rows; see its docstring for the scenarios); this module adds the writers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from demo_assets import Candidate, DriftKind, churn_table

__all__ = [
    "FEATURES",
    "Candidate",
    "DriftKind",
    "calibrated",
    "champion_scores",
    "churn_table",
    "feature_table",
    "onnx_linear",
    "onnx_logistic",
    "reorder_group",
    "with_candidate",
    "write_csv",
    "write_features_onnx",
    "write_parquet",
]


def write_parquet(table: pa.Table, path: Path, *, row_group_rows: int = 4096) -> Path:
    """Write ``table`` as Parquet in row groups of ``row_group_rows``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, row_group_size=row_group_rows)
    return path


def write_csv(table: pa.Table, path: Path) -> Path:
    """Write ``table`` as CSV with a header row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table, path)
    return path


def with_candidate(table: pa.Table, scores: npt.NDArray[np.float64]) -> pa.Table:
    """``table`` with its candidate scores replaced (rounded like the generator's)."""
    index = table.schema.get_field_index("candidate_score")
    return table.set_column(index, "candidate_score", pa.array(np.round(scores, 6)))


def champion_scores(table: pa.Table) -> npt.NDArray[np.float64]:
    """The champion's scores as a float array."""
    return np.array(table.column("champion_score").to_numpy(), dtype=np.float64)


def reorder_group(table: pa.Table, column: str, value: str, seed: int) -> pa.Table:
    """A candidate equal to the champion except within one group, where scores are shuffled."""
    scores = champion_scores(table)
    members = np.asarray(table.column(column).to_numpy(zero_copy_only=False) == value)
    scores[members] = np.random.default_rng(seed).permutation(scores[members])
    return with_candidate(table, scores)


def calibrated(table: pa.Table, seed: int) -> pa.Table:
    """``table`` with labels drawn from the champion's scores, so the champion is calibrated."""
    draws = np.random.default_rng(seed).uniform(size=table.num_rows)
    churn = (draws < champion_scores(table)).astype(np.int64)
    return table.set_column(table.schema.get_field_index("churn"), "churn", pa.array(churn))


FEATURES = ("x1", "x2", "x3")


def feature_table(rows: int, seed: int) -> pa.Table:
    """Three standard normal features, a 0/1 label from all three, and placeholder scores."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 3))
    label = (rng.uniform(size=rows) < 1 / (1 + np.exp(-(x.sum(axis=1))))).astype(np.int64)
    columns: dict[str, Any] = {name: x[:, i] for i, name in enumerate(FEATURES)}
    columns |= {"churn": label, "candidate_score": np.full(rows, 0.5)}
    return pa.table(columns)


def onnx_logistic(
    path: Path,
    coefficients: Sequence[float],
    *,
    inputs: Sequence[str] = ("features",),
    imputer: bool = True,
) -> Path:
    """A logistic regression with the given coefficients exported by skl2onnx.

    One input name gives a single ``[n, 3]`` input; three names give one ``[n, 1]`` input
    per feature. Without ``imputer`` a missing value makes the score NaN.
    """
    from skl2onnx import to_onnx  # type: ignore[import-untyped]  # ships no type information
    from skl2onnx.common.data_types import (  # type: ignore[import-untyped]  # untyped
        FloatTensorType,
    )
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    x = np.random.default_rng(0).normal(size=(64, len(coefficients)))
    regression = LogisticRegression()
    model = make_pipeline(SimpleImputer(), regression) if imputer else regression
    model.fit(x, (x[:, 0] > 0).astype(np.int64))
    # Chosen, not learnt: each scenario needs a known dependence on each feature.
    regression.coef_ = np.array([coefficients], dtype=np.float64)
    regression.intercept_ = np.zeros(1)
    width = len(coefficients) if len(inputs) == 1 else 1
    types = [(name, FloatTensorType([None, width])) for name in inputs]
    exported = to_onnx(model, initial_types=types, options={"zipmap": False}, target_opset=17)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(exported.SerializeToString())
    return path


def onnx_linear(path: Path, coefficients: Sequence[float], *, extra_layers: int = 0) -> Path:
    """``sigmoid(x @ w)`` as a hand-written ONNX graph, optionally slowed by extra nodes.

    The extra nodes (``extra_layers`` 256-wide MatMuls on the input, multiplied by 0 and
    added to the logit) leave every score unchanged and make each call slower.
    """
    from onnx import helper

    rng = np.random.default_rng(1)
    width = len(coefficients)
    weights: dict[str, npt.NDArray[np.float32]] = {
        "w": np.array(coefficients, dtype=np.float32).reshape(width, 1)
    }
    nodes = [helper.make_node("MatMul", ["features", "w"], ["logit"])]
    last = "logit"
    if extra_layers:
        weights |= {
            "zero": np.zeros(1, dtype=np.float32),
            "expand": rng.normal(size=(width, 256)).astype(np.float32),
            "square": (rng.normal(size=(256, 256)) / 16).astype(np.float32),
        }
        nodes.append(helper.make_node("MatMul", ["features", "expand"], ["h0"]))
        nodes.extend(
            helper.make_node("MatMul", [f"h{layer}", "square"], [f"h{layer + 1}"])
            for layer in range(extra_layers)
        )
        nodes += [
            helper.make_node("ReduceMean", [f"h{extra_layers}"], ["mean"], axes=[1]),
            helper.make_node("Mul", ["mean", "zero"], ["nothing"]),
            helper.make_node("Add", ["logit", "nothing"], ["slowed"]),
        ]
        last = "slowed"
    nodes.append(helper.make_node("Sigmoid", [last], ["probability"]))
    return write_features_onnx(path, "linear", nodes, weights)


def write_features_onnx(
    path: Path, name: str, nodes: Sequence[Any], weights: Mapping[str, npt.NDArray[np.float32]]
) -> Path:
    """Write ``nodes`` as an opset-17 graph from a float ``features`` input to ``probability``.

    ``weights`` are the initializers; the input width is that of ``weights["w"]``.
    """
    from onnx import TensorProto, helper, numpy_helper

    width = int(weights["w"].shape[0])
    graph = helper.make_graph(
        list(nodes),
        name,
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, [None, width])],
        [helper.make_tensor_value_info("probability", TensorProto.FLOAT, [None, 1])],
        initializer=[numpy_helper.from_array(v, name=k) for k, v in weights.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(model.SerializeToString())
    return path
