"""Rego policies and manifests for the rego check's tests and the deploy benchmark.

Policies are Conftest-style text, written in both Rego syntaxes (v0 ``deny[msg] {``
and v1 ``deny contains msg if {``), so tests state exactly which rule fires where.
"""

from __future__ import annotations

ROOT_POLICY_V1 = """\
package main
import rego.v1

deny_run_as_root contains msg if {
  input.kind == "Deployment"
  some c in input.spec.template.spec.containers
  c.securityContext.runAsUser == 0
  msg := sprintf("%s/%s runs as root", [input.metadata.name, c.name])
}

warn_service contains msg if {
  input.kind == "Service"
  msg := sprintf("service %s: prefer an Ingress", [input.metadata.name])
}

exception contains rules if {
  input.metadata.name == "legacy"
  rules := ["run_as_root"]
}
"""

LABELS_POLICY_V0 = """\
package kubernetes.labels

deny[msg] {
  not input.metadata.labels.team
  msg := sprintf("%s has no team label", [input.metadata.name])
}

violation[{"msg": msg, "details": {"kind": input.kind}}] {
  input.kind == "Deployment"
  not input.spec.replicas
  msg := sprintf("%s does not set replicas", [input.metadata.name])
}
"""

DOCKERFILE_POLICY = """\
package main
import rego.v1

denylist := ["openjdk"]

deny contains msg if {
  input[i].Cmd == "from"
  val := input[i].Value
  some denied in denylist
  contains(val[0], denied)
  msg := sprintf("unallowed image found %v", [val])
}

deny_root_user contains msg if {
  some cmd in input
  cmd.Cmd == "user"
  cmd.Value[0] in {"root", "0"}
  msg := sprintf("stage %d ends as root", [cmd.Stage])
}
"""

COMBINED_POLICY = """\
package main
import rego.v1

deny contains msg if {
  some item in input
  item.contents.kind == "Deployment"
  app := item.contents.spec.selector.matchLabels.app
  not service_selects(app)
  msg := sprintf("Deployment %s (%s) has no Service", [item.contents.metadata.name, item.path])
}

service_selects(app) if {
  some item in input
  item.contents.kind == "Service"
  item.contents.spec.selector.app == app
}
"""

MANIFESTS = """\
apiVersion: v1
kind: Service
metadata: {name: front, labels: {team: web}}
spec: {selector: {app: front}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, labels: {team: ml}}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    spec:
      containers:
        - {name: web, securityContext: {runAsUser: 0}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: legacy}
spec:
  selector: {matchLabels: {app: front}}
  template: {spec: {containers: [{name: old, securityContext: {runAsUser: 0}}]}}
"""


def rego_policy(body: str, *, package: str = "main") -> str:
    """A v1 module of ``package`` holding ``body``."""
    return f"package {package}\nimport rego.v1\n\n{body}\n"


# Conftest's own Dockerfile example: regopy 1.5.2 (rego-cpp) refuses `denylist[_]` as a
# function argument ("Invalid bracket argument"), so it fails closed as an error.
CONFTEST_DOCKERFILE_EXAMPLE = """\
package main

denylist := ["openjdk"]

deny[msg] {
  input[i].Cmd == "from"
  val := input[i].Value
  contains(val[i], denylist[_])
  msg := sprintf("unallowed image found %s", [val])
}
"""


# Conftest's exception conventions, one policy per Rego syntax: `exception` names rules
# without their prefix, "" names the bare rules, and warn rules can be excepted too.
EXCEPTION_POLICY_V1 = """\
package main
import rego.v1

deny_run_as_root contains msg if {
  input.kind == "Deployment"
  msg := sprintf("%s runs as root", [input.metadata.name])
}

deny contains msg if {
  not input.metadata.labels.team
  msg := sprintf("%s has no team label", [input.metadata.name])
}

warn_replicas contains msg if {
  input.kind == "Deployment"
  msg := sprintf("%s: set replicas", [input.metadata.name])
}

violation_deny_hostpath contains {"msg": "never fires"} if { false }

exception contains rules if {
  input.metadata.name == "legacy"
  rules := ["run_as_root", ""]
}

exception contains rules if {
  input.metadata.name == "front"
  rules := ["replicas", "hostpath"]
}
"""

EXCEPTION_POLICY_V0 = """\
package main

deny_run_as_root[msg] {
  input.kind == "Deployment"
  msg := sprintf("%s runs as root", [input.metadata.name])
}

deny[msg] {
  not input.metadata.labels.team
  msg := sprintf("%s has no team label", [input.metadata.name])
}

warn_replicas[msg] {
  input.kind == "Deployment"
  msg := sprintf("%s: set replicas", [input.metadata.name])
}

violation_deny_hostpath[{"msg": "never fires"}] { false }

exception[rules] {
  input.metadata.name == "legacy"
  rules := ["run_as_root", ""]
}

exception[rules] {
  input.metadata.name == "front"
  rules := ["replicas", "hostpath"]
}
"""

EXCEPTION_MANIFESTS = """\
kind: Deployment
metadata: {name: api, labels: {team: ml}}
---
kind: Deployment
metadata: {name: legacy}
---
kind: Deployment
metadata: {name: front}
"""
