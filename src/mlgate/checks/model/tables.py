"""In-memory tables (pandas, polars, pyarrow) handed to the model check through the API.

Checks run in worker processes, so a dataframe cannot be passed to them by reference.
:func:`write_tables` streams each table, batch by batch, into an Arrow IPC file in a
private temporary directory that the API owns for the duration of the run; the check's
configuration receives the file names (``ModelConfig.tables``) and reads them like any
Arrow IPC holdout: memory-mapped, in bounded batches, never unpickled. Arrow is the one
format all three libraries write without copying through Python objects.

Accepted: a pyarrow ``Table``, ``RecordBatch`` or ``RecordBatchReader``; a pandas
``DataFrame`` (its index is not a column); and anything that exports an Arrow C stream
(``__arrow_c_stream__``: polars ``DataFrame``, DuckDB relations, ...).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.ipc as paipc

from mlgate.core.errors import UsageError

BATCH_ROWS = 65536
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def as_reader(name: str, data: object) -> pa.RecordBatchReader:
    """Batches of one in-memory table, whatever library holds it."""
    if isinstance(data, pa.RecordBatchReader):
        return data
    if isinstance(data, pa.RecordBatch):
        data = pa.Table.from_batches([data])
    if type(data).__module__.split(".")[0] == "pandas":
        # Checked before the C stream: pandas would export its index as a column.
        return _pandas_reader(data)
    if isinstance(data, pa.Table):
        return data.to_reader(max_chunksize=BATCH_ROWS)
    if hasattr(data, "__arrow_c_stream__"):
        return pa.RecordBatchReader.from_stream(data)
    raise UsageError(
        f"table {name!r}: expected a pandas or polars DataFrame, a pyarrow Table, RecordBatch "
        f"or RecordBatchReader, or an object exporting an Arrow C stream; got "
        f"{type(data).__module__}.{type(data).__qualname__}"
    )


def _pandas_reader(frame: Any) -> pa.RecordBatchReader:  # Any: no pandas stubs here
    # Converted slice by slice under one schema (inferred from the whole frame), so the
    # Arrow copy never holds more than one batch of a large frame.
    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    slices = (
        pa.RecordBatch.from_pandas(
            frame.iloc[start : start + BATCH_ROWS], schema=schema, preserve_index=False
        )
        for start in range(0, len(frame), BATCH_ROWS)
    )
    return pa.RecordBatchReader.from_batches(schema, slices)


def write_tables(tables: Mapping[str, object], directory: Path) -> dict[str, str]:
    """Write each table to ``directory`` as an Arrow IPC file; their paths by name."""
    written: dict[str, str] = {}
    for index, (name, data) in enumerate(tables.items()):
        reader = as_reader(name, data)
        # The index keeps two names that sanitise alike apart.
        path = directory / f"{index}-{_SAFE.sub('_', name)[:60]}.arrow"
        try:
            with pa.OSFile(str(path), "wb") as sink, paipc.new_file(sink, reader.schema) as out:
                for batch in reader:
                    out.write_batch(batch)
        except (pa.ArrowException, OSError) as error:
            raise UsageError(f"table {name!r} cannot be written as Arrow: {error}") from None
        written[name] = str(path)
    return written
