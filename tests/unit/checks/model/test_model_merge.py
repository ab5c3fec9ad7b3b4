"""Merging the statistics of parts gives exactly the statistic of the whole."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st

from mlgate.checks.model.engine import merge_stream
from mlgate.checks.model.stats.groups import GroupCounts
from mlgate.checks.model.stats.scores import ScoreTable, merge_tables
from mlgate.checks.model.stats.sketch import CategorySketch, NumericSketch

# Few distinct values, so parts share ties; NaN is a null for sketches.
SCORES = st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 1.0]), min_size=0, max_size=40)
LABELS = st.lists(st.booleans(), min_size=40, max_size=40)
CUTS = st.lists(st.integers(0, 40), min_size=2, max_size=2)


def parts(n: int, cuts: list[int]) -> list[slice]:
    a, b = sorted(min(c, n) for c in cuts)
    return [slice(0, a), slice(a, b), slice(b, n)]


def same_table(a: ScoreTable, b: ScoreTable) -> bool:
    return (
        np.array_equal(a.values, b.values)
        and np.array_equal(a.positives, b.positives)
        and np.array_equal(a.negatives, b.negatives)
    )


@given(SCORES, LABELS, CUTS)
def test_score_table_merge_is_exact_and_associative(
    scores: list[float], labels: list[bool], cuts: list[int]
) -> None:
    s, y = np.array(scores, dtype=np.float64), np.array(labels[: len(scores)], dtype=bool)
    a, b, c = (ScoreTable.from_rows(s[p], y[p]) for p in parts(len(scores), cuts))
    whole = ScoreTable.from_rows(s, y)
    assert same_table(a.merge(b).merge(c), whole)
    assert same_table(a.merge(b.merge(c)), whole)
    assert same_table(ScoreTable.empty().merge(whole), whole)


@given(st.lists(st.sampled_from([0.0, -1.5, 2.0, 3.25, float("nan")]), max_size=40), CUTS)
def test_numeric_sketch_merge_is_exact(values: list[float], cuts: list[int]) -> None:
    v = np.array(values, dtype=np.float64)
    a, b, c = (NumericSketch.from_values(v[p]) for p in parts(len(values), cuts))
    whole = NumericSketch.from_values(v)
    for merged in (a.merge(b).merge(c), a.merge(b.merge(c))):
        assert np.array_equal(merged.values, whole.values)
        assert np.array_equal(merged.counts, whole.counts)
        assert merged.nulls == whole.nulls


def sketch(values: list[str | None]) -> CategorySketch:
    present = [v for v in values if v is not None]
    return CategorySketch.from_counts(present, [1] * len(present), len(values) - len(present))


@given(st.lists(st.sampled_from(["x", "y", "z", None]), max_size=40), CUTS)
def test_category_sketch_merge_is_exact(values: list[str | None], cuts: list[int]) -> None:
    a, b, c = (sketch(values[p]) for p in parts(len(values), cuts))
    whole = sketch(values)
    for merged in (a.merge(b).merge(c), a.merge(b.merge(c))):
        assert merged.categories == whole.categories
        assert np.array_equal(merged.counts, whole.counts)
        assert merged.nulls == whole.nulls


def counts_of(sex: npt.NDArray[np.str_], outcome: npt.NDArray[np.int64]) -> GroupCounts:
    # Each part has its own vocabulary, as each Parquet row group has its own dictionary.
    vocabulary, codes = np.unique(sex, return_inverse=True)
    return GroupCounts.from_codes(("sex",), [codes], [[str(v) for v in vocabulary]], outcome)


@settings(max_examples=60)
@given(st.lists(st.tuples(st.sampled_from(["F", "M", "X"]), st.integers(0, 3)), max_size=40), CUTS)
def test_group_counts_merge_is_exact(rows: list[tuple[str, int]], cuts: list[int]) -> None:
    sex = np.array([r[0] for r in rows], dtype=np.str_)
    outcome = np.array([r[1] for r in rows], dtype=np.int64)
    a, b, c = (counts_of(sex[p], outcome[p]) for p in parts(len(rows), cuts))
    whole = counts_of(sex, outcome)
    for merged in (a.merge(b).merge(c), a.merge(b.merge(c))):
        assert merged.keys == whole.keys
        assert np.array_equal(merged.counts, whole.counts)


@settings(max_examples=30)
@given(st.lists(st.tuples(SCORES, st.booleans()), max_size=30), st.integers(1, 5))
def test_folding_a_stream_of_tables_equals_merging_them_all(
    parts: list[tuple[list[float], bool]], group: int
) -> None:
    tables = [
        ScoreTable.from_rows(np.array(s, dtype=np.float64), np.full(len(s), y)) for s, y in parts
    ]
    folded = merge_stream(iter(tables), merge_tables, group=group)
    if not tables:
        assert folded is None
        return
    assert folded is not None and same_table(folded, merge_tables(tables))
