"""``mlgate scan image REF``: run Trivy or Grype on an image, then gate on the report.

The scanner found first on PATH (trivy, then grype) writes its JSON report to
``mlgate-reports/<scanner>-image.json``; the ``images`` check then gates that report
exactly as ``mlgate scan images <report>`` would. Arguments after ``--`` go to the
scanner unchanged: ``mlgate scan [OPTIONS] image REF -- --offline-scan --skip-db-update``
(mlgate's options before ``image``, so argparse reads ``REF -- ...`` as one run).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from mlgate.cli.exit import ExitCode

REPORT_DIRECTORY = Path("mlgate-reports")


def scanner_command(scanner: str, executable: str, ref: str, extra: list[str],
                    report: Path) -> list[str]:  # fmt: skip
    """The command line that writes ``scanner``'s JSON report of ``ref`` to ``report``."""
    if scanner == "trivy":
        return [executable, "image", "--format", "json", "--output", str(report), *extra, ref]
    return [executable, ref, "-o", "json", "--file", str(report), *extra]


def _find_scanner() -> tuple[str, str] | None:
    for name in ("trivy", "grype"):
        found = shutil.which(name)
        if found:
            return name, found
    return None


def command_scan_image(args: argparse.Namespace) -> ExitCode:
    """Scan ``args.paths[0]`` with trivy or grype, then run the images check on the report."""
    ref, extra = args.paths[0], args.paths[1:]
    scanner = _find_scanner()
    if scanner is None:
        print("mlgate: error: neither trivy nor grype is on PATH; install one, or gate a "
              "saved report with `mlgate scan images REPORT.json`", file=sys.stderr)  # fmt: skip
        return ExitCode.INPUT
    name, executable = scanner
    REPORT_DIRECTORY.mkdir(exist_ok=True)
    report = REPORT_DIRECTORY / f"{name}-image.json"
    done = subprocess.run(  # the scanner the user installed, never scanned content
        scanner_command(name, executable, ref, extra, report),
        check=False, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0 or not report.is_file():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"mlgate: error: {name} exited {done.returncode}: {last}", file=sys.stderr)
        return ExitCode.INTERNAL
    print(f"mlgate: {name} report of {ref}: {report}")
    from mlgate.cli.run import command_scan

    return command_scan(argparse.Namespace(**{**vars(args), "check": "images",
                                              "paths": [str(report)]}))  # fmt: skip
