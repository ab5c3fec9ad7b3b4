"""MLflow run exports as gate inputs: latest metrics, dataset inputs, lineage manifests."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from mlgate.core.errors import InputError
from mlgate.integrations.mlflow import (
    DatasetInput,
    MlflowRun,
    fetch_run,
    read_run_export,
    run_from_document,
)

# The shape of GET /api/2.0/mlflow/runs/get (MLflow 2.x), trimmed to what is read.
EXPORT = {
    "run": {
        "info": {"run_id": "4f2c", "experiment_id": "1", "status": "FINISHED"},
        "data": {
            "metrics": [
                {"key": "roc_auc", "value": 0.81, "timestamp": 1000, "step": 0},
                {"key": "roc_auc", "value": 0.84, "timestamp": 900, "step": 3},
                {"key": "f1", "value": 0.5, "timestamp": 1000, "step": 0},
                {"key": "f1", "value": 0.61, "timestamp": 2000, "step": 0},
            ],
            "params": [{"key": "max_depth", "value": "6"}],
        },
        "inputs": {
            "dataset_inputs": [
                {
                    "tags": [{"key": "mlflow.data.context", "value": "training"}],
                    "dataset": {
                        "name": "churn-train",
                        "digest": "a1b2c3",
                        "source_type": "s3",
                        "source": '{"uri": "s3://data/churn/train.parquet"}',
                    },
                },
                {"dataset": {"name": "churn-eval", "source": "data/eval.csv"}},
                {"tags": []},
            ]
        },
    }
}


def test_export_gives_latest_metrics_and_datasets(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text(json.dumps(EXPORT))
    run = read_run_export(path)
    assert run == MlflowRun(
        run_id="4f2c",
        metrics=(("f1", 0.61), ("roc_auc", 0.84)),
        datasets=(
            DatasetInput(
                name="churn-train",
                digest="a1b2c3",
                source="s3://data/churn/train.parquet",
                context="training",
            ),
            DatasetInput(name="churn-eval", source="data/eval.csv"),
        ),
    )
    assert (run.metric("roc_auc"), run.metric("loss")) == (0.84, None)


def test_lineage_manifest_for_the_datasets_check() -> None:
    assert run_from_document(EXPORT).lineage_manifest() == {
        "run": "4f2c",
        "purpose": "training",
        "inputs": [
            {"id": "churn-train", "path": "s3://data/churn/train.parquet", "digest": "a1b2c3",
             "purpose": "training"},
            {"id": "churn-eval", "path": "data/eval.csv"},
        ],
    }  # fmt: skip


def test_client_dictionary_form_maps_metric_keys_to_values() -> None:
    document = {"run": {"info": {"run_id": "r"}, "data": {"metrics": {"acc": 1}}}}
    assert run_from_document(document) == MlflowRun(run_id="r", metrics=(("acc", 1.0),))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[]", "not an MLflow run export"),
        ('{"run": {"data": {}}}', "not an MLflow run export"),
        ("{", "not JSON"),
        ('{"run": {"info": {}, "data": {"metrics": [{"key": "a", "value": "x"}]}}}',
         "malformed metric"),
    ],
)  # fmt: skip
def test_malformed_exports_are_input_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "run.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        read_run_export(path)
    with pytest.raises(InputError, match="no such MLflow run export"):
        read_run_export(tmp_path / "missing.json")


def test_fetching_without_mlflow_says_what_to_do() -> None:
    if importlib.util.find_spec("mlflow") is not None:
        pytest.skip("mlflow is installed here; the message is for installs without it")
    with pytest.raises(InputError, match="needs the 'mlflow' package"):
        fetch_run("4f2c")
