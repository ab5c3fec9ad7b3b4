"""The parts of an ONNX model that reach outside it: operator domains and external data.

A minimal ModelProto reader over :mod:`mlgate.formats.protobuf` (field numbers from
``onnx.proto3``): opset imports, every node's domain and op type (subgraphs of If/Loop/
Scan attributes, functions and training graphs included) and every tensor's
``external_data`` location. Custom domains need a native operator library at load time;
external-data paths are opened relative to the model directory, so ``..`` or an absolute
path reads (or, for writers, overwrites) files elsewhere. Weights are never read.

Free text (producer, doc strings, ``metadata_props``, string attributes and string
tensors) is kept as :class:`OnnxText`, bounded, for string-based detectors.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mlgate.formats.protobuf import LENGTH, Field, ProtobufError, iter_fields
from mlgate.formats.span import Span

__all__ = ["ExternalData", "OnnxError", "OnnxModel", "OnnxText", "OperatorUse", "read_onnx"]

MAX_NESTING = 64
MAX_TEXT_BYTES = 16 * 1024 * 1024
# ModelProto
_GRAPH, _OPSET, _TRAINING, _FUNCTIONS = 7, 8, 20, 25
# GraphProto / FunctionProto / TrainingInfoProto
_NODE, _INITIALIZER, _SPARSE_INITIALIZER = 1, 5, 15
_FUNCTION_NODE, _FUNCTION_OPSET = 7, 9
# NodeProto, AttributeProto (``strings`` is 9; tensors and graphs lists are 10 and 11)
_OP_TYPE, _NODE_DOMAIN, _ATTRIBUTE = 4, 7, 5
_ATTR_STRING, _ATTR_TENSOR, _ATTR_GRAPH, _ATTR_STRINGS = 4, 5, 6, 9
_ATTR_TENSORS, _ATTR_GRAPHS, _ATTR_SPARSE, _ATTR_SPARSES = 10, 11, 22, 23
_TENSOR_NAME, _TENSOR_STRINGS, _EXTERNAL_DATA = 8, 6, 13
# Free-text fields per message: field number -> what it is.
_MODEL_TEXT = {2: "producer_name", 3: "producer_version", 4: "domain", 6: "doc_string"}
_GRAPH_TEXT = {10: "doc_string"}
_NODE_TEXT = {6: "doc_string"}
_FUNCTION_TEXT = {8: "doc_string"}
_ATTR_TEXT = {_ATTR_STRING: "attribute", _ATTR_STRINGS: "attribute", 13: "doc_string"}
_TENSOR_TEXT = {_TENSOR_STRINGS: "string_data", 12: "doc_string"}
# ``metadata_props`` (StringStringEntryProto key 1, value 2) of each message kind.
_MODEL_PROPS, _GRAPH_PROPS, _NODE_PROPS, _FUNCTION_PROPS, _TENSOR_PROPS = 14, 16, 9, 14, 16


class OnnxError(ValueError):
    """The model is not a readable ONNX protobuf."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OperatorUse:
    """An operator domain the model imports (``op_type`` empty) or a node uses."""

    domain: str
    op_type: str
    offset: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ExternalData:
    """A tensor whose bytes live in another file, and that file's declared location."""

    tensor: str
    location: str
    offset: int


@dataclass(frozen=True, slots=True, kw_only=True)
class OnnxText:
    """A free-text field: ``where`` names it (``metadata_props``, ``doc_string``...)."""

    where: str
    text: str
    offset: int


@dataclass(frozen=True, slots=True, kw_only=True)
class OnnxModel:
    """What the model imports, which operators it runs, which files it reads, its text."""

    opsets: tuple[OperatorUse, ...]
    nodes: tuple[OperatorUse, ...]
    external: tuple[ExternalData, ...]
    texts: tuple[OnnxText, ...] = ()


def read_onnx(span: Span) -> OnnxModel:
    """Read the operator domains and external-data locations of an ONNX model.

    Raises:
        OnnxError: malformed protobuf, or nesting deeper than ``MAX_NESTING``.
    """
    walk = _Walk()
    try:
        walk.model(span)
    except ProtobufError as error:
        raise OnnxError(f"not a readable ONNX model: {error}") from None
    return OnnxModel(
        opsets=tuple(walk.opsets),
        nodes=tuple(walk.nodes),
        external=tuple(walk.external),
        texts=tuple(walk.texts),
    )


def _messages(span: Span, *numbers: int) -> Iterator[Field]:
    """The length-delimited fields of ``span`` numbered ``numbers``."""
    for field in iter_fields(span):
        if field.number in numbers and field.wire_type == LENGTH:
            yield field


class _Walk:
    def __init__(self) -> None:
        self.opsets: list[OperatorUse] = []
        self.nodes: list[OperatorUse] = []
        self.external: list[ExternalData] = []
        self.texts: list[OnnxText] = []
        self.text_bytes = 0

    def model(self, span: Span) -> None:
        wanted = (_GRAPH, _OPSET, _TRAINING, _FUNCTIONS, _MODEL_PROPS, *_MODEL_TEXT)
        for field in _messages(span, *wanted):
            if field.number == _GRAPH:
                self.graph(field.data, 1)
            elif field.number == _OPSET:
                self.opset(field)
            elif field.number == _TRAINING:
                for graph in _messages(field.data, 1, 2):
                    self.graph(graph.data, 1)
            elif field.number == _FUNCTIONS:
                self.function(field.data, 1)
            else:
                self.text(field, _MODEL_TEXT, _MODEL_PROPS)

    def text(self, field: Field, names: dict[int, str], props: int) -> None:
        """Keep a free-text field, or a ``metadata_props`` entry as ``key = value``."""
        if field.number == props:
            entry = {f.number: f.text() for f in _messages(field.data, 1, 2)}
            where, text = "metadata_props", f"{entry.get(1, '')} = {entry.get(2, '')}"
        else:
            where, text = names[field.number], field.text()
        # Past the bound text is dropped, not refused: structure still matters more.
        self.text_bytes += len(text)
        if text and self.text_bytes <= MAX_TEXT_BYTES:
            self.texts.append(OnnxText(where=where, text=text, offset=field.offset))

    def opset(self, field: Field) -> None:
        domain = next((f.text() for f in _messages(field.data, 1)), "")
        self.opsets.append(OperatorUse(domain=domain, op_type="", offset=field.offset))

    def function(self, span: Span, depth: int) -> None:
        wanted = (_FUNCTION_NODE, _FUNCTION_OPSET, _FUNCTION_PROPS, *_FUNCTION_TEXT)
        for field in _messages(span, *wanted):
            if field.number == _FUNCTION_NODE:
                self.node(field, depth)
            elif field.number == _FUNCTION_OPSET:
                self.opset(field)
            else:
                self.text(field, _FUNCTION_TEXT, _FUNCTION_PROPS)

    def graph(self, span: Span, depth: int) -> None:
        if depth > MAX_NESTING:
            raise ProtobufError(f"subgraphs nested deeper than {MAX_NESTING}")
        wanted = (_NODE, _INITIALIZER, _SPARSE_INITIALIZER, _GRAPH_PROPS, *_GRAPH_TEXT)
        for field in _messages(span, *wanted):
            if field.number == _NODE:
                self.node(field, depth)
            elif field.number == _INITIALIZER:
                self.tensor(field.data)
            elif field.number == _SPARSE_INITIALIZER:
                self.sparse(field.data)
            else:
                self.text(field, _GRAPH_TEXT, _GRAPH_PROPS)

    def node(self, field: Field, depth: int) -> None:
        op_type, domain = "", ""
        wanted = (_OP_TYPE, _NODE_DOMAIN, _ATTRIBUTE, _NODE_PROPS, *_NODE_TEXT)
        for part in _messages(field.data, *wanted):
            if part.number == _OP_TYPE:
                op_type = part.text()
            elif part.number == _NODE_DOMAIN:
                domain = part.text()
            elif part.number == _ATTRIBUTE:
                self.attribute(part.data, depth)
            else:
                self.text(part, _NODE_TEXT, _NODE_PROPS)
        self.nodes.append(OperatorUse(domain=domain, op_type=op_type, offset=field.offset))

    def attribute(self, span: Span, depth: int) -> None:
        wanted = (_ATTR_TENSOR, _ATTR_GRAPH, _ATTR_TENSORS, _ATTR_GRAPHS, _ATTR_SPARSE)
        for field in _messages(span, *wanted, _ATTR_SPARSES, *_ATTR_TEXT):
            if field.number in (_ATTR_GRAPH, _ATTR_GRAPHS):
                self.graph(field.data, depth + 1)
            elif field.number in (_ATTR_TENSOR, _ATTR_TENSORS):
                self.tensor(field.data)
            elif field.number in (_ATTR_SPARSE, _ATTR_SPARSES):
                self.sparse(field.data)
            else:
                self.text(field, _ATTR_TEXT, -1)

    def sparse(self, span: Span) -> None:
        for field in _messages(span, 1, 2):
            self.tensor(field.data)

    def tensor(self, span: Span) -> None:
        name, locations = "", []
        for field in _messages(span, _TENSOR_NAME, _EXTERNAL_DATA, _TENSOR_PROPS, *_TENSOR_TEXT):
            if field.number == _TENSOR_NAME:
                name = field.text()
            elif field.number == _EXTERNAL_DATA:
                entry = {f.number: f.text() for f in _messages(field.data, 1, 2)}
                if entry.get(1) == "location":
                    locations.append((entry.get(2, ""), field.offset))
            else:
                self.text(field, _TENSOR_TEXT, _TENSOR_PROPS)
        self.external.extend(
            ExternalData(tensor=name, location=where, offset=at) for where, at in locations
        )
