"""skops models (issue 10): loaded with an explicit type allowlist, never unpickled."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from builders.churn import FEATURES, feature_table
from builders.served_models import run_serving, skops_classifier
from mlgate.checks.model.reader import ModelInputError
from mlgate.checks.model.stability.models import load_model, score_rows
from mlgate.core.check import CheckResult

TREE_PREDICTOR = "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"


def run(root: Path, **serving: Any) -> CheckResult:
    return run_serving(root, feature_table(2000, seed=1), **serving)


def test_skops_scores_equal_scikit_learn_predict_proba(tmp_path: Path) -> None:
    estimator = skops_classifier(tmp_path / "m.skops")
    model = load_model(tmp_path / "m.skops", [])
    assert [(s.name, s.element, s.shape) for s in model.inputs] == [
        ("features", "tensor(double)", (None, 3))
    ]
    table = feature_table(300, seed=2)
    x = np.column_stack([table.column(c).to_numpy() for c in FEATURES])
    scores = score_rows(model, {"features": x}, "probabilities")
    assert scores.tolist() == estimator.predict_proba(x)[:, 1].tolist()


def test_a_skops_candidate_is_judged_like_an_onnx_one(tmp_path: Path) -> None:
    skops_classifier(tmp_path / "m.skops")
    result = run(tmp_path, candidate_model="m.skops", features=list(FEATURES))
    assert result.errors == () and result.findings == ()
    assert len([m for m in result.metrics if m.name.startswith("robustness.")]) == 18


def test_types_off_the_allowlist_are_refused_until_the_policy_trusts_them(tmp_path: Path) -> None:
    estimator = skops_classifier(tmp_path / "gb.skops", "boosting")
    refused = run(tmp_path, candidate_model="gb.skops", features=list(FEATURES))
    assert refused.errors == (
        "gb.skops: refused to load: the skops file contains types not on the allowlist "
        f"({TREE_PREDICTOR}); review them and list them under "
        "`stability.serving.trusted_types` if they are safe",
    )
    trusted = run(
        tmp_path,
        candidate_model="gb.skops",
        features=list(FEATURES),
        trusted_types=[TREE_PREDICTOR],
    )
    assert trusted.errors == ()
    model = load_model(tmp_path / "gb.skops", [TREE_PREDICTOR])
    x = np.random.default_rng(3).normal(size=(50, 3))
    assert score_rows(model, {"features": x}, "probabilities").tolist() == (
        estimator.predict_proba(x)[:, 1].tolist()
    )


def test_named_columns_bind_by_name_and_a_renamed_one_breaks_the_contract(tmp_path: Path) -> None:
    skops_classifier(tmp_path / "named.skops", named=True)
    model = load_model(tmp_path / "named.skops", [])
    assert [s.name for s in model.inputs] == list(FEATURES)
    fine = run(tmp_path, candidate_model="named.skops", robustness=None)
    assert fine.errors == () and fine.findings == ()
    renamed_holdout = feature_table(500, seed=1).rename_columns(
        ["x1", "x2", "x3_v2", "churn", "candidate_score"]
    )
    renamed = run_serving(tmp_path / "other", renamed_holdout, candidate_model="../named.skops")
    assert [f.message for f in renamed.findings] == [
        "named.skops: model input 'x3' has no holdout column (did the column get renamed? "
        "nearest: 'x3_v2')"
    ]


def test_pickles_and_broken_files_are_never_loaded(tmp_path: Path) -> None:
    (tmp_path / "m.pkl").write_bytes(pickle.dumps({"coef": [1.0, 2.0]}))
    with pytest.raises(ModelInputError, match="never pickles"):
        load_model(tmp_path / "m.pkl", [])
    (tmp_path / "broken.skops").write_bytes(b"PK\x03\x04 not really a zip")
    result = run(tmp_path, candidate_model="broken.skops", features=list(FEATURES))
    assert len(result.errors) == 1
    assert result.errors[0].startswith("broken.skops: not a readable skops file:")
