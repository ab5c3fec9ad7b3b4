"""Lineage from other tools' records: MLflow run inputs and SLSA provenance.

* **MLflow**: the JSON export of a run (``mlflow.get_run(id).to_dictionary()``), or just
  its ``inputs`` (``{"dataset_inputs": [...]}``). Each dataset input gives the dataset
  ``name`` (the registry id), its ``source`` (a JSON text holding ``uri``, ``url`` or
  ``path``) and the ``mlflow.data.context`` tag (``training``, ``evaluation``...) as the
  purpose. MLflow's own ``digest`` hashes a data sample, not our content digest, so it is
  kept only when it is a ``sha256:`` digest. mlflow itself is never imported.
* **SLSA provenance** (v1 ``buildDefinition.resolvedDependencies``, or v0.2 ``materials``),
  as a bare in-toto statement or inside a DSSE envelope (whose signature ``mlgate verify``
  checks; here only the claims are read). Resolved dependencies also list code and images,
  so one counts as a dataset when its annotations say so (``mlgate.dataset: <id>`` or
  ``kind: dataset``); any other is kept only if the registry knows its name or location.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from mlgate.checks.datasets.lineage import Lineage, LineageError, LineageInput

MLFLOW_CONTEXT_TAG = "mlflow.data.context"
SLSA_PREDICATES = ("https://slsa.dev/provenance/v1", "https://slsa.dev/provenance/v0.2")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _local(uri: str | None) -> str | None:
    """``file://`` URIs become paths; other URIs stay as they are."""
    return uri.removeprefix("file://") if uri and uri.startswith("file://") else uri


def is_mlflow(data: Any) -> bool:
    """Whether ``data`` looks like an MLflow run export or its ``inputs``."""
    record = _dict(data)
    return "dataset_inputs" in record or "dataset_inputs" in _dict(record.get("inputs"))


def _mlflow_source(text: Any) -> str | None:
    try:
        source = json.loads(text) if isinstance(text, str) else text
    except json.JSONDecodeError:
        return _str(text)  # some sources store a bare URI
    source = _dict(source)
    return _local(_str(source.get("uri")) or _str(source.get("url")) or _str(source.get("path")))


def _mlflow_input(entry: Any) -> LineageInput:
    dataset = _dict(_dict(entry).get("dataset"))
    tags = {
        _str(_dict(t).get("key")): _str(_dict(t).get("value")) for t in _list(entry.get("tags"))
    }
    digest = _str(dataset.get("digest"))
    return LineageInput(
        id=_str(dataset.get("name")),
        path=_mlflow_source(dataset.get("source")),
        digest=digest if digest and digest.startswith("sha256:") else None,
        purpose=tags.get(MLFLOW_CONTEXT_TAG),
    )


def lineage_from_mlflow(data: Any) -> Lineage:
    """The lineage an MLflow run export (or its ``inputs``) records."""
    record = _dict(data)
    inputs = _dict(record.get("inputs")) if "inputs" in record else record
    info = _dict(record.get("info"))
    run = _str(info.get("run_name")) or _str(info.get("run_id"))
    items = [_mlflow_input(e) for e in _list(inputs.get("dataset_inputs")) if isinstance(e, dict)]
    return Lineage(run=run, purpose="training", inputs=items)


def _statement(data: Any) -> dict[str, Any]:
    record = _dict(data)
    if "payload" not in record:
        return record
    try:
        return _dict(json.loads(base64.b64decode(record["payload"], validate=True)))
    except (binascii.Error, ValueError, TypeError):
        raise LineageError("DSSE envelope payload is not base64 JSON") from None


def is_slsa(data: Any) -> bool:
    """Whether ``data`` is an in-toto statement or DSSE envelope (of any predicate)."""
    record = _dict(data)
    return "predicateType" in record or "payloadType" in record


def _descriptor(entry: Any) -> LineageInput:
    resource = _dict(entry)
    annotations = _dict(resource.get("annotations"))
    declared = _str(annotations.get("mlgate.dataset"))
    is_dataset = declared is not None or annotations.get("kind") == "dataset"
    sha = _str(_dict(resource.get("digest")).get("sha256"))
    return LineageInput(
        id=declared or _str(resource.get("name")),
        path=_local(_str(resource.get("uri"))),
        digest=f"sha256:{sha}" if sha else None,
        optional=not is_dataset,
    )


def lineage_from_slsa(data: Any) -> Lineage:
    """The datasets a SLSA provenance statement lists among its resolved dependencies."""
    statement = _statement(data)
    predicate_type = statement.get("predicateType")
    if predicate_type not in SLSA_PREDICATES:
        raise LineageError(f"not SLSA provenance (predicateType {predicate_type!r})")
    predicate = _dict(statement.get("predicate"))
    build = _dict(predicate.get("buildDefinition"))
    resolved = _list(build.get("resolvedDependencies")) or _list(predicate.get("materials"))
    run = _str(_dict(_dict(predicate.get("runDetails")).get("metadata")).get("invocationId"))
    return Lineage(run=run, purpose="training", inputs=[_descriptor(e) for e in resolved])
