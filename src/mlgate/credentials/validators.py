"""Offline validators: checksums and structure a real credential of a format must have.

Each returns a :class:`Validity`. ``INVALID`` rejects the candidate (a GitHub token with
a wrong CRC-32 is a look-alike, not a leak); the other values say how sure we are and
appear in the finding. No validator contacts a provider.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Callable
from enum import StrEnum
from itertools import pairwise

from mlgate.credentials.allowlist import METADATA_KEY_WORDS, is_allowed
from mlgate.credentials.asn1 import is_der_private_key
from mlgate.credentials.decoding import decode_run
from mlgate.credentials.entropy import character_classes, shannon_entropy
from mlgate.credentials.rules.model import ValidatorName

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_BASE62_INDEX = {c: i for i, c in enumerate(_BASE62)}
# "\x02\x01\x08pypi.org" (macaroon v2: version, location field, length) in base64.
_PYPI_PREFIXES = ("AgEIcHlwaS5vcmc", "AgENdGVzdC5weXBpLm9yZw")
_PEM_LABEL = re.compile(r"-----BEGIN ([A-Z0-9 ]*)-----")
_PEM_ESCAPES = re.compile(r"\\r|\\n|\\\\n")
_HEADER_LINE = re.compile(r"^[A-Za-z\-]+:.*$", re.MULTILINE)
# Key names that describe a secret rather than hold one.
_METADATA_KEY = re.compile(rf"(?i)(?:{'|'.join(METADATA_KEY_WORDS)})$")
# Names under which 32 hex digits are a digest or an identifier, not a Twilio auth token.
_HASH_NAME = re.compile(r"(?i)md5|sha\d|hash|digest|checksum|etag|crc|fingerprint|sid$|_?id$|uuid")
_LOWER_HEX = re.compile(r"[0-9a-f]+")
_URLSAFE_BODY = re.compile(r"[A-Za-z0-9_\-]+")
_DOTTED_NAME = re.compile(r"[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+")


class Validity(StrEnum):
    """How far an offline check confirmed a candidate."""

    VERIFIED = "checksum verified"
    PARSED = "structure parsed"
    PLAUSIBLE = "format and entropy"
    INVALID = "invalid"


Validator = Callable[[str, dict[str, str]], Validity]


def base62_value(text: str) -> int:
    """The integer a base62 numeral spells (GitHub's alphabet: digits, upper, lower)."""
    value = 0
    for char in text:
        value = value * 62 + _BASE62_INDEX[char]
    return value


def github_checksum(payload: str) -> str:
    """The 6-character base62 CRC-32 that GitHub (and npm) append to a token's payload."""
    crc = zlib.crc32(payload.encode("ascii"))
    digits = ""
    while crc:
        crc, rest = divmod(crc, 62)
        digits = _BASE62[rest] + digits
    return digits.rjust(6, "0")


def _github_crc32(secret: str, groups: dict[str, str]) -> Validity:
    """The part after the last ``_`` ends with the base62 CRC-32 of the rest of it."""
    tail = secret.rsplit("_", 1)[-1]
    payload, check = tail[:-6], tail[-6:]
    if len(payload) < 20 or any(c not in _BASE62_INDEX for c in tail):
        return Validity.INVALID
    ok = base62_value(check) == zlib.crc32(payload.encode("ascii"))
    return Validity.VERIFIED if ok else Validity.INVALID


def _aws_key_id(secret: str, groups: dict[str, str]) -> Validity:
    """The 16 characters after the prefix are base32 (which the pattern already demands)."""
    body = secret[4:]
    if len(body) != 16 or len(set(body)) < 6:
        return Validity.INVALID
    try:
        base64.b32decode(body)
    except binascii.Error:
        return Validity.INVALID
    return Validity.PARSED


def _b64url_json(part: str) -> object:
    padded = part + "=" * (-len(part) % 4)
    return json.loads(base64.urlsafe_b64decode(padded))


def _jwt(secret: str, groups: dict[str, str]) -> Validity:
    """Header and payload decode to JSON objects and the header names an algorithm."""
    header, payload = secret.split(".")[:2]
    try:
        head, body = _b64url_json(header), _b64url_json(payload)
    except (ValueError, binascii.Error):
        return Validity.INVALID
    if isinstance(head, dict) and isinstance(head.get("alg"), str) and isinstance(body, dict):
        return Validity.PARSED
    return Validity.INVALID


def pem_body(secret: str) -> tuple[str, bytes] | None:
    """The label and decoded body of a PEM block (JSON newline escapes undone)."""
    label = _PEM_LABEL.search(secret)
    if label is None:
        return None
    text = _PEM_ESCAPES.sub("\n", secret)
    body = text[text.index("-----", label.end() - 5) + 5 :]
    body = body[: body.find("-----END")]
    body = _HEADER_LINE.sub("", body)
    # PGP armour ends with a "=XXXX" CRC-24 line: not part of the packet data.
    lines = [ln.strip() for ln in body.splitlines() if ln.strip() and not ln.startswith("=")]
    try:
        return label.group(1), base64.b64decode("".join(lines), validate=True)
    except (binascii.Error, ValueError):
        return None


def _private_key(secret: str, groups: dict[str, str]) -> Validity:
    """The body decodes; OpenSSH keys carry their magic, the others are DER structures."""
    parsed = pem_body(secret)
    if parsed is None:
        return Validity.INVALID
    label, der = parsed
    if "OPENSSH" in label:
        ok = der.startswith(b"openssh-key-v1\x00")
    elif "PGP" in label:
        ok = len(der) > 64
    else:
        ok = is_der_private_key(der)
    return Validity.PARSED if ok else Validity.INVALID


def _pypi_macaroon(secret: str, groups: dict[str, str]) -> Validity:
    """PyPI tokens are macaroons whose location is pypi.org or test.pypi.org."""
    body = secret.removeprefix("pypi-")
    return Validity.PARSED if body.startswith(_PYPI_PREFIXES) else Validity.INVALID


def _azure_key(secret: str, groups: dict[str, str]) -> Validity:
    """Storage account keys are 64 random bytes in base64."""
    try:
        raw = base64.b64decode(secret, validate=True)
    except binascii.Error:
        return Validity.INVALID
    return Validity.PARSED if len(raw) == 64 else Validity.INVALID


def _generic_assignment(secret: str, groups: dict[str, str]) -> Validity:
    """A keyword assignment counts only with a secret-like value under a secret-like name."""
    if _METADATA_KEY.search(groups.get("key", "")):
        return Validity.INVALID
    if _DOTTED_NAME.fullmatch(secret) or "://" in secret or secret.startswith(("/", "~")):
        return Validity.INVALID
    if character_classes(secret) < 2 or shannon_entropy(secret) < 3.0:
        return Validity.INVALID
    # A short base64 value (a Kubernetes Secret's ``changeme``) is judged by its text;
    # long ones are decoded and matched by the matcher itself.
    decoded = decode_run(secret, minimum=4)
    if decoded is not None and is_allowed(decoded[1], allow_hash_like=False):
        return Validity.INVALID
    return Validity.PLAUSIBLE


def _url_password(secret: str, groups: dict[str, str]) -> Validity:
    """A URL password that is not a template or a variable reference."""
    if secret.startswith(("$", "%", "{", ":")) or len(secret) < 3:
        return Validity.INVALID
    return Validity.PLAUSIBLE


def _not_a_hash_name(secret: str, groups: dict[str, str]) -> Validity:
    """Hex digits assigned to a name that says digest or identifier are not a token."""
    return Validity.INVALID if _HASH_NAME.search(groups.get("key", "")) else Validity.PLAUSIBLE


def is_patterned(body: str) -> bool:
    """A typed stand-in rather than a random value: periodic, or mostly an alphabet walk.

    ``0123456789abcdef0123...`` or ``ABCDEFGHIJ...`` pass entropy floors; random bodies
    repeat no unit and almost never step to the next code point (1 pair in 16 to 64).
    """
    if any(body[period:] == body[:-period] for period in range(1, len(body) // 3 + 1)):
        return True  # a unit repeated at least three times, the last copy maybe cut short
    steps = sum(1 for a, b in pairwise(body) if ord(b) - ord(a) == 1)
    return steps * 2 >= len(body)


def _hex_body(body: str, length: int) -> Validity:
    if len(body) != length or _LOWER_HEX.fullmatch(body) is None or is_patterned(body):
        return Validity.INVALID
    return Validity.PARSED


def _databricks(secret: str, groups: dict[str, str]) -> Validity:
    """``dapi`` and 32 lower-case hex digits (an optional ``-N`` suffix), not a stand-in."""
    return _hex_body(secret.removeprefix("dapi").split("-", 1)[0], 32)


def _wandb(secret: str, groups: dict[str, str]) -> Validity:
    """40 lower-case hex digits, not a stand-in."""
    return _hex_body(secret, 40)


def _dockerhub(secret: str, groups: dict[str, str]) -> Validity:
    """``dckr_pat_`` and 27 base64url characters mixing classes, not a stand-in."""
    body = secret.removeprefix("dckr_pat_")
    if len(body) != 27 or _URLSAFE_BODY.fullmatch(body) is None:
        return Validity.INVALID
    if character_classes(body) < 2 or is_patterned(body):
        return Validity.INVALID
    return Validity.PARSED


def _none(secret: str, groups: dict[str, str]) -> Validity:
    return Validity.PLAUSIBLE


VALIDATORS: dict[ValidatorName, Validator] = {
    ValidatorName.NONE: _none,
    ValidatorName.GITHUB_CRC32: _github_crc32,
    ValidatorName.AWS_KEY_ID: _aws_key_id,
    ValidatorName.JWT: _jwt,
    ValidatorName.PRIVATE_KEY: _private_key,
    ValidatorName.PYPI_MACAROON: _pypi_macaroon,
    ValidatorName.AZURE_KEY: _azure_key,
    ValidatorName.GENERIC_ASSIGNMENT: _generic_assignment,
    ValidatorName.URL_PASSWORD: _url_password,
    ValidatorName.NOT_A_HASH_NAME: _not_a_hash_name,
    ValidatorName.DATABRICKS: _databricks,
    ValidatorName.WANDB: _wandb,
    ValidatorName.DOCKERHUB: _dockerhub,
}
