"""Seconds and peak memory of the ``model`` check, and of Fairlearn + Evidently, per size.

Usage: ``python benchmarks/model.py [--rows 100000 1000000] [--with-anchors] [--workdir DIR]
[--anchor-timeout SECONDS] [--anchor-memory-gib GIB] [--raw-scores]``.

Each measurement runs in a fresh process, so its peak RSS is its own. The data come from
the churn generator (written as Parquet in 1M-row slices), scores rounded to 6 decimals
as the demo writes them, or raw floats with ``--raw-scores`` (nearly one distinct score
per row: the exact score tables then grow with the rows, see the README). mlgate judges
AUC, accuracy, log loss, Brier, F1 and ECE against the champion (DeLong and a
200-replicate paired bootstrap), fairness by sex, age band, region and sex x age band,
and drift of three features plus label and prediction against a 200k-row reference.
Every worker's clock starts after its imports (pandas and the anchors' libraries; numpy,
scipy and pyarrow).

``--with-anchors`` also runs, on the same files, Fairlearn (a MetricFrame of selection
rate, TPR, FPR and precision plus demographic parity and equalized odds differences by
sex x age band) and Evidently's ``DataDriftPreset`` over the same five columns, from the
benchmark's own environment ``benchmarks/.venv-anchors`` (created on first use, never a
project dependency). Printed: seconds, peak MiB, and anchors / mlgate ratios, for the
two anchors together and for Fairlearn alone (against the whole mlgate check). An anchor
stopped by its time limit or memory cap counts the time it actually ran, printed as a
lower bound (">="). Results are never committed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ANCHORS = HERE / ".venv-anchors"
# Evidently 0.7 imports pandas internals that pandas 3 removed.
ANCHOR_PACKAGES = ("fairlearn==0.15.0", "evidently==0.7.23", "pandas==2.3.3", "pyarrow")
SLICE = 1_000_000
REFERENCE_ROWS = 200_000
FEATURES = {"numeric": ["tenure", "monthly_charges"], "categorical": ["contract"]}
CONFIG = {
    "paths": ["holdout.parquet"],
    "reference": ["reference.parquet"],
    "columns": {
        "label": "churn",
        "candidate": "candidate_score",
        "champion": "champion_score",
        "sensitive": ["sex", "age_band", "region"],
        "intersections": [["sex", "age_band"]],
        "numeric_features": FEATURES["numeric"],
        "categorical_features": FEATURES["categorical"],
    },
    "performance": {
        name: {"max_drop": 0.01}
        for name in ("roc_auc", "accuracy", "log_loss", "brier", "f1", "ece")
    },
}


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    # CPU time of this process (all threads): steadier than wall time on a shared machine.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def write_rows(path: Path, rows: int, seed: int, *, raw_scores: bool = False) -> None:
    """Write ``rows`` churn rows in slices, never holding more than one slice."""
    sys.path[:0] = [str(HERE.parent / "examples")]
    import pyarrow.parquet as pq
    from demo_assets import churn_table  # the generator the demo and tests share

    writer: pq.ParquetWriter | None = None
    for index, start in enumerate(range(0, rows, SLICE)):
        decimals = None if raw_scores else 6
        table = churn_table(rows=min(SLICE, rows - start), seed=seed + index, decimals=decimals)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table, row_group_size=65536)
    if writer is not None:
        writer.close()


def mlgate_worker(root: Path) -> dict[str, object]:
    """Run the check once in this process."""
    from datetime import date

    from mlgate.checks.model import ModelCheck, ModelConfig
    from mlgate.checks.model.evaluate import evaluate  # noqa: F401  # imported, as the anchors'
    from mlgate.core.check import CheckContext

    # Like the anchors' workers, the clock starts after the imports (numpy, scipy, pyarrow).
    start, cpu = time.perf_counter(), _cpu_seconds()
    context = CheckContext(root=root, gate="post-train", today=date(2026, 1, 1))
    result = ModelCheck().run(context, ModelConfig.model_validate(CONFIG))
    seconds = time.perf_counter() - start
    if result.errors:
        raise RuntimeError(f"the model check failed: {result.errors}")
    return {
        "seconds": seconds,
        "cpu_s": _cpu_seconds() - cpu,
        "peak_mib": _peak_mib(),
        "metrics": len(result.metrics),
    }


def fairlearn_worker(root: Path) -> dict[str, object]:
    """Fairlearn's MetricFrame and disparities by sex x age band (reading included)."""
    import pandas as pd  # type: ignore[import-untyped]  # anchors' own venv; no stubs
    from fairlearn import metrics as flm
    from sklearn.metrics import precision_score

    start, cpu = time.perf_counter(), _cpu_seconds()
    data = pd.read_parquet(
        root / "holdout.parquet", columns=["churn", "candidate_score", "sex", "age_band"]
    )
    y_true, y_pred = data["churn"], data["candidate_score"] >= 0.5
    groups = data[["sex", "age_band"]]
    frame = flm.MetricFrame(
        metrics={
            "selection_rate": flm.selection_rate,
            "tpr": flm.true_positive_rate,
            "fpr": flm.false_positive_rate,
            "precision": lambda t, p: precision_score(t, p, zero_division=0),
        },
        y_true=y_true,
        y_pred=y_pred,
        sensitive_features=groups,
    )
    figures = {
        "dp": flm.demographic_parity_difference(y_true, y_pred, sensitive_features=groups),
        "eo": flm.equalized_odds_difference(y_true, y_pred, sensitive_features=groups),
        "groups": int(frame.by_group.shape[0]),
    }
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cpu_s": _cpu_seconds() - cpu, "peak_mib": _peak_mib(), **figures}


def evidently_worker(root: Path) -> dict[str, object]:
    """Evidently's drift preset on the columns mlgate drifts (reading included)."""
    import pandas as pd  # typed as Any: see the import above
    from evidently import (  # type: ignore[import-not-found]  # only in the anchors' venv
        DataDefinition,
        Dataset,
        Report,
    )
    from evidently.presets import DataDriftPreset  # type: ignore[import-not-found]  # idem

    start, cpu = time.perf_counter(), _cpu_seconds()
    columns = [*FEATURES["numeric"], *FEATURES["categorical"], "churn", "candidate_score"]
    definition = DataDefinition(
        numerical_columns=[*FEATURES["numeric"], "candidate_score"],
        categorical_columns=[*FEATURES["categorical"], "churn"],
    )
    frames = [
        pd.read_parquet(root / name, columns=columns)
        for name in ("reference.parquet", "holdout.parquet")
    ]
    reference, current = (Dataset.from_pandas(f, data_definition=definition) for f in frames)
    snapshot = Report([DataDriftPreset()]).run(current, reference)
    drifted = len(json.dumps(snapshot.dict(), default=str))
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu_s": _cpu_seconds() - cpu,
        "peak_mib": _peak_mib(),
        "report_chars": drifted,
    }


WORKERS = {"mlgate": mlgate_worker, "fairlearn": fairlearn_worker, "evidently": evidently_worker}


def ensure_anchors() -> Path:
    """The anchors' interpreter, creating ``benchmarks/.venv-anchors`` on first use."""
    python = ANCHORS / "bin" / "python"
    if not python.exists():
        print(f"creating {ANCHORS} with {', '.join(ANCHOR_PACKAGES)} ...", flush=True)
        venv.create(ANCHORS, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *ANCHOR_PACKAGES], check=True)
    return python


def _capped(limit_bytes: int | None) -> Callable[[], None] | None:
    if limit_bytes is None:
        return None

    def cap() -> None:
        # Address space, so a runaway anchor fails with MemoryError instead of pushing a
        # shared machine into the out-of-memory killer.
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    return cap


@dataclass(frozen=True)
class Stopped:
    """An anchor run stopped by a limit: why, and the time it ran until then."""

    reason: str
    seconds: float
    cpu_s: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_worker(
    python: Path,
    tool: str,
    root: Path,
    timeout: float | None = None,
    memory_bytes: int | None = None,
) -> dict[str, float] | Stopped:
    """Run one tool in a fresh process: its JSON figures, or why and when it stopped."""
    start, cpu = time.perf_counter(), _children_cpu()

    def stopped(reason: str) -> Stopped:
        # The time actually spent, never the limit: a cap hit early must not inflate ratios.
        return Stopped(reason, time.perf_counter() - start, _children_cpu() - cpu)

    try:
        child = subprocess.run(
            [str(python), __file__, "--worker", tool, str(root)],
            check=False,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_capped(memory_bytes),  # the benchmark starts no threads of its own
        )
    except subprocess.TimeoutExpired:
        return stopped(f"did not finish within {timeout:g} s")
    if child.returncode != 0:
        if memory_bytes and ("MemoryError" in child.stderr or "bad_alloc" in child.stderr):
            return stopped(f"ran out of its {memory_bytes / 2**30:g} GiB memory cap")
        raise RuntimeError(f"{tool} failed:\n{child.stderr[-2000:]}")
    figures: dict[str, float] = json.loads(child.stdout.strip().splitlines()[-1])
    return figures


def prepare(rows: int, workdir: Path, *, raw_scores: bool = False) -> Path:
    """Write the holdout of ``rows`` and the shared reference under ``workdir``."""
    root = workdir / f"rows-{rows}{'-raw' if raw_scores else ''}"
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "holdout.parquet").exists():
        write_rows(root / "holdout.parquet", rows, seed=1000, raw_scores=raw_scores)
    if not (root / "reference.parquet").exists():
        write_rows(root / "reference.parquet", REFERENCE_ROWS, seed=1, raw_scores=raw_scores)
    return root


def _line(name: str, rows: int, figures: dict[str, float]) -> str:
    seconds, cpu, peak = figures["seconds"], figures["cpu_s"], figures["peak_mib"]
    return (
        f"{name:<24} {rows:>11,} rows  {seconds:8.2f} s  (cpu {cpu:7.2f} s)  peak {peak:7.0f} MiB"
    )


def _runs(
    python: Path,
    tool: str,
    root: Path,
    repeats: int,
    limits: tuple[float | None, int | None] = (None, None),
) -> list[dict[str, float]] | Stopped:
    runs = []
    for _ in range(repeats):
        figures = run_worker(python, tool, root, *limits)
        if isinstance(figures, Stopped):
            return figures
        runs.append(figures)
    return runs


@dataclass
class AnchorTotal:
    """Seconds, CPU and peak memory of the anchors so far; ``bound`` if one was stopped."""

    seconds: float = 0.0
    cpu_s: float = 0.0
    peak_mib: float = 0.0
    bound: str = ""

    def add(self, runs: list[dict[str, float]] | Stopped) -> None:
        """Count one anchor: its median run, or the time it ran before being stopped."""
        if isinstance(runs, Stopped):
            self.seconds, self.cpu_s = self.seconds + runs.seconds, self.cpu_s + runs.cpu_s
            self.bound = ">="
            return
        figures = _median(runs)
        self.seconds, self.cpu_s = self.seconds + figures["seconds"], self.cpu_s + figures["cpu_s"]
        self.peak_mib = max(self.peak_mib, figures["peak_mib"])

    def ratio_line(self, name: str, rows: int, ours: dict[str, float]) -> str:
        """Anchors / mlgate for time, CPU and (for finished anchors) peak memory."""
        memory = f"{self.peak_mib / ours['peak_mib']:5.1f} x peak memory" if self.peak_mib else ""
        # On a shared machine wall time swings with the load; CPU time is the steadier ratio.
        return (
            f"{name:<24} {rows:>11,} rows  {self.bound}{self.seconds / ours['seconds']:.1f}"
            f" x time  {self.bound}{self.cpu_s / ours['cpu_s']:.1f} x cpu  {memory}"
        )


def measure(
    rows: int,
    workdir: Path,
    anchors: Path | None,
    repeats: int,
    limits: tuple[float | None, int | None],
    *,
    raw_scores: bool = False,
) -> None:
    """Print the median seconds and peak MiB of each tool at one size, and the ratios.

    An anchor stopped by its time limit or memory cap (``limits``) is reported as such
    with the time it ran until then; the ratios are then lower bounds (">=").
    """
    root = prepare(rows, workdir, raw_scores=raw_scores)
    ours = _runs(Path(sys.executable), "mlgate", root, repeats)
    if isinstance(ours, Stopped):
        raise RuntimeError(f"mlgate {ours.reason}")
    median = _median(ours)
    print(_line(f"mlgate (median of {repeats})", rows, median), flush=True)
    if anchors is None:
        return
    both, alone = AnchorTotal(), AnchorTotal()
    for tool in ("fairlearn", "evidently"):
        runs = _runs(anchors, tool, root, repeats, limits)
        if isinstance(runs, Stopped):
            print(
                f"{tool:<24} {rows:>11,} rows  {runs.reason} (stopped after "
                f">= {runs.seconds:.2f} s, cpu >= {runs.cpu_s:.2f} s)",
                flush=True,
            )
        else:
            print(_line(f"{tool} (median of {repeats})", rows, _median(runs)), flush=True)
        both.add(runs)
        if tool == "fairlearn":
            alone.add(runs)
    print(alone.ratio_line("ratio fairlearn / mlgate", rows, median), flush=True)
    print(both.ratio_line("ratio anchors / mlgate", rows, median), flush=True)


def _median(figures: list[dict[str, float]]) -> dict[str, float]:
    ordered = sorted(figures, key=lambda f: f["seconds"])
    return ordered[len(ordered) // 2]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per tool and size."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=1, help="runs per tool and size (median)")
    parser.add_argument(
        "--with-anchors", action="store_true", help="also run Fairlearn + Evidently"
    )
    parser.add_argument("--workdir", type=Path, default=None, help="keep generated data here")
    parser.add_argument(
        "--anchor-timeout",
        type=float,
        default=900.0,
        help="seconds after which an anchor run is stopped and reported as unfinished",
    )
    parser.add_argument(
        "--anchor-memory-gib",
        type=float,
        default=8.0,
        help="address-space cap of an anchor run (a shared machine has no room for more)",
    )
    parser.add_argument(
        "--raw-scores",
        action="store_true",
        help="unrounded float scores (one distinct score per row: the worst case for memory)",
    )
    parser.add_argument("--worker", nargs=2, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        print(json.dumps(WORKERS[args.worker[0]](Path(args.worker[1])), default=str))
        return 0
    anchors = ensure_anchors() if args.with_anchors else None
    with tempfile.TemporaryDirectory() as scratch:
        workdir = args.workdir or Path(scratch)
        for rows in args.rows:
            limits = (args.anchor_timeout, int(args.anchor_memory_gib * 2**30))
            measure(rows, workdir, anchors, args.repeats, limits, raw_scores=args.raw_scores)
    return 0


if __name__ == "__main__":
    sys.exit(main())
