"""Monte-Carlo validation of the gate's paired intervals (the calibration study).

A gate that blocks equally good models at random gets switched off, so the intervals are
checked by simulation rather than trusted: holdouts are drawn from a known process, the
gate's own code (:func:`gate_changes`: the engine's batch statistics, its cell-wise
bootstrap draw or DeLong sums, and :func:`~mlgate.checks.model.performance.change`)
gives the paired interval of every metric, and the study counts

- **false blocks**: two models from the same process (independent noise) whose interval
  lies wholly on the "worse" side; at most the one-sided ``(1 - confidence) / 2``;
- **coverage**: how often the interval holds the true difference, computed on a huge
  independent sample of the same process;
- **width** against the straightforward row-level paired Poisson bootstrap
  (:func:`row_changes`), which draws one weight per row and replicate, tail by tail
  (:func:`tail_ratios`), on holdouts so small that most cells hold a handful of rows.

``scripts/model_calibration.py`` prints the figures; a fast seeded test asserts them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pyarrow as pa
from scipy import stats as scipy_stats

from mlgate.checks.model.config import (
    LOWER_IS_BETTER,
    REGRESSION_METRICS,
    ModelConfig,
    PerformanceMetric,
)
from mlgate.checks.model.engine import HoldoutStats, Plan, batch_stats
from mlgate.checks.model.performance import change, point_value, regression_value
from mlgate.checks.model.stats import classification as cls
from mlgate.checks.model.stats import regression
from mlgate.checks.model.stats.bootstrap import BootstrapSums
from mlgate.checks.model.stats.delong import DeLongSums
from mlgate.checks.model.stats.intervals import Interval
from mlgate.checks.model.stats.regression import RegressionReplicates, RegressionSums
from mlgate.checks.model.stats.scores import FloatArray, ScoreTable

# Average precision's interval has its own study (a sampled bootstrap, see ``stats.pairs``).
CLASSIFICATION = tuple(
    m
    for m in PerformanceMetric
    if m not in REGRESSION_METRICS and m is not PerformanceMetric.AVERAGE_PRECISION
)
REGRESSION = tuple(m for m in PerformanceMetric if m in REGRESSION_METRICS)
_COLUMNS = {"label": "y", "candidate": "a", "champion": "b"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Holdout:
    """Labels or targets and both models' scores or predictions on the same rows."""

    y: FloatArray
    candidate: FloatArray
    champion: FloatArray


@dataclass(frozen=True, slots=True, kw_only=True)
class Process:
    """A data-generating process; each model sees the signal through its own noise."""

    task: str  # "classification" or "regression"
    candidate_noise: float = 1.0
    champion_noise: float = 1.0

    def draw(self, rows: int, rng: np.random.Generator) -> Holdout:
        """``rows`` independent rows."""
        if self.task == "regression":
            signal = rng.gamma(4.0, 30.0, rows)
            y = signal + rng.normal(0, 15.0, rows)
            candidate = signal + 10.0 * self.candidate_noise * rng.standard_t(5, rows)
            champion = signal + 10.0 * self.champion_noise * rng.standard_t(5, rows)
            return Holdout(y=y, candidate=candidate, champion=champion)
        positive = rng.uniform(size=rows) < 0.3
        signal = rng.normal(size=rows) + 1.2 * positive - 0.8
        return Holdout(
            y=positive.astype(np.float64),
            candidate=_sigmoid(signal + self.candidate_noise * rng.normal(size=rows)),
            champion=_sigmoid(signal + self.champion_noise * rng.normal(size=rows)),
        )


def _sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(1 / (1 + np.exp(-x)), dtype=np.float64)


def study_config(
    task: str,
    replicates: int = 200,
    seed: int = 0,
    metrics: Iterable[PerformanceMetric] | None = None,
    **extra: Any,
) -> ModelConfig:
    """A policy judging ``metrics`` (default: every metric of ``task``) with a paired interval."""
    if metrics is None:
        metrics = REGRESSION if task == "regression" else CLASSIFICATION
    settings: dict[str, Any] = {"task": task, "columns": _COLUMNS, "fairness": {}, **extra}
    return ModelConfig(
        paths=["holdout"],
        performance={m: {} for m in metrics},
        bootstrap_replicates=replicates,
        seed=seed,
        **settings,
    )


def holdout_stats(holdout: Holdout, config: ModelConfig) -> HoldoutStats:
    """The engine's statistics of an in-memory holdout, bootstrap drawn (one batch)."""
    plan = Plan.from_config(config)
    batch = pa.RecordBatch.from_pydict(
        {"y": holdout.y, "a": holdout.candidate, "b": holdout.champion}
    )
    if plan.regression:
        found = batch_stats(batch, plan, shift=float(holdout.y[0]))
        drawn = regression.draw(found.cells, 2, plan.bootstrap.replicates, plan.bootstrap.seed)
        return replace(found, replicates=drawn)
    found = batch_stats(batch, plan)
    positive = holdout.y > 0
    tables = (found.tables[0], found.tables[1])
    delong = DeLongSums.from_rows(tables, (holdout.candidate, holdout.champion), positive)
    return replace(found, bootstrap=plan.bootstrap.draw(found.cells, 2), delong=delong)


def gate_changes(holdout: Holdout, config: ModelConfig) -> dict[PerformanceMetric, Interval]:
    """The gate's paired interval of candidate minus champion, per configured metric."""
    found = holdout_stats(holdout, config)
    return {m: change(m, found, config).interval for m in config.performance}


def _row_sums(holdout: Holdout, weights: FloatArray, config: ModelConfig) -> BootstrapSums:
    # The design columns of :class:`BootstrapSums`, one row per holdout row, weighted.
    positive = holdout.y
    k = config.ece_bins
    per_model = []
    for scores in (holdout.candidate, holdout.champion):
        predicted = (scores >= config.threshold).astype(np.intp)
        design = np.zeros((scores.size, 6 + 3 * k))
        rows = np.arange(scores.size)
        design[rows, 2 * positive.astype(np.intp) + predicted] = 1.0
        design[:, 4] = cls.log_loss_terms(scores, positive)
        design[:, 5] = cls.brier_terms(scores, positive)
        bins = cls.ece_bins(scores, k)
        design[rows, 6 + bins] = 1.0
        design[rows, 6 + k + bins] = positive
        design[rows, 6 + 2 * k + bins] = scores
        per_model.append(weights @ design)
    return BootstrapSums(sums=np.stack(per_model, axis=1), n_bins=k)


def _row_regression(holdout: Holdout, weights: FloatArray) -> RegressionReplicates:
    errors = [p - holdout.y for p in (holdout.candidate, holdout.champion)]
    centred = holdout.y - holdout.y[0]
    weight = weights.sum(axis=1)
    target = weights @ centred
    return RegressionReplicates(
        weight=weight,
        squared=np.stack([weights @ np.square(e) for e in errors], axis=1),
        absolute=np.stack([weights @ np.abs(e) for e in errors], axis=1),
        deviations=weights @ np.square(centred) - np.square(target) / weight,
    )


def row_changes(holdout: Holdout, config: ModelConfig) -> dict[PerformanceMetric, Interval]:
    """Percentile intervals of the row-level paired Poisson bootstrap (one weight per row).

    The reference the cell-wise draw approximates; ROC AUC keeps DeLong's interval.
    """
    rng = np.random.default_rng(config.seed)
    weights = rng.poisson(1.0, (config.bootstrap_replicates, holdout.y.size)).astype(np.float64)
    found = holdout_stats(holdout, config)
    if config.task == "regression":
        found = replace(found, replicates=_row_regression(holdout, weights))
    else:
        found = replace(found, bootstrap=_row_sums(holdout, weights, config))
    return {m: change(m, found, config).interval for m in config.performance}


def differences(holdout: Holdout, config: ModelConfig) -> dict[PerformanceMetric, float]:
    """Candidate minus champion on ``holdout`` (on a huge sample: the true differences)."""
    if config.task == "regression":
        sums = RegressionSums.from_rows(holdout.y, [holdout.candidate, holdout.champion])
        return {
            m: regression_value(m, sums, 0) - regression_value(m, sums, 1)
            for m in config.performance
        }
    positive = holdout.y > 0
    a, b = (ScoreTable.from_rows(s, positive) for s in (holdout.candidate, holdout.champion))
    return {m: point_value(m, a, config) - point_value(m, b, config) for m in config.performance}


def blocks(metric: PerformanceMetric, interval: Interval) -> bool:
    """Whether the interval says "significantly worse" (the gate's condition, no tolerance)."""
    return interval.low > 0 if metric in LOWER_IS_BETTER else interval.high < 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Rate:
    """How many of ``trials`` had the event, with a Clopper-Pearson interval."""

    events: int
    trials: int
    level: float = 0.95

    @property
    def value(self) -> float:
        """The observed rate."""
        return self.events / self.trials

    def bounds(self) -> tuple[float, float]:
        """Clopper-Pearson (exact binomial) limits at ``level``."""
        found = scipy_stats.binomtest(self.events, self.trials).proportion_ci(self.level)
        return float(found.low), float(found.high)


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricSummary:
    """One metric over all trials: false blocks or coverage, and mean interval width."""

    metric: PerformanceMetric
    rate: Rate
    width: float


def _summaries(
    metrics: Iterable[PerformanceMetric],
    hits: dict[PerformanceMetric, int],
    widths: dict[PerformanceMetric, list[float]],
    trials: int,
) -> list[MetricSummary]:
    return [
        MetricSummary(
            metric=m, rate=Rate(events=hits[m], trials=trials), width=float(np.mean(widths[m]))
        )
        for m in metrics
    ]


def false_blocks(  # noqa: PLR0913  # a study's knobs, all but the first four keyword-only
    process: Process,
    rows: int,
    trials: int,
    seed: int,
    *,
    rows_level: bool = False,
    replicates: int = 200,
    config: ModelConfig | None = None,
) -> list[MetricSummary]:
    """Per metric: how often equal models are declared significantly worse.

    ``config`` (default: :func:`study_config` of the process's task) names the metrics.
    """
    if config is None:
        config = study_config(process.task, replicates=replicates)
    rng = np.random.default_rng(seed)
    hits = dict.fromkeys(config.performance, 0)
    widths: dict[PerformanceMetric, list[float]] = {m: [] for m in config.performance}
    for trial in range(trials):
        trial_config = config.model_copy(update={"seed": trial})
        holdout = process.draw(rows, rng)
        found = (row_changes if rows_level else gate_changes)(holdout, trial_config)
        for metric, interval in found.items():
            hits[metric] += blocks(metric, interval)
            widths[metric].append(interval.high - interval.low)
    return _summaries(config.performance, hits, widths, trials)


def coverage(  # noqa: PLR0913  # a study's knobs, all but the first five keyword-only
    process: Process,
    rows: int,
    trials: int,
    seed: int,
    truth: dict[PerformanceMetric, float],
    *,
    replicates: int = 200,
    config: ModelConfig | None = None,
) -> list[MetricSummary]:
    """Per metric: how often the interval holds the ``truth`` (see :func:`differences`)."""
    if config is None:
        config = study_config(process.task, replicates=replicates)
    rng = np.random.default_rng(seed)
    hits = dict.fromkeys(config.performance, 0)
    widths: dict[PerformanceMetric, list[float]] = {m: [] for m in config.performance}
    for trial in range(trials):
        found = gate_changes(process.draw(rows, rng), config.model_copy(update={"seed": trial}))
        for metric, interval in found.items():
            hits[metric] += not interval.excludes(truth[metric])
            widths[metric].append(interval.high - interval.low)
    return _summaries(config.performance, hits, widths, trials)


def one_sided_level(config: ModelConfig) -> float:
    """The nominal false-block rate: one tail of the two-sided interval."""
    return (1 - config.confidence) / 2


@dataclass(frozen=True, slots=True, kw_only=True)
class TailRatio:
    """Cell-wise over row-level distance from the estimate to each interval limit (median)."""

    metric: PerformanceMetric
    lower: float
    upper: float


def tail_ratios(process: Process, rows: int, holdouts: int, replicates: int) -> list[TailRatio]:
    """How far each limit of the cell-wise interval lies, relative to the row-level one.

    Each tail separately: a one-sided false block depends on one limit, and a normal
    approximation within skewed small cells would shorten one tail and stretch the other.
    """
    config = study_config(process.task, replicates=replicates)
    rng = np.random.default_rng(rows)
    lower: dict[PerformanceMetric, list[float]] = {m: [] for m in config.performance}
    upper: dict[PerformanceMetric, list[float]] = {m: [] for m in config.performance}
    for trial in range(holdouts):
        holdout = process.draw(rows, rng)
        trial_config = config.model_copy(update={"seed": trial})
        point = differences(holdout, trial_config)
        cells, direct = gate_changes(holdout, trial_config), row_changes(holdout, trial_config)
        for m in config.performance:
            lower[m].append((point[m] - cells[m].low) / (point[m] - direct[m].low))
            upper[m].append((cells[m].high - point[m]) / (direct[m].high - point[m]))
    return [
        TailRatio(metric=m, lower=float(np.median(lower[m])), upper=float(np.median(upper[m])))
        for m in config.performance
    ]
