"""Decoded metadata strings of model formats, for :mod:`mlgate.formats.strings`.

Each function returns the free text a format carries (safetensors ``__metadata__``,
GGUF metadata values including chat templates, ONNX ``metadata_props`` and doc strings,
Keras ``config.json``) as :class:`Piece` values labelled ``key = value``, so a detector
keyed on names (``hub_token = ...``) sees the name next to its value. Offsets point at
the value's bytes. Every function raises :class:`ValueError` (or a subclass) when the
blob is not the format it sniffed as; the caller then falls back to printable runs.
"""

from __future__ import annotations

from mlgate.formats.gguf import read_gguf
from mlgate.formats.json_strings import json_strings
from mlgate.formats.onnx import read_onnx
from mlgate.formats.safetensors import MAX_HEADER
from mlgate.formats.span import Span
from mlgate.formats.text_runs import Piece

__all__ = ["gguf_pieces", "json_pieces", "onnx_pieces", "safetensors_pieces"]

_METADATA_KEY = "__metadata__"


def _labelled(key: str | None, text: str) -> str:
    return f"{key} = {text}" if key else text


def json_pieces(raw: bytes, *, base: int = 0) -> tuple[Piece, ...]:
    """Every string value of a JSON document, ``key = value``, in document order."""
    return tuple(Piece(s.offset, _labelled(s.key, s.text)) for s in json_strings(raw, base=base))


def safetensors_pieces(span: Span) -> tuple[Piece, ...]:
    """The header's string values, ``__metadata__`` first (where writers put free text).

    Raises:
        ValueError: the header length exceeds the file or the reference loader's bound.
    """
    size = int.from_bytes(span.head(8), "little")
    if span.size < 8 or size > MAX_HEADER or 8 + size > span.size:
        raise ValueError(f"safetensors header length {size} exceeds the file")
    found = list(json_strings(span.read(8, size), base=8))
    # A stable sort keeps document order within each group.
    found.sort(key=lambda s: s.top != _METADATA_KEY)
    return tuple(Piece(s.offset, _labelled(s.key, s.text)) for s in found)


def gguf_pieces(span: Span) -> tuple[Piece, ...]:
    """String metadata values (chat templates included) of a GGUF header.

    Raises:
        GgufError: the header or metadata is malformed.
    """
    header = read_gguf(span)
    return tuple(Piece(v.offset, _labelled(v.key, v.text)) for v in header.strings)


def onnx_pieces(span: Span) -> tuple[Piece, ...]:
    """Producer, doc strings, ``metadata_props``, string attributes and string tensors.

    Raises:
        OnnxError: the blob is not a readable ONNX protobuf.
    """
    model = read_onnx(span)
    return tuple(Piece(t.offset - span.start, t.text) for t in model.texts)
