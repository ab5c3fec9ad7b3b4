"""Calibration study of the model gate's paired intervals (see mlgate.checks.model.simulation).

Prints, per task, holdout size and metric: the false-block rate of two equally good models
(nominal: one-sided 2.5 %) with its 95 % Clopper-Pearson interval, for the gate's cell-wise
bootstrap and for the row-level paired Poisson bootstrap on the same holdouts; the mean
interval widths of both, and per tail on holdouts of 60 to 400 rows (most cells then hold
a handful of rows); and the coverage of the 95 % interval of a real difference
against the truth computed on a huge independent sample.

    .venv/bin/python scripts/model_calibration.py [--trials 400] [--sizes 300,2000]
        [--replicates 200]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from mlgate.checks.model.simulation import (
    MetricSummary,
    Process,
    coverage,
    differences,
    false_blocks,
    study_config,
    tail_ratios,
)

TRUTH_ROWS = 2_000_000


def _rate(summary: MetricSummary) -> str:
    low, high = summary.rate.bounds()
    return f"{summary.rate.value * 100:5.1f}% [{low * 100:4.1f}, {high * 100:4.1f}]"


def _false_blocks(task: str, rows: int, trials: int, replicates: int) -> None:
    started = time.perf_counter()
    process = Process(task=task)
    cells = false_blocks(process, rows, trials, seed=rows, replicates=replicates)
    direct = false_blocks(process, rows, trials, seed=rows, rows_level=True, replicates=replicates)
    print(f"\n{task}, {rows:,} rows, {trials} trials ({time.perf_counter() - started:.0f} s)")
    print(f"  {'metric':9} {'cell-wise false blocks':>26} {'row-level false blocks':>26}  width")
    for cell, row in zip(cells, direct, strict=True):
        ratio = cell.width / row.width if row.width > 0 else float("nan")
        print(f"  {cell.metric.value:9} {_rate(cell):>26} {_rate(row):>26}  x{ratio:.3f}")


def _coverage(task: str, rows: int, trials: int, replicates: int) -> None:
    process = Process(task=task, candidate_noise=1.3)
    truth = differences(process.draw(TRUTH_ROWS, np.random.default_rng(99)), study_config(task))
    found = coverage(process, rows, trials, seed=rows + 1, truth=truth, replicates=replicates)
    print(f"\n{task}, {rows:,} rows, {trials} trials: coverage of the true difference")
    for summary in found:
        print(f"  {summary.metric.value:9} truth {truth[summary.metric]:+.5f}  {_rate(summary)}")


def _tails(task: str, holdouts: int) -> None:
    print(f"\n{task}: cell-wise / row-level distance to each limit (median of {holdouts})")
    for rows in (60, 150, 400):
        found = tail_ratios(Process(task=task), rows, holdouts, replicates=2000)
        ratios = "  ".join(f"{r.metric.value} {r.lower:.3f}/{r.upper:.3f}" for r in found)
        print(f"  {rows:4} rows: {ratios}")


def main() -> None:
    """Run the study and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=400)
    parser.add_argument("--sizes", default="300,2000")
    parser.add_argument("--replicates", type=int, default=200, help="bootstrap replicates")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print("Nominal false-block rate: 2.5 % (one side of a 95 % interval); bracket: 95 % CI.")
    for task in ("classification", "regression"):
        for rows in sizes:
            _false_blocks(task, rows, args.trials, args.replicates)
            _coverage(task, rows, args.trials, args.replicates)
        _tails(task, holdouts=max(args.trials // 10, 5))


if __name__ == "__main__":
    main()
