"""Serving latency of the candidate against the champion, on the same machine and run.

Each repetition times ``calls`` inference calls per model after ``warmup`` untimed ones,
alternating which model goes first so slow drifts of the machine hit both alike. A
repetition gives p50/p95/p99 per model (``numpy.percentile``, linear); the gate compares
the medians over repetitions as a candidate/champion ratio, at batch 1 and at a typical
batch. Timing goes through a :data:`Clock` (``time.perf_counter`` by default), the seam
tests replace.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from mlgate.checks.model.config import Serving
from mlgate.checks.model.stability.upper_limits import at_most_metric
from mlgate.checks.model.stats.scores import FloatArray
from mlgate.core.metric import Metric

Clock = Callable[[], float]
Call = Callable[[], object]
PERCENTILES = {"p50": 50.0, "p95": 95.0, "p99": 99.0}


def default_clock() -> float:
    """A monotonic high-resolution clock, in seconds."""
    return time.perf_counter()


def time_calls(call: Call, calls: int, warmup: int, clock: Clock) -> FloatArray:
    """Seconds taken by each of ``calls`` calls, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        call()
    durations = np.empty(calls, dtype=np.float64)
    for index in range(calls):
        start = clock()
        call()
        durations[index] = clock() - start
    return durations


def repeated_percentiles(
    pair: tuple[Call, Call], rules: Serving, clock: Clock
) -> tuple[FloatArray, FloatArray]:
    """Per model of ``(candidate, champion)``: repetitions x (p50, p95, p99) seconds."""
    results: tuple[list[FloatArray], list[FloatArray]] = ([], [])
    for repetition in range(rules.repetitions):
        order = (0, 1) if repetition % 2 == 0 else (1, 0)
        for model in order:
            durations = time_calls(pair[model], rules.calls, rules.warmup, clock)
            results[model].append(np.percentile(durations, list(PERCENTILES.values())))
    return np.array(results[0]), np.array(results[1])


@dataclass(frozen=True, slots=True, kw_only=True)
class Latency:
    """Median over repetitions of each percentile, per model, at one batch size."""

    batch: int
    candidate: FloatArray
    champion: FloatArray
    repetitions: int
    calls: int


def measure(pair: tuple[Call, Call], batch: int, rules: Serving, clock: Clock) -> Latency:
    """Time both models at one batch size."""
    candidate, champion = repeated_percentiles(pair, rules, clock)
    return Latency(
        batch=batch,
        candidate=np.median(candidate, axis=0),
        champion=np.median(champion, axis=0),
        repetitions=rules.repetitions,
        calls=rules.calls,
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def latency_metric(found: Latency, percentile: str, rules: Serving) -> Metric:
    """``serving.latency_ratio[p99,batch=1]``: candidate over champion latency."""
    index = list(PERCENTILES).index(percentile)
    candidate, champion = float(found.candidate[index]), float(found.champion[index])
    ratio = candidate / champion if champion > 0 else float("inf")
    gated = percentile == rules.latency_percentile
    limit = rules.max_latency_ratio if gated else None
    text = (
        f"{percentile} latency at batch {found.batch}: candidate {_ms(candidate)} vs champion "
        f"{_ms(champion)} ({ratio:.2f}x; medians of {found.repetitions} repetitions of "
        f"{found.calls} calls, warm-up excluded)"
    )
    return at_most_metric(
        name=f"serving.latency_ratio[{percentile},batch={found.batch}]",
        value=ratio,
        limit=limit,
        text=text,
        unit="x",
        n=found.calls * found.repetitions,
    )


def throughput_metric(found: Latency) -> Metric:
    """``serving.throughput_ratio[batch=n]``: candidate over champion rows per second (p50)."""
    candidate, champion = found.batch / found.candidate[0], found.batch / found.champion[0]
    return Metric(
        name=f"serving.throughput_ratio[batch={found.batch}]",
        value=float(candidate / champion),
        description=f"candidate {candidate:,.0f} rows/s vs champion {champion:,.0f} rows/s (p50)",
    )


def latency_metrics(measured: Sequence[Latency], rules: Serving) -> list[Metric]:
    """Ratios of every percentile at every batch size, and the throughput ratios."""
    metrics = [latency_metric(m, p, rules) for m in measured for p in PERCENTILES]
    return [*metrics, *(throughput_metric(m) for m in measured)]
