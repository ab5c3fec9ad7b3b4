"""``saved_model.pb`` bytes written field by field (no TensorFlow in the test environment).

Field numbers follow TensorFlow's ``saved_model.proto`` (SavedModel: schema version 1,
meta_graphs 2), ``meta_graph.proto`` (MetaGraphDef: meta_info_def 1, graph_def 2),
``graph.proto`` (GraphDef: node 1, library 2, versions 4), ``function.proto``
(FunctionDefLibrary: function 1; FunctionDef: signature 1, node_def 3; OpDef: name 1)
and ``node_def.proto`` (NodeDef: name 1, op 2, input 3, device 4).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from builders.model_formats import pb_bytes, pb_int

Node = tuple[str, str]  # (name, op)


def node_def(name: str, op: str, *inputs: str) -> bytes:
    """A NodeDef with its inputs and a CPU device."""
    body = pb_bytes(1, name) + pb_bytes(2, op)
    body += b"".join(pb_bytes(3, source) for source in inputs)
    return body + pb_bytes(4, "/device:CPU:0")


def function_def(name: str, nodes: Sequence[Node]) -> bytes:
    """A FunctionDef: its OpDef signature (name only) and body nodes."""
    return pb_bytes(1, pb_bytes(1, name)) + b"".join(
        pb_bytes(3, node_def(n, op)) for n, op in nodes
    )


def saved_model(
    nodes: Sequence[Node] = (), functions: dict[str, Sequence[Node]] | None = None
) -> bytes:
    """A SavedModel with one meta graph (tag ``serve``) holding ``nodes`` and ``functions``."""
    graph = b"".join(pb_bytes(1, node_def(name, op)) for name, op in nodes)
    library = b"".join(
        pb_bytes(1, function_def(name, body)) for name, body in (functions or {}).items()
    )
    if library:
        graph += pb_bytes(2, library)
    graph += pb_bytes(4, pb_int(1, 1808))  # VersionDef.producer
    meta_info = pb_bytes(4, "serve")  # MetaInfoDef.tags
    meta_graph = pb_bytes(1, meta_info) + pb_bytes(2, graph)
    return pb_int(1, 1) + pb_bytes(2, meta_graph)


# What an ordinary Keras/TF2 export holds: a serving function, the saver's functions.
BENIGN_NODES: tuple[Node, ...] = (
    ("serving_default_x", "Placeholder"),
    ("StatefulPartitionedCall", "StatefulPartitionedCall"),
    ("saver_filename", "Placeholder"),
    ("StatefulPartitionedCall_1", "StatefulPartitionedCall"),
)
BENIGN_FUNCTIONS: dict[str, Sequence[Node]] = {
    "__inference_serve_42": (("dense/MatMul", "MatMul"), ("dense/BiasAdd", "BiasAdd")),
    "__inference__traced_save_88": (
        ("StringJoin", "StringJoin"),
        ("ShardedFilename", "ShardedFilename"),
        ("SaveV2", "SaveV2"),
        ("MergeV2Checkpoints", "MergeV2Checkpoints"),
    ),
    "__inference__traced_restore_99": (
        ("RestoreV2", "RestoreV2"),
        ("AssignVariableOp", "AssignVariableOp"),
    ),
    "__inference_vocab_init_7": (
        ("InitializeTableFromTextFileV2", "InitializeTableFromTextFileV2"),
    ),
}


def keras_metadata(objects: Sequence[tuple[str, str, Mapping[str, object]]]) -> bytes:
    """A ``keras_metadata.pb``: SavedMetadata.nodes of (node path, identifier, metadata).

    SavedObject fields: node_id 2, node_path 3, identifier 4, metadata 5 (JSON),
    version 6 (VersionDef: producer 1, min_consumer 2).
    """
    nodes = b""
    for index, (path, identifier, metadata) in enumerate(objects):
        body = pb_int(2, index) + pb_bytes(3, path) + pb_bytes(4, identifier)
        body += pb_bytes(5, json.dumps(metadata)) + pb_bytes(6, pb_int(1, 2) + pb_int(2, 1))
        nodes += pb_bytes(1, body)
    return nodes
