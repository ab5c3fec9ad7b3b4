"""The progress seam: the runner reports check starts and ends to a sink."""

from __future__ import annotations

from typing import Protocol


class ProgressSink(Protocol):
    """Receives progress events; the CLI renders them, the library never prints."""

    def planned(self, total: int) -> None:
        """The number of check runs about to start."""
        ...

    def started(self, gate: str, check_id: str) -> None:
        """A check run started."""
        ...

    def finished(self, gate: str, check_id: str, status: str, seconds: float) -> None:
        """A check run ended with a raw status (``ok`` or ``error``)."""
        ...


class NullProgress:
    """Ignores every event."""

    def planned(self, total: int) -> None:
        """Ignore."""

    def started(self, gate: str, check_id: str) -> None:
        """Ignore."""

    def finished(self, gate: str, check_id: str, status: str, seconds: float) -> None:
        """Ignore."""
