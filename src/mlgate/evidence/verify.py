"""Verifying a signed verdict before a deploy: signature, subjects, gate, verdict, policy, age.

The signature is checked first and alone: until it verifies, nothing in the payload is
trusted, so a bad signature is the only reason reported. After that every other
expectation is checked and *every* mismatch is reported, so one run explains everything
that is wrong with a statement.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mlgate.core.clock import Clock
from mlgate.core.durations import describe_duration
from mlgate.core.verdict import Outcome
from mlgate.evidence.dsse import Envelope
from mlgate.evidence.keys import Verifier
from mlgate.evidence.statement import PAYLOAD_TYPE, PREDICATE_TYPE, STATEMENT_TYPE
from mlgate.evidence.subjects import Subject

# Clocks of CI runners and clusters drift a little; a statement from further ahead is forged
# or from a misconfigured signer, and either way is not evidence of a past gate run.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True, kw_only=True)
class Expectations:
    """What a deploy step requires of a statement."""

    subjects: tuple[Subject, ...]
    gate: str
    policy_sha256: str
    max_age: timedelta


@dataclass(frozen=True, slots=True, kw_only=True)
class VerificationResult:
    """The outcome of a verification: every failure, and the statement when it was readable."""

    failures: tuple[str, ...]
    statement: dict[str, Any] | None = None

    @property
    def is_ok(self) -> bool:
        """Whether every expectation held."""
        return not self.failures


def _statement(payload_type: str, payload: bytes) -> dict[str, Any] | str:
    """The signed statement, or why the payload is not one of ours."""
    if payload_type != PAYLOAD_TYPE:
        return f"payload type is {payload_type!r}, not {PAYLOAD_TYPE!r}"
    try:
        statement = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return "payload is not JSON"
    if not isinstance(statement, dict) or statement.get("_type") != STATEMENT_TYPE:
        return "payload is not an in-toto Statement v1"
    if statement.get("predicateType") != PREDICATE_TYPE:
        return f"predicate type is {statement.get('predicateType')!r}, not {PREDICATE_TYPE!r}"
    if not isinstance(statement.get("predicate"), dict):
        return "statement has no predicate"
    return statement


def _digests(statement: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for item in statement.get("subject") or []:
        digest = item.get("digest") if isinstance(item, dict) else None
        if isinstance(digest, dict) and isinstance(digest.get("sha256"), str):
            found.add(digest["sha256"].lower())
    return found


def _subject_failures(statement: dict[str, Any], expected: Expectations) -> list[str]:
    if not expected.subjects:
        return ["no expected subject was given, so nothing ties the statement to an artifact"]
    present = _digests(statement)
    return [
        f"subject {s.name} (sha256:{s.sha256[:12]}...) is not a subject of the statement"
        for s in expected.subjects
        if s.sha256 not in present
    ]


def _gate_failures(predicate: dict[str, Any], gate: str) -> list[str]:
    gates = [g for g in predicate.get("gates") or [] if isinstance(g, dict)]
    judged = [g for g in gates if g.get("name") == gate]
    if not judged:
        names = ", ".join(str(g.get("name")) for g in gates) or "none"
        return [f"gate {gate!r} was not judged (statement holds gates: {names})"]
    outcomes = [g.get("outcome") for g in judged]
    if all(outcome == Outcome.PASS.value for outcome in outcomes):
        return []
    worst = next(o for o in outcomes if o != Outcome.PASS.value)
    return [f"gate {gate!r} verdict is {worst!r}, not 'pass'"]


def _policy_failures(predicate: dict[str, Any], expected_sha256: str) -> list[str]:
    policy = predicate.get("policy")
    digest = policy.get("digest") if isinstance(policy, dict) else None
    signed = digest.get("sha256") if isinstance(digest, dict) else None
    if signed == expected_sha256:
        return []
    return [
        f"policy digest differs: statement sha256:{str(signed)[:12]}..., "
        f"policy file sha256:{expected_sha256[:12]}..."
    ]


def _scope_failures(predicate: dict[str, Any]) -> list[str]:
    scope = predicate.get("changedSince")
    if scope is None:
        return []
    ref = scope.get("ref") if isinstance(scope, dict) else None
    return [
        f"statement judged only the lines changed since {ref!r} (pull-request mode); "
        "a deploy needs a verdict on the whole project"
    ]


def _age_failures(predicate: dict[str, Any], max_age: timedelta, now: datetime) -> list[str]:
    text = predicate.get("timeVerified")
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return [f"timeVerified {text!r} is not an RFC 3339 time"]
    if moment.tzinfo is None:
        return [f"timeVerified {text!r} has no time zone"]
    age = now - moment
    if age < -CLOCK_SKEW:
        return [f"statement time {text} is in the future"]
    if age > max_age:
        shown = describe_duration(timedelta(seconds=int(age.total_seconds())))
        return [f"statement is {shown} old, older than the maximum age of "
                f"{describe_duration(max_age)}"]  # fmt: skip
    return []


def check_statement(
    payload_type: str, payload: bytes, expected: Expectations, clock: Clock
) -> VerificationResult:
    """Check a payload whose signature already verified against ``expected``.

    Both signing schemes (a DSSE envelope under a key, a Sigstore bundle under an
    identity) end here, so a statement means the same to a deploy step however it was
    signed. Every failure is listed.
    """
    statement = _statement(payload_type, payload)
    if isinstance(statement, str):
        return VerificationResult(failures=(statement,))
    predicate: dict[str, Any] = statement["predicate"]
    failures = [
        *_subject_failures(statement, expected),
        *_gate_failures(predicate, expected.gate),
        *_policy_failures(predicate, expected.policy_sha256),
        *_scope_failures(predicate),
        *_age_failures(predicate, expected.max_age, clock.now()),
    ]
    return VerificationResult(failures=tuple(failures), statement=statement)


def verify(
    envelope: Envelope, verifier: Verifier, expected: Expectations, clock: Clock
) -> VerificationResult:
    """Check ``envelope`` against ``expected``; every failure is listed (signature alone)."""
    if not envelope.is_signed_by(verifier):
        return VerificationResult(failures=("signature does not verify with the given key",))
    return check_statement(envelope.payload_type, envelope.payload, expected, clock)
