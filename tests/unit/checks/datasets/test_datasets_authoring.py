"""Approving datasets and recording lineage produce files the check accepts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from builders.datasets import write_shards
from mlgate.checks.datasets import DatasetsCheck, DatasetsConfig
from mlgate.checks.datasets.authoring import approve_dataset, record_lineage
from mlgate.checks.datasets.digest import content_digest
from mlgate.checks.datasets.registry import ApprovedDataset, Pii, load_registry
from mlgate.core.check import CheckContext
from mlgate.core.errors import PolicyError


def approved(dataset_id: str, digest: str) -> ApprovedDataset:
    return ApprovedDataset(
        id=dataset_id, location=f"data/{dataset_id}", digest=digest, license="CC0-1.0",
        pii=Pii.PSEUDONYMOUS, owner="ml@example.com", approved_until=date(2026, 6, 30),
    )  # fmt: skip


def test_approve_then_record_then_check_passes(tmp_path: Path) -> None:
    shards = write_shards(tmp_path / "data" / "churn")
    registry = tmp_path / "datasets.yaml"
    approve_dataset(registry, approved("churn", content_digest(shards)))
    approve_dataset(registry, approved("other", "sha256:" + "0" * 64))
    assert sorted(load_registry(registry, "datasets.yaml")) == ["churn", "other"]
    lineage = record_lineage(
        tmp_path / "lineage.json", root=tmp_path, inputs=[("churn", "data/churn")], run="r1"
    )
    assert lineage.inputs[0].digest == content_digest(shards)
    context = CheckContext(root=tmp_path, gate="post-train", today=date(2026, 1, 1))
    result = DatasetsCheck().run(context, DatasetsConfig())
    assert (result.findings, result.errors, result.inputs) == ((), (), 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "datasets.yaml", "lineage.json"]


def test_approving_an_id_twice_is_refused(tmp_path: Path) -> None:
    registry = tmp_path / "datasets.yaml"
    approve_dataset(registry, approved("a", "sha256:" + "1" * 64))
    with pytest.raises(PolicyError, match="already registered"):
        approve_dataset(registry, approved("a", "sha256:" + "2" * 64))
