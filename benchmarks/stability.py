"""Seconds the ``model`` check's stability section adds, and the reference libraries' time.

Usage: ``python benchmarks/stability.py [--rows 100000 1000000]``.

For each size the churn generator writes a holdout (Parquet); the model check runs once
without and once with ``stability`` (decision stability by sex and region, calibration),
and the difference is what the section costs. The same numbers computed the plain way
(``scipy.stats.spearmanr`` of the two score columns, ``sklearn.calibration
.calibration_curve`` and numpy flip counts, all in memory) are timed next to it.

``--serving`` also times the serving part alone on a holdout with string columns: two
skl2onnx models (candidate and champion), every perturbation including unseen categories,
one monotone sweep, one invariance, latency and peak memory (two child processes); the
perturbed rows are capped by ``max_rows`` (20,000 by default), so this cost does not grow
with the holdout. Medians of three runs; results are never committed.

``--identical N`` runs the latency gate alone N times on a byte-for-byte copy of the
champion (default settings: p99, ratio 1.2) and prints how often it blocked and the median
seconds of the serving part: identical models must never block.
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


SERVING = {
    "candidate_model": "candidate.onnx",
    "champion_model": "champion.onnx",
    "robustness": {
        "monotone": {"x1": "increasing"},
        "invariances": [{"feature": "sex"}],
    },
}


def _serving(root: Path, rows: int) -> tuple[Callable[[], object], float]:
    from builders.churn import write_parquet
    from builders.served_models import mixed_table, onnx_with_category
    from mlgate.checks.model import ModelCheck, ModelConfig
    from mlgate.core.check import CheckContext

    ignored = {"F": 0.0, "M": 0.0}  # reads sex and must ignore it
    onnx_with_category(root / "candidate.onnx", [1.0, 0.5, 0.25], ignored, column="sex")
    onnx_with_category(root / "champion.onnx", [1.0, 0.5, 0.0], ignored, column="sex")
    table = mixed_table(rows, seed=1)
    write_parquet(table, root / "serving.parquet", row_group_rows=65536)
    stability = {"decisions": None, "calibration": None, "serving": SERVING}
    columns = {"label": "churn", "candidate": "candidate_score"}
    config = ModelConfig(paths=["serving.parquet"], columns=columns, stability=stability)
    plain = ModelConfig(paths=["serving.parquet"], columns=columns)
    context = CheckContext(root=root, gate="pre-deploy", today=date(2026, 1, 1))
    warm = ModelCheck().run(context, config)  # the first run pays the imports
    if warm.errors:
        raise SystemExit(f"serving benchmark misconfigured: {warm.errors}")
    base = _median_seconds(lambda: ModelCheck().run(context, plain))
    return (lambda: ModelCheck().run(context, config)), base


def _identical(runs: int) -> tuple[int, float, float]:
    import shutil

    from builders.check_results import blocking
    from builders.churn import FEATURES, feature_table, onnx_linear
    from builders.served_models import run_serving

    blocks, times, lows = 0, [], []
    table = feature_table(2000, seed=1)
    settings: dict[str, Any] = {"champion_model": "champion.onnx", "features": list(FEATURES)}
    settings |= {"robustness": None, "measure_memory": False}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        onnx_linear(root / "champion.onnx", [1.0, 1.0, 1.0])
        shutil.copy(root / "champion.onnx", root / "candidate.onnx")
        for _ in range(runs):
            start = time.perf_counter()
            result = run_serving(root, table, candidate_model="candidate.onnx", **settings)
            times.append(time.perf_counter() - start)
            if result.errors:
                raise SystemExit(f"latency benchmark failed: {result.errors}")
            blocks += any(name.startswith("serving.latency") for name in blocking(result))
            lows += [
                m.ci.low for m in result.metrics if m.threshold and m.ci and "latency" in m.name
            ]
    return blocks, statistics.median(times), max(lows, default=float("nan"))


def main() -> None:
    """Print seconds per size: check without and with stability, and the plain reference."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--serving", action="store_true", help="also time the serving part")
    parser.add_argument("--identical", type=int, default=0, help="latency runs, identical models")
    args = parser.parse_args()
    if args.identical:
        blocks, seconds, low = _identical(args.identical)
        print(
            f"identical models blocked {blocks}/{args.identical} runs; median {seconds:.2f}s per "
            f"run; largest interval low end {low:.2f}x"
        )
        return
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
    if args.serving:
        print(f"\n{'rows':>10} {'serving part (s)':>18}")
        for rows in args.rows:
            with tempfile.TemporaryDirectory() as folder:
                action, base = _serving(Path(folder), rows)
                total = _median_seconds(action)
                print(f"{rows:>10,} {total - base:>18.2f}")


if __name__ == "__main__":
    main()
