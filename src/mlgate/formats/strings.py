"""Every string an artifact holds, for string-based detectors, without loading it.

:func:`iter_strings` sniffs a blob by content and recurses like the ``artifacts`` check
does: zip members (both views), tar and 7z members, compressed wrappers (joblib's
``compress=``), ``.npy`` arrays (``U``/``S`` elements decoded, object arrays through the
symbolic pickle machine), pickles (the machine's decoded literals, so a length
prefix never glues onto the text) and the metadata of safetensors, GGUF, ONNX and Keras
v3 configs (decoded ``key = value`` strings, see :mod:`mlgate.formats.metadata_strings`),
legacy Keras ``.h5`` configs and SavedModel graph strings (:mod:`mlgate.formats.tf_strings`,
with the printable runs of their other bytes). Blobs no reader explains yield printable
runs.

It yields one :class:`StringBlock` per blob, so a caller can look for related strings
(a key id and its secret) within one blob, and a :class:`StringIssue` for each part it
could not read; the walk always carries on with the next part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Literal

from mlgate.core.errors import ResourceLimitError
from mlgate.formats.containers import ContainerError, open_zip_entry, read_tar, unwrap
from mlgate.formats.keras import KERAS_JSON_MEMBERS, is_keras_archive
from mlgate.formats.limits import (
    MIB,
    ContainerLimits,
    FileBudgetError,
    PickleLimits,
    UnpackBudget,
)
from mlgate.formats.metadata_strings import (
    gguf_pieces,
    json_pieces,
    onnx_pieces,
    safetensors_pieces,
)
from mlgate.formats.npy import NpyError, read_npy_header
from mlgate.formats.pickle_stream import scan_pickles
from mlgate.formats.sevenzip import read_7z
from mlgate.formats.sniff import ARCHIVES, COMPRESSED, Format, sniff
from mlgate.formats.span import Span
from mlgate.formats.text_runs import Piece, ascii_runs, is_string_array, npy_strings, utf32_runs
from mlgate.formats.tf_strings import (
    Explained,
    hdf5_pieces,
    keras_metadata_pieces,
    residual_runs,
    saved_model_pieces,
)
from mlgate.formats.zipread import read_zip

__all__ = ["Piece", "StringBlock", "StringIssue", "StringLimits", "iter_strings"]

# How a block's strings were obtained: decoded pickle literals, numpy string elements,
# a member read as text, a format's metadata, or printable runs of unexplained bytes.
Origin = Literal["pickle", "npy", "text", "metadata", "binary"]

# Member names whose bytes are meant as text even when nothing sniffs them.
_TEXT_SUFFIXES = frozenset(
    {".json", ".txt", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".env", ".py", ".md",
     ".csv", ".xml", ".conf", ".properties", ".model", ".vocab"}
)  # fmt: skip
# Torch zip tensors (``archive/data/0``) are raw numbers: reading them costs throughput.
_TENSOR_PARENT = "data"
# Formats whose metadata has a structured reader; a blob that only sniffs like one (ONNX
# and safetensors have no magic) falls back to printable runs.
_METADATA_READERS: dict[Format, Callable[[Span], tuple[Piece, ...]]] = {
    Format.SAFETENSORS: safetensors_pieces,
    Format.GGUF: gguf_pieces,
    Format.ONNX: onnx_pieces,
}
# Protobufs without a magic number, known by their file name (an ONNX sniff is a guess).
_NAMED_PROTOBUFS: dict[str, Callable[[Span], Explained]] = {
    "saved_model.pb": saved_model_pieces,
    "keras_metadata.pb": keras_metadata_pieces,
}
_PROTOBUF_LIKE = frozenset({Format.ONNX, Format.UNKNOWN})


@dataclass(frozen=True, slots=True, kw_only=True)
class StringLimits:
    """Budgets of one top-level artifact."""

    pickle: PickleLimits = field(default_factory=PickleLimits)
    containers: ContainerLimits = field(default_factory=ContainerLimits)
    max_text_bytes: int = 64 * MIB


@dataclass(frozen=True, slots=True, kw_only=True)
class StringBlock:
    """The strings of one blob; ``member`` is the ``/``-joined container path, if any."""

    member: str | None
    origin: Origin
    pieces: tuple[Piece, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class StringIssue:
    """A part of the artifact that could not be read (fully); the rest was."""

    member: str | None
    message: str
    is_limit: bool = False


Extracted = StringBlock | StringIssue


def iter_strings(
    span: Span, *, limits: StringLimits | None = None, name: str = ""
) -> Iterator[Extracted]:
    """Yield the strings of every blob in ``span``, recursing into containers.

    ``name`` is the file's name, if known: ``saved_model.pb`` and ``keras_metadata.pb``
    are recognised by it (members of archives by their own names).
    """
    walk = _Walk(limits or StringLimits())
    yield from walk.guarded(span, None, 0, text_hint=False, name=name)


class _Walk:
    """One artifact's walk: its budgets, shared by every nested member."""

    def __init__(self, limits: StringLimits) -> None:
        self.limits = limits
        self.budget = UnpackBudget(limits.containers)

    def guarded(
        self, span: Span, member: str | None, depth: int, *, text_hint: bool, name: str = ""
    ) -> Iterator[Extracted]:
        """Visit a blob; a budget or container failure is an issue for this blob only."""
        try:
            yield from self.visit(span, member, depth, text_hint=text_hint, name=name)
        except FileBudgetError as error:
            if depth:
                raise  # the whole artifact is spent: one issue at the top, not one per member
            yield StringIssue(member=None, message=str(error), is_limit=True)
        except ResourceLimitError as error:
            yield StringIssue(member=member, message=str(error), is_limit=True)
        except (ContainerError, NpyError, ValueError) as error:
            yield StringIssue(member=member, message=str(error))

    def visit(
        self, span: Span, member: str | None, depth: int, *, text_hint: bool, name: str = ""
    ) -> Iterator[Extracted]:
        """Dispatch on the blob's sniffed format (and, for bare protobufs, its name)."""
        max_depth = self.limits.containers.max_depth
        if depth > max_depth:
            raise ResourceLimitError("archive depth", limit=max_depth, actual=depth)
        found = sniff(span.blob, span.start, span.end)
        explainer = _explainer(found, name)
        if explainer is not None:
            yield from _explained(span, member, explainer)
        elif found in ARCHIVES:
            yield from self.archive_members(span, found, member, depth)
        elif found in COMPRESSED:
            inner = unwrap(span, found, self.budget)
            label = _join(member, f"<{found.value}>")
            yield from self.guarded(inner.data, label, depth + 1, text_hint=text_hint)
        elif found is Format.NPY:
            yield from _npy(span, member, self.limits)
        elif found is Format.PICKLE:
            yield from _pickle(span, member, self.limits)
        elif found in _METADATA_READERS:
            yield _metadata(span, member, found, self.limits)
        else:
            yield _unexplained(span, member, found, text_hint=text_hint, limits=self.limits)

    def archive_members(
        self, span: Span, found: Format, member: str | None, depth: int
    ) -> Iterator[Extracted]:
        """Every member of a zip, tar or 7z archive (a 7z decoded up to its first fault)."""
        if found is Format.ZIP:
            yield from self.zip_members(span, member, depth)
        elif found is Format.TAR:
            for item in read_tar(span, self.budget):
                yield from self.member(item.data, member, item.name, depth)
        else:
            listing = read_7z(span, self.budget)
            for decoded in listing.members:
                yield from self.member(decoded.data, member, decoded.name, depth)
            if listing.problem is not None:
                yield StringIssue(member=member, message=listing.problem)

    def zip_members(self, span: Span, member: str | None, depth: int) -> Iterator[Extracted]:
        """Every member either zip view knows; tensors of torch zips are skipped."""
        listing = read_zip(span, max_entries=self.limits.containers.max_members)
        keras = is_keras_archive({entry.name for entry in listing.entries})
        for entry in listing.entries:
            self.budget.add_member()
            name = _join(member, entry.name)
            if PurePosixPath(entry.name).parent.name == _TENSOR_PARENT:
                continue
            try:
                data = open_zip_entry(span, entry, self.budget)
            except ContainerError as error:
                yield StringIssue(member=name, message=str(error))
                continue
            if keras and entry.name in KERAS_JSON_MEMBERS:
                yield _keras_json(data, name, self.limits)
                continue
            yield from self.member(data, member, entry.name, depth)

    def member(self, data: Span, parent: str | None, name: str, depth: int) -> Iterator[Extracted]:
        """An archive member, hinted as text (or as a named protobuf) by its own name."""
        yield from self.guarded(data, _join(parent, name), depth + 1,
                                text_hint=_is_text_name(name), name=name)  # fmt: skip


def _npy(span: Span, member: str | None, limits: StringLimits) -> Iterator[Extracted]:
    header = read_npy_header(span)
    if header.has_object:
        inner = Span(span.blob, span.start + header.data_offset, span.end)
        for block in _pickle(inner, member, limits):
            if isinstance(block, StringBlock):
                shift = header.data_offset
                pieces = tuple(Piece(p.offset + shift, p.text) for p in block.pieces)
                yield StringBlock(member=member, origin="pickle", pieces=pieces)
            else:
                yield block
    elif is_string_array(header):
        pieces = tuple(npy_strings(span, header, max_bytes=limits.max_text_bytes))
        yield _block(member, "npy", pieces)


def _pickle(span: Span, member: str | None, limits: StringLimits) -> Iterator[Extracted]:
    report = scan_pickles(
        span.blob, start=span.start, end=span.end, limits=limits.pickle, inline_arrays=True
    )
    pieces = [Piece(s.offset - span.start, s.text) for s in report.strings]
    if any(record.inline_arrays for record in report.pickles):
        # joblib writes array bytes straight into the stream; ``U`` arrays are UTF-32 there.
        pieces.extend(utf32_runs(span))
    yield _block(member, "pickle", tuple(pieces))
    if report.limit is not None:
        yield StringIssue(member=member, message=f"pickle {report.limit.what}", is_limit=True)
    elif report.failure is not None and not report.pickles[0].opcodes > 1:
        yield _unexplained(span, member, Format.UNKNOWN, text_hint=False, limits=limits)


def _metadata(span: Span, member: str | None, found: Format, limits: StringLimits) -> StringBlock:
    """A format's decoded metadata strings, or printable runs if it does not parse."""
    try:
        pieces = _METADATA_READERS[found](span)
    except ValueError:
        return _unexplained(span, member, found, text_hint=False, limits=limits)
    return _block(member, "metadata", pieces)


def _explainer(found: Format, name: str) -> Callable[[Span], Explained] | None:
    """The reader of decoded strings with their ranges, for HDF5 and named protobufs."""
    if found is Format.HDF5:
        return hdf5_pieces
    if found in _PROTOBUF_LIKE:
        return _NAMED_PROTOBUFS.get(PurePosixPath(name).name)
    return None


def _explained(
    span: Span, member: str | None, reader: Callable[[Span], Explained]
) -> Iterator[StringBlock]:
    """A reader's decoded strings, then the printable runs of every other byte.

    A blob the reader cannot parse gives its printable runs, as an unknown binary would.
    """
    try:
        explained = reader(span)
    except ValueError:
        yield _block(member, "binary", tuple(ascii_runs(span)))
        return
    yield _block(member, "metadata", explained.pieces)
    yield _block(member, "binary", tuple(residual_runs(span, explained.covered)))


def _keras_json(data: Span, member: str, limits: StringLimits) -> StringBlock:
    """A Keras v3 config: decoded string values (escapes resolved), keyed by their names."""
    if data.size > limits.max_text_bytes:
        raise ResourceLimitError("text member bytes", limit=limits.max_text_bytes,
                                 actual=data.size)  # fmt: skip
    return _block(member, "metadata", json_pieces(data.tobytes()))


def _unexplained(
    span: Span, member: str | None, found: Format, *, text_hint: bool, limits: StringLimits
) -> StringBlock:
    """A member named as text is text; other bytes give their printable runs."""
    head = span.head(8192)
    if (text_hint or found is Format.UNKNOWN) and b"\x00" not in head:
        if span.size > limits.max_text_bytes:
            raise ResourceLimitError("text member bytes", limit=limits.max_text_bytes,
                                     actual=span.size)  # fmt: skip
        return _block(member, "text", (Piece(0, span.tobytes().decode("utf-8", "replace")),))
    return _block(member, "binary", tuple(ascii_runs(span)))


def _block(member: str | None, origin: Origin, pieces: tuple[Piece, ...]) -> StringBlock:
    return StringBlock(member=member, origin=origin, pieces=pieces)


def _join(parent: str | None, name: str) -> str:
    return f"{parent}/{name}" if parent else name


def _is_text_name(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in _TEXT_SUFFIXES
