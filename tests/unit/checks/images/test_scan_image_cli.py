"""`mlgate scan image REF`: a clear exit 2 without scanners, the gate on a scanner's report."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from builders.scan_reports import DIGEST, OTHER_DIGEST, trivy_image, trivy_vulnerability
from mlgate.cli.app import main
from mlgate.cli.scan_image import reference_digest


def test_without_trivy_or_grype_exit_2_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "image", "registry.example.com/api:1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "neither trivy nor grype is on PATH" in err


def _trivy_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, report: str) -> Path:
    """Put a recorded-report ``trivy`` first on PATH and enter a fresh work directory.

    The stand-in writes its arguments to ``tmp_path / "args"``; returns the work directory.
    """
    bin_dir, work = tmp_path / "bin", tmp_path / "work"
    bin_dir.mkdir()
    work.mkdir()
    (bin_dir / "report.json").write_text(report)
    script = bin_dir / "trivy"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > "{tmp_path / "args"}"\n'
        'while [ "$1" != "--output" ]; do shift; done\n'
        f'cp "{bin_dir / "report.json"}" "$2"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.chdir(work)
    return work


def test_runs_trivy_from_path_and_gates_its_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    critical = trivy_vulnerability("CVE-2024-0001", "openssl", "CRITICAL", fixed="3.0.14")
    _trivy_on_path(tmp_path, monkeypatch, trivy_image([critical], created="2026-01-10T08:00:00Z"))
    # Options first: argparse takes `REF -- SCANNER ARGS` as one run of positionals.
    code = main(["scan", "--no-progress", "-q", "image", "registry.example.com/api:1",
                 "--", "--offline-scan"])  # fmt: skip
    assert code == 1
    assert (tmp_path / "args").read_text().split() == [
        "image", "--format", "json", "--output", "mlgate-reports/trivy-image.json",
        "--offline-scan", "registry.example.com/api:1",
    ]  # fmt: skip
    assert "trivy report of registry.example.com/api:1" in capsys.readouterr().out


def _gate_json(work: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((work / "verdict.json").read_text())
    return loaded


def _rule_ids(verdict: dict[str, Any]) -> set[str]:
    return {
        judged["finding"]["rule_id"]
        for gate in verdict["gates"]
        for check in gate["checks"]
        for judged in check["findings"]
    }


@pytest.mark.parametrize(
    ("ref", "wrong_digest"),
    [
        (f"registry.example.com/churn-api:1.4.2@{DIGEST}", False),
        (f"registry.example.com/churn-api@{OTHER_DIGEST}", True),
    ],
    ids=["same-digest", "other-digest"],
)
def test_digest_in_ref_is_the_expected_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ref: str, wrong_digest: bool
) -> None:
    work = _trivy_on_path(tmp_path, monkeypatch, trivy_image([], created=None, digest=DIGEST))
    assert main(["scan", "--no-progress", "-q", "-f", "json=verdict.json", "image", ref]) == 1
    verdict = _gate_json(work)
    # The recorded report carries a secret and a failed misconfiguration in any case.
    expected = {"IMG002", "IMG003", *(["IMG005"] if wrong_digest else [])}
    assert _rule_ids(verdict) == expected
    if wrong_digest:
        assert f"not the deployed image {OTHER_DIGEST}" in json.dumps(verdict)


def test_ref_without_digest_names_the_scanned_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = _trivy_on_path(tmp_path, monkeypatch, trivy_image([], created=None, digest=DIGEST))
    main(["scan", "--no-progress", "-q", "-f", "json=verdict.json", "image", "churn-api:1.4.2"])
    out = capsys.readouterr().out
    assert f"churn-api:1.4.2 is not pinned by digest; the report names {DIGEST}" in out
    assert _rule_ids(_gate_json(work)) == {"IMG002", "IMG003"}


@pytest.mark.parametrize(
    ("ref", "digest"),
    [("repo@sha256:" + "AB" * 32, "sha256:" + "ab" * 32), ("repo:1.2", None),
     ("localhost:5000/repo:1@sha512:" + "0" * 128, "sha512:" + "0" * 128), ("repo@latest", None)],
)  # fmt: skip
def test_reference_digest(ref: str, digest: str | None) -> None:
    assert reference_digest(ref) == digest
