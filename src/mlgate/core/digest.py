"""Streaming SHA-256 of files, one implementation for everything that pins content.

Dataset digests, model-signing manifests and evidence subjects all hash files the same
way: streamed in 1 MiB chunks into a reused buffer (a 20 GB checkpoint never sits in
memory) and, for many files, on threads (hashlib releases the GIL, so threads use every
core without copying data).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1024 * 1024
ByteProgress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class FileDigest:
    """A file's hex SHA-256 and the number of bytes hashed."""

    sha256: str
    size: int


def sha256_file(path: Path, progress: ByteProgress | None = None) -> FileDigest:
    """Hash one file; ``progress`` hears the byte count of every chunk."""
    digest = hashlib.sha256()
    size = 0
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as handle:
        while count := handle.readinto(buffer):
            digest.update(view[:count])
            size += count
            if progress is not None:
                progress(count)
    return FileDigest(sha256=digest.hexdigest(), size=size)


def sha256_files(
    paths: Sequence[Path], *, workers: int | None = None, progress: ByteProgress | None = None
) -> list[FileDigest]:
    """Hash many files on ``workers`` threads; results come in the order of ``paths``."""
    # Biggest first, so one huge shard does not start last and leave the other cores idle.
    order = sorted(range(len(paths)), key=lambda i: -paths[i].stat().st_size)
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        hashed = list(pool.map(lambda i: sha256_file(paths[i], progress), order))
    results: list[FileDigest | None] = [None] * len(paths)
    for index, digest in zip(order, hashed, strict=True):
        results[index] = digest
    return [digest for digest in results if digest is not None]
