"""The versioned JSON verdict (``mlgate.verdict/v1``) and reading it back.

The document is :func:`mlgate.core.codec.encode` of the :class:`Verdict` plus two
top-level keys: ``schema`` (the version) and ``outcome`` (derived, for consumers that
only want the answer). ``verdict.schema.json`` next to this module describes it
exactly. ``mlgate report`` re-renders saved documents through :func:`load_verdict`.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from mlgate.core.codec import DecodeError, decode, encode
from mlgate.core.errors import InputError
from mlgate.core.verdict import Verdict
from mlgate.reporters.base import dump_json

SCHEMA_ID = "mlgate.verdict/v1"


class JsonReporter:
    """Renders the whole verdict as versioned JSON; it loads back losslessly."""

    format_id: ClassVar[str] = "json"
    media_type: ClassVar[str] = "application/json"
    default_filename: ClassVar[str] = "mlgate-verdict.json"

    def render(self, verdict: Verdict) -> bytes:
        """The JSON document, UTF-8, indented, with a final newline."""
        return dump_json(verdict_document(verdict))


def verdict_document(verdict: Verdict) -> dict[str, Any]:
    """The JSON-ready document: ``schema``, ``outcome``, then the verdict's fields."""
    return {"schema": SCHEMA_ID, "outcome": verdict.outcome.value, **encode(verdict)}


def _parse(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InputError(f"verdict is not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise InputError(f"verdict is not valid JSON: {error.msg} at line {error.lineno}") from None
    except RecursionError:
        raise InputError("verdict JSON is nested too deeply") from None


def load_verdict(data: bytes) -> Verdict:
    """Read a document written by :class:`JsonReporter`.

    Raises:
        InputError: the bytes are not a ``mlgate.verdict/v1`` document; the message is
            one line naming what is wrong.
    """
    document = _parse(data)
    if not isinstance(document, dict):
        raise InputError("verdict JSON must be an object")
    schema = document.get("schema")
    if schema != SCHEMA_ID:
        raise InputError(f"verdict schema is {schema!r}; this mlgate reads {SCHEMA_ID!r}")
    fields = {key: value for key, value in document.items() if key not in ("schema", "outcome")}
    try:
        verdict: Verdict = decode(fields, Verdict)
    except (DecodeError, TypeError, ValueError) as error:
        # DecodeError is the expected case; TypeError/ValueError cover values of the
        # wrong kind deep inside (an unhashable "kind", say) in hostile documents.
        raise InputError(f"not a valid mlgate verdict: {error}") from None
    except RecursionError:
        raise InputError("verdict JSON is nested too deeply") from None
    if document.get("outcome") != verdict.outcome.value:
        raise InputError(
            f"verdict outcome {document.get('outcome')!r} disagrees with its gates "
            f"({verdict.outcome.value!r}); the file was edited or is corrupt"
        )
    return verdict
