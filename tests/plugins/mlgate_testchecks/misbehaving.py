"""Checks that crash, hang, exhaust memory or kill their process."""

from __future__ import annotations

import os
import time
from typing import ClassVar

from mlgate.plugin import CheckConfig, CheckContext, CheckResult, Rule


class CrashCheck:
    """Raises inside run()."""

    id: ClassVar[str] = "crash"
    summary: ClassVar[str] = "Always raises."
    Config: ClassVar[type[CheckConfig]] = CheckConfig
    rules: ClassVar[tuple[Rule, ...]] = ()

    def run(self, ctx: CheckContext, config: CheckConfig) -> CheckResult:
        raise RuntimeError("boom on purpose")


class HangCheck:
    """Never returns (until the runner kills it)."""

    id: ClassVar[str] = "hang"
    summary: ClassVar[str] = "Sleeps forever."
    Config: ClassVar[type[CheckConfig]] = CheckConfig
    rules: ClassVar[tuple[Rule, ...]] = ()

    def run(self, ctx: CheckContext, config: CheckConfig) -> CheckResult:
        while True:
            time.sleep(3600)


class MemoryHogCheck:
    """Allocates far beyond any sane budget."""

    id: ClassVar[str] = "memhog"
    summary: ClassVar[str] = "Allocates memory until it fails."
    Config: ClassVar[type[CheckConfig]] = CheckConfig
    rules: ClassVar[tuple[Rule, ...]] = ()

    def run(self, ctx: CheckContext, config: CheckConfig) -> CheckResult:
        hoard = [bytearray(64 * 1024 * 1024) for _ in range(1024)]
        return CheckResult(inputs=len(hoard))


class ExitCheck:
    """Kills its own process without a word."""

    id: ClassVar[str] = "exitearly"
    summary: ClassVar[str] = "Exits the process abruptly."
    Config: ClassVar[type[CheckConfig]] = CheckConfig
    rules: ClassVar[tuple[Rule, ...]] = ()

    def run(self, ctx: CheckContext, config: CheckConfig) -> CheckResult:
        os._exit(7)
