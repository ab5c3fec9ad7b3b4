"""The compacting numeric sketch: mergeable exactly, bounded, within its documented error."""

from __future__ import annotations

import json
import math

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from mlgate.checks.model.profile import ReferenceProfile, profile_from_json, profile_to_json
from mlgate.checks.model.stats import drift
from mlgate.checks.model.stats.sketch import (
    ALPHA,
    CAPACITY,
    NumericSketch,
    compact_values,
    merge_numeric,
)

FloatArray = npt.NDArray[np.float64]


def column(seed: int, n: int) -> FloatArray:
    """Continuous values of both signs, with nulls and ties (so every branch is taken)."""
    rng = np.random.default_rng(seed)
    values = rng.lognormal(3, 2, n) * np.where(rng.uniform(size=n) < 0.2, -1, 1)
    values[rng.uniform(size=n) < 0.01] = np.nan
    values[rng.uniform(size=n) < 0.05] = 0.0
    return values


def same(a: NumericSketch, b: NumericSketch) -> bool:
    return (
        np.array_equal(a.values, b.values)
        and np.array_equal(a.counts, b.counts)
        and (a.nulls, a.compacted) == (b.nulls, b.compacted)
    )


@settings(max_examples=15, deadline=None)
@given(
    st.integers(0, 2**32),
    st.lists(st.integers(1, 3 * CAPACITY - 1), min_size=1, max_size=4),
    st.integers(0, 4),
)
def test_merging_parts_equals_sketching_the_whole(seed: int, cuts: list[int], order: int) -> None:
    values = column(seed, 3 * CAPACITY)
    whole = NumericSketch.from_values(values)
    assert whole.compacted
    parts = [NumericSketch.from_values(p) for p in np.split(values, sorted(set(cuts)))]
    # Small parts stay exact and large ones compact; any merge order gives the whole.
    rotated = parts[order % len(parts) :] + parts[: order % len(parts)]
    assert same(merge_numeric(rotated), whole)
    pairwise = rotated[0]
    for part in rotated[1:]:
        pairwise = pairwise.merge(part)
    assert same(pairwise, whole)


def test_small_columns_stay_exact() -> None:
    values = np.round(column(1, 5000), 3)
    sketch = NumericSketch.from_values(values)
    assert not sketch.compacted
    present = values[~np.isnan(values)]
    assert np.array_equal(np.repeat(sketch.values, sketch.counts), np.sort(present))


def test_compaction_is_monotone_idempotent_and_within_alpha() -> None:
    values = np.sort(np.concatenate([column(2, 50000), [0.0, 5e-324, -1e308, math.inf]]))
    values = values[~np.isnan(values)]
    represented = compact_values(values)
    assert np.all(np.diff(represented) >= 0)
    assert np.array_equal(compact_values(represented), represented)
    finite = np.isfinite(values)
    error = np.abs(represented[finite] - values[finite])
    assert np.all(error <= ALPHA * np.abs(values[finite]) * (1 + 1e-12))
    assert np.array_equal(np.sign(represented), np.sign(values))


def test_quantiles_and_drift_stay_within_the_documented_error() -> None:
    reference_values, current_values = column(3, 200_000), column(4, 150_000) * 1.05
    reference = NumericSketch.from_values(reference_values)
    current = NumericSketch.from_values(current_values)
    assert reference.compacted and current.compacted
    exact_ref = np.sort(reference_values[~np.isnan(reference_values)])
    exact_cur = current_values[~np.isnan(current_values)]
    probabilities = np.linspace(0, 1, 101)
    expected = np.quantile(exact_ref, probabilities)
    # Linear interpolation between order statistics that each moved by <= ALPHA of |x|.
    position = probabilities * (exact_ref.size - 1)
    below = exact_ref[np.floor(position).astype(int)]
    above = exact_ref[np.ceil(position).astype(int)]
    bound = ALPHA * np.maximum(np.abs(below), np.abs(above)) * (1 + 1e-9)
    assert np.all(np.abs(reference.quantiles(probabilities) - expected) <= bound)
    found = drift.numeric_drift(reference, current)
    scale = float(np.std(exact_ref))
    exact_w = stats.wasserstein_distance(exact_ref, exact_cur) / scale
    moved = ALPHA * (np.mean(np.abs(exact_ref)) + np.mean(np.abs(exact_cur))) / scale
    assert abs(found.wasserstein - exact_w) <= moved * 1.01
    exact_ks = stats.ks_2samp(exact_ref, exact_cur).statistic
    assert abs(found.ks_statistic - exact_ks) < 0.01


def test_size_is_bounded_by_the_range_not_the_rows() -> None:
    rng = np.random.default_rng(5)
    parts = [NumericSketch.from_values(rng.uniform(1, 1e6, 100_000)) for _ in range(20)]
    merged = merge_numeric(parts)
    assert merged.n == 2_000_000
    gamma = (1 + ALPHA) / (1 - ALPHA)
    assert merged.values.size <= math.log(1e6) / math.log(gamma) + 2


def test_a_compacted_sketch_survives_the_profile_round_trip() -> None:
    sketch = NumericSketch.from_values(column(6, 2 * CAPACITY))
    exact = NumericSketch.from_values(np.round(column(7, 100), 2))
    stored = profile_to_json(ReferenceProfile(rows=sketch.rows, sketches={"x": sketch, "y": exact}))
    document = json.loads(stored)
    assert document["sketches"]["x"]["compacted"] is True
    assert "compacted" not in document["sketches"]["y"]
    loaded = profile_from_json(stored).sketches
    assert isinstance(loaded["x"], NumericSketch) and same(loaded["x"], sketch)
    assert isinstance(loaded["y"], NumericSketch) and same(loaded["y"], exact)
