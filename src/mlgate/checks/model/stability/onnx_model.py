"""ONNX models through onnxruntime: the declared signature and batched scoring.

Only ONNX is loaded here: a graph of declared operators run by onnxruntime, never Python
code and never a pickle. onnxruntime is imported when a model is actually loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from mlgate.checks.model.reader import ModelInputError
from mlgate.checks.model.stability.signature import ModelFile, TensorSpec
from mlgate.checks.model.stats.scores import FloatArray

# Element types the holdout can feed, as numpy dtypes (ONNX strings are object arrays).
DTYPES: dict[str, npt.DTypeLike] = {
    "tensor(float)": np.float32,
    "tensor(double)": np.float64,
    "tensor(int64)": np.int64,
    "tensor(int32)": np.int32,
    "tensor(bool)": np.bool_,
    "tensor(string)": np.object_,
}
FLOATS = frozenset({"tensor(float)", "tensor(double)"})
STRING = "tensor(string)"
# onnxruntime's own logging goes to stderr; 3 keeps only errors, which surface as exceptions.
_LOG_ERRORS_ONLY = 3


def runtime_errors() -> tuple[type[Exception], ...]:
    """The exceptions onnxruntime raises for bad models and inputs, and the builtin ones."""
    from onnxruntime.capi import onnxruntime_pybind11_state as state  # type: ignore[import-untyped]  # untyped

    # pybind11 registers Fail, InvalidArgument, InvalidProtobuf... directly under Exception.
    own = (v for v in vars(state).values() if isinstance(v, type) and issubclass(v, Exception))
    return (OSError, RuntimeError, ValueError, *own)


def _spec(node: Any) -> TensorSpec:
    shape = tuple(d if isinstance(d, int) else None for d in (node.shape or ()))
    return TensorSpec(name=str(node.name), element=str(node.type), shape=shape)


@dataclass(frozen=True, slots=True, kw_only=True)
class OnnxModel(ModelFile):
    """A loaded ONNX model: its inference session and declared signature."""

    session: Any
    errors: tuple[type[Exception], ...]

    @classmethod
    def load(cls, path: Path) -> OnnxModel:
        """Load ``path``; an unreadable or invalid model is a :class:`ModelInputError`."""
        try:
            import onnxruntime as ort  # type: ignore[import-untyped]  # ships no type information
        except ImportError:
            raise ModelInputError(f"{path.name}: scoring ONNX models needs onnxruntime") from None
        errors = runtime_errors()
        try:
            content = path.read_bytes()
            options = ort.SessionOptions()
            options.log_severity_level = _LOG_ERRORS_ONLY
            session = ort.InferenceSession(content, options, providers=["CPUExecutionProvider"])
        except errors as error:
            raise ModelInputError(f"{path.name}: cannot load the ONNX model: {error}") from None
        return cls(
            path=path,
            session=session,
            inputs=tuple(_spec(i) for i in session.get_inputs()),
            outputs=tuple(_spec(o) for o in session.get_outputs()),
            file_size=len(content),
            errors=errors,
        )

    def run(self, feeds: Mapping[str, npt.NDArray[Any]], output: str) -> npt.NDArray[Any]:
        """One inference call returning ``output``."""
        try:
            (result,) = self.session.run([output], dict(feeds))
        except self.errors as error:
            raise self.inference_failed(error) from None
        return np.asarray(result)


def positive_scores(raw: npt.NDArray[Any]) -> FloatArray:
    """The positive-class probability from ``[n, 2]`` probabilities, or ``[n]``/``[n, 1]``."""
    values = np.asarray(raw, dtype=np.float64)
    if values.ndim == 2 and values.shape[1] == 2:  # binary probabilities
        return np.ascontiguousarray(values[:, 1])
    return values.reshape(-1)
