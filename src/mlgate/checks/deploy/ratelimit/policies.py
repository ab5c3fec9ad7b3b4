"""Objects that can rate-limit traffic, indexed so routes can resolve references to them.

Each ``is_*`` predicate decides whether one object *enforces* a request limit:
a Kong plugin must be a rate-limiting plugin with a positive limit and not disabled;
a Traefik Middleware needs ``rateLimit.average > 0`` (0 means no limit), possibly
through a chain; an Envoy local rate limit needs a token bucket and both
``filter_enabled`` and ``filter_enforced`` above 0 % (Envoy's defaults are 0 %, so a
filter without ``filter_enforced`` only counts requests: shadow mode).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mlgate.formats.yamldocs import YamlView

KONG_LIMIT_PLUGINS = frozenset({"rate-limiting", "rate-limiting-advanced"})
KONG_WINDOWS = ("second", "minute", "hour", "day", "month", "year")
ISTIO_ROOT_NAMESPACE = "istio-system"
_MAX_CHAIN = 8


def positive(value: Any) -> bool:
    """Whether a manifest value is a number (or numeric text) greater than zero."""
    if isinstance(value, bool):
        return False
    try:
        return float(value) > 0
    except (TypeError, ValueError):
        return False


def namespace_of(view: YamlView) -> str:
    """The object's namespace, ``default`` when none is written."""
    return view.text("metadata", "namespace") or "default"


def split_list(text: str | None) -> list[str]:
    """A comma-separated annotation as trimmed, non-empty names."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _kong_limits(view: YamlView) -> bool:
    if view.text("disabled") == "true" or view.text("plugin") not in KONG_LIMIT_PLUGINS:
        return False
    config = view.mapping("config")
    if config is None:
        return False
    if view.text("plugin") == "rate-limiting-advanced":
        return any(positive(v) for v in config.value.get("limit") or [])
    return any(positive(config.value.get(window)) for window in KONG_WINDOWS)


@dataclass(frozen=True, slots=True)
class EnvoyLimit:
    """An enforced Envoy local rate limit: where it applies (namespace, labels, context)."""

    namespace: str
    selector: dict[str, str] | None
    contexts: frozenset[str]

    def applies_to(self, namespace: str, labels: dict[str, str], context: str) -> bool:
        """Whether the filter reaches a workload with ``labels`` in ``namespace``."""
        if context not in self.contexts and "ANY" not in self.contexts:
            return False
        if self.namespace not in (namespace, ISTIO_ROOT_NAMESPACE):
            return False
        return self.selector is None or self.selector.items() <= labels.items()


def _bucket_configs(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every mapping holding a ``token_bucket``, wherever the patch nests it."""
    if depth > 20:
        return
    if isinstance(value, dict):
        if "token_bucket" in value:
            yield value
        for child in value.values():
            yield from _bucket_configs(child, depth + 1)
    elif isinstance(value, list):
        for child in value:
            yield from _bucket_configs(child, depth + 1)


def _percent(config: dict[str, Any], key: str) -> bool:
    fraction = config.get(key)
    default = fraction.get("default_value") if isinstance(fraction, dict) else None
    return isinstance(default, dict) and positive(default.get("numerator"))


def is_enforced_envoy_limit(config: dict[str, Any]) -> bool:
    """A local rate limit that rejects requests (not shadow mode, not 0 %)."""
    bucket = config.get("token_bucket")
    has_tokens = isinstance(bucket, dict) and positive(bucket.get("max_tokens"))
    return has_tokens and _percent(config, "filter_enabled") and _percent(config, "filter_enforced")


@dataclass(slots=True)
class PolicyIndex:
    """Every limit-providing object of the scanned manifests, by how routes name them."""

    kong: dict[tuple[str, str], bool] = field(default_factory=dict)
    kong_cluster: dict[str, bool] = field(default_factory=dict)
    kong_global: bool = False
    middlewares: dict[tuple[str, str], YamlView] = field(default_factory=dict)
    traffic_policies: list[YamlView] = field(default_factory=list)
    envoy_limits: list[EnvoyLimit] = field(default_factory=list)
    istio_gateways: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    services: dict[tuple[str, str], YamlView] = field(default_factory=dict)

    def add(self, view: YamlView) -> None:
        """Index one object if it can provide (or route to) a rate limit."""
        kind, key = view.text("kind"), (namespace_of(view), view.text("metadata", "name") or "")
        if kind == "KongPlugin":
            self.kong[key] = _kong_limits(view)
        elif kind == "KongClusterPlugin":
            limits = _kong_limits(view)
            self.kong_cluster[key[1]] = limits
            self.kong_global |= limits and view.text("metadata", "labels", "global") == "true"
        elif kind == "Middleware":
            self.middlewares[key] = view
        elif kind == "BackendTrafficPolicy":
            self.traffic_policies.append(view)
        elif kind == "EnvoyFilter":
            self._envoy(view, key[0])
        elif kind == "Gateway" and (view.text("apiVersion") or "").startswith("networking.istio"):
            selector = view.mapping("spec", "selector")
            self.istio_gateways[key] = {
                k: str(v) for k, v in (selector.value if selector else {}).items()
            }
        elif kind == "Service":
            self.services[key] = view

    def _envoy(self, view: YamlView, namespace: str) -> None:
        labels = view.mapping("spec", "workloadSelector", "labels")
        selector = {k: str(v) for k, v in labels.value.items()} if labels else None
        contexts: set[str] = set()
        for patch in view.items("spec", "configPatches"):
            if any(
                is_enforced_envoy_limit(c)
                for c in _bucket_configs(
                    patch.value.get("patch") if isinstance(patch.value, dict) else None
                )
            ):
                contexts.add(patch.text("match", "context") or "ANY")
        if contexts:
            self.envoy_limits.append(EnvoyLimit(namespace, selector, frozenset(contexts)))

    def kong_refs_limit(self, namespace: str, names: list[str]) -> bool:
        """Whether any referenced Kong plugin (namespaced first, then cluster) limits."""
        return self.kong_global or any(
            self.kong.get((namespace, name), self.kong_cluster.get(name, False)) for name in names
        )

    def middleware_limits(self, namespace: str, name: str, depth: int = 0) -> bool:
        """Whether a Traefik Middleware (or a chain of them) enforces a request rate."""
        view = self.middlewares.get((namespace, name))
        if view is None or depth > _MAX_CHAIN:
            return False
        if positive(view.value.get("spec", {}).get("rateLimit", {}).get("average")):
            return True
        return any(
            self.middleware_limits(
                member.text("namespace") or namespace, member.text("name") or "", depth + 1
            )
            for member in view.items("spec", "chain", "middlewares")
        )

    def traffic_policy_targets(self, namespace: str, kind: str, name: str) -> bool:
        """Whether an Envoy Gateway BackendTrafficPolicy with a request limit targets it."""
        for policy in self.traffic_policies:
            if namespace_of(policy) != namespace or not _btp_limits(policy):
                continue
            targets = [*policy.items("spec", "targetRefs")]
            single = policy.mapping("spec", "targetRef")
            targets += [single] if single is not None else []
            if any(t.text("kind") == kind and t.text("name") == name for t in targets):
                return True
        return False

    def envoy_reaches(self, namespace: str, labels: dict[str, str], context: str) -> bool:
        """Whether an enforced Envoy local rate limit applies to that workload."""
        return any(limit.applies_to(namespace, labels, context) for limit in self.envoy_limits)


def _btp_limits(policy: YamlView) -> bool:
    for scope in ("local", "global"):
        for rule in policy.items("spec", "rateLimit", scope, "rules"):
            if positive(
                rule.value.get("limit", {}).get("requests")
                if isinstance(rule.value, dict)
                else None
            ):
                return True
    return False
