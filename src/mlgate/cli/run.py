"""``mlgate run``, ``mlgate scan`` and ``mlgate baseline``."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError

from mlgate.api import RunOptions, run_policy
from mlgate.cli.exit import ExitCode, exit_code_for
from mlgate.cli.output import emit, emit_ci_extras, parse_targets, show, write_atomically
from mlgate.cli.progress import BarProgress, choose_progress
from mlgate.cli.verify import load_attest_key, write_attestation
from mlgate.core.baseline import render_baseline
from mlgate.core.changes import ChangeSet
from mlgate.core.check import CheckConfig
from mlgate.core.errors import UsageError
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


def _with_history(policy: Policy, refs: list[str] | None) -> Policy:
    """``--history REF``: every secrets check of the policy also scans the git history.

    Settings of a ``history:`` block the policy already has (its limits) are kept; the
    refs given on the command line replace its refs.
    """
    if refs is None:
        return policy
    gates = {}
    changed = False
    for name, gate in policy.gates.items():
        checks = []
        for planned in gate.checks:
            if planned.check_id == "secrets" and planned.load_error is None:
                planned = replace(planned, config=_history_config(planned.config, refs))
                changed = True
            checks.append(planned)
        gates[name] = replace(gate, checks=tuple(checks))
    if not changed:
        raise UsageError("--history applies to the secrets check, and none is selected")
    return replace(policy, gates=gates)


def _history_config(config: CheckConfig, refs: list[str]) -> CheckConfig:
    data = config.model_dump()
    data["history"] = {**(data.get("history") or {}), "refs": refs}
    try:
        return type(config).model_validate(data)
    except ValidationError as error:
        reason = error.errors()[0]
        raise UsageError(f"--history {' '.join(refs)}: {reason['msg']}") from None


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
    show(verdict, targets, args)
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
    policy = _with_history(load_policy(args.policy), args.history)
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
    policy = _with_history(policy, args.history)
    return _report(_execute(policy, [], args), policy, args)


def command_baseline(args: argparse.Namespace) -> ExitCode:
    """Run gates without any baseline and record every finding's fingerprint.

    With ``--history`` the secrets found only in the git history are recorded too (by
    the fingerprint of their value, so later history scans match them).
    """
    policy = _with_history(load_policy(args.policy), args.history)
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
