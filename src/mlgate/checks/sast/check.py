"""The ``sast`` check: taint analysis of the project's Python files."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import ClassVar, Literal

from pydantic import Field, field_validator

from mlgate.checks.sast.cache import DirectoryCache, ResultCache, engine_version
from mlgate.checks.sast.engine import SourceFile, scan_sources
from mlgate.checks.sast.report import input_limit_finding
from mlgate.checks.sast.rules import RuleSet, default_rules
from mlgate.checks.sast.rules.catalog import ALL_RULES
from mlgate.checks.sast.userrules import UserRules
from mlgate.core.check import CheckConfig, CheckContext, CheckResult
from mlgate.core.finding import Finding, SkippedInput
from mlgate.core.rule import Rule

ExtraSource = Literal["cli", "env"]

CACHE_DIR_ENV = "MLGATE_CACHE_DIR"
CACHE_KEY_ENV = "MLGATE_CACHE_KEY"


class SastConfig(CheckConfig):
    """Settings of the ``sast`` check."""

    sources: list[ExtraSource] = Field(
        default_factory=list,
        description="Extra input sources beyond web requests: cli (sys.argv, input()), "
        "env (os.environ, os.getenv).",
    )
    rules: UserRules = Field(
        default_factory=UserRules,
        description="Your own sources, sinks and sanitizers, merged into the built-in rules "
        "(see docs/sast.md).",
    )
    max_file_bytes: int = Field(
        default=5_000_000,
        gt=0,
        description="Python files larger than this are not analysed; each one is a "
        "blocking SAST002 finding unless waived.",
    )
    # Off by default: cache entries are keyed by public inputs (engine version, path, bytes),
    # so a pull request that commits forged entries could hide its own findings. Turn it on
    # only where the cache directory cannot come from untrusted content.
    cache: bool = Field(
        default=False,
        description="Keep per-file results by content hash in cache_dir, so a re-run analyses "
        "only what changed files can affect. Enable only where the cache cannot come from "
        "untrusted content (a pull request could commit forged entries), or set "
        "MLGATE_CACHE_KEY to authenticate entries. MLGATE_CACHE_DIR (an absolute path "
        "outside the checkout) turns the cache on there whatever this says.",
    )
    cache_dir: str = Field(
        default=".mlgate-cache/sast",
        description="Directory of the result cache, relative to the project root.",
    )

    @field_validator("cache_dir")
    @classmethod
    def _inside_project(cls, value: str) -> str:
        # The check writes there: it must never be steered out of the scanned tree.
        path = PurePosixPath(value.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise ValueError("cache_dir must be a relative path inside the project")
        return value


class SastCheck:
    """Taint-tracked injection flaws in Python web APIs (Flask, FastAPI, Django)."""

    id: ClassVar[str] = "sast"
    summary: ClassVar[str] = "Taint-tracked injection flaws and dangerous calls in Python code."
    Config: ClassVar[type[CheckConfig]] = SastConfig
    rules: ClassVar[tuple[Rule, ...]] = ALL_RULES

    def run(self, ctx: CheckContext, config: SastConfig) -> CheckResult:
        """Parse every selected ``.py`` file and report the flows that reach sinks."""
        files: list[SourceFile] = []
        skipped: list[SkippedInput] = []
        oversized: list[Finding] = []
        for path in ctx.input_files(config):
            if path.suffix != ".py":
                continue
            shown = ctx.display_path(path)
            size = path.stat().st_size
            if size > config.max_file_bytes:
                reason = f"{size} bytes exceeds max_file_bytes={config.max_file_bytes}"
                skipped.append(SkippedInput(path=shown, reason=reason))
                # A skipped file could hold the flow a change completes: block, not pass.
                oversized.append(input_limit_finding(shown, size, config.max_file_bytes))
                continue
            files.append(SourceFile(path=shown, data=path.read_bytes()))
        rules = default_rules(
            frozenset(config.sources),
            sources=config.rules.source_specs(),
            sinks=config.rules.sink_specs(),
            sanitizers=config.rules.sanitizer_specs(),
        )
        cache = _result_cache(ctx.root, config, rules, os.environ)
        findings = (*oversized, *scan_sources(files, rules=rules, cache=cache))
        return CheckResult(findings=findings, skipped=tuple(skipped), inputs=len(files))


def _result_cache(
    root: Path, config: SastConfig, rules: RuleSet, environ: Mapping[str, str]
) -> ResultCache | None:
    """The configured cache, or ``None`` where its entries could be forged unnoticed.

    ``MLGATE_CACHE_DIR`` (absolute, outside the checkout: a CI cache path the operator
    controls) turns the cache on there; ``MLGATE_CACHE_KEY`` authenticates entries, which
    also makes a cache inside the checkout trustworthy. See docs/sast.md.
    """
    secret = environ.get(CACHE_KEY_ENV, "").encode() or None
    project = root.resolve()
    outside = environ.get(CACHE_DIR_ENV, "")
    if outside and Path(outside).is_absolute():
        directory = Path(outside) / "sast"
        # The checkout is attacker-writable in a pull request: only a key makes it safe.
        if directory.resolve().is_relative_to(project) and secret is None:
            return None
        return DirectoryCache(directory, engine_version(rules), secret=secret)
    if not config.cache:
        return None
    directory = root / config.cache_dir
    # A symlinked cache directory could point anywhere: use it only inside the root.
    if not directory.resolve().is_relative_to(project):
        return None
    return DirectoryCache(directory, engine_version(rules), secret=secret)
