"""A served model's declared signature, and what every loaded model records whatever its format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mlgate.checks.model.reader import ModelInputError


@dataclass(frozen=True, slots=True, kw_only=True)
class TensorSpec:
    """A declared model input or output: name, element type and shape (None: any size)."""

    name: str
    element: str
    shape: tuple[int | None, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelFile:
    """A model read from ``path``: its declared signature and the size of the file."""

    path: Path
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]
    file_size: int

    def inference_failed(self, error: Exception) -> ModelInputError:
        """The error to raise when one inference call of this model fails."""
        return ModelInputError(f"{self.path.name}: inference failed: {error}")
