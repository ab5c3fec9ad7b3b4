"""MLflow runs as gate inputs: a run's metrics and the datasets it logged.

A run is read from the JSON of MLflow's REST ``runs/get`` (``{"run": {...}}``, as
``mlflow runs describe`` or ``curl .../api/2.0/mlflow/runs/get`` print it), or, when the
``mlflow`` package is importable, straight from the tracking server with
:func:`fetch_run`. mlgate never requires ``mlflow``. :meth:`MlflowRun.lineage_manifest`
gives the datasets as mlgate's lineage manifest for the ``datasets`` check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.core.errors import InputError

# A run export is metadata, kilobytes; a much larger file is not one.
MAX_EXPORT_BYTES = 16 * 1024 * 1024
_CONTEXT_TAG = "mlflow.data.context"


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetInput:
    """A dataset the run logged: name, digest, where it was read and in which role."""

    name: str
    digest: str | None = None
    source: str | None = None
    context: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MlflowRun:
    """The parts of an MLflow run a gate uses: its latest metrics and its dataset inputs."""

    run_id: str
    metrics: tuple[tuple[str, float], ...] = ()
    datasets: tuple[DatasetInput, ...] = ()

    def metric(self, name: str) -> float | None:
        """The latest value of metric ``name``, or ``None`` when the run did not log it."""
        return dict(self.metrics).get(name)

    def lineage_manifest(self, purpose: str = "training") -> dict[str, Any]:
        """The run's datasets as a lineage manifest (``run``, ``purpose``, ``inputs``)."""
        inputs = [
            {"id": d.name, "path": d.source, "digest": d.digest, "purpose": d.context}
            for d in self.datasets
        ]
        cleaned = [{key: value for key, value in item.items() if value} for item in inputs]
        return {"run": self.run_id, "purpose": purpose, "inputs": cleaned}


def _latest(metrics: Any) -> tuple[tuple[str, float], ...]:
    """One value per key: the highest step, then the latest timestamp, wins.

    REST exports list every logged value; ``Run.to_dictionary()`` maps keys to the latest.
    """
    if isinstance(metrics, dict):
        return tuple(sorted((str(key), float(value)) for key, value in metrics.items()))
    best: dict[str, tuple[int, int, float]] = {}
    for item in metrics or []:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            continue
        order = (int(item.get("step") or 0), int(item.get("timestamp") or 0))
        value = float(item["value"])
        if item["key"] not in best or order >= best[item["key"]][:2]:
            best[item["key"]] = (*order, value)
    return tuple(sorted((key, entry[2]) for key, entry in best.items()))


def _source(dataset: dict[str, Any]) -> str | None:
    # MLflow stores the source as JSON text, e.g. {"uri": "s3://bucket/train.parquet"}.
    text = dataset.get("source")
    try:
        parsed = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return text if isinstance(text, str) else None
    if isinstance(parsed, dict):
        found = parsed.get("uri") or parsed.get("url") or parsed.get("path")
        return str(found) if found else None
    return text if isinstance(text, str) else None


def _dataset(entry: Any) -> DatasetInput | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("dataset"), dict):
        return None
    dataset = entry["dataset"]
    tags = {t.get("key"): t.get("value") for t in entry.get("tags") or [] if isinstance(t, dict)}
    return DatasetInput(
        name=str(dataset.get("name", "")),
        digest=dataset.get("digest") or None,
        source=_source(dataset),
        context=tags.get(_CONTEXT_TAG),
    )


def run_from_document(document: Any) -> MlflowRun:
    """An :class:`MlflowRun` from the parsed ``runs/get`` JSON (``{"run": ...}`` or the run)."""
    run = document.get("run", document) if isinstance(document, dict) else None
    if not isinstance(run, dict) or not isinstance(run.get("info"), dict):
        raise InputError("not an MLflow run export (expected {'run': {'info': ...}})")
    data: dict[str, Any] = run["data"] if isinstance(run.get("data"), dict) else {}
    inputs: dict[str, Any] = run["inputs"] if isinstance(run.get("inputs"), dict) else {}
    try:
        metrics = _latest(data.get("metrics"))
    except (TypeError, ValueError) as error:
        raise InputError(f"MLflow run export has a malformed metric ({error})") from None
    datasets = (_dataset(e) for e in inputs.get("dataset_inputs") or [])
    return MlflowRun(
        run_id=str(run["info"].get("run_id", "")),
        metrics=metrics,
        datasets=tuple(d for d in datasets if d is not None),
    )


def read_run_export(path: Path) -> MlflowRun:
    """Read a ``runs/get`` JSON file; a missing, huge or malformed file is an input error."""
    try:
        if path.stat().st_size > MAX_EXPORT_BYTES:
            raise InputError(f"{path}: larger than {MAX_EXPORT_BYTES} bytes")
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise InputError(f"{path}: no such MLflow run export") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not JSON ({error})") from None
    return run_from_document(document)


def fetch_run(run_id: str, tracking_uri: str | None = None) -> MlflowRun:
    """Read a run from the tracking server with ``mlflow`` (which mlgate does not require)."""
    try:
        from mlflow.tracking import MlflowClient  # type: ignore[import-not-found]  # optional
    except ImportError:
        raise InputError(
            "reading from an MLflow server needs the 'mlflow' package; "
            "or export the run as JSON and use read_run_export"
        ) from None
    run = MlflowClient(tracking_uri=tracking_uri).get_run(run_id)
    return run_from_document({"run": run.to_dictionary()})
