from __future__ import annotations

import hashlib
from pathlib import Path

from mlgate.core.digest import CHUNK, sha256_file, sha256_files


def test_one_file_streams_in_chunks_and_reports_bytes(tmp_path: Path) -> None:
    data = bytes(range(256)) * (CHUNK // 256 * 2 + 3)  # two whole chunks and a tail
    path = tmp_path / "shard.bin"
    path.write_bytes(data)
    seen: list[int] = []
    digest = sha256_file(path, seen.append)
    assert digest.sha256 == hashlib.sha256(data).hexdigest()
    assert digest.size == len(data) == sum(seen)
    assert len(seen) == 3


def test_many_files_keep_the_callers_order(tmp_path: Path) -> None:
    paths = []
    for index, size in enumerate([10, 5000, 0, 70_000]):  # hashed biggest first
        path = tmp_path / f"f{index}"
        path.write_bytes(b"x" * size)
        paths.append(path)
    results = sha256_files(paths, workers=2)
    assert [r.size for r in results] == [10, 5000, 0, 70_000]
    assert [r.sha256 for r in results] == [
        hashlib.sha256(p.read_bytes()).hexdigest() for p in paths
    ]
