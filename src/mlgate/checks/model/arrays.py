"""Arrow columns of one batch turned into validated numpy arrays.

Labels must be 0/1 and scores probabilities without NaN: anything else is a
:class:`ModelInputError` naming the column and how many rows are wrong, never a
silently dropped row.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from mlgate.checks.model.reader import ModelInputError
from mlgate.checks.model.stats.groups import MISSING
from mlgate.checks.model.stats.scores import FloatArray
from mlgate.checks.model.stats.sketch import CategorySketch


def _floats(column: pa.Array | pa.ChunkedArray, name: str) -> FloatArray:
    try:
        as_float = pc.cast(column, pa.float64())
    except pa.ArrowInvalid as error:
        raise ModelInputError(f"column {name!r} is not numeric: {error}") from None
    return np.asarray(as_float.to_numpy(zero_copy_only=False), dtype=np.float64)


def labels(column: pa.Array | pa.ChunkedArray, name: str) -> npt.NDArray[np.bool_]:
    """True for the positive class; nulls and values other than 0/1 are errors."""
    values = _floats(column, name)
    bad = int(np.count_nonzero(~np.isin(values, (0.0, 1.0))))
    if bad:
        raise ModelInputError(f"label column {name!r} has {bad:,} value(s) other than 0/1")
    return np.asarray(values == 1.0, dtype=np.bool_)


def scores(column: pa.Array | pa.ChunkedArray, name: str) -> FloatArray:
    """Probabilities in [0, 1]; a null, NaN or out-of-range score is an error."""
    values = _floats(column, name)
    missing = int(np.count_nonzero(np.isnan(values)))
    if missing:
        raise ModelInputError(f"score column {name!r} has {missing:,} NaN or null score(s)")
    outside = int(np.count_nonzero((values < 0) | (values > 1)))
    if outside:
        raise ModelInputError(f"score column {name!r} has {outside:,} value(s) outside [0, 1]")
    return values


def finite(column: pa.Array | pa.ChunkedArray, name: str, role: str) -> FloatArray:
    """A regression target or prediction: every value present and finite."""
    values = _floats(column, name)
    bad = int(np.count_nonzero(~np.isfinite(values)))
    if bad:
        raise ModelInputError(f"{role} column {name!r} has {bad:,} null, NaN or infinite value(s)")
    return values


def features(column: pa.Array | pa.ChunkedArray, name: str) -> FloatArray:
    """A numeric feature; nulls become NaN (counted as nulls by the sketch)."""
    return _floats(column, name)


def _strings(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    text = pc.cast(column, pa.string())
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text


def _dictionary(column: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray | None:
    # Parquet text columns arrive dictionary-encoded (see ``reader.iter_batches``): their
    # codes and counts come from the indices, without materialising one string per row.
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if not isinstance(column, pa.DictionaryArray):
        return None
    values = column.dictionary
    if values.null_count or len(pc.unique(values)) != len(values):
        return None  # an unusual dictionary: the string path handles it
    return column


def _vocabulary(column: pa.DictionaryArray) -> list[str]:
    return [str(v) for v in pc.cast(column.dictionary, pa.string()).to_pylist()]


def codes(column: pa.Array | pa.ChunkedArray) -> tuple[npt.NDArray[np.int64], list[str]]:
    """Dictionary codes and vocabulary of a sensitive attribute; null is its own group."""
    encoded = _dictionary(column)
    if encoded is not None:
        vocabulary = _vocabulary(encoded)
        indices = encoded.indices
        if encoded.null_count:
            if MISSING not in vocabulary:
                vocabulary.append(MISSING)
            indices = indices.fill_null(vocabulary.index(MISSING))
        return np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int64), vocabulary
    encoded = pc.dictionary_encode(pc.fill_null(_strings(column), MISSING))
    indices = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    return indices, [str(v) for v in encoded.dictionary.to_pylist()]


def categories(column: pa.Array | pa.ChunkedArray) -> CategorySketch:
    """Category counts of one batch."""
    encoded = _dictionary(column)
    if encoded is not None:
        vocabulary = _vocabulary(encoded)
        present = np.asarray(encoded.indices.drop_null().to_numpy(), dtype=np.intp)
        counts = np.bincount(present, minlength=len(vocabulary))
        used = [i for i in range(len(vocabulary)) if counts[i]]
        return CategorySketch.from_counts(
            [vocabulary[i] for i in used], [int(counts[i]) for i in used], encoded.null_count
        )
    text = _strings(column)
    counted = pc.value_counts(text.drop_null())
    names = [str(v) for v in counted.field("values").to_pylist()]
    return CategorySketch.from_counts(names, counted.field("counts").to_pylist(), text.null_count)
