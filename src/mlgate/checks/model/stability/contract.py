"""The serving contract: the model's declared inputs and outputs against the holdout schema.

Two layouts are understood. With ``features`` configured, the model has one 2-D input fed
with those columns stacked in order (skl2onnx's default export). Without it, each model
input is named after its holdout column (per-column export). Every mismatch is explained:
a missing or renamed input (with the nearest holdout column), an incompatible type, a
wrong width or rank, or no probability output. The result's ``binding`` says how holdout
columns become model inputs; it is None when the contract is broken.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import pyarrow as pa

from mlgate.checks.model.stability.onnx_model import DTYPES, FLOATS, STRING
from mlgate.checks.model.stability.signature import TensorSpec

Schema = Mapping[str, pa.DataType]


class Declared(Protocol):
    """Anything with a declared signature: a loaded model, or an MLflow ``MLmodel``."""

    @property
    def inputs(self) -> tuple[TensorSpec, ...]:
        """Declared inputs."""

    @property
    def outputs(self) -> tuple[TensorSpec, ...]:
        """Declared outputs."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Binding:
    """How holdout columns feed the model, and which output holds the probabilities.

    Attributes:
        inputs: per model input, the holdout columns feeding it (one, or the stacked list).
        elements: per model input, its declared element type.
        ranks: per model input, its declared rank (1 or 2).
        stacked: whether inputs are 2-D tensors of several columns.
        output: the output read as scores.
    """

    inputs: dict[str, tuple[str, ...]]
    elements: dict[str, str]
    ranks: dict[str, int]
    stacked: bool
    output: str

    def columns(self) -> tuple[str, ...]:
        """Every holdout column read, once each, in order."""
        return tuple(dict.fromkeys(c for cols in self.inputs.values() for c in cols))

    def float_columns(self) -> tuple[str, ...]:
        """Columns feeding float inputs: the ones numeric perturbations apply to."""
        wanted = (cols for name, cols in self.inputs.items() if self.elements[name] in FLOATS)
        return tuple(dict.fromkeys(c for cols in wanted for c in cols))

    def string_columns(self) -> tuple[str, ...]:
        """Columns feeding string inputs: the ones unseen categories apply to."""
        wanted = (cols for name, cols in self.inputs.items() if self.elements[name] == STRING)
        return tuple(dict.fromkeys(c for cols in wanted for c in cols))


@dataclass(frozen=True, slots=True, kw_only=True)
class Contract:
    """Each violation as ``(column or input, message)`` and the binding when there are none."""

    violations: tuple[tuple[str, str], ...]
    binding: Binding | None


def _compatible(element: str, column_type: pa.DataType) -> bool:
    if element == STRING:
        return bool(pa.types.is_string(column_type) or pa.types.is_large_string(column_type))
    numeric = pa.types.is_integer(column_type) or pa.types.is_floating(column_type)
    return element in DTYPES and bool(numeric or pa.types.is_boolean(column_type))


def _column_violation(spec: TensorSpec, column: str, schema: Schema) -> str | None:
    if column not in schema:
        near = difflib.get_close_matches(column, list(schema), n=1, cutoff=0.5)
        hint = f" (did the column get renamed? nearest: {near[0]!r})" if near else ""
        return f"model input {column!r} has no holdout column{hint}"
    if not _compatible(spec.element, schema[column]):
        return (
            f"model input {spec.name!r} is {spec.element} but column {column!r} is {schema[column]}"
        )
    return None


def _width_violation(spec: TensorSpec, width: int) -> str | None:
    if len(spec.shape) not in (1, 2):
        return f"model input {spec.name!r} has rank {len(spec.shape)}; 1 or 2 is servable"
    declared = spec.shape[1] if len(spec.shape) == 2 else 1  # [n, width]
    if declared is not None and declared != width:
        return f"model input {spec.name!r} takes {declared} column(s) but {width} are fed"
    return None


def _pick_output(model: Declared, wanted: str | None) -> tuple[str | None, str | None]:
    names = [o.name for o in model.outputs]
    if wanted is not None:
        return (wanted, None) if wanted in names else (None, f"no output named {wanted!r}")
    floats = [o.name for o in model.outputs if o.element in FLOATS]
    if not floats:
        return None, f"no float output holds probabilities (outputs: {', '.join(names)})"
    return floats[-1], None


def _assignments(
    model: Declared, features: Sequence[str]
) -> tuple[dict[str, tuple[str, ...]], list[tuple[str, str]]]:
    if not features:
        return {spec.name: (spec.name,) for spec in model.inputs}, []
    if len(model.inputs) != 1:
        names = ", ".join(s.name for s in model.inputs)
        return {}, [("<inputs>", f"`features` needs one model input; the model has {names}")]
    return {model.inputs[0].name: tuple(features)}, []


def input_violations(
    model: Declared, schema: Schema, features: Sequence[str]
) -> tuple[dict[str, tuple[str, ...]], list[tuple[str, str]]]:
    """The holdout columns of each declared input, and every input mismatch."""
    inputs, violations = _assignments(model, features)
    for spec in model.inputs:
        columns = inputs.get(spec.name, ())
        problems = [_column_violation(spec, c, schema) for c in columns]
        problems.append(_width_violation(spec, len(columns)) if columns else None)
        violations.extend((spec.name, p) for p in problems if p is not None)
    return inputs, violations


def null_violations(
    inputs: Mapping[str, tuple[str, ...]],
    nullable: Mapping[str, bool],
    nulls: Mapping[str, int],
) -> list[tuple[str, str]]:
    """Inputs that cannot take a null fed from columns that hold some."""
    return [
        (name, f"column {column!r} has {nulls[column]:,} null(s) but model input {name!r} is "
         "not nullable")
        for name, columns in inputs.items()
        if not nullable.get(name, True)
        for column in columns
        if nulls.get(column, 0) > 0
    ]  # fmt: skip


def check_contract(
    model: Declared, schema: Schema, features: Sequence[str], output: str | None
) -> Contract:
    """Compare the model's signature with the holdout schema."""
    inputs, violations = input_violations(model, schema, features)
    chosen, problem = _pick_output(model, output)
    if problem is not None:
        violations.append(("<outputs>", problem))
    if violations or chosen is None:
        return Contract(violations=tuple(violations), binding=None)
    binding = Binding(
        inputs=inputs,
        elements={s.name: s.element for s in model.inputs},
        ranks={s.name: len(s.shape) for s in model.inputs},
        stacked=bool(features),
        output=chosen,
    )
    return Contract(violations=(), binding=binding)
