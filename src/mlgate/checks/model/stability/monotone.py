"""Declared monotone features: seeded sweeps that look for the score moving the wrong way.

For each declared feature, ``monotone_rows`` rows are drawn (seeded, without replacement)
and each is scored at ``monotone_points`` values of the feature, the percentiles 1 to 99 of
its observed values, all other inputs unchanged: one batched inference of rows x points. A
row violates the declaration when its score moves against the declared direction between
two neighbouring grid points by more than :data:`SLACK`. The share of violating rows is
gated like a flip rate (Wilson interval, ``decide_on="ci_low"``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlgate.checks.model.config import Direction, Robustness
from mlgate.checks.model.stability.robustness import Scorer
from mlgate.checks.model.stability.sample import Sample
from mlgate.checks.model.stability.shares import share_metric
from mlgate.checks.model.stats.scores import FloatArray
from mlgate.core.metric import Metric

# float32 inference rounds scores near 0.5 to about 6e-8; a reversal smaller than this is
# arithmetic, not the model's behaviour.
SLACK = 1e-6
# Keeps each sweep's stream apart from the perturbations' ([seed, kind, feature]).
_STREAM = 1001


@dataclass(frozen=True, slots=True, kw_only=True)
class Sweep:
    """The scores of swept rows: ``scores[row, point]`` at ``grid[point]``."""

    feature: str
    direction: Direction
    grid: FloatArray
    scores: FloatArray

    @property
    def reversals(self) -> FloatArray:
        """Per row, the largest move against the declared direction (0 when none)."""
        if self.grid.size < 2:
            return np.zeros(self.scores.shape[0])
        sign = 1.0 if self.direction is Direction.INCREASING else -1.0
        against = -sign * np.diff(self.scores, axis=1)
        return np.asarray(np.maximum(against.max(axis=1), 0.0), dtype=np.float64)

    @property
    def violations(self) -> int:
        """Rows whose score moves against the direction by more than :data:`SLACK`."""
        return int(np.count_nonzero(self.reversals > SLACK))

    @property
    def invalid(self) -> int:
        """Non-finite scores returned during the sweep."""
        return int(np.count_nonzero(~np.isfinite(self.scores)))


def sweep(
    sample: Sample, feature: str, direction: Direction, score: Scorer, rules: Robustness, seed: int
) -> Sweep:
    """Score the sampled rows of ``sample`` over the grid of ``feature``."""
    values = sample.columns[feature]
    present = values[~np.isnan(values)]
    rows = sample.labels.size
    index = list(rules.monotone).index(feature)
    rng = np.random.default_rng([seed, _STREAM, index])
    chosen = np.sort(rng.choice(rows, size=min(rules.monotone_rows, rows), replace=False))
    if present.size == 0:
        grid = np.empty(0, np.float64)
    else:
        grid = np.unique(np.percentile(present, np.linspace(1, 99, rules.monotone_points)))
    if grid.size == 0:
        return Sweep(
            feature=feature, direction=direction, grid=grid, scores=np.zeros((chosen.size, 0))
        )
    expanded = sample.take(np.repeat(chosen, grid.size))
    swept = expanded.with_column(feature, np.tile(grid, chosen.size))
    scores = score(swept).reshape(chosen.size, grid.size)
    return Sweep(feature=feature, direction=direction, grid=grid, scores=scores)


def monotone_metric(found: Sweep, rules: Robustness, level: float) -> Metric:
    """``robustness.monotone[feature].violation_share`` with the largest reversal."""
    rows = int(found.scores.shape[0])
    against = "decreases" if found.direction is Direction.INCREASING else "increases"
    largest = float(found.reversals.max()) if rows else 0.0
    sentence = (
        f"The score {against} while {found.feature!r} increases (declared "
        f"{found.direction.value}) for {found.violations / max(rows, 1) * 100:.2f}% of {rows:,} "
        f"swept rows ({found.grid.size} points from p1 to p99; largest reversal {largest:.4g})"
    )
    return share_metric(
        name=f"robustness.monotone[{found.feature}].violation_share",
        count=found.violations,
        rows=rows,
        limit=rules.max_monotone_violation_share,
        level=level,
        sentence=sentence,
    )
