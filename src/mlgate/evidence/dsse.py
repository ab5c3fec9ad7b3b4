"""DSSE envelopes: the pre-authentication encoding (PAE), signing, and reading envelopes back.

The signature covers ``PAE(payloadType, payload)``, never the JSON around it, so a
verifier that checks the signature first may trust the payload bytes and nothing else
in the envelope (DSSE v1.0, "Protocol").
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from mlgate.core.errors import InputError
from mlgate.evidence.keys import Signer, Verifier

# A signed verdict is a few kilobytes; anything far larger is not ours.
MAX_ENVELOPE_BYTES = 16 * 1024 * 1024


def pae(payload_type: str, payload: bytes) -> bytes:
    """``DSSEv1 SP LEN(type) SP type SP LEN(body) SP body``, lengths in ASCII decimal."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


@dataclass(frozen=True, slots=True, kw_only=True)
class Signature:
    """One signature of an envelope and the id of the key that made it."""

    keyid: str
    sig: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class Envelope:
    """A DSSE envelope: the payload, its type and its signatures."""

    payload_type: str
    payload: bytes
    signatures: tuple[Signature, ...]

    def to_json(self) -> bytes:
        """The envelope as one line of JSON (so a file of them is JSON Lines)."""
        document = {
            "payloadType": self.payload_type,
            "payload": _b64(self.payload),
            "signatures": [{"keyid": s.keyid, "sig": _b64(s.sig)} for s in self.signatures],
        }
        return json.dumps(document, separators=(",", ":")).encode("ascii") + b"\n"

    def is_signed_by(self, verifier: Verifier) -> bool:
        """Whether any signature verifies over the PAE with ``verifier``'s key."""
        message = pae(self.payload_type, self.payload)
        return any(verifier.verify(s.sig, message) for s in self.signatures)


def sign(payload_type: str, payload: bytes, signer: Signer) -> Envelope:
    """An envelope holding ``payload`` signed by ``signer``."""
    signature = Signature(keyid=signer.keyid, sig=signer.sign(pae(payload_type, payload)))
    return Envelope(payload_type=payload_type, payload=payload, signatures=(signature,))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, what: str) -> bytes:
    # DSSE allows either base64 alphabet; accept both, with or without padding.
    if not isinstance(text, str):
        raise InputError(f"envelope {what} is not a base64 string")
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"envelope {what} is not valid base64") from None


def _signature(item: Any) -> Signature:
    if not isinstance(item, dict):
        raise InputError("envelope signature is not an object")
    keyid = item.get("keyid", "")
    return Signature(
        keyid=keyid if isinstance(keyid, str) else "", sig=_unb64(item.get("sig"), "sig")
    )


def parse_envelope(data: bytes) -> Envelope:
    """Read a DSSE envelope from JSON; a malformed one is an input error."""
    if len(data) > MAX_ENVELOPE_BYTES:
        raise InputError(f"envelope larger than {MAX_ENVELOPE_BYTES} bytes")
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError(f"envelope is not JSON ({error})") from None
    if not isinstance(document, dict):
        raise InputError("envelope is not a JSON object")
    payload_type = document.get("payloadType")
    signatures = document.get("signatures")
    if not isinstance(payload_type, str) or not isinstance(signatures, list) or not signatures:
        raise InputError("not a DSSE envelope (needs payloadType, payload and signatures)")
    return Envelope(
        payload_type=payload_type,
        payload=_unb64(document.get("payload"), "payload"),
        signatures=tuple(_signature(item) for item in signatures),
    )
