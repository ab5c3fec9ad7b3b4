"""The robustness part of serving readiness: perturbations, monotone sweeps, invariances.

Every failure to score (an inference error, non-finite scores) is a ``MODEL004`` finding
about the feature concerned, and that feature gets no metrics; the other features are
still judged.
"""

from __future__ import annotations

import numpy as np

from mlgate.checks.model.check import ROBUSTNESS_FAILURE
from mlgate.checks.model.config import ModelConfig, Robustness, Serving
from mlgate.checks.model.findings import dataset_finding
from mlgate.checks.model.reader import ModelInputError
from mlgate.checks.model.stability.declared import Bound
from mlgate.checks.model.stability.invariance import invariance_metrics, swap, swap_choices
from mlgate.checks.model.stability.monotone import monotone_metric, sweep
from mlgate.checks.model.stability.results import StabilityResults, combine
from mlgate.checks.model.stability.robustness import effects, invalid_message, robustness_metrics
from mlgate.checks.model.stability.sample import Sample
from mlgate.checks.model.stats.scores import FloatArray
from mlgate.core.finding import Finding


def _failure(config: ModelConfig, name: str, feature: str, key: str, message: str) -> Finding:
    return dataset_finding(
        config.dataset_id, ROBUSTNESS_FAILURE, feature, key, f"{name}: {message}"
    )


def _non_finite(scores: FloatArray) -> int:
    return int(np.count_nonzero(~np.isfinite(scores)))


def perturbation_part(
    candidate: Bound, sample: Sample, base: FloatArray, rules: Robustness, config: ModelConfig
) -> StabilityResults:
    """AUC change and flip rate under each perturbation of each feature."""
    binding = candidate.binding
    columns = (binding.float_columns(), binding.string_columns())
    found = effects(sample, columns, candidate.score, rules, config.seed)
    name = candidate.model.path.name
    findings = [
        _failure(config, name, e.feature, e.name, invalid_message(e, base.size))
        for e in found
        if e.invalid or e.failure is not None
    ]
    return StabilityResults(
        metrics=robustness_metrics(found, base, sample, rules, config), findings=findings
    )


def monotone_part(
    candidate: Bound, sample: Sample, rules: Robustness, config: ModelConfig
) -> StabilityResults:
    """The violation share of every declared monotone feature."""
    name = candidate.model.path.name
    floats = candidate.binding.float_columns()
    result = StabilityResults()
    for feature, direction in rules.monotone.items():
        if feature not in floats:
            raise ModelInputError(
                f"monotone feature {feature!r} does not feed a float input of {name}"
            )
        key = f"robustness.monotone[{feature}]"
        try:
            found = sweep(sample, feature, direction, candidate.score, rules, config.seed)
        except ModelInputError as error:
            result.findings.append(_failure(config, name, feature, key, f"sweep failed: {error}"))
            continue
        if found.invalid:
            message = f"{found.invalid:,} non-finite score(s) sweeping {feature!r}"
            result.findings.append(_failure(config, name, feature, key, message))
            continue
        result.metrics.append(monotone_metric(found, rules, config.confidence))
    return result


def invariance_part(
    candidate: Bound, sample: Sample, base: FloatArray, rules: Robustness, config: ModelConfig
) -> StabilityResults:
    """Score change and flip rate of every declared invariance."""
    name = candidate.model.path.name
    result = StabilityResults()
    for index, rule in enumerate(rules.invariances):
        key = f"invariance[{rule.feature}]"
        choices = swap_choices(sample, rule)
        try:
            found = swap(sample, rule, choices, (config.seed, index), (base, candidate.score))
        except ModelInputError as error:
            result.findings.append(_failure(config, name, rule.feature, key, str(error)))
            continue
        if _non_finite(found.swapped):
            message = (
                f"{_non_finite(found.swapped):,} non-finite score(s) swapping {rule.feature!r}"
            )
            result.findings.append(_failure(config, name, rule.feature, key, message))
            continue
        result.metrics.extend(invariance_metrics(found, config.threshold, config.confidence))
    return result


def robustness_part(
    candidate: Bound, sample: Sample, rules: Serving, config: ModelConfig
) -> StabilityResults:
    """Robustness metrics, or a finding when the clean or a perturbed scoring fails."""
    base = candidate.score(sample)
    bad = _non_finite(base)
    name = candidate.model.path.name
    if bad:
        message = f"{bad:,} non-finite score(s) on the unperturbed holdout"
        return StabilityResults(findings=[_failure(config, name, name, "clean", message)])
    robust = rules.robustness
    if robust is None:
        return StabilityResults()
    return combine(
        [
            perturbation_part(candidate, sample, base, robust, config),
            monotone_part(candidate, sample, robust, config),
            invariance_part(candidate, sample, base, robust, config),
        ]
    )
