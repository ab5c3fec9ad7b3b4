"""Signing keys: the Signer and Verifier seams and their Ed25519 / ECDSA P-256 implementations.

Keys are PEM files (PKCS#8 or traditional private keys, SubjectPublicKeyInfo public keys),
as ``openssl genpkey`` and ``openssl pkey -pubout`` write them. The ``cryptography``
package is imported only here and only when a key is loaded, so the base install
(without the ``evidence`` extra) keeps working and says what to install.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from mlgate.core.errors import InputError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import (
        EllipticCurvePrivateKey,
        EllipticCurvePublicKey,
    )
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    PrivateKey = Ed25519PrivateKey | EllipticCurvePrivateKey
    PublicKey = Ed25519PublicKey | EllipticCurvePublicKey

MISSING_EXTRA = "signing needs the 'cryptography' package: pip install 'mlgate[evidence]'"


class Signer(Protocol):
    """Signs bytes offline; ``keyid`` names the public half."""

    @property
    def keyid(self) -> str:
        """The hex SHA-256 of the public key's DER SubjectPublicKeyInfo."""
        ...

    def sign(self, message: bytes) -> bytes:
        """The signature of ``message``."""
        ...


class Verifier(Protocol):
    """Checks signatures made by one key."""

    @property
    def keyid(self) -> str:
        """The hex SHA-256 of the public key's DER SubjectPublicKeyInfo."""
        ...

    def verify(self, signature: bytes, message: bytes) -> bool:
        """Whether ``signature`` is this key's signature of ``message``."""
        ...


def _keyid(public: PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


@dataclass(frozen=True, slots=True)
class KeyVerifier:
    """A :class:`Verifier` over an Ed25519 or ECDSA P-256 public key."""

    public: PublicKey

    @property
    def keyid(self) -> str:
        """The hex SHA-256 of the public key's DER SubjectPublicKeyInfo."""
        return _keyid(self.public)

    def verify(self, signature: bytes, message: bytes) -> bool:
        """Whether ``signature`` verifies (ECDSA signatures are DER, over SHA-256)."""
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        try:
            if isinstance(self.public, ec.EllipticCurvePublicKey):
                self.public.verify(signature, message, ec.ECDSA(hashes.SHA256()))
            else:
                self.public.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True, slots=True)
class KeySigner:
    """A :class:`Signer` over an Ed25519 or ECDSA P-256 private key."""

    private: PrivateKey

    @property
    def keyid(self) -> str:
        """The hex SHA-256 of the public key's DER SubjectPublicKeyInfo."""
        return _keyid(self.private.public_key())

    def sign(self, message: bytes) -> bytes:
        """Ed25519 signs the message itself; ECDSA signs its SHA-256 (DER signature)."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        if isinstance(self.private, ec.EllipticCurvePrivateKey):
            return self.private.sign(message, ec.ECDSA(hashes.SHA256()))
        return self.private.sign(message)


def _require_cryptography() -> None:
    try:
        import cryptography  # noqa: F401  # only probing that the extra is installed
    except ImportError:
        raise InputError(MISSING_EXTRA) from None


_UNSUPPORTED = "unsupported key type (use Ed25519 or ECDSA P-256)"


def _private(key: object, where: str) -> PrivateKey:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key
    if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
        return key
    raise InputError(f"{where}: {_UNSUPPORTED}")


def _public(key: object, where: str) -> PublicKey:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    if isinstance(key, ed25519.Ed25519PublicKey):
        return key
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return key
    raise InputError(f"{where}: {_UNSUPPORTED}")


def load_signer(pem: bytes, *, where: str, password: bytes | None = None) -> KeySigner:
    """A signer from a PEM private key; ``where`` names the key in error messages."""
    _require_cryptography()
    from cryptography.hazmat.primitives import serialization

    try:
        private = serialization.load_pem_private_key(pem, password=password)
    except (ValueError, TypeError) as error:
        raise InputError(f"{where}: not a usable PEM private key ({error})") from None
    return KeySigner(_private(private, where))


def load_verifier(pem: bytes, *, where: str) -> KeyVerifier:
    """A verifier from a PEM public key; ``where`` names the key in error messages."""
    _require_cryptography()
    from cryptography.hazmat.primitives import serialization

    try:
        public = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as error:
        raise InputError(f"{where}: not a usable PEM public key ({error})") from None
    return KeyVerifier(_public(public, where))
