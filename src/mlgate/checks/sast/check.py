"""The ``sast`` check: taint analysis of the project's Python files."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from mlgate.checks.sast.engine import SourceFile, scan_sources
from mlgate.checks.sast.rules import default_rules
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
        findings = scan_sources(files, rules=rules)
        return CheckResult(findings=findings, skipped=tuple(skipped), inputs=len(files))
