"""Serving latency of the candidate against the champion, on the same machine and run.

Calls are interleaved: each timed pair calls both models back to back, the candidate first
in even pairs and the champion first in odd ones, so a burst of machine load hits both
alike instead of one model's whole block. Each of ``repetitions`` rounds makes ``warmup``
untimed calls of each model first. Every percentile is computed over all timed calls of a
model (``numpy.percentile``, linear) and compared as a candidate/champion ratio.

A percentile needs calls beyond it: p99 over 50 calls is essentially the slowest call,
which is noise. When the ratio is gated, the pairs timed are raised so that at least
:data:`MIN_TAIL` calls lie beyond the gated percentile (p50: 20, p95: 200, p99: 1,000).
The ratio's interval is a circular block bootstrap over the pairs (blocks of
``ceil(n ** (1/3))`` consecutive pairs keep machine-load bursts, which span several pairs,
inside a replicate, and a pair's two calls always stay together). The gate blocks only
when even the interval's lower end exceeds ``max_latency_ratio``, so identical models do
not block on noise while a model several times slower still does. A burst of load on a
shared machine can still skew one measurement, so a measurement that would block is
repeated once and the milder of the two is kept: a real slowdown blocks both times.
The interval uses the model check's ``confidence``, ``bootstrap_replicates`` and ``seed``.
A measurement that outruns ``max_latency_seconds`` stops with an error, never a guess.
Timing goes through a :data:`Clock` (``time.perf_counter`` by default), the seam tests
replace.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from mlgate.checks.model.config import ModelConfig, Serving
from mlgate.checks.model.reader import ModelInputError
from mlgate.checks.model.stats.scores import FloatArray
from mlgate.core.metric import Comparison, ConfidenceInterval, Metric

Clock = Callable[[], float]
Call = Callable[[], object]
PERCENTILES = {"p50": 50.0, "p95": 95.0, "p99": 99.0}
MIN_TAIL = 10
# Replicates are drawn in chunks of at most this many resampled durations (bounded memory).
_CHUNK_VALUES = 2_000_000


def default_clock() -> float:
    """A monotonic high-resolution clock, in seconds."""
    return time.perf_counter()


def calls_needed(percentile: str) -> int:
    """Timed calls per model that put :data:`MIN_TAIL` of them beyond ``percentile``."""
    share = min(PERCENTILES[percentile], 100.0 - PERCENTILES[percentile])
    return math.ceil(MIN_TAIL * 100.0 / share)


def timed_pairs(rules: Serving) -> tuple[int, int]:
    """Rounds and timed pairs per round: ``calls`` per round, raised for a gated percentile."""
    total = rules.calls * rules.repetitions
    if rules.max_latency_ratio is not None:
        total = max(total, calls_needed(rules.latency_percentile))
    return rules.repetitions, math.ceil(total / rules.repetitions)


def _over_budget(pairs: int, seconds: float, budget: float) -> ModelInputError:
    return ModelInputError(
        f"latency not measured: {pairs:,} call pairs per model would take about "
        f"{seconds:,.0f} s, over `max_latency_seconds` ({budget:g} s); gate p50 or p95 "
        "(fewer calls needed) or raise the budget"
    )


def time_pairs(pair: tuple[Call, Call], rules: Serving, clock: Clock) -> FloatArray:
    """Seconds per timed call: one row per pair, columns (candidate, champion).

    Stops with an error, never a partial result, once the measurement has outrun
    ``max_latency_seconds`` or a finished round shows that the rest would.
    """
    rounds, per_round = timed_pairs(rules)
    durations = np.empty((rounds * per_round, 2), dtype=np.float64)
    budget, began, row = rules.max_latency_seconds, clock(), 0
    for done in range(rounds):
        for _ in range(rules.warmup):
            pair[0]()
            pair[1]()
        for _ in range(per_round):
            for model in (0, 1) if row % 2 == 0 else (1, 0):
                start = clock()
                pair[model]()
                durations[row, model] = clock() - start
            row += 1
            if clock() - began > budget:
                raise _over_budget(
                    durations.shape[0], (clock() - began) / row * rounds * per_round, budget
                )
        projected = (clock() - began) / (done + 1) * rounds
        if projected > budget:
            raise _over_budget(durations.shape[0], projected, budget)
    return durations


def _ratios(candidate: FloatArray, champion: FloatArray) -> FloatArray:
    # A champion faster than the clock's resolution: any measurable candidate time is
    # infinitely slower, two unmeasurable times are alike.
    unmeasured = np.where(candidate > 0, np.inf, 1.0)
    return np.where(champion > 0, candidate / np.where(champion > 0, champion, 1.0), unmeasured)


def block_indices(rows: int, replicates: int, rng: np.random.Generator) -> npt.NDArray[np.int64]:
    """Circular block bootstrap: ``replicates`` x ``rows`` resampled row indices."""
    length = math.ceil(rows ** (1 / 3))
    blocks = math.ceil(rows / length)
    starts = rng.integers(0, rows, size=(replicates, blocks, 1))
    indices = (starts + np.arange(length)) % rows
    return indices.reshape(replicates, blocks * length)[:, :rows]


def bootstrap_ratios(
    durations: FloatArray, replicates: int, rng: np.random.Generator
) -> FloatArray:
    """Replicates x percentiles of the candidate/champion ratio over resampled pairs."""
    quantiles = list(PERCENTILES.values())
    chunk = max(1, _CHUNK_VALUES // durations.shape[0])
    found: list[FloatArray] = []
    for start in range(0, replicates, chunk):
        rows = block_indices(durations.shape[0], min(chunk, replicates - start), rng)
        candidate = np.percentile(durations[rows, 0], quantiles, axis=1)
        champion = np.percentile(durations[rows, 1], quantiles, axis=1)
        found.append(_ratios(candidate, champion).T)
    return np.concatenate(found)


@dataclass(frozen=True, slots=True, kw_only=True)
class Latency:
    """Percentiles per model over all timed calls at one batch size, and the ratio intervals."""

    batch: int
    candidate: FloatArray
    champion: FloatArray
    low: FloatArray
    high: FloatArray
    level: float
    pairs: int
    measurements: int = 1


def measure(
    pair: tuple[Call, Call], batch: int, rules: Serving, clock: Clock, config: ModelConfig
) -> Latency:
    """Time both models, interleaved, at one batch size; bootstrap the ratios."""
    durations = time_pairs(pair, rules, clock)
    quantiles = list(PERCENTILES.values())
    rng = np.random.default_rng([config.seed, batch])
    ratios = bootstrap_ratios(durations, config.bootstrap_replicates, rng)
    tail = (1 - config.confidence) / 2 * 100
    low, high = np.percentile(ratios, [tail, 100 - tail], axis=0)
    return Latency(
        batch=batch,
        candidate=np.percentile(durations[:, 0], quantiles),
        champion=np.percentile(durations[:, 1], quantiles),
        low=low,
        high=high,
        level=config.confidence,
        pairs=int(durations.shape[0]),
    )


def measure_confirmed(
    pair: tuple[Call, Call], batch: int, rules: Serving, clock: Clock, config: ModelConfig
) -> Latency:
    """:func:`measure`, repeated once when the gated ratio would block; the milder is kept."""
    first = measure(pair, batch, rules, clock, config)
    if latency_metric(first, rules.latency_percentile, rules).is_acceptable():
        return first
    second = measure(pair, batch, rules, clock, config)
    index = list(PERCENTILES).index(rules.latency_percentile)
    milder = first if first.low[index] <= second.low[index] else second
    return replace(milder, measurements=2)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def latency_metric(found: Latency, percentile: str, rules: Serving) -> Metric:
    """``serving.latency_ratio[p99,batch=1]``: candidate over champion latency."""
    index = list(PERCENTILES).index(percentile)
    candidate, champion = float(found.candidate[index]), float(found.champion[index])
    ratio = float(_ratios(np.array(candidate), np.array(champion)))
    low, high = float(found.low[index]), float(found.high[index])
    limit = rules.max_latency_ratio if percentile == rules.latency_percentile else None
    text = (
        f"{percentile} latency at batch {found.batch}: candidate {_ms(candidate)} vs champion "
        f"{_ms(champion)} ({ratio:.2f}x, {found.level * 100:g}% CI {low:.2f}x to {high:.2f}x; "
        f"{found.pairs:,} interleaved call pairs, block bootstrap, warm-up excluded)"
    )
    if found.measurements > 1:
        text += f"; the milder of {found.measurements} measurements"
    if limit is not None:
        text += f"; blocks when the whole interval exceeds {limit:g}x"
    return Metric(
        name=f"serving.latency_ratio[{percentile},batch={found.batch}]",
        value=ratio,
        threshold=limit,
        comparison=Comparison.LE,
        ci=ConfidenceInterval(low=low, high=high, level=found.level),
        n=found.pairs,
        description=text,
        decide_on="ci_low",
        null_value=1.0,
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
