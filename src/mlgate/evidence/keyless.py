"""Sigstore keyless signing and verification of the same in-toto statement.

A CI job with an OIDC identity (GitHub Actions with ``id-token: write``, GitLab with an
``id_tokens`` entry named ``SIGSTORE_ID_TOKEN``, Buildkite, CircleCI, Google Cloud)
signs the statement as a DSSE envelope with a short-lived Fulcio certificate naming
that identity, logged in Rekor, and writes a Sigstore bundle. A deploy step verifies
the bundle against a required certificate identity *and* issuer (never "any
identity"), then applies exactly the statement checks of a key-signed envelope.

Needs the ``sigstore`` extra (``pip install 'mlgate[sigstore]'``); the package is
imported only here and only when keyless signing or a bundle is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.core.clock import Clock
from mlgate.core.errors import InputError, UsageError
from mlgate.evidence.dsse import MAX_ENVELOPE_BYTES
from mlgate.evidence.verify import Expectations, VerificationResult, check_statement

if TYPE_CHECKING:
    from sigstore.models import Bundle
    from sigstore.verify import Verifier

MISSING_EXTRA = "keyless signing needs the 'sigstore' package: pip install 'mlgate[sigstore]'"
NO_IDENTITY = (
    "keyless signing needs an ambient OIDC identity, and this job has none "
    "(GitHub Actions: `permissions: id-token: write`; GitLab CI: an `id_tokens` entry "
    "SIGSTORE_ID_TOKEN with `aud: sigstore`); sign with a key instead: --attest KEY"
)


def require_sigstore() -> None:
    """Fail with the install hint unless the ``sigstore`` package is importable."""
    try:
        import sigstore  # noqa: F401  # only probing that the extra is installed
    except ImportError:
        raise InputError(MISSING_EXTRA) from None


def ambient_token() -> str:
    """The CI job's OIDC token for Sigstore; a job without one is bad input."""
    require_sigstore()
    from sigstore.oidc import IdentityError, detect_credential

    try:
        token = detect_credential()
    except IdentityError as error:
        # A detector found its CI but could not get a token: usually a missing permission.
        raise UsageError(f"keyless signing: {error}") from None
    if token is None:
        raise UsageError(NO_IDENTITY)
    return token


class KeylessSigner:
    """Signs statements with the job's ambient identity through Fulcio and Rekor."""

    def __init__(self) -> None:
        """Check now, before any gate runs, that the extra and an identity are there."""
        ambient_token()

    def sign_statement(self, payload: bytes) -> bytes:
        """The Sigstore bundle (JSON) of ``payload`` signed as a DSSE envelope.

        The token is fetched again: the one seen before the gates ran may have expired.
        """
        token = ambient_token()
        from sigstore import dsse
        from sigstore.models import ClientTrustConfig
        from sigstore.oidc import IdentityToken
        from sigstore.sign import SigningContext

        context = SigningContext.from_trust_config(ClientTrustConfig.production())
        with context.signer(IdentityToken(token), cache=False) as signer:
            bundle = signer.sign_dsse(dsse.Statement(payload))
        return (bundle.to_json() + "\n").encode("utf-8")


@dataclass(frozen=True, slots=True, kw_only=True)
class SignerIdentity:
    """Who must have signed: the certificate's identity (SAN) and its OIDC issuer."""

    identity: str
    issuer: str

    def __post_init__(self) -> None:
        """Both parts are required: an identity from any issuer proves nothing."""
        if not self.identity.strip() or not self.issuer.strip():
            raise UsageError(
                "a Sigstore bundle is verified against both --certificate-identity "
                "and --certificate-oidc-issuer"
            )


def parse_bundle(data: bytes) -> Bundle:
    """A Sigstore bundle from JSON; anything else is an input error."""
    require_sigstore()
    from sigstore.models import Bundle, InvalidBundle

    if len(data) > MAX_ENVELOPE_BYTES:
        raise InputError(f"bundle larger than {MAX_ENVELOPE_BYTES} bytes")
    try:
        return Bundle.from_json(data)
    except (InvalidBundle, ValueError, UnicodeDecodeError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"not a Sigstore bundle ({first})") from None


def _verifier(trusted_root: Path | None) -> Verifier:
    from sigstore.errors import TUFError
    from sigstore.models import TrustedRoot
    from sigstore.verify import Verifier

    if trusted_root is None:
        try:
            # Refreshed through Sigstore's TUF repository: a cached root may be stale.
            return Verifier.production()
        except TUFError as error:
            raise UsageError(
                f"cannot fetch Sigstore's trusted root ({error}); "
                "offline, pass --trusted-root trusted_root.json"
            ) from None
    try:
        return Verifier(trusted_root=TrustedRoot.from_file(str(trusted_root)))
    except (OSError, ValueError) as error:
        raise UsageError(f"trusted root {trusted_root}: not usable ({error})") from None


def verify_bundle(
    bundle: Bundle,
    signer: SignerIdentity,
    expected: Expectations,
    clock: Clock,
    *,
    trusted_root: Path | None = None,
) -> VerificationResult:
    """Check the bundle's certificate, log entry and signature, then the statement.

    As with a key-signed envelope, a signature that does not verify (here: for this
    identity under this trusted root) is the only failure reported.
    """
    from sigstore.errors import VerificationError
    from sigstore.verify.policy import Identity

    verifier = _verifier(trusted_root)
    try:
        payload_type, payload = verifier.verify_dsse(
            bundle, Identity(identity=signer.identity, issuer=signer.issuer)
        )
    except VerificationError as error:
        return VerificationResult(failures=(f"Sigstore bundle does not verify: {error}",))
    return check_statement(payload_type, payload, expected, clock)
