"""Decoded strings of Keras and TensorFlow files, for :mod:`mlgate.formats.strings`.

Legacy Keras ``.h5`` models keep their architecture and training setup as JSON in the
root attributes ``model_config`` and ``training_config``; a SavedModel keeps string
constants and attributes on its graph nodes (``saved_model.pb``, functions included,
and the object graph's Keras metadata) and layer configs in ``keras_metadata.pb``.
Read as printable runs, these strings lose their names, their JSON escapes stay
escaped, and a protobuf length byte that happens to be printable glues onto a token.

Each reader returns :class:`Explained` strings: ``key = value`` pieces (a constant is
keyed by its node's name, so ``db_password = ...`` reads as an assignment) and the byte
ranges they were decoded from. The caller adds the printable runs of every other byte,
so strings these readers do not know stay visible and none is reported twice. Readers
raise :class:`ValueError` when the blob is not what it was taken for.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from mlgate.formats.hdf5 import read_root_attributes
from mlgate.formats.metadata_strings import json_pieces
from mlgate.formats.protobuf import LENGTH, Field, iter_fields
from mlgate.formats.saved_model import MAX_METADATA_BYTES, read_keras_metadata
from mlgate.formats.span import Span
from mlgate.formats.text_runs import Piece, ascii_runs

__all__ = [
    "Explained",
    "hdf5_pieces",
    "keras_metadata_pieces",
    "residual_runs",
    "saved_model_pieces",
]

Range = tuple[int, int]
# saved_model.proto: SavedModel.meta_graphs; MetaGraphDef.graph_def / .object_graph_def
_META_GRAPHS, _GRAPH_DEF, _OBJECT_GRAPH = 2, 2, 7
# graph.proto: GraphDef.node / .library; function.proto: library.function, .node_def
_NODE, _LIBRARY, _FUNCTION, _FUNCTION_NODE = 1, 2, 1, 3
# node_def.proto: NodeDef.name / .attr (map entry: key 1, value 2)
_NODE_NAME, _NODE_ATTR = 1, 5
# attr_value.proto: AttrValue.list / .s / .tensor; ListValue.s / .tensor;
# tensor.proto: TensorProto.string_val
_ATTR_LIST, _ATTR_S, _ATTR_TENSOR, _LIST_S, _LIST_TENSOR, _STRING_VAL = 1, 2, 8, 2, 8, 8
# saved_object_graph.proto: nodes; SavedObject.user_object; SavedUserObject.metadata
_OBJECT_NODES, _USER_OBJECT, _USER_METADATA = 1, 4, 3
# A graph string longer than this is data (a serialized table), not a setting.
_MAX_ATTR_BYTES = 1 << 20
_JSON_ATTRIBUTES = frozenset({"model_config", "training_config"})


@dataclass(frozen=True, slots=True)
class Explained:
    """Decoded strings and the ranges of the blob they came from (relative to it)."""

    pieces: tuple[Piece, ...]
    covered: tuple[Range, ...]


def hdf5_pieces(span: Span) -> Explained:
    """The root group's string attributes; JSON configs as their string values.

    Raises:
        Hdf5Error: the blob is not a readable HDF5 file.
    """
    attributes = read_root_attributes(span)
    pieces: list[Piece] = []
    covered: list[Range] = []
    for name, value in attributes.strings.items():
        found = span.blob.find(value, span.start, span.end) if value else -1
        offset = max(found - span.start, 0)
        if found >= 0:
            covered.append((offset, offset + len(value)))
        if name in _JSON_ATTRIBUTES and value.lstrip()[:1] in (b"{", b"["):
            pieces.extend(json_pieces(value, base=offset))
        else:
            pieces.append(Piece(offset, f"{name} = {value.decode('utf-8', 'replace')}"))
    return Explained(tuple(pieces), tuple(covered))


def keras_metadata_pieces(span: Span) -> Explained:
    """The string values of every layer's JSON metadata in ``keras_metadata.pb``.

    Raises:
        SavedModelError: malformed protobuf or an oversized metadata string.
    """
    pieces: list[Piece] = []
    covered: list[Range] = []
    for metadata in read_keras_metadata(span):
        # The offset is the field's key (one byte for field 5), then its length varint.
        start = metadata.offset + 1 + _varint_size(len(metadata.json))
        pieces.extend(json_pieces(metadata.json, base=start))
        covered.append((start, start + len(metadata.json)))
    return Explained(tuple(pieces), tuple(covered))


def saved_model_pieces(span: Span) -> Explained:
    """String attributes and constants of every graph node, and Keras object metadata.

    Raises:
        ProtobufError: the blob is not a readable protobuf.
    """
    found = _Found(span.start)
    for meta_graph in _messages(span, _META_GRAPHS):
        for field in iter_fields(meta_graph.data):
            if field.wire_type != LENGTH:
                continue
            if field.number == _GRAPH_DEF:
                found.graph(field.data)
            elif field.number == _OBJECT_GRAPH:
                found.objects(field.data)
    return Explained(tuple(found.pieces), tuple(found.covered))


def residual_runs(span: Span, covered: Iterable[Range]) -> Iterator[Piece]:
    """Printable runs of ``span`` that overlap none of the ``covered`` ranges."""
    ranges = sorted(covered)
    starts = [start for start, _ in ranges]
    # Ranges may nest (a node inside its graph): the furthest end seen so far decides.
    reach: list[int] = []
    for _, end in ranges:
        reach.append(max(end, reach[-1]) if reach else end)
    for piece in ascii_runs(span):
        end = piece.offset + len(piece.text)
        before = bisect.bisect_left(starts, end)  # ranges starting before the run ends
        if before and reach[before - 1] > piece.offset:
            continue
        yield piece


class _Found:
    """Pieces and covered ranges gathered while walking one ``saved_model.pb``."""

    def __init__(self, base: int) -> None:
        self.base = base
        self.pieces: list[Piece] = []
        self.covered: list[Range] = []

    def add(self, label: str, data: Span) -> None:
        text = data.read(0, _MAX_ATTR_BYTES).decode("utf-8", "replace")
        offset = data.start - self.base
        self.pieces.append(Piece(offset, f"{label} = {text}" if label else text))
        self.covered.append((offset, offset + data.size))

    def graph(self, graph: Span) -> None:
        for field in iter_fields(graph):
            if field.wire_type != LENGTH:
                continue
            if field.number == _NODE:
                self.node(field.data)
            elif field.number == _LIBRARY:
                for function in _messages(field.data, _FUNCTION):
                    for node in _messages(function.data, _FUNCTION_NODE):
                        self.node(node.data)

    def node(self, node: Span) -> None:
        name = ""
        attributes: list[Span] = []
        for field in iter_fields(node):
            if field.wire_type != LENGTH:
                continue
            if field.number == _NODE_NAME:
                name = field.data.read(0, _MAX_ATTR_BYTES).decode("utf-8", "replace")
            elif field.number == _NODE_ATTR:
                attributes.append(field.data)
        for entry in attributes:
            key, values = "", list[Span]()
            for field in _lengths(entry):
                if field.number == 1:
                    key = field.data.read(0, _MAX_ATTR_BYTES).decode("utf-8", "replace")
                elif field.number == 2:
                    values.extend(_attr_strings(field.data))
            # A constant's value is named by its node; other attributes by their key.
            label = name if key == "value" else key
            for value in values:
                self.add(label, value)

    def objects(self, graph: Span) -> None:
        for node in _messages(graph, _OBJECT_NODES):
            for user in _messages(node.data, _USER_OBJECT):
                for metadata in _messages(user.data, _USER_METADATA):
                    data = metadata.data
                    if data.size > MAX_METADATA_BYTES:
                        continue  # left to the printable runs
                    offset = data.start - self.base
                    self.pieces.extend(json_pieces(data.tobytes(), base=offset))
                    self.covered.append((offset, offset + data.size))


def _attr_strings(value: Span) -> Iterator[Span]:
    """The byte strings of an AttrValue: ``s``, ``list.s`` and string tensors."""
    for field in _lengths(value):
        if field.number == _ATTR_S:
            yield field.data
        elif field.number == _ATTR_TENSOR:
            yield from _tensor_strings(field.data)
        elif field.number == _ATTR_LIST:
            for item in _lengths(field.data):
                if item.number == _LIST_S:
                    yield item.data
                elif item.number == _LIST_TENSOR:
                    yield from _tensor_strings(item.data)


def _tensor_strings(tensor: Span) -> Iterator[Span]:
    for field in _lengths(tensor):
        if field.number == _STRING_VAL:
            yield field.data


def _lengths(span: Span) -> Iterator[Field]:
    return (field for field in iter_fields(span) if field.wire_type == LENGTH)


def _messages(span: Span, number: int) -> Iterator[Field]:
    return (field for field in _lengths(span) if field.number == number)


def _varint_size(value: int) -> int:
    return max(1, -(-value.bit_length() // 7))
