"""TensorFlow ops a SavedModel graph has no business running when it is served.

Graphs are data, not code, except for these: Python-function ops call back into the
loading process (whatever function is registered under the token), and file ops read
or write paths chosen by the graph. The saver's own ops (``SaveV2``, ``RestoreV2``,
``MergeV2Checkpoints``) and vocabulary-file initialisers are in every ordinary
SavedModel and stay out of these lists.
"""

from __future__ import annotations

PYTHON_OPS = frozenset({"PyFunc", "PyFuncStateless", "EagerPyFunc"})
FILE_OPS: dict[str, str] = {
    "ReadFile": "reads any file into a tensor",
    "WriteFile": "writes a tensor to any file",
    "MatchingFiles": "lists files matching a glob",
    "ImmutableConst": "memory-maps a file into a tensor",
    "Save": "writes a checkpoint to any path (legacy op)",
    "SaveSlices": "writes a checkpoint to any path (legacy op)",
    "CreateSummaryFileWriter": "writes event files to any directory",
    "DebugIdentity": "sends tensors to debug URLs (file:// or grpc://)",
    "DebugIdentityV2": "sends tensors to a debug dump directory",
    "DebugNumericSummary": "sends tensor summaries to debug URLs",
}
