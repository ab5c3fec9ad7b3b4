"""MB/s of the ``secrets`` check on a generated source tree, and the ratio to detect-secrets.

Usage: ``python benchmarks/secrets_scan.py [--mb 35] [--repeat 3] [--jobs N] [--detect-secrets]
[--setup]``.

Writes a generated tree (Python, YAML, JSON, Markdown; one planted fake GitHub token in
every 25 files) to a temporary directory and times the check in-process: the median
wall-clock MB/s, and MB per CPU-second (this process and its workers), which stays
honest on a machine whose cores other jobs share (the best wall-clock run is printed too,
the cores the runs kept busy, and the load average before and after). With
``--detect-secrets`` it also times ``detect-secrets scan --all-files`` from the
benchmark's own environment ``benchmarks/.venv-detect-secrets`` (``--setup`` creates it
with pip; never a project dependency) and prints the ratio. Results are never committed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE.parent / "tests"))

from builders.secrets_tree import write_source_tree  # noqa: E402  # after the sys.path fix
from mlgate.checks.secrets import SecretsCheck, SecretsConfig  # noqa: E402  # same
from mlgate.checks.secrets.check import catalogue  # noqa: E402  # same
from mlgate.core.check import CheckContext  # noqa: E402  # same

REFERENCE_ENV = _HERE / ".venv-detect-secrets"
DETECT_SECRETS = "detect-secrets==1.5.0"


@dataclass(frozen=True, slots=True)
class Run:
    """One timed run: wall seconds, CPU seconds (self and children), findings."""

    wall: float
    cpu: float
    findings: int


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def time_mlgate(root: Path, jobs: int | None) -> Run:
    """One in-process run of the check over ``root``."""
    context = CheckContext(root=root, gate="bench", today=date(2026, 1, 1))
    cpu, started = _cpu(), time.perf_counter()
    result = SecretsCheck().run(context, SecretsConfig(jobs=jobs))
    return Run(time.perf_counter() - started, _cpu() - cpu, len(result.findings))


def _prefilter_state() -> str:
    """Whether the one-pass RE2 prefilter is in use (the ``secrets`` extra installed)."""
    active = catalogue(()).prefilter.is_active
    return "RE2 set" if active else "off (google-re2 not installed: every anchor searched)"


def setup_reference() -> Path:
    """Create the reference tool's own environment and return its executable."""
    if not (REFERENCE_ENV / "bin" / "detect-secrets").exists():
        venv.create(REFERENCE_ENV, with_pip=True)
        pip = REFERENCE_ENV / "bin" / "pip"
        subprocess.run([str(pip), "install", "-q", DETECT_SECRETS], check=True)
    return REFERENCE_ENV / "bin" / "detect-secrets"


def time_detect_secrets(executable: Path, root: Path) -> Run:
    """One ``detect-secrets scan --all-files`` over the same tree."""
    cpu, started = _cpu(), time.perf_counter()
    done = subprocess.run(
        [str(executable), "scan", "--all-files", "."],
        cwd=root,
        check=True,
        capture_output=True,
    )
    found = done.stdout.count(b'"type":')
    return Run(time.perf_counter() - started, _cpu() - cpu, found)


def _line(name: str, megabytes: float, runs: list[Run]) -> str:
    wall = statistics.median(r.wall for r in runs)
    cpu = statistics.median(r.cpu for r in runs)
    best = min(r.wall for r in runs)
    # CPU over wall: the cores the run actually got (well below the pool's size when
    # other jobs share the machine, whatever the code does).
    return (
        f"{name:15} {megabytes / wall:8.1f} MB/s wall  {megabytes / cpu:8.1f} MB/CPU-s"
        f"  (median {wall:.2f} s over {len(runs)}, best {megabytes / best:.1f} MB/s,"
        f" {cpu / wall:.2f} cores busy, {runs[0].findings} findings)"
    )


def main(argv: list[str] | None = None) -> int:
    """Generate the tree, time mlgate (and detect-secrets when asked), print figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=35.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores)")
    parser.add_argument("--detect-secrets", action="store_true", dest="reference")
    parser.add_argument("--setup", action="store_true", help="create the reference env")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        root = Path(workdir)
        planted = write_source_tree(root, args.mb)
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6
        print(f"tree: {size:.1f} MB, {planted} planted tokens, {os.cpu_count()} cores")
        print(f"keyword prefilter: {_prefilter_state()}; load average {os.getloadavg()[0]:.1f}")
        ours = [time_mlgate(root, args.jobs) for _ in range(args.repeat)]
        print(_line("mlgate secrets", size, ours))
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        if args.reference:
            executable = setup_reference() if args.setup else REFERENCE_ENV / "bin/detect-secrets"
            theirs = [time_detect_secrets(executable, root)]
            print(_line("detect-secrets", size, theirs))
            ratio = statistics.median(r.wall for r in theirs) / statistics.median(
                r.wall for r in ours
            )
            print(f"mlgate is {ratio:.1f}x faster (wall clock)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
