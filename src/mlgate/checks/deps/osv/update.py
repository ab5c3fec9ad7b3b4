"""``mlgate db update``: fetch OSV's per-ecosystem ``all.zip`` and install it atomically.

The download goes to a temporary file beside the destination, is read back completely
with the same bounded loader the check uses, and only then replaces the old archive; a
failed or corrupt download leaves the previous database in place. The network is a
seam (:data:`Fetch`); tests pass a fake, the CLI passes :func:`https_fetch`.
"""

from __future__ import annotations

import os
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from mlgate.checks.deps.osv.database import DatabaseLimits, load_database
from mlgate.checks.deps.osv.parse import OsvFormatError
from mlgate.core.errors import ResourceLimitError

OSV_ARCHIVE_URL = "https://osv-vulnerabilities.storage.googleapis.com/{ecosystem}/all.zip"
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024
CHUNK = 1024 * 1024
Fetch = Callable[[str, BinaryIO], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateResult:
    """What was installed: where, how many usable records, how many bytes."""

    path: Path
    records: int
    size: int


def https_fetch(url: str, out: BinaryIO, *, timeout: float = 60.0) -> None:
    """Stream ``url`` (https only) into ``out``, refusing more than ``MAX_ARCHIVE_BYTES``."""
    if not url.startswith("https://"):
        raise ValueError(f"refusing non-https URL {url!r}")
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  # https checked above
        total = 0
        while chunk := response.read(CHUNK):
            total += len(chunk)
            if total > MAX_ARCHIVE_BYTES:
                raise ResourceLimitError("archive bytes", limit=MAX_ARCHIVE_BYTES, actual=total)
            out.write(chunk)


def update_database(
    dest: Path,
    *,
    fetch: Fetch,
    ecosystem: str = "PyPI",
    limits: DatabaseLimits | None = None,
) -> UpdateResult:
    """Download ``ecosystem``'s archive to ``dest`` (an ``all.zip`` path) atomically."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".all.", suffix=".zip.part", dir=dest.parent)
    part = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            fetch(OSV_ARCHIVE_URL.format(ecosystem=ecosystem), out)
        database = load_database(part, limits)
        if database.problems:
            raise OsvFormatError(
                f"downloaded archive has unreadable records: {database.problems[0]}"
            )
        size = part.stat().st_size
        part.replace(dest)
    finally:
        part.unlink(missing_ok=True)
    return UpdateResult(path=dest, records=database.size, size=size)
