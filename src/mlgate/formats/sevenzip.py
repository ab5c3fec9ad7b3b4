"""Members of a 7z archive, decompressed in memory under an :class:`UnpackBudget`.

7z is a parser differential in practice: a payload zipped as 7z passes scanners that
only know zip. ``py7zr`` (the ``artifacts`` extra) does the decoding and is imported
only when a 7z archive is met; without it a 7z archive is unreadable, never clean.

The budget is enforced three times: declared member count and sizes before anything
is decompressed, then every chunk the decoder writes (total and member bytes, ratio
against the whole archive since a solid block has no per-member packed size, and the
file's deadline). A chunk over budget aborts the decoder from inside its write call.
Members are never written to disk: ``py7zr`` hands them to an in-memory writer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, cast

from mlgate.core.errors import ResourceLimitError
from mlgate.formats.limits import FileBudgetError, UnpackBudget, check_limit
from mlgate.formats.span import Span, SpanFile

if TYPE_CHECKING:
    from py7zr import SevenZipFile
    from py7zr.io import WriterFactory

__all__ = ["SevenZipError", "SevenZipListing", "SevenZipMember", "read_7z"]

_MISSING = "7z archives need the py7zr package (pip install 'mlgate[artifacts]')"


class SevenZipError(ValueError):
    """The archive cannot be read: no decoder, corrupt, encrypted or unsupported."""


@dataclass(frozen=True, slots=True)
class SevenZipMember:
    """A regular file of the archive and its decompressed bytes."""

    name: str
    data: Span


@dataclass(frozen=True, slots=True)
class SevenZipListing:
    """The members decoded, and why decoding stopped early (``None`` when it did not).

    Members decoded before a failure (a CRC mismatch, corrupt data) are kept: a loader
    extracting the archive would have produced them too.
    """

    members: tuple[SevenZipMember, ...]
    problem: str | None


def read_7z(span: Span, budget: UnpackBudget) -> SevenZipListing:
    """Decode every regular file of the 7z archive in ``span``.

    Raises:
        SevenZipError: ``py7zr`` is missing, or the archive's headers are unreadable or
            encrypted.
        ResourceLimitError: declared or decoded sizes, members, ratio or time beyond the
            budget (:class:`FileBudgetError` for the file-wide ones).
    """
    try:
        import py7zr  # lazily: an optional dependency, only for 7z input
    except ImportError:
        raise SevenZipError(_MISSING) from None
    writers = _writer_factory(budget, span.size)
    try:
        with py7zr.SevenZipFile(cast("IO[bytes]", SpanFile(span)), mode="r") as archive:
            _check_declared(archive, budget, max(span.size, 1))
            archive.extractall(factory=cast("WriterFactory", writers))
    except (ResourceLimitError, SevenZipError):
        raise
    except Exception as error:  # noqa: BLE001  # hostile archives make py7zr raise anything
        problem = f"corrupt or unsupported 7z archive: {type(error).__name__}: {error}"
        if not writers.made:
            raise SevenZipError(problem) from None
        return SevenZipListing(_members(writers.made), problem)
    return SevenZipListing(_members(writers.made), None)


def _members(made: list[_MemberWriter]) -> tuple[SevenZipMember, ...]:
    # Views of the writers' buffers: a copy would double the peak memory of a large member.
    return tuple(SevenZipMember(w.name, Span.of(w.buffer)) for w in made)


def _check_declared(archive: SevenZipFile, budget: UnpackBudget, archive_bytes: int) -> None:
    """Refuse encrypted archives and declared sizes over budget before decoding."""
    if archive.needs_password():
        raise SevenZipError("encrypted 7z archive")
    declared = 0
    for info in archive.list():
        budget.add_member()
        size = int(info.uncompressed or 0)
        check_limit("decompressed member bytes", budget.limits.max_member_bytes, size)
        if size > budget.limits.ratio_floor_bytes:
            # Refused before decoding: the decoder's first chunks are large.
            check_limit("compression ratio", budget.limits.max_ratio, size / archive_bytes)
        declared += size
    if budget.total_bytes + declared > budget.limits.max_total_bytes:
        raise FileBudgetError(
            "decompressed bytes",
            limit=budget.limits.max_total_bytes,
            actual=budget.total_bytes + declared,
        )


class _MemberWriter:
    """One member's bytes as the decoder writes them, accounted chunk by chunk."""

    def __init__(self, name: str, account: Callable[[int, int], None]) -> None:
        self.name = name
        self.buffer = bytearray()
        self._account = account

    def write(self, s: bytes | bytearray) -> int:
        self.buffer += s
        self._account(len(s), len(self.buffer))
        return len(s)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return len(self.buffer)

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return len(self.buffer)

    def close(self) -> None:
        return None


class _Factory:
    """Hands py7zr one accounted in-memory writer per member."""

    def __init__(self, budget: UnpackBudget, archive_bytes: int) -> None:
        self.made: list[_MemberWriter] = []
        self._budget = budget
        self._archive_bytes = archive_bytes

    def create(self, filename: str) -> _MemberWriter:
        writer = _MemberWriter(filename, self._account)
        self.made.append(writer)
        return writer

    def _account(self, produced: int, member_bytes: int) -> None:
        self._budget.add_bytes(produced, member_bytes=member_bytes, consumed=self._archive_bytes)


def _writer_factory(budget: UnpackBudget, archive_bytes: int) -> _Factory:
    return _Factory(budget, archive_bytes)
