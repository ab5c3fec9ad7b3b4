"""The JSON Schema of the policy file, including every installed check's settings."""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from mlgate.core.finding import Severity
from mlgate.core.policy.schema import PolicySpec
from mlgate.core.registry import Registry

SCHEMA_ID = "https://mlgate.dev/schemas/policy-v1.json"


class _PolicySchemaGenerator(GenerateJsonSchema):
    """Writes defaults the way policy files spell them (``"high"``, not ``3``)."""

    def encode_default(self, dft: Any) -> Any:
        """Severity defaults by name; everything else as pydantic encodes it."""
        if isinstance(dft, Severity):
            return dft.label
        return super().encode_default(dft)


def policy_json_schema(registry: Registry[type[Any]]) -> dict[str, Any]:
    """A draft 2020-12 schema for editors: gates' ``checks`` list each check's own keys.

    A check that fails to load is left out of the schema rather than breaking
    completion for the rest; ``mlgate run`` still reports it as an error.
    """
    schema = PolicySpec.model_json_schema(schema_generator=_PolicySchemaGenerator)
    check_properties: dict[str, Any] = {}
    for name in registry.names():
        try:
            check_class = registry.load(name)
        except Exception:  # noqa: BLE001, S112  # a broken plug-in must not break the schema
            continue
        config_schema = check_class.Config.model_json_schema(
            schema_generator=_PolicySchemaGenerator
        )
        config_schema["description"] = check_class.summary
        check_properties[name] = config_schema
    gate = schema["$defs"]["GateSpec"]
    gate["properties"]["checks"] = {
        "type": "object",
        "description": gate["properties"]["checks"].get("description", ""),
        "minProperties": 1,
        "properties": check_properties,
        "additionalProperties": False,
    }
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
