from __future__ import annotations

import base64
import hashlib
import json
import urllib.parse

import pytest

from builders import secrets_carriers as sc
from builders import secrets_tokens as st
from mlgate.checks.secrets.findings import to_finding
from mlgate.checks.secrets.readers.notebook import notebook_hits
from mlgate.checks.secrets.readers.text import text_hits
from mlgate.core.finding import SourceLocation
from mlgate.credentials.decoding import decode_run, encoded_values, readable
from mlgate.credentials.matcher import Matcher
from mlgate.credentials.rules import DETECTORS

MATCHER = Matcher(DETECTORS)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def found(text: str) -> list[tuple[str, int | None, str]]:
    hits = text_hits(text, "f.yaml", MATCHER)
    return [
        (h.match.detector.rule.id, getattr(h.location, "start_line", None), h.match.encoding)
        for h in hits
    ]


def test_a_base64_wrapped_token_is_found_on_the_encoded_run() -> None:
    token = st.github(st.seeded(1))
    encoded = b64(token)
    text = f'import os\nTOKEN_B64 = "{encoded}"\n'
    [hit] = text_hits(text, "f.py", MATCHER)
    assert (hit.match.detector.rule.id, hit.match.secret, hit.match.encoding) == (
        "SEC007", token, "base64",
    )  # fmt: skip
    assert hit.location == SourceLocation(
        path="f.py", start_line=2, start_column=14, end_line=2, end_column=14 + len(encoded)
    )
    finding = to_finding(hit)
    assert "(decoded from base64)" in finding.message
    assert ("encoding", "base64") in finding.properties
    assert token not in repr(finding) and encoded not in repr(finding)


def test_a_kubernetes_secret_keeps_its_key_for_the_generic_rule() -> None:
    password = st.generic_password(st.seeded(2))
    text = f"kind: Secret\ndata:\n  db_password: {b64(password)}\n  replicas: MQ==\n"
    assert found(text) == [("SEC026", 3, "base64")]


def test_hex_and_percent_encodings_are_decoded() -> None:
    rng = st.seeded(3)
    slack, url = st.slack_bot(rng), st.database_url(rng)
    hexed = slack.encode().hex()
    quoted = urllib.parse.quote(url, safe="")
    assert found(f"hook: {hexed}\ndsn: {quoted}\n") == [
        ("SEC010", 1, "hex"),
        ("SEC025", 2, "percent-encoding"),
    ]


def test_two_levels_are_decoded_and_no_more() -> None:
    token = st.npm(st.seeded(4))
    assert found(f"npm: {b64(b64(token))}\n") == [("SEC020", 1, "base64 in base64")]
    assert found(f"npm: {b64(b64(b64(token)))}\n") == []


@pytest.mark.parametrize(
    "text",
    [
        "aws_access_key_id: " + b64("AKIA" + "IOSFODNN7" + "EXAMPLE"),
        "password: " + b64("changeme-please-now"),
        "api_token: " + b64("<YOUR_API_TOKEN_HERE>"),
        "token: " + b64("${GITHUB_TOKEN_FROM_THE_VAULT}"),
        "weights_b64: " + base64.b64encode(bytes(range(256)) * 2).decode(),
        "sha256: " + hashlib.sha256(b"model").hexdigest(),
        "path: src/mlgate/checks/secrets/decoding_helpers_for_tests.py",
        "blob: " + b64("ghp_" + "not-a-token-only-some-words-here"),
    ],
)
def test_allowlists_apply_to_decoded_values_and_noise_decodes_to_nothing(text: str) -> None:
    assert found(text + "\n") == []


def test_jwts_and_sas_urls_are_reported_once_as_written() -> None:
    rng = st.seeded(5)
    jwt, sas = st.jwt(rng), st.azure_sas(rng)
    text = f"bearer: {jwt}\nurl: https://a.blob.core.windows.net/c?{sas}\n"
    assert found(text) == [("SEC023", 1, ""), ("SEC006", 2, "")]


def test_runs_beyond_the_length_cap_are_not_decoded() -> None:
    token = st.github(st.seeded(6))
    long_text = f"token = {token}\n" + "# padding line of words\n" * 300
    assert found(f"blob: {b64(long_text)}\n") == []
    assert [e.encoding for e in encoded_values(f"x: {b64(long_text[:200])}")] == ["base64"]


def test_decode_run_rules() -> None:
    assert decode_run(b64("plain readable text here")) == ("base64", "plain readable text here")
    assert decode_run("a1/b2_c3/d4_e5/f6_g7/h8_i9") is None  # two alphabets: a path
    assert decode_run("abcdefghijklmnopqrstuvwxyzab") is None  # one class: a word
    assert readable(b"short") is None
    assert readable(bytes(range(32)) * 2) is None


def test_twilio_auth_token_pairs_with_its_account_sid() -> None:
    rng = st.seeded(7)
    sid, token = "AC" + st.pick(rng, st.HEX, 32), st.pick(rng, st.HEX, 32)
    paired = f'account_sid = "{sid}"\nauth_token = "{token}"\n'
    assert found(paired) == [("SEC027", 2, "")]
    assert found(f'Client("{sid}", "{token}")\n') == [("SEC027", 1, "")]
    assert found(f'auth_token = "{token}"\n') == []
    assert found(f'account_sid = "{sid}"\nmodel_md5 = "{token}"\n') == []
    assert found(f'account_sid = "{sid}"\n' + "#\n" * 400 + f'auth_token = "{token}"\n') == []


def test_json_strings_with_escaped_quotes_and_slashes_are_unescaped() -> None:
    rng = st.seeded(8)
    hook, password = st.slack_webhook(rng), st.generic_password(rng)
    document = {"cmd": f'curl -X POST "{hook}"', "env": f'export db_password="{password}"'}
    text = json.dumps(document, indent=1).replace("/", "\\/")
    assert found(text + "\n") == [
        ("SEC011", 2, "JSON string escapes"),
        ("SEC026", 3, "JSON string escapes"),
    ]


def test_ansi_colours_in_notebook_outputs_do_not_hide_values() -> None:
    password = st.generic_password(st.seeded(9))
    stream: dict[str, object] = {"output_type": "stream", "name": "stderr",
              "text": [f"\x1b[32mdb_password={password}\x1b[0m\n"]}  # fmt: skip
    data = sc.notebook_document([sc.code_cell(["load()"], [stream])]).decode()
    hits = notebook_hits(data, "nb.ipynb", MATCHER)
    assert [(h.match.detector.rule.id, h.match.secret, h.where) for h in hits] == [
        ("SEC026", password, "cell 1 output 1, line 1")
    ]
