"""Labelled secrets corpus: fake credentials in every carrier, and hard look-alikes.

Every file is generated from a seeded generator at test time (no secret is ever in the
repository). Positive cases carry exactly the findings they must produce (rule id,
path, line or member); negative cases must produce none: wrong-checksum GitHub tokens,
documentation example keys, placeholders, hashes, UUIDs, base64 blobs, elided private
keys, environment lookups, notebook images, lockfile integrity hashes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from builders import archives as zb
from builders import secrets_carriers as sc
from builders import secrets_text_carriers as tc
from builders import secrets_tokens as st
from corpus.secrets import format_carriers as fc
from corpus.secrets import model_carriers as mc

SEED = 20240605
# Every carrier: the original seven, the config/escaping ones of secrets_text_carriers, the
# model formats (7z, Keras .h5, SavedModel) of model_carriers, and the formats and
# encodings of format_carriers (safetensors, ONNX, GGUF, .keras, HF files, tar, npy, hex, %).
BUILDERS = {**sc.BUILDERS, **tc.BUILDERS, **mc.BUILDERS, **fc.BUILDERS}


@dataclass(frozen=True, slots=True)
class Expected:
    """A finding a case must produce."""

    rule_id: str
    line: int | None
    member: str | None


@dataclass(frozen=True, slots=True)
class Case:
    """One generated file, its secret type and carrier, and its exact expected findings."""

    kind: str
    carrier: str
    filename: str
    data: bytes
    expected: tuple[Expected, ...]


def _case(kind: st.Kind, carrier: str, rng: random.Random) -> Case:
    planted = BUILDERS[carrier](kind.variable, kind.make(rng), rng)
    expected = Expected(kind.rule_id, planted.line, planted.member)
    return Case(kind.name, carrier, planted.filename, planted.data, (expected,))


def _multi_kinds(rng: random.Random) -> Iterator[Case]:
    """Secrets whose findings need more than one string: key pairs, keys, SA JSON."""
    key_id, secret = st.aws_key_id(rng), st.aws_secret(rng)
    text = f'AWS_ACCESS_KEY_ID = "{key_id}"\nAWS_SECRET_ACCESS_KEY = "{secret}"\n'
    expected = (Expected("SEC001", 1, None), Expected("SEC002", 2, None))
    yield Case("aws-pair", "source", "aws.py", text.encode(), expected)
    for carrier in ("pickle", "npz"):
        yield _aws_artifact(carrier, st.aws_key_id(rng), st.aws_secret(rng))
    pem = st.private_key_pem(rng)
    yield Case("private-key", "source", "deploy_key.pem", (pem + "\n").encode(),
               (Expected("SEC024", 1, None),))  # fmt: skip
    planted = sc.zip_bundle("ssh_key", pem, rng)
    yield Case("private-key", "zip", planted.filename, planted.data,
               (Expected("SEC024", None, planted.member),))  # fmt: skip
    yield _service_account(rng)
    azure = f"DefaultEndpointsProtocol=https;AccountName=feat;AccountKey={st.azure_key(rng)}"
    yield Case("azure-key", "config", "storage.env", f"CONN={azure}\n".encode(),
               (Expected("SEC005", 1, None),))  # fmt: skip
    yield from _twilio(rng)
    sas = f"https://feat.blob.core.windows.net/data?{st.azure_sas(rng)}"
    yield Case("azure-sas", "source", "blob.py", f'URL = "{sas}"\n'.encode(),
               (Expected("SEC006", 1, None),))  # fmt: skip
    yield from _terraform_maps(rng)


def _terraform_maps(rng: random.Random) -> Iterator[Case]:
    """Secrets in a map default: each key names its value, several lines below ``variable``."""
    wandb, password = st.wandb(rng), st.generic_password(rng)
    lines = ['variable "ml_settings" {', "  type = map(string)", "  default = {",
             '    region        = "eu-west-1"', f'    wandb_api_key = "{wandb}"',
             f'    db_password   = "{password}"', "  }", "}"]  # fmt: skip
    text = "\n".join(lines) + "\n"
    expected = (Expected("SEC019", 5, None), Expected("SEC026", 6, None))
    yield Case("terraform-map", "terraform", "variables.tf", text.encode(), expected)


def _twilio(rng: random.Random) -> Iterator[Case]:
    """An account SID with its auth token, in code and in a pickled settings dict."""
    sid, token = "AC" + st.pick(rng, st.HEX, 32), st.pick(rng, st.HEX, 32)
    text = f'client = Client(\n    "{sid}",\n    "{token}",\n)\n'
    yield Case("twilio-pair", "source", "sms.py", text.encode(), (Expected("SEC027", 3, None),))
    data = sc.dict_pickle([("account_sid", sid), ("auth_token", token)])
    yield Case("twilio-pair", "pickle", "sms.pkl", data, (Expected("SEC027", None, None),))


def _aws_artifact(carrier: str, key_id: str, secret: str) -> Case:
    if carrier == "pickle":
        data = sc.dict_pickle([("aws_access_key_id", key_id), ("aws_secret_access_key", secret)])
        member = None
        filename = "creds.pkl"
    else:
        array = sc.utf32_array(["aws_access_key_id", key_id, "aws_secret_access_key", secret])
        data = zb.make_zip([zb.Member(name="meta.npy", data=array)])
        member, filename = "meta.npy", "creds.npz"
    expected = (Expected("SEC001", None, member), Expected("SEC002", None, member))
    return Case("aws-pair", carrier, filename, data, expected)


def _service_account(rng: random.Random) -> Case:
    pem = st.private_key_pem(rng, "PRIVATE KEY")
    document = {
        "type": "service_account", "project_id": "churn-prod",
        "private_key_id": st.pick(rng, st.HEX, 40), "private_key": pem + "\n",
        "client_email": "trainer@churn-prod.iam.gserviceaccount.com",
    }  # fmt: skip
    text = json.dumps(document, indent=2)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if '"private_key":' in ln)
    return Case("gcp-service-account", "config", "sa.json", text.encode(),
                (Expected("SEC003", line, None),))  # fmt: skip


def positive_cases(per_pair: int = 3) -> list[Case]:
    """Every secret type in every carrier, ``per_pair`` times, plus multi-string secrets."""
    rng = st.seeded(SEED)
    cases = [
        _case(kind, carrier, rng)
        for kind in (*st.KINDS, st.Kind("wandb", "SEC019", st.wandb, "WANDB_API_KEY"))
        for carrier in BUILDERS
        for _ in range(per_pair)
    ]
    cases.extend(_multi_kinds(rng))
    return cases


def _png_output(rng: random.Random) -> dict[str, object]:
    image = base64.b64encode(b"\x89PNG\r\n\x1a\n" + rng.randbytes(600)).decode()
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": image, "text/plain": ["<Figure>"]}}  # fmt: skip


def lookalikes(rng: random.Random) -> list[tuple[str, str]]:
    """(name, value) pairs that look like credentials and are not."""
    blob = base64.b64encode(rng.randbytes(90)).decode()
    return [
        ("GITHUB_TOKEN", st.github_wrong_checksum(rng)),
        ("GH_TOKEN", "ghp_" + "x" * 36),
        ("AWS_ACCESS_KEY_ID", "AKIA" + "IOSFODNN7" + "EXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"),
        ("api_token", "<YOUR_TOKEN>"),
        ("api_token", "${API_TOKEN}"),
        ("password", "changeme"),
        ("db_password", "xxxxxxxxxxxx"),
        ("secret_key", "{{ vault_secret_key }}"),
        ("model_sha256", hashlib.sha256(rng.randbytes(8)).hexdigest()),
        ("token_hash", hashlib.sha1(rng.randbytes(8), usedforsecurity=False).hexdigest()),
        ("run_id", str(uuid.UUID(int=rng.getrandbits(128)))),
        ("api_key_id", str(uuid.UUID(int=rng.getrandbits(128)))),
        ("weights_b64", blob),
        ("commit", hashlib.sha1(rng.randbytes(8), usedforsecurity=False).hexdigest()),
        ("token_name", "prod-feature-store-v2"),
        ("tokenizer_class", "BertTokenizerFast"),
        ("secret_path", "/var/run/secrets/db-password"),
        ("STRIPE_KEY", "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc"),
        ("HF_TOKEN", "hf_" + "your_token_here"),
        ("BEARER", "eyJhbGciOiJub25lIn0." + "eyJub3QiOiJqc29uIn0"[:-3] + ".abc"),
        ("integrity", "sha512-" + base64.b64encode(rng.randbytes(64)).decode()),
        ("DATABASE_URL", "postgresql://user:${DB_PASSWORD}@db:5432/app"),
        ("BROKER_URL", "amqp://guest:<password>@rabbit:5672//"),
        ("AWS_ACCESS_KEY_ID", _b64("AKIA" + "IOSFODNN7" + "EXAMPLE")),
        ("GITHUB_TOKEN_B64", _b64(st.github_wrong_checksum(rng))),
        ("token_b64", _b64("this is a note about tokens, not a credential")),
        ("config_hex", b"model=churn threshold=0.5 epochs=10".hex()),
        ("password_hash", "$2b$12$" + st.pick(rng, st.ALNUM + "./", 53)),
        ("secret_arn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf"),
        # Right prefix and length, but typed by hand: a repeated unit or an alphabet walk.
        ("DATABRICKS_TOKEN", "dapi" + "0123456789abcdef" * 2),
        ("WANDB_API_KEY", ("0123456789abcdef" * 3)[:40]),
        ("REGISTRY_TOKEN", "dckr_pat_" + "ABCDEFGHIJKLMNOPQRSTUVWXYZa"),
        ("DOCKERHUB_TOKEN", "dckr_pat_" + "mydockerhubpersonalaccesstk"),
    ]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# Variables whose names say "secret" but whose defaults describe one or hold nothing.
_TF_METADATA = b"""variable "db_password_secret_name" {
  default = "prod/feature-store/db-password"
}
variable "wandb_project" {
  default = "churn-model-training-v2"
}
variable "api_token_ttl" {
  default = "3600s"
}
variable "hf_token" {
  type    = string
  default = null
}
variable "registry_password" {
  default = var.fallback_password
}
"""


def negative_cases() -> list[Case]:
    """Look-alikes in every carrier, one file per carrier and value kind."""
    rng = st.seeded(SEED + 1)
    cases = []
    for name, value in lookalikes(rng):
        for carrier in BUILDERS:
            planted = BUILDERS[carrier](name, value, rng)
            cases.append(Case(f"negative:{name}", carrier, planted.filename, planted.data, ()))
    pem = st.truncated_private_key(rng)
    cases.append(Case("negative:elided-key", "source", "doc.md", pem.encode(), ()))
    env = 'password = os.environ["DB_PASSWORD"]\ntoken = get_token(user)\n'
    cases.append(Case("negative:lookup", "source", "settings.py", env.encode(), ()))
    sid, digest = (
        "AC" + st.pick(rng, st.HEX, 32),
        hashlib.md5(rng.randbytes(8), usedforsecurity=False).hexdigest(),
    )
    twilio = f'account_sid = "{sid}"\nmodel_md5 = "{digest}"\n'
    cases.append(Case("negative:sid-and-md5", "source", "sms.py", twilio.encode(), ()))
    cases.append(Case("negative:tf-metadata", "terraform", "variables.tf", _TF_METADATA, ()))
    png = sc.notebook_document([sc.code_cell(["plot()"], [_png_output(rng)])])
    cases.append(Case("negative:image", "notebook", "plots.ipynb", png, ()))
    return cases
