"""What the rate-limit analysis decides for each exposed API."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Mechanism(StrEnum):
    """The rate-limit mechanism an API already uses (it picks the fix we show)."""

    NGINX = "ingress-nginx"
    KONG = "kong"
    TRAEFIK = "traefik"
    ENVOY_GATEWAY = "envoy-gateway"
    ISTIO = "istio"
    SLOWAPI = "slowapi"
    FASTAPI_LIMITER = "fastapi-limiter"
    FLASK_LIMITER = "flask-limiter"
    DJANGO_RATELIMIT = "django-ratelimit"
    AWS_API_GATEWAY = "aws-api-gateway"


@dataclass(frozen=True, slots=True, kw_only=True)
class Exposure:
    """One exposed API and the verdict on its rate limit.

    ``reason`` says why it is unlimited (or which limit applies), in words a
    reviewer can check against the manifests. ``fix``, when set, is a change written
    for this very API (names filled in); otherwise the mechanism's generic fix applies.
    """

    api: str
    path: str
    line: int
    mechanism: Mechanism
    limited: bool
    reason: str
    fix: str | None = None
