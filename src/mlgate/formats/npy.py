"""The header of a ``.npy`` array, read without numpy (``numpy.load`` can unpickle).

An array whose dtype holds Python objects is stored as a pickle right after the header;
:class:`NpyHeader` says where it starts.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from mlgate.formats.span import Span

MAGIC = b"\x93NUMPY"
_MAX_HEADER = 1 << 20


class NpyError(ValueError):
    """The header is malformed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NpyHeader:
    """The parsed header; ``data_offset`` is where the array (or its pickle) starts."""

    version: tuple[int, int]
    descr: str
    fortran_order: bool
    shape: tuple[int, ...]
    data_offset: int
    has_object: bool


def read_npy_header(span: Span) -> NpyHeader:
    """Parse the header of the ``.npy`` content in ``span``.

    Raises:
        NpyError: bad magic, version, length or dictionary.
    """
    head = span.head(12)
    if not head.startswith(MAGIC) or len(head) < 10:
        raise NpyError("not an npy array")
    major, minor = head[6], head[7]
    if major not in (1, 2, 3):
        raise NpyError(f"unsupported npy version {major}.{minor}")
    size_bytes = 2 if major == 1 else 4
    length = int.from_bytes(head[8 : 8 + size_bytes], "little")
    start = 8 + size_bytes
    if length > _MAX_HEADER or start + length > span.size:
        raise NpyError(f"npy header length {length} exceeds the data")
    text = span.read(start, length).decode("utf-8" if major == 3 else "latin-1", "replace")
    fields = _literal_dict(text)
    descr = fields.get("descr")
    shape = fields.get("shape")
    if not isinstance(shape, tuple) or not all(isinstance(n, int) for n in shape):
        raise NpyError("npy header has no valid shape")
    return NpyHeader(
        version=(major, minor),
        descr=repr(descr) if not isinstance(descr, str) else descr,
        fortran_order=bool(fields.get("fortran_order")),
        shape=shape,
        data_offset=start + length,
        has_object=_has_object(descr),
    )


def _literal_dict(text: str) -> dict[str, object]:
    try:
        # literal_eval builds only literals: no names, calls or attribute access.
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, RecursionError, MemoryError, TypeError) as error:
        raise NpyError(f"npy header is not a literal dict: {type(error).__name__}") from None
    if not isinstance(value, dict):
        raise NpyError("npy header is not a dict")
    return {str(key): item for key, item in value.items()}


def _has_object(descr: object) -> bool:
    """Whether a dtype description holds Python objects anywhere (structured too)."""
    if isinstance(descr, str):
        return descr.lstrip("<>|=").startswith("O")
    if isinstance(descr, list):
        return any(_has_object(field) for field in descr)
    if isinstance(descr, tuple):
        # A structured field is (name, dtype) or (name, dtype, shape): skip the name.
        return any(_has_object(part) for part in descr[1:2])
    return False
