"""The ``rego`` check: the team's own Conftest-style Rego policies, and one-line CEL rules.

Inputs (YAML documents, JSON files, Dockerfiles) are shaped as Conftest shapes them
(:mod:`mlgate.checks.rego.inputs`); policies are compiled once and evaluated in a
worker process with an empty environment and a deadline
(:mod:`mlgate.checks.rego.worker`). Fail closed: a policy that does not compile, an
evaluation error (strict built-in errors), a timeout, a result Conftest would refuse,
a rule shape regopy would silently leave undefined (:mod:`.portability`) or an
unreadable input is an error of the check, never a pass.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import ClassVar, Self

from pydantic import Field, model_validator

from mlgate.checks.rego.cel import CelEvaluator, CelRule
from mlgate.checks.rego.findings import cel_finding, rego_finding, rego_rule
from mlgate.checks.rego.inputs import InputSyntaxError, PolicyInput, combined, read_inputs
from mlgate.checks.rego.policies import PolicyLoadError, PolicySet, load_policies
from mlgate.checks.rego.portability import unbound_call_indexes
from mlgate.checks.rego.results import Excepted, ResultShapeError, rule_results
from mlgate.checks.rego.worker import RegoJob, WorkerError, run_job
from mlgate.core.check import CheckConfig, CheckContext, CheckResult
from mlgate.core.errors import ResourceLimitError
from mlgate.core.finding import Finding, Severity
from mlgate.core.metric import Metric
from mlgate.core.rule import Rule
from mlgate.core.severity_field import SeverityName
from mlgate.formats.limits import MIB, check_limit
from mlgate.formats.yamldocs import YamlLimits

MISSING_REGOPY = "Rego policies need regopy: `pip install 'mlgate[policy]'`"
EXCEPTIONS_METRIC = "rego.exceptions"
_LISTED_EXCEPTIONS = 20
_DOCKERFILE_NAMES = ("dockerfile", "containerfile")
_EXTENSION_KINDS = {
    "json": "json", "yaml": "yaml", "yml": "yaml", "toml": "toml", "ini": "ini",
    "env": "dotenv", "tf": "hcl2", "tfvars": "hcl2",
}  # fmt: skip


class RegoConfig(CheckConfig):
    """Settings of the ``rego`` check (Conftest's options where they exist)."""

    include: list[str] = Field(
        default_factory=lambda: [
            "*.yaml", "*.yml", "*.json", "Dockerfile", "Dockerfile.*", "*.Dockerfile",
            "*.dockerfile", "Containerfile",
        ],
        description="Glob patterns a file found under `paths` must match to be an input; add "
        "*.tf, *.tfvars, *.toml, *.ini or *.env (and .env) to judge those formats too.",
    )  # fmt: skip
    policies: list[str] = Field(
        default_factory=lambda: ["policy"],
        description="Files or folders of .rego policies (Conftest's --policy); [] for CEL only.",
    )
    data: list[str] = Field(
        default_factory=list, description="JSON/YAML files or folders loaded as `data`."
    )
    namespaces: list[str] = Field(
        default_factory=lambda: ["main"], description="Namespaces whose rules are evaluated."
    )
    all_namespaces: bool = Field(default=False, description="Evaluate every namespace.")
    combine: bool = Field(
        default=False,
        description="One input of every document as {path, contents} (Conftest's --combine).",
    )
    failure_severity: SeverityName = Field(
        default=Severity.HIGH, description="Severity of deny/violation results."
    )
    warning_severity: SeverityName = Field(
        default=Severity.LOW, description="Severity of warn results."
    )
    eval_timeout: float = Field(
        default=300.0, gt=0, description="Seconds the Rego worker may take before it is stopped."
    )
    cel: list[CelRule] = Field(
        default_factory=list, description="One-line CEL validations over each document."
    )
    max_file_mb: float = Field(default=16, gt=0, description="Largest input file read, in MiB.")

    @model_validator(mode="after")
    def _engines_installed(self) -> Self:
        if self.policies and importlib.util.find_spec("regopy") is None:
            raise ValueError(MISSING_REGOPY)
        if not self.policies and not self.cel:
            raise ValueError("give `policies` (Rego) or `cel` rules, or both")
        return self


def input_kind(path: Path) -> str | None:
    """The parser Conftest picks for a file name, or ``None`` (not an input of this check).

    ``dockerfile``, ``json`` (``.tf.json`` included), ``yaml``, ``toml``, ``ini``,
    ``dotenv`` (``.env``, ``prod.env``) or ``hcl2`` (``.tf``, ``.tfvars``).
    """
    name = path.name.lower()
    if name in _DOCKERFILE_NAMES or name.startswith("dockerfile.") or name.endswith(".dockerfile"):
        return "dockerfile"
    extension = name.rpartition(".")[2] if "." in name else ""
    return _EXTENSION_KINDS.get(extension)


def _is_under(display: str, roots: list[str]) -> bool:
    return any(display == r.rstrip("/") or display.startswith(r.rstrip("/") + "/") for r in roots)


def _read_all(ctx: CheckContext, config: RegoConfig) -> tuple[list[PolicyInput], list[str]]:
    """Every input document, and the errors of files that could not be read."""
    inputs: list[PolicyInput] = []
    errors: list[str] = []
    limits = YamlLimits(max_bytes=int(config.max_file_mb * MIB))
    for path in ctx.input_files(config):
        kind, display = input_kind(path), ctx.display_path(path)
        if kind is None or _is_under(display, [*config.policies, *config.data]):
            continue
        try:
            raw = path.read_bytes()
            check_limit("file bytes", config.max_file_mb * MIB, len(raw))
            inputs += read_inputs(kind, display, raw, limits)
        except (OSError, InputSyntaxError, ResourceLimitError) as error:
            errors.append(f"{display}: cannot be read: {error}")
    return inputs, errors


def _namespaces(config: RegoConfig, policies: PolicySet) -> list[str]:
    if config.all_namespaces:
        return list(policies.packages)
    return [ns for ns in config.namespaces if ns in policies.packages]


class _Evaluation:
    """Findings, rules and errors of one run."""

    def __init__(self, config: RegoConfig) -> None:
        self.config = config
        self.findings: list[Finding] = []
        self.rules: dict[str, Rule] = {}
        self.errors: list[str] = []
        self.anchors: dict[str, str] = {}
        self.exceptions: list[tuple[PolicyInput, Excepted]] = []

    def rego(self, ctx: CheckContext, inputs: list[PolicyInput]) -> None:
        try:
            policies = load_policies(ctx, self.config.policies, self.config.data)
        except PolicyLoadError as error:
            self.errors.append(str(error))
            return
        unportable = [
            f"{module.path}:{hit.line}: `{hit.name}` is first bound as an index inside "
            f"`{hit.call}(...)`: regopy leaves that expression undefined where OPA iterates, "
            f"so the rule could never fire; bind it first (`some x in collection`, or the "
            f"reference on a line of its own)"
            for module in policies.modules
            for hit in unbound_call_indexes(module.source)
        ]
        if unportable:
            self.errors += unportable
            return
        namespaces = _namespaces(self.config, policies)
        if not namespaces:
            found = ", ".join(policies.packages) or "no .rego files"
            self.errors.append(
                f"no policy in namespaces {self.config.namespaces} under "
                f"{self.config.policies} (found: {found})"
            )
            return
        subjects = [combined(inputs)] if self.config.combine and inputs else inputs
        self._judge(policies, namespaces, subjects)

    def _judge(
        self, policies: PolicySet, namespaces: list[str], subjects: list[PolicyInput]
    ) -> None:
        job = RegoJob(
            modules=[(m.path, m.source) for m in policies.modules], data=list(policies.data),
            namespaces=namespaces, inputs=[s.value for s in subjects],
        )  # fmt: skip
        try:
            results = run_job(job, self.config.eval_timeout)
        except WorkerError as error:
            self.errors.append(str(error))
            return
        if self.config.combine:
            # Combined results point at the policy that decided: no single input did.
            self.anchors = {m.package: m.path for m in reversed(policies.modules)}
        for subject, result in zip(subjects, results, strict=True):
            self._record(subject, result)

    def _where(self, subject: PolicyInput, namespace: str) -> PolicyInput:
        if namespace not in self.anchors:
            return subject
        return PolicyInput(self.anchors[namespace], 0, 1, None)

    def _record(self, subject: PolicyInput, result: dict[str, object]) -> None:
        if "__error__" in result:
            self.errors.append(f"{subject.path} document {subject.document}: {result['__error__']}")
            return
        for namespace, rules in result.items():
            try:
                outcome = rule_results(namespace, rules if isinstance(rules, dict) else {})
            except ResultShapeError as error:
                self.errors.append(f"{subject.path} document {subject.document}: {error}")
                continue
            self.exceptions += [(subject, excepted) for excepted in outcome.excepted]
            for item in outcome.results:
                rule = rego_rule(item, self.config.failure_severity, self.config.warning_severity)
                self.rules[rule.id] = rule
                self.findings.append(rego_finding(rule, item, self._where(subject, namespace)))

    def cel(self, inputs: list[PolicyInput]) -> None:
        evaluator = CelEvaluator(self.config.cel)
        for subject in inputs:
            for outcome in evaluator.evaluate(subject.value):
                if outcome.error is not None:
                    self.errors.append(
                        f"{subject.path} document {subject.document}: cel/{outcome.rule.id} "
                        f"{outcome.error}"
                    )
                else:
                    self.findings.append(cel_finding(outcome.rule, subject))


class RegoCheck:
    """The team's own Rego (Conftest-compatible) and CEL policies over any structured input."""

    id: ClassVar[str] = "rego"
    summary: ClassVar[str] = (
        "Conftest-compatible Rego policies (regopy, isolated worker) and one-line CEL rules."
    )
    Config: ClassVar[type[RegoConfig]] = RegoConfig
    rules: ClassVar[tuple[Rule, ...]] = ()

    def run(self, ctx: CheckContext, config: RegoConfig) -> CheckResult:
        """Read every input, evaluate the Rego policies, then the CEL rules."""
        inputs, read_errors = _read_all(ctx, config)
        evaluation = _Evaluation(config)
        if config.policies:
            evaluation.rego(ctx, inputs)
        if config.cel:
            evaluation.cel(inputs)
        return CheckResult(
            findings=tuple(evaluation.findings),
            metrics=(exceptions_metric(evaluation.exceptions),) if config.policies else (),
            errors=(*read_errors, *evaluation.errors),
            inputs=len({i.path for i in inputs}),
            rules=(*evaluation.rules.values(), *(_cel_rules(config))),
        )


def exceptions_metric(exceptions: list[tuple[PolicyInput, Excepted]]) -> Metric:
    """Conftest's exception tally: visible in every report, never a reason to block."""
    listed = [f"{e.query} ({e.namespace}.{e.rule} at {s.path} document {s.document})"
              for s, e in exceptions[:_LISTED_EXCEPTIONS]]  # fmt: skip
    more = len(exceptions) - len(listed)
    description = "results excepted by `exception` rules"
    if listed:
        description += ": " + "; ".join(listed) + (f"; and {more} more" if more else "")
    return Metric(name=EXCEPTIONS_METRIC, value=float(sum(e.count for _, e in exceptions)),
                  description=description)  # fmt: skip


def _cel_rules(config: RegoConfig) -> tuple[Rule, ...]:
    from mlgate.checks.rego.findings import cel_rule

    return tuple(cel_rule(rule) for rule in config.cel)
