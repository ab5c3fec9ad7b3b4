"""The ``datasets`` check end to end: exact findings for every lineage failure mode."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from builders.datasets import Entry, write_lineage, write_registry, write_shards
from mlgate.checks.datasets import DatasetsCheck, DatasetsConfig
from mlgate.checks.datasets.digest import content_digest, measure
from mlgate.checks.datasets.rules import RULES
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.finding import DatasetLocation
from mlgate.core.plugins import check_registry

TODAY = date(2026, 1, 15)


def run_check(root: Path, today: date = TODAY, **settings: Any) -> CheckResult:
    context = CheckContext(root=root, gate="post-train", today=today)
    return DatasetsCheck().run(context, DatasetsConfig(**settings))


def keyed(result: CheckResult) -> list[tuple[str, str, str | None]]:
    out = []
    for f in result.findings:
        assert isinstance(f.location, DatasetLocation)
        out.append((f.rule_id, f.location.dataset_id, f.location.path))
    return sorted(out)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shards = write_shards(tmp_path / "data" / "churn")
    write_registry(tmp_path / "datasets.yaml", [
        Entry(id="churn", location="data/churn", digest=content_digest(shards)),
        Entry(id="census", location="s3://bucket/census", digest="sha256:" + "1" * 64,
              license="CC-BY-NC-4.0", pii="sensitive", purposes=["evaluation"],
              approved_until=date(2025, 12, 31)),
    ])  # fmt: skip
    return tmp_path


def test_registered(project: Path) -> None:
    assert check_registry().load("datasets") is DatasetsCheck
    assert {r.id for r in RULES} == {f"DATA00{i}" for i in range(1, 8)}


def test_approved_unchanged_dataset_passes(project: Path) -> None:
    write_lineage(project / "lineage.json", [{"id": "churn", "path": "data/churn"}])
    result = run_check(project)
    assert (result.findings, result.errors, result.inputs) == ((), (), 1)


def test_match_by_path_alone(project: Path) -> None:
    write_lineage(project / "lineage.json", [{"path": "data/churn"}])
    assert run_check(project).findings == ()


def test_unapproved_dataset_blocks_with_an_exact_finding(project: Path) -> None:
    write_shards(project / "data" / "scraped", seed=9)
    write_lineage(project / "run" / "lineage.json", [
        {"id": "churn"}, {"path": "data/scraped"},
    ])  # fmt: skip
    result = run_check(project)
    (finding,) = result.findings
    assert finding.rule_id == "DATA001"
    assert finding.location == DatasetLocation(dataset_id="data/scraped", path="data/scraped")
    assert finding.message == (
        "Dataset data/scraped used by run/lineage.json is not in the approved registry."
    )
    assert dict(finding.properties) == {"lineage": "run/lineage.json"}


def test_tampered_content_is_a_digest_mismatch(project: Path) -> None:
    with (project / "data" / "churn" / "part-00002.csv").open("a") as handle:
        handle.write("c9,1,0\n")
    write_lineage(project / "lineage.json", [{"id": "churn"}])
    assert keyed(run_check(project)) == [("DATA002", "churn", None)]
    assert run_check(project, verify_content=False).findings == ()


def test_recorded_digest_differs_from_approval(project: Path) -> None:
    write_lineage(project / "lineage.json", [{"id": "churn", "digest": "sha256:" + "0" * 64}])
    (finding,) = run_check(project).findings
    assert finding.rule_id == "DATA002"
    assert finding.message.startswith("Run recorded sha256:0000")


def test_missing_data_cannot_be_verified(project: Path) -> None:
    write_lineage(project / "lineage.json", [{"id": "churn", "path": "data/gone"}])
    (finding,) = run_check(project).findings
    assert (finding.rule_id, finding.message) == (
        "DATA002", "Data of dataset churn is missing, so its content cannot be verified.",
    )  # fmt: skip


def test_expired_and_not_yet_valid_approvals(project: Path) -> None:
    write_lineage(project / "lineage.json", [{"id": "churn"}])
    expired = run_check(project, today=date(2027, 1, 1)).findings
    early = run_check(project, today=date(2024, 6, 1)).findings
    assert [f.message for f in (*expired, *early)] == [
        "Approval of dataset churn expired on 2026-12-31.",
        "Approval of dataset churn starts only on 2025-01-01.",
    ]
    assert run_check(project, today=date(2026, 12, 31)).findings == ()


def test_remote_dataset_policy_findings(project: Path) -> None:
    write_lineage(project / "lineage.json", [{"id": "census"}], purpose="training")
    result = run_check(project, denied_licenses=["cc-by-nc-4.0"])
    assert keyed(result) == [
        ("DATA003", "census", None), ("DATA004", "census", None),
        ("DATA005", "census", None), ("DATA006", "census", None),
    ]  # fmt: skip
    assert result.errors == ()


def test_allowed_licenses_and_pii_ceiling(project: Path) -> None:
    write_lineage(project / "lineage.json", [{"id": "churn"}])
    assert keyed(run_check(project, allowed_licenses=["MIT"])) == [("DATA004", "churn", None)]
    assert run_check(project, max_pii="none").findings == ()


def test_empty_lineage_is_a_finding(project: Path) -> None:
    write_lineage(project / "lineage.json", [])
    assert keyed(run_check(project)) == [("DATA007", "-", None)]


def test_data_outside_the_root_is_an_error(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = write_shards(tmp_path_factory.mktemp("elsewhere") / "x")
    write_lineage(project / "lineage.json", [{"id": "churn", "path": str(outside)}])
    assert run_check(project).errors == (
        "lineage.json: data of churn lies outside the project root",
    )


def test_unreadable_registry_and_manifest_are_errors(project: Path) -> None:
    (project / "lineage.json").write_text("{not json")
    result = run_check(project)
    assert len(result.errors) == 1
    assert result.errors[0].startswith("lineage.json: invalid JSON")
    (project / "datasets.yaml").write_text("datasets:\n  - id: x\n    location: y\n")
    (error,) = run_check(project).errors
    assert error.startswith("dataset registry: datasets.yaml:2: datasets.0.digest: Field required")


def test_non_mapping_registry_and_lineage_name_their_own_top_level_key(project: Path) -> None:
    (project / "datasets.yaml").write_text("")
    assert run_check(project).errors == (
        "dataset registry: datasets.yaml: the file is empty; it needs at least `datasets:`",
    )
    write_registry(project / "datasets.yaml", [])
    (project / "lineage.yaml").write_text("- churn\n")
    assert run_check(project).errors == (
        "lineage.yaml: the top level must be a mapping with `inputs:`",
    )


def test_registry_directory_and_duplicate_ids(project: Path) -> None:
    registry = project / "registry"
    write_registry(
        registry / "team-a.yaml", [Entry(id="a", location="x", digest="sha256:" + "a" * 64)]
    )
    write_registry(
        registry / "team-b.yaml", [Entry(id="a", location="y", digest="sha256:" + "b" * 64)]
    )
    write_lineage(project / "lineage.json", [{"id": "a"}])
    assert run_check(project, registry="registry").errors == (
        "dataset registry: registry/team-b.yaml: dataset id 'a' is registered twice",
    )
    (registry / "team-b.yaml").unlink()
    assert keyed(run_check(project, registry="registry", verify_content=False)) == []


def test_two_manifests_naming_the_same_data_by_id_and_path(project: Path) -> None:
    write_lineage(project / "a.lineage.json", [{"id": "churn"}])
    write_lineage(project / "b.lineage.json", [{"path": "data/churn"}])
    result = run_check(project)
    assert (result.findings, result.inputs) == ((), 2)


def test_missing_registry_is_an_error(tmp_path: Path) -> None:
    write_lineage(tmp_path / "lineage.json", [{"id": "x"}])
    assert run_check(tmp_path).errors == (
        "dataset registry: datasets.yaml: does not exist (add datasets with "
        "`mlgate datasets approve`)",
    )


def test_a_legacy_approval_of_unchanged_content_still_matches(project: Path) -> None:
    shards = project / "data" / "churn"
    legacy = measure(shards).legacy
    assert legacy is not None and legacy != content_digest(shards)
    write_registry(project / "datasets.yaml", [
        Entry(id="churn", location="data/churn", digest=legacy),
    ])  # fmt: skip
    # A run recorded with the current digest form, against the legacy approval.
    write_lineage(project / "lineage.json", [
        {"id": "churn", "path": "data/churn", "digest": content_digest(shards)},
    ])  # fmt: skip
    assert run_check(project).findings == ()
    with (shards / "part-00000.csv").open("a") as handle:
        handle.write("tampered\n")
    assert keyed(run_check(project)) == [("DATA002", "churn", "data/churn")]
