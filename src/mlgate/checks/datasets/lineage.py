"""Training lineage manifests: which datasets a run used, by id and path.

Besides mlgate's own manifest, MLflow run exports and SLSA provenance are read too
(:mod:`.sources`); all three become the same :class:`Lineage`.

A manifest is JSON or YAML::

    run: churn-nightly-2026-01-01
    purpose: training
    inputs:
      - id: churn-train        # registry id (optional when `path` matches a location)
        path: data/churn/train  # where the run read it, relative to the project root
        digest: sha256:...      # the digest the pipeline recorded (optional)
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mlgate.core.errors import PolicyError
from mlgate.core.policy.source import read_yaml

MAX_LINEAGE_BYTES = 16 * 1024 * 1024


class LineageInput(BaseModel):
    """One dataset a run read."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str | None = None
    path: str | None = None
    digest: str | None = None
    # Set by sources that know each input's role (MLflow's context tag); else the run's.
    purpose: str | None = None
    # Kept only when the registry knows it (SLSA dependencies may be code or images).
    optional: bool = False

    @property
    def is_remote(self) -> bool:
        """Whether ``path`` is a URI (``s3://``, ``https://``...) rather than a local path."""
        return self.path is not None and "://" in self.path


class Lineage(BaseModel):
    """What one run declares it read."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    run: str | None = None
    purpose: str = "training"
    inputs: list[LineageInput] = Field(default_factory=list)


class LineageError(ValueError):
    """The manifest cannot be read; the message says why."""


def _data(path: Path) -> object:
    if path.suffix == ".json":
        if path.stat().st_size > MAX_LINEAGE_BYTES:
            raise LineageError(f"larger than {MAX_LINEAGE_BYTES} bytes")
        try:
            return json.loads(path.read_bytes())
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
            raise LineageError(f"invalid JSON: {error}") from None
    try:
        return read_yaml(path, expected="`inputs:`").data
    except PolicyError as error:
        raise LineageError(error.bare_message) from None


def read_lineage(path: Path) -> Lineage:
    """Parse and validate one lineage manifest, MLflow run export or SLSA provenance."""
    # Imported here: the sources build this module's Lineage, so a top-level import cycles.
    from mlgate.checks.datasets.sources import (
        is_mlflow,
        is_slsa,
        lineage_from_mlflow,
        lineage_from_slsa,
    )

    data = _data(path)
    try:
        if is_mlflow(data):
            return lineage_from_mlflow(data)
        if is_slsa(data):
            return lineage_from_slsa(data)
        return Lineage.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "manifest"
        raise LineageError(f"{where}: {first['msg']}") from None
