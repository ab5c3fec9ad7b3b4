"""Content digests of a dataset file or directory tree, streamed and hashed in parallel.

A file's digest is ``sha256:<hex>`` of its bytes. A directory's digest is the sha256 of
its *manifest*: one resource per regular file in the OpenSSF model-signing shape
(``name`` relative to the root, ``algorithm``, hex ``digest``; built by
:mod:`mlgate.core.resources`, like ``mlgate artifacts manifest``), sorted by name and
serialised canonically. So the digest does not depend on creation or listing order, but
a renamed, added, removed or changed file changes it. Symlinks are never followed: a link
is a resource whose ``algorithm`` is ``symlink-sha256`` and whose digest is the sha256 of
its target text, so retargeting it is a change too.

Registries approved before this shape hold the *legacy* directory digest, computed over
``{name, size, digest: "sha256:<hex>"}`` resources; the same hashing yields both, so a
legacy approval of unchanged content still matches (:meth:`ContentDigest.matches`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.core.digest import sha256_file
from mlgate.core.resources import ALGORITHM, FileResource, hash_resources, resource_list

CHUNK = 1024 * 1024
LINK_ALGORITHM = "symlink-sha256"
ProgressSink = Callable[[int], None]


def _canonical_digest(body: list[dict[str, Any]]) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{ALGORITHM}:{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()}"


def _legacy_entry(resource: FileResource) -> dict[str, Any]:
    if resource.algorithm == LINK_ALGORITHM:
        return {"name": resource.name, "size": 0, "digest": f"symlink:{resource.digest}"}
    return {"name": resource.name, "size": resource.size, "digest": f"sha256:{resource.digest}"}


@dataclass(frozen=True, slots=True)
class ContentDigest:
    """A dataset's content digest, and its legacy form where one exists (directories)."""

    value: str
    legacy: str | None = None

    def matches(self, approved: str) -> bool:
        """Whether ``approved`` is this content's digest, in the current or legacy form."""
        return approved in (self.value, self.legacy)


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    """Every resource of a dataset, sorted by name, and the digest over them."""

    resources: tuple[FileResource, ...]

    @property
    def digest(self) -> str:
        """``sha256:<hex>`` of the canonical JSON of the resource list."""
        return _canonical_digest(resource_list(self.resources))

    @property
    def legacy_digest(self) -> str:
        """The digest registries approved before resources took the model-signing shape."""
        return _canonical_digest([_legacy_entry(r) for r in self.resources])

    def to_json(self) -> dict[str, Any]:
        """The digest and the resource list, as ``mlgate datasets digest --manifest`` prints."""
        return {"digest": self.digest, "resources": resource_list(self.resources)}


def hash_file(path: Path, progress: ProgressSink | None = None) -> ContentDigest:
    """Stream ``path`` through the shared hasher (see :mod:`mlgate.core.digest`)."""
    return ContentDigest(value=f"{ALGORITHM}:{sha256_file(path, progress).sha256}")


def _link(path: Path, name: str) -> FileResource:
    target = str(path.readlink()).encode("utf-8", "surrogateescape")
    digest = hashlib.sha256(target).hexdigest()
    return FileResource(name=name, digest=digest, algorithm=LINK_ALGORITHM, size=0)


def _listing(root: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Regular files under ``root``, and its symlinks with their root-relative names."""
    files: list[Path] = []
    links: list[tuple[Path, str]] = []
    for directory, subdirs, names in os.walk(root, followlinks=False):
        base = Path(directory)
        for name in [*names, *(d for d in subdirs if (base / d).is_symlink())]:
            path = base / name
            if path.is_symlink():
                links.append((path, path.relative_to(root).as_posix()))
            else:
                files.append(path)
    return files, links


def manifest_of(
    root: Path, *, workers: int | None = None, progress: ProgressSink | None = None
) -> Manifest:
    """The manifest of a directory tree, files hashed on ``workers`` threads."""
    files, links = _listing(root)
    resources = [*hash_resources(root, files, workers=workers, progress=progress)]
    resources.extend(_link(path, name) for path, name in links)
    return Manifest(resources=tuple(sorted(resources, key=lambda r: r.name)))


def measure(
    path: Path, *, workers: int | None = None, progress: ProgressSink | None = None
) -> ContentDigest:
    """The content digest of a file or directory, with its legacy form for directories."""
    if path.is_symlink():
        raise ValueError(f"{path.name} is a symlink; datasets are never read through links")
    if path.is_dir():
        manifest = manifest_of(path, workers=workers, progress=progress)
        return ContentDigest(value=manifest.digest, legacy=manifest.legacy_digest)
    return hash_file(path, progress)


def content_digest(
    path: Path, *, workers: int | None = None, progress: ProgressSink | None = None
) -> str:
    """The content digest of a file or directory (see the module docstring)."""
    return measure(path, workers=workers, progress=progress).value
