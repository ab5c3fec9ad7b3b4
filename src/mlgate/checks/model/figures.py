"""The model check's pictures as figure data: rates, histograms and reliability.

Every number here comes from the same sufficient statistics and definitions the decisions
use (Wilson intervals of group rates, reference-decile bins, uniform calibration bins), so
a picture never disagrees with the metric beside it. Sizes are capped so that a holdout
with hundreds of groups or features still gives a report of bounded size; the metrics table
keeps every number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from mlgate.checks.model.config import FairnessMetric, ModelConfig
from mlgate.checks.model.engine import HoldoutStats, Plan, Sketch
from mlgate.checks.model.fairness_rules import RATE_WORDS, RATES, eligible
from mlgate.checks.model.stability.calibration import bin_edges
from mlgate.checks.model.stats.classification import table_bin_sums
from mlgate.checks.model.stats.drift import DECILES, decile_counts, psi
from mlgate.checks.model.stats.fairness import GroupRate, group_rates, successes_trials
from mlgate.checks.model.stats.groups import MISSING, GroupCounts
from mlgate.checks.model.stats.intervals import wilson_bounds, z_two_sided
from mlgate.checks.model.stats.scores import FloatArray
from mlgate.checks.model.stats.sketch import CategorySketch, NumericSketch
from mlgate.core.figure import (
    MAX_LABEL,
    MAX_TEXT,
    Figure,
    FigureKind,
    Guide,
    Point,
    Series,
    fit,
)
from mlgate.core.metric import Metric

MAX_GROUPS = 40
MAX_CATEGORIES = 30
MAX_DRIFT_FIGURES = 40
MAX_FAIRNESS_FIGURES = 36
SCORE_BINS = 20
FAIRNESS, DRIFT, SCORES, CALIBRATION = "Fairness", "Drift", "Score distributions", "Calibration"
_MODEL_NAMES = ("candidate", "champion")
_METRIC_WORDS = {m: m.value.replace("_", " ").capitalize() for m in FairnessMetric}


def _distinct(labels: Sequence[str]) -> list[str]:
    """Labels fitted to the size limit and kept apart when fitting made two of them equal."""
    seen: dict[str, int] = {}
    distinct: list[str] = []
    for label in labels:
        short = fit(label)
        seen[short] = seen.get(short, 0) + 1
        distinct.append(
            short if seen[short] == 1 else f"{fit(label, MAX_LABEL - 8)} ({seen[short]})"
        )
    return distinct


def _shown_groups(groups: GroupCounts, rate: GroupRate, minimum: int) -> list[int]:
    """At most :data:`MAX_GROUPS` groups: the extreme eligible ones, then the largest."""
    if len(groups.keys) <= MAX_GROUPS:
        return list(range(len(groups.keys)))
    usable = eligible(groups, rate, minimum)
    keep: list[int] = []
    if usable.any():
        values = np.where(usable, group_rates(groups.counts, rate), np.nan)
        keep += [int(np.nanargmax(values)), int(np.nanargmin(values))]
    _, trials = successes_trials(groups.counts, rate)
    keep += [int(i) for i in np.argsort(-trials, kind="stable")]
    return sorted(list(dict.fromkeys(keep))[:MAX_GROUPS])


def _guides(
    groups: GroupCounts, rate: GroupRate, config: ModelConfig, judged: Sequence[FairnessMetric]
) -> tuple[Guide, ...]:
    usable = eligible(groups, rate, config.min_group_size)
    if int(usable.sum()) < 2:
        return ()
    highest = float(np.max(group_rates(groups.counts, rate)[usable]))
    guides = [Guide(label="highest group", value=highest)]
    for metric in judged:
        limit = config.fairness[metric]
        if metric is FairnessMetric.DEMOGRAPHIC_PARITY_RATIO:
            guides.append(Guide(label=f"floor: highest x {limit:g}", value=highest * limit))
        else:
            guides.append(Guide(label=f"floor: highest - {limit:g}", value=highest - limit))
    return tuple(dict.fromkeys(guides))


def rate_figure(
    groups: GroupCounts, rate: GroupRate, config: ModelConfig, metrics: Sequence[Metric]
) -> Figure:
    """Bars of one rate per group with Wilson intervals, and the configured disparity floors.

    ``metrics`` are the disparity metrics of this grouping; their sentences make the caption.
    """
    judged = [m for m in config.fairness if rate in RATES[m]]
    attributes = " x ".join(groups.attributes)
    hits, trials = successes_trials(groups.counts, rate)
    low, high = wilson_bounds(
        hits.astype(np.float64), trials.astype(np.float64), z_two_sided(config.confidence)
    )
    shown = _shown_groups(groups, rate, config.min_group_size)
    labels = _distinct([", ".join(str(value) for value in groups.keys[i]) for i in shown])
    points = tuple(
        Point(
            label=label,
            value=float(hits[i] / trials[i]) if trials[i] else math.nan,
            low=float(low[i]),
            high=float(high[i]),
            n=int(trials[i]),
            muted=bool(trials[i] < config.min_group_size),
        )
        for i, label in zip(shown, labels, strict=True)
    )
    sentences = [
        f"{_METRIC_WORDS[metric]}: {m.description}"
        for metric in judged
        for m in metrics
        if m.name == f"fairness.{metric.value}[{attributes}]" and m.description
    ]
    hidden = len(groups.keys) - len(shown)
    notes = [f"{hidden} smaller groups not shown." if hidden else ""]
    if any(p.muted for p in points):
        notes.append(f"Pale bars: fewer than {config.min_group_size} rows, not judged.")
    caption = " ".join(part for part in (*(s + "." for s in sentences), *notes) if part)
    return Figure(
        kind=FigureKind.BARS,
        section=FAIRNESS,
        title=fit(f"{RATE_WORDS[rate]} by {attributes}", MAX_TEXT),
        x_label=fit(attributes),
        y_label=RATE_WORDS[rate].lower(),
        series=(
            Series(name=f"{RATE_WORDS[rate].lower()}, {config.confidence:.0%} CI", points=points),
        ),
        guides=_guides(groups, rate, config, judged),
        caption=fit(caption, MAX_TEXT) or None,
        y_min=0.0,
        y_max=1.0,
    )


def fairness_figures(
    stats: HoldoutStats, config: ModelConfig, metrics: Sequence[Metric]
) -> list[Figure]:
    """Per grouping, a bar chart of each rate the configured disparities use."""
    rates = tuple(
        dict.fromkeys((GroupRate.SELECTION_RATE, *(r for m in config.fairness for r in RATES[m])))
    )
    figures = [
        rate_figure(groups, rate, config, metrics)
        for groups in stats.groups.values()
        for rate in rates
    ]
    return figures[:MAX_FAIRNESS_FIGURES]


def _bin_labels(edges: FloatArray) -> list[str]:
    if edges.size == 0:
        return ["all values"]
    text = [f"{value:.3g}" for value in edges]
    middle = [f"{a} to {b}" for a, b in pairwise(text)]
    return [f"<= {text[0]}", *middle, f"> {text[-1]}"]


def _numeric_bins(
    reference: NumericSketch, current: NumericSketch
) -> tuple[list[str], FloatArray, FloatArray]:
    edges = np.unique(reference.quantiles(DECILES))
    ref = decile_counts(reference, reference)
    cur = decile_counts(reference, current)
    return _bin_labels(edges), ref, cur


def _category_bins(
    reference: CategorySketch, current: CategorySketch
) -> tuple[list[str], FloatArray, FloatArray]:
    categories = sorted(set(reference.categories) | set(current.categories))
    ref = reference.counts_for(categories).astype(np.float64)
    cur = current.counts_for(categories).astype(np.float64)
    if len(categories) <= MAX_CATEGORIES:
        return _distinct(categories), ref, cur
    weight = np.maximum(ref / max(ref.sum(), 1.0), cur / max(cur.sum(), 1.0))
    keep = np.sort(np.argsort(-weight, kind="stable")[: MAX_CATEGORIES - 1])
    rest = np.setdiff1d(np.arange(len(categories)), keep)
    labels = [*_distinct([categories[i] for i in keep]), f"other ({rest.size} categories)"]
    return (
        labels,
        np.append(ref[keep], ref[rest].sum()),
        np.append(cur[keep], cur[rest].sum()),
    )


def _share_series(name: str, labels: Sequence[str], counts: FloatArray) -> Series:
    total = float(counts.sum())
    # Decile counts are differences of CDF shares times n: floats a hair off the integer.
    return Series(
        name=name,
        points=tuple(
            Point(label=label, value=float(c) / total if total else math.nan, n=round(float(c)))
            for label, c in zip(labels, counts, strict=True)
        ),
    )


def psi_text(value: float) -> str:
    """PSI as a title shows it: three decimals, tiny values as ``< 0.001``."""
    return f"{value:.3f}" if not 0 <= value < 0.001 else "< 0.001"


def drift_figure(
    feature: str, reference: Sketch, current: Sketch, metrics: Sequence[Metric]
) -> Figure | None:
    """Reference vs current shares per bin (reference deciles, or categories), PSI titled.

    Shares are of all rows: when either side has nulls they get their own bin, so a
    null-share jump shows; the PSI in the title is the metric's, over non-null rows. None
    when a side has no non-null value (there is nothing to draw).
    """
    if reference.n == 0 or current.n == 0:
        return None
    if isinstance(reference, NumericSketch) and isinstance(current, NumericSketch):
        labels, ref, cur = _numeric_bins(reference, current)
        axis = fit(f"{feature} (reference deciles)")
    elif isinstance(reference, CategorySketch) and isinstance(current, CategorySketch):
        labels, ref, cur = _category_bins(reference, current)
        axis = fit(f"{feature} (categories)")
    else:
        return None
    value = psi(ref, cur)
    if reference.nulls or current.nulls:
        labels = [*labels, MISSING]
        ref, cur = np.append(ref, reference.nulls), np.append(cur, current.nulls)
    sentences = [m.description for m in metrics if m.name == f"drift.psi[{feature}]"]
    null_ref = reference.nulls / max(reference.rows, 1)
    null_cur = current.nulls / max(current.rows, 1)
    nulls = (
        f"Null share {null_ref:.1%} in the reference, {null_cur:.1%} now."
        if null_ref or null_cur
        else ""
    )
    caption = " ".join(part for part in (*(f"{s}." for s in sentences if s), nulls) if part)
    return Figure(
        kind=FigureKind.HISTOGRAM,
        section=DRIFT,
        title=fit(f"{feature}: PSI {psi_text(value)}", MAX_TEXT),
        x_label=axis,
        y_label="share of rows",
        series=(_share_series("reference", labels, ref), _share_series("current", labels, cur)),
        caption=fit(caption, MAX_TEXT) or None,
        y_min=0.0,
    )


def _figure_psi(figure: Figure) -> float:
    reference, current = (
        np.array([p.n or 0 for p in s.points], dtype=np.float64) for s in figure.series
    )
    return psi(reference, current)


def strongest_drift(figures: Sequence[Figure]) -> list[Figure]:
    """The drift figures to keep (in order): those whose drawn bins differ most.

    At most :data:`MAX_DRIFT_FIGURES`, ranked by the PSI of the drawn bins, nulls included,
    so a null-share jump ranks high too.
    """
    if len(figures) <= MAX_DRIFT_FIGURES:
        return list(figures)
    ranked = sorted(range(len(figures)), key=lambda i: -_figure_psi(figures[i]))
    return [figures[i] for i in sorted(ranked[:MAX_DRIFT_FIGURES])]


def score_figure(stats: HoldoutStats, plan: Plan, config: ModelConfig) -> Figure:
    """Shares of holdout rows per score bin, candidate vs champion."""
    edges = bin_edges(SCORE_BINS)
    labels = [f"{a:.2f}-{b:.2f}" for a, b in pairwise(edges)]
    series = tuple(
        _share_series(fit(f"{name} ({column})"), labels, table_bin_sums(table, SCORE_BINS)[0])
        for name, column, table in zip(_MODEL_NAMES, plan.models(), stats.tables, strict=False)
    )
    return Figure(
        kind=FigureKind.HISTOGRAM,
        section=SCORES,
        title="Score distribution of the holdout",
        x_label="score bin",
        y_label="share of rows",
        series=series,
        caption=(
            f"{stats.rows:,} holdout rows; a score >= {config.threshold:g} predicts the "
            "positive class."
        ),
        y_min=0.0,
    )


def reliability_figure(stats: HoldoutStats, plan: Plan, config: ModelConfig) -> Figure:
    """Observed positive rate against mean score per calibration bin, with Wilson intervals."""
    edges = bin_edges(config.ece_bins)
    z = z_two_sided(config.confidence)
    series: list[Series] = []
    for name, column, table in zip(_MODEL_NAMES, plan.models(), stats.tables, strict=False):
        count, labels, scores = table_bin_sums(table, config.ece_bins)
        low, high = wilson_bounds(labels, count, z)
        points = tuple(
            Point(
                label=f"{edges[b]:.2f}-{edges[b + 1]:.2f}",
                x=float(scores[b] / count[b]),
                value=float(labels[b] / count[b]),
                low=float(low[b]),
                high=float(high[b]),
                n=int(count[b]),
            )
            for b in range(config.ece_bins)
            if count[b] > 0
        )
        series.append(Series(name=fit(f"{name} ({column})"), points=points))
    return Figure(
        kind=FigureKind.POINTS,
        section=CALIBRATION,
        title="Reliability diagram",
        x_label="mean predicted score in the bin",
        y_label="observed positive rate",
        series=tuple(series),
        caption=(
            f"{config.ece_bins} uniform score bins; the dashed diagonal is perfect calibration; "
            f"whiskers are {config.confidence:.0%} Wilson intervals; bars below count the rows "
            "per bin."
        ),
        y_min=0.0,
        y_max=1.0,
        diagonal=True,
    )
