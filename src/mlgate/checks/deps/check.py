"""The ``deps`` check: known-vulnerable, malicious and unpinned Python dependencies.

Inputs are chosen by file name (``requirements*.txt``, ``pyproject.toml``,
``poetry.lock``, ``uv.lock``, ``Pipfile.lock``, ``pylock*.toml``, ``pip-audit*.json``)
and matched against an offline OSV database (``advisories``: a directory of OSV JSON
records or OSV's ``PyPI/all.zip``). A file that cannot be read, a database with
unreadable records, or pinned dependencies with no database at all are errors: the
check never passes what it could not examine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from packaging.markers import InvalidMarker, Marker, UndefinedEnvironmentName
from pydantic import Field

from mlgate.checks.deps.findings import (
    missing_hashes_finding,
    not_audited_finding,
    unpinned_finding,
    vulnerability_finding,
)
from mlgate.checks.deps.licenses import LicensePolicy, license_findings
from mlgate.checks.deps.matching import Vulnerability, join_audited, match
from mlgate.checks.deps.osv.database import AdvisorySource, load_database
from mlgate.checks.deps.osv.parse import OsvFormatError
from mlgate.checks.deps.osv.severity import rate_group
from mlgate.checks.deps.readers import DEFAULT_INCLUDE, classify, read_dependency_file
from mlgate.checks.deps.readers.environment import read_environment
from mlgate.checks.deps.readers.pip_audit import AuditedDependency, read_pip_audit
from mlgate.checks.deps.records import (
    Dependency,
    DependencyFileError,
    ReadResult,
    normalize_name,
)
from mlgate.checks.deps.rules import RULES
from mlgate.core.check import CheckConfig, CheckContext, CheckResult
from mlgate.core.errors import ResourceLimitError
from mlgate.core.finding import Finding, Severity, SkippedInput
from mlgate.core.fingerprint import disambiguate
from mlgate.core.rule import Rule
from mlgate.core.severity_field import SeverityName

_READ_ERRORS = (DependencyFileError, ResourceLimitError, OSError)


class DepsConfig(CheckConfig):
    """Settings of the ``deps`` check."""

    include: list[str] = Field(
        default_factory=lambda: list(DEFAULT_INCLUDE),
        description="File-name globs read as dependency files under `paths`.",
    )
    advisories: str | None = Field(
        default=None,
        description="Offline OSV database: a directory of OSV JSON records or OSV's "
        "`PyPI/all.zip`, relative to the policy file. Required when anything is pinned.",
    )
    require_pinned: bool = Field(
        default=False, description="Report requirements that do not select one version."
    )
    require_hashes: bool = Field(
        default=False, description="Report pinned dependencies that carry no artifact hash."
    )
    unknown_severity: SeverityName = Field(
        default=Severity.HIGH,
        description="Severity of a vulnerability whose records state none (fail closed).",
    )
    environment: dict[str, str] | None = Field(
        default=None,
        description="PEP 508 marker values of the target (`python_version`, `sys_platform`); "
        "dependencies whose marker is false there are ignored. Null: every marker applies.",
    )
    environments: list[str] = Field(
        default_factory=list,
        description="Installed environments (virtualenv or site-packages directories, relative "
        "to the policy file) whose distributions are matched like a lock file.",
    )
    licenses: LicensePolicy | None = Field(
        default=None, description="License allow/deny policy over an installed environment."
    )


@dataclass(slots=True)
class _Collected:
    findings: list[Finding] = field(default_factory=list)
    skipped: list[SkippedInput] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dependencies: dict[tuple[str, int | None, str], Dependency] = field(default_factory=dict)
    inputs: int = 0

    def result(self) -> CheckResult:
        return CheckResult(
            findings=disambiguate(self.findings),
            skipped=tuple(self.skipped),
            errors=tuple(self.errors),
            inputs=self.inputs,
        )


def _applies(dependency: Dependency, environment: dict[str, str] | None) -> bool:
    if environment is None or dependency.marker is None:
        return True
    try:
        return Marker(dependency.marker).evaluate(environment)
    except (InvalidMarker, UndefinedEnvironmentName):
        return True  # a marker we cannot judge might apply: keep the dependency


class _Scan:
    """One run of the check under one configuration."""

    def __init__(self, ctx: CheckContext, config: DepsConfig) -> None:
        self._ctx = ctx
        self._config = config
        self.collected = _Collected()
        self.source: AdvisorySource | None = None
        self._audited: list[AuditedDependency] = []

    def load_advisories(self) -> None:
        """Load the records of the packages read so far (call after every ``read``)."""
        if self._config.advisories is None:
            return
        path = self._ctx.root / self._config.advisories
        wanted = frozenset(
            normalize_name(d.name)
            for d in (*self.collected.dependencies.values(), *(a.dependency for a in self._audited))
        )
        try:
            database = load_database(path, packages=wanted)
        except (OsvFormatError, ResourceLimitError, OSError) as error:
            self.collected.errors.append(f"advisory database {self._config.advisories}: {error}")
            return
        self.collected.errors.extend(f"advisory database: {p}" for p in database.problems)
        self.source = database

    def read(self, path: Path) -> None:
        kind = classify(path)
        display = self._ctx.display_path(path)
        if kind is None:
            self.collected.skipped.append(
                SkippedInput(path=display, reason="not a dependency file")
            )
            return
        try:
            if kind == "pip-audit":
                self._read_audit(path, display)
                return
            result = read_dependency_file(
                path, kind, root=self._ctx.root, display=self._ctx.display_path
            )
        except _READ_ERRORS as error:
            self.collected.errors.append(f"{display}: {error}")
            return
        self._collect(result)

    def read_environment(self, name: str) -> None:
        path = self._ctx.root / name
        if not path.is_dir():
            self.collected.errors.append(f"environment {name!r} is not a directory")
            return
        self._collect(read_environment(path, display=self._ctx.display_path))

    def _collect(self, result: ReadResult) -> None:
        self.collected.inputs += 1
        self.collected.errors.extend(result.problems)
        for dependency in result.dependencies:
            key = (dependency.path, dependency.line, dependency.name)
            self.collected.dependencies.setdefault(key, dependency)

    def _read_audit(self, path: Path, display: str) -> None:
        self._audited.extend(read_pip_audit(path, display=display))
        self.collected.inputs += 1

    def judge(self) -> None:
        """Join pip-audit's results with the database, then match every dependency."""
        for entry in self._audited:
            if entry.skip_reason is not None:
                self.collected.findings.append(not_audited_finding(entry))
            for vulnerability in join_audited(entry, self.source):
                self._report(vulnerability)
        applicable = [
            d for d in self.collected.dependencies.values() if _applies(d, self._config.environment)
        ]
        if self.source is None and any(d.is_pinned for d in applicable):
            self.collected.errors.append(
                "no advisory database configured (`advisories`): pinned dependencies "
                "cannot be checked for known vulnerabilities"
            )
        for dependency in applicable:
            self._judge(dependency)

    def _judge(self, dependency: Dependency) -> None:
        if dependency.is_local:
            reason = f"{dependency.name}: local, VCS or URL dependency has no index version"
            self.collected.skipped.append(SkippedInput(path=dependency.path, reason=reason))
            return
        if not dependency.is_pinned:
            if self._config.require_pinned and dependency.source == "requirements":
                self.collected.findings.append(unpinned_finding(dependency))
            return
        if self._config.require_hashes and not dependency.hashes:
            self.collected.findings.append(missing_hashes_finding(dependency))
        for vulnerability in match(dependency, self.source) if self.source else ():
            self._report(vulnerability)

    def _report(self, vulnerability: Vulnerability) -> None:
        rated = rate_group(vulnerability.records)
        self.collected.findings.append(
            vulnerability_finding(vulnerability, rated, self._config.unknown_severity)
        )

    def check_licenses(self) -> None:
        policy = self._config.licenses
        if policy is None:
            return
        findings, errors = license_findings(policy, self._ctx.root, self._ctx.display_path)
        self.collected.findings.extend(findings)
        self.collected.errors.extend(errors)
        self.collected.inputs += 1


def inventory(
    ctx: CheckContext, config: DepsConfig
) -> tuple[tuple[Dependency, ...], tuple[str, ...]]:
    """Every dependency the configured files and environments declare, and read errors.

    The SBOM is built from this: the same readers, no matching.
    """
    scan = _Scan(ctx, config)
    for path in ctx.input_files(config):
        if classify(path) != "pip-audit":
            scan.read(path)
    for environment in config.environments:
        scan.read_environment(environment)
    return tuple(scan.collected.dependencies.values()), tuple(scan.collected.errors)


class DepsCheck:
    """Known-vulnerable, malicious, unpinned and disallowed-license dependencies."""

    id: ClassVar[str] = "deps"
    summary: ClassVar[str] = (
        "Dependencies in requirements/pyproject/lock files against an offline OSV database."
    )
    Config: ClassVar[type[DepsConfig]] = DepsConfig
    rules: ClassVar[tuple[Rule, ...]] = RULES

    def run(self, ctx: CheckContext, config: DepsConfig) -> CheckResult:
        """Read every selected dependency file, match, and apply the policy options."""
        scan = _Scan(ctx, config)
        for path in ctx.input_files(config):
            scan.read(path)
        for environment in config.environments:
            scan.read_environment(environment)
        scan.load_advisories()  # after reading: only the records of these packages are decoded
        scan.judge()
        scan.check_licenses()
        return scan.collected.result()
