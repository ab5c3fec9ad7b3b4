"""The clock seam: library code asks a Clock for the time, never the system directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the current time in UTC."""

    def now(self) -> datetime:
        """The current moment, timezone-aware UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current moment from the operating system."""
        return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class FixedClock:
    """A clock stopped at one moment (tests, reproducible re-runs)."""

    moment: datetime

    def now(self) -> datetime:
        """Always the same moment."""
        return self.moment


def today(clock: Clock) -> date:
    """The current UTC date by ``clock``."""
    return clock.now().date()
