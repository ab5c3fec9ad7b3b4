"""Files in parallel: a process pool inside the check's own process, sized to its cores.

Scanning is CPU-bound Python, so threads would share one core; processes do not. Files
are dealt into batches of similar total size (largest first, each to the lightest
batch), so one big artifact does not leave the other workers idle and the number of
round trips stays small. Small scans stay in-process: starting workers costs more than
it saves below a few megabytes.

Workers rebuild the detector catalogue from the check's configuration (JSON) and send
back hits built by our own code. On Linux each worker asks the kernel to kill it when
the check's process dies, so a check stopped at its timeout leaves no worker behind.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from mlgate.checks.secrets.matcher import Matcher
from mlgate.checks.secrets.scan import FileScan, scan_file

_PR_SET_PDEATHSIG = 1
_BATCHES_PER_WORKER = 4
MIN_PARALLEL_BYTES = 8 << 20


@dataclass(frozen=True, slots=True)
class Job:
    """A file to scan, how reports name it, and its size (for batching)."""

    path: Path
    display: str
    size: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanPlan:
    """How to scan: the catalogue's recipe, the text limit, and the pool's size."""

    build_matcher: Callable[[], Matcher]
    max_text_bytes: int
    workers: int
    min_parallel_bytes: int = MIN_PARALLEL_BYTES


def available_cores() -> int:
    """Cores this process may run on (its affinity mask, not the machine's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def scan_all(jobs: Sequence[Job], plan: ScanPlan) -> list[FileScan]:
    """Scan every job, in parallel when it pays; results come in job order."""
    total = sum(job.size for job in jobs)
    if plan.workers < 2 or len(jobs) < 2 or total < plan.min_parallel_bytes:
        matcher = plan.build_matcher()
        return [scan_file(j.path, j.display, matcher, plan.max_text_bytes) for j in jobs]
    batches = deal(jobs, plan.workers * _BATCHES_PER_WORKER)
    with ProcessPoolExecutor(
        max_workers=plan.workers,
        mp_context=_pool_context(),
        initializer=_start_worker,
        initargs=(plan.build_matcher, plan.max_text_bytes),
    ) as pool:
        results = list(pool.map(_scan_batch, batches))
    by_path = {
        job.path: scan
        for batch, scans in zip(batches, results, strict=True)
        for job, scan in zip(batch, scans, strict=True)
    }
    return [by_path[job.path] for job in jobs]


def deal(jobs: Sequence[Job], count: int) -> list[list[Job]]:
    """``count`` batches (fewer if there are fewer jobs) of near-equal total size."""
    batches: list[list[Job]] = [[] for _ in range(min(count, len(jobs)))]
    loads = [0] * len(batches)
    for job in sorted(jobs, key=lambda j: j.size, reverse=True):
        lightest = loads.index(min(loads))
        batches[lightest].append(job)
        loads[lightest] += job.size
    return batches


def _pool_context() -> multiprocessing.context.BaseContext:
    # A fork copies the already imported check (workers start in milliseconds, not the
    # half second an import costs); it is only safe while this process has one thread.
    available = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in available:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in available else "spawn")


# Set once per worker by the pool's initializer.
_WORKER: dict[str, object] = {}


def _start_worker(build_matcher: Callable[[], Matcher], max_text_bytes: int) -> None:
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    _WORKER["matcher"] = build_matcher()
    _WORKER["max_text_bytes"] = max_text_bytes


def _scan_batch(batch: list[Job]) -> list[FileScan]:
    matcher = _WORKER["matcher"]
    limit = _WORKER["max_text_bytes"]
    assert isinstance(matcher, Matcher) and isinstance(limit, int)  # noqa: S101  # set by _start_worker
    return [scan_file(job.path, job.display, matcher, limit) for job in batch]
