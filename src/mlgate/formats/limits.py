"""Budgets that bound every reader against hostile input.

Readers raise :class:`mlgate.core.errors.ResourceLimitError` (carrying ``limit`` and
``actual``) when a budget is exceeded; callers record it for the one input concerned
and carry on with the next. :class:`FileBudgetError` (total bytes, members, time)
ends the whole top-level file instead: its next member would hit the same limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from mlgate.core.errors import ResourceLimitError

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class PickleLimits:
    """Budgets of one symbolic pickle run over a whole stream."""

    max_opcodes: int = 20_000_000
    max_memo: int = 2_000_000
    max_stack: int = 2_000_000
    max_argument_bytes: int = 1 << 36
    max_decoded_text: int = 1 * MIB
    max_recovered_bytes: int = 16 * MIB
    max_pickles: int = 10_000
    # Jumps to the next PROTO after a parse failure (each attempt also spends opcodes);
    # 0 ends the scan at the first failure (string extraction, sniffing trials).
    max_resyncs: int = 0
    max_seconds: float = 60.0
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ContainerLimits:
    """Budgets of unpacking nested containers and compressed streams.

    ``max_seconds`` bounds the unpacking of one top-level file, measured on ``clock``
    (a monotonic seam, replaced by a fake in tests).
    """

    max_member_bytes: int = 4096 * MIB
    max_total_bytes: int = 16384 * MIB
    max_ratio: float = 200.0
    max_depth: int = 8
    max_members: int = 100_000
    ratio_floor_bytes: int = 16 * MIB
    max_seconds: float = 120.0
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)


class FileBudgetError(ResourceLimitError):
    """A budget of the whole top-level file ran out: nothing more of it can be unpacked.

    Unlike a member's own limits (its size, ratio or depth), carrying on with the next
    member would only hit the same limit again, so readers stop the file here.
    """


def check_limit(what: str, limit: float, actual: float) -> None:
    """Raise :class:`ResourceLimitError` when ``actual`` exceeds ``limit``."""
    if actual > limit:
        raise ResourceLimitError(what, limit=limit, actual=actual)


def _check_file_limit(what: str, limit: float, actual: float) -> None:
    if actual > limit:
        raise FileBudgetError(what, limit=limit, actual=actual)


class UnpackBudget:
    """Bytes, members and time spent unpacking one top-level file, against its limits."""

    def __init__(self, limits: ContainerLimits) -> None:
        self.limits = limits
        self.total_bytes = 0
        self.members = 0
        self.started = limits.clock()

    def check_time(self) -> None:
        """Raise :class:`FileBudgetError` once the file's unpacking deadline has passed."""
        _check_file_limit("unpack seconds", self.limits.max_seconds,
                          self.limits.clock() - self.started)  # fmt: skip

    def add_member(self) -> None:
        """Count one more container member."""
        self.members += 1
        _check_file_limit("archive members", self.limits.max_members, self.members)
        self.check_time()

    def add_bytes(self, produced: int, *, member_bytes: int, consumed: int) -> None:
        """Account decompressed output of one member so far (bomb, ratio and time checks)."""
        self.total_bytes += produced
        _check_file_limit("decompressed bytes", self.limits.max_total_bytes, self.total_bytes)
        self.check_time()
        check_limit("decompressed member bytes", self.limits.max_member_bytes, member_bytes)
        if member_bytes > self.limits.ratio_floor_bytes:
            ratio = member_bytes / max(consumed, 1)
            check_limit("compression ratio", self.limits.max_ratio, ratio)
