"""The library entry points: ``mlgate.run(policy, gate=...) -> Verdict``.

The CLI, the Kubeflow component and any Python caller use these same functions.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from mlgate.core.baseline import EMPTY_BASELINE, Baseline, load_baseline
from mlgate.core.changes import ChangeSet
from mlgate.core.clock import Clock, SystemClock
from mlgate.core.decision import DecisionInputs
from mlgate.core.gate import GatePlan
from mlgate.core.policy.load import Policy, load_policy
from mlgate.core.progress import NullProgress, ProgressSink
from mlgate.core.runner import ExecutionOptions, run_gates
from mlgate.core.verdict import Verdict

__all__ = ["RunOptions", "load_policy", "run", "run_policy"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RunOptions:
    """How to run gates; every field has a sensible default.

    ``baseline`` overrides the policy's baseline file; ``use_baseline=False`` ignores
    any baseline (used when writing a new one). ``changes`` (pull-request mode, see
    :func:`mlgate.vcs.changes_since`) limits the reported findings to changed lines.
    ``tables`` hands in-memory tables (pandas, polars, pyarrow) by name to checks that
    name them (the model check's ``holdout_table`` / ``reference_table``).
    """

    clock: Clock = field(default_factory=SystemClock)
    progress: ProgressSink = field(default_factory=NullProgress)
    jobs: int | None = None
    baseline: Path | None = None
    use_baseline: bool = True
    changes: ChangeSet | None = None
    tables: Mapping[str, object] = field(default_factory=dict)


def _with_tables(plans: Sequence[GatePlan], files: Mapping[str, str]) -> list[GatePlan]:
    # Checks run in worker processes: they get the tables as Arrow IPC files written by
    # mlgate.checks.model.tables, named in each config that has a ``tables`` setting.
    def fill(plan: GatePlan) -> GatePlan:
        checks = tuple(
            replace(c, config=c.config.model_copy(update={"tables": dict(files)}))
            if "tables" in type(c.config).model_fields
            else c
            for c in plan.checks
        )
        return replace(plan, checks=checks)

    return [fill(plan) for plan in plans]


def _baseline(policy: Policy, options: RunOptions) -> Baseline:
    path = options.baseline or policy.baseline
    if path is None or not options.use_baseline:
        return EMPTY_BASELINE
    return load_baseline(path)


def run_policy(
    policy: Policy, gates: Sequence[str] = (), options: RunOptions | None = None
) -> Verdict:
    """Run the named gates (all when empty) of an already loaded policy."""
    options = options or RunOptions()
    if not options.tables:
        return _run_plans(policy, gates, options)
    # Deferred: pyarrow (the model extra) is needed only when tables are given.
    from mlgate.checks.model.tables import write_tables

    with tempfile.TemporaryDirectory(prefix="mlgate-tables-") as scratch:
        files = write_tables(options.tables, Path(scratch))
        return _run_plans(policy, gates, options, files)


def _run_plans(
    policy: Policy,
    gates: Sequence[str],
    options: RunOptions,
    files: Mapping[str, str] | None = None,
) -> Verdict:
    from mlgate import __version__

    now = options.clock.now()
    plans = _with_tables(policy.select(gates), files) if files else policy.select(gates)
    accepted = _baseline(policy, options)
    inputs = DecisionInputs(
        waivers=policy.waivers, baseline=accepted, today=now.date(), changes=options.changes
    )
    execution = ExecutionOptions(
        root=str(policy.root),
        today=now.date().isoformat(),
        jobs=options.jobs or os.cpu_count() or 1,
        progress=options.progress,
    )
    verdicts = run_gates(plans, inputs, execution)
    seen = {j.finding.fingerprint for g in verdicts for c in g.checks for j in c.findings}
    # Limited to changed lines, a run cannot tell a fixed baseline entry from one left out.
    unmatched = 0 if options.changes else len(accepted.fingerprints - seen)
    return Verdict(
        gates=tuple(verdicts),
        tool_version=__version__,
        created_at=now.isoformat(timespec="seconds"),
        root=str(policy.root),
        baseline=accepted.source,
        baseline_unmatched=unmatched,
        changed_since=options.changes.scope() if options.changes else None,
    )


def run(
    policy: str | Path | Policy | None = None,
    gate: str | Sequence[str] = (),
    options: RunOptions | None = None,
) -> Verdict:
    """Load ``policy`` (a path, or the current directory's) and run ``gate`` (or all gates)."""
    loaded = policy if isinstance(policy, Policy) else load_policy(policy)
    names = [gate] if isinstance(gate, str) else list(gate)
    return run_policy(loaded, names, options)
