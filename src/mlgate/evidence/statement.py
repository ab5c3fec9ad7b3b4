"""The in-toto Statement v1 of a verdict, and its predicate.

The predicate's field names follow the SLSA Verification Summary Attestation (VSA v1)
where the concept is the same: ``verifier`` (``id``, ``version``), ``timeVerified``,
``policy`` (a ResourceDescriptor with ``uri`` and ``digest``) and ``verificationResult``
(``PASSED`` | ``FAILED``). The predicate *type* is mlgate's own, because a gate verdict
is not a SLSA level verification: consumers keyed on the VSA type must not mistake one
for the other. What VSA has no word for (gates, checks, waivers, the baseline) is added
in the same camelCase style; in-toto consumers ignore fields they do not know.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mlgate.core.verdict import CheckVerdict, GateVerdict, Outcome, Verdict, WaiverRecord
from mlgate.evidence.subjects import Subject
from mlgate.reporters.base import INFORMATION_URI
from mlgate.reporters.summary import tally_check

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
# Versioned with the predicate's shape; rooted at the project's (placeholder) home.
PREDICATE_TYPE = f"{INFORMATION_URI}/attestation/verdict/v1"
PASSED = "PASSED"
FAILED = "FAILED"


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """A file the verdict depended on (policy, baseline): where it was and its digest."""

    uri: str
    sha256: str

    def as_descriptor(self) -> dict[str, Any]:
        """The in-toto ResourceDescriptor ``{"uri": ..., "digest": {"sha256": ...}}``."""
        return {"uri": self.uri, "digest": {"sha256": self.sha256}}


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementInputs:
    """What a statement records beside the verdict: subjects, policy, baseline, time."""

    subjects: tuple[Subject, ...]
    policy: Resource
    baseline: Resource | None
    time_verified: datetime


def rfc3339(moment: datetime) -> str:
    """``2025-03-01T12:00:00Z``: UTC, whole seconds, as in-toto and SLSA write times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _waiver(waiver: WaiverRecord) -> dict[str, Any]:
    return {
        "rule": waiver.rule,
        "scope": waiver.scope(),
        "reason": waiver.reason,
        "owner": waiver.owner,
        "expires": waiver.expires.isoformat(),
    }


def _check(check: CheckVerdict) -> dict[str, Any]:
    tally = tally_check(check)
    return {
        "id": check.check_id,
        "outcome": check.outcome.value,
        "inputs": tally.inputs,
        "findings": tally.findings,
        "blocking": tally.blocking,
        "waived": tally.waived,
        "baselined": tally.baselined,
        "failedMetrics": tally.failed_metrics,
        "errors": tally.errors,
        "skipped": tally.skipped,
    }


def _gate(gate: GateVerdict) -> dict[str, Any]:
    return {
        "name": gate.name,
        "mode": gate.mode.value,
        "failOn": gate.fail_on,
        "outcome": gate.outcome.value,
        "wouldBlock": gate.would_block,
        "checks": [_check(check) for check in gate.checks],
        "waiversApplied": [_waiver(waiver) for waiver in gate.waivers_applied],
        "waiversExpired": [_waiver(waiver) for waiver in gate.waivers_expired],
    }


def verdict_predicate(verdict: Verdict, inputs: StatementInputs) -> dict[str, Any]:
    """The predicate: who judged, when, under which policy, and each gate's outcome."""
    predicate: dict[str, Any] = {
        "verifier": {"id": INFORMATION_URI, "version": {"mlgate": verdict.tool_version}},
        "timeVerified": rfc3339(inputs.time_verified),
        "policy": inputs.policy.as_descriptor(),
        "verificationResult": PASSED if verdict.outcome is Outcome.PASS else FAILED,
        "outcome": verdict.outcome.value,
        "gates": [_gate(gate) for gate in verdict.gates],
    }
    if inputs.baseline is not None:
        predicate["baseline"] = inputs.baseline.as_descriptor()
    if verdict.changed_since is not None:
        # A pull-request-mode verdict judged only changed lines; say so, so that a deploy
        # step never mistakes it for a verdict on the whole project.
        predicate["changedSince"] = {
            "ref": verdict.changed_since.since,
            "mergeBase": {"gitCommit": verdict.changed_since.base},
            "changedFiles": verdict.changed_since.changed_files,
        }
    return predicate


def verdict_statement(verdict: Verdict, inputs: StatementInputs) -> dict[str, Any]:
    """The in-toto Statement v1 binding the subjects to the verdict's predicate."""
    return {
        "_type": STATEMENT_TYPE,
        "subject": [subject.as_descriptor() for subject in inputs.subjects],
        "predicateType": PREDICATE_TYPE,
        "predicate": verdict_predicate(verdict, inputs),
    }
