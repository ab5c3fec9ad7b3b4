"""Streaming reads of Parquet and CSV holdouts in bounded batches (pyarrow).

Parquet is read row group by row group (``iter_batches``), CSV block by block
(``pyarrow.csv.open_csv``); only the configured columns are converted. A missing
column, an unreadable file or an unsupported suffix is a :class:`ModelInputError`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

SUFFIXES = frozenset({".parquet", ".pq", ".csv"})


class ModelInputError(Exception):
    """The rows cannot be judged: a missing column, a NaN score, an unreadable file."""


def _check_columns(path: Path, available: Sequence[str], wanted: Sequence[str]) -> None:
    missing = [c for c in wanted if c not in available]
    if missing:
        raise ModelInputError(
            f"{path.name}: missing column(s) {', '.join(missing)} "
            f"(found: {', '.join(available) or 'none'})"
        )


def _parquet_batches(path: Path, columns: Sequence[str], rows: int) -> Iterator[pa.RecordBatch]:
    handle = pq.ParquetFile(path)
    _check_columns(path, handle.schema_arrow.names, columns)
    yield from handle.iter_batches(batch_size=rows, columns=list(columns))


def _csv_batches(
    path: Path, columns: Sequence[str], types: Mapping[str, pa.DataType]
) -> Iterator[pa.RecordBatch]:
    # Column names come from pyarrow's own header parsing (quotes, BOM, delimiters);
    # every value is read as text here, so no type inference can fail before the check.
    probe = pacsv.open_csv(path, convert_options=pacsv.ConvertOptions(include_columns=[]))
    _check_columns(path, probe.schema.names, columns)
    convert = pacsv.ConvertOptions(
        include_columns=list(columns),
        column_types={c: t for c, t in types.items() if c in columns},
        strings_can_be_null=True,
    )
    yield from pacsv.open_csv(path, convert_options=convert)


def available_columns(path: Path) -> tuple[str, ...]:
    """The column names of one Parquet or CSV file (read from its schema or header)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ModelInputError(f"{path.name}: unsupported file type {suffix!r} (Parquet or CSV)")
    try:
        if suffix == ".csv":
            options = pacsv.ConvertOptions(include_columns=[])
            return tuple(pacsv.open_csv(path, convert_options=options).schema.names)
        return tuple(pq.ParquetFile(path).schema_arrow.names)
    except (pa.ArrowException, OSError) as error:
        raise ModelInputError(f"{path.name}: cannot read: {error}") from None


def iter_batches(
    path: Path, columns: Sequence[str], types: Mapping[str, pa.DataType], rows: int
) -> Iterator[pa.RecordBatch]:
    """Batches of ``columns`` from one file; ``types`` fixes CSV column types."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ModelInputError(f"{path.name}: unsupported file type {suffix!r} (Parquet or CSV)")
    try:
        if suffix == ".csv":
            yield from _csv_batches(path, columns, types)
        else:
            yield from _parquet_batches(path, columns, rows)
    except (pa.ArrowException, OSError) as error:
        raise ModelInputError(f"{path.name}: cannot read: {error}") from None


def column_types(path: Path) -> dict[str, pa.DataType]:
    """Column types of one file: Parquet's schema, or pyarrow's inference on a CSV's first block."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ModelInputError(f"{path.name}: unsupported file type {suffix!r} (Parquet or CSV)")
    try:
        schema = (
            pacsv.open_csv(path).schema if suffix == ".csv" else pq.ParquetFile(path).schema_arrow
        )
    except (pa.ArrowException, OSError) as error:
        raise ModelInputError(f"{path.name}: cannot read: {error}") from None
    return {field.name: field.type for field in schema}
