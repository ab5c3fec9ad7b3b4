"""The SavedModel reader: every node of graphs and function libraries, nothing loaded."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders.model_formats import pb_bytes, pb_int
from corpus.artifacts import tf_graphs as tg
from mlgate.formats.saved_model import (
    OpUse,
    SavedModelError,
    read_keras_metadata,
    read_saved_model_ops,
    read_saved_model_text_ops,
)
from mlgate.formats.span import Span


def test_graph_nodes_and_library_functions_are_listed_in_order() -> None:
    data = tg.saved_model(
        nodes=(("x", "Placeholder"), ("call", "PartitionedCall")),
        functions={"__inference_f_1": (("py", "EagerPyFunc"), ("mm", "MatMul"))},
    )
    uses = read_saved_model_ops(Span.of(data))
    assert [(u.op, u.node, u.function) for u in uses] == [
        ("Placeholder", "x", None),
        ("PartitionedCall", "call", None),
        ("EagerPyFunc", "py", "__inference_f_1"),
        ("MatMul", "mm", "__inference_f_1"),
    ]


def test_offsets_point_at_the_node_field() -> None:
    data = tg.saved_model(nodes=(("rf", "ReadFile"),))
    (use,) = read_saved_model_ops(Span.of(data))
    node = tg.node_def("rf", "ReadFile")
    assert use == OpUse(op="ReadFile", node="rf", function=None, offset=data.index(node) - 2)


def test_every_meta_graph_is_read() -> None:
    one = pb_bytes(2, pb_bytes(1, tg.node_def("a", "WriteFile")))
    two = pb_bytes(2, pb_bytes(1, tg.node_def("b", "PyFunc")))
    data = pb_int(1, 1) + pb_bytes(2, one) + pb_bytes(2, two)
    assert [u.op for u in read_saved_model_ops(Span.of(data))] == ["WriteFile", "PyFunc"]


@pytest.mark.parametrize(
    "data",
    [b"", pb_int(1, 1), b"\x08\x01\x12\x7f\x00", b"\x0b\x00"],
    ids=["empty", "no-meta-graph", "truncated", "group-wire-type"],
)
def test_malformed_or_empty_models_are_errors(data: bytes) -> None:
    with pytest.raises(SavedModelError, match="not a readable SavedModel"):
        read_saved_model_ops(Span.of(data))


def test_oversized_names_are_cut_not_read_whole() -> None:
    data = tg.saved_model(nodes=(("n" * 10_000, "ReadFile"),))
    (use,) = read_saved_model_ops(Span.of(data))
    assert (len(use.node), use.op) == (4096, "ReadFile")


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_corrupted_graphs_raise_only_declared_errors(data: st.DataObject) -> None:
    graph = bytearray(tg.saved_model(nodes=tg.BENIGN_NODES, functions=tg.BENIGN_FUNCTIONS))
    for _ in range(data.draw(st.integers(1, 6))):
        graph[data.draw(st.integers(0, len(graph) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(graph)))
    try:
        uses = read_saved_model_ops(Span.of(bytes(graph[:cut])))
    except SavedModelError:
        return
    assert all(len(use.op) <= 4096 for use in uses)


TEXT = r"""# saved_model.pbtxt
saved_model_schema_version: 1
meta_graphs {
  graph_def {
    node { name: "x" op: "Placeholder" }
    node {
      name: "hook"
      op: "Py\x46unc"
    }
    library {
      function {
        signature { name: "__inference_f_1" }
        node_def { name: 'io' op : "Read" 'File' }
        node_def { name: "w" op: "Write\106ile" attr { key: "op" value { s: "x" } } }
      }
    }
  }
}
"""


def test_text_graphs_are_read_with_escapes_and_adjacent_literals() -> None:
    uses = read_saved_model_text_ops(TEXT)
    assert [(u.op, u.node, u.function) for u in uses] == [
        ("Placeholder", "x", None),
        ("PyFunc", "hook", None),
        ("ReadFile", "io", None),
        ("WriteFile", "w", None),
    ]
    assert uses[1].offset == TEXT.index('op: "Py')


def test_keras_metadata_json_documents_are_returned_with_offsets() -> None:
    data = tg.keras_metadata([("root", "_tf_keras_layer", {"class_name": "Dense"})])
    (document,) = read_keras_metadata(Span.of(data))
    assert json.loads(document.json) == {"class_name": "Dense"}
    assert data[document.offset] == (5 << 3 | 2)


def test_broken_keras_metadata_is_an_error() -> None:
    with pytest.raises(SavedModelError, match="not readable Keras metadata"):
        read_keras_metadata(Span.of(b"\x0a\x7f"))
