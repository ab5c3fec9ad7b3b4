"""The ``sast`` check: taint analysis of the project's Python files."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import ClassVar, Literal

from pydantic import Field, field_validator

from mlgate.checks.sast.cache import DirectoryCache, ResultCache, engine_version
from mlgate.checks.sast.engine import SourceFile, scan_sources
from mlgate.checks.sast.rules import RuleSet, default_rules
from mlgate.checks.sast.rules.catalog import ALL_RULES
from mlgate.core.check import CheckConfig, CheckContext, CheckResult
from mlgate.core.finding import SkippedInput
from mlgate.core.rule import Rule

ExtraSource = Literal["cli", "env"]


class SastConfig(CheckConfig):
    """Settings of the ``sast`` check."""

    sources: list[ExtraSource] = Field(
        default_factory=list,
        description="Extra input sources beyond web requests: cli (sys.argv, input()), "
        "env (os.environ, os.getenv).",
    )
    max_file_bytes: int = Field(
        default=5_000_000, gt=0, description="Python files larger than this are skipped."
    )
    # Off by default: cache entries are keyed by public inputs (engine version, path, bytes),
    # so a pull request that commits forged entries could hide its own findings. Turn it on
    # only where the cache directory cannot come from untrusted content.
    cache: bool = Field(
        default=False,
        description="Keep per-file results by content hash, so a re-run analyses only what "
        "changed files can affect. Enable only where the cache cannot come from untrusted "
        "content (a pull request could commit forged entries).",
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
        for path in ctx.input_files(config):
            if path.suffix != ".py":
                continue
            shown = ctx.display_path(path)
            size = path.stat().st_size
            if size > config.max_file_bytes:
                reason = f"{size} bytes exceeds max_file_bytes={config.max_file_bytes}"
                skipped.append(SkippedInput(path=shown, reason=reason))
                continue
            files.append(SourceFile(path=shown, data=path.read_bytes()))
        rules = default_rules(frozenset(config.sources))
        cache = _result_cache(ctx.root, config, rules)
        findings = scan_sources(files, rules=rules, cache=cache)
        return CheckResult(findings=findings, skipped=tuple(skipped), inputs=len(files))


def _result_cache(root: Path, config: SastConfig, rules: RuleSet) -> ResultCache | None:
    """The configured cache, unless it is off or would resolve outside the project."""
    if not config.cache:
        return None
    directory = root / config.cache_dir
    # A symlinked cache directory could point anywhere: use it only inside the root.
    if not directory.resolve().is_relative_to(root.resolve()):
        return None
    return DirectoryCache(directory, engine_version(rules))
