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
from mlgate.core.durations import parse_duration
from mlgate.core.errors import UsageError
from mlgate.core.policy.load import Policy
from mlgate.core.verdict import Verdict
from mlgate.evidence import (
    Expectations,
    Signer,
    VerificationResult,
    load_signer,
    load_verifier,
    parse_envelope,
    subjects_of,
    verify,
)
from mlgate.evidence.attest import statement_payload
from mlgate.evidence.dsse import sign
from mlgate.evidence.keyless import KeylessSigner
from mlgate.evidence.statement import PAYLOAD_TYPE
from mlgate.evidence.subjects import image_subject

ATTESTATION_FILENAME = "mlgate.intoto.jsonl"
BUNDLE_FILENAME = "mlgate.sigstore.json"
PASSWORD_VARIABLE = "MLGATE_KEY_PASSWORD"  # noqa: S105  # the variable's name, not a secret
KEYLESS = "sigstore"


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{what} {path}: no such file") from None
    except OSError as error:
        raise UsageError(f"{what} {path}: cannot be read ({error.strerror})") from None


def load_attest_key(args: argparse.Namespace) -> Signer | KeylessSigner | None:
    """The signer for ``--attest`` (ready before the gates run), or ``None`` without it.

    ``--attest sigstore`` is keyless: the extra and the job's OIDC identity are checked
    here, so a job that cannot sign stops before it spends time on the gates.
    """
    if not args.attest:
        if args.subjects or args.subject_images or args.attestation:
            raise UsageError("--subject, --subject-image and --attestation need --attest")
        return None
    for reference in args.subject_images:
        image_subject(reference)  # a tag instead of a digest is bad input before any gate runs
    if args.attest == KEYLESS:
        return KeylessSigner()
    password = os.environ.get(PASSWORD_VARIABLE)
    return load_signer(
        _read(args.attest, "signing key"),
        where=args.attest,
        password=password.encode() if password else None,
    )


def write_attestation(
    verdict: Verdict, policy: Policy, signer: Signer | KeylessSigner, args: argparse.Namespace
) -> None:
    """Sign the verdict's statement and write it where ``--attestation`` says."""
    payload = statement_payload(
        verdict,
        policy,
        clock=SystemClock(),
        gates=args.gates,
        subjects=[Path(path) for path in args.subjects],
        images=args.subject_images,
    )
    if isinstance(signer, KeylessSigner):
        signed, filename, kind = signer.sign_statement(payload), BUNDLE_FILENAME, "Sigstore bundle"
    else:
        signed = sign(PAYLOAD_TYPE, payload, signer).to_json()
        filename, kind = ATTESTATION_FILENAME, "signed statement"
    destination = Path(args.attestation) if args.attestation else policy.report_directory / filename
    write_atomically(destination, signed)
    print(f"mlgate: wrote {kind} ({verdict.outcome.value}): {destination}")


def _expectations(args: argparse.Namespace) -> Expectations:
    if not args.subjects and not args.subject_images:
        raise UsageError("name what is being deployed: --subject PATH or --subject-image REF")
    return Expectations(
        subjects=(
            *subjects_of([Path(path) for path in args.subjects]),
            *(image_subject(reference) for reference in args.subject_images),
        ),
        gate=args.gate,
        policy_sha256=hashlib.sha256(_read(args.policy, "policy")).hexdigest(),
        max_age=parse_duration(args.max_age, what="max age"),
    )


def _keyless_options(args: argparse.Namespace) -> bool:
    """Whether the Sigstore options were given (and not mixed with ``--key``)."""
    keyless = bool(args.certificate_identity or args.certificate_oidc_issuer)
    if keyless and args.key:
        raise UsageError("give --key (a key-signed envelope) or --certificate-identity and "
                         "--certificate-oidc-issuer (a Sigstore bundle), not both")  # fmt: skip
    if not keyless and not args.key:
        raise UsageError("give --key PUB, or --certificate-identity and "
                         "--certificate-oidc-issuer for a Sigstore bundle")  # fmt: skip
    if args.trusted_root and not keyless:
        raise UsageError("--trusted-root applies to Sigstore bundles only")
    return keyless


def _verify_keyless(args: argparse.Namespace) -> tuple[VerificationResult, Expectations]:
    from mlgate.evidence.keyless import SignerIdentity, parse_bundle, verify_bundle

    signer = SignerIdentity(
        identity=args.certificate_identity or "", issuer=args.certificate_oidc_issuer or ""
    )
    bundle = parse_bundle(_read(args.envelope, "bundle"))
    trusted_root = Path(args.trusted_root) if args.trusted_root else None
    if trusted_root is not None and not trusted_root.is_file():
        raise UsageError(f"trusted root {trusted_root}: no such file")
    expected = _expectations(args)
    result = verify_bundle(bundle, signer, expected, SystemClock(), trusted_root=trusted_root)
    return result, expected


def _verify_keyed(args: argparse.Namespace) -> tuple[VerificationResult, Expectations]:
    data = _read(args.envelope, "envelope")
    if b"application/vnd.dev.sigstore.bundle" in data[:4096]:
        raise UsageError(
            f"{args.envelope} is a Sigstore bundle: verify it with --certificate-identity "
            "and --certificate-oidc-issuer instead of --key"
        )
    envelope = parse_envelope(data)
    verifier = load_verifier(_read(args.key, "key"), where=args.key)
    expected = _expectations(args)
    return verify(envelope, verifier, expected, SystemClock()), expected


def command_verify(args: argparse.Namespace) -> ExitCode:
    """Verify a signed verdict: exit 0 when every expectation holds, 1 with the reasons."""
    keyless = _keyless_options(args)
    result, expected = _verify_keyless(args) if keyless else _verify_keyed(args)
    if not result.is_ok:
        print(f"mlgate: verification failed: {'; '.join(result.failures)}", file=sys.stderr)
        return ExitCode.BLOCK
    print(
        f"mlgate: verified: gate {args.gate} passed under {args.policy} "
        f"for {len(expected.subjects)} subject(s)"
    )
    return ExitCode.PASS
