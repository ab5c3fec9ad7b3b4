"""Dictionary-encoded text columns give the same groups and categories as plain strings."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from mlgate.checks.model import arrays
from mlgate.checks.model.reader import iter_batches
from mlgate.checks.model.stats.groups import MISSING

VALUES = ["F", None, "M", MISSING, "F", None, "X", "M"]


def row_labels(column: pa.Array) -> list[str]:
    codes, vocabulary = arrays.codes(column)
    return [vocabulary[int(c)] for c in codes]


def test_dictionary_codes_equal_string_codes() -> None:
    plain = pa.array(VALUES, pa.string())
    # Unused entries and a different order, as a Parquet row-group dictionary may have.
    dictionary = pa.DictionaryArray.from_arrays(
        pa.array([2, None, 0, 3, 2, None, 4, 0], pa.int32()),
        pa.array(["M", "unused", "F", MISSING, "X"]),
    )
    expected = ["F", MISSING, "M", MISSING, "F", MISSING, "X", "M"]
    assert row_labels(plain) == expected
    assert row_labels(dictionary) == expected
    without_missing = pa.array(["F", None, "M"]).dictionary_encode()
    assert row_labels(without_missing) == ["F", MISSING, "M"]


def test_dictionary_categories_equal_string_categories() -> None:
    plain = pa.array(VALUES, pa.string())
    encoded = pa.DictionaryArray.from_arrays(
        pa.array([0, None, 1, 2, 0, None, 4, 1], pa.int32()),
        pa.array(["F", "M", MISSING, "unused", "X"]),
    )
    for sketch in (arrays.categories(plain), arrays.categories(encoded)):
        # Sorted: "<" sorts before letters.
        assert sketch.categories == (MISSING, "F", "M", "X")
        assert sketch.counts.tolist() == [1, 2, 2, 1]
        assert sketch.nulls == 2


def test_parquet_text_is_read_as_a_dictionary_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"sex": VALUES, "x": list(range(8))}), path)
    types = {"sex": pa.string(), "x": pa.float64()}
    (plain,) = iter_batches(path, ["sex", "x"], types, 1024)
    (encoded,) = iter_batches(path, ["sex", "x"], types, 1024, dictionary=True)
    assert plain.column("sex").type == pa.string()
    assert pa.types.is_dictionary(encoded.column("sex").type)
    assert row_labels(plain.column("sex")) == row_labels(encoded.column("sex"))
