"""The library entry points: ``mlgate.run(policy, gate=...) -> Verdict``.

The CLI, the Kubeflow component and any Python caller use these same functions.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mlgate.core.baseline import EMPTY_BASELINE, Baseline, load_baseline
from mlgate.core.changes import ChangeSet
from mlgate.core.clock import Clock, SystemClock
from mlgate.core.decision import DecisionInputs
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
    """

    clock: Clock = field(default_factory=SystemClock)
    progress: ProgressSink = field(default_factory=NullProgress)
    jobs: int | None = None
    baseline: Path | None = None
    use_baseline: bool = True
    changes: ChangeSet | None = None


def _baseline(policy: Policy, options: RunOptions) -> Baseline:
    path = options.baseline or policy.baseline
    if path is None or not options.use_baseline:
        return EMPTY_BASELINE
    return load_baseline(path)


def run_policy(
    policy: Policy, gates: Sequence[str] = (), options: RunOptions | None = None
) -> Verdict:
    """Run the named gates (all when empty) of an already loaded policy."""
    from mlgate import __version__

    options = options or RunOptions()
    now = options.clock.now()
    plans = policy.select(gates)
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
