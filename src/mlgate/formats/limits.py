"""Budgets that bound every reader against hostile input.

Readers raise :class:`mlgate.core.errors.ResourceLimitError` (carrying ``limit`` and
``actual``) when a budget is exceeded; callers record it for the one input concerned
and carry on with the next.
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
    max_seconds: float = 60.0
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ContainerLimits:
    """Budgets of unpacking nested containers and compressed streams."""

    max_member_bytes: int = 4096 * MIB
    max_total_bytes: int = 16384 * MIB
    max_ratio: float = 200.0
    max_depth: int = 8
    max_members: int = 100_000
    ratio_floor_bytes: int = 16 * MIB


def check_limit(what: str, limit: float, actual: float) -> None:
    """Raise :class:`ResourceLimitError` when ``actual`` exceeds ``limit``."""
    if actual > limit:
        raise ResourceLimitError(what, limit=limit, actual=actual)


class UnpackBudget:
    """Bytes and members unpacked so far in one top-level file, against its limits."""

    def __init__(self, limits: ContainerLimits) -> None:
        self.limits = limits
        self.total_bytes = 0
        self.members = 0

    def add_member(self) -> None:
        """Count one more container member."""
        self.members += 1
        check_limit("archive members", self.limits.max_members, self.members)

    def add_bytes(self, produced: int, *, member_bytes: int, consumed: int) -> None:
        """Account decompressed output of one member so far (bomb and ratio checks)."""
        self.total_bytes += produced
        check_limit("decompressed bytes", self.limits.max_total_bytes, self.total_bytes)
        check_limit("decompressed member bytes", self.limits.max_member_bytes, member_bytes)
        if member_bytes > self.limits.ratio_floor_bytes:
            ratio = member_bytes / max(consumed, 1)
            check_limit("compression ratio", self.limits.max_ratio, ratio)
