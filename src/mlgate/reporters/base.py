"""The Reporter role and what several reporters share."""

from __future__ import annotations

from typing import ClassVar, Protocol, runtime_checkable

from mlgate.core.verdict import Verdict


@runtime_checkable
class Reporter(Protocol):
    """Renders a verdict to bytes. Pure: no I/O, no clock, no environment."""

    format_id: ClassVar[str]
    media_type: ClassVar[str]
    default_filename: ClassVar[str]

    def render(self, verdict: Verdict) -> bytes:
        """The whole report."""
        ...
