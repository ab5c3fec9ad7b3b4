"""The ``artifacts`` check: unsafe-deserialization payloads in model files, never loaded.

Every selected file is sniffed by content and recursed into (zip in both views, tar,
7z, compressed wrappers, npy object arrays); every pickle found is evaluated by the
symbolic machine of :mod:`mlgate.formats`. Keras configs (``.keras``, legacy ``.h5``,
``keras_metadata.pb``), TensorFlow SavedModel graphs, ONNX, safetensors and GGUF are
read as structure. A global outside the active framework allowlists
blocks (ART001), graded critical by the denylist (ART002) or when computed (ART003).
One hostile file never stops the scan: its failure is an error for that file only.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field

from mlgate.checks.artifacts.findings import FileScan, Settings
from mlgate.checks.artifacts.policies.allowlists import Framework, active_allowlist
from mlgate.checks.artifacts.rules import RULES
from mlgate.checks.artifacts.scanner import scan_path
from mlgate.core.check import CheckConfig, CheckContext, CheckResult
from mlgate.core.finding import Finding, SkippedInput
from mlgate.core.fingerprint import disambiguate
from mlgate.core.rule import Rule
from mlgate.formats.limits import MIB, ContainerLimits, PickleLimits


class ArtifactsConfig(CheckConfig):
    """Settings of the ``artifacts`` check."""

    frameworks: list[Framework] = Field(
        default_factory=lambda: list(Framework),
        description="Framework allowlists to activate (python, numpy, torch, sklearn, "
        "pandas, boosting, joblib).",
    )
    allow_globals: list[str] = Field(
        default_factory=list,
        description="Extra `module.name` globals the team allows on purpose (exact names).",
    )
    max_decompressed_mb: int = Field(
        default=16384, gt=0, description="Decompressed bytes per file, in MiB, before an error."
    )
    max_member_mb: int = Field(
        default=4096, gt=0, description="Decompressed bytes of one member, in MiB."
    )
    max_ratio: float = Field(default=200.0, gt=1, description="Largest compression ratio.")
    max_depth: int = Field(default=8, ge=1, description="Deepest container nesting.")
    max_members: int = Field(default=100_000, gt=0, description="Most members per file.")
    max_opcodes: int = Field(default=20_000_000, gt=0, description="Pickle opcodes per blob.")
    max_pickles: int = Field(
        default=10_000, gt=0, description="Pickles per blob (back to back) before an error."
    )
    onnx_domains: list[str] = Field(
        default_factory=lambda: ["ai.onnx", "ai.onnx.ml"],
        description="ONNX operator domains allowed besides the default one (e.g. add "
        "com.microsoft for onnxruntime contrib operators).",
    )
    max_seconds_per_file: float = Field(
        default=60.0, gt=0, description="Seconds of pickle evaluation per blob."
    )
    max_resyncs: int = Field(
        default=64,
        ge=0,
        description="Times a pickle stream is scanned on from the next PROTO opcode after a "
        "parse failure (0: stop at the first failure).",
    )
    max_unpack_seconds: float = Field(
        default=120.0,
        gt=0,
        description="Seconds of unpacking containers and decompressing per file; past it "
        "the file is an error (ART040) and the scan goes on with the next file.",
    )

    def settings(self) -> Settings:
        """The scan settings these options describe."""
        return Settings(
            allowlist=active_allowlist(self.frameworks, self.allow_globals),
            torchscript=Framework.TORCH in self.frameworks,
            onnx_domains=frozenset({"", *self.onnx_domains}),
            pickle_limits=PickleLimits(
                max_opcodes=self.max_opcodes,
                max_pickles=self.max_pickles,
                max_seconds=self.max_seconds_per_file,
                max_resyncs=self.max_resyncs,
            ),
            container_limits=ContainerLimits(
                max_member_bytes=self.max_member_mb * MIB,
                max_total_bytes=self.max_decompressed_mb * MIB,
                max_ratio=self.max_ratio,
                max_depth=self.max_depth,
                max_members=self.max_members,
                max_seconds=self.max_unpack_seconds,
            ),
        )


class ArtifactsCheck:
    """Finds code-execution payloads in model artifacts without loading them."""

    id: ClassVar[str] = "artifacts"
    summary: ClassVar[str] = "Unsafe deserialization payloads in model files, never loaded."
    Config: ClassVar[type[CheckConfig]] = ArtifactsConfig
    rules: ClassVar[tuple[Rule, ...]] = RULES

    def run(self, ctx: CheckContext, config: ArtifactsConfig) -> CheckResult:
        """Scan every selected file; each file's failure stays that file's error."""
        settings = config.settings()
        findings: list[Finding] = []
        errors: list[str] = []
        skipped: list[SkippedInput] = []
        inputs = 0
        for path in ctx.input_files(config):
            scan = scan_file(path, ctx.display_path(path), settings)
            if scan is None:
                continue
            inputs += scan.examined
            findings.extend(scan.findings)
            errors.extend(scan.errors)
            skipped.extend(scan.skipped)
        return CheckResult(
            findings=disambiguate(findings),
            errors=tuple(errors),
            skipped=tuple(skipped),
            inputs=inputs,
        )


def scan_file(path: Path, display: str, settings: Settings) -> FileScan | None:
    """Scan one file; ``None`` when it is not an artifact. Never raises for bad content."""
    scan = FileScan(display, settings)
    try:
        if not scan_path(scan, path):
            return None
    except OSError as error:
        scan.error(None, f"cannot read: {error.strerror or error}")
    except Exception as error:  # noqa: BLE001  # one hostile file must not stop the scan; it is recorded as this file's error
        scan.error(None, f"internal error while scanning: {type(error).__name__}: {error}")
    return scan
