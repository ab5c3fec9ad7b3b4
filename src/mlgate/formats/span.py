"""A window onto a blob: how container members are handed around without copying."""

from __future__ import annotations

from dataclasses import dataclass

from mlgate.formats.pickle_machine import Blob


@dataclass(frozen=True, slots=True)
class Span:
    """``blob[start:end]``; a member of a memory-mapped file stays a view of the map."""

    blob: Blob
    start: int
    end: int

    @classmethod
    def of(cls, data: bytes | bytearray) -> Span:
        """A span covering all of ``data``."""
        return cls(data, 0, len(data))

    @property
    def size(self) -> int:
        """Length in bytes."""
        return self.end - self.start

    def head(self, size: int) -> bytes:
        """The first ``size`` bytes (fewer if the span is shorter)."""
        return bytes(self.blob[self.start : min(self.end, self.start + size)])

    def read(self, offset: int, size: int) -> bytes:
        """``size`` bytes from ``offset`` (relative), clipped to the span."""
        begin = self.start + max(0, offset)
        return bytes(self.blob[begin : min(self.end, begin + max(0, size))])

    def tobytes(self) -> bytes:
        """A copy of the whole span (only for members known to be small)."""
        return bytes(self.blob[self.start : self.end])
