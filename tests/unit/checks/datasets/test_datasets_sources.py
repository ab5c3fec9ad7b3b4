"""MLflow run exports and SLSA provenance as lineage sources: exact findings per input."""

from __future__ import annotations

import base64
import contextlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders.datasets import Entry, write_registry, write_shards
from mlgate.checks.datasets import DatasetsCheck, DatasetsConfig
from mlgate.checks.datasets.digest import content_digest
from mlgate.checks.datasets.lineage import LineageError
from mlgate.checks.datasets.sources import lineage_from_mlflow, lineage_from_slsa
from mlgate.core.check import CheckContext
from mlgate.core.finding import DatasetLocation

TODAY = date(2026, 1, 1)
CENSUS = "s3://bucket/census"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shards = write_shards(tmp_path / "data" / "churn")
    write_registry(tmp_path / "datasets.yaml", [
        Entry(id="churn", location="data/churn", digest=content_digest(shards),
              purposes=["training", "evaluation"]),
        Entry(id="census", location=CENSUS, digest="sha256:" + "1" * 64, pii="sensitive",
              purposes=["evaluation"], approved_until=date(2025, 12, 31)),
    ])  # fmt: skip
    return tmp_path


def findings(root: Path) -> tuple[list[tuple[str, str, str | None]], tuple[str, ...]]:
    result = DatasetsCheck().run(
        CheckContext(root=root, gate="post-train", today=TODAY), DatasetsConfig()
    )
    keyed = []
    for f in result.findings:
        assert isinstance(f.location, DatasetLocation)
        keyed.append((f.rule_id, f.location.dataset_id, f.location.path))
    return sorted(keyed), result.errors


def mlflow_input(name: str, source: str, context: str, digest: str = "8f1e2d3c") -> dict[str, Any]:
    dataset = {
        "name": name, "digest": digest, "source_type": "s3" if "://" in source else "local",
        "source": json.dumps({"uri": source}), "schema": "{}", "profile": '{"num_rows": 150}',
    }  # fmt: skip
    return {"tags": [{"key": "mlflow.data.context", "value": context}], "dataset": dataset}


def test_mlflow_run_export_inputs_are_judged_with_their_context(project: Path) -> None:
    run = {
        "info": {"run_id": "4f1c", "run_name": "churn-nightly", "status": "FINISHED"},
        "data": {"metrics": {"auc": 0.81}, "params": {}, "tags": {}},
        "inputs": {"dataset_inputs": [
            mlflow_input("churn", "data/churn", "training"),
            mlflow_input("census", CENSUS, "evaluation"),
            mlflow_input("reviews", "s3://bucket/reviews", "training"),
        ]},
    }  # fmt: skip
    (project / "nightly.mlflow-run.json").write_text(json.dumps(run))
    assert findings(project) == (
        [
            ("DATA001", "reviews", "s3://bucket/reviews"),
            ("DATA003", "census", CENSUS),
            ("DATA005", "census", CENSUS),
        ],
        (),
    )
    lineage = lineage_from_mlflow(run)
    assert (lineage.run, [i.purpose for i in lineage.inputs]) == (
        "churn-nightly", ["training", "evaluation", "training"],
    )  # fmt: skip
    # MLflow's sample hash is not a content digest, so it is not compared.
    assert {i.digest for i in lineage.inputs} == {None}


def test_mlflow_inputs_alone_and_a_sha256_digest_is_compared(project: Path) -> None:
    inputs = {
        "dataset_inputs": [mlflow_input("churn", "data/churn", "training", "sha256:" + "0" * 64)]
    }
    (project / "mlflow-run.json").write_text(json.dumps(inputs))
    assert findings(project) == ([("DATA002", "churn", "data/churn")], ())


def provenance(dependencies: list[dict[str, Any]], predicate: str = "v1") -> dict[str, Any]:
    return {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "model/churn.safetensors", "digest": {"sha256": "ab" * 32}}],
        "predicateType": f"https://slsa.dev/provenance/{predicate}",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://example.com/train/v1",
                "externalParameters": {},
                "resolvedDependencies": dependencies,
            },
            "runDetails": {"builder": {"id": "kfp"}, "metadata": {"invocationId": "run-7"}},
        },
    }


def envelope(statement: dict[str, Any]) -> dict[str, Any]:
    payload = base64.b64encode(json.dumps(statement).encode()).decode()
    return {"payloadType": "application/vnd.in-toto+json", "payload": payload, "signatures": []}


def test_slsa_resolved_dependencies_keep_data_and_skip_code(project: Path) -> None:
    approved = content_digest(project / "data" / "churn").removeprefix("sha256:")
    statement = provenance([
        {"uri": "git+https://github.com/acme/churn@refs/heads/main", "digest": {"gitCommit": "a1"}},
        {"uri": "oci://registry/acme/trainer", "digest": {"sha256": "cd" * 32}},
        {"uri": "file://data/churn", "digest": {"sha256": approved},
         "annotations": {"mlgate.dataset": "churn"}},
        {"name": "scrape", "uri": "https://example.com/scrape.zip",
         "annotations": {"kind": "dataset"}},
        {"uri": CENSUS, "digest": {"sha256": "1" * 64}},
    ])  # fmt: skip
    (project / "train.provenance.json").write_text(json.dumps(envelope(statement)))
    assert findings(project) == (
        [
            ("DATA001", "scrape", "https://example.com/scrape.zip"),
            ("DATA003", "census", CENSUS),
            ("DATA005", "census", CENSUS),
            ("DATA006", "census", CENSUS),
        ],
        (),
    )
    assert lineage_from_slsa(statement).run == "run-7"


def test_slsa_v02_materials_and_refused_statements(project: Path) -> None:
    v02 = provenance([], "v0.2")
    v02["predicate"] = {"materials": [{"uri": CENSUS, "digest": {"sha256": "2" * 64}}]}
    assert [(i.path, i.digest) for i in lineage_from_slsa(v02).inputs] == [
        (CENSUS, "sha256:" + "2" * 64)
    ]
    verdict = provenance([]) | {"predicateType": "https://mlgate.dev/verdict/v1"}
    with pytest.raises(LineageError, match="not SLSA provenance"):
        lineage_from_slsa(verdict)
    (project / "bad.slsa.json").write_text(json.dumps({"payloadType": "x", "payload": "%%%"}))
    assert findings(project) == ([], ("bad.slsa.json: DSSE envelope payload is not base64 JSON",))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
KEYS = st.sampled_from(["inputs", "dataset_inputs", "predicateType", "predicate", "payload"])


@given(st.dictionaries(KEYS, JSON, max_size=4))
def test_sources_never_raise_anything_but_lineage_errors(data: dict[str, Any]) -> None:
    for reader in (lineage_from_mlflow, lineage_from_slsa):
        with contextlib.suppress(LineageError):
            reader(data)
