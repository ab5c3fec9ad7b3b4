"""MB/s of `mlgate datasets digest` against `sha256sum` on the same multi-GB tree.

Writes a tree of Parquet-sized shards (incompressible bytes) to a temporary directory,
warms the page cache once, then times both tools over several repetitions and prints the
medians and the ratio. Both read the same files from the same cache, so the comparison
is hashing and scheduling, not the disk. Nothing is stored.

Usage: ``python benchmarks/digest.py [--gb 2] [--files 16] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mlgate.checks.datasets.digest import content_digest

CHUNK = 8 * 1024 * 1024


def write_tree(root: Path, *, total_bytes: int, files: int) -> list[Path]:
    """Shards of random bytes in two partition folders, like a Parquet dataset."""
    paths = []
    per_file = total_bytes // files
    for index in range(files):
        path = root / f"part={index % 2}" / f"shard-{index:05d}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as stream:
            left = per_file
            while left > 0:
                stream.write(os.urandom(min(CHUNK, left)))
                left -= CHUNK
        paths.append(path)
    return paths


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``action`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def sha256sum(paths: list[Path]) -> None:
    """The coreutils reference, one process over every file (as a user would run it)."""
    subprocess.run(["sha256sum", *map(str, paths)], check=True, capture_output=True)


def main() -> int:
    """Print MB/s for both tools and mlgate's ratio to sha256sum."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=2.0, help="size of the generated tree")
    parser.add_argument("--files", type=int, default=16, help="number of shards")
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions")
    args = parser.parse_args()
    if shutil.which("sha256sum") is None:
        print("sha256sum is not installed; nothing to compare against", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="mlgate-digest-") as temporary:
        root = Path(temporary)
        paths = write_tree(root, total_bytes=int(args.gb * 1024**3), files=args.files)
        size_mb = sum(p.stat().st_size for p in paths) / 1e6
        content_digest(root)  # warm the page cache for both tools
        ours = median_seconds(lambda: content_digest(root), args.repeat)
        theirs = median_seconds(lambda: sha256sum(paths), args.repeat)
    print(f"tree: {size_mb:,.0f} MB in {args.files} files, {os.cpu_count()} cores")
    print(f"mlgate datasets digest  {size_mb / ours:8.0f} MB/s  (median {ours:.2f} s)")
    print(f"sha256sum               {size_mb / theirs:8.0f} MB/s  (median {theirs:.2f} s)")
    print(f"ratio: mlgate is {theirs / ours:.2f}x sha256sum's throughput")
    return 0


if __name__ == "__main__":
    sys.exit(main())
