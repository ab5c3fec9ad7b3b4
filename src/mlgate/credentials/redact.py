"""Redaction: what reports may show of a secret, and its stable identity.

Reports show at most a short prefix (never more than a quarter of the value), the
length and a fragment of a salted, slow hash; fingerprints use the same hash, so a
baseline or waiver names a secret without holding it. The hash is PBKDF2 rather than
plain SHA-256 because a short password's fragment must not be cheap to brute-force.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

_SALT = b"mlgate-secrets-v1"
_ROUNDS = 20_000
_PREFIX = 4


@lru_cache(maxsize=4096)
def secret_digest(secret: str) -> str:
    """A hex identity of the secret value; stable across runs and machines."""
    raw = hashlib.pbkdf2_hmac("sha256", secret.encode("utf-8", "surrogatepass"), _SALT, _ROUNDS)
    return raw.hex()


def shown_prefix(secret: str) -> str:
    """The few leading characters a report may show (a quarter of the value, at most 4)."""
    return secret[: min(_PREFIX, len(secret) // 4)]


def redact(secret: str) -> str:
    """``ghp_… (40 chars, id 1a2b3c4d)``: enough to find and rotate, never to use."""
    return f"{shown_prefix(secret)}… ({len(secret)} chars, id {secret_digest(secret)[:8]})"
