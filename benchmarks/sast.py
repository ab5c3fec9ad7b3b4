"""Lines per second of the ``sast`` check over a large pure-Python tree.

Usage: ``python benchmarks/sast.py [TREE] [--repeat N]``; TREE defaults to the
running interpreter's site-packages. Prints the median over the repeats. Results
are never committed. (A Bandit/Semgrep comparison runs them from the benchmark's own
environment; it is not part of this script yet.)
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import sysconfig
import time
from pathlib import Path

from mlgate.checks.sast.engine import SourceFile, scan_sources


def load_tree(root: Path, limit: int | None) -> list[SourceFile]:
    """Read every ``.py`` file under ``root`` (sorted, optionally the first ``limit``)."""
    paths = sorted(p for p in root.rglob("*.py") if p.is_file() and not p.is_symlink())
    if limit is not None:
        paths = paths[:limit]
    return [SourceFile(path=p.relative_to(root).as_posix(), data=p.read_bytes()) for p in paths]


def count_lines(files: list[SourceFile]) -> int:
    """Physical lines, as Bandit and Semgrep count them."""
    return sum(f.data.count(b"\n") for f in files)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print lines/s."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("tree", nargs="?", default=sysconfig.get_paths()["purelib"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="analyse only the first N files")
    args = parser.parse_args(argv)
    files = load_tree(Path(args.tree), args.limit)
    lines = count_lines(files)
    wall: list[float] = []
    cpu: list[float] = []
    findings = 0
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        findings = len(scan_sources(files))
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"tree: {args.tree}")
    print(f"files: {len(files)}  lines: {lines}  findings: {findings}")
    for label, timings in (("wall", wall), ("cpu", cpu)):
        median = statistics.median(timings)
        print(
            f"{label:>4}: median of {args.repeat}: {median:.2f} s -> {lines / median:,.0f} lines/s"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:,.0f} MiB (includes the source bytes the benchmark holds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
