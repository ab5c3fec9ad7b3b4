"""Serving readiness on ONNX models: contract, robustness and latency against the champion."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow as pa

from mlgate.checks.model.check import ROBUSTNESS_FAILURE, SERVING_CONTRACT
from mlgate.checks.model.config import ModelConfig, Serving
from mlgate.checks.model.findings import dataset_finding
from mlgate.checks.model.reader import ModelInputError, column_types
from mlgate.checks.model.stability.contract import Binding, check_contract
from mlgate.checks.model.stability.latency import Call, Clock, Latency, latency_metrics, measure
from mlgate.checks.model.stability.onnx_model import OnnxModel, score_rows
from mlgate.checks.model.stability.results import StabilityResults, combine
from mlgate.checks.model.stability.robustness import effects, invalid_message, robustness_metrics
from mlgate.checks.model.stability.sample import Sample, feeds, read_sample
from mlgate.checks.model.stats.scores import FloatArray
from mlgate.core.check import CheckContext
from mlgate.core.finding import Finding, SkippedInput
from mlgate.core.metric import Metric


@dataclass(frozen=True, slots=True, kw_only=True)
class Bound:
    """A loaded model with the binding of its inputs to holdout columns."""

    model: OnnxModel
    binding: Binding

    def score(self, sample: Sample) -> FloatArray:
        """Positive-class scores of every row of ``sample``."""
        return score_rows(self.model, feeds(self.binding, sample), self.binding.output)

    def caller(self, sample: Sample) -> Call:
        """One inference call on ``sample``, inputs prepared once (what latency times)."""
        return partial(self.model.run, feeds(self.binding, sample), self.binding.output)


def _load(ctx: CheckContext, entry: str) -> OnnxModel:
    path = ctx.root / entry
    if not path.is_file():
        raise ModelInputError(f"ONNX model not found: {ctx.display_path(path)}")
    return OnnxModel.load(path)


def bind(
    model: OnnxModel, schema: dict[str, pa.DataType], rules: Serving, config: ModelConfig
) -> tuple[Bound | None, list[Finding]]:
    """The model bound to the holdout, or None with a finding per contract violation."""
    contract = check_contract(model, schema, rules.features, rules.output)
    findings = [
        dataset_finding(
            config.dataset_id,
            SERVING_CONTRACT,
            where,
            f"{model.path.name} {where}",
            f"{model.path.name}: {message}",
        )
        for where, message in contract.violations
    ]
    bound = Bound(model=model, binding=contract.binding) if contract.binding else None
    return bound, findings


def _sample(
    paths: Sequence[Path], bound: Sequence[Bound], config: ModelConfig, rows: int
) -> Sample:
    columns = tuple(dict.fromkeys(c for b in bound for c in b.binding.columns()))
    found = column_types(paths[0])
    types = {**{c: found[c] for c in columns if c in found}, config.columns.label: pa.float64()}
    return read_sample(paths, columns, config.columns.label, types, rows)


def robustness_part(
    candidate: Bound, sample: Sample, rules: Serving, config: ModelConfig
) -> StabilityResults:
    """Robustness metrics, or a finding when the clean or a perturbed scoring is not finite."""
    base = candidate.score(sample)
    bad = int(np.count_nonzero(~np.isfinite(base)))
    name = candidate.model.path.name
    if bad:
        message = f"{name}: {bad:,} non-finite score(s) on the unperturbed holdout"
        return StabilityResults(
            findings=[
                dataset_finding(config.dataset_id, ROBUSTNESS_FAILURE, name, "clean", message)
            ]
        )
    robust = rules.robustness
    if robust is None:
        return StabilityResults()
    found = effects(sample, candidate.binding.float_columns(), candidate.score, robust, config.seed)
    findings = [
        dataset_finding(
            config.dataset_id,
            ROBUSTNESS_FAILURE,
            e.feature,
            e.name,
            f"{name}: {invalid_message(e, base.size)}",
        )
        for e in found
        if e.invalid
    ]
    return StabilityResults(
        metrics=robustness_metrics(found, base, sample, robust, config), findings=findings
    )


def latency_part(
    pair: tuple[Bound, Bound], sample: Sample, rules: Serving, clock: Clock
) -> list[Metric]:
    """Latency and throughput ratios at batch 1 and ``batch_rows``, and the file-size ratio."""
    measured: list[Latency] = []
    for batch in (1, rules.batch_rows):
        rows = sample.head(batch)
        calls = (pair[0].caller(rows), pair[1].caller(rows))
        measured.append(measure(calls, batch, rules, clock))
    sizes = (pair[0].model.file_size, pair[1].model.file_size)
    size = Metric(
        name="serving.file_size_ratio",
        value=sizes[0] / sizes[1],
        description=f"candidate {sizes[0]:,} bytes vs champion {sizes[1]:,} bytes",
    )
    return [*latency_metrics(measured, rules), size]


NO_CHAMPION_MODEL = "latency not compared: no `champion_model` configured"
BROKEN_CONTRACT = "robustness and latency not measured: a serving contract is broken"


def serving_results(
    ctx: CheckContext, config: ModelConfig, paths: Sequence[Path], rules: Serving, clock: Clock
) -> StabilityResults:
    """Contract findings, robustness metrics and latency ratios of the ONNX models."""
    schema = column_types(paths[0])
    entries = [rules.candidate_model, *([rules.champion_model] if rules.champion_model else [])]
    bound = [bind(_load(ctx, entry), schema, rules, config) for entry in entries]
    findings = [f for _, found in bound for f in found]
    models = [b for b, _ in bound if b is not None]
    if len(models) < len(entries):
        skipped = SkippedInput(path=config.dataset_id, reason=BROKEN_CONTRACT)
        return StabilityResults(findings=findings, skipped=[skipped])
    rows = max(rules.robustness.max_rows if rules.robustness else 1, rules.batch_rows)
    sample = _sample(paths, models, config, rows)
    parts = [StabilityResults(findings=findings), robustness_part(models[0], sample, rules, config)]
    if len(models) == 2:  # candidate and champion
        parts.append(
            StabilityResults(metrics=latency_part((models[0], models[1]), sample, rules, clock))
        )
    else:
        parts.append(
            StabilityResults(
                skipped=[SkippedInput(path=config.dataset_id, reason=NO_CHAMPION_MODEL)]
            )
        )
    return combine(parts)
