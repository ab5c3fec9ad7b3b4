"""The rules of the ``artifacts`` check, as typed records (``mlgate explain ART001``)."""

from __future__ import annotations

from mlgate.core.finding import Severity
from mlgate.core.rule import Rule

# Every pickle rule ends with the same way out: a format that cannot run code.
_SAVE_SAFELY = (
    "Re-export in a format that cannot run code: safetensors for tensors and state dicts "
    "(safetensors.torch.save_file), skops for scikit-learn (skops.io.dump), ONNX for "
    "whole models."
)
_FIX = (
    _SAVE_SAFELY + " If the global is expected, add it to `allow_globals` of the artifacts "
    "check in the policy."
)

GLOBAL_NOT_ALLOWLISTED = Rule(
    id="ART001",
    slug="pickle-global-not-allowlisted",
    severity=Severity.HIGH,
    summary="A pickle imports a global that no active framework allowlist admits.",
    remediation=_FIX,
    cwe=(502,),
)
GLOBAL_CODE_EXECUTION = Rule(
    id="ART002",
    slug="pickle-global-code-execution",
    severity=Severity.CRITICAL,
    summary="A pickle imports a callable known to run code, processes, imports or I/O.",
    remediation="Do not load this file. " + _FIX,
    cwe=(502, 94),
)
COMPUTED_GLOBAL = Rule(
    id="ART003",
    slug="pickle-computed-global",
    severity=Severity.CRITICAL,
    summary="A pickle imports a global whose name is computed at load time or unregistered.",
    remediation="Do not load this file; no benign writer computes global names. " + _SAVE_SAFELY,
    cwe=(502,),
)
BUILD_ON_GLOBAL = Rule(
    id="ART005",
    slug="pickle-build-on-global",
    severity=Severity.HIGH,
    summary="BUILD sets attributes on an imported module or class (monkey-patching on load).",
    remediation="Do not load this file; benign pickles only BUILD objects they created. "
    + _SAVE_SAFELY,
    cwe=(502,),
)
PARSE_ERROR = Rule(
    id="ART010",
    slug="pickle-parse-error",
    severity=Severity.HIGH,
    summary="A pickle is malformed; a loader may still run what precedes the error.",
    remediation="A broken stream cannot be shown to be safe. " + _SAVE_SAFELY,
    cwe=(502,),
)
TRAILING_DATA = Rule(
    id="ART011",
    slug="trailing-data",
    severity=Severity.MEDIUM,
    summary=(
        "Bytes follow the last complete pickle or a zip's end record; loaders and scanners "
        "may disagree on them."
    ),
    remediation="Honest writers do not append data. " + _SAVE_SAFELY,
)
FORMAT_MISMATCH = Rule(
    id="ART020",
    slug="format-mismatch",
    severity=Severity.HIGH,
    summary="The file's content is not the format its extension announces.",
    remediation="Rename the file after its real format, or re-export it; scanners and "
    "loaders that trust names would treat it differently.",
)
ZIP_INCONSISTENT = Rule(
    id="ART030",
    slug="zip-inconsistent",
    severity=Severity.HIGH,
    summary="A zip archive's views disagree (names, sizes, CRC, hidden or prefixed data).",
    remediation="Re-export the archive with a standard writer (torch.save, zipfile).",
)
RESOURCE_LIMIT = Rule(
    id="ART040",
    slug="resource-limit",
    severity=Severity.HIGH,
    summary="A scan budget ran out on this file (bomb, depth, size, opcodes or time).",
    remediation="Inspect the file; raise the check's limits if it is legitimately large.",
    cwe=(400,),
)
UNREADABLE = Rule(
    id="ART041",
    slug="artifact-unreadable",
    severity=Severity.HIGH,
    summary="A container or member could not be unpacked, so its content was not inspected.",
    remediation="Re-export the artifact in a supported, unencrypted format.",
)

SAFETENSORS_INVALID = Rule(
    id="ART050",
    slug="safetensors-invalid-header",
    severity=Severity.MEDIUM,
    summary="A safetensors header is invalid: bad JSON or dtype, sizes, overlapping or "
    "out-of-range offsets, holes, non-string metadata.",
    remediation="Re-export with the safetensors library; loaders that tolerate a bad header "
    "read different tensors than scanners and the reference loader.",
)
KERAS_LAMBDA = Rule(
    id="ART060",
    slug="keras-lambda-layer",
    severity=Severity.CRITICAL,
    summary="A Keras config holds a Lambda layer: marshalled Python bytecode that runs on load.",
    remediation="Replace the Lambda layer by a registered custom layer whose code you ship and "
    "review, and load with safe_mode=True.",
    cwe=(502, 94),
)
KERAS_FOREIGN_OBJECT = Rule(
    id="ART061",
    slug="keras-foreign-object",
    severity=Severity.HIGH,
    summary="A Keras config names a module or registered object outside the Keras namespaces; "
    "loading imports or calls it.",
    remediation="Ship the custom object's code as a reviewed package; if the object is "
    "expected, waive this finding for this artifact.",
    cwe=(502,),
)
ONNX_CUSTOM_DOMAIN = Rule(
    id="ART070",
    slug="onnx-custom-operator-domain",
    severity=Severity.HIGH,
    summary="An ONNX model imports or uses an operator domain outside the allowed ones; "
    "running it needs a native custom-operator library.",
    remediation="Export with standard ONNX operators, or add the domain to `onnx_domains` of "
    "the artifacts check once its operator library is reviewed.",
)
ONNX_EXTERNAL_ESCAPE = Rule(
    id="ART071",
    slug="onnx-external-data-escape",
    severity=Severity.HIGH,
    summary="An ONNX tensor's external data path leaves the model directory (.. or absolute).",
    remediation="Keep external data files next to the model and reference them by plain "
    "relative names.",
    cwe=(22,),
)
GGUF_TEMPLATE_CODE = Rule(
    id="ART080",
    slug="gguf-chat-template-code",
    severity=Severity.CRITICAL,
    summary="A GGUF chat template reaches Python internals from Jinja (dunder attributes, "
    "attr filter, modules): server-side template injection when rendered.",
    remediation="Use the model's published chat template; render templates only in a "
    "sandboxed Jinja environment.",
    cwe=(1336, 94),
)
TF_PYTHON_OP = Rule(
    id="ART090",
    slug="savedmodel-python-op",
    severity=Severity.CRITICAL,
    summary="A TensorFlow SavedModel graph calls back into Python (PyFunc, EagerPyFunc, "
    "PyFuncStateless): whatever function the loading process registers runs.",
    remediation="Re-export the model without tf.py_function / tf.numpy_function, or "
    "convert it to ONNX.",
    cwe=(94,),
)
TF_FILE_OP = Rule(
    id="ART091",
    slug="savedmodel-file-op",
    severity=Severity.HIGH,
    summary="A TensorFlow SavedModel graph reads, writes or lists files (ReadFile, "
    "WriteFile, MatchingFiles...) at paths the graph chooses.",
    remediation="Serve graphs without file ops; feed data through the signature's inputs. "
    "If the op is expected, waive this finding for this artifact.",
    cwe=(73,),
)

RULES: tuple[Rule, ...] = (
    GLOBAL_NOT_ALLOWLISTED,
    GLOBAL_CODE_EXECUTION,
    COMPUTED_GLOBAL,
    BUILD_ON_GLOBAL,
    PARSE_ERROR,
    TRAILING_DATA,
    FORMAT_MISMATCH,
    ZIP_INCONSISTENT,
    RESOURCE_LIMIT,
    UNREADABLE,
    SAFETENSORS_INVALID,
    KERAS_LAMBDA,
    KERAS_FOREIGN_OBJECT,
    ONNX_CUSTOM_DOMAIN,
    ONNX_EXTERNAL_ESCAPE,
    GGUF_TEMPLATE_CODE,
    TF_PYTHON_OP,
    TF_FILE_OP,
)
