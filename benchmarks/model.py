"""Seconds and peak memory of the ``model`` check at 100k, 1M (and 10M) rows.

Usage: ``python benchmarks/model.py [--rows 100000 1000000] [--workdir DIR]``. Each size
runs in a fresh process, so its peak RSS is its own. The data come from the churn
builder (written as Parquet in 1M-row slices); the config judges AUC, accuracy, log loss,
Brier, F1 and ECE against the champion, fairness by sex, age band, region and sex x age
band, and drift of three features against a 200k-row reference. Results are never
committed. (Fairlearn + Evidently anchors run from the benchmark's own venv; not here yet.)
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from builders.churn import churn_table  # the builder lives under tests/
from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.core.check import CheckContext

SLICE = 1_000_000
CONFIG = {
    "paths": ["holdout.parquet"],
    "reference": ["reference.parquet"],
    "columns": {
        "label": "churn",
        "candidate": "candidate_score",
        "champion": "champion_score",
        "sensitive": ["sex", "age_band", "region"],
        "intersections": [["sex", "age_band"]],
        "numeric_features": ["tenure", "monthly_charges"],
        "categorical_features": ["contract"],
    },
    "performance": {
        name: {"max_drop": 0.01}
        for name in ("roc_auc", "accuracy", "log_loss", "brier", "f1", "ece")
    },
}


def write_rows(path: Path, rows: int, seed: int) -> None:
    """Write ``rows`` churn rows in slices, never holding more than one slice."""
    writer: pq.ParquetWriter | None = None
    for index, start in enumerate(range(0, rows, SLICE)):
        table = churn_table(rows=min(SLICE, rows - start), seed=seed + index)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table, row_group_size=65536)
    if writer is not None:
        writer.close()


def worker(root: Path) -> None:
    """Run the check once in this process and print seconds and peak RSS as JSON."""
    start = time.perf_counter()
    context = CheckContext(root=root, gate="post-train", today=date(2026, 1, 1))
    result = ModelCheck().run(context, ModelConfig.model_validate(CONFIG))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {"seconds": seconds, "peak_mib": peak, "metrics": len(result.metrics)}
    print(json.dumps(report | {"errors": list(result.errors)}))


def measure(rows: int, workdir: Path) -> dict[str, float]:
    """Write a holdout of ``rows`` and run the check on it in a child process."""
    root = workdir / f"rows-{rows}"
    root.mkdir(parents=True, exist_ok=True)
    write_rows(root / "holdout.parquet", rows, seed=1000)
    write_rows(root / "reference.parquet", 200_000, seed=1)
    child = subprocess.run(
        [sys.executable, __file__, "--worker", str(root)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(child.stdout)
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--worker", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        worker(args.worker)
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        workdir = args.workdir or Path(scratch)
        for rows in args.rows:
            figures = measure(rows, workdir)
            print(
                f"mlgate model check: {rows:>11,} rows  {figures['seconds']:7.2f} s  "
                f"peak RSS {figures['peak_mib']:7.0f} MiB  ({figures['metrics']:.0f} metrics)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
