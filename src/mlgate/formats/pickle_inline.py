"""Sizes of array bytes that joblib writes *inside* a pickle stream.

joblib's ``NumpyPickler`` writes a ``NumpyArrayWrapper`` object and then the raw array
bytes straight into the stream, right after the wrapper's BUILD opcode; its
``NumpyUnpickler`` reads them back from the file at that point. A reader that does not
know this parses tensor bytes as opcodes. The wrapper's state says how many bytes follow.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from mlgate.formats.pickle_values import CallValue, DictValue, Value, origin_name

ARRAY_WRAPPERS = frozenset(
    {
        "joblib.numpy_pickle.NumpyArrayWrapper",
        "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
    }
)
_DTYPE_NAMES = frozenset({"numpy.dtype", "numpy.core.multiarray.dtype"})
_TYPESTR = re.compile(r"[<>|=]?([a-zA-Z])(\d+)")


@dataclass(frozen=True, slots=True)
class InlineArray:
    """The data joblib placed after a wrapper: raw bytes, or a nested pickle."""

    nbytes: int
    has_padding: bool
    is_object: bool


def is_array_wrapper(value: Value) -> bool:
    """Whether ``value`` was built by instantiating a joblib array wrapper."""
    return isinstance(value, CallValue) and origin_name(value) in ARRAY_WRAPPERS


def inline_array(state: Value) -> InlineArray:
    """Size the array that follows a wrapper with this BUILD state.

    Raises:
        ValueError: the state is not literal enough to size the data.
    """
    if not isinstance(state, DictValue):
        raise ValueError("array wrapper state is not a dict")
    itemsize, is_object = _dtype_itemsize(state.get_literal("dtype"))
    count = _element_count(state.get_literal("shape"))
    padding = state.get_literal("numpy_array_alignment_bytes")
    return InlineArray(
        nbytes=count * itemsize, has_padding=padding is not None, is_object=is_object
    )


def _element_count(shape: Value) -> int:
    if not isinstance(shape, tuple) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape
    ):
        raise ValueError("array wrapper shape is not a tuple of sizes")
    return math.prod(n for n in shape if isinstance(n, int))


def _dtype_itemsize(dtype: Value) -> tuple[int, bool]:
    """``(itemsize, is_object)`` of a pickled ``numpy.dtype(typestr, ...)`` call."""
    if not isinstance(dtype, CallValue) or origin_name(dtype) not in _DTYPE_NAMES:
        raise ValueError("array wrapper dtype is not a numpy.dtype")
    args = dtype.args
    typestr = args[0] if isinstance(args, tuple) and args else None
    match = _TYPESTR.fullmatch(typestr) if isinstance(typestr, str) else None
    if match is None:
        raise ValueError("array wrapper dtype has no type string")
    kind, size = match.group(1), int(match.group(2))
    return size * (4 if kind == "U" else 1), kind == "O"
