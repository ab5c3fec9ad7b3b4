"""The parts of an ONNX model that reach outside it: operator domains and external data.

A minimal ModelProto reader over :mod:`mlgate.formats.protobuf` (field numbers from
``onnx.proto3``): opset imports, every node's domain and op type (subgraphs of If/Loop/
Scan attributes, functions and training graphs included) and every tensor's
``external_data`` location. Custom domains need a native operator library at load time;
external-data paths are opened relative to the model directory, so ``..`` or an absolute
path reads (or, for writers, overwrites) files elsewhere. Weights are never read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mlgate.formats.protobuf import LENGTH, Field, ProtobufError, iter_fields
from mlgate.formats.span import Span

__all__ = ["ExternalData", "OnnxError", "OnnxModel", "OperatorUse", "read_onnx"]

MAX_NESTING = 64
# ModelProto
_GRAPH, _OPSET, _TRAINING, _FUNCTIONS = 7, 8, 20, 25
# GraphProto / FunctionProto / TrainingInfoProto
_NODE, _INITIALIZER, _SPARSE_INITIALIZER = 1, 5, 15
_FUNCTION_NODE, _FUNCTION_OPSET = 7, 9
# NodeProto, AttributeProto, TensorProto, SparseTensorProto
_OP_TYPE, _NODE_DOMAIN, _ATTRIBUTE = 4, 7, 5
_ATTR_TENSOR, _ATTR_GRAPH, _ATTR_TENSORS, _ATTR_GRAPHS = 5, 6, 9, 10
_ATTR_SPARSE, _ATTR_SPARSES = 22, 23
_ATTR_FIELDS = (_ATTR_TENSOR, _ATTR_GRAPH, _ATTR_TENSORS, _ATTR_GRAPHS, _ATTR_SPARSE, _ATTR_SPARSES)
_TENSOR_NAME, _EXTERNAL_DATA = 8, 13


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
class OnnxModel:
    """What the model imports, which operators it runs, and which files it reads."""

    opsets: tuple[OperatorUse, ...]
    nodes: tuple[OperatorUse, ...]
    external: tuple[ExternalData, ...]


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
        opsets=tuple(walk.opsets), nodes=tuple(walk.nodes), external=tuple(walk.external)
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

    def model(self, span: Span) -> None:
        for field in _messages(span, _GRAPH, _OPSET, _TRAINING, _FUNCTIONS):
            if field.number == _GRAPH:
                self.graph(field.data, 1)
            elif field.number == _OPSET:
                self.opset(field)
            elif field.number == _TRAINING:
                for graph in _messages(field.data, 1, 2):
                    self.graph(graph.data, 1)
            else:
                self.function(field.data, 1)

    def opset(self, field: Field) -> None:
        domain = next((f.text() for f in _messages(field.data, 1)), "")
        self.opsets.append(OperatorUse(domain=domain, op_type="", offset=field.offset))

    def function(self, span: Span, depth: int) -> None:
        for field in _messages(span, _FUNCTION_NODE, _FUNCTION_OPSET):
            if field.number == _FUNCTION_NODE:
                self.node(field, depth)
            else:
                self.opset(field)

    def graph(self, span: Span, depth: int) -> None:
        if depth > MAX_NESTING:
            raise ProtobufError(f"subgraphs nested deeper than {MAX_NESTING}")
        for field in _messages(span, _NODE, _INITIALIZER, _SPARSE_INITIALIZER):
            if field.number == _NODE:
                self.node(field, depth)
            elif field.number == _INITIALIZER:
                self.tensor(field.data)
            else:
                self.sparse(field.data)

    def node(self, field: Field, depth: int) -> None:
        op_type, domain = "", ""
        for part in _messages(field.data, _OP_TYPE, _NODE_DOMAIN, _ATTRIBUTE):
            if part.number == _OP_TYPE:
                op_type = part.text()
            elif part.number == _NODE_DOMAIN:
                domain = part.text()
            else:
                self.attribute(part.data, depth)
        self.nodes.append(OperatorUse(domain=domain, op_type=op_type, offset=field.offset))

    def attribute(self, span: Span, depth: int) -> None:
        wanted = (
            _ATTR_TENSOR,
            _ATTR_GRAPH,
            _ATTR_TENSORS,
            _ATTR_GRAPHS,
            _ATTR_SPARSE,
            _ATTR_SPARSES,
        )
        for field in _messages(span, *wanted):
            if field.number in (_ATTR_GRAPH, _ATTR_GRAPHS):
                self.graph(field.data, depth + 1)
            elif field.number in (_ATTR_TENSOR, _ATTR_TENSORS):
                self.tensor(field.data)
            else:
                self.sparse(field.data)

    def sparse(self, span: Span) -> None:
        for field in _messages(span, 1, 2):
            self.tensor(field.data)

    def tensor(self, span: Span) -> None:
        name, locations = "", []
        for field in _messages(span, _TENSOR_NAME, _EXTERNAL_DATA):
            if field.number == _TENSOR_NAME:
                name = field.text()
                continue
            entry = {f.number: f.text() for f in _messages(field.data, 1, 2)}
            if entry.get(1) == "location":
                locations.append((entry.get(2, ""), field.offset))
        self.external.extend(
            ExternalData(tensor=name, location=where, offset=at) for where, at in locations
        )
