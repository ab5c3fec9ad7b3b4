"""Robustness: the candidate's scores under seeded perturbations of one feature at a time.

For each float feature and each numeric perturbation (Gaussian noise with a standard
deviation of ``noise_fraction`` times the feature's interquartile range; ``missing_share`` of
values set to missing; the whole feature dropped to its median), and for each string feature
``unseen_share`` of its values replaced by one never seen, the model scores the perturbed
rows; a model that cannot score them at all is reported, not raised.
The ROC AUC change is paired DeLong on the same rows (blocks beyond ``max_auc_drop`` with
an interval excluding zero); the flip rate at the threshold blocks when even its Wilson
lower limit exceeds ``max_flip_rate``. Each perturbation draws from its own seeded stream
(seed, perturbation, feature), so adding a feature never changes another's numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from mlgate.checks.model.config import ModelConfig, Perturbation, Robustness
from mlgate.checks.model.reader import ModelInputError
from mlgate.checks.model.stability.sample import Sample
from mlgate.checks.model.stability.shares import share_metric
from mlgate.checks.model.stats.delong import DeLongSums, delong
from mlgate.checks.model.stats.intervals import normal_interval
from mlgate.checks.model.stats.scores import FloatArray, ScoreTable
from mlgate.core.metric import Comparison, ConfidenceInterval, Metric

Scorer = Callable[[Sample], FloatArray]
WORDS = {
    Perturbation.NOISE: "noise on",
    Perturbation.MISSING: "missing values in",
    Perturbation.DROPOUT: "dropping",
    Perturbation.UNSEEN_CATEGORY: "unseen values in",
}
UNSEEN = "__mlgate_unseen__"


def unseen_value(values: npt.NDArray[Any]) -> str:
    """A string that is none of ``values`` (the marker, lengthened until it is new)."""
    seen = {v for v in values.tolist() if isinstance(v, str)}
    token = UNSEEN
    while token in seen:
        token += "_"
    return token


def perturb(
    kind: Perturbation, values: npt.NDArray[Any], rng: np.random.Generator, rules: Robustness
) -> npt.NDArray[Any]:
    """``values`` perturbed by ``kind`` (NaN marks a missing value)."""
    if kind is Perturbation.UNSEEN_CATEGORY:
        replaced = rng.uniform(size=values.size) < rules.unseen_share
        return np.where(replaced, unseen_value(values), values).astype(np.object_)
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
    failure: str | None = None

    @property
    def name(self) -> str:
        """``robustness.noise[tenure]``."""
        return f"robustness.{self.kind.value}[{self.feature}]"


def _effect(kind: Perturbation, feature: str, perturbed: Sample, score: Scorer) -> Effect:
    try:
        scores = score(perturbed)
    except ModelInputError as error:
        empty = np.empty(0, np.float64)
        return Effect(kind=kind, feature=feature, perturbed=empty, invalid=0, failure=str(error))
    invalid = int(np.count_nonzero(~np.isfinite(scores)))
    return Effect(kind=kind, feature=feature, perturbed=scores, invalid=invalid)


def effects(
    sample: Sample,
    features: tuple[tuple[str, ...], tuple[str, ...]],
    score: Scorer,
    rules: Robustness,
    seed: int,
) -> list[Effect]:
    """Score every (perturbation, feature) pair; ``features`` is (float, string) columns."""
    found: list[Effect] = []
    for kind_index, kind in enumerate(rules.perturbations):
        columns = features[1] if kind is Perturbation.UNSEEN_CATEGORY else features[0]
        for index, feature in enumerate(columns):
            rng = np.random.default_rng([seed, kind_index, index])
            changed = perturb(kind, sample.columns[feature], rng, rules)
            found.append(_effect(kind, feature, sample.with_column(feature, changed), score))
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
    return share_metric(
        name=f"{effect.name}.flip_rate",
        count=flips,
        rows=rows,
        limit=rules.max_flip_rate,
        level=config.confidence,
        sentence=f"{WORDS[effect.kind].capitalize()} {effect.feature!r} changes the decision "
        f"for {flips / rows * 100:.2f}% of {rows:,} rows",
    )


def invalid_message(effect: Effect, rows: int) -> str:
    """Why a perturbation has no metrics: inference failed or returned non-finite scores."""
    if effect.failure is not None:
        return f"under {WORDS[effect.kind]} {effect.feature!r} {effect.failure}"
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
        if effect.invalid == 0 and effect.failure is None:
            metrics.append(auc_change_metric(effect, base, sample, rules, config.confidence))
            metrics.append(flip_metric(effect, base, rules, config))
    return metrics
