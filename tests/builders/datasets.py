"""Datasets, approved-dataset registries and lineage manifests, generated in ``tmp_path``.

Shards are CSV text from a seeded generator, so every test sees the same bytes.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml


def write_shards(directory: Path, shards: int = 3, rows: int = 50, seed: int = 1) -> Path:
    """A directory of CSV shards ``part-00000.csv``... with seeded rows."""
    rng = random.Random(seed)  # noqa: S311  # reproducible data, not a secret
    directory.mkdir(parents=True, exist_ok=True)
    for index in range(shards):
        lines = ["customer,tenure,churned"] + [
            f"c{rng.randrange(10**6)},{rng.randrange(72)},{rng.randrange(2)}" for _ in range(rows)
        ]
        (directory / f"part-{index:05d}.csv").write_text("\n".join(lines) + "\n")
    return directory


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One registry entry; ``yaml()`` renders it."""

    id: str
    location: str
    digest: str
    license: str = "CC-BY-4.0"
    pii: str = "none"
    owner: str = "data-platform@example.com"
    approved_from: date | None = date(2025, 1, 1)
    approved_until: date = date(2026, 12, 31)
    purposes: list[str] = field(default_factory=lambda: ["training"])

    def data(self) -> dict[str, Any]:
        """The mapping as written in ``datasets.yaml``."""
        body = {k: getattr(self, k) for k in self.__dataclass_fields__}
        return {k: v for k, v in body.items() if v is not None}


def write_registry(path: Path, entries: list[Entry]) -> Path:
    """A ``datasets.yaml`` registry."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"datasets": [e.data() for e in entries]}, sort_keys=False))
    return path


def write_lineage(
    path: Path, inputs: list[dict[str, str]], purpose: str = "training", run: str = "nightly"
) -> Path:
    """A JSON lineage manifest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"run": run, "purpose": purpose, "inputs": inputs}, indent=2))
    return path
