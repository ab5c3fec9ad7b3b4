"""The holdout rows fed to ONNX models: the first ``max_rows`` rows, as model inputs.

Numeric columns become float64 arrays (nulls are NaN, so a missing-value perturbation and
a real null look the same to the model); string columns become object arrays. Feeding
casts to each input's declared element type; a null headed for an integer input is an
error, not a silently invented value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from mlgate.checks.model import arrays
from mlgate.checks.model.reader import ModelInputError, iter_batches
from mlgate.checks.model.stability.contract import Binding
from mlgate.checks.model.stability.onnx_model import DTYPES, FLOATS

Columns = dict[str, npt.NDArray[Any]]
NULL_BATCH_ROWS = 65536


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    """Model input columns and labels of the first rows of the holdout."""

    columns: Columns
    labels: npt.NDArray[np.bool_]

    def with_column(self, name: str, values: npt.NDArray[Any]) -> Sample:
        """The sample with one column replaced."""
        return replace(self, columns={**self.columns, name: values})

    def take(self, index: npt.NDArray[np.intp]) -> Sample:
        """The rows at ``index`` (repeats allowed), in that order."""
        return Sample(
            columns={k: v[index] for k, v in self.columns.items()}, labels=self.labels[index]
        )

    def head(self, rows: int) -> Sample:
        """The first ``rows`` rows, repeated when the sample is shorter (latency batches)."""
        return self.take(np.arange(rows) % self.labels.size)


def column_values(column: pa.ChunkedArray | pa.Array, name: str) -> npt.NDArray[Any]:
    """A column as the array a model input takes: text as objects, the rest as numbers."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.object_)
    return arrays.features(column, name)


def read_sample(
    paths: Sequence[Path],
    columns: Sequence[str],
    label: str,
    types: Mapping[str, pa.DataType],
    max_rows: int,
) -> Sample:
    """The first ``max_rows`` rows of the holdout files (``types`` fixes CSV columns)."""
    wanted = tuple(dict.fromkeys((*columns, label)))
    batches: list[pa.RecordBatch] = []
    read = 0
    for batch in (b for p in paths for b in iter_batches(p, wanted, types, max_rows)):
        batches.append(batch)
        read += batch.num_rows
        if read >= max_rows:
            break
    if read == 0:
        raise ModelInputError("the holdout has no rows to feed the model")
    table = pa.Table.from_batches(batches).slice(0, max_rows)
    return Sample(
        columns={c: column_values(table.column(c), c) for c in columns},
        labels=arrays.labels(table.column(label), label),
    )


def null_counts(
    paths: Sequence[Path], columns: Sequence[str], types: Mapping[str, pa.DataType]
) -> dict[str, int]:
    """Nulls (and NaN in float columns) per column over every holdout row, streamed."""
    counts = dict.fromkeys(columns, 0)
    wanted = tuple(counts)
    if not wanted:
        return counts
    for batch in (b for p in paths for b in iter_batches(p, wanted, types, NULL_BATCH_ROWS)):
        for name in wanted:
            column = batch.column(name)
            counts[name] += column.null_count
            if pa.types.is_floating(column.type):
                counts[name] += int(pc.sum(pc.is_nan(column)).as_py() or 0)
    return counts


def _cast(values: npt.NDArray[Any], element: str, column: str) -> npt.NDArray[Any]:
    if element not in FLOATS and values.dtype == np.float64 and np.isnan(values).any():
        raise ModelInputError(f"column {column!r} has nulls but the model takes {element}")
    return values.astype(DTYPES[element])


def feeds(binding: Binding, sample: Sample) -> dict[str, npt.NDArray[Any]]:
    """The model's inputs for every row of ``sample``."""
    result: dict[str, npt.NDArray[Any]] = {}
    for name, columns in binding.inputs.items():
        element = binding.elements[name]
        parts = [_cast(sample.columns[c], element, c) for c in columns]
        stacked = np.column_stack(parts) if binding.stacked else parts[0]
        # A rank-2 input of one column takes [n, 1]; a stacked input is [n, width] already.
        as_rank_2 = binding.ranks[name] == 2 and stacked.ndim == 1
        result[name] = stacked.reshape(-1, 1) if as_rank_2 else stacked
    return result
