"""Streaming reads of Parquet, CSV and Arrow IPC holdouts in bounded batches (pyarrow).

Parquet is read row group by row group (``iter_batches``), CSV block by block
(``pyarrow.csv.open_csv``), Arrow IPC (Feather v2; ``.arrow``, ``.feather``, ``.ipc``,
file or stream format) record batch by record batch from a memory map, each sliced to
the batch size; only the configured columns are converted. A missing column, an
unreadable file or an unsupported suffix is a :class:`ModelInputError`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.ipc as paipc
import pyarrow.parquet as pq

ARROW_SUFFIXES = frozenset({".arrow", ".feather", ".ipc"})
SUFFIXES = frozenset({".parquet", ".pq", ".csv"}) | ARROW_SUFFIXES
_KINDS = "Parquet, CSV or Arrow IPC"


class ModelInputError(Exception):
    """The rows cannot be judged: a missing column, a NaN score, an unreadable file."""


def _check_columns(path: Path, available: Sequence[str], wanted: Sequence[str]) -> None:
    missing = [c for c in wanted if c not in available]
    if missing:
        raise ModelInputError(
            f"{path.name}: missing column(s) {', '.join(missing)} "
            f"(found: {', '.join(available) or 'none'})"
        )


def _parquet_batches(
    path: Path, columns: Sequence[str], rows: int, text: Sequence[str]
) -> Iterator[pa.RecordBatch]:
    handle = pq.ParquetFile(path, read_dictionary=[c for c in text if c in columns] or None)
    _check_columns(path, handle.schema_arrow.names, columns)
    # One row group at a time: over a whole file, the reader reads ahead without bound.
    for group in range(handle.num_row_groups):
        yield from handle.iter_batches(batch_size=rows, row_groups=[group], columns=list(columns))


def _open_arrow(path: Path) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    # Feather v2 and ``.arrow`` files use the IPC file format; an ``.arrows``-style
    # stream is accepted too. A memory map keeps uncompressed batches out of the heap.
    source = pa.memory_map(str(path))
    try:
        reader = paipc.open_file(source)
        batches = (reader.get_batch(i) for i in range(reader.num_record_batches))
        return reader.schema, batches
    except pa.ArrowInvalid:
        source.seek(0)
        stream = paipc.open_stream(source)
        return stream.schema, iter(stream)


def _arrow_batches(path: Path, columns: Sequence[str], rows: int) -> Iterator[pa.RecordBatch]:
    schema, batches = _open_arrow(path)
    _check_columns(path, schema.names, columns)
    for batch in batches:
        selected = batch.select(list(columns))
        for start in range(0, selected.num_rows, rows):
            yield selected.slice(start, rows)


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


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ModelInputError(f"{path.name}: unsupported file type {suffix!r} ({_KINDS})")
    return suffix


def _schema(path: Path, *, infer_csv: bool) -> pa.Schema:
    suffix = _suffix(path)
    try:
        if suffix == ".csv":
            # Names only, unless asked: inference reads (and may stumble on) the first block.
            options = None if infer_csv else pacsv.ConvertOptions(include_columns=[])
            return pacsv.open_csv(path, convert_options=options).schema
        if suffix in ARROW_SUFFIXES:
            return _open_arrow(path)[0]
        return pq.ParquetFile(path).schema_arrow
    except (pa.ArrowException, OSError) as error:
        raise ModelInputError(f"{path.name}: cannot read: {error}") from None


def available_columns(path: Path) -> tuple[str, ...]:
    """The column names of one input file (read from its schema or header)."""
    return tuple(_schema(path, infer_csv=False).names)


def iter_batches(
    path: Path,
    columns: Sequence[str],
    types: Mapping[str, pa.DataType],
    rows: int,
    *,
    dictionary: bool = False,
) -> Iterator[pa.RecordBatch]:
    """Batches of ``columns`` from one file; ``types`` fixes CSV column types.

    With ``dictionary``, Parquet columns typed as text in ``types`` are read as
    dictionary arrays, as Parquet stores them: decoding skips one string per row.
    """
    suffix = _suffix(path)
    try:
        if suffix == ".csv":
            yield from _csv_batches(path, columns, types)
        elif suffix in ARROW_SUFFIXES:
            yield from _arrow_batches(path, columns, rows)
        else:
            text = [c for c, t in types.items() if dictionary and t == pa.string()]
            yield from _parquet_batches(path, columns, rows, text)
    except (pa.ArrowException, OSError) as error:
        raise ModelInputError(f"{path.name}: cannot read: {error}") from None


def column_types(path: Path) -> dict[str, pa.DataType]:
    """Column types of one file: its schema, or pyarrow's inference on a CSV's first block."""
    return {field.name: field.type for field in _schema(path, infer_csv=True)}
