"""The operations a TensorFlow SavedModel graph runs, read without TensorFlow.

A minimal reader of ``saved_model.pb`` over :mod:`mlgate.formats.protobuf` (field
numbers from ``saved_model.proto``, ``meta_graph.proto``, ``graph.proto``,
``function.proto`` and ``node_def.proto``): every node of every meta graph and of every
function of its function library, with the op it runs. Tensor contents and attributes
are skipped, never decoded. Nesting is fixed by the schema (meta graph, graph or
library, function, node), so hostile input cannot recurse.

Keras models saved in this format keep each layer's config as JSON in
``keras_metadata.pb`` (SavedMetadata: nodes 1; SavedObject: metadata 5), which
``tf.keras.models.load_model`` revives, Lambda layers included:
:func:`read_keras_metadata` hands those JSON documents back.

TensorFlow also loads ``saved_model.pbtxt`` (protobuf text format) when no binary is
there: every ``op:`` field of it is read the same way, C escapes and adjacent string
literals included, so spelling an op differently does not hide it.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass

from mlgate.formats.protobuf import LENGTH, Field, ProtobufError, iter_fields
from mlgate.formats.span import Span

__all__ = [
    "KerasMetadata",
    "OpUse",
    "SavedModelError",
    "read_keras_metadata",
    "read_saved_model_ops",
    "read_saved_model_text_ops",
]

# SavedModel.meta_graphs; MetaGraphDef.graph_def; GraphDef.node / .library
_META_GRAPHS, _GRAPH_DEF, _NODE, _LIBRARY = 2, 2, 1, 2
# FunctionDefLibrary.function; FunctionDef.signature (OpDef, name = 1) / .node_def
_FUNCTION, _SIGNATURE, _FUNCTION_NODE, _OPDEF_NAME = 1, 1, 3, 1
# NodeDef.name / .op
_NODE_NAME, _NODE_OP = 1, 2
_MAX_NAME = 4096
# ``op: "A" 'B'``: a field key, then one or more adjacent string literals.
_LITERAL = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
_TEXT_FIELD = re.compile(rf"\b(op|name)\s*:\s*((?:{_LITERAL}\s*)+)")
_TEXT_PART = re.compile(_LITERAL)


class SavedModelError(ValueError):
    """The bytes are not a readable SavedModel protobuf."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OpUse:
    """One node: the op it runs, its name, the library function holding it, if any."""

    op: str
    node: str
    function: str | None
    offset: int


def read_saved_model_ops(span: Span) -> list[OpUse]:
    """Every node of every graph and library function of a ``saved_model.pb``.

    Raises:
        SavedModelError: malformed protobuf, or no meta graph at all.
    """
    uses: list[OpUse] = []
    graphs = 0
    try:
        for meta in _messages(span, _META_GRAPHS):
            for graph in _messages(meta.data, _GRAPH_DEF):
                graphs += 1
                uses.extend(_graph_ops(graph.data))
    except ProtobufError as error:
        raise SavedModelError(f"not a readable SavedModel: {error}") from None
    if not graphs:
        raise SavedModelError("not a readable SavedModel: no meta graph with a graph")
    return uses


def _messages(span: Span, number: int) -> Iterator[Field]:
    for field in iter_fields(span):
        if field.number == number and field.wire_type == LENGTH:
            yield field


def _graph_ops(graph: Span) -> Iterator[OpUse]:
    for field in iter_fields(graph):
        if field.wire_type != LENGTH:
            continue
        if field.number == _NODE:
            yield _node(field, None)
        elif field.number == _LIBRARY:
            for function in _messages(field.data, _FUNCTION):
                yield from _function_ops(function.data)


def _function_ops(function: Span) -> Iterator[OpUse]:
    name = ""
    nodes: list[Field] = []
    for field in iter_fields(function):
        if field.wire_type != LENGTH:
            continue
        if field.number == _SIGNATURE:
            name = next((f.text(_MAX_NAME) for f in _messages(field.data, _OPDEF_NAME)), "")
        elif field.number == _FUNCTION_NODE:
            nodes.append(field)
    for node in nodes:
        yield _node(node, name)


def _node(field: Field, function: str | None) -> OpUse:
    name = op = ""
    for part in iter_fields(field.data):
        if part.wire_type != LENGTH:
            continue
        if part.number == _NODE_NAME:
            name = part.text(_MAX_NAME)
        elif part.number == _NODE_OP:
            op = part.text(_MAX_NAME)
    return OpUse(op=op, node=name, function=function, offset=field.offset)


@dataclass(frozen=True, slots=True)
class KerasMetadata:
    """One object's JSON metadata in ``keras_metadata.pb`` and where it starts."""

    offset: int
    json: bytes


_METADATA_NODES, _METADATA_JSON = 1, 5
MAX_METADATA_BYTES = 64 * 1024 * 1024


def read_keras_metadata(span: Span) -> list[KerasMetadata]:
    """The JSON metadata string of every node of a ``keras_metadata.pb``.

    Raises:
        SavedModelError: malformed protobuf, or a metadata string over 64 MiB.
    """
    found: list[KerasMetadata] = []
    try:
        for node in _messages(span, _METADATA_NODES):
            for field in _messages(node.data, _METADATA_JSON):
                if field.data.size > MAX_METADATA_BYTES:
                    raise SavedModelError(f"Keras metadata over {MAX_METADATA_BYTES} bytes")
                found.append(KerasMetadata(field.offset - span.start, field.data.tobytes()))
    except ProtobufError as error:
        raise SavedModelError(f"not readable Keras metadata: {error}") from None
    return found


def read_saved_model_text_ops(text: str) -> list[OpUse]:
    """Every ``op:`` of a ``saved_model.pbtxt``, with the ``name:`` that precedes it.

    ``offset`` is the character offset of the ``op`` key; ``function`` is unknown in
    text and left ``None``.
    """
    uses: list[OpUse] = []
    name = ""
    for match in _TEXT_FIELD.finditer(text):
        value = "".join(_unquote(part) for part in _TEXT_PART.findall(match.group(2)))
        if match.group(1) == "name":
            name = value[:_MAX_NAME]
        else:
            uses.append(OpUse(op=value[:_MAX_NAME], node=name, function=None, offset=match.start()))
    return uses


def _unquote(literal: str) -> str:
    """A text-format string literal's value (C escapes: octal, hex, quotes)."""
    raw = literal[1:-1].encode("utf-8", "surrogateescape")
    try:
        decoded: bytes = codecs.escape_decode(raw)[0]
    except ValueError:
        return literal[1:-1]
    return decoded.decode("utf-8", "replace")
