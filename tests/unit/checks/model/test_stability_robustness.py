"""Robustness (issue 10): unseen categories, declared monotone features, declared invariances."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import onnxruntime as ort  # type: ignore[import-untyped]  # ships no type information
import pyarrow as pa
import pytest
from sklearn.metrics import roc_auc_score

from builders.check_results import blocking, named
from builders.churn import FEATURES, feature_table, onnx_logistic
from builders.served_models import mixed_table, onnx_tree, onnx_with_category, run_serving

ROWS = 3000


def column(table: pa.Table, name: str) -> npt.NDArray[Any]:
    return np.asarray(table.column(name).to_numpy(zero_copy_only=False))


def sigmoid(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(1 / (1 + np.exp(-x)), dtype=np.float64)


def logits(table: pa.Table, coefficients: list[float]) -> npt.NDArray[np.float64]:
    x = np.column_stack([column(table, c) for c in FEATURES]).astype(np.float64)
    return np.asarray(x @ np.array(coefficients), dtype=np.float64)


WEIGHTS = {"monthly": 2.0, "one_year": 0.0, "two_year": -2.0}


def test_an_unseen_category_flips_exactly_the_rows_numpy_predicts(tmp_path: Path) -> None:
    onnx_with_category(tmp_path / "m.onnx", [0.5, 0.5, 0.5], WEIGHTS, column="contract")
    table = mixed_table(ROWS, seed=4)
    robustness = {"perturbations": ["unseen_category"], "unseen_share": 0.2, "max_rows": ROWS}
    result = run_serving(tmp_path, table, candidate_model="m.onnx", robustness=robustness)
    assert [m.name for m in result.metrics if m.name.startswith("robustness.")] == [
        "robustness.unseen_category[contract].roc_auc.change",
        "robustness.unseen_category[contract].flip_rate",
    ]
    # Reference: the same seeded rows lose their category's weight (one-hot of nothing).
    replaced = np.random.default_rng([0, 0, 0]).uniform(size=ROWS) < 0.2
    effect = np.array([WEIGHTS[c] for c in column(table, "contract")])
    clean = sigmoid(logits(table, [0.5, 0.5, 0.5]) + effect)
    perturbed = sigmoid(logits(table, [0.5, 0.5, 0.5]) + np.where(replaced, 0.0, effect))
    flips = np.count_nonzero((clean >= 0.5) != (perturbed >= 0.5))
    flip = named(result, "robustness.unseen_category[contract].flip_rate")
    assert flip.value == flips / ROWS
    assert 0.05 < flip.value < 0.2
    labels = column(table, "churn")
    auc = named(result, "robustness.unseen_category[contract].roc_auc.change")
    expected = roc_auc_score(labels, perturbed) - roc_auc_score(labels, clean)
    assert auc.value == pytest.approx(expected, abs=1e-4)  # onnxruntime scores in float32
    assert blocking(result) == ["robustness.unseen_category[contract].flip_rate"]


def test_a_model_that_refuses_unseen_categories_is_a_robustness_finding(tmp_path: Path) -> None:
    onnx_with_category(
        tmp_path / "strict.onnx",
        [1.0, 1.0, 1.0],
        WEIGHTS,
        column="contract",
        handle_unknown="error",
    )
    robustness = {"perturbations": ["unseen_category", "noise"], "max_rows": 500}
    result = run_serving(
        tmp_path, mixed_table(1000, seed=5), candidate_model="strict.onnx", robustness=robustness
    )
    assert result.errors == ()
    (finding,) = result.findings
    assert finding.rule_id == "MODEL004"
    assert finding.message.startswith(
        "strict.onnx: under unseen values in 'contract' strict.onnx: inference failed:"
    )
    # The numeric perturbations are still judged.
    assert len([m for m in result.metrics if m.name.startswith("robustness.noise[")]) == 6


def reference_sweep(path: Path, table: pa.Table, feature: int, points: int) -> npt.NDArray[Any]:
    """Per row, plain onnxruntime calls over the p1..p99 grid: the largest reversal."""
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    x = np.column_stack([column(table, c) for c in FEATURES]).astype(np.float64)
    grid = np.unique(np.percentile(x[:, feature], np.linspace(1, 99, points)))
    reversals = []
    for row in x:
        swept = np.tile(row, (grid.size, 1))
        swept[:, feature] = grid
        (raw,) = session.run(None, {"features": swept.astype(np.float32)})[1:]
        scores = np.asarray(raw, dtype=np.float64)[:, 1]
        reversals.append(max(float(np.max(-np.diff(scores))), 0.0))
    return np.array(reversals)


def test_monotone_violations_of_a_tree_equal_a_row_by_row_sweep(tmp_path: Path) -> None:
    onnx_tree(tmp_path / "tree.onnx")
    table = feature_table(300, seed=6)
    robustness = {
        "perturbations": [],
        "max_rows": 300,
        "monotone": {"x1": "increasing", "x3": "increasing"},
        "monotone_rows": 300,  # every row: the reference needs no sampling
    }
    result = run_serving(
        tmp_path, table, candidate_model="tree.onnx", features=list(FEATURES), robustness=robustness
    )
    shares = {}
    for index, feature in ((0, "x1"), (2, "x3")):
        expected = reference_sweep(tmp_path / "tree.onnx", table, index, 11)
        metric = named(result, f"robustness.monotone[{feature}].violation_share")
        assert metric.value == np.count_nonzero(expected > 1e-6) / 300
        shares[feature] = metric.value
    assert shares["x1"] > 0.1
    assert blocking(result) == sorted(
        f"robustness.monotone[{f}].violation_share" for f, v in shares.items() if v > 0
    )
    x1 = named(result, "robustness.monotone[x1].violation_share")
    assert x1.description is not None
    assert x1.description.startswith(
        "The score decreases while 'x1' increases (declared increasing)"
    )


def test_a_monotone_logistic_passes_and_a_reversed_declaration_blocks(tmp_path: Path) -> None:
    onnx_logistic(tmp_path / "m.onnx", [1.0, -0.5, 0.25])
    robustness = {
        "perturbations": [],
        "monotone": {"x1": "increasing", "x2": "decreasing", "x3": "decreasing"},
    }
    result = run_serving(
        tmp_path, feature_table(2000, seed=7), candidate_model="m.onnx",
        features=list(FEATURES), robustness=robustness,
    )  # fmt: skip
    shares = {m.name: m.value for m in result.metrics if m.name.startswith("robustness.monotone")}
    assert shares == {
        "robustness.monotone[x1].violation_share": 0.0,
        "robustness.monotone[x2].violation_share": 0.0,
        "robustness.monotone[x3].violation_share": 1.0,
    }
    assert blocking(result) == ["robustness.monotone[x3].violation_share"]


def test_a_monotone_declaration_on_an_unknown_feature_is_an_error(tmp_path: Path) -> None:
    onnx_logistic(tmp_path / "m.onnx", [1.0, 1.0, 1.0])
    robustness = {"perturbations": [], "monotone": {"tenure": "increasing"}}
    result = run_serving(
        tmp_path, feature_table(500, seed=1), candidate_model="m.onnx",
        features=list(FEATURES), robustness=robustness,
    )  # fmt: skip
    assert result.errors == ("monotone feature 'tenure' does not feed a float input of m.onnx",)


def test_a_model_using_sex_breaks_its_invariance_by_the_amount_numpy_computes(
    tmp_path: Path,
) -> None:
    coefficients = [0.5, 0.5, 0.5]
    onnx_with_category(tmp_path / "uses.onnx", coefficients, {"F": 0.0, "M": 1.5}, column="sex")
    onnx_with_category(tmp_path / "ignores.onnx", coefficients, {"F": 0.0, "M": 0.0}, column="sex")
    table = mixed_table(ROWS, seed=8)
    robustness = {"perturbations": [], "max_rows": ROWS, "invariances": [{"feature": "sex"}]}
    uses = run_serving(tmp_path, table, candidate_model="uses.onnx", robustness=robustness)
    assert blocking(uses) == ["invariance[sex].flip_rate", "invariance[sex].max_score_change"]
    # Two values: every row's sex is swapped to the other one.
    logit = logits(table, coefficients)
    men = column(table, "sex") == "M"
    base, swapped = sigmoid(logit + 1.5 * men), sigmoid(logit + 1.5 * ~men)
    change = np.abs(swapped - base)
    assert named(uses, "invariance[sex].max_score_change").value == pytest.approx(
        change.max(), abs=1e-6
    )
    assert named(uses, "invariance[sex].mean_score_change").value == pytest.approx(
        change.mean(), abs=1e-6
    )
    flips = np.count_nonzero((base >= 0.5) != (swapped >= 0.5))
    assert named(uses, "invariance[sex].flip_rate").value == pytest.approx(flips / ROWS, abs=2e-3)
    ignores = run_serving(tmp_path, table, candidate_model="ignores.onnx", robustness=robustness)
    assert blocking(ignores) == []
    assert named(ignores, "invariance[sex].max_score_change").value == 0.0
    assert named(ignores, "invariance[sex].flip_rate").value == 0.0


def test_an_invariance_needs_values_to_swap_among(tmp_path: Path) -> None:
    onnx_with_category(tmp_path / "m.onnx", [1.0, 1.0, 1.0], {"F": 0.0, "M": 0.0}, column="sex")
    robustness = {
        "perturbations": [],
        "invariances": [{"feature": "sex", "values": ["F"]}],
    }
    result = run_serving(
        tmp_path, mixed_table(500, seed=9), candidate_model="m.onnx", robustness=robustness
    )
    assert result.errors == (
        "invariance 'sex': 1 distinct value(s) to swap among (2 to 50 needed; list them "
        "under `values`)",
    )
    robustness["invariances"] = [{"feature": "region"}]
    missing = run_serving(
        tmp_path, mixed_table(500, seed=9), candidate_model="m.onnx", robustness=robustness
    )
    assert missing.errors == ("invariance feature 'region' does not feed the model",)
