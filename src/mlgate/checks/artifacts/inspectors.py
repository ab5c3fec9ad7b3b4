"""Findings for formats that hold no pickle: safetensors, Keras v3, ONNX, GGUF, HDF5.

Each inspector reads structure through a reader of :mod:`mlgate.formats` and turns
what it reaches outside the model into findings. Sniffing is a guess for formats
without magic bytes (safetensors, ONNX): a blob that sniffs as one but does not parse
is only reported when its name also claims that format.
"""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

from mlgate.checks.artifacts.findings import Detail, FileScan
from mlgate.checks.artifacts.rules import (
    GGUF_TEMPLATE_CODE,
    KERAS_FOREIGN_OBJECT,
    KERAS_LAMBDA,
    ONNX_CUSTOM_DOMAIN,
    ONNX_EXTERNAL_ESCAPE,
    SAFETENSORS_INVALID,
    UNREADABLE,
)
from mlgate.formats.gguf import GgufError, read_gguf
from mlgate.formats.jinja_reach import find_reaches
from mlgate.formats.keras import KERAS_WEIGHTS, KerasError, read_keras_config
from mlgate.formats.onnx import OnnxError, OnnxModel, read_onnx
from mlgate.formats.safetensors import SafetensorsError, read_safetensors_header
from mlgate.formats.span import Span

HDF5_REASON = (
    "HDF5 is recognised but not inspected yet: a legacy Keras .h5 model_config may hold "
    "Lambda layers"
)
SAVED_MODEL_REASON = (
    "TensorFlow SavedModel graphs are recognised but not inspected yet (PyFunc, file I/O ops)"
)
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
    try:
        reaches = read_keras_config(span.tobytes())
    except KerasError as error:
        _unreadable(scan, member, str(error))
        return
    for reach in reaches:
        if reach.kind == "lambda":
            message = f"Keras Lambda layer at {reach.path}: its bytecode runs when loaded"
            scan.add(KERAS_LAMBDA, member=member, offset=None, message=message, subject=reach.path)
        else:
            message = f"Keras config at {reach.path} names {reach.value} ({reach.kind})"
            scan.add(
                KERAS_FOREIGN_OBJECT,
                member=member,
                offset=None,
                message=message,
                subject=reach.value,
            )


def inspect_hdf5(scan: FileScan, member: str | None) -> None:
    """HDF5 is not read: say so, except for Keras v3 weights (data only)."""
    if member is not None and member.endswith(KERAS_WEIGHTS):
        return
    scan.skip(member, HDF5_REASON)


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
