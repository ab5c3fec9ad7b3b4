"""Content digests of a dataset file or directory tree, streamed and hashed in parallel.

A file's digest is ``sha256:<hex>`` of its bytes. A directory's digest is the sha256 of
its *manifest*: one resource per regular file (root-relative POSIX path, size, sha256),
sorted by path and serialised canonically, in the per-file resource shape of OpenSSF
model-signing manifests. So the digest does not depend on creation or listing order,
but a renamed, added, removed or changed file changes it. Symlinks are never followed:
a link is recorded by its target text, so retargeting it is a change too.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mlgate.core.digest import sha256_file, sha256_files

CHUNK = 1024 * 1024
ALGORITHM = "sha256"
ProgressSink = Callable[[int], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """One file of a dataset: its path relative to the dataset root, size and digest."""

    name: str
    size: int
    digest: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    """Every resource of a dataset, sorted by name, and the digest over them."""

    resources: tuple[Resource, ...]

    @property
    def digest(self) -> str:
        """``sha256:<hex>`` of the canonical JSON of the resource list."""
        body = [{"name": r.name, "size": r.size, "digest": r.digest} for r in self.resources]
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return f"{ALGORITHM}:{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()}"


def hash_file(path: Path, progress: ProgressSink | None = None) -> Resource:
    """Stream ``path`` through the shared hasher (see :mod:`mlgate.core.digest`)."""
    hashed = sha256_file(path, progress)
    return Resource(name=path.name, size=hashed.size, digest=f"{ALGORITHM}:{hashed.sha256}")


def _link(path: Path, name: str) -> Resource:
    target = str(path.readlink()).encode("utf-8", "surrogateescape")
    return Resource(name=name, size=0, digest=f"symlink:{hashlib.sha256(target).hexdigest()}")


def _listing(root: Path) -> tuple[list[tuple[Path, str]], list[tuple[Path, str]]]:
    """Regular files and symlinks under ``root``, each with its root-relative name."""
    files: list[tuple[Path, str]] = []
    links: list[tuple[Path, str]] = []
    for directory, subdirs, names in os.walk(root, followlinks=False):
        base = Path(directory)
        for name in [*names, *(d for d in subdirs if (base / d).is_symlink())]:
            path = base / name
            relative = path.relative_to(root).as_posix()
            (links if path.is_symlink() else files).append((path, relative))
    return files, links


def manifest_of(
    root: Path, *, workers: int | None = None, progress: ProgressSink | None = None
) -> Manifest:
    """The manifest of a directory tree, files hashed on ``workers`` threads."""
    files, links = _listing(root)
    hashed = sha256_files([path for path, _ in files], workers=workers, progress=progress)
    resources = [
        Resource(name=name, size=h.size, digest=f"{ALGORITHM}:{h.sha256}")
        for (_, name), h in zip(files, hashed, strict=True)
    ]
    resources.extend(_link(path, name) for path, name in links)
    return Manifest(resources=tuple(sorted(resources, key=lambda r: r.name)))


def content_digest(
    path: Path, *, workers: int | None = None, progress: ProgressSink | None = None
) -> str:
    """The content digest of a file or directory (see the module docstring)."""
    if path.is_symlink():
        raise ValueError(f"{path.name} is a symlink; datasets are never read through links")
    if path.is_dir():
        return manifest_of(path, workers=workers, progress=progress).digest
    return hash_file(path, progress).digest
