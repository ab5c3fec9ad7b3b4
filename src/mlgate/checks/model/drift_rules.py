"""Drift and data-quality decisions per feature, on effect sizes with configurable bands.

Each statistic with a ``block`` band becomes a metric with that threshold; a value above
the ``warn`` band (and not above ``block``) becomes a low ``MODEL002`` finding. KS and
chi-square p-values are reported as context metrics without thresholds: on large
holdouts they flag differences too small to matter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mlgate.checks.model.config import Band, DriftBands
from mlgate.checks.model.engine import Sketch
from mlgate.checks.model.stats.drift import Drift, categorical_drift, numeric_drift
from mlgate.checks.model.stats.sketch import NumericSketch
from mlgate.core.metric import Comparison, Metric

WORDS = {
    "psi": "PSI over reference deciles",
    "jensen_shannon": "Jensen-Shannon distance",
    "wasserstein": "Wasserstein distance (in reference standard deviations)",
    "unseen_share": "Share of rows in categories unseen in the reference",
    "null_share_increase": "Null share increase",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class DriftWarning:
    """A statistic above its warn band but not above its block band."""

    feature: str
    statistic: str
    message: str


def feature_drift(reference: Sketch, current: Sketch) -> Drift:
    """The drift statistics of one feature (numeric with values on both sides, else NaN)."""
    if isinstance(reference, NumericSketch) and isinstance(current, NumericSketch):
        if reference.n == 0 or current.n == 0:
            nan = math.nan
            return Drift(
                psi=nan,
                jensen_shannon=nan,
                null_share_reference=reference.nulls / max(reference.rows, 1),
                null_share_current=current.nulls / max(current.rows, 1),
                n_reference=reference.rows,
                n_current=current.rows,
            )
        return numeric_drift(reference, current)
    if isinstance(reference, NumericSketch) or isinstance(current, NumericSketch):
        raise TypeError("a feature cannot be both numeric and categorical")
    return categorical_drift(reference, current)


def _effects(drift: Drift) -> dict[str, float]:
    return {
        "psi": drift.psi,
        "jensen_shannon": drift.jensen_shannon,
        "wasserstein": drift.wasserstein,
        "unseen_share": drift.unseen_share,
        "null_share_increase": drift.null_share_current - drift.null_share_reference,
    }


def _sentence(feature: str, statistic: str, value: float, band: Band, drift: Drift) -> str:
    words = WORDS[statistic]
    if statistic == "psi" and math.isnan(drift.ks_statistic):
        words = "PSI over categories"
    limits = [
        f"{kind} above {limit:g}"
        for kind, limit in (("warn", band.warn), ("block", band.block))
        if limit is not None
    ]
    return (
        f"{words} of {feature!r} is {value:.4g} (reference {drift.n_reference:,} "
        f"rows, current {drift.n_current:,} rows); {', '.join(limits) or 'no band'}"
    )


def drift_metrics(
    feature: str, drift: Drift, bands: DriftBands
) -> tuple[list[Metric], list[DriftWarning]]:
    """Metrics and warnings of one feature's drift."""
    metrics: list[Metric] = []
    warnings: list[DriftWarning] = []
    for statistic, value in _effects(drift).items():
        if math.isnan(value):
            continue
        band: Band = getattr(bands, statistic)
        text = _sentence(feature, statistic, value, band, drift)
        metrics.append(
            Metric(
                name=f"drift.{statistic}[{feature}]",
                value=value,
                threshold=band.block,
                comparison=Comparison.LE,
                n=drift.n_current,
                description=text,
            )
        )
        over_warn = band.warn is not None and value > band.warn
        if over_warn and (band.block is None or value <= band.block):
            warnings.append(DriftWarning(feature=feature, statistic=statistic, message=text))
    return metrics + context_metrics(feature, drift), warnings


def context_metrics(feature: str, drift: Drift) -> list[Metric]:
    """KS and chi-square statistics and p-values, without thresholds."""
    context = {
        "ks_statistic": drift.ks_statistic,
        "ks_pvalue": drift.ks_pvalue,
        "chi2_statistic": drift.chi2_statistic,
        "chi2_pvalue": drift.chi2_pvalue,
    }
    return [
        Metric(name=f"drift.{name}[{feature}]", value=value, n=drift.n_current)
        for name, value in context.items()
        if not math.isnan(value)
    ]
