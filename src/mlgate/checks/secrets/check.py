"""The ``secrets`` check: credentials in code, configs, notebooks and model artifacts.

The check selects files (minus what ``.gitignore`` ignores, see
:mod:`~mlgate.checks.secrets.selection`), scans them in parallel
(:mod:`~mlgate.checks.secrets.parallel`, each file routed by
:mod:`~mlgate.checks.secrets.scan`) and, when asked, every blob of the git history
(:mod:`~mlgate.checks.secrets.history`). A file that cannot be read is an error for the
gate (fail closed); the scan goes on.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import ClassVar

from pydantic import Field

from mlgate.checks.secrets.custom import CustomDetector
from mlgate.checks.secrets.findings import build_findings
from mlgate.checks.secrets.history import HistoryScan, HistorySettings, scan_history
from mlgate.checks.secrets.parallel import Job, ScanPlan, available_cores, scan_all
from mlgate.checks.secrets.readers.hits import Hit
from mlgate.checks.secrets.selection import Selection
from mlgate.core.check import CheckConfig, CheckContext, CheckResult
from mlgate.core.metric import Metric
from mlgate.core.rule import Rule
from mlgate.credentials.matcher import Matcher
from mlgate.credentials.rules import DETECTORS, RULES


class SecretsConfig(CheckConfig):
    """Settings of the ``secrets`` check."""

    custom_detectors: list[CustomDetector] = Field(
        default_factory=list,
        description="Extra detectors in the built-in record format (id SECX..., pattern with "
        "a `secret` group, keywords, entropy floor).",
    )
    max_text_mb: int = Field(
        default=64, gt=0, description="Text files above this size are read as binaries."
    )
    respect_gitignore: bool = Field(
        default=True,
        description="Skip files that the tree's `.gitignore` files ignore; a rule that "
        "ignores a path named in `paths` (or its parent) does not apply to it. Every skipped "
        "file is listed in the report.",
    )
    jobs: int | None = Field(
        default=None, gt=0, description="Worker processes; null: one per available core."
    )
    history: HistorySettings | None = Field(
        default=None,
        description="Also scan every blob of the git history reachable from these refs "
        "(off by default); each secret is reported with the commit where it first appeared.",
    )


def catalogue(custom: Sequence[CustomDetector]) -> Matcher:
    """The built-in detectors plus the configured ones (rebuilt inside each worker)."""
    return Matcher((*DETECTORS, *(c.detector() for c in custom)))


class SecretsCheck:
    """Finds live credentials in files and artifacts; reports never show the value."""

    id: ClassVar[str] = "secrets"
    summary: ClassVar[str] = "Credentials in code, configs, notebooks and model artifacts."
    Config: ClassVar[type[CheckConfig]] = SecretsConfig
    rules: ClassVar[tuple[Rule, ...]] = RULES

    def run(self, ctx: CheckContext, config: SecretsConfig) -> CheckResult:
        """Scan every selected file; each file's failure stays that file's error."""
        plan = ScanPlan(
            build_matcher=functools.partial(catalogue, tuple(config.custom_detectors)),
            max_text_bytes=config.max_text_mb << 20,
            workers=config.jobs or available_cores(),
        )
        hits: list[Hit] = []
        errors: list[str] = []
        # Files are scanned while the tree is still being walked.
        selection = selection_for(ctx, config)
        scans = scan_all(iter(selection), plan)
        for scan in scans:
            hits.extend(scan.hits)
            errors.extend(scan.problems)
        history = _history(ctx, config, plan)
        findings, suppressed = build_findings(hits, history.hits)
        inputs = len(scans) + history.blobs
        metrics = []
        # Metrics of a scan that read nothing would make the gate see a non-empty result.
        if inputs:
            metrics.append(Metric(name="secrets.suppressed_inline", value=float(suppressed)))
            if config.history is not None:
                metrics.append(Metric(name="secrets.history_blobs", value=float(history.blobs)))
        return CheckResult(
            findings=findings,
            errors=(*errors, *history.problems),
            skipped=(*selection.skipped(), *history.skipped),
            inputs=inputs,
            metrics=tuple(metrics),
            rules=tuple(c.rule for c in config.custom_detectors),
        )


def _history(ctx: CheckContext, config: SecretsConfig, plan: ScanPlan) -> HistoryScan:
    """The git history's hits when the policy asks for them (in this process)."""
    if config.history is None:
        return HistoryScan()
    return scan_history(
        ctx.root,
        config.history,
        plan.build_matcher(),
        max_text_bytes=plan.max_text_bytes,
        exclude=tuple(config.exclude),
    )


def select_jobs(ctx: CheckContext, config: SecretsConfig) -> list[Job]:
    """The selected files, minus what git ignores when that is asked for."""
    return list(iter_jobs(ctx, config))


def iter_jobs(ctx: CheckContext, config: SecretsConfig) -> Iterator[Job]:
    """:func:`select_jobs`, one file at a time as the walk finds it (sized by the walk)."""
    return iter(selection_for(ctx, config))


def selection_for(ctx: CheckContext, config: SecretsConfig) -> Selection:
    """The configured selection; it records what ``.gitignore`` left out as it goes."""
    return Selection(
        ctx.root,
        config.paths,
        config.exclude,
        config.include,
        respect_gitignore=config.respect_gitignore,
    )
