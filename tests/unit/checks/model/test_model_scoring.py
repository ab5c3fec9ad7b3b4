"""Score columns produced by ONNX and skops models (``scoring``), never by a pickle."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.ipc as paipc
import pytest
from sklearn import metrics as skm
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from builders.benign_pickles import estimator as pickled_estimator
from builders.churn import write_csv, write_parquet
from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.checks.model.scoring import score_file, scorers
from mlgate.core.check import CheckContext

FEATURES = ["x1", "x2", "x3"]
COLUMNS: dict[str, Any] = {
    "label": "churn",
    "candidate": "candidate_score",
    "champion": "champion_score",
    "sensitive": ["sex"],
}


def holdout(rows: int, seed: int) -> tuple[pa.Table, npt.NDArray[np.float64]]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 3))
    label = (rng.uniform(size=rows) < 1 / (1 + np.exp(-x.sum(axis=1)))).astype(np.int64)
    sex = np.where(rng.uniform(size=rows) < 0.5, "F", "M")
    columns: dict[str, Any] = {n: x[:, i] for i, n in enumerate(FEATURES)}
    return pa.table({**columns, "churn": label, "sex": sex}), x


def fitted(seed: int) -> tuple[LogisticRegression, LogisticRegression]:
    table, x = holdout(2000, seed)
    label = table.column("churn").to_numpy()
    # A strongly regularised champion: different scores from the same features.
    return LogisticRegression().fit(x, label), LogisticRegression(C=0.001).fit(x, label)


def to_onnx(model: LogisticRegression, path: Path) -> Path:
    from skl2onnx import to_onnx as export  # type: ignore[import-untyped]  # untyped
    from skl2onnx.common.data_types import FloatTensorType  # type: ignore[import-untyped]

    types = [("features", FloatTensorType([None, 3]))]
    onnx = export(model, initial_types=types, options={"zipmap": False}, target_opset=17)
    path.write_bytes(onnx.SerializeToString())
    return path


def to_skops(model: LogisticRegression | DecisionTreeClassifier, path: Path) -> Path:
    import skops.io as sio  # type: ignore[import-untyped]  # ships no type information

    path.write_bytes(sio.dumps(model))
    return path


def config(**scoring: Any) -> ModelConfig:
    return ModelConfig(
        paths=["data"],
        columns=COLUMNS,
        scoring={"features": FEATURES, **scoring},
        performance={"roc_auc": {"max_drop": 0.01}, "brier": {"max_drop": 0.01}},
        batch_rows=1024,
    )


def context(root: Path) -> CheckContext:
    return CheckContext(root=root, gate="post-train", today=date(2026, 1, 1))


@pytest.fixture
def models(tmp_path: Path) -> tuple[LogisticRegression, LogisticRegression]:
    candidate, champion = fitted(seed=1)
    to_onnx(candidate, tmp_path / "candidate.onnx")
    to_skops(champion, tmp_path / "champion.skops")
    return candidate, champion


@pytest.mark.parametrize("writer", [write_parquet, write_csv], ids=["parquet", "csv"])
def test_scores_equal_predict_proba_batch_by_batch(
    tmp_path: Path, models: tuple[LogisticRegression, LogisticRegression], writer: Any
) -> None:
    candidate, champion = models
    table, x = holdout(5000, seed=2)  # several batches of 1,024 rows
    suffix = ".parquet" if writer is write_parquet else ".csv"
    source = writer(table, tmp_path / "data" / f"holdout{suffix}")
    settings = config(candidate_model="candidate.onnx", champion_model="champion.skops")
    from mlgate.checks.model.reader import column_types

    found = scorers(context(tmp_path), settings, column_types(source))
    target = score_file(source, tmp_path / "scored.arrow", found, settings)
    scored = paipc.open_file(pa.memory_map(str(target))).read_all()
    assert scored.num_rows == 5000
    assert scored.column("churn").to_pylist() == table.column("churn").to_pylist()
    onnx = scored.column("candidate_score").to_numpy()
    # ONNX computes in float32: equal to scikit-learn up to single precision.
    np.testing.assert_allclose(onnx, candidate.predict_proba(x)[:, 1], atol=1e-6)
    skops = scored.column("champion_score").to_numpy()
    np.testing.assert_array_equal(skops, champion.predict_proba(x)[:, 1])


def test_the_check_judges_model_scores_like_score_columns(
    tmp_path: Path, models: tuple[LogisticRegression, LogisticRegression]
) -> None:
    candidate, champion = models
    table, x = holdout(5000, seed=2)
    write_parquet(table, tmp_path / "data" / "holdout.parquet", row_group_rows=1000)
    settings = config(candidate_model="candidate.onnx", champion_model="champion.skops")
    result = ModelCheck().run(context(tmp_path), settings)
    assert result.errors == ()
    by_name = {m.name: m for m in result.metrics}
    label = table.column("churn").to_numpy()
    expected = skm.roc_auc_score(label, champion.predict_proba(x)[:, 1])
    assert abs(by_name["model.roc_auc.champion"].value - expected) < 1e-12
    onnx_auc = skm.roc_auc_score(label, candidate.predict_proba(x)[:, 1])
    assert abs(by_name["model.roc_auc"].value - onnx_auc) < 1e-3
    assert "model.roc_auc.change" in by_name
    assert not list(tmp_path.glob("**/*.arrow"))  # nothing left behind in the project


def test_a_pickle_model_is_refused_unread(tmp_path: Path) -> None:
    table, _ = holdout(500, seed=3)
    write_parquet(table, tmp_path / "data" / "holdout.parquet")
    pickle = tmp_path / "candidate.pkl"
    pickle.write_bytes(pickled_estimator("sklearn.linear_model", "LogisticRegression"))
    result = ModelCheck().run(context(tmp_path), config(candidate_model="candidate.pkl"))
    (error,) = result.errors
    assert "candidate.pkl" in error and "never pickles" in error
    assert result.metrics == ()


def test_a_holdout_that_already_has_the_scores_is_ambiguous(
    tmp_path: Path, models: tuple[LogisticRegression, LogisticRegression]
) -> None:
    table, _ = holdout(500, seed=3)
    table = table.append_column("candidate_score", pa.array(np.full(500, 0.5)))
    write_parquet(table, tmp_path / "data" / "holdout.parquet")
    result = ModelCheck().run(context(tmp_path), config(candidate_model="candidate.onnx"))
    (error,) = result.errors
    assert "already has a 'candidate_score' column" in error


def test_a_model_missing_an_input_column_is_an_error(
    tmp_path: Path, models: tuple[LogisticRegression, LogisticRegression]
) -> None:
    table, _ = holdout(500, seed=3)
    write_parquet(table.drop_columns(["x3"]), tmp_path / "data" / "holdout.parquet")
    result = ModelCheck().run(context(tmp_path), config(candidate_model="candidate.onnx"))
    (error,) = result.errors
    assert error.startswith("candidate.onnx cannot score the holdout")
    assert "'x3' has no holdout column" in error


def test_a_champion_model_needs_a_champion_column() -> None:
    with pytest.raises(ValueError, match=r"needs `columns\.champion`"):
        ModelConfig(
            paths=["data"],
            columns={**COLUMNS, "champion": None},
            scoring={"champion_model": "m.onnx"},
        )


def test_skops_types_off_the_allowlist_need_trusted_types(tmp_path: Path) -> None:
    table, x = holdout(3000, seed=4)
    tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(x, table.column("churn"))
    to_skops(tree, tmp_path / "tree.skops")
    write_parquet(table, tmp_path / "data" / "holdout.parquet")
    refused = ModelCheck().run(context(tmp_path), config(candidate_model="tree.skops"))
    (error,) = refused.errors
    assert "refused to load" in error and "sklearn.tree._tree.Tree" in error
    assert "under `scoring.trusted_types`" in error
    trusted = config(candidate_model="tree.skops", trusted_types=["sklearn.tree._tree.Tree"])
    result = ModelCheck().run(context(tmp_path), trusted)
    # The champion column is configured but neither present nor scored.
    (missing,) = result.errors
    assert missing.startswith("holdout.scored.arrow: missing column(s) champion_score")
    first_run = trusted.model_copy(
        update={"columns": trusted.columns.model_copy(update={"champion": None})}
    )
    result = ModelCheck().run(context(tmp_path), first_run)
    assert result.errors == ()
    auc = skm.roc_auc_score(table.column("churn").to_numpy(), tree.predict_proba(x)[:, 1])
    assert abs({m.name: m.value for m in result.metrics}["model.roc_auc"] - auc) < 1e-12
