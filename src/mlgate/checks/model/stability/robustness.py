"""Robustness: the candidate's scores under seeded perturbations of one feature at a time.

For each float feature and each perturbation (Gaussian noise with a standard deviation of
``noise_fraction`` times the feature's interquartile range; ``missing_share`` of values set
to missing; the whole feature dropped to its median) the model scores the perturbed rows.
The ROC AUC change is paired DeLong on the same rows (blocks beyond ``max_auc_drop`` with
an interval excluding zero); the flip rate at the threshold blocks when even its Wilson
lower limit exceeds ``max_flip_rate``. Each perturbation draws from its own seeded stream
(seed, perturbation, feature), so adding a feature never changes another's numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mlgate.checks.model.config import ModelConfig, Perturbation, Robustness
from mlgate.checks.model.stability.sample import Sample
from mlgate.checks.model.stats.delong import DeLongSums, delong
from mlgate.checks.model.stats.intervals import normal_interval, wilson
from mlgate.checks.model.stats.scores import FloatArray, ScoreTable
from mlgate.core.metric import Comparison, ConfidenceInterval, Metric

Scorer = Callable[[Sample], FloatArray]
WORDS = {
    Perturbation.NOISE: "noise on",
    Perturbation.MISSING: "missing values in",
    Perturbation.DROPOUT: "dropping",
}


def perturb(
    kind: Perturbation, values: FloatArray, rng: np.random.Generator, rules: Robustness
) -> FloatArray:
    """``values`` perturbed by ``kind`` (NaN marks a missing value)."""
    present = values[~np.isnan(values)]
    if kind is Perturbation.MISSING:
        return np.where(rng.uniform(size=values.size) < rules.missing_share, np.nan, values)
    if present.size == 0:
        return values.copy()
    if kind is Perturbation.DROPOUT:
        return np.full_like(values, float(np.median(present)))
    q1, q3 = np.percentile(present, [25, 75])
    return values + rng.normal(0.0, rules.noise_fraction * float(q3 - q1), values.size)


@dataclass(frozen=True, slots=True, kw_only=True)
class Effect:
    """What one perturbation of one feature did to the scores."""

    kind: Perturbation
    feature: str
    perturbed: FloatArray
    invalid: int

    @property
    def name(self) -> str:
        """``robustness.noise[tenure]``."""
        return f"robustness.{self.kind.value}[{self.feature}]"


def effects(
    sample: Sample, features: tuple[str, ...], score: Scorer, rules: Robustness, seed: int
) -> list[Effect]:
    """Score every (perturbation, feature) pair."""
    found: list[Effect] = []
    for kind_index, kind in enumerate(rules.perturbations):
        for index, feature in enumerate(features):
            rng = np.random.default_rng([seed, kind_index, index])
            changed = perturb(kind, sample.columns[feature], rng, rules)
            scores = score(sample.with_column(feature, changed))
            invalid = int(np.count_nonzero(~np.isfinite(scores)))
            found.append(Effect(kind=kind, feature=feature, perturbed=scores, invalid=invalid))
    return found


def auc_change_metric(
    effect: Effect, base: FloatArray, sample: Sample, rules: Robustness, level: float
) -> Metric:
    """``robustness.<kind>[feature].roc_auc.change``: perturbed minus clean AUC (DeLong)."""
    labels = sample.labels
    tables = (
        ScoreTable.from_rows(effect.perturbed, labels),
        ScoreTable.from_rows(base, labels),
    )
    result = delong(DeLongSums.from_rows(tables, (effect.perturbed, base), labels))
    ci = normal_interval(result.difference, result.se_difference, level)
    limit = rules.max_auc_drop
    text = (
        f"ROC AUC under {WORDS[effect.kind]} {effect.feature!r} changes by "
        f"{result.difference * 100:+.2f} pts ({level * 100:g}% CI {ci.low * 100:+.2f} to "
        f"{ci.high * 100:+.2f}, DeLong, {labels.size:,} rows)"
    )
    if limit is not None:
        text += f"; tolerance {limit * 100:.2f} pts"
    return Metric(
        name=f"{effect.name}.roc_auc.change",
        value=result.difference,
        threshold=None if limit is None else -limit,
        comparison=Comparison.GE,
        ci=ConfidenceInterval(low=ci.low, high=ci.high, level=level),
        n=int(labels.size),
        description=text,
        null_value=0.0,
    )


def flip_metric(effect: Effect, base: FloatArray, rules: Robustness, config: ModelConfig) -> Metric:
    """``robustness.<kind>[feature].flip_rate``: decisions changed by the perturbation."""
    changed = (effect.perturbed >= config.threshold) != (base >= config.threshold)
    flips, rows = int(np.count_nonzero(changed)), int(base.size)
    low, high = wilson(flips, rows, config.confidence)
    text = (
        f"{WORDS[effect.kind].capitalize()} {effect.feature!r} changes the decision for "
        f"{flips / rows * 100:.2f}% of {rows:,} rows ({config.confidence * 100:g}% CI "
        f"{low * 100:.2f}% to {high * 100:.2f}%, Wilson)"
    )
    if rules.max_flip_rate is not None:
        text += f"; tolerance {rules.max_flip_rate * 100:.2f}%"
    return Metric(
        name=f"{effect.name}.flip_rate",
        value=flips / rows,
        threshold=rules.max_flip_rate,
        comparison=Comparison.LE,
        ci=ConfidenceInterval(low=low, high=high, level=config.confidence),
        n=rows,
        description=text,
        decide_on="ci_low",
    )


def invalid_message(effect: Effect, rows: int) -> str:
    """Why a perturbation has no metrics: the model returned non-finite scores."""
    return (
        f"under {WORDS[effect.kind]} {effect.feature!r} the model returned {effect.invalid:,} "
        f"non-finite score(s) out of {rows:,} rows"
    )


def robustness_metrics(
    found: list[Effect], base: FloatArray, sample: Sample, rules: Robustness, config: ModelConfig
) -> list[Metric]:
    """AUC change and flip rate of every perturbation whose scores are all finite."""
    metrics: list[Metric] = []
    for effect in found:
        if effect.invalid == 0:
            metrics.append(auc_change_metric(effect, base, sample, rules, config.confidence))
            metrics.append(flip_metric(effect, base, rules, config))
    return metrics
