"""A window onto a blob: how container members are handed around without copying."""

from __future__ import annotations

import io
from dataclasses import dataclass

from mlgate.formats.pickle_machine import Blob


@dataclass(frozen=True, slots=True)
class Span:
    """``blob[start:end]``; a member of a file read through a window stays a view of it."""

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


class SpanFile(io.RawIOBase):
    """A read-only, seekable file over a span, for readers that want a file (tar, 7z)."""

    def __init__(self, span: Span) -> None:
        self._span = span
        self._pos = 0

    def readable(self) -> bool:
        """Always: the span is there to be read."""
        return True

    def seekable(self) -> bool:
        """Always: a span is random access."""
        return True

    def tell(self) -> int:
        """The current position."""
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move like a file; positions past the end read nothing."""
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._span.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]  # RawIOBase takes any buffer
        """Fill ``buffer`` from the current position; 0 at the end."""
        chunk = self._span.read(self._pos, len(buffer))
        buffer[: len(chunk)] = chunk
        self._pos += len(chunk)
        return len(chunk)
