"""Deterministic churn holdouts: a champion and candidates that are equal, worse or biased.

The generator itself lives in ``examples/demo_assets.py`` (the demo and the tests judge
the same rows; see its docstring for the scenarios); this module adds the writers.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from demo_assets import Candidate, DriftKind, churn_table

__all__ = ["Candidate", "DriftKind", "churn_table", "write_csv", "write_parquet"]


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
