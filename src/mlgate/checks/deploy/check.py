"""The ``deploy`` check: Dockerfiles, Kubernetes manifests and API rate limiting.

Every selected file is read once: Dockerfiles by name, YAML as multi-document
streams (Helm/Kustomize output included), Python and Terraform (``.tf``,
``.tf.json``, ``.tfvars``, for AWS API Gateway throttling in every module instance)
only for the rate-limit proof.
Per-file rules run as files are read; rate limiting is judged after every file
is read, because a limit often lives in another document (a KongPlugin, an
EnvoyFilter, a Traefik Middleware) than the API it protects.

Fail closed: a file that cannot be read or parsed, or that blows a budget, is an
error of the check. The one exception is an unrendered Helm/Go template (``{{``):
it is not YAML yet, so it is skipped with that reason (visible in every report);
scan ``helm template`` output instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pydantic import Field

from mlgate.checks.deploy.catalog import RULES
from mlgate.checks.deploy.ratelimit.analysis import SourceSet, rate_limit_findings
from mlgate.checks.deploy.readers.kubernetes import pod_specs
from mlgate.checks.deploy.rules.dockerfile import dockerfile_findings
from mlgate.checks.deploy.rules.kubernetes import pod_findings
from mlgate.core.check import CheckConfig, CheckContext, CheckResult
from mlgate.core.errors import ResourceLimitError
from mlgate.core.finding import Finding, SkippedInput
from mlgate.core.rule import Rule
from mlgate.formats.dockerfile import parse_dockerfile
from mlgate.formats.hcl import HclLimits, HclSyntaxError
from mlgate.formats.limits import MIB, check_limit
from mlgate.formats.yamldocs import YamlLimits, YamlSyntaxError, read_yaml_documents

_DOCKERFILE_NAMES = ("dockerfile", "containerfile")
_YAML_SUFFIXES = (".yaml", ".yml")
_TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
# Kinds read only to prove rate limits: no hardening rule looks at them.
_PROOF_ONLY = frozenset({"python", "terraform"})


class DeployConfig(CheckConfig):
    """Settings of the ``deploy`` check."""

    include: list[str] = Field(
        default_factory=lambda: [
            "Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile",
            "*.yaml", "*.yml", "*.py", "*.tf", "*.tf.json", "*.tfvars", "*.tfvars.json",
        ],
        description="Glob patterns a file found under `paths` must match to be examined.",
    )  # fmt: skip
    require_digest: bool = Field(
        default=False, description="Report images (FROM and Kubernetes) not pinned by digest."
    )
    rate_limits: bool = Field(
        default=True,
        description="Prove that every exposed model-serving API has an enforced rate limit.",
    )
    max_file_mb: float = Field(default=16, gt=0, description="Largest file read, in MiB.")
    max_yaml_values: int = Field(
        default=1_000_000, gt=0, description="Values one YAML file may expand to (alias bombs)."
    )


def file_kind(path: Path) -> str | None:
    """``dockerfile``, ``yaml``, ``python``, ``terraform`` or ``None`` (not an input)."""
    name = path.name.lower()
    if name in _DOCKERFILE_NAMES or name.startswith("dockerfile.") or name.endswith(".dockerfile"):
        return "dockerfile"
    if name.endswith(_YAML_SUFFIXES):
        return "yaml"
    if name.endswith(_TERRAFORM_SUFFIXES):
        return "terraform"
    return "python" if name.endswith(".py") else None


@dataclass(slots=True)
class _Scan:
    """What the check accumulates across files."""

    ctx: CheckContext
    config: DeployConfig
    findings: list[Finding] = field(default_factory=list)
    skipped: list[SkippedInput] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sources: SourceSet = field(default_factory=SourceSet)
    inputs: int = 0

    def read(self, path: Path) -> None:
        kind = file_kind(path)
        if kind is None or (kind in _PROOF_ONLY and not self.config.rate_limits):
            return
        display = self.ctx.display_path(path)
        try:
            raw = path.read_bytes()
            check_limit("file bytes", self.config.max_file_mb * MIB, len(raw))
            self._dispatch(kind, display, raw)
        except ResourceLimitError as error:
            self.errors.append(f"{display}: {error}")
        except (OSError, YamlSyntaxError, HclSyntaxError) as error:
            self._unreadable(display, raw_text_has_template(path), error)

    def _dispatch(self, kind: str, display: str, raw: bytes) -> None:
        if kind == "dockerfile":
            text = raw.decode("utf-8", "replace")
            parsed = parse_dockerfile(text)
            self.findings.extend(
                dockerfile_findings(display, parsed, require_digest=self.config.require_digest)
            )
        elif kind == "yaml":
            self._yaml(display, raw)
        elif kind == "terraform":
            limits = HclLimits(max_bytes=int(self.config.max_file_mb * MIB))
            if not self.sources.add_terraform(display, raw, limits):
                return  # Terraform without API Gateway resources or values is not an input
        elif not self.sources.add_code(kind, display, raw):
            return  # code that mentions no API framework is not an input of this check
        self.inputs += 1

    def _yaml(self, display: str, raw: bytes) -> None:
        limits = YamlLimits(
            max_bytes=int(self.config.max_file_mb * MIB), max_values=self.config.max_yaml_values
        )
        for document in read_yaml_documents(raw, limits):
            root = document.root()
            if not isinstance(root.value, dict) or "kind" not in root.value:
                continue
            self.sources.add_object(display, root)
            for pod in pod_specs(root):
                self.findings.extend(
                    pod_findings(display, pod, require_digest=self.config.require_digest)
                )

    def _unreadable(self, display: str, is_template: bool, error: Exception) -> None:
        if is_template:
            reason = "an unrendered Helm/Go template; scan `helm template` output instead"
            self.skipped.append(SkippedInput(path=display, reason=reason))
        else:
            self.errors.append(f"{display}: cannot be read: {error}")

    def result(self) -> CheckResult:
        if self.config.rate_limits:
            self.findings.extend(rate_limit_findings(self.sources))
        return CheckResult(
            findings=tuple(self.findings),
            skipped=tuple(self.skipped),
            errors=tuple(self.errors),
            inputs=self.inputs,
        )


def raw_text_has_template(path: Path) -> bool:
    """Whether a file that failed to parse holds Go template actions (``{{ ... }}``)."""
    try:
        with path.open("rb") as handle:
            return b"{{" in handle.read(MIB)
    except OSError:
        return False


class DeployCheck:
    """Container and Kubernetes policy, and proof that serving APIs are rate limited."""

    id: ClassVar[str] = "deploy"
    summary: ClassVar[str] = (
        "Dockerfile and Kubernetes hardening (non-root, limits, pinned images) and API "
        "rate limiting."
    )
    Config: ClassVar[type[DeployConfig]] = DeployConfig
    rules: ClassVar[tuple[Rule, ...]] = RULES

    def run(self, ctx: CheckContext, config: DeployConfig) -> CheckResult:
        """Read every selected file, then judge rate limiting across all of them."""
        scan = _Scan(ctx, config)
        for path in ctx.input_files(config):
            scan.read(path)
        return scan.result()
