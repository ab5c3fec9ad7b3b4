"""The served model, whatever its safe format: ONNX (onnxruntime) or scikit-learn (skops).

Pickle-based formats (``.pkl``, ``.joblib``) are never loaded: scoring them would run
whatever code they carry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from mlgate.checks.model.reader import ModelInputError
from mlgate.checks.model.stability.onnx_model import OnnxModel, positive_scores
from mlgate.checks.model.stability.signature import TensorSpec
from mlgate.checks.model.stability.skops_model import SkopsModel
from mlgate.checks.model.stats.scores import FloatArray

# Rows per inference call when scoring a whole sample: bounds the memory of one call.
CHUNK = 8192


class ServedModel(Protocol):
    """What the serving checks need of a model: its signature, size and one inference call."""

    @property
    def path(self) -> Path:
        """Where the model was read from."""

    @property
    def inputs(self) -> tuple[TensorSpec, ...]:
        """Declared inputs."""

    @property
    def outputs(self) -> tuple[TensorSpec, ...]:
        """Declared outputs."""

    @property
    def file_size(self) -> int:
        """Bytes of the model file."""

    def run(self, feeds: Mapping[str, npt.NDArray[Any]], output: str) -> npt.NDArray[Any]:
        """One inference call returning ``output``."""


def load_model(path: Path, trusted: Sequence[str]) -> ServedModel:
    """Load an ``.onnx`` or ``.skops`` model; other formats are refused."""
    suffix = path.suffix.lower()
    if suffix == ".onnx":
        return OnnxModel.load(path)
    if suffix == ".skops":
        return SkopsModel.load(path, trusted)
    raise ModelInputError(
        f"{path.name}: unsupported model format {suffix!r}: serving checks load ONNX (.onnx) "
        "or skops (.skops) models only, never pickles"
    )


def score_rows(
    model: ServedModel, feeds: Mapping[str, npt.NDArray[Any]], output: str
) -> FloatArray:
    """Positive-class scores of every row, in chunks of :data:`CHUNK` rows."""
    rows = len(next(iter(feeds.values())))
    parts = [
        positive_scores(model.run({k: v[s : s + CHUNK] for k, v in feeds.items()}, output))
        for s in range(0, rows, CHUNK)
    ]
    return np.concatenate(parts) if parts else np.empty(0, np.float64)
