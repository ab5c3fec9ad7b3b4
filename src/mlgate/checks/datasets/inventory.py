"""The datasets a gate's lineage names, with content digests: what an SBOM lists.

This reads the same manifests and registry as the check but judges nothing: each
distinct input becomes one :class:`UsedDataset`. Its digest is recomputed from the data
when the data lies inside the project, so the SBOM states what is on disk now; for
remote data it falls back to the digest the run recorded, then to the approved one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mlgate.checks.datasets.check import DatasetsConfig
from mlgate.checks.datasets.digest import content_digest
from mlgate.checks.datasets.judge import find_entry
from mlgate.checks.datasets.lineage import LineageError, LineageInput, read_lineage
from mlgate.checks.datasets.registry import Registered, load_registry
from mlgate.core.check import CheckContext
from mlgate.core.errors import PolicyError

DigestSource = Callable[[Path], str]


@dataclass(frozen=True, slots=True, kw_only=True)
class UsedDataset:
    """One dataset a lineage manifest names: id, path, digest, where the digest came from."""

    id: str
    path: str | None
    digest: str | None
    basis: str
    license: str | None = None


def _local_data(ctx: CheckContext, item: LineageInput, entry: Registered | None) -> Path | None:
    if item.path is not None and not item.is_remote:
        path = ctx.root / item.path
    elif entry is not None and entry.is_local:
        path = entry.local_path
    else:
        return None
    inside = path.resolve().is_relative_to(ctx.root.resolve()) and not path.is_symlink()
    return path if inside and path.exists() else None


def _describe(
    ctx: CheckContext, item: LineageInput, entry: Registered | None, digest: DigestSource
) -> UsedDataset:
    name = item.id or (entry.dataset.id if entry else None) or item.path or "(unnamed input)"
    license_id = entry.dataset.license if entry else None
    local = _local_data(ctx, item, entry)
    if local is not None:
        found, basis = digest(local), "computed"
    elif item.digest is not None:
        found, basis = item.digest, "recorded by the run"
    elif entry is not None:
        found, basis = entry.dataset.digest, "approved"
    else:
        found, basis = None, "unknown"
    return UsedDataset(id=name, path=item.path, digest=found, basis=basis, license=license_id)


def used_datasets(ctx: CheckContext, config: DatasetsConfig) -> tuple[UsedDataset, ...]:
    """Every distinct dataset the selected lineage manifests name, in first-seen order.

    Raises:
        PolicyError: the registry or a manifest cannot be read (an SBOM must be complete).
    """
    registry_path = ctx.root / config.registry
    registry = load_registry(registry_path, config.registry) if registry_path.exists() else {}
    digests: dict[Path, str] = {}

    def digest(path: Path) -> str:
        key = path.resolve()
        if key not in digests:
            digests[key] = content_digest(path, workers=config.workers)
        return digests[key]

    found: dict[tuple[str, str | None], UsedDataset] = {}
    for manifest in ctx.input_files(config):
        try:
            lineage = read_lineage(manifest)
        except (LineageError, OSError) as error:
            raise PolicyError(str(error), path=ctx.display_path(manifest)) from None
        for item in lineage.inputs:
            entry = find_entry(registry, item, ctx.root)
            if item.optional and entry is None:
                continue  # as in the check: an unknown SLSA dependency is not data
            used = _describe(ctx, item, entry, digest)
            found.setdefault((used.id, used.path), used)
    return tuple(found.values())
