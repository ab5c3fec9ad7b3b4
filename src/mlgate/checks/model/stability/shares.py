"""Shares of rows (flips, violations, out-of-range values) as gated metrics.

Every share blocks only when even the lower end of its Wilson interval exceeds the
tolerance (``decide_on="ci_low"``), so a handful of rows in a small sample cannot block on
noise, while a tolerance of 0 still blocks on a single observed row.
"""

from __future__ import annotations

from mlgate.checks.model.stats.intervals import wilson
from mlgate.core.metric import Comparison, ConfidenceInterval, Metric


def share_metric(
    *, name: str, count: int, rows: int, limit: float | None, level: float, sentence: str
) -> Metric:
    """``count`` of ``rows`` as a share; ``sentence`` says what was counted."""
    low, high = wilson(count, rows, level)
    text = f"{sentence} ({level * 100:g}% CI {low * 100:.2f}% to {high * 100:.2f}%, Wilson)"
    if limit is not None:
        text += f"; tolerance {limit * 100:.2f}%"
    return Metric(
        name=name,
        value=count / rows if rows else 0.0,
        threshold=limit,
        comparison=Comparison.LE,
        ci=ConfidenceInterval(low=low, high=high, level=level),
        n=rows,
        description=text,
        decide_on="ci_low",
    )
