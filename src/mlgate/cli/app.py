"""The ``mlgate`` command: argument parsing and dispatch only.

Subcommand modules are imported on use, so ``mlgate --help`` and ``mlgate --version``
never pay for pydantic, rich or any check.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlgate.cli.exit import ExitCode

Handler = Callable[[argparse.Namespace], "ExitCode"]


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-f", "--format", dest="formats", action="append", default=[], metavar="FMT[=PATH]",
        help="report format to write (terminal, json, sarif, junit, markdown, github, html); "
        "repeatable; PATH defaults to the report directory",
    )  # fmt: skip
    parser.add_argument(
        "-o", "--output", metavar="PATH", help="file for the single --format given (- for stdout)"
    )
    parser.add_argument("--output-dir", metavar="DIR", help="directory for report files")
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="do not print the terminal report"
    )
    parser.add_argument(
        "--summary", action="store_true", help="print one line per blocking cause instead of "
        "the full terminal report, which is written to REPORT_DIR/mlgate.txt",
    )  # fmt: skip


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-p", "--policy", metavar="FILE", help="policy file (default: mlgate.yaml)")
    parser.add_argument("-j", "--jobs", type=int, metavar="N", help="checks run at once")
    parser.add_argument("--baseline", metavar="FILE", help="baseline file overriding the policy's")
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress display, even on a terminal"
    )


def _add_history_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--history", dest="history", action="append", nargs="?", const="HEAD", metavar="REF",
        help="secrets check: also scan every blob of the git history reachable from REF "
        "(default HEAD; repeatable), reporting where each secret was first committed",
    )  # fmt: skip


def _add_attest_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--attest", metavar="KEY|sigstore", help="sign an in-toto statement of the verdict with "
        "this PEM private key (Ed25519 or ECDSA P-256; passphrase from $MLGATE_KEY_PASSWORD), "
        "or `sigstore`: keyless, with the CI job's OIDC identity (a key file named sigstore: "
        "./sigstore)",
    )  # fmt: skip
    parser.add_argument(
        "--subject", dest="subjects", action="append", default=[], metavar="PATH",
        help="artifact the statement is about (repeatable; default: the checks' input files "
        "and the images the images check judged)",
    )  # fmt: skip
    parser.add_argument(
        "--subject-image", dest="subject_images", action="append", default=[],
        metavar="REF@sha256:HEX", help="container image the statement is about, by digest "
        "(repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--attestation", metavar="PATH",
        help="signed statement file (default: REPORT_DIR/mlgate.intoto.jsonl, or "
        "REPORT_DIR/mlgate.sigstore.json with --attest sigstore)",
    )  # fmt: skip


def _add_verify_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verify = sub.add_parser("verify", help="check a signed verdict before deploying (exit 0 ok)")
    verify.add_argument(
        "envelope",
        metavar="ENVELOPE",
        help="DSSE envelope (or Sigstore bundle) from `run --attest`",
    )
    verify.add_argument("--key", metavar="PUB", help="PEM public key (DSSE envelope)")
    verify.add_argument(
        "--certificate-identity", metavar="SAN", help="Sigstore bundle: the signer's identity, "
        "e.g. https://github.com/ORG/REPO/.github/workflows/ci.yml@refs/heads/main",
    )  # fmt: skip
    verify.add_argument(
        "--certificate-oidc-issuer", metavar="URL", help="Sigstore bundle: the identity's "
        "issuer, e.g. https://token.actions.githubusercontent.com",
    )  # fmt: skip
    verify.add_argument(
        "--trusted-root", metavar="FILE", help="Sigstore trusted_root.json to verify against "
        "offline (default: Sigstore's production root, refreshed online)",
    )  # fmt: skip
    verify.add_argument(
        "--subject", dest="subjects", action="append", default=[], metavar="PATH",
        help="artifact that must be a subject (repeatable; a directory means every file in it)",
    )  # fmt: skip
    verify.add_argument(
        "--subject-image", dest="subject_images", action="append", default=[],
        metavar="REF@sha256:HEX", help="image that must be a subject, by digest (repeatable)",
    )  # fmt: skip
    verify.add_argument("--gate", required=True, metavar="GATE", help="gate that must have passed")
    verify.add_argument(
        "--policy", required=True, metavar="FILE", help="policy file the gate must have used"
    )
    verify.add_argument(
        "--max-age", default="24h", metavar="AGE", help="oldest acceptable statement (default 24h)"
    )


def _add_supply_chain_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sbom = sub.add_parser("sbom", help="write a CycloneDX SBOM of what the gates judge")
    sbom.add_argument("gates", nargs="*", metavar="GATE", help="gates to cover (default: all)")
    sbom.add_argument("-p", "--policy", metavar="FILE", help="policy file (default: mlgate.yaml)")
    sbom.add_argument("-o", "--output", metavar="PATH", help="file (default: REPORT_DIR/"
                      "mlgate.cdx.json; - for stdout)")  # fmt: skip
    db = sub.add_parser("db", help="manage the offline OSV advisory database")
    update = db.add_subparsers(dest="db_command", required=True).add_parser(
        "update", help="download OSV's archive (or install --archive) atomically"
    )
    update.add_argument("--ecosystem", default="PyPI", help="OSV ecosystem (default PyPI)")
    update.add_argument("--dest", metavar="PATH", help="where all.zip goes "
                        "(default .mlgate-cache/osv/ECOSYSTEM/all.zip)")  # fmt: skip
    update.add_argument("--archive", metavar="ZIP", help="install this archive, no download")
    datasets = sub.add_parser("datasets", help="dataset content digests and approvals")
    verbs = datasets.add_subparsers(dest="datasets_command", required=True)
    digest = verbs.add_parser("digest", help="content digest of a file or directory tree")
    digest.add_argument("path", metavar="PATH", help="file or directory")
    digest.add_argument("-j", "--workers", type=int, metavar="N", help="hashing threads")
    digest.add_argument("--manifest", action="store_true", help="print the per-file manifest")
    digest.add_argument("--no-progress", action="store_true", help="no progress bar")
    approve = verbs.add_parser("approve", help="add a dataset to the approved registry")
    approve.add_argument("id", metavar="ID", help="dataset id")
    approve.add_argument("--location", required=True, help="path (relative to the registry) or URI")
    approve.add_argument("--license", required=True, help="license id, e.g. CC-BY-4.0")
    approve.add_argument("--owner", required=True, help="accountable owner")
    approve.add_argument("--until", required=True, metavar="DATE", help="approval expiry")
    approve.add_argument("--from", dest="approved_from", metavar="DATE", help="approval start")
    approve.add_argument("--pii", default="none", help="none|pseudonymous|personal|sensitive")
    approve.add_argument("--purpose", dest="purposes", action="append", help="allowed purpose")
    approve.add_argument("--digest", help="approved digest (default: computed from --location)")
    approve.add_argument("--registry", default="datasets.yaml", help="registry file")
    lineage = sub.add_parser("lineage", help="record which datasets a training run read")
    record = lineage.add_subparsers(dest="lineage_command", required=True).add_parser(
        "record", help="write a lineage manifest with content digests"
    )
    record.add_argument("--input", dest="inputs", action="append", required=True,
                        metavar="ID=PATH", help="dataset read by the run (repeatable)")  # fmt: skip
    record.add_argument("--run", required=True, help="run name or id")
    record.add_argument("--purpose", default="training", help="purpose (default training)")
    record.add_argument("-o", "--output", default="lineage.json", help="manifest file")
    record.add_argument("--root", default=".", help="directory the input paths are under")


def _add_model_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    model = sub.add_parser("model", help="helpers of the model check (reference profiles)")
    actions = model.add_subparsers(dest="model_command", metavar="ACTION", required=True)
    profile = actions.add_parser("profile", help="store the drift reference profile as JSON")
    profile.add_argument("data", nargs="+", metavar="DATA", help="Parquet or CSV files")
    profile.add_argument("-o", "--output", required=True, metavar="FILE", help="profile to write")
    for option in ("numeric", "categorical"):
        profile.add_argument(
            f"--{option}", action="append", default=[], metavar="COL",
            help=f"{option} feature column (repeatable, or comma-separated)",
        )  # fmt: skip
    profile.add_argument(
        "--task", choices=("classification", "regression"), default="classification",
        help="the policy's task: a 0/1 label and scores, or a numeric target and predictions",
    )  # fmt: skip
    profile.add_argument("--label", metavar="COL", help="label or target column (its drift)")
    profile.add_argument("--prediction", metavar="COL", help="score or prediction column")
    profile.add_argument("--batch-rows", type=int, default=65536, help=argparse.SUPPRESS)


def _subcommands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = sub.add_parser("run", help="run gates of the policy and decide pass/block")
    run.add_argument("gates", nargs="*", metavar="GATE", help="gates to run (default: all)")
    _add_run_options(run)
    run.add_argument(
        "--changed-since", metavar="REF", help="pull-request mode: report only findings on "
        "lines changed since the merge base of REF and HEAD (`auto`: the CI's target branch)",
    )  # fmt: skip
    _add_history_option(run)
    _add_output_options(run)
    _add_attest_options(run)

    scan = sub.add_parser("scan", help="run one check over paths with default settings")
    scan.add_argument("check", metavar="CHECK", help="check id (see `mlgate checks`)")
    scan.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    scan.add_argument("--fail-on", default="high", metavar="SEVERITY", help="blocking severity")
    scan.add_argument("-j", "--jobs", type=int, metavar="N", help="checks run at once")
    scan.add_argument("--no-progress", action="store_true", help="no progress display")
    _add_history_option(scan)
    _add_output_options(scan)

    init = sub.add_parser("init", help="write a commented starter policy for this project")
    init.add_argument("directory", nargs="?", default=".", help="project directory")
    init.add_argument("--force", action="store_true", help="overwrite an existing policy")

    explain = sub.add_parser("explain", help="describe a rule: what, why, how to fix")
    explain.add_argument("rule", metavar="RULE", help="rule id or slug, e.g. SARIF001")

    sub.add_parser("schema", help="print the JSON Schema of the policy file")
    sub.add_parser("checks", help="list installed checks and reporters")

    report = sub.add_parser("report", help="re-render saved JSON verdicts (merges several)")
    report.add_argument("verdicts", nargs="+", metavar="VERDICT_JSON", help="JSON verdict files")
    _add_output_options(report)

    baseline = sub.add_parser("baseline", help="accept current findings as existing debt")
    baseline.add_argument("gates", nargs="*", metavar="GATE", help="gates to run (default: all)")
    _add_run_options(baseline)
    _add_history_option(baseline)
    baseline.add_argument("-o", "--output", metavar="PATH", help="baseline file to write")

    _add_verify_parser(sub)
    _add_model_parser(sub)
    _add_supply_chain_parsers(sub)
    _add_artifacts_parser(sub)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    from mlgate import __version__

    parser = argparse.ArgumentParser(
        prog="mlgate",
        description="Security and quality gates for ML delivery pipelines.",
        epilog="exit codes: 0 pass, 1 blocked, 2 bad input, 3 internal error or incomplete check",
    )
    parser.add_argument("--version", action="version", version=f"mlgate {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _subcommands(sub)
    return parser


def _run_commands() -> ModuleType:
    from mlgate.cli import run

    return run


def _policy_commands() -> ModuleType:
    from mlgate.cli import policy

    return policy


def _explain_commands() -> ModuleType:
    from mlgate.cli import explain

    return explain


def _report_commands() -> ModuleType:
    from mlgate.cli import report

    return report


def _verify_commands() -> ModuleType:
    from mlgate.cli import verify

    return verify


def _scan_image_commands() -> ModuleType:
    from mlgate.cli import scan_image

    return scan_image


def _sbom_commands() -> ModuleType:
    from mlgate.cli import sbom

    return sbom


def _db_commands() -> ModuleType:
    from mlgate.cli import db

    return db


def _datasets_commands() -> ModuleType:
    from mlgate.cli import datasets

    return datasets


def _model_commands() -> ModuleType:
    from mlgate.cli import model

    return model


def _add_artifacts_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``artifacts`` command group and its two actions."""
    group = sub.add_parser("artifacts", help="digest manifests of model directories")
    actions = group.add_subparsers(dest="artifacts_command", metavar="ACTION", required=True)
    manifest = actions.add_parser("manifest", help="write the sha256 manifest of a directory")
    manifest.add_argument("directory", metavar="DIR", help="model directory")
    manifest.add_argument("-o", "--output", default="-", metavar="FILE", help="file (- stdout)")
    manifest.add_argument(
        "--ignore", action="append", default=[], metavar="GLOB", help="path left out (repeatable)"
    )
    manifest.add_argument("-j", "--workers", type=int, metavar="N", help="hashing threads")
    verify = actions.add_parser("verify", help="compare a directory with its manifest")
    verify.add_argument("directory", metavar="DIR", help="model directory")
    verify.add_argument("--manifest", required=True, metavar="FILE", help="manifest to check")
    verify.add_argument("-j", "--workers", type=int, metavar="N", help="hashing threads")


def _artifacts_commands() -> ModuleType:
    from mlgate.cli import artifacts

    return artifacts


# Each subcommand module is imported only when one of its commands runs.
_MODULES: dict[str, Callable[[], ModuleType]] = {
    "run": _run_commands,
    "scan": _run_commands,
    "baseline": _run_commands,
    "init": _policy_commands,
    "schema": _policy_commands,
    "explain": _explain_commands,
    "checks": _explain_commands,
    "report": _report_commands,
    "verify": _verify_commands,
    "model": _model_commands,
    "sbom": _sbom_commands,
    "db": _db_commands,
    "datasets": _datasets_commands,
    "lineage": _datasets_commands,
    "artifacts": _artifacts_commands,
    "scan_image": _scan_image_commands,
}


def _handler(command: str) -> Handler:
    handler: Handler = getattr(_MODULES[command](), f"command_{command}")
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``mlgate`` with ``argv`` and return the exit code (never calls ``sys.exit``)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        # argparse exits 2 on bad usage and 0 on --help/--version: keep its codes.
        return int(stop.code or 0)
    from mlgate.cli.errors import guarded

    # `mlgate scan image REF` runs a scanner first; `mlgate scan CHECK PATHS` does not.
    command = "scan_image" if args.command == "scan" and args.check == "image" else args.command
    return int(guarded(lambda: _handler(command)(args), verbose=args.verbose))


def console_main() -> None:
    """The console-script entry point."""
    sys.exit(main())
