"""Keys generated at test time (never checked in), written as PEM files like openssl does.

Fixtures return ``(private_key_path, public_key_path)``: conftest is not importable under
mypy's path, so test modules see plain types.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey


def write_pair(directory: Path, key: PrivateKey, name: str) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    private_path, public_path = directory / f"{name}.key", directory / f"{name}.pub"
    private_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private_path, public_path


def new_key(kind: str) -> PrivateKey:
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(params=["ed25519", "ecdsa-p256"])
def keys(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Path]:
    """A fresh signing key pair of each supported kind."""
    return write_pair(tmp_path / "keys", new_key(str(request.param)), "signing")


@pytest.fixture
def other_keys(tmp_path: Path) -> tuple[Path, Path]:
    """An unrelated Ed25519 key pair (the attacker's, or last year's)."""
    return write_pair(tmp_path / "other-keys", new_key("ed25519"), "other")
