"""Walk one file: sniff every blob by content, recurse into every container member.

Names never decide what is scanned; they only say what a file is *expected* to be
(a mismatch is a finding) and whether broken pickle data is worth reporting.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from mlgate.checks.artifacts import inspectors
from mlgate.checks.artifacts.findings import NO_DETAIL, Detail, FileScan
from mlgate.checks.artifacts.rules import (
    FORMAT_MISMATCH,
    RESOURCE_LIMIT,
    TRAILING_DATA,
    UNREADABLE,
    ZIP_INCONSISTENT,
)
from mlgate.checks.artifacts.verdicts import (
    extra_plain_globals,
    index_calls,
    judge_global,
    judge_stream,
)
from mlgate.core.errors import ResourceLimitError
from mlgate.formats.containers import ContainerError, crc_matches, open_zip_entry, read_tar, unwrap
from mlgate.formats.keras import is_keras_archive
from mlgate.formats.limits import FileBudgetError
from mlgate.formats.npy import NpyError, read_npy_header
from mlgate.formats.pickle_stream import scan_pickles
from mlgate.formats.sevenzip import SevenZipError, read_7z
from mlgate.formats.sniff import (
    COMPRESSED,
    HEAD_SIZE,
    TORCH_LEGACY_MAGIC,
    Format,
    looks_like_pickle,
    sniff,
)
from mlgate.formats.span import Span
from mlgate.formats.window import open_blob
from mlgate.formats.zipread import ZipEntry, read_zip

PICKLE_SUFFIXES = frozenset(
    {".pkl", ".pickle", ".p", ".sav", ".joblib", ".pt", ".pth", ".ckpt", ".bin"}
)
_COMPRESSED_OK = frozenset(COMPRESSED)
EXPECTED: dict[str, frozenset[Format]] = {
    **{
        s: frozenset({Format.PICKLE}) | _COMPRESSED_OK
        for s in (".pkl", ".pickle", ".p", ".sav", ".joblib")
    },
    **{
        s: frozenset({Format.ZIP, Format.PICKLE, Format.TAR})
        for s in (".pt", ".pth", ".ckpt", ".bin")
    },
    ".safetensors": frozenset({Format.SAFETENSORS}),
    ".npy": frozenset({Format.NPY}),
    ".npz": frozenset({Format.ZIP}),
    ".keras": frozenset({Format.ZIP}),
    ".h5": frozenset({Format.HDF5}),
    ".hdf5": frozenset({Format.HDF5}),
    ".onnx": frozenset({Format.ONNX}),
    ".gguf": frozenset({Format.GGUF}),
    ".zip": frozenset({Format.ZIP}),
    ".tar": frozenset({Format.TAR}),
    ".7z": frozenset({Format.SEVEN_ZIP}),
}
_TENSOR_MEMBER = re.compile(r"(?:.*/)?data/[^/]+")
# A finding about a zip member's headers points into the enclosing archive.
_HEADER_OFFSET = Detail(properties=(("offset_base", "container"),))
_TORCH_LEGACY_PICKLES = 5
_HDF5_SUFFIXES = frozenset({".h5", ".hdf5"})
TORCHSCRIPT_CODE_REASON = (
    "TorchScript code is not inspected: torch.jit.load compiles it and runs its ops"
)


def scan_path(scan: FileScan, path: Path) -> bool:
    """Scan one file; ``False`` when it is not an artifact at all (nothing examined)."""
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        if path.stat().st_size == 0:
            return suffix in EXPECTED
        # Never a map of a whole large file: the worker's address space is limited
        # (``memory_mb``) and a checkpoint may be many times larger.
        with open_blob(handle.fileno(), os.fstat(handle.fileno()).st_size) as blob:
            span = Span(blob, 0, len(blob))
            if path.name in _BY_NAME:
                _BY_NAME[path.name](scan, span, None)
                return True
            found = sniff(blob)
            if found is Format.UNKNOWN and suffix not in EXPECTED:
                return False
            _check_extension(scan, suffix, found)
            _visit_guarded(scan, span, None, 0, strict=_is_strict(path.name, span))
    return True


def _check_extension(scan: FileScan, suffix: str, found: Format) -> None:
    expected = EXPECTED.get(suffix)
    if expected is None or found is Format.UNKNOWN or found in expected:
        return
    scan.add(
        FORMAT_MISMATCH,
        member=None,
        offset=0,
        message=f"a {suffix} file whose content is {found.value}",
        subject=f"{suffix}->{found.value}",
    )


def _visit_guarded(
    scan: FileScan, span: Span, member: str | None, depth: int, *, strict: bool
) -> None:
    """Visit a blob; a budget or unpacking failure is recorded for this blob only.

    A file-wide budget (time, total bytes, members) unwinds to the top level instead,
    so the file gets one ART040 and one error, however many members it has left.
    """
    try:
        _visit(scan, span, member, depth, strict=strict)
    except FileBudgetError as error:
        if depth:
            raise
        scan.add(RESOURCE_LIMIT, member=None, offset=None, message=str(error), subject=error.what)
        scan.error(None, str(error))
    except ResourceLimitError as error:
        scan.add(RESOURCE_LIMIT, member=member, offset=None, message=str(error), subject=error.what)
        scan.error(member, str(error))
    except ContainerError as error:
        scan.add(UNREADABLE, member=member, offset=None, message=str(error), subject=str(error))
        scan.error(member, str(error))


def _visit(scan: FileScan, span: Span, member: str | None, depth: int, *, strict: bool) -> None:
    if depth > scan.settings.container_limits.max_depth:
        raise ResourceLimitError(
            "archive depth", limit=scan.settings.container_limits.max_depth, actual=depth
        )
    by_name = _BY_NAME.get(PurePosixPath(member).name) if member is not None else None
    if by_name is not None:
        # SavedModel protobufs have no magic bytes (they even sniff as ONNX): names decide.
        by_name(scan, span, member)
        return
    found = sniff(span.blob, span.start, span.end)
    if found is Format.UNKNOWN and _named_hdf5(scan, member):
        # HDF5 may sit behind a user block of any power-of-two size: h5py still opens it.
        found = Format.HDF5
    if found is Format.ZIP:
        _visit_zip(scan, span, member, depth)
        _visit_prefix(scan, span, member)
    elif found is Format.TAR:
        items = [(item.name, item.data) for item in read_tar(span, scan.budget)]
        _visit_members(scan, items, member, depth)
    elif found is Format.SEVEN_ZIP:
        _visit_7z(scan, span, member, depth)
    elif found in COMPRESSED:
        _visit_compressed(scan, span, member, depth, found, strict=strict)
    elif found in _INSPECTORS:
        _INSPECTORS[found](scan, span, member)
    elif found is Format.PICKLE or (found is Format.UNKNOWN and strict):
        scan_pickle_span(scan, span, member, strict=strict)


def _visit_members(
    scan: FileScan, items: list[tuple[str, Span]], member: str | None, depth: int
) -> None:
    """Members of a tar or 7z archive, each sniffed whatever its name."""
    for name, data in items:
        _visit_guarded(scan, data, _join(member, name), depth + 1, strict=_is_strict(name, data))


def _visit_7z(scan: FileScan, span: Span, member: str | None, depth: int) -> None:
    try:
        listing = read_7z(span, scan.budget)
    except SevenZipError as error:
        raise ContainerError(str(error)) from None
    _visit_members(scan, [(item.name, item.data) for item in listing.members], member, depth)
    if listing.problem is not None:
        # Reported after the members decoded before it, which were still scanned.
        raise ContainerError(listing.problem)


def _visit_prefix(scan: FileScan, span: Span, member: str | None) -> None:
    """A pickle before a zip's first header: ``torch.load`` would unpickle it (legacy)."""
    head = span.head(HEAD_SIZE)
    if not head.startswith(b"PK") and looks_like_pickle(head, complete=span.size <= HEAD_SIZE):
        scan_pickle_span(scan, span, member, strict=True)


def _named_hdf5(scan: FileScan, member: str | None) -> bool:
    return PurePosixPath(member or scan.path).suffix.lower() in _HDF5_SUFFIXES


def _join(parent: str | None, name: str) -> str:
    return f"{parent}/{name}" if parent else name


def _is_strict(name: str, data: Span) -> bool:
    """Broken pickle data is reported when the name or a PROTO opcode says "pickle"."""
    return PurePosixPath(name).suffix.lower() in PICKLE_SUFFIXES or data.head(1) == b"\x80"


def _visit_zip(scan: FileScan, span: Span, member: str | None, depth: int) -> None:
    listing = read_zip(span, max_entries=scan.settings.container_limits.max_members)
    for issue in listing.issues:
        if issue.kind == "trailing-data":
            continue
        scan.add(
            ZIP_INCONSISTENT,
            member=_join(member, issue.member) if issue.member else member,
            offset=issue.offset,
            message=f"zip {issue.kind}: {issue.detail}",
            subject=issue.kind,
            detail=_HEADER_OFFSET if issue.member else NO_DETAIL,
        )
    tensor_roots = {
        e.name[: -len("data.pkl")] for e in listing.entries if e.name.endswith("data.pkl")
    }
    keras = is_keras_archive({e.name for e in listing.entries})
    for root in _torchscript_roots(listing.entries):
        scan.torchscript_roots.append(_join(member, root))
        scan.skip(_join(member, f"{root}code/"), TORCHSCRIPT_CODE_REASON)
    for entry in listing.entries:
        scan.budget.add_member()
        if keras and entry.name == "config.json":
            _visit_keras_config(scan, span, entry, _join(member, entry.name))
            continue
        is_tensor = any(
            entry.name.startswith(root) and _TENSOR_MEMBER.fullmatch(entry.name[len(root) :])
            for root in tensor_roots
        )
        _visit_entry(scan, span, entry, _join(member, entry.name), depth, is_tensor=is_tensor)
    if listing.end is not None and listing.end < span.size:
        _visit_zip_trailer(scan, span, listing.end, member, depth)


def _visit_zip_trailer(
    scan: FileScan, span: Span, end: int, member: str | None, depth: int
) -> None:
    """Bytes after a zip's end record: reported, then sniffed and scanned like any blob.

    They are not malicious as such, but no honest writer adds them, and a reader that
    looks for its own magic from the end of the file may take them for its data.
    """
    trailer = Span(span.blob, span.start + end, span.end)
    scan.add(
        TRAILING_DATA,
        member=member,
        offset=end,
        message=f"{trailer.size} bytes follow the zip's end-of-central-directory record",
        subject="zip-trailing",
    )
    label = _join(member, "<trailing>")
    strict = looks_like_pickle(trailer.head(HEAD_SIZE), complete=trailer.size <= HEAD_SIZE)
    _visit_guarded(scan, trailer, label, depth + 1, strict=strict)


def _torchscript_roots(entries: tuple[ZipEntry, ...]) -> list[str]:
    """Roots (``archive/``) of the TorchScript layout: constants.pkl beside code/."""
    names = {e.name for e in entries}
    roots = {n[: -len("constants.pkl")] for n in names if n.endswith("constants.pkl")}
    return sorted(r for r in roots if any(n.startswith(f"{r}code/") for n in names))


def _visit_entry(
    scan: FileScan, span: Span, entry: ZipEntry, name: str, depth: int, *, is_tensor: bool
) -> None:
    try:
        data = open_zip_entry(span, entry, scan.budget)
    except ContainerError as error:
        scan.add(
            UNREADABLE,
            member=name,
            offset=entry.header_offset,
            message=str(error),
            subject=str(error),
            detail=_HEADER_OFFSET,
        )
        scan.error(name, str(error))
        return
    # Tensor bytes are only sniffed: reading them all for a CRC would cost throughput and
    # hide nothing, since the data is read through the local header whatever the CRC says.
    if not is_tensor and not crc_matches(data, entry.crc):
        scan.add(
            ZIP_INCONSISTENT,
            member=name,
            offset=entry.header_offset,
            message="zip bad-crc: the member's CRC-32 differs from its header",
            subject="bad-crc",
            detail=_HEADER_OFFSET,
        )
    strict = not is_tensor and _is_strict(entry.name, data)
    _visit_guarded(scan, data, name, depth + 1, strict=strict)


def _visit_keras_config(scan: FileScan, span: Span, entry: ZipEntry, name: str) -> None:
    try:
        data = open_zip_entry(span, entry, scan.budget)
    except ContainerError as error:
        scan.add(UNREADABLE, member=name, offset=entry.header_offset, message=str(error),
                 subject=str(error), detail=_HEADER_OFFSET)  # fmt: skip
        scan.error(name, str(error))
        return
    inspectors.inspect_keras_config(scan, data, name)


def _visit_compressed(
    scan: FileScan, span: Span, member: str | None, depth: int, found: Format, *, strict: bool
) -> None:
    inner = unwrap(span, found, scan.budget)
    label = _join(member, f"<{found.value}>")
    if not inner.complete:
        scan.add(
            UNREADABLE,
            member=label,
            offset=None,
            message=f"truncated {found.value} stream",
            subject="truncated",
        )
    _visit_guarded(scan, inner.data, label, depth + 1, strict=strict)


def _visit_npy(scan: FileScan, span: Span, member: str | None) -> None:
    try:
        header = read_npy_header(span)
    except NpyError as error:
        scan.add(UNREADABLE, member=member, offset=0, message=str(error), subject="npy-header")
        return
    if header.has_object:
        inner = Span(span.blob, span.start + header.data_offset, span.end)
        scan_pickle_span(scan, inner, member, strict=True, origin=span.start)


_INSPECTORS: dict[Format, Callable[[FileScan, Span, str | None], None]] = {
    Format.NPY: _visit_npy,
    Format.SAFETENSORS: inspectors.inspect_safetensors,
    Format.ONNX: inspectors.inspect_onnx,
    Format.GGUF: inspectors.inspect_gguf,
    Format.HDF5: inspectors.inspect_hdf5,
}


# TensorFlow loads the binary graph, or the text one when there is no binary; Keras
# revives layers from keras_metadata.pb beside them.
_BY_NAME: dict[str, Callable[[FileScan, Span, str | None], None]] = {
    "saved_model.pb": inspectors.inspect_saved_model,
    "saved_model.pbtxt": inspectors.inspect_saved_model,
    "keras_metadata.pb": inspectors.inspect_keras_metadata,
}


def scan_pickle_span(
    scan: FileScan, span: Span, member: str | None, *, strict: bool, origin: int | None = None
) -> None:
    """Scan every pickle of a span, joblib-aware, and judge it."""
    base = span.start if origin is None else origin
    legacy = span.head(len(TORCH_LEGACY_MAGIC)) == TORCH_LEGACY_MAGIC
    # Data that only looks like a pickle (tensor bytes) is not searched for more pickles.
    limits = scan.settings.pickle_limits if strict else scan.settings.plain_pickle_limits
    report = scan_pickles(
        span.blob,
        start=span.start,
        end=span.end,
        limits=limits,
        inline_arrays=True,
        stop_after=_TORCH_LEGACY_PICKLES if legacy else None,
    )
    judge_stream(scan, report, member, base, strict=strict)
    if any(record.inline_arrays for record in report.pickles):
        # A plain pickle.load does not skip joblib's array bytes: whatever opcodes they
        # hide would run there, so that reading is judged too.
        plain = scan_pickles(
            span.blob, start=span.start, end=span.end, limits=scan.settings.plain_pickle_limits
        )
        calls = index_calls(plain)
        for ref in extra_plain_globals(report, plain):
            judge_global(scan, ref, member, base, calls)
