"""Value ranges seen at training against the holdout's numeric features.

The training range of a feature is the smallest and largest value of its reference sketch
(the raw ``reference`` data or the stored ``reference_profile``: the same exact sketches
either way). The holdout's sketch counts every distinct value, so the share of current
non-null values outside that range is exact, and mergeable across partitions like the rest
of the model check. The share is gated like a flip rate (Wilson, ``decide_on="ci_low"``).
"""

from __future__ import annotations

from collections.abc import Mapping

from mlgate.checks.model.config import Ranges
from mlgate.checks.model.engine import Sketch
from mlgate.checks.model.stability.shares import share_metric
from mlgate.checks.model.stats.sketch import NumericSketch
from mlgate.core.metric import Metric


def out_of_range(reference: NumericSketch, current: NumericSketch) -> tuple[int, int]:
    """Current non-null values outside the reference's [min, max], and their total."""
    rows = int(current.counts.sum())
    if reference.values.size == 0:
        return rows, rows  # nothing was seen at training: every value is new
    low, high = reference.values[0], reference.values[-1]
    outside = (current.values < low) | (current.values > high)
    return int(current.counts[outside].sum()), rows


def _sentence(feature: str, reference: NumericSketch, outside: int, rows: int) -> str:
    seen = (
        f"[{reference.values[0]:g}, {reference.values[-1]:g}]"
        if reference.values.size
        else "(no values)"
    )
    return (
        f"{outside / max(rows, 1) * 100:.2f}% of {rows:,} holdout values of {feature!r} lie "
        f"outside the training range {seen}"
    )


def range_metrics(
    reference: Mapping[str, Sketch],
    current: Mapping[str, Sketch],
    rules: Ranges,
    level: float,
) -> tuple[list[Metric], list[str]]:
    """``serving.out_of_range_share[feature]`` per judged feature, and what was not judged."""
    numeric = [f for f, s in current.items() if isinstance(s, NumericSketch)]
    features = rules.features or sorted(f for f in numeric if f in reference)
    metrics: list[Metric] = []
    unjudged: list[str] = []
    for feature in features:
        ref, cur = reference.get(feature), current.get(feature)
        if not isinstance(ref, NumericSketch) or not isinstance(cur, NumericSketch):
            unjudged.append(feature)
            continue
        outside, rows = out_of_range(ref, cur)
        metrics.append(
            share_metric(
                name=f"serving.out_of_range_share[{feature}]",
                count=outside,
                rows=rows,
                limit=rules.max_out_of_range_share,
                level=level,
                sentence=_sentence(feature, ref, outside, rows),
            )
        )
    return metrics, unjudged
