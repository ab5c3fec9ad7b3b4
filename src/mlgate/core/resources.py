"""Per-file resource lists of a directory tree, in the OpenSSF model-signing v1.0 shape.

A model-signing manifest (and the dataset manifests that reuse its shape) lists one
resource per file: ``{"name": <root-relative POSIX path>, "algorithm": "sha256",
"digest": <hex>}``, sorted by name. Model manifests (``mlgate artifacts manifest``)
and dataset manifests (``mlgate datasets digest --manifest``) are both built here, so
the two cannot drift apart. Files are hashed by :mod:`mlgate.core.digest`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mlgate.core.digest import ByteProgress, sha256_files

ALGORITHM = "sha256"


@dataclass(frozen=True, slots=True, kw_only=True)
class FileResource:
    """One file of a tree: its root-relative name, hex digest and (when known) size.

    ``size`` is what was hashed; a resource read back from a manifest has none.
    """

    name: str
    digest: str
    algorithm: str = ALGORITHM
    size: int | None = None

    def to_json(self) -> dict[str, str]:
        """The resource as a model-signing manifest lists it."""
        return {"name": self.name, "algorithm": self.algorithm, "digest": self.digest}


def hash_resources(
    root: Path,
    paths: Sequence[Path],
    *,
    workers: int | None = None,
    progress: ByteProgress | None = None,
) -> tuple[FileResource, ...]:
    """Hash ``paths`` (files under ``root``) in parallel; resources come sorted by name."""
    hashed = sha256_files(paths, workers=workers, progress=progress)
    resources = (
        FileResource(name=path.relative_to(root).as_posix(), digest=h.sha256, size=h.size)
        for path, h in zip(paths, hashed, strict=True)
    )
    return tuple(sorted(resources, key=lambda r: r.name))


def resource_list(resources: Iterable[FileResource]) -> list[dict[str, str]]:
    """The ``resources`` array of a manifest, in name order."""
    return [r.to_json() for r in sorted(resources, key=lambda r: r.name)]
