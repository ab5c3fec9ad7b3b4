"""The ``secrets`` check: credentials in code, configs, notebooks and model artifacts.

Each selected file goes to one reader: notebooks are decoded cell by cell, known text
files (source, configs, Dockerfiles, Terraform) are matched as text, and everything
else is sniffed: artifacts and other binaries give their strings through
:mod:`mlgate.formats.strings` (pickle literals, numpy strings, zip/tar members,
compressed wrappers), plain text that is not named as such is matched as text.
A file that cannot be read is an error for the gate (fail closed); the scan goes on.
"""

from __future__ import annotations

import mmap
from pathlib import Path
from typing import ClassVar

from pydantic import Field

from mlgate.checks.secrets.custom import CustomDetector
from mlgate.checks.secrets.findings import build_findings
from mlgate.checks.secrets.matcher import Matcher
from mlgate.checks.secrets.readers.artifact import artifact_hits
from mlgate.checks.secrets.readers.hits import Hit
from mlgate.checks.secrets.readers.notebook import NotebookError, notebook_hits
from mlgate.checks.secrets.readers.text import decode_text, text_hits
from mlgate.checks.secrets.rules import DETECTORS, RULES
from mlgate.core.check import CheckConfig, CheckContext, CheckResult
from mlgate.core.metric import Metric
from mlgate.core.rule import Rule
from mlgate.formats.sniff import Format, sniff
from mlgate.formats.span import Span

TEXT_SUFFIXES = frozenset(
    {".py", ".pyi", ".env", ".yaml", ".yml", ".json", ".toml", ".ini", ".cfg", ".conf", ".txt",
     ".md", ".rst", ".sh", ".bash", ".zsh", ".ps1", ".js", ".ts", ".java", ".go", ".rb",
     ".php", ".cs", ".tf", ".tfvars", ".hcl", ".properties", ".xml", ".html", ".sql", ".r",
     ".scala", ".kt", ".swift", ".c", ".h", ".cpp", ".rs", ".gradle", ".csv", ".log",
     ".dockerfile", ".jsonl", ".lock"}
)  # fmt: skip
TEXT_NAMES = frozenset({"dockerfile", ".npmrc", ".pypirc", ".netrc", ".gitconfig", "makefile"})
_HEAD = 8192


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


class SecretsCheck:
    """Finds live credentials in files and artifacts; reports never show the value."""

    id: ClassVar[str] = "secrets"
    summary: ClassVar[str] = "Credentials in code, configs, notebooks and model artifacts."
    Config: ClassVar[type[CheckConfig]] = SecretsConfig
    rules: ClassVar[tuple[Rule, ...]] = RULES

    def run(self, ctx: CheckContext, config: SecretsConfig) -> CheckResult:
        """Scan every selected file; each file's failure stays that file's error."""
        custom = tuple(c.detector() for c in config.custom_detectors)
        matcher = Matcher((*DETECTORS, *custom))
        hits: list[Hit] = []
        errors: list[str] = []
        inputs = 0
        for path in ctx.input_files(config):
            inputs += 1
            found, problems = scan_file(path, ctx.display_path(path), matcher, config)
            hits.extend(found)
            errors.extend(problems)
        findings, suppressed = build_findings(hits)
        metric = Metric(name="secrets.suppressed_inline", value=float(suppressed))
        return CheckResult(
            findings=findings,
            errors=tuple(errors),
            inputs=inputs,
            metrics=(metric,),
            rules=tuple(c.rule for c in custom),
        )


def is_text_name(path: Path) -> bool:
    """Whether the name says the file is text (source, config, notebook aside)."""
    name = path.name.lower()
    return path.suffix.lower() in TEXT_SUFFIXES or name in TEXT_NAMES or name.startswith(".env")


def scan_file(
    path: Path, display: str, matcher: Matcher, config: SecretsConfig
) -> tuple[list[Hit], list[str]]:
    """Hits of one file and the problems met reading it; never raises for bad content."""
    try:
        size = path.stat().st_size
        if size == 0:
            return [], []
        if path.suffix.lower() == ".ipynb" and size <= config.max_text_mb << 20:
            return _notebook(path.read_bytes(), display, matcher), []
        if is_text_name(path) and size <= config.max_text_mb << 20:
            return text_hits(decode_text(path.read_bytes()), display, matcher), []
        return _sniffed(path, display, matcher, config)
    except OSError as error:
        return [], [f"{display}: cannot read: {error.strerror or error}"]


def _notebook(data: bytes, display: str, matcher: Matcher) -> list[Hit]:
    raw = decode_text(data)
    try:
        return notebook_hits(raw, display, matcher)
    except NotebookError:
        return text_hits(raw, display, matcher)


def _sniffed(
    path: Path, display: str, matcher: Matcher, config: SecretsConfig
) -> tuple[list[Hit], list[str]]:
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as m:
        found = sniff(m)
        is_text = found is Format.UNKNOWN and b"\x00" not in m[:_HEAD]
        if is_text and len(m) <= config.max_text_mb << 20:
            return text_hits(decode_text(m[:]), display, matcher), []
        scan = artifact_hits(Span(m, 0, len(m)), display, matcher)
        return list(scan.hits), list(scan.problems)
