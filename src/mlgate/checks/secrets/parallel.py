"""Files in parallel: a process pool inside the check's own process, sized to its cores.

Scanning is CPU-bound Python, so threads would share one core; processes do not. Files
are taken as the selection yields them: the first few megabytes decide whether a pool
pays at all (below :data:`MIN_PARALLEL_BYTES` starting workers costs more than it
saves, and the scan stays in-process); past that, files are packed into batches of
about :data:`BATCH_BYTES` (a larger file is a batch of its own) and each batch is handed
to the pool as soon as it is full. The workers thus scan while the tree is still being
walked, idle workers take the next batch (a big artifact does not hold the others up),
and a batch is one round trip for many small files.

Workers rebuild the detector catalogue from the check's configuration (JSON) and send
back hits built by our own code. On Linux each worker asks the kernel to kill it when
the check's process dies, so a check stopped at its timeout leaves no worker behind.
"""

from __future__ import annotations

import ctypes
import itertools
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from mlgate.checks.secrets.scan import FileScan, scan_file
from mlgate.credentials.matcher import Matcher

_PR_SET_PDEATHSIG = 1
MIN_PARALLEL_BYTES = 8 << 20
BATCH_BYTES = 2 << 20


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
    batch_bytes: int = BATCH_BYTES


def available_cores() -> int:
    """Cores this process may run on (its affinity mask, not the machine's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def scan_all(jobs: Iterable[Job], plan: ScanPlan) -> list[FileScan]:
    """Scan every job, in parallel when it pays; results come in job order."""
    pending = iter(jobs)
    head: list[Job] = []
    total = 0
    for job in pending:
        head.append(job)
        total += job.size
        if total >= plan.min_parallel_bytes and len(head) > 1:
            break
    if plan.workers < 2 or total < plan.min_parallel_bytes or len(head) < 2:
        matcher = plan.build_matcher()
        rest = [*head, *pending]
        limit = plan.max_text_bytes
        return [scan_file(j.path, j.display, matcher, limit, j.size) for j in rest]
    with ProcessPoolExecutor(
        max_workers=plan.workers,
        mp_context=_pool_context(),
        initializer=_start_worker,
        initargs=(plan.build_matcher, plan.max_text_bytes),
    ) as pool:
        futures = [
            pool.submit(_scan_batch, batch)
            for batch in batched(itertools.chain(head, pending), plan.batch_bytes)
        ]
        return [scan for future in futures for scan in future.result()]


def batched(jobs: Iterable[Job], batch_bytes: int) -> Iterator[list[Job]]:
    """Consecutive jobs packed into batches of about ``batch_bytes`` (at least one job)."""
    batch: list[Job] = []
    size = 0
    for job in jobs:
        if batch and size + job.size > batch_bytes:
            yield batch
            batch, size = [], 0
        batch.append(job)
        size += job.size
    if batch:
        yield batch


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
    return [scan_file(job.path, job.display, matcher, limit, job.size) for job in batch]
