"""``mlgate scan image REF``: run Trivy or Grype on an image, then gate on the report.

The scanner found first on PATH (trivy, then grype) writes its JSON report to
``mlgate-reports/<scanner>-image.json``; the ``images`` check then gates that report
exactly as ``mlgate scan images <report>`` would. Arguments after ``--`` go to the
scanner unchanged: ``mlgate scan [OPTIONS] image REF -- --offline-scan --skip-db-update``
(mlgate's options before ``image``, so argparse reads ``REF -- ...`` as one run).

When REF names a digest (``repo@sha256:...``), that digest is the ``expected_digest``
of the gate: a report about any other image (a stale local tag, a registry that
moved the tag) is itself a blocking finding. Without one, the digests the report
names are printed, so the deploy step can pin exactly the image that was scanned.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from mlgate.cli.exit import ExitCode
from mlgate.core.policy.load import Policy, single_check_policy

REPORT_DIRECTORY = Path("mlgate-reports")
_DIGEST = re.compile(r"@([a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,})$")
_REPORT_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def reference_digest(ref: str) -> str | None:
    """The digest an image reference pins (``repo:tag@sha256:...``), or ``None``."""
    match = _DIGEST.search(ref)
    return match.group(1).lower() if match else None


def with_expected_digest(policy: Policy, digest: str) -> Policy:
    """The one-check ``scan`` policy with the images check expecting ``digest``."""
    gates = {
        name: dataclasses.replace(gate, checks=tuple(
            dataclasses.replace(c, config=c.config.model_copy(update={"expected_digest": digest}))
            for c in gate.checks
        ))
        for name, gate in policy.gates.items()
    }  # fmt: skip
    return dataclasses.replace(policy, gates=gates)


def _named_digests(report: Path) -> list[str]:
    """The image digests a scanner report names (RepoDigests / target digests), sorted."""
    try:
        text = report.read_text(encoding="utf-8", errors="replace")
        json.loads(text)  # only a well-formed report is quoted back to the user
    except (OSError, ValueError):
        return []
    return sorted(set(_REPORT_DIGEST.findall(text)))


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
    digest = reference_digest(ref)
    if digest is None:
        named = _named_digests(report)
        pinned = ", ".join(named) if named else "no digest"
        print(f"mlgate: {ref} is not pinned by digest; the report names {pinned}: deploy "
              "that digest, and pass REF@<digest> here to gate on it")  # fmt: skip
    # Deferred: the run machinery loads only once the scanner has finished.
    from mlgate.cli.run import _execute, _report

    scan_args = argparse.Namespace(**{**vars(args), "check": "images", "paths": [str(report)]})
    policy = single_check_policy("images", [str(report)], Path.cwd(), fail_on=args.fail_on)
    if digest is not None:
        policy = with_expected_digest(policy, digest)
    return _report(_execute(policy, [], scan_args), policy, scan_args)
