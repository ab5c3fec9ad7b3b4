"""Fake credentials with the exact structure of real ones, generated at test time.

Nothing here is a real secret: every value is drawn from a seeded generator, and the
structure (prefixes, lengths, GitHub/npm CRC-32 checksums, DER private keys, PyPI
macaroon headers, JWT JSON) is rebuilt so validators accept them. ``*_lookalike``
builders make the hard negatives: the same shapes with a wrong checksum or structure.
"""

from __future__ import annotations

import base64
import json
import random
import string
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from mlgate.credentials.validators import github_checksum

ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"
HEX = "0123456789abcdef"
B32 = string.ascii_uppercase + "234567"


def seeded(seed: int | str) -> random.Random:
    """A reproducible generator for fake test data (never for real secrets)."""
    return random.Random(seed)  # noqa: S311  # deterministic fake test data, not cryptography


def pick(rng: random.Random, alphabet: str, size: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(size))


def github(rng: random.Random, prefix: str = "ghp") -> str:
    payload = pick(rng, ALNUM, 30)
    return f"{prefix}_{payload}{github_checksum(payload)}"


def github_wrong_checksum(rng: random.Random) -> str:
    token = github(rng)
    wrong = github_checksum(pick(rng, ALNUM, 30))
    return token[:-6] + (wrong if wrong != token[-6:] else "000000")


def github_fine_grained(rng: random.Random) -> str:
    payload = pick(rng, ALNUM, 53)
    return f"github_pat_{pick(rng, ALNUM, 22)}_{payload}{github_checksum(payload)}"


def npm(rng: random.Random) -> str:
    payload = pick(rng, ALNUM, 30)
    return f"npm_{payload}{github_checksum(payload)}"


def aws_key_id(rng: random.Random) -> str:
    return rng.choice(["AKIA", "ASIA"]) + pick(rng, B32, 16)


def aws_secret(rng: random.Random) -> str:
    return pick(rng, B64, 40)


def gcp_api_key(rng: random.Random) -> str:
    return "AIza" + pick(rng, URLSAFE, 35)


def azure_key(rng: random.Random) -> str:
    return base64.b64encode(rng.randbytes(64)).decode()


def azure_sas(rng: random.Random) -> str:
    sig = base64.b64encode(rng.randbytes(32)).decode().replace("+", "%2B").replace("/", "%2F")
    return f"sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01T00:00:00Z&sig={sig.rstrip('=')}%3D"


def gitlab(rng: random.Random) -> str:
    return "glpat-" + pick(rng, URLSAFE, 20)


def slack_bot(rng: random.Random) -> str:
    digits = string.digits
    return f"xoxb-{pick(rng, digits, 12)}-{pick(rng, digits, 13)}-{pick(rng, ALNUM, 24)}"


def slack_webhook(rng: random.Random) -> str:
    upper = string.ascii_uppercase + string.digits
    tail = f"T{pick(rng, upper, 10)}/B{pick(rng, upper, 10)}/{pick(rng, ALNUM, 24)}"
    return "https://hooks.slack.com/services/" + tail


def stripe(rng: random.Random) -> str:
    return "sk_" + "live" + "_" + pick(rng, ALNUM, 24)


def twilio(rng: random.Random) -> str:
    return "SK" + pick(rng, HEX, 32)


def sendgrid(rng: random.Random) -> str:
    return f"SG.{pick(rng, URLSAFE, 22)}.{pick(rng, URLSAFE, 43)}"


def openai(rng: random.Random) -> str:
    return f"sk-proj-{pick(rng, URLSAFE, 64)}T3BlbkFJ{pick(rng, URLSAFE, 64)}"


def anthropic(rng: random.Random) -> str:
    return f"sk-ant-api03-{pick(rng, URLSAFE, 93)}AA"


def huggingface(rng: random.Random) -> str:
    return "hf_" + pick(rng, string.ascii_letters, 34)


def databricks(rng: random.Random) -> str:
    return "dapi" + pick(rng, HEX, 32)


def wandb(rng: random.Random) -> str:
    return pick(rng, HEX, 40)


def pypi(rng: random.Random) -> str:
    body = b"\x02\x01\x08pypi.org\x02\x01" + rng.randbytes(120)
    return "pypi-" + base64.urlsafe_b64encode(body).decode().rstrip("=")


def dockerhub(rng: random.Random) -> str:
    return "dckr_pat_" + pick(rng, URLSAFE, 27)


def jwt(rng: random.Random) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    claims = {"sub": pick(rng, ALNUM, 12), "iat": rng.randrange(1 << 30)}
    signature = base64.urlsafe_b64encode(rng.randbytes(32)).decode().rstrip("=")
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.{signature}"


def _der(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 0x80:
        return bytes([tag, size]) + body
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(raw)]) + raw + body


def private_key_pem(rng: random.Random, label: str = "RSA PRIVATE KEY") -> str:
    """A PKCS#1-shaped DER structure of random integers, PEM-armoured."""
    integers = b"".join(_der(0x02, b"\x00" + rng.randbytes(n)) for n in (128, 3, 128, 64, 64))
    der = _der(0x30, _der(0x02, b"\x00") + integers)
    body = base64.b64encode(der).decode()
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    dashes = "-" * 5
    return f"{dashes}BEGIN {label}{dashes}\n{lines}\n{dashes}END {label}{dashes}"


def truncated_private_key(rng: random.Random) -> str:
    pem = private_key_pem(rng).splitlines()
    return "\n".join([pem[0], pem[1], "...", pem[-1]])


def database_url(rng: random.Random) -> str:
    password = pick(rng, ALNUM, 16)
    return f"postgresql://svc_user:{password}@db.internal.example:5432/features"


def generic_password(rng: random.Random) -> str:
    return pick(rng, ALNUM, 6) + rng.choice("#!%&*") + pick(rng, ALNUM, 9)


def crc_of(text: str) -> int:
    return zlib.crc32(text.encode())


@dataclass(frozen=True, slots=True)
class Kind:
    """A secret type of the corpus: its rule, a generator, and how it sits in code."""

    name: str
    rule_id: str
    make: Callable[[random.Random], str]
    variable: str


KINDS: tuple[Kind, ...] = (
    Kind("github", "SEC007", github, "GITHUB_TOKEN"),
    Kind("github-fine-grained", "SEC008", github_fine_grained, "GH_PAT"),
    Kind("aws-key-id", "SEC001", aws_key_id, "AWS_ACCESS_KEY_ID"),
    Kind("gcp-api-key", "SEC004", gcp_api_key, "MAPS_KEY"),
    Kind("gitlab", "SEC009", gitlab, "CI_PUSH"),
    Kind("slack", "SEC010", slack_bot, "SLACK_BOT"),
    Kind("slack-webhook", "SEC011", slack_webhook, "ALERT_HOOK"),
    Kind("stripe", "SEC012", stripe, "STRIPE"),
    Kind("twilio", "SEC013", twilio, "TWILIO_SID"),
    Kind("sendgrid", "SEC014", sendgrid, "MAIL"),
    Kind("openai", "SEC015", openai, "OPENAI"),
    Kind("anthropic", "SEC016", anthropic, "CLAUDE"),
    Kind("huggingface", "SEC017", huggingface, "HUB"),
    Kind("databricks", "SEC018", databricks, "DBX"),
    Kind("npm", "SEC020", npm, "NPM"),
    Kind("pypi", "SEC021", pypi, "TWINE"),
    Kind("dockerhub", "SEC022", dockerhub, "REGISTRY"),
    Kind("jwt", "SEC023", jwt, "BEARER"),
    Kind("database-url", "SEC025", database_url, "FEATURE_STORE_URL"),
    Kind("generic-password", "SEC026", generic_password, "db_password"),
)
