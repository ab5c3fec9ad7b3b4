"""``mlgate sbom`` and ``mlgate db update`` through ``main(argv)``: files, output, exit codes."""

from __future__ import annotations

import json
import urllib.error
from pathlib import Path
from typing import BinaryIO

import pytest

from builders.datasets import Entry, write_lineage, write_registry, write_shards
from builders.osv import Rec, cyclonedx_errors, write_db_zip
from mlgate.checks.datasets.digest import content_digest
from mlgate.cli.app import main

OSV_URL = "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip"
POLICY = """\
version: 1
gates:
  pre-deploy:
    checks:
      deps: {paths: [requirements.txt]}
      artifacts: {paths: [model]}
      datasets: {paths: [lineage.json]}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def _sbom_project(root: Path) -> str:
    (root / "mlgate.yaml").write_text(POLICY)
    (root / "requirements.txt").write_text("Jinja2==3.1.4\nrich==13.7.1\nflask>=3\n")
    (root / "model").mkdir()
    (root / "model" / "churn.safetensors").write_bytes(b"weights")
    (root / "model" / "README.md").write_text("the churn model\n")
    shards = write_shards(root / "data" / "churn")
    write_registry(root / "datasets.yaml", [Entry(id="churn", location="data/churn",
                                                  digest=content_digest(shards))])  # fmt: skip
    remote = {"id": "reviews", "path": "s3://bucket/reviews", "digest": "sha256:" + "c" * 64}
    write_lineage(root / "lineage.json", [{"id": "churn", "path": "data/churn"}, remote])
    return content_digest(shards).removeprefix("sha256:")


def test_sbom_lists_dependencies_models_and_datasets_with_digests(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_digest = _sbom_project(project)
    assert main(["sbom", "-o", "bom.json"]) == 0
    assert capsys.readouterr().out == (
        "mlgate: wrote CycloneDX SBOM (2 package(s), 4 artifact(s) and dataset(s)): bom.json\n"
    )
    document = json.loads((project / "bom.json").read_text())
    assert cyclonedx_errors(document) == []
    assert document["specVersion"] == "1.6"
    components = {c["name"]: c for c in document["components"]}
    summary = [
        (c["type"], name, c.get("version"), [h["content"] for h in c.get("hashes", [])])
        for name, c in sorted(components.items())
    ]
    weights = (
        "9a129038d9a00aed0cf6a7ea059ca50a813449061ab87848cf1a13eafdf33b2c"  # sha256(b"weights")
    )
    assert summary == [
        ("data", "churn", None, [data_digest]),
        ("library", "jinja2", "3.1.4", []),
        ("file", "model/README.md", None, [_sha256(project / "model" / "README.md")]),
        ("machine-learning-model", "model/churn.safetensors", None, [weights]),
        ("data", "reviews", None, ["c" * 64]),
        ("library", "rich", "13.7.1", []),
    ]
    properties = {
        n: {p["name"]: p["value"] for p in components[n]["properties"]}
        for n in ("churn", "reviews")
    }
    assert properties == {
        "churn": {"mlgate:path": "data/churn", "mlgate:digest-basis": "computed"},
        "reviews": {
            "mlgate:path": "s3://bucket/reviews",
            "mlgate:digest-basis": "recorded by the run",
        },
    }
    assert components["churn"]["licenses"] == [{"expression": "CC-BY-4.0"}]


def _sha256(path: Path) -> str:
    return content_digest(path).removeprefix("sha256:")


def test_sbom_to_stdout_and_of_one_gate(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _sbom_project(project)
    assert main(["sbom", "pre-deploy", "-o", "-"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["components"]) == 6


def test_sbom_refuses_an_unknown_gate_and_an_unreadable_input(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _sbom_project(project)
    assert main(["sbom", "nightly"]) == 2
    assert "no gate named 'nightly'" in capsys.readouterr().err
    (project / "requirements.txt").write_bytes(b"\xff\xfe not text")
    assert main(["sbom"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("mlgate: error: gate pre-deploy: requirements.txt")
    assert not (project / "mlgate-reports").exists()


RECORDS = [Rec(id="GHSA-demo-0001", package="jinja2"), Rec(id="PYSEC-0002", package="rich")]


def test_db_update_installs_a_local_archive_that_the_check_then_uses(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = write_db_zip(project / "download" / "all.zip", RECORDS)
    assert main(["db", "update", "--archive", str(archive), "--dest", "osv/all.zip"]) == 0
    assert capsys.readouterr().out.startswith(
        f"mlgate: installed 2 advisory record(s) ({archive.stat().st_size} bytes): osv/all.zip"
    )
    (project / "requirements.txt").write_text("jinja2==1.0\n")
    (project / "mlgate.yaml").write_text(
        "version: 1\ngates:\n  pre-merge:\n    checks:\n"
        "      deps: {paths: [requirements.txt], advisories: osv/all.zip}\n"
    )
    assert main(["run", "-q", "--no-progress", "-f", "json=verdict.json"]) == 1
    verdict = json.loads((project / "verdict.json").read_text())
    findings = verdict["gates"][0]["checks"][0]["findings"]
    assert [f["finding"]["message"] for f in findings] == [
        "jinja2 1.0 is affected by GHSA-demo-0001: Flaw in jinja2. Fixed in 2.0."
    ]


def test_db_update_downloads_through_the_fetch_seam(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = write_db_zip(project / "served.zip", RECORDS).read_bytes()
    requested: list[str] = []

    def fake_fetch(url: str, out: BinaryIO) -> None:
        requested.append(url)
        out.write(payload)

    monkeypatch.setattr("mlgate.cli.db.https_fetch", fake_fetch)  # the network boundary
    assert main(["db", "update"]) == 0
    assert requested == [OSV_URL]
    installed = project / ".mlgate-cache" / "osv" / "PyPI" / "all.zip"
    assert installed.read_bytes() == payload
    assert "installed 2 advisory record(s)" in capsys.readouterr().out


def test_db_update_keeps_the_old_database_when_the_new_one_is_bad(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write_db_zip(project / "osv" / "all.zip", RECORDS).read_bytes()
    (project / "broken.zip").write_bytes(b"PK\x03\x04 truncated")
    assert main(["db", "update", "--archive", "broken.zip", "--dest", "osv/all.zip"]) == 2
    assert "archive broken.zip: all.zip.part" not in capsys.readouterr().err
    assert main(["db", "update", "--archive", "missing.zip", "--dest", "osv/all.zip"]) == 2

    def offline(url: str, out: BinaryIO) -> None:
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr("mlgate.cli.db.https_fetch", offline)
    assert main(["db", "update", "--dest", "osv/all.zip"]) == 3
    assert "advisory download failed" in capsys.readouterr().err
    assert (project / "osv" / "all.zip").read_bytes() == old
    assert sorted(p.name for p in (project / "osv").iterdir()) == ["all.zip"]
