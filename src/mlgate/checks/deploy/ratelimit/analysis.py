"""Collecting every source of rate-limit evidence, then judging each exposed API."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from mlgate.checks.deploy.catalog import RATE_LIMIT
from mlgate.checks.deploy.findings import deploy_finding
from mlgate.checks.deploy.ratelimit.apigateway import apigateway_exposures
from mlgate.checks.deploy.ratelimit.django import django_exposures
from mlgate.checks.deploy.ratelimit.fixes import fix_for
from mlgate.checks.deploy.ratelimit.kube import kube_exposures
from mlgate.checks.deploy.ratelimit.model import Exposure
from mlgate.checks.deploy.ratelimit.policies import PolicyIndex
from mlgate.checks.deploy.ratelimit.pysyntax import Module, parse_module
from mlgate.checks.deploy.ratelimit.tfmodules import TerraformProject
from mlgate.checks.deploy.ratelimit.webapps import web_exposures
from mlgate.core.finding import Finding
from mlgate.formats.hcl import HclLimits, read_hcl, read_hcl_json
from mlgate.formats.yamldocs import YamlView

# Only code that mentions a web framework or a limiter is parsed at all; a module that
# only declares the limiter (`extensions.py`) matters when routes elsewhere use it.
_PYTHON_MARKERS = (
    b"FastAPI",
    b"Flask",
    b"APIRouter",
    b"Blueprint",
    b"urlpatterns",
    b"ratelimit",
    b"RATELIMIT",
    b"Limiter",
)
# Terraform files are read for API Gateway resources, for what references resolve to
# and for the module calls that bind a module's variables.
_TERRAFORM_MARKERS = (b"aws_api_gateway", b"aws_apigatewayv2", b"variable", b"locals", b"module")
_VAR_FILE_SUFFIXES = (".tfvars", ".tfvars.json")


@dataclass(slots=True)
class SourceSet:
    """Manifests' objects and parsed code, gathered across every file of the scan."""

    objects: list[tuple[str, YamlView]] = field(default_factory=list)
    modules: list[Module] = field(default_factory=list)
    terraform: TerraformProject = field(default_factory=TerraformProject)

    def add_object(self, path: str, view: YamlView) -> None:
        """Keep one Kubernetes object (any kind: routes and policies alike)."""
        self.objects.append((path, view))

    def add_code(self, kind: str, path: str, raw: bytes) -> bool:
        """Keep a code file if it may hold an API; whether it was taken."""
        if kind != "python" or not any(marker in raw for marker in _PYTHON_MARKERS):
            return False
        module = parse_module(path, raw.decode("utf-8", "replace"))
        if module is None:
            return False
        self.modules.append(module)
        return True

    def add_terraform(self, path: str, raw: bytes, limits: HclLimits) -> bool:
        """Index a Terraform file if it may matter to API Gateway; whether it was taken.

        Raises:
            HclSyntaxError: the file is not HCL.
            ResourceLimitError: a budget of ``limits`` was exceeded.
        """
        name = path.lower()
        is_json = name.endswith(".json")
        if name.endswith(_VAR_FILE_SUFFIXES):
            root = read_hcl_json(raw, limits, blocks=False) if is_json else read_hcl(raw, limits)
            self.terraform.add_var_file(path, root)
            return True
        if not any(marker in raw for marker in _TERRAFORM_MARKERS):
            return False
        self.terraform.add(path, read_hcl_json(raw, limits) if is_json else read_hcl(raw, limits))
        return True


def exposures(sources: SourceSet) -> Iterator[Exposure]:
    """Every exposed API the sources define, each with its verdict."""
    index = PolicyIndex()
    for _, view in sources.objects:
        index.add(view)
    yield from kube_exposures(index, sources.objects)
    yield from web_exposures(sources.modules)
    yield from django_exposures(sources.modules)
    for instance in sources.terraform.instances():
        yield from apigateway_exposures(instance)


def rate_limit_findings(sources: SourceSet) -> list[Finding]:
    """An ``RL001`` finding for every exposed API without an enforced rate limit."""
    return [
        deploy_finding(
            RATE_LIMIT,
            (e.path, e.line),
            identity=f"{e.api}",
            message=f"{e.api} has no enforced rate limit: {e.reason}.",
            remediation=e.fix or fix_for(e.mechanism),
        )
        for e in exposures(sources)
        if not e.limited
    ]
