"""``mlgate verify``, and the ``--attest`` step of ``mlgate run`` that writes what it checks."""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

from mlgate.cli.exit import ExitCode
from mlgate.cli.output import write_atomically
from mlgate.core.clock import SystemClock
from mlgate.core.errors import UsageError
from mlgate.core.policy.load import Policy
from mlgate.core.verdict import Verdict
from mlgate.evidence import (
    Expectations,
    Signer,
    attest,
    load_signer,
    load_verifier,
    parse_duration,
    parse_envelope,
    subjects_of,
    verify,
)

ATTESTATION_FILENAME = "mlgate.intoto.jsonl"
PASSWORD_VARIABLE = "MLGATE_KEY_PASSWORD"  # noqa: S105  # the variable's name, not a secret


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{what} {path}: no such file") from None
    except OSError as error:
        raise UsageError(f"{what} {path}: cannot be read ({error.strerror})") from None


def load_attest_key(args: argparse.Namespace) -> Signer | None:
    """The signer for ``--attest`` (loaded before the gates run), or ``None`` without it."""
    if not args.attest:
        return None
    password = os.environ.get(PASSWORD_VARIABLE)
    return load_signer(
        _read(args.attest, "signing key"),
        where=args.attest,
        password=password.encode() if password else None,
    )


def write_attestation(
    verdict: Verdict, policy: Policy, signer: Signer, args: argparse.Namespace
) -> None:
    """Sign the verdict's statement and write it where ``--attestation`` says."""
    envelope = attest(
        verdict,
        policy,
        signer=signer,
        clock=SystemClock(),
        gates=args.gates,
        subjects=[Path(path) for path in args.subjects],
    )
    destination = (
        Path(args.attestation)
        if args.attestation
        else policy.report_directory / ATTESTATION_FILENAME
    )
    write_atomically(destination, envelope.to_json())
    print(f"mlgate: wrote signed statement ({verdict.outcome.value}): {destination}")


def command_verify(args: argparse.Namespace) -> ExitCode:
    """Verify a signed verdict: exit 0 when every expectation holds, 1 with the reasons."""
    envelope = parse_envelope(_read(args.envelope, "envelope"))
    verifier = load_verifier(_read(args.key, "key"), where=args.key)
    expected = Expectations(
        subjects=subjects_of([Path(path) for path in args.subjects]),
        gate=args.gate,
        policy_sha256=hashlib.sha256(_read(args.policy, "policy")).hexdigest(),
        max_age=parse_duration(args.max_age),
    )
    result = verify(envelope, verifier, expected, SystemClock())
    if not result.is_ok:
        print(f"mlgate: verification failed: {'; '.join(result.failures)}", file=sys.stderr)
        return ExitCode.BLOCK
    print(
        f"mlgate: verified: gate {args.gate} passed under {args.policy} "
        f"for {len(expected.subjects)} subject(s)"
    )
    return ExitCode.PASS
