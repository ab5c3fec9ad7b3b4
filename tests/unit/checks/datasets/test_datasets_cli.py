"""``mlgate datasets digest|approve`` and ``mlgate lineage record`` through ``main(argv)``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from builders.datasets import write_shards
from mlgate.checks.datasets.digest import content_digest
from mlgate.cli.app import main

POLICY = """\
version: 1
gates:
  post-train:
    checks:
      datasets: {paths: [lineage.json]}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    write_shards(tmp_path / "data" / "churn")
    return tmp_path


def test_digest_prints_the_content_digest_like_sha256sum(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = content_digest(project / "data" / "churn")
    assert main(["datasets", "digest", "data/churn", "--no-progress"]) == 0
    assert capsys.readouterr().out == f"{expected}  data/churn\n"
    assert main(["datasets", "digest", "data/churn", "-j", "2", "--manifest"]) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert manifest["digest"] == expected
    assert [r["name"] for r in manifest["resources"]] == [
        "part-00000.csv", "part-00001.csv", "part-00002.csv",
    ]  # fmt: skip
    assert main(["artifacts", "manifest", "data/churn"]) == 0
    statement = json.loads(capsys.readouterr().out)
    assert manifest["resources"] == statement["predicate"]["resources"]  # one shape, one builder
    assert main(["datasets", "digest", "nowhere"]) == 2
    assert "nowhere: no such file or directory" in capsys.readouterr().err


def _approve(*extra: str) -> int:
    return main([
        "datasets", "approve", "churn", "--location", "data/churn", "--license", "CC0-1.0",
        "--owner", "ml@example.com", "--until", "2099-12-31", *extra,
    ])  # fmt: skip


def test_approve_record_then_run_passes_and_tampering_blocks(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    digest = content_digest(project / "data" / "churn")
    assert _approve("--pii", "pseudonymous", "--purpose", "training") == 0
    assert capsys.readouterr().out == (
        f"mlgate: approved churn ({digest}) until 2099-12-31: datasets.yaml\n"
    )
    entry = yaml.safe_load((project / "datasets.yaml").read_text())["datasets"][0]
    assert (entry["digest"], entry["pii"], entry["purposes"]) == (
        digest, "pseudonymous", ["training"],
    )  # fmt: skip
    assert main(["lineage", "record", "--input", "churn=data/churn", "--run", "n1"]) == 0
    assert json.loads((project / "lineage.json").read_text())["inputs"] == [
        {"id": "churn", "path": "data/churn", "digest": digest}
    ]
    (project / "mlgate.yaml").write_text(POLICY)
    assert main(["run", "-q", "--no-progress", "-f", "json=v.json"]) == 0
    (project / "data" / "churn" / "part-00001.csv").write_text("customer,tenure,churned\n")
    assert main(["run", "-q", "--no-progress", "-f", "json=v.json"]) == 1
    checks = json.loads((project / "v.json").read_text())["gates"][0]["checks"]
    assert [f["finding"]["rule_id"] for f in checks[0]["findings"]] == ["DATA002"]


def test_bad_approvals_and_records_are_input_errors(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _approve() == 0
    assert _approve() == 2
    assert "dataset id 'churn' is already registered" in capsys.readouterr().err
    assert _approve("--registry", "other.yaml", "--pii", "secret") == 2
    assert "dataset entry: pii: Value error, unknown PII class 'secret'" in capsys.readouterr().err
    assert _approve("--registry", "other.yaml", "--until", "soon") == 2
    assert "dataset entry: approved_until: Input should be a valid date" in (
        capsys.readouterr().err
    )
    remote = ["datasets", "approve", "x", "--location", "s3://b/x", "--license", "MIT",
              "--owner", "o", "--until", "2099-01-01", "--registry", "other.yaml"]  # fmt: skip
    assert main(remote) == 2
    assert "a remote location needs --digest" in capsys.readouterr().err
    assert main(["lineage", "record", "--input", "churn", "--run", "r"]) == 2
    assert "expected DATASET_ID=PATH" in capsys.readouterr().err
    assert main(["lineage", "record", "--input", "churn=data/gone", "--run", "r"]) == 2
    assert not (project / "lineage.json").exists()
