"""Where a literal is a credential: credential names, and positional credential arguments.

A name is a credential name when its last word is a credential noun (``DB_PASSWORD``,
``authToken``) or it ends in ``key`` qualified as a secret (``SECRET_KEY``, ``api_key``);
``password_hash``, ``token_url`` or ``secret_name`` end in another word and are metadata.
"""

from __future__ import annotations

from mlgate.checks.sast.rules.model import CredentialSlot

# Last words that make a name a credential (``pass`` and ``pw`` only after another word).
CREDENTIAL_NOUNS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "secret",
        "token",
        "apikey",
        "credential",
        "credentials",
    }
)
SHORT_NOUNS = frozenset({"pass", "pw"})
# ``<qualifier>_key`` is a credential; ``cache_key``, ``sort_key``, ``public_key`` are not.
KEY_QUALIFIERS = frozenset(
    {
        "secret",
        "api",
        "private",
        "access",
        "auth",
        "signing",
        "encryption",
        "master",
        "client",
        "app",
        "license",
        "hmac",
        "jwt",
        "webhook",
        "consumer",
        "shared",
    }
)

# A name holding any of these words describes a credential instead of holding one
# (``REQUEST_TYPE_ACCESS_TOKEN``, ``TOKEN_HEADER_NAME``, ``PASSWORD_MIN_LENGTH``).
METADATA_WORDS = frozenset(
    {
        "type", "kind", "name", "field", "header", "param", "params", "url", "uri",
        "endpoint", "path", "file", "filename", "dir", "prefix", "suffix", "format",
        "pattern", "regex", "label", "length", "len", "min", "max", "expiry", "expires",
        "ttl", "timeout", "lifetime", "env", "var", "hash", "hashed", "salt", "policy",
        "validator", "validators", "hint", "prompt", "message", "msg", "error", "mode",
        "scheme", "method", "algorithm", "encoding", "count", "attribute", "attr",
        "class", "backend", "provider", "storage", "cache", "location", "source",
        # Tokenizer and pagination tokens of ML and API code (``pad_token = "[PAD]"``).
        "pad", "bos", "eos", "unk", "sep", "cls", "mask", "special", "null", "next", "page",
    }
)  # fmt: skip
# Only a password compared with a literal is an expected credential; a token or key
# compared with one is mostly a mode switch (``if bearer_token == "auto"``).
PASSWORD_NOUNS = frozenset({"password", "passwd", "passphrase", "pwd", "pass", "pw"})
# Values that choose a mode or name a scheme instead of being a credential.
SENTINEL_VALUES = frozenset(
    {
        "auto", "default", "none", "null", "nil", "true", "false", "yes", "no", "on", "off",
        "enabled", "disabled", "required", "optional", "env", "environ", "keyring", "prompt",
        "ask", "inherit", "bearer", "basic", "digest", "jwt", "oauth", "oauth2", "token",
        "secret", "password", "apikey", "session", "cookie", "header", "query", "form",
        "body", "any", "all", "unset", "unknown", "empty",
    }
)  # fmt: skip

CREDENTIAL_HINT = (
    "Read the credential from the environment or a secret store (os.environ['NAME'], "
    "a vault, the platform's secret manager) and rotate the committed value."
)

_LOGIN = (".login", ".simple_bind_s", ".simple_bind", ".bind_s")
_SECOND = (
    *_LOGIN,
    "pika.PlainCredentials",
    "pika.credentials.PlainCredentials",
    "requests.auth.HTTPBasicAuth",
    "requests.auth.HTTPDigestAuth",
    "requests.HTTPBasicAuth",
    "httpx.BasicAuth",
    "httpx.DigestAuth",
    "aiohttp.BasicAuth",
    # JWT signing keys: encode(payload, key) and decode(token, key).
    "jwt.encode",
    "jwt.decode",
    "jose.jwt.encode",
    "jose.jwt.decode",
)
_FIRST = (
    "itsdangerous.URLSafeTimedSerializer",
    "itsdangerous.URLSafeSerializer",
    "itsdangerous.Serializer",
    "itsdangerous.TimedSerializer",
    "itsdangerous.Signer",
    "itsdangerous.TimestampSigner",
    "hmac.new",
)
# Connect calls whose password is commonly passed by position.
_THIRD = ("ldap3.Connection", "pymysql.connect", "MySQLdb.connect", "MySQLdb._mysql.connect")

CREDENTIAL_SLOTS: tuple[CredentialSlot, ...] = (
    *(CredentialSlot(callee=c, positions=(1,)) for c in _SECOND),
    *(CredentialSlot(callee=c, positions=(0,)) for c in _FIRST),
    *(CredentialSlot(callee=c, positions=(2,)) for c in _THIRD),
    CredentialSlot(callee="redis.Redis", positions=(3,)),
    CredentialSlot(callee="redis.StrictRedis", positions=(3,)),
)
