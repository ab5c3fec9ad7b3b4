"""The ``datasets`` check: training lineage uses only approved datasets, exactly as approved.

Lineage manifests (``lineage.json``/``.yaml``, ``*.lineage.json``), MLflow run exports
(``*.mlflow-run.json``) and SLSA provenance (``*.provenance.json``, ``*.slsa.json``) are
read from ``paths``; each input is looked up in the registry (``registry``) by id, or by its path
when it names a registered location. Content digests are recomputed from the data on
disk (files hashed in parallel) and compared with the approved digest. A registry or
manifest that cannot be read, or a data path outside the project, is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pydantic import Field

from mlgate.checks.datasets.digest import ContentDigest, measure
from mlgate.checks.datasets.judge import DataPolicy, Judge, Use
from mlgate.checks.datasets.lineage import LineageError, read_lineage
from mlgate.checks.datasets.registry import Pii, PiiClass, Registered, load_registry
from mlgate.checks.datasets.rules import RULES
from mlgate.core.check import CheckConfig, CheckContext, CheckResult
from mlgate.core.errors import PolicyError
from mlgate.core.finding import Finding
from mlgate.core.rule import Rule

DEFAULT_INCLUDE = [
    "lineage.json",
    "lineage.yaml",
    "lineage.yml",
    "*.lineage.json",
    "*.lineage.yaml",
    "mlflow-run.json",
    "*.mlflow-run.json",
    "provenance.json",
    "*.provenance.json",
    "*.slsa.json",
]


class DatasetsConfig(CheckConfig):
    """Settings of the ``datasets`` check."""

    include: list[str] = Field(
        default_factory=lambda: list(DEFAULT_INCLUDE),
        description="File-name globs of lineage manifests under `paths`.",
    )
    registry: str = Field(
        default="datasets.yaml",
        description="The approved-dataset registry: a YAML file or a directory of them.",
    )
    verify_content: bool = Field(
        default=True, description="Recompute content digests of local data and compare."
    )
    allowed_licenses: list[str] = Field(
        default_factory=list, description="License ids allowed (empty: all but denied)."
    )
    denied_licenses: list[str] = Field(default_factory=list, description="License ids denied.")
    max_pii: PiiClass = Field(
        default=Pii.PERSONAL, description="Most sensitive PII class this gate accepts."
    )
    workers: int | None = Field(
        default=None, gt=0, description="Threads hashing files; null uses every core."
    )


@dataclass(slots=True)
class _Collected:
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    inputs: int = 0
    digests: dict[Path, ContentDigest] = field(default_factory=dict)


class _Scan:
    def __init__(self, ctx: CheckContext, config: DatasetsConfig, registry: dict[str, Registered]):
        self._ctx = ctx
        self._config = config
        policy = DataPolicy(
            allowed_licenses=frozenset(x.lower() for x in config.allowed_licenses),
            denied_licenses=frozenset(x.lower() for x in config.denied_licenses),
            max_pii=config.max_pii,
            verify_content=config.verify_content,
        )
        self._judge = Judge(registry=registry, policy=policy, today=ctx.today, root=ctx.root)
        self.collected = _Collected()

    def read(self, path: Path) -> None:
        display = self._ctx.display_path(path)
        try:
            lineage = read_lineage(path)
        except (LineageError, OSError) as error:
            self.collected.errors.append(f"{display}: {error}")
            return
        self.collected.inputs += 1
        if not lineage.inputs:
            self.collected.findings.append(self._judge.no_lineage(display, lineage.run))
        for item in lineage.inputs:
            if item.optional and self._judge.lookup(item) is None:
                continue  # a SLSA dependency the registry does not know: code, not data
            use = Use(item=item, purpose=item.purpose or lineage.purpose, manifest=display)
            findings, errors = self._judge.judge(use, self._digest)
            self.collected.findings.extend(findings)
            self.collected.errors.extend(errors)

    def _digest(self, path: Path) -> ContentDigest:
        """Each data path is hashed once per run, however many manifests name it."""
        resolved = path.resolve()
        if resolved not in self.collected.digests:
            self.collected.digests[resolved] = measure(path, workers=self._config.workers)
        return self.collected.digests[resolved]


class DatasetsCheck:
    """Training lineage uses only approved datasets whose content digests match."""

    id: ClassVar[str] = "datasets"
    summary: ClassVar[str] = "Lineage uses only approved, unexpired datasets with matching digests."
    Config: ClassVar[type[DatasetsConfig]] = DatasetsConfig
    rules: ClassVar[tuple[Rule, ...]] = RULES

    def run(self, ctx: CheckContext, config: DatasetsConfig) -> CheckResult:
        """Load the registry, then judge every input of every selected lineage manifest."""
        try:
            registry = load_registry(ctx.root / config.registry, config.registry)
        except (PolicyError, OSError) as error:
            return CheckResult(errors=(f"dataset registry: {error}",))
        scan = _Scan(ctx, config, registry)
        for path in ctx.input_files(config):
            scan.read(path)
        collected = scan.collected
        return CheckResult(
            findings=tuple(collected.findings),
            errors=tuple(collected.errors),
            inputs=collected.inputs,
        )
