"""Seconds the ``model`` check's stability section adds, and the reference libraries' time.

Usage: ``python benchmarks/stability.py [--rows 100000 1000000]``.

For each size the churn generator writes a holdout (Parquet); the model check runs once
without and once with ``stability`` (decision stability by sex and region, calibration),
and the difference is what the section costs. The same numbers computed the plain way
(``scipy.stats.spearmanr`` of the two score columns, ``sklearn.calibration
.calibration_curve`` and numpy flip counts, all in memory) are timed next to it. Medians
of three runs; results are never committed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests"), str(HERE.parent / "examples")]

COLUMNS = {
    "label": "churn",
    "candidate": "candidate_score",
    "champion": "champion_score",
    "sensitive": ["sex", "region"],
}


def _median_seconds(action: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _check(root: Path, stability: dict[str, Any] | None) -> Callable[[], object]:
    from mlgate.checks.model import ModelCheck, ModelConfig
    from mlgate.core.check import CheckContext

    config = ModelConfig(paths=["holdout.parquet"], columns=COLUMNS, stability=stability)
    context = CheckContext(root=root, gate="post-train", today=date(2026, 1, 1))
    return lambda: ModelCheck().run(context, config)


def _reference(root: Path) -> Callable[[], object]:
    import numpy as np
    import pyarrow.parquet as pq
    from scipy.stats import spearmanr
    from sklearn.calibration import calibration_curve

    def compute() -> object:
        table = pq.read_table(root / "holdout.parquet")
        candidate = table.column("candidate_score").to_numpy()
        champion = table.column("champion_score").to_numpy()
        labels = table.column("churn").to_numpy()
        flips = np.count_nonzero((candidate >= 0.5) != (champion >= 0.5))
        return spearmanr(candidate, champion), calibration_curve(labels, candidate), flips

    return compute


def main() -> None:
    """Print seconds per size: check without and with stability, and the plain reference."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    from builders.churn import churn_table, write_parquet

    print(f"{'rows':>10} {'model':>8} {'+stab':>8} {'section':>8} {'numpy/scipy/sklearn':>20}")
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            write_parquet(
                churn_table(rows=rows, seed=1, candidate="biased"),
                root / "holdout.parquet",
                row_group_rows=65536,
            )
            base = _median_seconds(_check(root, None))
            full = _median_seconds(_check(root, {}))
            plain = _median_seconds(_reference(root))
            print(f"{rows:>10,} {base:>8.2f} {full:>8.2f} {full - base:>8.2f} {plain:>20.2f}")


if __name__ == "__main__":
    main()
