"""Exposed APIs in Kubernetes manifests and whether an enforced limit reaches them.

An API is an Ingress, a Gateway API route (HTTPRoute, GRPCRoute), a Traefik
IngressRoute route, an Istio VirtualService bound to a gateway, a KServe
InferenceService or a Seldon deployment that is not cluster-local. KServe's
``containerConcurrency`` and Knative's concurrency targets bound parallelism, not
request rate, so they never count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlgate.checks.deploy.ratelimit.model import Exposure, Mechanism
from mlgate.checks.deploy.ratelimit.policies import (
    PolicyIndex,
    namespace_of,
    positive,
    split_list,
)
from mlgate.checks.deploy.readers.kubernetes import object_name
from mlgate.formats.yamldocs import YamlView

NGINX = "nginx.ingress.kubernetes.io/"
NGINX_REQUEST_LIMITS = ("limit-rps", "limit-rpm", "limit-connections")
KONG_PLUGINS = "konghq.com/plugins"
TRAEFIK_MIDDLEWARES = "traefik.ingress.kubernetes.io/router.middlewares"
CLUSTER_LOCAL = ("networking.kserve.io/visibility", "networking.knative.dev/visibility")
# KServe and Seldon serve through the Istio ingress gateway unless told otherwise.
DEFAULT_GATEWAY_LABELS = {"istio": "ingressgateway"}
_CRD_SUFFIX = re.compile(r"@kubernetescrd$")


def _annotation(view: YamlView, key: str) -> str | None:
    return view.text("metadata", "annotations", key)


def _exposure(view: YamlView, path: str, mechanism: Mechanism, reason: str | None) -> Exposure:
    anchor = view.get("metadata", "name") or view
    return Exposure(
        api=object_name(view),
        path=path,
        line=anchor.line,
        mechanism=mechanism,
        limited=reason is None,
        reason=reason or "limited",
    )


def _nginx_limited(view: YamlView) -> bool:
    return any(positive(_annotation(view, NGINX + key)) for key in NGINX_REQUEST_LIMITS)


def _traefik_annotation_limited(index: PolicyIndex, view: YamlView) -> bool:
    for reference in split_list(_annotation(view, TRAEFIK_MIDDLEWARES)):
        qualified = _CRD_SUFFIX.sub("", reference)
        # `<namespace>-<name>`: namespaces may hold dashes, so try every split.
        for cut in range(1, len(qualified)):
            if qualified[cut - 1] == "-" and index.middleware_limits(
                qualified[: cut - 1], qualified[cut:]
            ):
                return True
    return False


def _backend_services(view: YamlView) -> Iterator[str]:
    for rule in view.items("spec", "rules"):
        for entry in rule.items("http", "paths"):
            name = entry.text("backend", "service", "name")
            if name:
                yield name
    default = view.text("spec", "defaultBackend", "service", "name")
    if default:
        yield default


def _kong_limited(index: PolicyIndex, view: YamlView, services: list[str]) -> bool:
    namespace = namespace_of(view)
    if index.kong_refs_limit(namespace, split_list(_annotation(view, KONG_PLUGINS))):
        return True
    for service in services:
        target = index.services.get((namespace, service))
        if target is not None and index.kong_refs_limit(
            namespace, split_list(_annotation(target, KONG_PLUGINS))
        ):
            return True
    return False


def _ingress_mechanism(view: YamlView) -> Mechanism:
    cls = (
        view.text("spec", "ingressClassName")
        or _annotation(view, "kubernetes.io/ingress.class")
        or ""
    ).lower()
    if "kong" in cls:
        return Mechanism.KONG
    return Mechanism.TRAEFIK if "traefik" in cls else Mechanism.NGINX


def ingress(index: PolicyIndex, view: YamlView, path: str) -> Exposure:
    """An Ingress: ingress-nginx annotations, Kong plugins (route or Service), Traefik."""
    limited = (
        _nginx_limited(view)
        or _kong_limited(index, view, list(_backend_services(view)))
        or _traefik_annotation_limited(index, view)
    )
    reason = None if limited else _ingress_reason(view)
    return _exposure(view, path, _ingress_mechanism(view), reason)


def _ingress_reason(view: YamlView) -> str:
    if _annotation(view, NGINX + "limit-rate") or _annotation(view, NGINX + "limit-rate-after"):
        return "limit-rate only caps bandwidth per connection, not requests"
    return (
        "no limit-rps/limit-rpm/limit-connections annotation, rate-limiting KongPlugin or "
        "Traefik rateLimit reaches it"
    )


def route(index: PolicyIndex, view: YamlView, path: str) -> Exposure:
    """A Gateway API route: Envoy Gateway policy on it or its Gateway, or a Kong plugin."""
    namespace, kind, name = (
        namespace_of(view),
        view.text("kind") or "",
        view.text("metadata", "name") or "",
    )
    limited = index.traffic_policy_targets(namespace, kind, name) or any(
        index.traffic_policy_targets(
            parent.text("namespace") or namespace, "Gateway", parent.text("name") or ""
        )
        for parent in view.items("spec", "parentRefs")
    )
    limited = limited or _kong_limited(index, view, []) or _route_filter_kong(index, view)
    reason = (
        None
        if limited
        else "no BackendTrafficPolicy with rateLimit targets the route or its Gateway"
    )
    mechanism = Mechanism.KONG if _annotation(view, KONG_PLUGINS) else Mechanism.ENVOY_GATEWAY
    return _exposure(view, path, mechanism, reason)


def _route_filter_kong(index: PolicyIndex, view: YamlView) -> bool:
    names = [
        f.text("extensionRef", "name") or ""
        for rule in view.items("spec", "rules")
        for f in rule.items("filters")
        if f.text("extensionRef", "kind") == "KongPlugin"
    ]
    return index.kong_refs_limit(namespace_of(view), names)


def ingress_route(index: PolicyIndex, view: YamlView, path: str) -> Iterator[Exposure]:
    """Each route of a Traefik IngressRoute: limited only by its own middlewares."""
    namespace = namespace_of(view)
    for entry in view.items("spec", "routes"):
        limited = any(
            index.middleware_limits(m.text("namespace") or namespace, m.text("name") or "")
            for m in entry.items("middlewares")
        )
        match = entry.text("match") or "?"
        anchor = entry.get("match") or entry
        reason = None if limited else "no attached Middleware has rateLimit.average > 0"
        yield Exposure(
            api=f"{object_name(view)} route {match}",
            path=path,
            line=anchor.line,
            mechanism=Mechanism.TRAEFIK,
            limited=limited,
            reason=reason or "limited",
        )


def virtual_service(index: PolicyIndex, view: YamlView, path: str) -> Exposure | None:
    """A VirtualService bound to Istio gateways; mesh-only ones are not exposed."""
    namespace = namespace_of(view)
    gateways = [g.value for g in view.items("spec", "gateways") if g.value != "mesh"]
    if not gateways:
        return None
    limited = True
    for gateway in gateways:
        ns, _, name = str(gateway).rpartition("/")
        labels = index.istio_gateways.get((ns or namespace, name))
        limited &= labels is not None and index.envoy_reaches(ns or namespace, labels, "GATEWAY")
    reason = (
        None
        if limited
        else "no enforced local_ratelimit EnvoyFilter applies to its gateway workload"
    )
    return _exposure(view, path, Mechanism.ISTIO, reason)


def model_server(
    index: PolicyIndex, view: YamlView, path: str, pod_labels: dict[str, str]
) -> Exposure | None:
    """A KServe or Seldon model server, reached through the Istio ingress gateway."""
    if any(
        _annotation(view, key) == "cluster-local"
        or view.text("metadata", "labels", key) == "cluster-local"
        for key in CLUSTER_LOCAL
    ):
        return None
    namespace = namespace_of(view)
    limited = index.envoy_reaches(
        "istio-system", DEFAULT_GATEWAY_LABELS, "GATEWAY"
    ) or index.envoy_reaches(namespace, pod_labels, "SIDECAR_INBOUND")
    reason = (
        None
        if limited
        else (
            "no enforced local_ratelimit EnvoyFilter on the ingress gateway or the model's sidecar "
            "(containerConcurrency bounds parallelism, not request rate)"
        )
    )
    return _exposure(view, path, Mechanism.ISTIO, reason)


def kube_exposures(index: PolicyIndex, objects: list[tuple[str, YamlView]]) -> Iterator[Exposure]:
    """Every exposed API among ``objects``, judged against ``index``."""
    for path, view in objects:
        kind, name = view.text("kind"), view.text("metadata", "name") or ""
        if kind == "Ingress":
            yield ingress(index, view, path)
        elif kind in ("HTTPRoute", "GRPCRoute"):
            yield route(index, view, path)
        elif kind == "IngressRoute":
            yield from ingress_route(index, view, path)
        elif kind in ("VirtualService", "InferenceService", "SeldonDeployment"):
            found = _mesh(index, view, path, kind, name)
            if found is not None:
                yield found


def _mesh(index: PolicyIndex, view: YamlView, path: str, kind: str, name: str) -> Exposure | None:
    if kind == "VirtualService":
        return virtual_service(index, view, path)
    key = (
        "serving.kserve.io/inferenceservice"
        if kind == "InferenceService"
        else "seldon-deployment-id"
    )
    return model_server(index, view, path, {key: name})
