"""Writing registry entries and lineage manifests: the library behind the CLI verbs.

``mlgate datasets approve`` calls :func:`approve_dataset`, ``mlgate lineage record``
calls :func:`record_lineage` and ``mlgate datasets digest`` calls
:func:`mlgate.checks.datasets.digest.content_digest`. Files are replaced atomically, so
an interrupted write never leaves half a registry.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import yaml

from mlgate.checks.datasets.digest import content_digest
from mlgate.checks.datasets.lineage import Lineage, LineageInput
from mlgate.checks.datasets.registry import ApprovedDataset, load_registry
from mlgate.core.errors import PolicyError


def _write_atomically(path: Path, text: str) -> None:
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    Path(name).replace(path)


def approve_dataset(registry: Path, dataset: ApprovedDataset) -> None:
    """Append ``dataset`` to the registry file (created if missing); ids stay unique.

    The file is rewritten from its data, so YAML comments in it are not kept.
    """
    entries: list[object] = []
    if registry.exists():
        if dataset.id in load_registry(registry, registry.name):
            raise PolicyError(
                f"dataset id {dataset.id!r} is already registered", path=str(registry)
            )
        entries = list(yaml.safe_load(registry.read_text(encoding="utf-8"))["datasets"])
    entries.append(dataset.model_dump(mode="json", exclude_none=True))
    _write_atomically(registry, yaml.safe_dump({"datasets": entries}, sort_keys=False))


def record_lineage(
    manifest: Path,
    *,
    root: Path,
    inputs: Sequence[tuple[str, str]],
    run: str,
    purpose: str = "training",
) -> Lineage:
    """Write a lineage manifest of ``(dataset id, path)`` inputs with their content digests."""
    items = [
        LineageInput(id=dataset_id, path=path, digest=content_digest(root / path))
        for dataset_id, path in inputs
    ]
    lineage = Lineage(run=run, purpose=purpose, inputs=items)
    # Only what was recorded: no null fields, no reader-only flags.
    body = lineage.model_dump(
        mode="json", exclude_none=True, exclude={"inputs": {"__all__": {"optional"}}}
    )
    _write_atomically(manifest, json.dumps(body, indent=2) + "\n")
    return lineage
