"""Directory throughput of the ``artifacts`` check on benign multi-GB torch checkpoints.

Usage: ``python benchmarks/artifacts.py [--gb 2] [--files 8] [--repeat 3] [--with-anchors]``.
Writes ``--files`` torch-zip checkpoints (``torch.save`` layout from the test builders,
big stored tensor members) totalling ``--gb`` GB to a temporary tree, then prints the
median GB/s of: the check in-process, sha256 of the same bytes on one thread and on
every core (the ceiling any reader of every byte meets), and with ``--with-anchors``
picklescan and modelscan from ``benchmarks/.venv-picklescan`` (created on request,
git-ignored). Ratios are mlgate's time over each other's. Results are never committed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from builders.archives import write_torch_zip_file  # tests/ is on sys.path (above)
from builders.benign_pickles import torch_state_dict
from mlgate.checks.artifacts import ArtifactsCheck, ArtifactsConfig
from mlgate.checks.artifacts.manifest import build_manifest
from mlgate.core.check import CheckContext
from mlgate.core.digest import sha256_file

ANCHORS_VENV = Path(__file__).resolve().parent / ".venv-picklescan"
ANCHORS = ("picklescan==0.0.26", "modelscan==0.8.5")
TENSORS_PER_FILE = 16


def generate(root: Path, total_gb: float, files: int) -> int:
    """Write the checkpoints; returns their total size in bytes."""
    per_tensor = int(total_gb * 1e9 / files / TENSORS_PER_FILE)
    total = 0
    for index in range(files):
        pickle = torch_state_dict(TENSORS_PER_FILE)
        sizes = [per_tensor] * TENSORS_PER_FILE
        total += write_torch_zip_file(root / f"model-{index}.pt", pickle, sizes)
    return total


def _median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def scan_mlgate(root: Path) -> None:
    """One in-process run of the check; a benign tree must give no finding or error."""
    context = CheckContext(root=root, gate="bench", today=date(2026, 1, 1))
    result = ArtifactsCheck().run(context, ArtifactsConfig())
    if result.findings or result.errors:
        raise SystemExit(f"benign checkpoints flagged: {result.findings} {result.errors}")


def sha256_serial(root: Path) -> None:
    """sha256 of every file, one after the other."""
    for path in sorted(root.iterdir()):
        sha256_file(path)


def anchor_python() -> Path:
    """The reference tools' own interpreter, created with their pinned versions if needed."""
    python = ANCHORS_VENV / "bin" / "python"
    if not python.exists():
        venv.create(ANCHORS_VENV, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *ANCHORS], check=True)
    return python


def run_anchor(python: Path, tool: str, root: Path) -> None:
    """One run of ``picklescan -p`` or ``modelscan -p`` (exit codes ignored: benign tree)."""
    script = ANCHORS_VENV / "bin" / tool
    subprocess.run([str(script), "-p", str(root)], check=False, capture_output=True)


def main() -> int:
    """Generate, time, print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gb", type=float, default=2.0, help="total size of the tree in GB")
    parser.add_argument("--files", type=int, default=8, help="number of checkpoints")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    parser.add_argument(
        "--with-anchors", action="store_true", help="also time picklescan/modelscan"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mlgate-bench-") as workdir:
        root = Path(workdir)
        size = generate(root, args.gb, args.files)
        gb = size / 1e9
        print(f"tree: {args.files} torch checkpoints, {gb:.2f} GB")
        timings = {
            "mlgate artifacts": _median_seconds(lambda: scan_mlgate(root), args.repeat),
            "sha256 1 thread": _median_seconds(lambda: sha256_serial(root), args.repeat),
            "sha256 all cores": _median_seconds(lambda: build_manifest(root), args.repeat),
        }
        if args.with_anchors:
            python = anchor_python()
            for tool in ("picklescan", "modelscan"):
                timings[tool] = _median_seconds(partial(run_anchor, python, tool, root), 1)
        mine = timings["mlgate artifacts"]
        for name, seconds in timings.items():
            ratio = seconds / mine
            print(f"{name:18} {seconds:8.3f} s  {gb / seconds:8.2f} GB/s  mlgate x{ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
