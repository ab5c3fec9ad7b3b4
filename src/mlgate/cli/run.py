"""``mlgate run``, ``mlgate scan`` and ``mlgate baseline``."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from mlgate.api import RunOptions, run_policy
from mlgate.cli.exit import ExitCode, exit_code_for
from mlgate.cli.output import emit, emit_ci_extras, parse_targets, print_terminal, write_atomically
from mlgate.cli.progress import BarProgress, choose_progress
from mlgate.cli.verify import load_attest_key, write_attestation
from mlgate.core.baseline import render_baseline
from mlgate.core.changes import ChangeSet
from mlgate.core.policy.load import Policy, load_policy, single_check_policy
from mlgate.core.verdict import Outcome, Verdict


def _changes(policy: Policy, args: argparse.Namespace) -> ChangeSet | None:
    """The change set of ``--changed-since`` (read before any check runs), or ``None``."""
    requested = getattr(args, "changed_since", None)
    if not requested:
        return None
    from mlgate.vcs import changes_since, resolve_since

    since = resolve_since(requested, os.environ)
    if since is None:
        print("mlgate: not a pull or merge request: every finding is reported", file=sys.stderr)
        return None
    changes = changes_since(policy.root, since)
    print(
        f"mlgate: pull-request mode: findings on lines changed since {since} "
        f"(merge base {changes.base[:12]}, {len(changes.files)} changed file(s))",
        file=sys.stderr,
    )
    return changes


def _execute(
    policy: Policy,
    gates: list[str],
    args: argparse.Namespace,
    *,
    use_baseline: bool = True,
    changes: ChangeSet | None = None,
) -> Verdict:
    progress = choose_progress(disabled=args.no_progress)
    baseline = Path(args.baseline) if getattr(args, "baseline", None) else None
    options = RunOptions(
        progress=progress,
        jobs=args.jobs,
        baseline=baseline,
        use_baseline=use_baseline,
        changes=changes,
    )
    with progress if isinstance(progress, BarProgress) else contextlib.nullcontext():
        return run_policy(policy, gates, options)


def _report(verdict: Verdict, policy: Policy, args: argparse.Namespace) -> ExitCode:
    targets = parse_targets(args, policy.report_formats, policy.report_directory)
    if not args.quiet and not any(t.destination == "-" for t in targets):
        print_terminal(verdict, color=sys.stdout.isatty())
    emit_ci_extras(verdict)
    for format_id, path in emit(verdict, targets):
        print(f"mlgate: wrote {format_id} report: {path}")
    left_out = sum(gate.findings_outside_changes for gate in verdict.gates)
    if verdict.changed_since is not None:
        print(
            f"mlgate: {left_out} finding(s) on unchanged lines were left out "
            "(a full run without --changed-since reports them)",
            file=sys.stderr,
        )
    return exit_code_for(verdict.outcome)


def command_run(args: argparse.Namespace) -> ExitCode:
    """Run the policy's gates and decide."""
    policy = load_policy(args.policy)
    policy.select(args.gates)  # an unknown gate is bad input before anything runs
    signer = load_attest_key(args)  # likewise a bad signing key
    changes = _changes(policy, args)  # and a ref git cannot resolve
    verdict = _execute(policy, args.gates, args, changes=changes)
    code = _report(verdict, policy, args)
    if signer is not None:
        write_attestation(verdict, policy, signer, args)
    return code


def command_scan(args: argparse.Namespace) -> ExitCode:
    """Run one check with default settings over the given paths."""
    policy = single_check_policy(args.check, args.paths, Path.cwd(), fail_on=args.fail_on)
    return _report(_execute(policy, [], args), policy, args)


def command_baseline(args: argparse.Namespace) -> ExitCode:
    """Run gates without any baseline and record every finding's fingerprint."""
    policy = load_policy(args.policy)
    verdict = _execute(policy, args.gates, args, use_baseline=False)
    if verdict.outcome is Outcome.ERROR:
        print(
            "mlgate: error: a check did not finish, so a baseline would be incomplete; "
            "fix the errors first (run `mlgate run` to see them)",
            file=sys.stderr,
        )
        return ExitCode.INTERNAL
    destination = Path(args.output) if args.output else policy.baseline
    if destination is None:
        destination = policy.root / "mlgate-baseline.json"
        print("mlgate: add `baseline: mlgate-baseline.json` to the policy to use it")
    findings = [j.finding for g in verdict.gates for c in g.checks for j in c.findings]
    write_atomically(destination, render_baseline(findings, created_at=verdict.created_at))
    count = len({f.fingerprint for f in findings})
    print(f"mlgate: wrote a baseline of {count} finding(s): {destination}")
    return ExitCode.PASS
