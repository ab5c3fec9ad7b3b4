"""Robustness oracles (issue 10): noise, missing values and dropout recomputed by hand.

Each perturbation is rebuilt from its definition (its own seeded stream per perturbation
and feature, the interquartile range from scipy, the imputer's values read from the ONNX
graph), scored by a plain onnxruntime session and by numpy, and the check's flip rate and
AUC change must match what scikit-learn computes from those scores.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import onnx
import onnxruntime as ort  # type: ignore[import-untyped]  # ships no type information
import pyarrow as pa
import pytest
from scipy.stats import iqr
from sklearn.metrics import roc_auc_score

from builders.check_results import blocking, named
from builders.churn import FEATURES, feature_table, onnx_logistic
from builders.served_models import run_serving

ROWS = 3000
COEFFICIENTS = [2.0, -1.0, 0.25]
NOISE, MISSING = 0.5, 0.2
KINDS = ["noise", "missing", "dropout"]


def matrix(table: pa.Table) -> npt.NDArray[np.float64]:
    return np.column_stack([np.asarray(table.column(c).to_numpy()) for c in FEATURES])


def perturbed(x: npt.NDArray[np.float64], kind: int, feature: int) -> npt.NDArray[np.float64]:
    """The holdout with one feature perturbed as the policy defines it (seed 0)."""
    rng = np.random.default_rng([0, kind, feature])
    out = x.copy()
    values = x[:, feature]
    if KINDS[kind] == "noise":
        out[:, feature] = values + rng.normal(0.0, NOISE * iqr(values), values.size)
    elif KINDS[kind] == "missing":
        out[:, feature] = np.where(rng.uniform(size=values.size) < MISSING, np.nan, values)
    else:
        out[:, feature] = np.median(values)
    return out


def onnxruntime_scores(path: Path, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    _, probabilities = session.run(None, {"features": x.astype(np.float32)})
    return np.asarray(probabilities, dtype=np.float64)[:, 1]


def imputed_values(path: Path) -> npt.NDArray[np.float64]:
    (node,) = [n for n in onnx.load(str(path)).graph.node if n.op_type == "Imputer"]
    (values,) = [a.floats for a in node.attribute if a.name == "imputed_value_floats"]
    return np.array(values, dtype=np.float64)


def numpy_scores(x: npt.NDArray[np.float64], fill: npt.NDArray[np.float64]) -> Any:
    filled = np.where(np.isnan(x), fill, x)
    return 1 / (1 + np.exp(-(filled @ np.array(COEFFICIENTS))))


def test_noise_missing_and_dropout_match_onnxruntime_numpy_and_scikit_learn(
    tmp_path: Path,
) -> None:
    path = onnx_logistic(tmp_path / "m.onnx", COEFFICIENTS)  # an imputer, then the regression
    table = feature_table(ROWS, seed=12)
    robustness = {
        "perturbations": KINDS,
        "noise_fraction": NOISE,
        "missing_share": MISSING,
        "max_rows": ROWS,
        "max_flip_rate": 0.05,
        "max_auc_drop": 0.02,
    }
    result = run_serving(
        tmp_path, table, candidate_model="m.onnx", features=list(FEATURES), robustness=robustness
    )
    assert result.errors == () and result.findings == ()
    x, labels = matrix(table), np.asarray(table.column("churn").to_numpy())
    fill = imputed_values(path)
    clean = onnxruntime_scores(path, x)
    assert clean == pytest.approx(numpy_scores(x, fill), abs=1e-6)
    expected_blocks = []
    for kind_index, kind in enumerate(KINDS):
        for feature_index, feature in enumerate(FEATURES):
            changed = perturbed(x, kind_index, feature_index)
            scores = onnxruntime_scores(path, changed)
            # The model's imputer fills exactly the values the graph declares.
            assert scores == pytest.approx(numpy_scores(changed, fill), abs=1e-6)
            name = f"robustness.{kind}[{feature}]"
            flips = np.count_nonzero((scores >= 0.5) != (clean >= 0.5))
            flip = named(result, f"{name}.flip_rate")
            assert flips > 0 and (flip.value, flip.n) == (flips / ROWS, ROWS)
            change = roc_auc_score(labels, scores) - roc_auc_score(labels, clean)
            auc = named(result, f"{name}.roc_auc.change")
            assert auc.value == pytest.approx(change, abs=1e-12)
            expected_blocks += [m.name for m in (flip, auc) if not m.is_acceptable()]
    assert blocking(result) == sorted(expected_blocks)
    # The strong x1 flips many decisions when perturbed; the weak x3 flips few.
    assert named(result, "robustness.dropout[x1].flip_rate").value > 0.3
    assert "robustness.dropout[x1].flip_rate" in expected_blocks
    assert not [b for b in expected_blocks if b.startswith("robustness.") and "[x3].flip" in b]


def test_missing_values_are_exactly_the_seeded_share_of_rows(tmp_path: Path) -> None:
    # With only x1 in the model, a missing x1 is the imputed value: every changed score is
    # a row the seeded stream chose, and every chosen row gets the imputed score.
    path = onnx_logistic(tmp_path / "m.onnx", [3.0, 0.0, 0.0])
    table = feature_table(1000, seed=13)
    robustness = {"perturbations": ["missing"], "missing_share": MISSING, "max_rows": 1000}
    result = run_serving(
        tmp_path, table, candidate_model="m.onnx", features=list(FEATURES), robustness=robustness
    )
    x = matrix(table)
    chosen = np.random.default_rng([0, 0, 0]).uniform(size=1000) < MISSING
    fill = imputed_values(path)[0]
    clean = x[:, 0] >= 0
    after = np.where(chosen, fill >= 0, clean)
    flip = named(result, "robustness.missing[x1].flip_rate")
    assert flip.value == np.count_nonzero(after != clean) / 1000
    assert named(result, "robustness.missing[x2].flip_rate").value == 0.0
