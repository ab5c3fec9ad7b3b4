"""Declared invariances: the score must not change when a feature's value is swapped.

Each row gets another of the feature's values (seeded, uniformly among the others; a row
whose value is not among them gets any of them), all other inputs unchanged. The largest
absolute score change is gated on its value (an observed maximum, not an estimate); the
share of changed decisions like a flip rate (Wilson interval, ``decide_on="ci_low"``); the
mean absolute change is context.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from mlgate.checks.model.config import Invariance
from mlgate.checks.model.reader import ModelInputError
from mlgate.checks.model.stability.robustness import Scorer
from mlgate.checks.model.stability.sample import Sample
from mlgate.checks.model.stability.shares import share_metric
from mlgate.checks.model.stability.upper_limits import at_most_metric
from mlgate.checks.model.stats.scores import FloatArray
from mlgate.core.metric import Metric

MAX_VALUES = 50
# Keeps each swap's stream apart from the perturbations' and the monotone sweeps'.
_STREAM = 1002


def _distinct(values: npt.NDArray[Any]) -> list[Any]:
    if values.dtype == np.object_:
        return sorted({v for v in values.tolist() if isinstance(v, str)})
    return sorted(set(values[~np.isnan(values)].tolist()))


def swap_values(
    values: npt.NDArray[Any], choices: list[Any], rng: np.random.Generator
) -> npt.NDArray[Any]:
    """Each value replaced by a different one of ``choices`` (seeded)."""
    options = np.array(choices, dtype=values.dtype)
    lookup = {v: i for i, v in enumerate(choices)}
    current = np.array([lookup.get(v, -1) for v in values.tolist()], dtype=np.int64)
    shift = rng.integers(1, len(choices), size=values.size)
    anywhere = rng.integers(0, len(choices), size=values.size)
    chosen = np.where(current >= 0, (current + shift) % len(choices), anywhere)
    return options[chosen]


@dataclass(frozen=True, slots=True, kw_only=True)
class Swap:
    """Scores before and after swapping one feature."""

    rule: Invariance
    values: int
    base: FloatArray
    swapped: FloatArray

    @property
    def changes(self) -> FloatArray:
        """Absolute score change per row."""
        return np.asarray(np.abs(self.swapped - self.base), dtype=np.float64)


def swap_choices(sample: Sample, rule: Invariance) -> list[Any]:
    """The values ``rule.feature`` is swapped among; a bad declaration is an error."""
    column = sample.columns.get(rule.feature)
    if column is None:
        raise ModelInputError(f"invariance feature {rule.feature!r} does not feed the model")
    if rule.values is not None:
        choices: list[Any] = list(dict.fromkeys(rule.values))
        if column.dtype == np.object_ and not all(isinstance(v, str) for v in choices):
            raise ModelInputError(f"invariance {rule.feature!r}: the column holds strings")
    else:
        choices = _distinct(column)
    if not 2 <= len(choices) <= MAX_VALUES:
        raise ModelInputError(
            f"invariance {rule.feature!r}: {len(choices)} distinct value(s) to swap among "
            f"(2 to {MAX_VALUES} needed; list them under `values`)"
        )
    return choices


def swap(
    sample: Sample,
    rule: Invariance,
    choices: list[Any],
    stream: tuple[int, int],
    scoring: tuple[FloatArray, Scorer],
) -> Swap:
    """Score ``sample`` with ``rule.feature`` swapped; ``stream`` is (seed, invariance index)."""
    base, score = scoring
    rng = np.random.default_rng([stream[0], _STREAM, stream[1]])
    column = sample.columns[rule.feature]
    swapped = sample.with_column(rule.feature, swap_values(column, choices, rng))
    return Swap(rule=rule, values=len(choices), base=base, swapped=score(swapped))


def invariance_metrics(found: Swap, threshold: float, level: float) -> list[Metric]:
    """Largest and mean absolute score change, and the flip rate, of one swap."""
    feature, rows = found.rule.feature, int(found.base.size)
    changes = found.changes
    largest = float(changes.max()) if rows else 0.0
    flips = int(np.count_nonzero((found.swapped >= threshold) != (found.base >= threshold)))
    return [
        at_most_metric(
            name=f"invariance[{feature}].max_score_change",
            value=largest,
            limit=found.rule.max_score_change,
            text=f"Swapping {feature!r} among {found.values} values changes a score by up to "
            f"{largest:.4g} over {rows:,} rows",
            n=rows,
        ),
        Metric(
            name=f"invariance[{feature}].mean_score_change",
            value=float(changes.mean()) if rows else 0.0,
            n=rows,
        ),
        share_metric(
            name=f"invariance[{feature}].flip_rate",
            count=flips,
            rows=rows,
            limit=found.rule.max_flip_rate,
            level=level,
            sentence=f"Swapping {feature!r} changes the decision for "
            f"{flips / max(rows, 1) * 100:.2f}% of {rows:,} rows",
        ),
    ]
