from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from mlgate.core.errors import InputError
from mlgate.evidence.dsse import Envelope, Signature, pae, parse_envelope, sign
from mlgate.evidence.keys import MISSING_EXTRA, load_signer, load_verifier

Keys = tuple[Path, Path]


def test_pae_matches_the_dsse_specification_example() -> None:
    assert pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_pae_counts_bytes_not_characters() -> None:
    assert pae("t\u00e9", "\u00e9".encode()) == b"DSSEv1 3 t\xc3\xa9 2 \xc3\xa9"


def test_sign_then_verify_round_trips_through_json(keys: Keys) -> None:
    private, public = keys
    signer = load_signer(private.read_bytes(), where="k")
    verifier = load_verifier(public.read_bytes(), where="p")
    envelope = sign("application/vnd.in-toto+json", b'{"a": 1}', signer)
    text = envelope.to_json()
    assert text.endswith(b"\n") and text.count(b"\n") == 1
    again = parse_envelope(text)
    assert again == envelope
    assert again.signatures[0].keyid == signer.keyid == verifier.keyid
    assert len(signer.keyid) == 64
    assert again.is_signed_by(verifier)


def test_tampered_payload_type_or_payload_fails(keys: Keys) -> None:
    private, public = keys
    envelope = sign("text/plain", b"hello", load_signer(private.read_bytes(), where="k"))
    verifier = load_verifier(public.read_bytes(), where="p")
    moved = Envelope(payload_type="text/plain2", payload=b"hello", signatures=envelope.signatures)
    changed = Envelope(payload_type="text/plain", payload=b"hellO", signatures=envelope.signatures)
    assert not moved.is_signed_by(verifier)
    assert not changed.is_signed_by(verifier)


def test_another_key_does_not_verify(keys: Keys, other_keys: Keys) -> None:
    envelope = sign("t", b"x", load_signer(keys[0].read_bytes(), where="k"))
    assert not envelope.is_signed_by(load_verifier(other_keys[1].read_bytes(), where="p"))


def test_any_of_several_signatures_may_verify(keys: Keys) -> None:
    envelope = sign("t", b"x", load_signer(keys[0].read_bytes(), where="k"))
    junk = Signature(keyid="", sig=b"\x00" * 64)
    both = Envelope(payload_type="t", payload=b"x", signatures=(junk, *envelope.signatures))
    assert both.is_signed_by(load_verifier(keys[1].read_bytes(), where="p"))


def test_url_safe_unpadded_base64_is_accepted() -> None:
    payload = b"\xfb\xff\xfe"  # encodes with + and / in the standard alphabet
    document = {
        "payloadType": "t",
        "payload": base64.urlsafe_b64encode(payload).decode().rstrip("="),
        "signatures": [{"sig": base64.urlsafe_b64encode(b"\xff\xfe").decode().rstrip("=")}],
    }
    envelope = parse_envelope(json.dumps(document).encode())
    assert envelope.payload == payload
    assert envelope.signatures == (Signature(keyid="", sig=b"\xff\xfe"),)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{", "envelope is not JSON (Expecting property name enclosed in double quotes: "
               "line 1 column 2 (char 1))"),
        (b"[]", "envelope is not a JSON object"),
        (b'{"payloadType": "t", "payload": "", "signatures": []}',
         "not a DSSE envelope (needs payloadType, payload and signatures)"),
        (b'{"payloadType": "t", "payload": "!!", "signatures": [{"sig": ""}]}',
         "envelope payload is not valid base64"),
        (b'{"payloadType": "t", "payload": 3, "signatures": [{"sig": ""}]}',
         "envelope payload is not a base64 string"),
        (b'{"payloadType": "t", "payload": "", "signatures": ["x"]}',
         "envelope signature is not an object"),
    ],
)  # fmt: skip
def test_malformed_envelopes_are_input_errors(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_envelope(data)
    assert str(raised.value) == message


def test_encrypted_private_key_needs_its_password(tmp_path: Path) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"s3cret"),
    )
    assert load_signer(pem, where="k", password=b"s3cret").sign(b"m") == key.sign(b"m")
    with pytest.raises(InputError) as raised:
        load_signer(pem, where="k.pem")
    assert str(raised.value).startswith("k.pem: not a usable PEM private key (")


@pytest.mark.parametrize("kind", ["rsa", "p384"])
def test_other_key_types_are_refused(kind: str) -> None:
    key = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if kind == "rsa"
        else ec.generate_private_key(ec.SECP384R1())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    expected = "k: unsupported key type (use Ed25519 or ECDSA P-256)"
    with pytest.raises(InputError, match=r"^k: unsupported") as raised:
        load_signer(pem, where="k")
    assert str(raised.value) == expected
    with pytest.raises(InputError) as raised:
        load_verifier(public, where="k")
    assert str(raised.value) == expected


def test_a_public_key_is_not_a_private_key(keys: Keys) -> None:
    with pytest.raises(InputError) as raised:
        load_signer(keys[1].read_bytes(), where="signing.pub")
    assert str(raised.value).startswith("signing.pub: not a usable PEM private key (")
    with pytest.raises(InputError) as raised:
        load_verifier(b"not pem", where="x.pub")
    assert str(raised.value).startswith("x.pub: not a usable PEM public key (")


def test_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "cryptography", None)
    with pytest.raises(InputError) as raised:
        load_verifier(b"", where="p")
    assert (
        str(raised.value)
        == MISSING_EXTRA
        == ("signing needs the 'cryptography' package: pip install 'mlgate[evidence]'")
    )
