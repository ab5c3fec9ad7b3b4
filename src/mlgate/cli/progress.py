"""Progress on standard error: a rich bar on a terminal, plain lines in CI logs."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class PlainProgress:
    """One line per event, for logs that are read after the fact."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def planned(self, total: int) -> None:
        """Announce the number of check runs."""
        print(f"mlgate: running {total} check(s)", file=self._stream, flush=True)

    def started(self, gate: str, check_id: str) -> None:
        """Log a start."""
        print(f"mlgate: {gate}/{check_id} started", file=self._stream, flush=True)

    def finished(self, gate: str, check_id: str, status: str, seconds: float) -> None:
        """Log an end."""
        line = f"mlgate: {gate}/{check_id} finished: {status} ({seconds:.1f} s)"
        print(line, file=self._stream, flush=True)


class BarProgress:
    """A live progress bar; a context manager so the bar is always cleaned up."""

    def __init__(self, stream: TextIO) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=True,
        )
        self._task = self._progress.add_task("checks", total=None)

    def __enter__(self) -> BarProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def planned(self, total: int) -> None:
        """Size the bar."""
        self._progress.update(self._task, total=total)

    def started(self, gate: str, check_id: str) -> None:
        """Show what runs."""
        self._progress.update(self._task, description=f"{gate}/{check_id}")

    def finished(self, gate: str, check_id: str, status: str, seconds: float) -> None:
        """Advance, and keep a line for errors so they are not lost when the bar goes."""
        self._progress.advance(self._task)
        if status != "ok":
            self._progress.console.print(f"[red]{gate}/{check_id}: {status}[/red]")


def choose_progress(*, disabled: bool, stream: TextIO | None = None) -> PlainProgress | BarProgress:
    """The bar on an interactive terminal, plain lines otherwise."""
    # Resolved per call: sys.stderr may be replaced after import (tests, embedding apps).
    stream = stream or sys.stderr
    if not disabled and stream.isatty():
        return BarProgress(stream)
    return PlainProgress(stream)
