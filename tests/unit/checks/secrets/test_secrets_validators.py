from __future__ import annotations

import base64

import pytest

from builders import secrets_tokens as st
from mlgate.credentials.asn1 import is_der_private_key, read_length
from mlgate.credentials.rules.model import ValidatorName
from mlgate.credentials.validators import VALIDATORS, Validity, base62_value, github_checksum


def validate(name: ValidatorName, value: str, **groups: str) -> Validity:
    return VALIDATORS[name](value, groups)


@pytest.mark.parametrize("prefix", ["ghp", "gho", "ghu", "ghs", "ghr"])
def test_github_classic_tokens_with_their_crc32_verify(prefix: str) -> None:
    token = st.github(st.seeded(1), prefix)
    assert validate(ValidatorName.GITHUB_CRC32, token) is Validity.VERIFIED


def test_github_token_with_a_wrong_checksum_is_invalid() -> None:
    token = st.github_wrong_checksum(st.seeded(2))
    assert validate(ValidatorName.GITHUB_CRC32, token) is Validity.INVALID


def test_fine_grained_and_npm_tokens_use_the_same_checksum() -> None:
    rng = st.seeded(3)
    assert validate(ValidatorName.GITHUB_CRC32, st.github_fine_grained(rng)) is Validity.VERIFIED
    assert validate(ValidatorName.GITHUB_CRC32, st.npm(rng)) is Validity.VERIFIED
    broken = st.npm(rng)[:-1] + "!"
    assert validate(ValidatorName.GITHUB_CRC32, broken) is Validity.INVALID


def test_checksum_is_zero_padded_base62() -> None:
    assert base62_value(github_checksum("a" * 30)) == __import__("zlib").crc32(b"a" * 30)
    assert len(github_checksum("x")) == 6


def test_aws_key_id_structure() -> None:
    assert validate(ValidatorName.AWS_KEY_ID, st.aws_key_id(st.seeded(4))) is Validity.PARSED
    assert validate(ValidatorName.AWS_KEY_ID, "AKIA" + "A" * 16) is Validity.INVALID


def test_jwt_header_must_decode_to_json_with_alg() -> None:
    assert validate(ValidatorName.JWT, st.jwt(st.seeded(5))) is Validity.PARSED
    head = base64.urlsafe_b64encode(b'{"typ":"JWT"}').decode().rstrip("=")
    body = base64.urlsafe_b64encode(b'{"a":1}').decode().rstrip("=")
    assert validate(ValidatorName.JWT, f"{head}.{body}.sig") is Validity.INVALID
    assert validate(ValidatorName.JWT, "eyJnotbase64!!.eyJx.y") is Validity.INVALID


def test_private_keys_must_parse_as_der_or_openssh() -> None:
    rng = st.seeded(6)
    assert validate(ValidatorName.PRIVATE_KEY, st.private_key_pem(rng)) is Validity.PARSED
    escaped = st.private_key_pem(rng, "PRIVATE KEY").replace("\n", "\\n")
    assert validate(ValidatorName.PRIVATE_KEY, escaped) is Validity.PARSED
    assert validate(ValidatorName.PRIVATE_KEY, st.truncated_private_key(rng)) is Validity.INVALID
    magic = base64.b64encode(b"openssh-key-v1\x00" + rng.randbytes(200)).decode()
    label = "-" * 5 + "{} OPENSSH PRIVATE KEY" + "-" * 5
    ssh = f"{label.format('BEGIN')}\n{magic}\n{label.format('END')}"
    assert validate(ValidatorName.PRIVATE_KEY, ssh) is Validity.PARSED
    assert validate(ValidatorName.PRIVATE_KEY, ssh.replace(magic, magic[4:])) is Validity.INVALID


def test_der_lengths_follow_the_distinguished_rules() -> None:
    assert read_length(b"\x30\x05", 1) == (5, 2)
    assert read_length(b"\x30\x81\x05", 1) is None  # long form for a short length
    assert read_length(b"\x30\x82\x01", 1) is None  # truncated
    assert not is_der_private_key(b"\x30\x03\x02\x01\x00")  # too short to be a key
    assert not is_der_private_key(b"\x31" + bytes(10))


def test_pypi_macaroon_location_and_azure_key_size() -> None:
    rng = st.seeded(7)
    assert validate(ValidatorName.PYPI_MACAROON, st.pypi(rng)) is Validity.PARSED
    assert validate(ValidatorName.PYPI_MACAROON, "pypi-AgEIbm90cHlwaQ" + "A" * 60) is (
        Validity.INVALID
    )
    assert validate(ValidatorName.AZURE_KEY, st.azure_key(rng)) is Validity.PARSED
    assert validate(ValidatorName.AZURE_KEY, "A" * 86 + "==") is Validity.PARSED
    assert validate(ValidatorName.AZURE_KEY, "A" * 84 + "====") is Validity.INVALID


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("password", "Xk9#mQ2pLw", Validity.PLAUSIBLE),
        ("token_name", "Xk9#mQ2pLw", Validity.INVALID),
        ("secret", "settings.SECRET_KEY", Validity.INVALID),
        ("secret", "https://vault", Validity.INVALID),
        ("secret", "SECRET_KEY_NAME", Validity.INVALID),
        ("pwd", "/etc/passwd", Validity.INVALID),
    ],
)
def test_generic_assignment_needs_a_secret_name_and_a_secret_value(
    key: str, value: str, expected: Validity
) -> None:
    assert validate(ValidatorName.GENERIC_ASSIGNMENT, value, key=key) is expected


@pytest.mark.parametrize(
    ("name", "make"),
    [
        (ValidatorName.DATABRICKS, st.databricks),
        (ValidatorName.WANDB, st.wandb),
        (ValidatorName.DOCKERHUB, st.dockerhub),
    ],
)
def test_generated_tokens_of_documented_formats_parse(name: ValidatorName, make: object) -> None:
    rng = st.seeded(f"structure-{name}")
    assert callable(make)
    assert all(validate(name, make(rng)) is Validity.PARSED for _ in range(200))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (ValidatorName.DATABRICKS, "dapi" + "0123456789abcdef" * 2),
        (ValidatorName.DATABRICKS, "dapi" + "0123456789ABCDEF" * 2),
        (ValidatorName.DATABRICKS, "dapi" + "a1b2c3d4" * 4 + "-2"),
        (ValidatorName.WANDB, ("0123456789abcdef" * 3)[:40]),
        (ValidatorName.WANDB, "ab" * 19 + "cd"),
        (ValidatorName.WANDB, "0" * 39 + "g"),
        (ValidatorName.DOCKERHUB, "dckr_pat_" + "ABCDEFGHIJKLMNOPQRSTUVWXYZa"),
        (ValidatorName.DOCKERHUB, "dckr_pat_" + "mydockerhubpersonalaccesstk"),
        (ValidatorName.DOCKERHUB, "dckr_pat_" + "Ab1-" * 6 + "Ab1"),
        (ValidatorName.DOCKERHUB, "dckr_pat_" + "Ab1+" * 6 + "Ab1"),
    ],
)
def test_hand_typed_stand_ins_of_those_formats_are_invalid(name: ValidatorName, value: str) -> None:
    assert validate(name, value) is Validity.INVALID


def test_a_databricks_suffix_is_part_of_the_documented_shape() -> None:
    token = st.databricks(st.seeded(41))
    assert validate(ValidatorName.DATABRICKS, token + "-2") is Validity.PARSED
