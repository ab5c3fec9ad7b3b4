"""Bounded, hostile-input-safe parsing of SARIF 2.1.0 logs into neutral records.

The reader knows SARIF's shape, not mlgate's vocabulary: it returns plain records
(:class:`SarifLog` down to :class:`Region`) and leaves severities, CWEs and paths to
:mod:`mlgate.checks.sarif.mapping` and :mod:`mlgate.checks.sarif.locations`.

Every value read from the document is type-checked before use, so a field of the
wrong type is treated as absent rather than crashing. The only exceptions that leave
:func:`read_sarif` are :class:`SarifError` (not a readable SARIF 2.1.0 log) and
:class:`~mlgate.core.errors.ResourceLimitError` (too big, too deep).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from mlgate.checks.sarif.records import (
    Component,
    Descriptor,
    Notification,
    PhysicalLocation,
    Properties,
    Region,
    Result,
    Run,
    SarifLog,
    Step,
    UriRef,
)
from mlgate.core.errors import ResourceLimitError
from mlgate.core.text import shorten

SUPPORTED_VERSION = "2.1.0"
# Real SARIF nests about 15 levels (result > codeFlow > threadFlow > location > region);
# tools' property bags add a few more. Far beyond that is an attack or a broken writer.
MAX_DEPTH = 100
MAX_TEXT = 4000
MAX_FLOW_STEPS = 64
MAX_FINGERPRINT_ENTRIES = 16
MAX_TAGS = 32
# Control characters (except tab and newline) could drive a terminal; they carry no meaning.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ERROR_STATUSES = frozenset({"underReview", "rejected"})


class SarifError(ValueError):
    """The file is not a readable SARIF 2.1.0 log; the message says why."""


# --- tolerant accessors: a field of the wrong type counts as absent -------------------


def clean_text(value: str, limit: int = MAX_TEXT) -> str:
    """Drop control characters and lone surrogates, and cap the length."""
    value = shorten(value, limit)
    value = value.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub("", value)


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _arr(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any, limit: int = MAX_TEXT) -> str | None:
    return clean_text(value, limit) if isinstance(value, str) and value.strip() else None


def _int(value: Any, *, low: int = 1) -> int | None:
    # bool is an int in Python but never a line number in JSON.
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= 10**9:
        return value
    return None


def _message(value: Any) -> str | None:
    return _str(_obj(value).get("text"))


# --- bytes to JSON ---------------------------------------------------------------------


def _read_bytes(path: Path, limit: int) -> bytes:
    size = path.stat().st_size
    if size > limit:
        raise ResourceLimitError("SARIF file size in bytes", limit=limit, actual=size)
    with path.open("rb") as stream:
        # Read one byte past the limit: the file may have grown since stat().
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise ResourceLimitError("SARIF file size in bytes", limit=limit, actual=len(data))
    return data


def _decode(data: bytes) -> str:
    # JSON is UTF-8, but Windows tools write UTF-16 and many writers add a BOM;
    # detect_encoding handles both (and "utf-8-sig" strips the BOM).
    encoding = json.detect_encoding(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise SarifError(f"not valid {encoding} text at byte {error.start}") from None


def _check_depth(document: Any) -> None:
    """Measure nesting iteratively (no recursion) and refuse absurd depths."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ResourceLimitError("JSON nesting depth", limit=MAX_DEPTH, actual=depth)
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)


def parse_json(data: bytes) -> Any:
    """Decode bytes into a JSON document of bounded depth."""
    text = _decode(data)
    try:
        document = json.loads(text)
    except RecursionError:
        # The C decoder guards its own recursion; hitting it means absurd nesting.
        raise ResourceLimitError(
            "JSON nesting depth", limit=MAX_DEPTH, actual=float("inf")
        ) from None
    except ValueError as error:  # JSONDecodeError, or an integer beyond Python's digit cap
        raise SarifError(f"not valid JSON ({error})") from None
    _check_depth(document)
    return document


# --- JSON to records --------------------------------------------------------------------


def _properties(value: Any) -> Properties:
    bag = _obj(value)
    raw_severity = bag.get("security-severity")
    severity = str(raw_severity) if isinstance(raw_severity, str | int | float) else None
    tags = tuple(t for t in map(_tag, _arr(bag.get("tags"))[:MAX_TAGS]) if t)
    raw_cwe = bag.get("cwe")
    cwe_values = _arr(raw_cwe) if isinstance(raw_cwe, list) else [raw_cwe]
    cwe = tuple(str(v)[:64] for v in cwe_values[:MAX_TAGS] if isinstance(v, str | int))
    return Properties(security_severity=severity and severity[:32], tags=tags, cwe=cwe)


def _tag(value: Any) -> str | None:
    return _str(value, 200)


def _relationship_cwe(descriptor: dict[str, Any]) -> tuple[str, ...]:
    """CWE ids a rule declares through ``relationships`` to a CWE taxonomy."""
    found: list[str] = []
    for relationship in _arr(descriptor.get("relationships"))[:MAX_TAGS]:
        target = _obj(_obj(relationship).get("target"))
        taxonomy = _str(_obj(target.get("toolComponent")).get("name"), 64) or ""
        target_id = _str(target.get("id"), 64)
        if taxonomy.upper() == "CWE" and target_id:
            found.append(target_id)
    return tuple(found)


def _descriptor(value: Any) -> Descriptor:
    raw = _obj(value)
    properties = _properties(raw.get("properties"))
    extra_cwe = _relationship_cwe(raw)
    if extra_cwe:
        properties = Properties(
            security_severity=properties.security_severity,
            tags=properties.tags,
            cwe=properties.cwe + extra_cwe,
        )
    strings = {
        key: text
        for key, entry in _obj(raw.get("messageStrings")).items()
        if (text := _message(entry)) is not None
    }
    return Descriptor(
        id=_str(raw.get("id"), 500),
        name=_str(raw.get("name"), 500),
        short_description=_message(raw.get("shortDescription")),
        full_description=_message(raw.get("fullDescription")),
        help_text=_message(raw.get("help")),
        help_uri=_str(raw.get("helpUri"), 2000),
        default_level=_str(_obj(raw.get("defaultConfiguration")).get("level"), 32),
        message_strings=strings,
        properties=properties,
    )


def _component(value: Any, fallback_name: str) -> Component:
    raw = _obj(value)
    name = _str(raw.get("name"), 200) or fallback_name
    return Component(name=name, rules=tuple(map(_descriptor, _arr(raw.get("rules")))))


def _uri_ref(value: Any) -> UriRef:
    raw = _obj(value)
    return UriRef(
        uri=_str(raw.get("uri"), 4000),
        base_id=_str(raw.get("uriBaseId"), 200),
        index=_int(raw.get("index"), low=0),
    )


def _region(value: Any) -> Region | None:
    raw = _obj(value)
    if not raw:
        return None
    return Region(
        start_line=_int(raw.get("startLine")),
        start_column=_int(raw.get("startColumn")),
        end_line=_int(raw.get("endLine")),
        end_column=_int(raw.get("endColumn")),
        snippet=_str(_obj(raw.get("snippet")).get("text"), MAX_TEXT),
    )


def _physical(location: Any) -> PhysicalLocation | None:
    physical = _obj(_obj(location).get("physicalLocation"))
    if not physical:
        return None
    return PhysicalLocation(
        artifact=_uri_ref(physical.get("artifactLocation")),
        region=_region(physical.get("region")),
    )


def _first_physical(locations: Any) -> PhysicalLocation | None:
    for location in _arr(locations):
        physical = _physical(location)
        if physical is not None:
            return physical
    return None


def _flow(result: dict[str, Any]) -> tuple[Step, ...]:
    code_flow = _obj(next(iter(_arr(result.get("codeFlows"))), None))
    thread_flow = _obj(next(iter(_arr(code_flow.get("threadFlows"))), None))
    steps: list[Step] = []
    for entry in _arr(thread_flow.get("locations"))[:MAX_FLOW_STEPS]:
        location = _obj(_obj(entry).get("location"))
        steps.append(Step(location=_physical(location), message=_message(location.get("message"))))
    return tuple(steps)


def _fingerprints(result: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    pairs: dict[str, str] = {}
    for prefix, key in (("", "fingerprints"), ("partial:", "partialFingerprints")):
        for name, value in list(_obj(result.get(key)).items())[:MAX_FINGERPRINT_ENTRIES]:
            text = _str(value, 512)
            if text is not None:
                pairs[prefix + clean_text(name, 200)] = text
    return tuple(sorted(pairs.items()))


def _is_suppressed(value: Any) -> bool:
    """Suppressed when some suppression exists and none is under review or rejected.

    An absent ``status`` means accepted, as in the SARIF SDK and GitHub code scanning.
    """
    suppressions = [_obj(s) for s in _arr(value)]
    if not suppressions:
        return False
    return not any(s.get("status") in _ERROR_STATUSES for s in suppressions)


def _first_index(*candidates: Any) -> int | None:
    """The first valid 0-based index (SARIF writes ``-1`` for "none")."""
    for candidate in candidates:
        index = _int(candidate, low=0)
        if index is not None:
            return index
    return None


def _rule_reference(raw: dict[str, Any]) -> dict[str, Any]:
    reference = _obj(raw.get("rule"))
    component = _obj(reference.get("toolComponent"))
    return {
        "rule_id": _str(raw.get("ruleId"), 500) or _str(reference.get("id"), 500),
        "rule_index": _first_index(raw.get("ruleIndex"), reference.get("index")),
        "component_index": _int(component.get("index"), low=0),
        "component_name": _str(component.get("name"), 200),
    }


def _result(value: Any) -> Result:
    raw = _obj(value)
    message = _obj(raw.get("message"))
    arguments = tuple(_str(a, 500) or "" for a in _arr(message.get("arguments"))[:64])
    return Result(
        **_rule_reference(raw),
        kind=_str(raw.get("kind"), 32) or "fail",
        level=_str(raw.get("level"), 32),
        message_text=_str(message.get("text")),
        message_id=_str(message.get("id"), 200),
        arguments=arguments,
        location=_first_physical(raw.get("locations")),
        flow=_flow(raw),
        properties=_properties(raw.get("properties")),
        fingerprints=_fingerprints(raw),
        is_suppressed=_is_suppressed(raw.get("suppressions")),
    )


def _notifications(invocations: list[Any]) -> tuple[Notification, ...]:
    found: list[Notification] = []
    for invocation in invocations:
        for entry in _arr(_obj(invocation).get("toolExecutionNotifications")):
            raw = _obj(entry)
            if raw.get("level") != "error":
                continue
            descriptor = _obj(raw.get("descriptor"))
            found.append(
                Notification(
                    message=_message(raw.get("message")) or "the tool reported an error",
                    rule_id=_str(descriptor.get("id"), 500),
                    location=_first_physical(raw.get("locations")),
                )
            )
    return tuple(found)


def _run(value: Any, position: int) -> Run:
    raw = _obj(value)
    tool = _obj(raw.get("tool"))
    driver = _component(tool.get("driver"), f"run{position}")
    invocations = _arr(raw.get("invocations"))
    artifacts = tuple(
        _uri_ref(_obj(a).get("location")) if isinstance(a, dict) else None
        for a in _arr(raw.get("artifacts"))
    )
    return Run(
        tool=driver.name,
        tool_version=_str(_obj(tool.get("driver")).get("semanticVersion"), 100)
        or _str(_obj(tool.get("driver")).get("version"), 100),
        driver=driver,
        extensions=tuple(
            _component(e, f"extension{i}") for i, e in enumerate(_arr(tool.get("extensions")))
        ),
        results=tuple(map(_result, _arr(raw.get("results")))),
        base_uris={
            clean_text(k, 200): _uri_ref(v) for k, v in _obj(raw.get("originalUriBaseIds")).items()
        },
        artifacts=artifacts,
        execution_failed=any(_obj(i).get("executionSuccessful") is False for i in invocations),
        notifications=_notifications(invocations),
    )


def to_log(document: Any) -> SarifLog:
    """Turn a parsed JSON document into records, or say why it is not SARIF 2.1.0."""
    if not isinstance(document, dict):
        raise SarifError(f"not a SARIF log: the top level is a JSON {type(document).__name__}")
    version = document.get("version")
    if version != SUPPORTED_VERSION:
        shown = repr(version)[:40] if version is not None else "missing"
        raise SarifError(f"unsupported SARIF version {shown}; expected {SUPPORTED_VERSION!r}")
    runs = document.get("runs")
    if runs is None:
        # SARIF reserves a null "runs" for a tool that failed before producing any run.
        raise SarifError("'runs' is null: the tool failed before producing results")
    if not isinstance(runs, list):
        raise SarifError(f"'runs' must be an array, not a JSON {type(runs).__name__}")
    return SarifLog(runs=tuple(_run(run, index) for index, run in enumerate(runs)))


def read_sarif(path: Path, *, max_bytes: int) -> SarifLog:
    """Read one SARIF file within ``max_bytes``.

    Raises:
        SarifError: the file is not JSON, not SARIF 2.1.0, or cannot be read.
        ResourceLimitError: the file is larger than ``max_bytes`` or nested too deeply.
    """
    try:
        data = _read_bytes(path, max_bytes)
    except OSError as error:
        raise SarifError(f"cannot read the file: {error.strerror or error}") from None
    return to_log(parse_json(data))
