"""The minimal change that rate-limits an API, for the mechanism it already uses."""

from __future__ import annotations

from mlgate.checks.deploy.ratelimit.model import Mechanism

FIXES: dict[Mechanism, str] = {
    Mechanism.NGINX: 'Add to the Ingress: `nginx.ingress.kubernetes.io/limit-rps: "10"` '
    "(limit-rate limits bandwidth, not requests).",
    Mechanism.KONG: "Create a KongPlugin `{plugin: rate-limiting, config: {minute: 600}}` and "
    'reference it: `konghq.com/plugins: "<plugin name>"` on the route or its Service.',
    Mechanism.TRAEFIK: "Create a Middleware `spec.rateLimit: {average: 10, burst: 20}` and "
    "attach it to the router (`middlewares:` of the IngressRoute route, or "
    "`traefik.ingress.kubernetes.io/router.middlewares`).",
    Mechanism.ENVOY_GATEWAY: "Add a BackendTrafficPolicy targeting the route or its Gateway "
    "with `rateLimit: {type: Local, local: {rules: [{limit: {requests: 10, unit: Second}}]}}`.",
    Mechanism.ISTIO: "Add an EnvoyFilter with `envoy.filters.http.local_ratelimit` on the "
    "gateway (or the model's sidecar) with token_bucket, filter_enabled and "
    "filter_enforced at 100 % (without filter_enforced it only counts: shadow mode).",
    Mechanism.SLOWAPI: "Set `app.state.limiter = limiter` and decorate the route with "
    '`@limiter.limit("10/second")` (or add SlowAPIMiddleware with default_limits).',
    Mechanism.FASTAPI_LIMITER: "Add `dependencies=[Depends(RateLimiter(...))]` to the route, "
    "the router or the FastAPI app.",
    Mechanism.FLASK_LIMITER: "Attach the Limiter to the app (`Limiter(..., app=app, "
    'default_limits=["10/second"])` or `limiter.init_app(app)`) and do not exempt the route.',
    Mechanism.DJANGO_RATELIMIT: 'Decorate the view with `@ratelimit(key="ip", rate="10/s")` '
    "(block defaults to True; `block=False` only annotates the request).",
    Mechanism.AWS_API_GATEWAY: "Add an `aws_api_gateway_method_settings` with "
    '`method_path = "*/*"` and `settings { throttling_rate_limit = 10 }` for every stage '
    "(HTTP APIs: `default_route_settings` on the stage); -1 means unlimited.",
}


def fix_for(mechanism: Mechanism) -> str:
    """The remediation text for ``mechanism``."""
    return FIXES[mechanism]
