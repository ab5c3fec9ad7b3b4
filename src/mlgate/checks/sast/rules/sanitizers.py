"""Calls whose result is clean for some vulnerability classes.

A sanitizer clears classes on the value's labels instead of dropping them, so
``html.escape(x)`` is still SQL-injectable while safe in HTML.
"""

from __future__ import annotations

from mlgate.checks.sast.rules.model import ALL_CLASSES, Mark, SanitizerSpec, VulnClass

_XSS = frozenset({VulnClass.XSS})
_COMMAND = frozenset({VulnClass.COMMAND})
_PATH = frozenset({VulnClass.PATH})
_URL_SAFE = frozenset({VulnClass.XSS, VulnClass.SQL, VulnClass.COMMAND, VulnClass.SSTI})
_NORMALISED = frozenset({Mark.NORMALISED_PATH})


def _specs(clears: frozenset[str], *callees: str) -> tuple[SanitizerSpec, ...]:
    return tuple(SanitizerSpec(callee=c, clears=clears) for c in callees)


def _restorers(restores: frozenset[str], *callees: str) -> tuple[SanitizerSpec, ...]:
    return tuple(SanitizerSpec(callee=c, clears=frozenset(), restores=restores) for c in callees)


SANITIZERS: tuple[SanitizerSpec, ...] = (
    *_specs(
        ALL_CLASSES,
        "int",
        "float",
        "bool",
        "complex",
        "len",
        "hash",
        "id",
        "isinstance",
        "ord",
        "uuid.UUID",
        "decimal.Decimal",
        "datetime.date.fromisoformat",
        "datetime.datetime.fromisoformat",
        "werkzeug.utils.secure_filename",
        "werkzeug.secure_filename",
        "flask.url_for",
        "django.urls.reverse",
        "django.shortcuts.resolve_url",
        "hashlib.md5",
        "hashlib.sha1",
        "hashlib.sha256",
        "hashlib.sha512",
        "hashlib.blake2b",
        "hmac.new",
        "hmac.compare_digest",
        "secrets.token_hex",
        "secrets.token_urlsafe",
        "flask.render_template",
        "django.shortcuts.render",
        "django.template.loader.render_to_string",
        "flask.jsonify",
        "django.http.JsonResponse",
        "fastapi.responses.JSONResponse",
        "json.dumps",
        "os.path.exists",
        "os.path.isfile",
        "os.path.isdir",
        "os.path.getsize",
    ),
    *_specs(
        _XSS,
        "html.escape",
        "markupsafe.escape",
        "flask.escape",
        "jinja2.escape",
        "cgi.escape",
        "django.utils.html.escape",
        "django.utils.html.conditional_escape",
        "django.utils.html.format_html",
        "bleach.clean",
        "markupsafe.Markup.escape",
        "xml.sax.saxutils.escape",
    ),
    # Response objects: their body was checked where they were built (the XSS sink
    # is the constructor), so returning one from a view is not a second XSS.
    *_specs(
        _XSS,
        "flask.redirect",
        "flask.make_response",
        "flask.Response",
        "flask.send_file",
        "flask.send_from_directory",
        "werkzeug.wrappers.Response",
        "werkzeug.utils.redirect",
        "django.http.HttpResponse",
        "django.http.HttpResponseRedirect",
        "django.shortcuts.redirect",
        "fastapi.responses.HTMLResponse",
        "fastapi.responses.RedirectResponse",
        "fastapi.responses.FileResponse",
        "fastapi.responses.PlainTextResponse",
        "starlette.responses.HTMLResponse",
        "starlette.responses.RedirectResponse",
        "markupsafe.Markup",
        "flask.Markup",
        "django.utils.safestring.mark_safe",
    ),
    # SQL statement objects: text() is itself the sink, bindparams() binds safely.
    *_specs(
        frozenset({VulnClass.SQL}),
        "sqlalchemy.text",
        "sqlalchemy.sql.text",
        "sqlalchemy.sql.expression.text",
        ".bindparams",
    ),
    *_specs(_COMMAND, "shlex.quote", "pipes.quote", "shlex.join"),
    *_specs(_PATH, "os.path.basename", "ntpath.basename", "posixpath.basename"),
    *_specs(_URL_SAFE, "urllib.parse.quote", "urllib.parse.quote_plus", "urllib.parse.urlencode"),
    *_specs(frozenset({VulnClass.CODE}), "ast.literal_eval"),
    *_restorers(_URL_SAFE, "urllib.parse.unquote", "urllib.parse.unquote_plus"),
    *_restorers(_XSS, "html.unescape", "xml.sax.saxutils.unescape"),
    *_specs(frozenset({VulnClass.SQL}), "__mlgate_tstr__"),
    *_specs(
        _NORMALISED,
        "os.path.realpath",
        "os.path.abspath",
        "os.path.normpath",
        "posixpath.realpath",
        "posixpath.abspath",
        "posixpath.normpath",
        ".resolve",
        ".absolute",
    ),
)

# Methods on a str/Path that turn it into something carrying no injected text.
CLEAN_METHODS = frozenset(
    {
        "isdigit",
        "isalnum",
        "isalpha",
        "isnumeric",
        "isdecimal",
        "isidentifier",
        "count",
        "find",
        "rfind",
        "index",
        "startswith",
        "endswith",
        "exists",
        "is_file",
        "is_dir",
        "hexdigest",
        "digest",
        "__len__",
        "is_relative_to",
        "getint",
        "getfloat",
        "getboolean",
    }
)

# ConfigParser values are tracked by (section, option), like a dict by key.
CONFIG_PARSERS = frozenset(
    {"configparser.ConfigParser", "configparser.RawConfigParser", "configparser.SafeConfigParser"}
)

# Calls that never return normally; the code after them is dead.
NO_RETURN_CALLS = frozenset(
    {"flask.abort", "werkzeug.exceptions.abort", "sys.exit", "os._exit", "exit", "quit"}
)

# ``if cond(x): ...`` guards that, when true, make ``x`` clean for every class.
VALIDATING_METHODS = frozenset(
    {"isdigit", "isalnum", "isalpha", "isnumeric", "isdecimal", "isidentifier"}
)
# Guard functions that vouch for part of the classes only (a safe redirect URL).
GUARD_FUNCTIONS: dict[str, frozenset[str]] = {
    "django.utils.http.url_has_allowed_host_and_scheme": frozenset(
        {VulnClass.REDIRECT, VulnClass.SSRF}
    ),
    "django.utils.http.is_safe_url": frozenset({VulnClass.REDIRECT, VulnClass.SSRF}),
}
CONTAINMENT_METHODS = frozenset({"startswith", "is_relative_to"})
