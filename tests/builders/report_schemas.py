"""Validators for every report format, loaded once from the schema copies in tests/schemas."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import xmlschema

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
VERDICT_SCHEMA = (
    Path(__file__).resolve().parents[2] / "src" / "mlgate" / "reporters" / "verdict.schema.json"
)


@cache
def _sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((SCHEMAS / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


@cache
def _verdict_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(VERDICT_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@cache
def _junit_schema() -> Any:
    return xmlschema.XMLSchema(str(SCHEMAS / "junit.xsd"))


def validate_sarif(data: bytes) -> dict[str, Any]:
    """Parse a SARIF report and validate it against SARIF 2.1.0 (draft-04 schema)."""
    document: dict[str, Any] = json.loads(data)
    _sarif_validator().validate(document)
    return document


def validate_verdict_json(data: bytes) -> dict[str, Any]:
    """Parse a JSON verdict and validate it against verdict.schema.json."""
    document: dict[str, Any] = json.loads(data)
    _verdict_validator().validate(document)
    return document


def validate_junit(data: bytes) -> None:
    """Validate a JUnit report against the Surefire XSD (raises on any violation)."""
    _junit_schema().validate(data.decode("utf-8"))
