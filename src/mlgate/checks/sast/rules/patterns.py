"""Weaknesses visible in one call or assignment, whatever data flows into it.

Weak hashes and randomness, insecure cookies, TLS verification off, debug mode, XML
parsers that resolve external entities.

These need no data flow: the constant arguments decide. An argument whose value the
analyser cannot fold never triggers a rule (``secure=settings.SECURE`` is trusted).
"""

from __future__ import annotations

from mlgate.checks.sast.rules.model import (
    MISSING,
    ArgTest,
    AssignPattern,
    CallPattern,
    Weakness,
)

_WEAK_NAMES = frozenset({"md5", "sha1", "md4", "md2", "sha", "ripemd160", "sha-1"})
# ``usedforsecurity=False`` (Python 3.9+) declares a non-security use: a checksum.
_FOR_SECURITY = ArgTest(keyword="usedforsecurity", values=frozenset({False}), negate=True)
_HASH_HINT = "Use hashlib.sha256 (or bcrypt/argon2/scrypt for passwords, hmac for MACs)."
_RANDOM_HINT = "Use the secrets module (secrets.token_urlsafe, secrets.randbelow)."
_TLS_HINT = "Keep certificate verification on; pass verify='/path/to/ca.pem' for a private CA."
_DEBUG_HINT = "Never enable debug mode in deployed code; read it from the environment."
_XXE_HINT = "Parse with defusedxml, or disable external entities (resolve_entities=False)."
_UNSAFE = frozenset({False, None, MISSING})
_FALSE = frozenset({False})
_TRUE = frozenset({True})

_RANDOM_FUNCTIONS = (
    "random",
    "randint",
    "randrange",
    "randbytes",
    "getrandbits",
    "choice",
    "choices",
    "sample",
    "shuffle",
    "uniform",
    "triangular",
    "betavariate",
    "expovariate",
    "gammavariate",
    "gauss",
    "lognormvariate",
    "normalvariate",
    "vonmisesvariate",
    "paretovariate",
    "weibullvariate",
    "binomialvariate",
    "Random",
)

_HTTP_VERBS = ("get", "post", "put", "delete", "patch", "head", "options", "request", "stream")
_HTTP_CLIENTS = (
    "requests",
    "requests.Session",
    "requests.sessions.Session",
    "httpx",
    "httpx.Client",
    "httpx.AsyncClient",
)


def _calls(
    weakness: Weakness, hint: str, callees: tuple[str, ...], *tests: ArgTest
) -> tuple[CallPattern, ...]:
    return tuple(CallPattern(callee=c, weakness=weakness, tests=tests, hint=hint) for c in callees)


def _cookie(weakness: Weakness, keyword: str, position: int, hint: str) -> CallPattern:
    # Flask, Django and Starlette share set_cookie(key, value, max_age, expires, path,
    # domain, secure, httponly, samesite): positions count from ``key``.
    test = ArgTest(position=position, keyword=keyword, values=_UNSAFE)
    return CallPattern(callee=".set_cookie", weakness=weakness, tests=(test,), hint=hint)


_SECURE_SETTING_HINT = "Set it to True so the cookie never travels over plain HTTP."
_HTTPONLY_SETTING_HINT = "Leave it True (the default) so page scripts cannot read the cookie."


def _settings(weakness: Weakness, hint: str, *names: str) -> tuple[AssignPattern, ...]:
    """Django settings modules that turn a cookie protection off (``NAME = False``)."""
    return tuple(
        AssignPattern(target=n, weakness=weakness, values=_FALSE, hint=hint, path_part="settings")
        for n in names
    )


CALL_PATTERNS: tuple[CallPattern, ...] = (
    *_calls(
        Weakness.WEAK_HASH,
        _HASH_HINT,
        (
            "hashlib.md5",
            "hashlib.sha1",
            "Crypto.Hash.MD5.new",
            "Crypto.Hash.SHA1.new",
            "Cryptodome.Hash.MD5.new",
            "cryptography.hazmat.primitives.hashes.MD5",
            "cryptography.hazmat.primitives.hashes.SHA1",
        ),
        _FOR_SECURITY,
    ),
    *_calls(
        Weakness.WEAK_HASH,
        _HASH_HINT,
        ("hashlib.new",),
        ArgTest(position=0, keyword="name", values=_WEAK_NAMES),
        _FOR_SECURITY,
    ),
    *_calls(Weakness.WEAK_RANDOM, _RANDOM_HINT, tuple(f"random.{f}" for f in _RANDOM_FUNCTIONS)),
    _cookie(
        Weakness.INSECURE_COOKIE,
        "secure",
        6,
        "Set the cookie with secure=True so it never travels over plain HTTP.",
    ),
    _cookie(
        Weakness.SCRIPTABLE_COOKIE,
        "httponly",
        7,
        "Set the cookie with httponly=True so page scripts cannot read it.",
    ),
    *_calls(
        Weakness.TLS_UNVERIFIED,
        _TLS_HINT,
        (
            *(f"{c}.{v}" for c in _HTTP_CLIENTS for v in _HTTP_VERBS),
            "httpx.Client",
            "httpx.AsyncClient",
            "aiohttp.TCPConnector",
        ),
        ArgTest(keyword="verify", values=_FALSE),
    ),
    *_calls(
        Weakness.TLS_UNVERIFIED,
        _TLS_HINT,
        ("aiohttp.TCPConnector", ".request", ".get", ".post"),
        ArgTest(keyword="ssl", values=_FALSE),
    ),
    *_calls(Weakness.TLS_UNVERIFIED, _TLS_HINT, ("ssl._create_unverified_context",)),
    *_calls(
        Weakness.TLS_UNVERIFIED,
        _TLS_HINT,
        ("ssl.wrap_socket",),
        ArgTest(keyword="cert_reqs", values=frozenset({"ssl.CERT_NONE"})),
    ),
    *_calls(
        Weakness.DEBUG_MODE,
        _DEBUG_HINT,
        (".run",),
        ArgTest(position=2, keyword="debug", values=_TRUE),
    ),
    *_calls(
        Weakness.DEBUG_MODE,
        _DEBUG_HINT,
        ("fastapi.FastAPI", "starlette.applications.Starlette"),
        ArgTest(keyword="debug", values=_TRUE),
    ),
    *_calls(
        Weakness.XXE,
        _XXE_HINT,
        ("lxml.etree.XMLParser", "lxml.etree.XMLTreeBuilder"),
        ArgTest(keyword="resolve_entities", values=_TRUE),
    ),
    *_calls(
        Weakness.XXE,
        _XXE_HINT,
        ("lxml.etree.XMLParser",),
        ArgTest(keyword="no_network", values=_FALSE),
    ),
    *_calls(
        Weakness.XXE,
        _XXE_HINT,
        (".setFeature",),
        ArgTest(
            position=0,
            values=frozenset(
                {
                    "xml.sax.handler.feature_external_ges",
                    "xml.sax.handler.feature_external_pes",
                    "http://xml.org/sax/features/external-general-entities",
                    "http://xml.org/sax/features/external-parameter-entities",
                }
            ),
        ),
        ArgTest(position=1, values=_TRUE),
    ),
)

ASSIGN_PATTERNS: tuple[AssignPattern, ...] = (
    AssignPattern(
        target=".verify", weakness=Weakness.TLS_UNVERIFIED, values=_FALSE, hint=_TLS_HINT
    ),
    AssignPattern(
        target=".check_hostname", weakness=Weakness.TLS_UNVERIFIED, values=_FALSE, hint=_TLS_HINT
    ),
    AssignPattern(
        target=".verify_mode",
        weakness=Weakness.TLS_UNVERIFIED,
        values=frozenset({"ssl.CERT_NONE"}),
        hint=_TLS_HINT,
    ),
    AssignPattern(target=".debug", weakness=Weakness.DEBUG_MODE, values=_TRUE, hint=_DEBUG_HINT),
    AssignPattern(target='["DEBUG"]', weakness=Weakness.DEBUG_MODE, values=_TRUE, hint=_DEBUG_HINT),
    AssignPattern(
        target="DEBUG",
        weakness=Weakness.DEBUG_MODE,
        values=_TRUE,
        hint=_DEBUG_HINT,
        path_part="settings",
    ),
    AssignPattern(target=".resolve_entities", weakness=Weakness.XXE, values=_TRUE, hint=_XXE_HINT),
    *_settings(Weakness.INSECURE_COOKIE, _SECURE_SETTING_HINT, "SESSION_COOKIE_SECURE"),
    *_settings(Weakness.INSECURE_COOKIE, _SECURE_SETTING_HINT, "CSRF_COOKIE_SECURE"),
    # CSRF_COOKIE_HTTPONLY stays off on purpose in Django (JavaScript reads the token).
    *_settings(Weakness.SCRIPTABLE_COOKIE, _HTTPONLY_SETTING_HINT, "SESSION_COOKIE_HTTPONLY"),
)
