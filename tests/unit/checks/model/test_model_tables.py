"""Arrow IPC / Feather holdouts, and pandas, polars and pyarrow tables through the API."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the dev environment
import polars as pl
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.ipc as paipc
import pytest

from builders.churn import churn_table, write_parquet
from mlgate.api import RunOptions, run
from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.checks.model.tables import BATCH_ROWS, as_reader, write_tables
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.errors import UsageError
from mlgate.core.verdict import Outcome

COLUMNS: dict[str, Any] = {
    "label": "churn",
    "candidate": "candidate_score",
    "champion": "champion_score",
    "sensitive": ["sex", "age_band"],
}
POLICY = """version: 1
gates:
  post-train:
    checks:
      model:
        holdout_table: holdout
        reference_table: train
        columns:
          label: churn
          candidate: candidate_score
          champion: champion_score
          sensitive: [sex, age_band]
          numeric_features: [tenure]
          categorical_features: [contract]
"""


def check(root: Path, **settings: Any) -> CheckResult:
    config = ModelConfig(**{"paths": ["data"], "columns": COLUMNS, **settings})
    context = CheckContext(root=root, gate="post-train", today=date(2026, 1, 1))
    return ModelCheck().run(context, config)


def values(result: CheckResult) -> dict[str, float]:
    assert result.errors == ()
    return {m.name: m.value for m in result.metrics}


def write_ipc_stream(table: pa.Table, path: Path) -> None:
    with pa.OSFile(str(path), "wb") as sink, paipc.new_stream(sink, table.schema) as out:
        out.write_table(table, max_chunksize=3000)


@pytest.mark.parametrize("kind", ["feather", "arrow-stream", "feather-zstd"])
def test_arrow_ipc_holdouts_give_the_parquet_metrics(tmp_path: Path, kind: str) -> None:
    table = churn_table(rows=5000, seed=11, candidate="regressed")
    write_parquet(table, tmp_path / "parquet" / "data" / "h.parquet")
    (tmp_path / "arrow" / "data").mkdir(parents=True)
    target = tmp_path / "arrow" / "data" / ("h.arrow" if kind == "arrow-stream" else "h.feather")
    if kind == "arrow-stream":
        write_ipc_stream(table, target)
    else:
        compression = "zstd" if kind == "feather-zstd" else "uncompressed"
        feather.write_feather(table, target, compression=compression, chunksize=1500)
    expected = values(check(tmp_path / "parquet", batch_rows=2048))
    found = values(check(tmp_path / "arrow", batch_rows=2048))
    assert found.keys() == expected.keys()
    assert all(abs(found[k] - expected[k]) < 1e-12 for k in expected)


def test_a_truncated_arrow_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / "h.arrow"
    feather.write_feather(churn_table(rows=500, seed=1), path)
    path.write_bytes(path.read_bytes()[:700])
    (error,) = check(tmp_path).errors
    assert error.startswith("h.arrow: cannot read:")


def test_every_library_gives_the_same_batches() -> None:
    table = churn_table(rows=300, seed=2)
    frames: dict[str, object] = {
        "pyarrow": table,
        "batch": table.combine_chunks().to_batches()[0],
        "reader": table.to_reader(max_chunksize=64),
        "pandas": table.to_pandas(),
        "polars": pl.from_arrow(table),
    }
    for name, frame in frames.items():
        read = pa.Table.from_batches(list(as_reader(name, frame)))
        assert read.column_names == table.column_names, name
        # Values, not types: pandas and polars may carry text as large_string.
        for column in ("churn", "candidate_score", "sex"):
            assert read.column(column).to_pylist() == table.column(column).to_pylist(), name
    with pytest.raises(UsageError, match="table 'rows': expected a pandas or polars"):
        as_reader("rows", [{"churn": 1}])


def test_a_pandas_index_is_not_a_column(tmp_path: Path) -> None:
    frame = churn_table(rows=50, seed=3).to_pandas().set_index("sex")
    (written,) = write_tables({"h": frame}, tmp_path).values()
    assert "sex" not in paipc.open_file(written).schema.names


@pytest.mark.parametrize("library", ["pandas", "polars", "pyarrow"])
def test_the_api_judges_in_memory_tables(tmp_path: Path, library: str) -> None:
    (tmp_path / "mlgate.yaml").write_text(POLICY)
    holdout = churn_table(rows=20000, seed=2026, candidate="regressed")
    train = churn_table(rows=5000, seed=7)
    arrow = {"holdout": holdout, "train": train}
    tables: dict[str, object] = dict(arrow)
    if library == "pandas":
        tables = {name: table.to_pandas() for name, table in arrow.items()}
    elif library == "polars":
        tables = {name: pl.from_arrow(table) for name, table in arrow.items()}
    verdict = run(tmp_path / "mlgate.yaml", "post-train", RunOptions(jobs=1, tables=tables))
    ((model,),) = [g.checks for g in verdict.gates]
    assert model.errors == ()
    assert model.outcome is Outcome.BLOCK
    failed = [m.metric.name for m in model.failed_metrics()]
    assert failed == ["model.roc_auc.change"]
    assert "drift.psi[tenure]" in {m.metric.name for m in model.metrics}
    # The in-memory tables give exactly the numbers of the same rows read from Parquet.
    write_parquet(holdout, tmp_path / "data" / "holdout.parquet")
    from_file = values(check(tmp_path))
    auc = {m.metric.name: m.metric.value for m in model.metrics}["model.roc_auc.change"]
    assert abs(auc - from_file["model.roc_auc.change"]) < 1e-12


def test_a_table_named_but_not_given_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "mlgate.yaml").write_text(POLICY)
    verdict = run(tmp_path / "mlgate.yaml", "post-train", RunOptions(jobs=1))
    ((model,),) = [g.checks for g in verdict.gates]
    assert model.outcome is Outcome.ERROR
    assert model.errors == (
        "table 'holdout' is given only through the Python API: "
        "mlgate.run(..., options=RunOptions(tables={'holdout': dataframe}))",
    )


def test_pandas_is_a_real_dataframe() -> None:
    # Guards the duck-typed pandas branch: the test frames really are pandas objects.
    assert isinstance(churn_table(rows=5, seed=1).to_pandas(), pd.DataFrame)


def test_a_large_pandas_frame_is_written_in_slices_under_one_schema(tmp_path: Path) -> None:
    rows = BATCH_ROWS + 10
    # Text only after the first slice: per-slice inference would call the column null.
    region = [None] * BATCH_ROWS + ["north"] * 10
    frame = pd.DataFrame({"region": region, "x": range(rows)})
    (written,) = write_tables({"big": frame}, tmp_path).values()
    reader = paipc.open_file(written)
    assert reader.num_record_batches == 2
    table = reader.read_all()
    assert pa.types.is_string(table.schema.field("region").type) or pa.types.is_large_string(
        table.schema.field("region").type
    )
    assert table.column("region").to_pylist() == region
    assert table.column("x").to_pylist() == list(range(rows))
