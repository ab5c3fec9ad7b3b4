"""An MLflow model's declared signature, read from its ``MLmodel`` file (never the model).

``MLmodel`` is YAML; its ``signature`` holds ``inputs`` and ``outputs`` as JSON text (MLflow
writes strings; lists are accepted too). Column-based specs (``{"name": "tenure", "type":
"double", "required": true}``) become one rank-1 input per column; a tensor-based spec
(``{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}``) becomes one
``[n, width]`` input fed with ``stability.serving.features`` (column-based specs bind by
name, whatever ``features`` says: it describes the served model's own input). Types map
onto the ONNX element names the contract already compares; a type the holdout cannot feed
(``binary``, ``datetime``, nested types) stays visible as ``mlflow(<type>)`` and never
matches.
A column is required unless it says ``"required": false``; a required column must not
hold nulls.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.checks.model.reader import ModelInputError
from mlgate.checks.model.stability.signature import TensorSpec
from mlgate.core.errors import ResourceLimitError
from mlgate.formats.limits import MIB
from mlgate.formats.yamldocs import YamlLimits, YamlSyntaxError, read_yaml_documents

LIMITS = YamlLimits(max_bytes=MIB, max_values=100_000, max_depth=20, max_documents=1)
COLUMN_TYPES = {
    "double": "tensor(double)",
    "float": "tensor(float)",
    "long": "tensor(int64)",
    "integer": "tensor(int32)",
    "boolean": "tensor(bool)",
    "string": "tensor(string)",
}
TENSOR_TYPES = {
    "float64": "tensor(double)",
    "float32": "tensor(float)",
    "int64": "tensor(int64)",
    "int32": "tensor(int32)",
    "bool": "tensor(bool)",
    "str": "tensor(string)",
    "object": "tensor(string)",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class MlflowSignature:
    """Declared inputs and outputs of an MLflow model, and its required columns."""

    path: Path
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]
    required: frozenset[str]
    tensor_based: bool


def _specs(raw: Any, where: str, name: str) -> list[dict[str, Any]]:
    try:
        specs = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise ModelInputError(f"{name}: signature {where} is not JSON") from None
    if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
        raise ModelInputError(f"{name}: signature {where} is not a list of column/tensor specs")
    return specs


def _tensor(spec: dict[str, Any], index: int) -> TensorSpec:
    tensor = spec.get("tensor-spec")
    tensor = tensor if isinstance(tensor, dict) else {}
    dtype = str(tensor.get("dtype", "?"))
    shape = tensor.get("shape")
    dims = tuple(d if isinstance(d, int) and d >= 0 else None for d in shape or ())
    return TensorSpec(
        name=str(spec.get("name", f"tensor {index}")),
        element=TENSOR_TYPES.get(dtype, f"mlflow({dtype})"),
        shape=dims,
    )


def _spec(spec: dict[str, Any], index: int) -> TensorSpec:
    kind = str(spec.get("type", "?"))
    if kind == "tensor":
        return _tensor(spec, index)
    return TensorSpec(
        name=str(spec.get("name", index)),
        element=COLUMN_TYPES.get(kind, f"mlflow({kind})"),
        shape=(None,),
    )


def read_signature(path: Path) -> MlflowSignature:
    """The signature of the ``MLmodel`` at ``path`` (a file, or the model's directory)."""
    file = path / "MLmodel" if path.is_dir() else path
    try:
        (document,) = read_yaml_documents(file.read_bytes(), LIMITS)
    except OSError as error:
        raise ModelInputError(f"cannot read the MLflow model file: {error.strerror}") from None
    except (YamlSyntaxError, ResourceLimitError, ValueError) as error:
        raise ModelInputError(f"{file.name}: not a readable MLmodel file: {error}") from None
    data = document.data
    signature = data.get("signature") if isinstance(data, dict) else None
    if not isinstance(signature, dict) or "inputs" not in signature:
        raise ModelInputError(f"{file.name}: the MLflow model declares no input signature")
    inputs = _specs(signature["inputs"], "inputs", file.name)
    outputs = _specs(signature.get("outputs") or "[]", "outputs", file.name)
    return MlflowSignature(
        path=file,
        inputs=tuple(_spec(s, i) for i, s in enumerate(inputs)),
        outputs=tuple(_spec(s, i) for i, s in enumerate(outputs)),
        tensor_based=any(s.get("type") == "tensor" for s in inputs),
        required=frozenset(
            str(s["name"]) for s in inputs if "name" in s and s.get("required", True) is not False
        ),
    )
