"""Rate-limit corpus, Kubernetes half: ingress controllers, gateways, meshes, model servers.

A line that must carry an ``RL001`` finding ends with the marker ``# <- RL001``;
lines without it must carry none. ``label`` says what the case exercises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Label = Literal["limited", "unlimited", "trap"]


@dataclass(frozen=True)
class Case:
    """Files of one case (path -> text) and what it is about."""

    name: str
    label: Label
    files: dict[str, str]


def _ingress(annotations: str = "", cls: str = "nginx", marked: bool = False) -> str:
    mark = "  # <- RL001" if marked else ""
    block = f"  annotations:\n{annotations}" if annotations else ""
    return f"""\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: predict{mark}
  namespace: ml
{block}spec:
  ingressClassName: {cls}
  rules:
    - http:
        paths:
          - path: /predict
            pathType: Prefix
            backend: {{service: {{name: model, port: {{number: 80}}}}}}
"""


def _kong_plugin(name: str, plugin: str = "rate-limiting", extra: str = "") -> str:
    return f"""\
---
apiVersion: configuration.konghq.com/v1
kind: KongPlugin
metadata: {{name: {name}, namespace: ml}}
plugin: {plugin}
{extra}config: {{minute: 600, policy: local}}
"""


def _service(annotations: str = "") -> str:
    return f"""\
---
apiVersion: v1
kind: Service
metadata:
  name: model
  namespace: ml
  annotations: {{{annotations}}}
spec: {{ports: [{{port: 80}}]}}
"""


def _middleware(name: str, spec: str) -> str:
    return f"""\
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {{name: {name}, namespace: ml}}
spec:
{spec}"""


def _ingress_route(middlewares: str, marked: bool) -> str:
    mark = "  # <- RL001" if marked else ""
    return f"""\
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {{name: predict, namespace: ml}}
spec:
  routes:
    - match: PathPrefix(`/predict`){mark}
      kind: Rule
      middlewares: {middlewares}
      services: [{{name: model, port: 80}}]
"""


def _http_route(marked: bool, annotations: str = "", filters: str = "") -> str:
    mark = "  # <- RL001" if marked else ""
    return f"""\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: predict{mark}
  namespace: ml
  annotations: {{{annotations}}}
spec:
  parentRefs: [{{name: public}}]
  rules:
    - backendRefs: [{{name: model, port: 80}}]
{filters}"""


def _btp(target: str) -> str:
    return f"""\
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: BackendTrafficPolicy
metadata: {{name: limit, namespace: ml}}
spec:
  targetRefs: [{target}]
  rateLimit:
    type: Local
    local:
      rules:
        - limit: {{requests: 10, unit: Second}}
"""


def _envoy_filter(*, selector: str, context: str, enforced: str, namespace: str) -> str:
    return f"""\
---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {{name: local-rl, namespace: {namespace}}}
spec:
  workloadSelector: {{labels: {selector}}}
  configPatches:
    - applyTo: HTTP_FILTER
      match: {{context: {context}}}
      patch:
        operation: INSERT_BEFORE
        value:
          name: envoy.filters.http.local_ratelimit
          typed_config:
            "@type": type.googleapis.com/udpa.type.v1.TypedStruct
            type_url: "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.\\
              LocalRateLimit"
            value:
              stat_prefix: http_local_rate_limiter
              token_bucket: {{max_tokens: 100, tokens_per_fill: 100, fill_interval: 1s}}
              filter_enabled: {{default_value: {{numerator: 100, denominator: HUNDRED}}}}
{enforced}"""


CLUSTER_LOCAL = "networking.kserve.io/visibility"
ENFORCED = (
    "              filter_enforced: {default_value: {numerator: 100, denominator: HUNDRED}}\n"
)
GATEWAY = """\
---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: public, namespace: ml}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
"""


def _virtual_service(gateways: str, marked: bool) -> str:
    mark = "  # <- RL001" if marked else ""
    return f"""\
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: predict{mark}
  namespace: ml
spec:
  hosts: ["*"]
  gateways: {gateways}
  http: [{{route: [{{destination: {{host: model}}}}]}}]
"""


def _inference_service(marked: bool, annotations: str = "") -> str:
    mark = "  # <- RL001" if marked else ""
    return f"""\
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: churn{mark}
  namespace: ml
  annotations: {{{annotations}}}
spec:
  predictor:
    containerConcurrency: 4
    sklearn: {{storageUri: "gs://models/churn"}}
"""


def _gateway_filter(enforced: str = ENFORCED) -> str:
    return _envoy_filter(
        selector="{istio: ingressgateway}", context="GATEWAY", enforced=enforced,
        namespace="istio-system",
    )  # fmt: skip


KUBE_CASES: tuple[Case, ...] = (
    Case("nginx_limit_rps", "limited",
         {"ing.yaml": _ingress('    nginx.ingress.kubernetes.io/limit-rps: "5"\n')}),
    Case("nginx_limit_rpm", "limited",
         {"ing.yaml": _ingress('    nginx.ingress.kubernetes.io/limit-rpm: "300"\n')}),
    Case("nginx_limit_connections", "limited",
         {"ing.yaml": _ingress('    nginx.ingress.kubernetes.io/limit-connections: "20"\n')}),
    Case("nginx_no_annotation", "unlimited", {"ing.yaml": _ingress(marked=True)}),
    Case("nginx_limit_rate_is_bandwidth", "trap",
         {"ing.yaml": _ingress('    nginx.ingress.kubernetes.io/limit-rate: "100"\n',
                               marked=True)}),
    Case("nginx_limit_rps_zero", "trap",
         {"ing.yaml": _ingress('    nginx.ingress.kubernetes.io/limit-rps: "0"\n', marked=True)}),
    Case("kong_plugin_referenced", "limited",
         {"ing.yaml": _ingress('    konghq.com/plugins: "rl"\n', cls="kong") + _kong_plugin("rl")}),
    Case("kong_plugin_never_referenced", "trap",
         {"ing.yaml": _ingress(cls="kong", marked=True) + _kong_plugin("rl")}),
    Case("kong_plugin_on_backend_service", "limited",
         {"ing.yaml": _ingress(cls="kong") + _service('konghq.com/plugins: "rl"')
          + _kong_plugin("rl")}),
    Case("kong_plugin_is_cors", "trap",
         {"ing.yaml": _ingress('    konghq.com/plugins: "c"\n', cls="kong", marked=True)
          + _kong_plugin("c", plugin="cors")}),
    Case("kong_plugin_disabled", "trap",
         {"ing.yaml": _ingress('    konghq.com/plugins: "rl"\n', cls="kong", marked=True)
          + _kong_plugin("rl", extra="disabled: true\n")}),
    Case("kong_global_cluster_plugin", "limited",
         {"ing.yaml": _ingress(cls="kong") + """\
---
apiVersion: configuration.konghq.com/v1
kind: KongClusterPlugin
metadata: {name: global-rl, labels: {global: "true"}}
plugin: rate-limiting
config: {second: 20}
"""}),
    Case("traefik_route_middleware", "limited",
         {"ir.yaml": _ingress_route("[{name: rl}]", marked=False)
          + _middleware("rl", "  rateLimit: {average: 10, burst: 20}\n")}),
    Case("traefik_middleware_not_attached", "trap",
         {"ir.yaml": _ingress_route("[{name: headers}]", marked=True)
          + _middleware("rl", "  rateLimit: {average: 10}\n")
          + _middleware("headers", "  headers: {customRequestHeaders: {X-A: b}}\n")}),
    Case("traefik_average_zero", "trap",
         {"ir.yaml": _ingress_route("[{name: rl}]", marked=True)
          + _middleware("rl", "  rateLimit: {average: 0, burst: 20}\n")}),
    Case("traefik_chain", "limited",
         {"ir.yaml": _ingress_route("[{name: chain}]", marked=False)
          + _middleware("chain", "  chain: {middlewares: [{name: rl}]}\n")
          + _middleware("rl", "  rateLimit: {average: 10}\n")}),
    Case("traefik_ingress_annotation", "limited",
         {"ing.yaml": _ingress(
             '    traefik.ingress.kubernetes.io/router.middlewares: "ml-rl@kubernetescrd"\n',
             cls="traefik") + _middleware("rl", "  rateLimit: {average: 10}\n")}),
    Case("envoy_gateway_policy_on_route", "limited",
         {"route.yaml": _http_route(False) + _btp("{kind: HTTPRoute, name: predict}")}),
    Case("envoy_gateway_policy_on_gateway", "limited",
         {"route.yaml": _http_route(False) + _btp("{kind: Gateway, name: public}")}),
    Case("envoy_gateway_policy_on_other_route", "trap",
         {"route.yaml": _http_route(True) + _btp("{kind: HTTPRoute, name: admin}")}),
    Case("httproute_kong_extension_ref", "limited",
         {"route.yaml": _http_route(False, filters="""\
      filters:
        - type: ExtensionRef
          extensionRef: {group: configuration.konghq.com, kind: KongPlugin, name: rl}
""") + _kong_plugin("rl")}),
    Case("istio_gateway_enforced", "limited",
         {"vs.yaml": _virtual_service("[public]", False) + GATEWAY + _gateway_filter()}),
    Case("istio_shadow_mode", "trap",
         {"vs.yaml": _virtual_service("[public]", True) + GATEWAY + _gateway_filter("")}),
    Case("istio_mesh_only_not_exposed", "trap", {"vs.yaml": _virtual_service("[mesh]", False)}),
    Case("istio_gateway_not_in_scan", "unlimited",
         {"vs.yaml": _virtual_service("[istio-system/other]", True) + _gateway_filter()}),
    Case("kserve_container_concurrency", "trap", {"isvc.yaml": _inference_service(True)}),
    Case("kserve_gateway_filter", "limited",
         {"isvc.yaml": _inference_service(False) + _gateway_filter()}),
    Case("kserve_sidecar_filter", "limited",
         {"isvc.yaml": _inference_service(False) + _envoy_filter(
             selector='{serving.kserve.io/inferenceservice: churn}', context="SIDECAR_INBOUND",
             enforced=ENFORCED, namespace="ml")}),
    Case("kserve_cluster_local", "trap",
         {"isvc.yaml": _inference_service(False, f"{CLUSTER_LOCAL}: cluster-local")}),
    Case("seldon_unlimited", "unlimited", {"sdep.yaml": """\
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata:
  name: churn  # <- RL001
  namespace: ml
spec:
  predictors:
    - name: default
      graph: {name: model, implementation: SKLEARN_SERVER, modelUri: "gs://m"}
"""}),
)  # fmt: skip
