"""Severity as it appears in policy files: a lower-case name, validated by pydantic."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from mlgate.core.finding import Severity


def _parse_severity(value: Any) -> Any:
    return Severity.parse(value) if isinstance(value, str) else value


SeverityName = Annotated[
    Severity,
    BeforeValidator(_parse_severity),
    PlainSerializer(lambda s: s.label, return_type=str),
    WithJsonSchema({"type": "string", "enum": [s.label for s in Severity]}),
]
