"""Serving costs of the candidate against the champion: latency, throughput, memory, size."""

from __future__ import annotations

from mlgate.checks.model.config import ModelConfig, Serving
from mlgate.checks.model.stability import memory
from mlgate.checks.model.stability.declared import Bound
from mlgate.checks.model.stability.latency import (
    Clock,
    Latency,
    latency_metrics,
    measure_confirmed,
)
from mlgate.checks.model.stability.results import StabilityResults
from mlgate.checks.model.stability.sample import Sample, feeds
from mlgate.checks.model.stability.upper_limits import at_most_metric
from mlgate.core.finding import SkippedInput
from mlgate.core.metric import Metric

NO_PEAK_MEMORY = "peak memory not compared: needs Linux /proc (resettable VmHWM)"


def _mib(size: float) -> str:
    return f"{size / 2**20:,.1f} MiB"


def file_size_metric(pair: tuple[Bound, Bound], rules: Serving) -> Metric:
    """``serving.file_size_ratio``: candidate over champion model file bytes."""
    sizes = (pair[0].model.file_size, pair[1].model.file_size)
    return at_most_metric(
        name="serving.file_size_ratio",
        value=sizes[0] / sizes[1],
        limit=rules.max_file_size_ratio,
        text=f"candidate {sizes[0]:,} bytes vs champion {sizes[1]:,} bytes",
        unit="x",
    )


def memory_metric(pair: tuple[Bound, Bound], sample: Sample, rules: Serving) -> Metric:
    """``serving.peak_memory_ratio``: peak RSS to load and score one batch, per fresh process."""
    rows = sample.head(rules.batch_rows)
    peaks = [
        memory.peak_memory(
            b.model.path, rules.trusted_types, feeds(b.binding, rows), b.binding.output
        )
        for b in pair
    ]
    ratio = peaks[0] / peaks[1] if peaks[1] > 0 else float("inf")
    text = (
        f"peak resident memory to load the model and score {rules.batch_rows} rows, each in a "
        f"fresh process: candidate {_mib(peaks[0])} vs champion {_mib(peaks[1])} ({ratio:.2f}x)"
    )
    return at_most_metric(
        name="serving.peak_memory_ratio",
        value=ratio,
        limit=rules.max_memory_ratio,
        text=text,
        unit="x",
    )


def performance_results(
    pair: tuple[Bound, Bound], sample: Sample, rules: Serving, clock: Clock, config: ModelConfig
) -> StabilityResults:
    """Latency and throughput ratios at batch 1 and ``batch_rows``, memory and file size."""
    measured: list[Latency] = []
    for batch in (1, rules.batch_rows):
        rows = sample.head(batch)
        calls = (pair[0].caller(rows), pair[1].caller(rows))
        measured.append(measure_confirmed(calls, batch, rules, clock, config))
    metrics = [*latency_metrics(measured, rules), file_size_metric(pair, rules)]
    skipped: list[SkippedInput] = []
    if rules.measure_memory and memory.supported():
        metrics.append(memory_metric(pair, sample, rules))
    elif rules.measure_memory:
        skipped.append(SkippedInput(path=str(pair[0].model.path.name), reason=NO_PEAK_MEMORY))
    return StabilityResults(metrics=metrics, skipped=skipped)
