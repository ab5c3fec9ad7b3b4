"""Provider-neutral credentials: private keys, JWTs, URLs with passwords, assignments."""

from __future__ import annotations

import re

from mlgate.core.finding import Severity
from mlgate.credentials.allowlist import METADATA_KEY_WORDS
from mlgate.credentials.rules.model import ROTATE, Anchor, Detector, ValidatorName, secret_rule

JWT = Detector(
    rule=secret_rule(
        23, "jwt", Severity.MEDIUM, "JSON Web Token (a bearer credential until it expires).",
        "Invalidate the token (rotate its signing key if it does not expire). " + ROTATE,
    ),
    provider="jwt",
    pattern=re.compile(
        r"(?<![A-Za-z0-9_\-])(?P<secret>eyJ[A-Za-z0-9_\-]{8,4096}\.eyJ[A-Za-z0-9_\-]{4,8192}"
        r"\.[A-Za-z0-9_\-]{0,1024})(?![A-Za-z0-9_\-])"
    ),
    keywords=("eyj",),
    validator=ValidatorName.JWT,
    priority=10,
    anchors=(Anchor("eyJ", folded=False),),
    reach=0,
)  # fmt: skip

# The body class excludes nothing a PEM body holds (base64, headers, escaped newlines in
# JSON) and the lazy repetition is bounded, so a BEGIN without END costs at most 16 KiB.
PRIVATE_KEY = Detector(
    rule=secret_rule(
        24, "private-key", Severity.CRITICAL,
        "Private key (PEM PKCS#1/PKCS#8/SEC1, OpenSSH or PGP) that parses.",
        "Treat the key as compromised: revoke its certificate or authorized_keys entry and "
        "generate a new one. " + ROTATE,
    ),
    provider="private-key",
    pattern=re.compile(
        r"(?P<secret>-----BEGIN[ A-Z0-9]{0,24}PRIVATE KEY(?: BLOCK)?-----"
        r"[A-Za-z0-9+/=\s\\:,.\-]{16,16384}?-----END[ A-Z0-9]{0,24}PRIVATE KEY(?: BLOCK)?-----)"
    ),
    keywords=("private key",),
    validator=ValidatorName.PRIVATE_KEY,
    priority=10,
    anchors=(Anchor("-----begin"),),
    reach=16_500,
)  # fmt: skip

_SCHEMES = (
    "postgres|postgresql|mysql|mariadb|mongodb|mongodb\\+srv|redis|rediss|amqp|amqps|mssql"
    "|sqlserver|oracle|clickhouse|snowflake|cockroachdb|kafka|nats|ldap|ldaps|ftp|sftp|smtp"
)
DATABASE_URL = Detector(
    rule=secret_rule(
        25, "database-url-password", Severity.HIGH,
        "Database or message-broker URL with an embedded password.",
        "Change the password and pass it separately (env var, secret store, IAM auth). "
        + ROTATE,
    ),
    provider="url",
    pattern=re.compile(
        rf"(?i:\b(?:{_SCHEMES})(?:\+[a-z0-9]{{1,16}})?)://[^\s:@/\"'<>]{{1,128}}:"
        r"(?P<secret>[^\s@/\"'<>]{1,128})@[A-Za-z0-9.\-\[\]_]{1,253}"
    ),
    keywords=("://",),
    validator=ValidatorName.URL_PASSWORD,
    priority=5,
    anchors=(Anchor(r"://[^\s:@/\"'<>]{1,128}:[^\s@/\"'<>]{1,128}@", folded=False),),
    reach=0,
)  # fmt: skip

# Anchored on the keyword followed by an assignment, so common words (``tokenizer``,
# ``keys()``) cost nothing, and on key names that do not end in a metadata word
# (``token_path:``, ``secret_name:``): the validator rejects those keys anyway, and
# configs are full of them. The value is quoted (any run without whitespace or quotes,
# punctuation included) or bare up to whitespace/punctuation; a type annotation may sit
# between the name and ``=`` (``password: str = "..."``). The validator then demands
# entropy, mixed character classes and a key name that is not metadata.
# The key is taken possessively (what follows it is never a key character, so giving
# characters back cannot help) and checked once by one lookbehind per word length.
_BY_LENGTH: dict[int, list[str]] = {}
for _word in METADATA_KEY_WORDS:
    _BY_LENGTH.setdefault(len(_word), []).append(_word)
_NOT_METADATA = "".join(f"(?<!{'|'.join(words)})" for _, words in sorted(_BY_LENGTH.items()))
_ASSIGNED = rf"[a-z0-9_\-]{{0,24}}+{_NOT_METADATA}[\"']?[ \t]{{0,8}}[:=]"
GENERIC_ASSIGNMENT = Detector(
    rule=secret_rule(
        26, "generic-secret-assignment", Severity.MEDIUM,
        "High-entropy value assigned to a password/secret/token/key name.",
        "Move the value to a secret store or environment variable; rotate it if real. "
        + ROTATE,
    ),
    provider="generic",
    pattern=re.compile(
        r"(?i:(?P<key>(?:password|passwd|passphrase|pwd|secret|token|api[_\-]?key|apikey"
        r"|access[_\-]?key|auth[_\-]?key|private[_\-]?key|credential)[A-Za-z0-9_\-]{0,24}))"
        r"[\"']?[ \t]{0,8}(?::[ \t]{0,8}[A-Za-z_][\w.\[\], |]{0,60}?[ \t]{0,8}=(?!=)"
        r"|:=|=>|==|=|:)[ \t]{0,8}(?P<q>[\"'`])?"
        r"(?P<secret>(?(q)[^\s\"'`\\]|[^\s\"'`,;()\[\]{}<>\\]){8,256})(?(q)(?P=q)|(?=[\s,;]|$))"
    ),
    keywords=("pass", "pwd", "secret", "token", "key", "credential"),
    entropy=3.0,
    validator=ValidatorName.GENERIC_ASSIGNMENT,
    priority=0,
    anchors=tuple(
        Anchor(word + _ASSIGNED)
        for word in ("pass", "pwd", "secret", "token", "credential", r"api[_\-]?key",
                     r"access[_\-]?key", r"auth[_\-]?key", r"private[_\-]?key")
    ),
    reach=0,
)  # fmt: skip

DETECTORS = (JWT, PRIVATE_KEY, DATABASE_URL, GENERIC_ASSIGNMENT)
