"""`mlgate scan image REF`: a clear exit 2 without scanners, the gate on a scanner's report."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from builders.scan_reports import trivy_image, trivy_vulnerability
from mlgate.cli.app import main


def test_without_trivy_or_grype_exit_2_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "image", "registry.example.com/api:1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "neither trivy nor grype is on PATH" in err


def _fake_trivy(bin_dir: Path, report: str, record: Path) -> None:
    # A stand-in for the real binary: records its arguments, writes a recorded report.
    (bin_dir / "report.json").write_text(report)
    script = bin_dir / "trivy"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > "{record}"\n'
        'while [ "$1" != "--output" ]; do shift; done\n'
        f'cp "{bin_dir / "report.json"}" "$2"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_runs_trivy_from_path_and_gates_its_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bin_dir, work = tmp_path / "bin", tmp_path / "work"
    bin_dir.mkdir()
    work.mkdir()
    critical = trivy_vulnerability("CVE-2024-0001", "openssl", "CRITICAL", fixed="3.0.14")
    _fake_trivy(bin_dir, trivy_image([critical], created="2026-01-10T08:00:00Z"), tmp_path / "args")
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.chdir(work)
    # Options first: argparse takes `REF -- SCANNER ARGS` as one run of positionals.
    code = main(["scan", "--no-progress", "-q", "image", "registry.example.com/api:1",
                 "--", "--offline-scan"])  # fmt: skip
    assert code == 1
    assert (tmp_path / "args").read_text().split() == [
        "image", "--format", "json", "--output", "mlgate-reports/trivy-image.json",
        "--offline-scan", "registry.example.com/api:1",
    ]  # fmt: skip
    assert "trivy report of registry.example.com/api:1" in capsys.readouterr().out
