"""Merging verdicts of shards (a CI matrix, a Kubeflow ParallelFor) into one."""

from __future__ import annotations

from collections.abc import Sequence

from mlgate.core.verdict import GateVerdict, Outcome, Verdict, WaiverRecord


def _unique(items: Sequence[WaiverRecord]) -> tuple[WaiverRecord, ...]:
    return tuple(dict.fromkeys(items))


def _merge_gate(parts: Sequence[GateVerdict]) -> GateVerdict:
    first = parts[0]
    if len(parts) == 1:
        return first
    raw = Outcome.worst(p.outcome for p in parts)
    would_block = any(p.would_block for p in parts)
    return GateVerdict(
        name=first.name,
        mode=first.mode,
        fail_on=first.fail_on,
        outcome=raw,
        would_block=would_block,
        checks=tuple(c for p in parts for c in p.checks),
        reasons=tuple(r for p in parts for r in p.reasons),
        waivers_applied=_unique([w for p in parts for w in p.waivers_applied]),
        waivers_expired=_unique([w for p in parts for w in p.waivers_expired]),
        findings_outside_changes=sum(p.findings_outside_changes for p in parts),
    )


def merge_verdicts(verdicts: Sequence[Verdict]) -> Verdict:
    """One verdict: gates of the same name are combined (their checks listed together)."""
    if len(verdicts) == 1:
        return verdicts[0]
    by_name: dict[str, list[GateVerdict]] = {}
    for verdict in verdicts:
        for gate in verdict.gates:
            by_name.setdefault(gate.name, []).append(gate)
    return Verdict(
        gates=tuple(_merge_gate(parts) for parts in by_name.values()),
        tool_version=verdicts[0].tool_version,
        created_at=max(v.created_at for v in verdicts),
        root=verdicts[0].root,
        baseline=verdicts[0].baseline,
        baseline_unmatched=min(v.baseline_unmatched for v in verdicts),
        changed_since=verdicts[0].changed_since,
    )
