"""Where attacker-controlled input enters: request objects and handler parameters.

A *request object* is a global imported from a framework (``flask.request``), a
handler parameter named ``request``/``req``, one annotated with a request type, or
``self.request`` in a class-based view. Reading one of the attributes or calling one
of the methods below on it yields a source; the request object itself is not
tainted, so ``request.user.id`` or ``request.method`` stay clean.
"""

from __future__ import annotations

from mlgate.checks.sast.rules.model import RequestShape, SourceSpec

REQUEST_SHAPES: tuple[RequestShape, ...] = (
    RequestShape(
        framework="flask",
        attributes=frozenset(
            {
                "args",
                "form",
                "values",
                "cookies",
                "headers",
                "json",
                "data",
                "files",
                "stream",
                "query_string",
                "path",
                "full_path",
                "url",
                "base_url",
                "environ",
                "view_args",
                "referrer",
            }
        ),
        methods=frozenset({"get_json", "get_data"}),
        type_names=frozenset(),
    ),
    RequestShape(
        framework="django",
        attributes=frozenset(
            {
                "GET",
                "POST",
                "COOKIES",
                "META",
                "body",
                "FILES",
                "headers",
                "path",
                "path_info",
                "data",
                "query_params",
            }
        ),
        methods=frozenset({"get_full_path", "read", "readline", "build_absolute_uri"}),
        type_names=frozenset({"HttpRequest", "WSGIRequest", "ASGIRequest"}),
    ),
    RequestShape(
        framework="starlette",
        attributes=frozenset({"query_params", "path_params", "headers", "cookies", "url"}),
        methods=frozenset({"body", "json", "form", "stream"}),
        type_names=frozenset({"Request", "WebSocket", "HTTPConnection"}),
    ),
    RequestShape(
        framework="aiohttp",
        attributes=frozenset({"match_info", "query", "rel_url", "content", "cookies"}),
        methods=frozenset({"post", "json", "text", "read"}),
        type_names=frozenset({"BaseRequest"}),
    ),
)

REQUEST_ATTRIBUTES = frozenset().union(*(s.attributes for s in REQUEST_SHAPES))
REQUEST_METHODS = frozenset().union(*(s.methods for s in REQUEST_SHAPES))
REQUEST_TYPE_NAMES = frozenset().union(*(s.type_names for s in REQUEST_SHAPES))
REQUEST_PARAM_NAMES = frozenset({"request", "req"})

# FastAPI security schemes: ``Security(scheme)`` / ``Depends(scheme)`` hands the endpoint
# the API key, bearer token or basic credentials the client sent.
SECURITY_SCHEMES = frozenset(
    f"fastapi.security.{name}"
    for name in (
        "APIKeyHeader",
        "APIKeyQuery",
        "APIKeyCookie",
        "HTTPBearer",
        "HTTPBasic",
        "HTTPDigest",
        "OAuth2PasswordBearer",
        "OAuth2AuthorizationCodeBearer",
        "OpenIdConnect",
    )
)

# Globals that are the current request of a framework.
REQUEST_GLOBALS = frozenset(
    {"flask.request", "quart.request", "bottle.request", "sanic.request", "werkzeug.request"}
)

# Optional sources a policy turns on (``sources: [cli, env]``); off for web APIs.
EXTRA_SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(name="sys.argv", framework="cli", description="command-line argument"),
    SourceSpec(name="input", framework="cli", description="console input"),
    SourceSpec(name="os.environ", framework="env", description="environment variable"),
    SourceSpec(name="os.getenv", framework="env", description="environment variable"),
    SourceSpec(name="os.environ.get", framework="env", description="environment variable"),
)

# Handler parameters of these annotated types are validated or injected by the
# framework, never raw attacker text (FastAPI rejects "1;rm" for an ``int``).
SAFE_PARAM_TYPES = frozenset(
    {
        "int",
        "float",
        "bool",
        "complex",
        "UUID",
        "uuid.UUID",
        "datetime",
        "date",
        "time",
        "timedelta",
        "Decimal",
        "datetime.datetime",
        "datetime.date",
        "BackgroundTasks",
        "Response",
        "Session",
        "AsyncSession",
        "SecurityScopes",
        "PositiveInt",
        "NonNegativeInt",
        "conint",
        "StrictInt",
        "StrictBool",
        "EmailStr",
        "HttpUrl",
    }
)

# Route decorator methods (``@app.route``, ``@router.get``) of Flask, FastAPI, Quart...
ROUTE_DECORATORS = frozenset(
    {"route", "get", "post", "put", "delete", "patch", "head", "options", "api_route"}
)

# Flask URL converters that only match safe text.
SAFE_CONVERTERS = frozenset({"int", "float", "uuid"})

# Django class-based view methods that receive the request.
DJANGO_VIEW_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
