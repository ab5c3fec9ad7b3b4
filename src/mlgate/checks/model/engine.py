"""Reading the holdout and reference rows into merged sufficient statistics.

Pass 1 computes, per batch, the score tables, the paired bootstrap sums, the confusion
counts per sensitive group and the feature sketches, and merges them. Pass 2 (only with
a champion) needs pass 1's complete score tables for the DeLong placements. Memory is
bounded by one batch plus the statistics, never by the file.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import reduce
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from mlgate.checks.model import arrays
from mlgate.checks.model.config import ModelConfig
from mlgate.checks.model.reader import ModelInputError, available_columns, iter_batches
from mlgate.checks.model.stats.bootstrap import BootstrapPlan, BootstrapSums
from mlgate.checks.model.stats.delong import DeLongSums
from mlgate.checks.model.stats.groups import GroupCounts
from mlgate.checks.model.stats.scores import ScoreTable, merge_tables
from mlgate.checks.model.stats.sketch import CategorySketch, NumericSketch, merge_numeric

Sketch = NumericSketch | CategorySketch
Grouping = tuple[str, ...]
# Row ids are (file index, row offset): 2**40 rows per file is far beyond any holdout.
_FILE_SHIFT = 40
K = TypeVar("K")
V = TypeVar("V")
A = TypeVar("A")
R = TypeVar("R")


@dataclass(frozen=True, slots=True, kw_only=True)
class SketchColumns:
    """Columns sketched for drift: features, and the label and prediction when present."""

    numeric: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    label: str | None = None
    prediction: str | None = None

    def names(self) -> tuple[str, ...]:
        """Every column read, once each."""
        roles = tuple(c for c in (self.label, self.prediction) if c is not None)
        return tuple(dict.fromkeys((*self.numeric, *self.categorical, *roles)))


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """What to read and compute, derived once from the configuration."""

    label: str
    candidate: str
    champion: str | None
    groupings: tuple[Grouping, ...]
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    bootstrap: BootstrapPlan
    batch_rows: int

    @classmethod
    def from_config(cls, config: ModelConfig) -> Plan:
        """The plan of a validated configuration."""
        columns = config.columns
        singles = tuple((a,) for a in columns.sensitive)
        joint = tuple(tuple(group) for group in columns.intersections)
        return cls(
            label=columns.label,
            candidate=columns.candidate,
            champion=columns.champion,
            groupings=tuple(dict.fromkeys(singles + joint)),
            numeric=tuple(columns.numeric_features),
            categorical=tuple(columns.categorical_features),
            bootstrap=BootstrapPlan(
                replicates=config.bootstrap_replicates,
                seed=config.seed,
                threshold=config.threshold,
                n_bins=config.ece_bins,
            ),
            batch_rows=config.batch_rows,
        )

    def models(self) -> tuple[str, ...]:
        """Score columns: the candidate, then the champion if there is one."""
        return (self.candidate,) if self.champion is None else (self.candidate, self.champion)

    def sensitive(self) -> tuple[str, ...]:
        """Every sensitive attribute named by a grouping."""
        return tuple(dict.fromkeys(a for g in self.groupings for a in g))

    def holdout_columns(self) -> tuple[str, ...]:
        """Columns read from the holdout."""
        wanted = (self.label, *self.models(), *self.sensitive(), *self.numeric, *self.categorical)
        return tuple(dict.fromkeys(wanted))

    def types(self) -> dict[str, pa.DataType]:
        """CSV column types: text for groups and categories, floats for the rest."""
        text = {c: pa.string() for c in (*self.sensitive(), *self.categorical)}
        floats = {c: pa.float64() for c in (self.label, *self.models(), *self.numeric)}
        return {**floats, **text}


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldoutStats:
    """Merged statistics of the holdout; ``tables[0]`` is the candidate's."""

    rows: int
    tables: tuple[ScoreTable, ...]
    bootstrap: BootstrapSums
    groups: dict[Grouping, GroupCounts]
    features: dict[str, Sketch]
    delong: DeLongSums | None = None


def merge_sketches(sketches: Sequence[Sketch]) -> Sketch:
    """Merge the sketches of one feature from several parts."""
    numeric = [s for s in sketches if isinstance(s, NumericSketch)]
    categorical = [s for s in sketches if isinstance(s, CategorySketch)]
    if numeric and categorical:
        raise TypeError("a feature cannot be both numeric and categorical")
    if numeric:
        return merge_numeric(numeric)
    return reduce(CategorySketch.merge, categorical)


def _by_key(parts: Iterable[dict[K, V]]) -> dict[K, list[V]]:
    collected: dict[K, list[V]] = {}
    for part in parts:
        for key, value in part.items():
            collected.setdefault(key, []).append(value)
    return collected


def combine_holdout(parts: Sequence[HoldoutStats]) -> HoldoutStats:
    """Statistics of all parts, merged once (the DeLong sums of pass 2 come later)."""
    groups = _by_key(p.groups for p in parts)
    return HoldoutStats(
        rows=sum(p.rows for p in parts),
        tables=tuple(merge_tables(t) for t in zip(*(p.tables for p in parts), strict=True)),
        bootstrap=reduce(BootstrapSums.merge, (p.bootstrap for p in parts)),
        groups={key: reduce(GroupCounts.merge, values) for key, values in groups.items()},
        features={k: merge_sketches(v) for k, v in _by_key(p.features for p in parts).items()},
    )


def label_sketch(positive: npt.NDArray[np.bool_]) -> CategorySketch:
    """The label distribution as categories ``"0"`` and ``"1"`` (label drift)."""
    ones = int(np.count_nonzero(positive))
    return CategorySketch.from_counts(("0", "1"), (positive.size - ones, ones), 0)


def sketch_columns(batch: pa.RecordBatch, columns: SketchColumns) -> dict[str, Sketch]:
    """Sketches of one batch; the label and prediction are validated like the holdout's."""
    sketches: dict[str, Sketch] = {}
    for name in columns.numeric:
        sketches[name] = NumericSketch.from_values(arrays.features(batch.column(name), name))
    for name in columns.categorical:
        sketches[name] = arrays.categories(batch.column(name))
    if columns.label is not None:
        sketches[columns.label] = label_sketch(
            arrays.labels(batch.column(columns.label), columns.label)
        )
    if columns.prediction is not None:
        scores = arrays.scores(batch.column(columns.prediction), columns.prediction)
        sketches[columns.prediction] = NumericSketch.from_values(scores)
    return sketches


def sketch_features(batch: pa.RecordBatch, plan: Plan) -> dict[str, Sketch]:
    """Sketches of every configured feature in one batch."""
    return sketch_columns(batch, SketchColumns(numeric=plan.numeric, categorical=plan.categorical))


def group_counts(
    batch: pa.RecordBatch, plan: Plan, outcome: npt.NDArray[np.int64]
) -> dict[Grouping, GroupCounts]:
    """Counts of ``outcome`` (0 to 3 per row) per group of every grouping of the plan."""
    encoded = {a: arrays.codes(batch.column(a)) for a in plan.sensitive()}
    return {
        grouping: GroupCounts.from_codes(
            grouping,
            [encoded[a][0] for a in grouping],
            [encoded[a][1] for a in grouping],
            outcome,
        )
        for grouping in plan.groupings
    }


def batch_stats(batch: pa.RecordBatch, plan: Plan, row_ids: npt.NDArray[np.uint64]) -> HoldoutStats:
    """Pass-1 statistics of one batch."""
    positive = arrays.labels(batch.column(plan.label), plan.label)
    scores = [arrays.scores(batch.column(m), m) for m in plan.models()]
    predicted = scores[0] >= plan.bootstrap.threshold
    outcome = (2 * positive + predicted).astype(np.int64)
    return HoldoutStats(
        rows=batch.num_rows,
        tables=tuple(ScoreTable.from_rows(s, positive) for s in scores),
        bootstrap=plan.bootstrap.sums(scores, positive.astype(np.float64), row_ids),
        groups=group_counts(batch, plan, outcome),
        features=sketch_features(batch, plan),
    )


def parallel_map(function: Callable[[A], R], items: Iterable[A]) -> Iterator[R]:
    """``map`` on every core, in order, holding at most two items per core at once.

    numpy and pyarrow release the GIL in their loops, so threads use all cores without
    copying batches between processes; the window keeps memory bounded.
    """
    workers = os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(function, item))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _numbered_batches(
    paths: Sequence[Path], columns: Sequence[str], plan: Plan
) -> Iterator[tuple[pa.RecordBatch, npt.NDArray[np.uint64]]]:
    for index, path in enumerate(paths):
        offset = 0
        for batch in iter_batches(path, columns, plan.types(), plan.batch_rows):
            start = (index << _FILE_SHIFT) + offset
            yield batch, np.arange(start, start + batch.num_rows, dtype=np.uint64)
            offset += batch.num_rows


def _empty_holdout(plan: Plan) -> HoldoutStats:
    models = len(plan.models())
    return HoldoutStats(
        rows=0,
        tables=tuple(ScoreTable.empty() for _ in range(models)),
        bootstrap=plan.bootstrap.empty(models),
        groups={},
        features={},
    )


def _delong_pass(paths: Sequence[Path], plan: Plan, stats: HoldoutStats) -> DeLongSums:
    assert plan.champion is not None  # noqa: S101  # only called with a champion
    tables = (stats.tables[0], stats.tables[1])
    total = DeLongSums.empty()
    columns = (plan.label, plan.candidate, plan.champion)
    for batch, _ in _numbered_batches(paths, columns, plan):
        positive = arrays.labels(batch.column(plan.label), plan.label)
        pair = (
            arrays.scores(batch.column(plan.candidate), plan.candidate),
            arrays.scores(batch.column(plan.champion), plan.champion),
        )
        total = total.merge(DeLongSums.from_rows(tables, pair, positive))
    return total


def read_holdout(paths: Sequence[Path], plan: Plan) -> HoldoutStats:
    """Both passes over the holdout files."""
    batches = _numbered_batches(paths, plan.holdout_columns(), plan)
    parts = parallel_map(lambda item: batch_stats(item[0], plan, item[1]), batches)
    # Parts are merged once at the end: one sort of each table instead of one per batch.
    stats = combine_holdout([_empty_holdout(plan), *parts])
    if stats.rows == 0:
        raise ModelInputError("the holdout has no rows")
    positives, negatives = stats.tables[0].n_positive, stats.tables[0].n_negative
    if positives == 0 or negatives == 0:
        raise ModelInputError(
            f"the holdout has {positives:,} positive and {negatives:,} negative rows; "
            "judging a classifier needs both classes"
        )
    if plan.champion is None:
        return stats
    return replace(stats, delong=_delong_pass(paths, plan, stats))


def read_sketches(
    paths: Sequence[Path], columns: SketchColumns, batch_rows: int
) -> dict[str, Sketch]:
    """Merged sketches of ``columns`` over every batch of ``paths`` (both cores)."""
    floats = (*columns.numeric, *(c for c in (columns.label, columns.prediction) if c))
    types = {**{c: pa.float64() for c in floats}, **{c: pa.string() for c in columns.categorical}}
    batches = (
        batch for path in paths for batch in iter_batches(path, columns.names(), types, batch_rows)
    )
    parts = parallel_map(lambda batch: sketch_columns(batch, columns), batches)
    return {k: merge_sketches(v) for k, v in _by_key(parts).items()}


def reference_columns(paths: Sequence[Path], plan: Plan) -> SketchColumns:
    """The plan's features, plus the label and candidate score where every file has them.

    Label and prediction drift come for free when the reference carries those columns
    (the training data's labels, the model's scores on them); without them, only the
    features are compared, and the caller says so.
    """
    shared = set.intersection(*(set(available_columns(p)) for p in paths)) if paths else set()
    return SketchColumns(
        numeric=plan.numeric,
        categorical=plan.categorical,
        label=plan.label if plan.label in shared else None,
        prediction=plan.candidate if plan.candidate in shared else None,
    )


def holdout_roles(stats: HoldoutStats, plan: Plan) -> dict[str, Sketch]:
    """The holdout's label and candidate-score sketches, exact from the candidate's table."""
    table = stats.tables[0]
    rows = table.positives + table.negatives
    return {
        plan.label: CategorySketch.from_counts(("0", "1"), (table.n_negative, table.n_positive), 0),
        plan.candidate: NumericSketch(values=table.values, counts=rows, nulls=0),
    }
