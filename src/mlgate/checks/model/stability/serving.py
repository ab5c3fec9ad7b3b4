"""Serving readiness: contract, robustness, latency and memory of the candidate vs the champion.

Models are ONNX (onnxruntime) or scikit-learn in the skops format (:mod:`models`); an
MLflow ``MLmodel`` signature, when configured, is checked against the same holdout schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from mlgate.checks.model.config import ModelConfig, Serving
from mlgate.checks.model.reader import ModelInputError, column_types
from mlgate.checks.model.stability.costs import performance_results
from mlgate.checks.model.stability.declared import Bound, bind_models, mlflow_findings
from mlgate.checks.model.stability.latency import Clock
from mlgate.checks.model.stability.mlflow_signature import read_signature
from mlgate.checks.model.stability.models import ServedModel, load_model
from mlgate.checks.model.stability.results import StabilityResults, combine
from mlgate.checks.model.stability.robust_run import robustness_part
from mlgate.checks.model.stability.sample import Sample, read_sample
from mlgate.core.check import CheckContext
from mlgate.core.finding import SkippedInput

NO_CHAMPION_MODEL = "latency not compared: no `champion_model` configured"
BROKEN_CONTRACT = "robustness and latency not measured: a serving contract is broken"


def _path(ctx: CheckContext, entry: str, what: str) -> Path:
    path = ctx.root / entry
    if not path.exists():
        raise ModelInputError(f"{what} not found: {ctx.display_path(path)}")
    return path


def _load(ctx: CheckContext, entry: str, rules: Serving) -> ServedModel:
    path = _path(ctx, entry, "ONNX model" if entry.lower().endswith(".onnx") else "model")
    if not path.is_file():
        raise ModelInputError(f"model is not a file: {ctx.display_path(path)}")
    return load_model(path, rules.trusted_types)


def _sample(
    paths: Sequence[Path], bound: Sequence[Bound], config: ModelConfig, rows: int
) -> Sample:
    columns = tuple(dict.fromkeys(c for b in bound for c in b.binding.columns()))
    found = column_types(paths[0])
    types = {**{c: found[c] for c in columns if c in found}, config.columns.label: pa.float64()}
    return read_sample(paths, columns, config.columns.label, types, rows)


def serving_results(
    ctx: CheckContext, config: ModelConfig, paths: Sequence[Path], rules: Serving, clock: Clock
) -> StabilityResults:
    """Contract findings, robustness metrics and performance ratios of the models."""
    schema = column_types(paths[0])
    entries = [rules.candidate_model, *([rules.champion_model] if rules.champion_model else [])]
    models = [_load(ctx, entry, rules) for entry in entries]
    bound, findings = bind_models(models, paths, schema, rules, config)
    if rules.mlflow_model is not None:
        signature = read_signature(_path(ctx, rules.mlflow_model, "MLflow model"))
        findings += mlflow_findings(signature, paths, schema, rules, config)
    ready = [b for b in bound if b is not None]
    if len(ready) < len(entries):
        skipped = SkippedInput(path=config.dataset_id, reason=BROKEN_CONTRACT)
        return StabilityResults(findings=findings, skipped=[skipped])
    rows = max(rules.robustness.max_rows if rules.robustness else 1, rules.batch_rows)
    sample = _sample(paths, ready, config, rows)
    parts = [StabilityResults(findings=findings), robustness_part(ready[0], sample, rules, config)]
    if len(ready) == 2:  # candidate and champion
        parts.append(performance_results((ready[0], ready[1]), sample, rules, clock, config))
    else:
        parts.append(
            StabilityResults(
                skipped=[SkippedInput(path=config.dataset_id, reason=NO_CHAMPION_MODEL)]
            )
        )
    return combine(parts)
