"""Reference profiles: the drift sketches of training data, stored as versioned JSON.

``mlgate model profile`` writes one at training time, and the gate reads it through
``reference_profile:`` instead of re-reading the training data. A profile holds exactly
the sketches the gate would compute from the raw reference (exact value counts, compacted
beyond ``sketch.CAPACITY`` distinct values and then marked ``"compacted": true``), so the
verdict is the same either way. Floats are written with Python's shortest round-trip
``repr``, so values survive the JSON unchanged.

Format (version 1)::

    {"format": "mlgate.model-profile", "version": 1, "rows": 20000,
     "sketches": {"tenure": {"kind": "numeric", "values": [...], "counts": [...], "nulls": 0},
                  "contract": {"kind": "categorical", "categories": [...], "counts": [...],
                               "nulls": 0}}}

A profile is untrusted input like any other: it is validated (sorted distinct values,
positive counts, matching lengths) and a bad one is a :class:`ModelInputError`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mlgate.checks.model.engine import Sketch, SketchColumns, read_sketches
from mlgate.checks.model.reader import ModelInputError
from mlgate.checks.model.stats.sketch import CategorySketch, NumericSketch

FORMAT = "mlgate.model-profile"
VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _NumericEntry(_Strict):
    kind: Literal["numeric"]
    values: list[float]
    counts: list[Annotated[int, Field(ge=1)]]
    nulls: int = Field(ge=0)
    compacted: bool = False


class _CategoricalEntry(_Strict):
    kind: Literal["categorical"]
    categories: list[str]
    counts: list[Annotated[int, Field(ge=0)]]
    nulls: int = Field(ge=0)


class _Document(_Strict):
    format: Literal["mlgate.model-profile"]
    version: Literal[1]
    rows: int = Field(ge=0)
    sketches: dict[str, Annotated[_NumericEntry | _CategoricalEntry, Field(discriminator="kind")]]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferenceProfile:
    """Sketches of the reference data by column, and how many rows they summarise."""

    rows: int
    sketches: dict[str, Sketch]


def build_profile(
    paths: Sequence[Path], columns: SketchColumns, *, batch_rows: int = 65536
) -> ReferenceProfile:
    """Sketch ``columns`` of the reference files (streamed in batches, merged)."""
    if not paths:
        raise ModelInputError("no reference files to profile")
    if not columns.names():
        raise ModelInputError("no columns to profile: name features, a label or a prediction")
    sketches = read_sketches(paths, columns, batch_rows)
    rows = max((s.rows for s in sketches.values()), default=0)
    return ReferenceProfile(rows=rows, sketches=sketches)


def _entry(sketch: Sketch) -> dict[str, object]:
    if isinstance(sketch, NumericSketch):
        entry: dict[str, object] = {
            "kind": "numeric",
            "values": sketch.values.tolist(),
            "counts": sketch.counts.tolist(),
            "nulls": sketch.nulls,
        }
        # Written only when set, so profiles of exact sketches keep their old form.
        return {**entry, "compacted": True} if sketch.compacted else entry
    return {
        "kind": "categorical",
        "categories": list(sketch.categories),
        "counts": sketch.counts.tolist(),
        "nulls": sketch.nulls,
    }


def profile_to_json(profile: ReferenceProfile) -> str:
    """The profile as a JSON document (columns in sorted order, so diffs stay small)."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "rows": profile.rows,
        "sketches": {name: _entry(profile.sketches[name]) for name in sorted(profile.sketches)},
    }
    return json.dumps(document, indent=1) + "\n"


def _numeric(name: str, entry: _NumericEntry) -> NumericSketch:
    values = np.array(entry.values, dtype=np.float64)
    if len(entry.counts) != values.size:
        raise ModelInputError(
            f"profile column {name!r}: {values.size} values but {len(entry.counts)} counts"
        )
    if any(math.isnan(v) for v in entry.values) or np.any(np.diff(values) <= 0):
        raise ModelInputError(f"profile column {name!r}: values must be distinct and increasing")
    counts = np.array(entry.counts, np.int64)
    return NumericSketch.from_counts(values, counts, entry.nulls, compacted=entry.compacted)


def _categorical(name: str, entry: _CategoricalEntry) -> CategorySketch:
    if len(entry.counts) != len(entry.categories) or len(set(entry.categories)) != len(
        entry.categories
    ):
        raise ModelInputError(
            f"profile column {name!r}: categories must be distinct, one count each"
        )
    return CategorySketch.from_counts(entry.categories, entry.counts, entry.nulls)


def profile_from_json(text: str | bytes) -> ReferenceProfile:
    """Parse and validate a profile document; anything malformed is a ModelInputError."""
    try:
        document = _Document.model_validate(json.loads(text))
    except (ValueError, ValidationError) as error:
        first = error.errors()[0] if isinstance(error, ValidationError) else None
        where = ".".join(str(p) for p in first["loc"]) if first else ""
        reason = first["msg"] if first else str(error)
        raise ModelInputError(
            f"not a version-{VERSION} model profile: {where} {reason}".replace("  ", " ")
        ) from None
    sketches: dict[str, Sketch] = {
        name: _numeric(name, entry)
        if isinstance(entry, _NumericEntry)
        else _categorical(name, entry)
        for name, entry in document.sketches.items()
    }
    return ReferenceProfile(rows=document.rows, sketches=sketches)


def read_profile(path: Path) -> ReferenceProfile:
    """Read a profile file."""
    try:
        text = path.read_bytes()
    except OSError as error:
        raise ModelInputError(f"{path.name}: cannot read the profile: {error.strerror}") from None
    return profile_from_json(text)
