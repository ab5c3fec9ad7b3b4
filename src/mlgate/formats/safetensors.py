"""The header of a safetensors file, validated the way the reference loader validates it.

Layout: an 8-byte little-endian header length, a JSON object mapping tensor names to
``{"dtype", "shape", "data_offsets": [begin, end]}`` (offsets relative to the data
section) plus an optional ``__metadata__`` object of strings, then the tensor bytes.
A header the reference loader would reject, or one whose tensors overlap or leave
holes, is where loaders and scanners start to disagree; every such problem is a
:class:`HeaderIssue`. Tensor bytes are never read.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Literal, TypeGuard

from mlgate.formats.span import Span

__all__ = [
    "DTYPE_SIZES",
    "HeaderIssue",
    "SafetensorsError",
    "SafetensorsHeader",
    "TensorEntry",
    "read_safetensors_header",
]

# Bits per element of every dtype the reference implementation accepts.
DTYPE_SIZES: dict[str, int] = {
    "BOOL": 8, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8, "I16": 16,
    "U16": 16, "F16": 16, "BF16": 16, "I32": 32, "U32": 32, "F32": 32, "F64": 64,
    "I64": 64, "U64": 64, "C64": 64, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6,
}  # fmt: skip
MAX_HEADER = 100 * 1024 * 1024  # the reference loader refuses larger headers too

IssueKind = Literal[
    "bad-entry",
    "bad-dtype",
    "size-mismatch",
    "out-of-range",
    "overlap",
    "gap",
    "bad-metadata",
    "duplicate-key",
]


class SafetensorsError(ValueError):
    """The header cannot be read at all (length, encoding, JSON)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TensorEntry:
    """One tensor as the header declares it; offsets are absolute within the span."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    begin: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class HeaderIssue:
    """A header inconsistency; ``name`` is the tensor (or metadata key) concerned."""

    kind: IssueKind
    name: str
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SafetensorsHeader:
    """The validated header: tensors in data order, metadata strings and issues."""

    header_size: int
    tensors: tuple[TensorEntry, ...]
    metadata: tuple[tuple[str, str], ...]
    issues: tuple[HeaderIssue, ...]


def read_safetensors_header(span: Span) -> SafetensorsHeader:
    """Read and validate the header of the safetensors content in ``span``.

    Raises:
        SafetensorsError: the length prefix, UTF-8 or JSON is unusable.
    """
    size = int.from_bytes(span.head(8), "little")
    if span.size < 8 or size > MAX_HEADER or 8 + size > span.size:
        raise SafetensorsError(f"header length {size} exceeds the file or the 100 MiB bound")
    issues: list[HeaderIssue] = []
    document = _parse_json(span.read(8, size), issues)
    data_start, data_size = 8 + size, span.size - 8 - size
    tensors: list[TensorEntry] = []
    metadata: tuple[tuple[str, str], ...] = ()
    for name, value in document.items():
        if name == "__metadata__":
            metadata = _metadata(value, issues)
            continue
        entry = _entry(name, value, issues)
        if entry is not None:
            tensors.append(entry)
    tensors.sort(key=lambda t: (t.begin, t.end))
    issues.extend(_layout(tensors, data_size))
    placed = tuple(
        TensorEntry(
            name=t.name,
            dtype=t.dtype,
            shape=t.shape,
            begin=data_start + t.begin,
            end=data_start + t.end,
        )
        for t in tensors
    )
    return SafetensorsHeader(
        header_size=size, tensors=placed, metadata=metadata, issues=tuple(issues)
    )


def _parse_json(raw: bytes, issues: list[HeaderIssue]) -> dict[str, object]:
    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        seen: dict[str, object] = {}
        for key, value in items:
            if key in seen:
                # json keeps the last value; other parsers keep the first: a differential.
                issues.append(HeaderIssue(kind="duplicate-key", name=key, detail="repeated"))
            seen[key] = value
        return seen

    try:
        document = json.loads(raw.decode("utf-8"), object_pairs_hook=pairs)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise SafetensorsError(f"header is not JSON: {type(error).__name__}") from None
    if not isinstance(document, dict):
        raise SafetensorsError("header is not a JSON object")
    return document


def _metadata(value: object, issues: list[HeaderIssue]) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        issues.append(
            HeaderIssue(
                kind="bad-metadata", name="__metadata__", detail="must map strings to strings"
            )
        )
        return ()
    return tuple((str(key), text) for key, text in value.items())


def _entry(name: str, value: object, issues: list[HeaderIssue]) -> TensorEntry | None:
    if not isinstance(value, dict):
        issues.append(HeaderIssue(kind="bad-entry", name=name, detail="not an object"))
        return None
    dtype, shape, offsets = value.get("dtype"), value.get("shape"), value.get("data_offsets")
    if not (_is_int_list(shape) and _is_int_list(offsets) and len(offsets) == 2):
        detail = "shape or data_offsets is not a list of non-negative integers"
        issues.append(HeaderIssue(kind="bad-entry", name=name, detail=detail))
        return None
    begin, end = offsets
    if end < begin:
        issues.append(HeaderIssue(kind="bad-entry", name=name, detail=f"ends before {begin}"))
        return None
    entry = TensorEntry(name=name, dtype=str(dtype), shape=tuple(shape), begin=begin, end=end)
    issue = _size_issue(entry, dtype)
    if issue is not None:
        issues.append(issue)
    return entry


def _size_issue(entry: TensorEntry, dtype: object) -> HeaderIssue | None:
    bits = DTYPE_SIZES.get(dtype) if isinstance(dtype, str) else None
    if bits is None:
        return HeaderIssue(kind="bad-dtype", name=entry.name, detail=f"unknown dtype {dtype!r}")
    expected = (math.prod(entry.shape) * bits + 7) // 8
    if expected == entry.end - entry.begin:
        return None
    given = entry.end - entry.begin
    detail = f"{entry.dtype}{list(entry.shape)} needs {expected} bytes, offsets give {given}"
    return HeaderIssue(kind="size-mismatch", name=entry.name, detail=detail)


def _is_int_list(value: object) -> TypeGuard[list[int]]:
    return isinstance(value, list) and all(
        isinstance(item, int) and not isinstance(item, bool) and item >= 0 for item in value
    )


def _layout(tensors: list[TensorEntry], data_size: int) -> list[HeaderIssue]:
    """Tensors must tile the data section exactly: no overlap, no hole, nothing past it."""
    issues: list[HeaderIssue] = []
    covered = 0
    for tensor in tensors:
        if tensor.end > data_size:
            detail = f"bytes {tensor.begin}..{tensor.end} past the {data_size}-byte data section"
            issues.append(HeaderIssue(kind="out-of-range", name=tensor.name, detail=detail))
        if tensor.begin < covered:
            detail = f"starts at {tensor.begin}, inside the previous tensor (ends {covered})"
            issues.append(HeaderIssue(kind="overlap", name=tensor.name, detail=detail))
        elif tensor.begin > covered:
            detail = f"{tensor.begin - covered} unexplained bytes before it"
            issues.append(HeaderIssue(kind="gap", name=tensor.name, detail=detail))
        covered = max(covered, tensor.end)
    if covered < data_size:
        detail = f"{data_size - covered} bytes after the last tensor"
        issues.append(HeaderIssue(kind="gap", name="<end>", detail=detail))
    return issues
