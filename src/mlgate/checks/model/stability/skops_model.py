"""scikit-learn models in the skops format, loaded without unpickling.

``skops.io`` rebuilds objects from a JSON schema and refuses any type it does not trust
unless told to. mlgate asks ``get_untrusted_types`` first and passes as ``trusted`` only
the reported types that are on an explicit allowlist (:data:`ALLOWED` plus the policy's
``trusted_types``); a model with any other type is refused with the list of what to review.
The model is then scored with ``predict_proba`` on float64 inputs.

Declared inputs: one input per column when the estimator was fitted on named columns
(``feature_names_in_``), otherwise one ``features`` input of ``n_features_in_`` columns.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from mlgate.checks.model.reader import ModelInputError
from mlgate.checks.model.stability.signature import ModelFile, TensorSpec

# Types skops reports as untrusted that hold only data, never behaviour.
ALLOWED = frozenset({"numpy.dtype"})
OUTPUT = "probabilities"
DOUBLE = "tensor(double)"


def _inputs(estimator: Any) -> tuple[TensorSpec, ...]:
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:
        return tuple(TensorSpec(name=str(n), element=DOUBLE, shape=(None, 1)) for n in names)
    width = getattr(estimator, "n_features_in_", None)
    shape = (None, int(width) if isinstance(width, int | np.integer) else None)
    return (TensorSpec(name="features", element=DOUBLE, shape=shape),)


def trusted_types(content: bytes, extra: Sequence[str], name: str) -> list[str]:
    """The untrusted types of a skops file, when every one is allowed; else an error."""
    import skops.io as sio  # type: ignore[import-untyped]  # ships no type information

    try:
        reported = sio.get_untrusted_types(data=content)
    except Exception as error:  # noqa: BLE001  # a hostile file may fail anywhere; fail closed
        raise ModelInputError(f"{name}: not a readable skops file: {error}") from None
    refused = sorted(set(reported) - ALLOWED - set(extra))
    if refused:
        raise ModelInputError(
            f"{name}: refused to load: the skops file contains types not on the allowlist "
            f"({', '.join(refused)}); review them and list them under "
            "`stability.serving.trusted_types` if they are safe"
        )
    return list(reported)


@dataclass(frozen=True, slots=True, kw_only=True)
class SkopsModel(ModelFile):
    """A scikit-learn classifier loaded from a ``.skops`` file."""

    estimator: Any

    @classmethod
    def load(cls, path: Path, extra: Sequence[str]) -> SkopsModel:
        """Load ``path`` trusting only allowed types; anything else is a ModelInputError."""
        try:
            import skops.io as sio
        except ImportError:
            raise ModelInputError(f"{path.name}: loading skops models needs skops") from None
        try:
            content = path.read_bytes()
        except OSError as error:
            raise ModelInputError(f"{path.name}: cannot read: {error.strerror}") from None
        trusted = trusted_types(content, extra, path.name)
        try:
            with warnings.catch_warnings():
                # A version mismatch warning is context; the contract and scores judge the model.
                warnings.simplefilter("ignore")
                estimator = sio.loads(content, trusted=trusted)
        except Exception as error:  # noqa: BLE001  # a hostile file may fail anywhere; fail closed
            raise ModelInputError(f"{path.name}: cannot load the skops model: {error}") from None
        if not callable(getattr(estimator, "predict_proba", None)):
            raise ModelInputError(f"{path.name}: the skops model has no predict_proba")
        return cls(
            path=path,
            estimator=estimator,
            inputs=_inputs(estimator),
            outputs=(TensorSpec(name=OUTPUT, element=DOUBLE, shape=(None, 2)),),
            file_size=len(content),
        )

    def run(self, feeds: Mapping[str, npt.NDArray[Any]], output: str) -> npt.NDArray[Any]:
        """``predict_proba`` of the rows in ``feeds`` (inputs stacked in declared order)."""
        parts = [np.asarray(feeds[s.name], dtype=np.float64) for s in self.inputs]
        rows = parts[0].shape[0]
        x = np.column_stack([p.reshape(rows, -1) for p in parts])
        try:
            with warnings.catch_warnings():
                # Named-column estimators warn on unnamed arrays; columns are bound by name.
                warnings.simplefilter("ignore", UserWarning)
                return np.asarray(self.estimator.predict_proba(x))
        except Exception as error:  # noqa: BLE001  # any estimator failure is a failed inference
            raise self.inference_failed(error) from None
