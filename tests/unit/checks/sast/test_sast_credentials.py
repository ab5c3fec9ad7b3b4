"""Hard-coded credentials (SAST798): credential slots, look-alikes, fixtures, redaction."""

from __future__ import annotations

import secrets
import string
import textwrap
from collections.abc import Callable

import pytest

from mlgate.checks.sast.credentials import is_credential_name, is_credential_value
from mlgate.checks.sast.engine import SourceFile, scan_sources
from mlgate.core.finding import SourceLocation, location_line
from mlgate.credentials.validators import github_checksum

Scan = Callable[[str], list[tuple[str, int]]]


def _weak_password() -> str:
    """A low-entropy, made-up password, different on every run (never committed)."""
    word = "".join(secrets.choice(string.ascii_lowercase) for _ in range(5))
    return word + word[::-1] + str(secrets.randbelow(90) + 10)


def _credential_lines(path: str, code: str) -> list[int]:
    source = textwrap.dedent(code).lstrip("\n").encode()
    findings = scan_sources([SourceFile(path=path, data=source)])
    return sorted(location_line(f.location) or 0 for f in findings if f.rule_id == "SAST798")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SECRET_KEY", True),
        ("db_password", True),
        ("authToken", True),
        ("apiKey", True),
        ("LDAP_BIND_PW", True),
        ("smtp_pass", True),
        ("CLIENT_SECRET", True),
        ("dbpassword", True),
        ("password_hash", False),
        ("token_url", False),
        ("secret_name", False),
        ("sort_key", False),
        ("public_key", False),
        ("PASSWORD_MIN_LENGTH", False),
        ("tokenizer", False),
        ("REQUEST_TYPE_ACCESS_TOKEN", False),
        ("pass", False),
    ],
)
def test_credential_names(name: str, expected: bool) -> None:
    assert is_credential_name(name) is expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "changeme",
        "<your-api-key>",
        "${DB_PASSWORD}",
        "your_token_here",
        "xxxxxxxx",
        "access_token",
        "nextPageToken",
        "X-Api-Key",
        "/run/secrets/db",
        "server.pem",
        "DB_PASSWORD",
        "{password}",
        "Enter your password",
        "https://user@example.com/",
        # Seen in real libraries: mode words, type and property names, regexes, tokenizers.
        "auto",
        "true",
        "Bearer",
        "V1SecretVolumeSource",
        "s3.secret-access-key",
        "__null_token_value__",
        r"[-!#$%&'*+.^_`|~0-9a-zA-Z]+",
        "[PAD]",
    ],
)
def test_stand_ins_and_references_are_not_credentials(value: str) -> None:
    assert not is_credential_value(value, "password")


@pytest.mark.parametrize(
    "value", ["supersecret", "my-secret-key", "MySuperSecretKey", "Summer2021!", "admin123"]
)
def test_weak_real_world_secrets_are_credentials(value: str) -> None:
    assert is_credential_value(value, "SECRET_KEY")


def test_tokenizer_tokens_and_mode_switches_are_not_credentials(scan: Scan) -> None:
    code = """
        def load(tokenizer, bearer_token="auto"):
            tokenizer.pad_token = "[PAD]"
            config = {"eos_token": "</s>", "unk_token": "<unk>"}
            if bearer_token == "databricks-sdk":
                return config
    """
    assert [hit for hit in scan(code) if hit[0] == "SAST798"] == []


def test_every_credential_slot(scan: Scan) -> None:
    pw = _weak_password()
    code = f"""
        import smtplib, psycopg2
        from flask import Flask, request
        app = Flask(__name__)
        SECRET_KEY = "{pw}"
        app.config["MAIL_PASSWORD"] = "{pw}"
        app.secret_key = b"{pw}"
        conn = psycopg2.connect(host="db", password="{pw}")
        smtplib.SMTP("mail").login("alerts", "{pw}")
        DATABASES = {{"default": {{"PASSWORD": "{pw}"}}}}
        user, passwd = "admin", "{pw}"
        def connect(host, api_key="{pw}"):
            return host
        class Settings:
            jwt_secret: str = "{pw}"
        @app.post("/login")
        def login():
            return {{"ok": request.form["password"] == "{pw}"}}
    """
    lines = [line for rule, line in scan(code) if rule == "SAST798"]
    assert lines == [4, 5, 6, 7, 8, 9, 10, 11, 14, 17]


def test_env_lookups_placeholders_and_names_are_not_reported(scan: Scan) -> None:
    code = """
        import os
        from fastapi.security import OAuth2PasswordBearer
        SECRET_KEY = os.environ["SECRET_KEY"]
        DB_PASSWORD = os.getenv("DB_PASSWORD", "")
        API_KEY = "<set-me>"
        TOKEN_HEADER = "X-Auth-Token"
        PASSWORD_RESET_TIMEOUT = 3600
        oauth2 = OAuth2PasswordBearer(tokenUrl="token")
        response = {"token_type": "bearer", "grant_type": "password"}
        def check(token):
            return token == "integer"
    """
    assert [hit for hit in scan(code) if hit[0] == "SAST798"] == []


def test_real_format_secrets_are_left_to_the_secrets_check(scan: Scan) -> None:
    alphabet = string.ascii_letters + string.digits
    payload = "".join(secrets.choice(alphabet) for _ in range(30))
    token = f"ghp_{payload}{github_checksum(payload)}"
    plain = _weak_password()
    code = f"""
        GITHUB_TOKEN = "{token}"
        DEPLOY_TOKEN = "{plain}"
    """
    assert [hit for hit in scan(code) if hit[0] == "SAST798"] == [("SAST798", 2)]


@pytest.mark.parametrize(
    ("path", "reported"),
    [
        ("app/settings.py", [1]),
        ("tests/test_login.py", []),
        ("shop/tests/factories.py", []),
        ("conftest.py", []),
        ("login_test.py", []),
    ],
)
def test_test_modules_and_fixtures_are_skipped(path: str, reported: list[int]) -> None:
    assert _credential_lines(path, f'ADMIN_PASSWORD = "{_weak_password()}"\n') == reported


def test_findings_never_show_the_credential() -> None:
    pw = _weak_password()
    source = f'import psycopg2\nconn = psycopg2.connect(password="{pw}")\n'.encode()
    findings = scan_sources([SourceFile(path="db.py", data=source)])
    (finding,) = findings
    assert isinstance(finding.location, SourceLocation)
    shown = (
        finding.message,
        finding.evidence or "",
        finding.location.snippet or "",
        finding.fingerprint,
        *(step.message for step in finding.flow),
    )
    assert all(pw not in text for text in shown)
    assert finding.evidence is not None and finding.evidence.startswith("password=")
    assert finding.cwe == (798,)
