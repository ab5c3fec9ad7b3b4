"""The serving contract as findings: each model's signature, nullability and MLflow's.

A loaded model (ONNX or skops) is bound to the holdout when its declared inputs match
the holdout schema and no input that cannot carry a null (anything but a float tensor) is
fed from a column holding nulls. An MLflow ``MLmodel`` signature is compared the same
way; its required columns must hold no nulls. Every mismatch is a ``MODEL003`` finding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyarrow as pa

from mlgate.checks.model.check import SERVING_CONTRACT
from mlgate.checks.model.config import ModelConfig, Serving
from mlgate.checks.model.findings import dataset_finding
from mlgate.checks.model.stability.contract import (
    Binding,
    check_contract,
    input_violations,
    null_violations,
)
from mlgate.checks.model.stability.latency import Call
from mlgate.checks.model.stability.mlflow_signature import MlflowSignature
from mlgate.checks.model.stability.models import ServedModel, score_rows
from mlgate.checks.model.stability.onnx_model import FLOATS
from mlgate.checks.model.stability.sample import Sample, feeds, null_counts
from mlgate.checks.model.stats.scores import FloatArray
from mlgate.core.finding import Finding

Schema = dict[str, pa.DataType]


@dataclass(frozen=True, slots=True, kw_only=True)
class Bound:
    """A loaded model with the binding of its inputs to holdout columns."""

    model: ServedModel
    binding: Binding

    def score(self, sample: Sample) -> FloatArray:
        """Positive-class scores of every row of ``sample``."""
        return score_rows(self.model, feeds(self.binding, sample), self.binding.output)

    def caller(self, sample: Sample) -> Call:
        """One inference call on ``sample``, inputs prepared once (what latency times)."""
        return partial(self.model.run, feeds(self.binding, sample), self.binding.output)


def _findings(
    name: str, violations: Sequence[tuple[str, str]], config: ModelConfig
) -> list[Finding]:
    return [
        dataset_finding(
            config.dataset_id, SERVING_CONTRACT, where, f"{name} {where}", f"{name}: {message}"
        )
        for where, message in violations
    ]


def _nullable(binding: Binding) -> dict[str, bool]:
    return {name: element in FLOATS for name, element in binding.elements.items()}


def bind_models(
    models: Sequence[ServedModel],
    paths: Sequence[Path],
    schema: Schema,
    rules: Serving,
    config: ModelConfig,
) -> tuple[list[Bound | None], list[Finding]]:
    """Each model bound to the holdout (None when its contract is broken), and the findings."""
    contracts = [check_contract(m, schema, rules.features, rules.output) for m in models]
    needed = [
        column
        for contract in contracts
        if contract.binding is not None
        for name, columns in contract.binding.inputs.items()
        if not _nullable(contract.binding)[name]
        for column in columns
    ]
    nulls = null_counts(paths, tuple(dict.fromkeys(needed)), schema)
    bound: list[Bound | None] = []
    findings: list[Finding] = []
    for model, contract in zip(models, contracts, strict=True):
        violations = list(contract.violations)
        if contract.binding is not None:
            binding = contract.binding
            violations += null_violations(binding.inputs, _nullable(binding), nulls)
        findings += _findings(model.path.name, violations, config)
        ok = contract.binding is not None and not violations
        bound.append(
            Bound(model=model, binding=contract.binding) if ok and contract.binding else None
        )
    return bound, findings


def mlflow_findings(
    signature: MlflowSignature,
    paths: Sequence[Path],
    schema: Schema,
    rules: Serving,
    config: ModelConfig,
) -> list[Finding]:
    """Findings of an MLflow signature against the holdout: inputs, types, widths, nulls."""
    features = rules.features if signature.tensor_based else []
    inputs, violations = input_violations(signature, schema, features)
    if not violations:
        nullable: Mapping[str, bool] = {
            s.name: s.name not in signature.required for s in signature.inputs
        }
        wanted = [c for name, cols in inputs.items() if not nullable[name] for c in cols]
        nulls = null_counts(paths, tuple(dict.fromkeys(wanted)), schema)
        violations += null_violations(inputs, nullable, nulls)
    return _findings(signature.path.name, violations, config)
