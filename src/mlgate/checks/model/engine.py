"""Reading the holdout and reference rows into merged sufficient statistics.

Pass 1 computes, per batch, the score tables, the bootstrap's cell moments, the
confusion counts per sensitive group and the feature sketches (for regression: error sums
instead of score tables), and folds them into running totals; the bootstrap replicates
are drawn once from the merged moments. Pass 2 (only with a champion) needs pass 1's
complete score tables for the DeLong placements. Both passes run on every core (numpy
and pyarrow release the GIL). Memory is bounded by a few batches plus the statistics,
never by the file: the statistics grow with distinct values (scores for the exact AUC,
compacting feature sketches), not with rows. Average precision against a champion also
keeps a fixed-size sample of row pairs for its paired bootstrap (``stats.pairs``).
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import reduce
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from mlgate.checks.model import arrays
from mlgate.checks.model.config import ModelConfig, PerformanceMetric
from mlgate.checks.model.reader import ModelInputError, available_columns, iter_batches
from mlgate.checks.model.stats import regression
from mlgate.checks.model.stats.bootstrap import BootstrapPlan, BootstrapSums, CellMoments
from mlgate.checks.model.stats.delong import DeLongSums, PlacementTable
from mlgate.checks.model.stats.groups import GroupCounts
from mlgate.checks.model.stats.pairs import PairSample, row_priorities
from mlgate.checks.model.stats.regression import RegressionReplicates, RegressionSums
from mlgate.checks.model.stats.scores import FloatArray, ScoreTable, merge_tables
from mlgate.checks.model.stats.sketch import CategorySketch, NumericSketch, merge_numeric

Sketch = NumericSketch | CategorySketch
Grouping = tuple[str, ...]
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
    # Regression: the label and prediction are numbers, sketched like numeric features.
    regression: bool = False

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
    regression: bool = False
    # Rows of the paired sample for average precision's bootstrap; 0: not kept.
    pair_sample: int = 0

    @classmethod
    def from_config(cls, config: ModelConfig) -> Plan:
        """The plan of a validated configuration."""
        columns = config.columns
        singles = tuple((a,) for a in columns.sensitive)
        joint = tuple(tuple(group) for group in columns.intersections)
        paired_ap = (
            columns.champion is not None
            and PerformanceMetric.AVERAGE_PRECISION in config.performance
        )
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
            regression=config.task == "regression",
            pair_sample=config.average_precision_sample_rows if paired_ap else 0,
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
    cells: CellMoments
    groups: dict[Grouping, GroupCounts]
    features: dict[str, Sketch]
    # Drawn once from the merged cell moments (see ``read_holdout``); parts carry none.
    bootstrap: BootstrapSums
    delong: DeLongSums | None = None
    # Regression only: point sums, bootstrap replicates, label and prediction sketches.
    regression: RegressionSums | None = None
    replicates: RegressionReplicates | None = None
    roles: dict[str, Sketch] = field(default_factory=dict)
    # Average precision with a champion only: the paired row sample (see ``pairs``).
    pairs: PairSample | None = None


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
    sums = [p.regression for p in parts if p.regression is not None]
    samples = [p.pairs for p in parts if p.pairs is not None]
    return HoldoutStats(
        pairs=reduce(PairSample.merge, samples) if samples else None,
        regression=reduce(RegressionSums.merge, sums) if sums else None,
        roles={k: merge_sketches(v) for k, v in _by_key(p.roles for p in parts).items()},
        rows=sum(p.rows for p in parts),
        tables=tuple(merge_tables(t) for t in zip(*(p.tables for p in parts), strict=True)),
        cells=reduce(CellMoments.merge, (p.cells for p in parts)),
        bootstrap=parts[0].bootstrap,
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
    if columns.regression:
        roles = ((columns.label, "target"), (columns.prediction, "prediction"))
        for column, role in roles:
            if column is not None:
                values = arrays.finite(batch.column(column), column, role)
                sketches[column] = NumericSketch.from_values(values)
        return sketches
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


def regression_batch(batch: pa.RecordBatch, plan: Plan, shift: float = 0.0) -> HoldoutStats:
    """Pass-1 statistics of one batch of a regression holdout (``shift``: see regression)."""
    target = arrays.finite(batch.column(plan.label), plan.label, "target")
    predictions = [arrays.finite(batch.column(m), m, "prediction") for m in plan.models()]
    return HoldoutStats(
        rows=batch.num_rows,
        tables=(),
        cells=regression.moments(target, predictions, shift),
        bootstrap=plan.bootstrap.empty(0),
        groups={},
        features=sketch_features(batch, plan),
        regression=RegressionSums.from_rows(target, predictions),
        roles={
            plan.label: NumericSketch.from_values(target),
            plan.candidate: NumericSketch.from_values(predictions[0]),
        },
    )


def pair_sample(
    plan: Plan, start: int, positive: npt.NDArray[np.bool_], scores: Sequence[FloatArray]
) -> PairSample | None:
    """The paired sample of one batch whose first row is row ``start`` of the input."""
    if plan.pair_sample == 0 or len(scores) < 2:
        return None
    priority = row_priorities(plan.bootstrap.seed, start, positive.size)
    stacked = np.stack([scores[0], scores[1]], axis=1)
    return PairSample.from_rows(plan.pair_sample, priority, positive, stacked)


def batch_stats(
    batch: pa.RecordBatch, plan: Plan, shift: float = 0.0, start: int = 0
) -> HoldoutStats:
    """Pass-1 statistics of one batch whose first row is row ``start`` of the input."""
    if plan.regression:
        return regression_batch(batch, plan, shift)
    positive = arrays.labels(batch.column(plan.label), plan.label)
    scores = [arrays.scores(batch.column(m), m) for m in plan.models()]
    predicted = scores[0] >= plan.bootstrap.threshold
    outcome = (2 * positive + predicted).astype(np.int64)
    return HoldoutStats(
        rows=batch.num_rows,
        tables=tuple(ScoreTable.from_rows(s, positive) for s in scores),
        cells=plan.bootstrap.moments(scores, positive.astype(np.float64)),
        bootstrap=plan.bootstrap.empty(0),
        groups=group_counts(batch, plan, outcome),
        features=sketch_features(batch, plan),
        pairs=pair_sample(plan, start, positive, scores),
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


def _batches(paths: Sequence[Path], columns: Sequence[str], plan: Plan) -> Iterator[pa.RecordBatch]:
    for path in paths:
        yield from iter_batches(path, columns, plan.types(), plan.batch_rows, dictionary=True)


def merge_stream(parts: Iterable[A], combine: Callable[[list[A]], A], group: int = 8) -> A | None:
    """Fold a stream of parts into one, ``group`` parts at a time.

    Memory holds the running total and at most ``group`` parts, never one per batch of
    the input; each fold is one run merge of the total with the group (the total's size
    is bounded by the distinct values, so the work per fold is too).
    """
    total: A | None = None
    pending: list[A] = []
    for part in parts:
        pending.append(part)
        if len(pending) == group:
            total = combine(pending if total is None else [total, *pending])
            pending = []
    if pending:
        total = combine(pending if total is None else [total, *pending])
    return total


def _empty_holdout(plan: Plan) -> HoldoutStats:
    models = len(plan.models())
    if plan.regression:
        cells = CellMoments.empty(regression.cell_count(models), 2 * models + 2)
    else:
        cells = plan.bootstrap.empty_moments(models)
    return HoldoutStats(
        rows=0,
        tables=tuple(ScoreTable.empty() for _ in range(0 if plan.regression else models)),
        regression=RegressionSums.empty(models) if plan.regression else None,
        cells=cells,
        bootstrap=plan.bootstrap.empty(0),
        groups={},
        features={},
        pairs=PairSample.empty(plan.pair_sample) if plan.pair_sample else None,
    )


def _delong_batch(
    batch: pa.RecordBatch, plan: Plan, lookups: tuple[PlacementTable, PlacementTable]
) -> DeLongSums:
    assert plan.champion is not None  # noqa: S101  # only called with a champion
    positive = arrays.labels(batch.column(plan.label), plan.label)
    pair = (
        arrays.scores(batch.column(plan.candidate), plan.candidate),
        arrays.scores(batch.column(plan.champion), plan.champion),
    )
    return DeLongSums.from_lookups(lookups, pair, positive)


def _delong_pass(paths: Sequence[Path], plan: Plan, stats: HoldoutStats) -> DeLongSums:
    assert plan.champion is not None  # noqa: S101  # only called with a champion
    lookups = (PlacementTable.of(stats.tables[0]), PlacementTable.of(stats.tables[1]))
    columns = (plan.label, plan.candidate, plan.champion)
    parts = parallel_map(lambda b: _delong_batch(b, plan, lookups), _batches(paths, columns, plan))
    return reduce(DeLongSums.merge, parts, DeLongSums.empty())


def _first_target(batch: pa.RecordBatch | None, plan: Plan) -> float:
    # The input's first target value: a function of the files, not of how they are split.
    if batch is None or batch.num_rows == 0:
        return 0.0
    return float(arrays.finite(batch.column(plan.label).slice(0, 1), plan.label, "target")[0])


def _with_starts(batches: Iterable[pa.RecordBatch]) -> Iterator[tuple[int, pa.RecordBatch]]:
    # Each batch's first row number in the input, counted in the reading thread.
    start = 0
    for batch in batches:
        yield start, batch
        start += batch.num_rows


def read_holdout(paths: Sequence[Path], plan: Plan) -> HoldoutStats:
    """Both passes over the holdout files; the bootstrap is drawn from the merged cells."""
    batches = _batches(paths, plan.holdout_columns(), plan)
    first = next(batches, None)
    shift = _first_target(first, plan) if plan.regression else 0.0
    stream = itertools.chain([first] if first is not None else [], batches)
    parts = parallel_map(
        lambda item: batch_stats(item[1], plan, shift, item[0]), _with_starts(stream)
    )
    # Folded 8 parts at a time: a bounded number of parts in memory, never the file's.
    merged = merge_stream(parts, combine_holdout)
    stats = combine_holdout([_empty_holdout(plan), *([merged] if merged is not None else [])])
    if stats.rows == 0:
        raise ModelInputError("the holdout has no rows")
    if plan.regression:
        draws = plan.bootstrap
        replicates = regression.draw(stats.cells, len(plan.models()), draws.replicates, draws.seed)
        return replace(stats, replicates=replicates)
    positives, negatives = stats.tables[0].n_positive, stats.tables[0].n_negative
    if positives == 0 or negatives == 0:
        raise ModelInputError(
            f"the holdout has {positives:,} positive and {negatives:,} negative rows; "
            "judging a classifier needs both classes"
        )
    stats = replace(stats, bootstrap=plan.bootstrap.draw(stats.cells, len(plan.models())))
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
        batch
        for path in paths
        for batch in iter_batches(path, columns.names(), types, batch_rows, dictionary=True)
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
        regression=plan.regression,
    )


def holdout_roles(stats: HoldoutStats, plan: Plan) -> dict[str, Sketch]:
    """The holdout's label and candidate-score sketches, exact from the candidate's table."""
    if plan.regression:
        return stats.roles
    table = stats.tables[0]
    rows = table.positives + table.negatives
    return {
        plan.label: CategorySketch.from_counts(("0", "1"), (table.n_negative, table.n_positive), 0),
        plan.candidate: NumericSketch.from_counts(table.values, rows, 0),
    }
