"""Findings for formats that hold no pickle: safetensors, Keras, ONNX, GGUF, HDF5, SavedModel.

Each inspector reads structure through a reader of :mod:`mlgate.formats` and turns
what it reaches outside the model into findings. Sniffing is a guess for formats
without magic bytes (safetensors, ONNX): a blob that sniffs as one but does not parse
is only reported when its name also claims that format.
"""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

from mlgate.checks.artifacts.findings import Detail, FileScan
from mlgate.checks.artifacts.policies.tf_ops import FILE_OPS, PYTHON_OPS
from mlgate.checks.artifacts.rules import (
    GGUF_TEMPLATE_CODE,
    KERAS_FOREIGN_OBJECT,
    KERAS_LAMBDA,
    ONNX_CUSTOM_DOMAIN,
    ONNX_EXTERNAL_ESCAPE,
    SAFETENSORS_INVALID,
    TF_FILE_OP,
    TF_PYTHON_OP,
    UNREADABLE,
)
from mlgate.formats.gguf import GgufError, read_gguf
from mlgate.formats.hdf5 import Hdf5Error, read_root_attributes
from mlgate.formats.jinja_reach import find_reaches
from mlgate.formats.keras import (
    KERAS_WEIGHTS,
    MAX_CONFIG_BYTES,
    KerasError,
    read_keras_config,
)
from mlgate.formats.onnx import OnnxError, OnnxModel, read_onnx
from mlgate.formats.safetensors import SafetensorsError, read_safetensors_header
from mlgate.formats.saved_model import (
    SavedModelError,
    read_keras_metadata,
    read_saved_model_ops,
    read_saved_model_text_ops,
)
from mlgate.formats.span import Span

# Root attributes where legacy Keras (``save_format="h5"``) keeps JSON configs.
KERAS_H5_CONFIGS = ("model_config", "training_config")
MAX_GRAPH_TEXT = 512 * 1024 * 1024
_TEMPLATE_KEY = "tokenizer.chat_template"


def _named(scan: FileScan, member: str | None, suffix: str) -> bool:
    return (member or scan.path).lower().endswith(suffix)


def _unreadable(scan: FileScan, member: str | None, message: str) -> None:
    scan.add(UNREADABLE, member=member, offset=None, message=message, subject=message)
    scan.error(member, message)


def inspect_safetensors(scan: FileScan, span: Span, member: str | None) -> None:
    """ART050 for every inconsistency of a safetensors header."""
    try:
        header = read_safetensors_header(span)
    except SafetensorsError as error:
        if _named(scan, member, ".safetensors"):
            message = f"safetensors header unreadable: {error}"
            scan.add(
                SAFETENSORS_INVALID, member=member, offset=0, message=message, subject="header"
            )
        return
    for issue in header.issues:
        scan.add(
            SAFETENSORS_INVALID,
            member=member,
            offset=8,
            message=f"safetensors {issue.kind} at {issue.name!r}: {issue.detail}",
            subject=f"{issue.kind}:{issue.name}",
        )


def inspect_keras_config(scan: FileScan, span: Span, member: str) -> None:
    """ART060 for Lambda layers, ART061 for objects outside the Keras namespaces."""
    if span.size > MAX_CONFIG_BYTES:
        # Checked before copying: a stored member of a huge file is a view, not a copy.
        _unreadable(scan, member, f"config.json of {span.size} bytes exceeds {MAX_CONFIG_BYTES}")
        return
    _judge_keras_json(scan, span.tobytes(), member, "config")


def _judge_keras_json(scan: FileScan, raw: bytes, member: str | None, source: str) -> None:
    try:
        reaches = read_keras_config(raw)
    except KerasError as error:
        _unreadable(scan, member, str(error) if source == "config" else f"{source}: {error}")
        return
    for reach in reaches:
        if reach.kind == "lambda":
            message = f"Keras Lambda layer at {reach.path}: its bytecode runs when loaded"
            scan.add(KERAS_LAMBDA, member=member, offset=None, message=message,
                     subject=reach.path)  # fmt: skip
        else:
            message = f"Keras {source} at {reach.path} names {reach.value} ({reach.kind})"
            scan.add(KERAS_FOREIGN_OBJECT, member=member, offset=None, message=message,
                     subject=reach.value)  # fmt: skip


def inspect_hdf5(scan: FileScan, span: Span, member: str | None) -> None:
    """ART060/ART061 for the Keras configs in an HDF5 file's root attributes.

    Keras v3 weights members hold data only. A config that cannot be read, or root
    attributes kept where this reader does not look, leave the file an error.
    """
    if member is not None and member.endswith(KERAS_WEIGHTS):
        return
    try:
        attributes = read_root_attributes(span)
    except Hdf5Error as error:
        _unreadable(scan, member, f"HDF5 unreadable: {error}")
        return
    for name in KERAS_H5_CONFIGS:
        if name in attributes.unreadable:
            _unreadable(scan, member, f"HDF5 attribute {name}: {attributes.unreadable[name]}")
        elif name in attributes.strings:
            _judge_keras_json(scan, attributes.strings[name], member, name)
    if attributes.dense and not attributes.strings.keys() & set(KERAS_H5_CONFIGS):
        _unreadable(scan, member, "HDF5 root attributes in dense storage are not read")


def inspect_onnx(scan: FileScan, span: Span, member: str | None) -> None:
    """ART070 for foreign operator domains, ART071 for escaping external data."""
    try:
        model = read_onnx(span)
    except OnnxError as error:
        if _named(scan, member, ".onnx"):
            _unreadable(scan, member, str(error))
        return
    _judge_domains(scan, model, member, span.start)
    for external in model.external:
        if _escapes(external.location):
            scan.add(
                ONNX_EXTERNAL_ESCAPE,
                member=member,
                offset=external.offset - span.start,
                message=f"tensor {external.tensor!r} reads external data from "
                f"{external.location!r}, outside the model directory",
                subject=external.location,
            )


def _judge_domains(scan: FileScan, model: OnnxModel, member: str | None, origin: int) -> None:
    reported: set[str] = set()
    for use in (*model.opsets, *model.nodes):
        if use.domain in scan.settings.onnx_domains or use.domain in reported:
            continue
        reported.add(use.domain)
        ops = sorted({n.op_type for n in model.nodes if n.domain == use.domain})
        scan.add(
            ONNX_CUSTOM_DOMAIN,
            member=member,
            offset=use.offset - origin,
            message=f"ONNX operator domain {use.domain!r} is not allowed"
            + (f" (operators: {', '.join(ops)})" if ops else ""),
            subject=use.domain,
        )


def _escapes(location: str) -> bool:
    """Whether a location leaves the directory it is resolved against, on any platform."""
    posix, windows = PurePosixPath(location), PureWindowsPath(location)
    absolute = posix.is_absolute() or bool(windows.drive) or bool(windows.root)
    return absolute or ".." in posix.parts or ".." in windows.parts


def inspect_gguf(scan: FileScan, span: Span, member: str | None) -> None:
    """ART080 for chat templates whose Jinja reaches Python internals."""
    try:
        header = read_gguf(span)
    except GgufError as error:
        _unreadable(scan, member, f"GGUF metadata unreadable: {error}")
        return
    for value in header.strings:
        if not value.key.startswith(_TEMPLATE_KEY):
            continue
        reaches = find_reaches(value.text)
        if reaches:
            constructs = ", ".join(dict.fromkeys(r.construct for r in reaches))
            scan.add(
                GGUF_TEMPLATE_CODE,
                member=member,
                offset=value.offset,
                message=f"GGUF {value.key} reaches Python internals from Jinja: {constructs}",
                subject=value.key,
                detail=Detail(evidence=constructs),
            )


def inspect_saved_model(scan: FileScan, span: Span, member: str | None) -> None:
    """ART090 for Python-function ops, ART091 for file ops, in graphs and functions.

    Offsets count bytes of the binary graph, characters of the text one.
    """
    if PurePosixPath(member or scan.path).suffix == ".pbtxt":
        if span.size > MAX_GRAPH_TEXT:
            _unreadable(scan, member, f"SavedModel text over {MAX_GRAPH_TEXT} bytes")
            return
        uses, origin = read_saved_model_text_ops(span.tobytes().decode("utf-8", "replace")), 0
    else:
        try:
            uses, origin = read_saved_model_ops(span), span.start
        except SavedModelError as error:
            _unreadable(scan, member, str(error))
            return
    for use in uses:
        where = f"node {use.node!r}" + (f" of function {use.function!r}" if use.function else "")
        properties = (("op", use.op), ("node", use.node), ("function", use.function or ""))
        if use.op in PYTHON_OPS:
            rule, message = TF_PYTHON_OP, f"{use.op} at {where} calls back into Python"
        elif use.op in FILE_OPS:
            rule, message = TF_FILE_OP, f"{use.op} at {where} {FILE_OPS[use.op]}"
        else:
            continue
        scan.add(rule, member=member, offset=use.offset - origin, message=message,
                 subject=f"{use.function or ''}/{use.node}:{use.op}",
                 detail=Detail(properties=properties))  # fmt: skip


def inspect_keras_metadata(scan: FileScan, span: Span, member: str | None) -> None:
    """ART060/ART061 for the layer configs a Keras SavedModel revives on load."""
    try:
        documents = read_keras_metadata(span)
    except SavedModelError as error:
        _unreadable(scan, member, str(error))
        return
    for document in documents:
        _judge_keras_json(scan, document.json, member, "metadata")
