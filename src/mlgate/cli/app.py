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


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-p", "--policy", metavar="FILE", help="policy file (default: mlgate.yaml)")
    parser.add_argument("-j", "--jobs", type=int, metavar="N", help="checks run at once")
    parser.add_argument("--baseline", metavar="FILE", help="baseline file overriding the policy's")
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress display, even on a terminal"
    )


def _add_attest_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--attest", metavar="KEY", help="sign an in-toto statement of the verdict with this PEM "
        "private key (Ed25519 or ECDSA P-256; passphrase from $MLGATE_KEY_PASSWORD)",
    )  # fmt: skip
    parser.add_argument(
        "--subject", dest="subjects", action="append", default=[], metavar="PATH",
        help="artifact the statement is about (repeatable; default: the checks' input files)",
    )  # fmt: skip
    parser.add_argument(
        "--attestation", metavar="PATH",
        help="signed statement file (default: REPORT_DIR/mlgate.intoto.jsonl)",
    )  # fmt: skip


def _add_verify_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verify = sub.add_parser("verify", help="check a signed verdict before deploying (exit 0 ok)")
    verify.add_argument("envelope", metavar="ENVELOPE", help="DSSE envelope from `run --attest`")
    verify.add_argument("--key", required=True, metavar="PUB", help="PEM public key")
    verify.add_argument(
        "--subject", dest="subjects", action="append", required=True, metavar="PATH",
        help="artifact that must be a subject (repeatable; a directory means every file in it)",
    )  # fmt: skip
    verify.add_argument("--gate", required=True, metavar="GATE", help="gate that must have passed")
    verify.add_argument(
        "--policy", required=True, metavar="FILE", help="policy file the gate must have used"
    )
    verify.add_argument(
        "--max-age", default="24h", metavar="AGE", help="oldest acceptable statement (default 24h)"
    )


def _subcommands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = sub.add_parser("run", help="run gates of the policy and decide pass/block")
    run.add_argument("gates", nargs="*", metavar="GATE", help="gates to run (default: all)")
    _add_run_options(run)
    _add_output_options(run)
    _add_attest_options(run)

    scan = sub.add_parser("scan", help="run one check over paths with default settings")
    scan.add_argument("check", metavar="CHECK", help="check id (see `mlgate checks`)")
    scan.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    scan.add_argument("--fail-on", default="high", metavar="SEVERITY", help="blocking severity")
    scan.add_argument("-j", "--jobs", type=int, metavar="N", help="checks run at once")
    scan.add_argument("--no-progress", action="store_true", help="no progress display")
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
    baseline.add_argument("-o", "--output", metavar="PATH", help="baseline file to write")

    _add_verify_parser(sub)


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

    return int(guarded(lambda: _handler(args.command)(args), verbose=args.verbose))


def console_main() -> None:
    """The console-script entry point."""
    sys.exit(main())
