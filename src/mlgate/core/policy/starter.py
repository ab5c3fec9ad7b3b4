"""``mlgate init``: a commented starter policy for the project it finds."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from mlgate.core.fs import PRUNED_DIRECTORIES

_MODEL_SUFFIXES = (".pkl", ".pickle", ".joblib", ".pt", ".pth", ".bin", ".ckpt", ".h5",
                   ".keras", ".onnx", ".safetensors", ".npy", ".npz", ".gguf")  # fmt: skip
_WEB_FRAMEWORKS = ("flask", "fastapi", "django", "aiohttp", "starlette")
_SCAN_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class ProjectProfile:
    """What ``mlgate init`` noticed about a project."""

    python: bool
    web_frameworks: tuple[str, ...]
    model_files: bool
    sarif_files: bool
    manifests: bool


def _files(root: Path) -> list[Path]:
    found: list[Path] = []
    for directory, subdirs, files in os.walk(root, followlinks=False):
        subdirs[:] = [d for d in subdirs if d not in PRUNED_DIRECTORIES]
        found.extend(Path(directory) / name for name in files)
        if len(found) > _SCAN_LIMIT:
            break
    return found


def _dependency_text(root: Path) -> str:
    texts = []
    for name in ("pyproject.toml", "requirements.txt", "setup.cfg", "Pipfile"):
        candidate = root / name
        if candidate.is_file() and candidate.stat().st_size < 1_000_000:
            texts.append(candidate.read_text(encoding="utf-8", errors="replace").lower())
    return "\n".join(texts)


def profile_project(root: Path) -> ProjectProfile:
    """Look at file names and dependency declarations only; nothing is imported or run."""
    files = _files(root)
    suffixes = {f.suffix.lower() for f in files}
    names = {f.name.lower() for f in files}
    dependencies = _dependency_text(root)
    return ProjectProfile(
        python=".py" in suffixes,
        web_frameworks=tuple(w for w in _WEB_FRAMEWORKS if w in dependencies),
        model_files=bool(suffixes & set(_MODEL_SUFFIXES)),
        sarif_files=any(n.endswith((".sarif", ".sarif.json")) for n in names),
        manifests="dockerfile" in names or bool(suffixes & {".yaml", ".yml"}),
    )


def _check_block(check_id: str, body: list[str], installed: set[str], note: str) -> list[str]:
    lines = [f"      # {note}"]
    entry = [f"      {check_id}:", *(f"        {line}" for line in body)]
    if check_id in installed:
        return lines + entry
    lines.append(f"      # (the `{check_id}` check is not installed here; uncomment once it is)")
    return lines + [f"#{line}" for line in entry]


def _gate_checks(profile: ProjectProfile, installed: set[str]) -> list[str]:
    lines: list[str] = []
    if profile.python:
        frameworks = ", ".join(profile.web_frameworks) or "Python"
        note = f"Injection flaws in the {frameworks} code, traced from request to sink."
        lines += _check_block("sast", ['paths: ["."]'], installed, note)
        lines += _check_block(
            "secrets", ['paths: ["."]'], installed, "Credentials in code and configs."
        )
    if profile.model_files:
        note = "Unsafe deserialization (malicious pickle) in model files, never loaded."
        lines += _check_block("artifacts", ['paths: ["."]'], installed, note)
    note = "Findings of other scanners (CodeQL, Semgrep, Bandit...) written as SARIF."
    sarif_body = ['paths: ["."]', 'include: ["*.sarif", "*.sarif.json"]']
    lines += _check_block("sarif", sarif_body, installed, note)
    return lines


def render_starter_policy(profile: ProjectProfile, installed: set[str]) -> str:
    """The commented YAML text of a starter policy."""
    checks = _gate_checks(profile, installed)
    active = [line for line in checks if line.startswith("      ") and line.strip().endswith(":")]
    # A gate whose only active check has nothing to read would error on its first run.
    allow_empty = "true" if active == ["      sarif:"] and not profile.sarif_files else "false"
    header = [
        "# mlgate policy: which gates exist, what each checks, and what blocks.",
        "# Validate or complete it in your editor with `mlgate schema`; run it with `mlgate run`.",
        "version: 1",
        "gates:",
        "  pre-merge:",
        "    description: Checks every pull request must pass before merging.",
        "    # enforce blocks the pipeline; warn only reports (use while adopting mlgate).",
        "    mode: enforce",
        "    # Findings at or above this severity block: info, low, medium, high, critical.",
        "    fail_on: high",
        "    # A check that finds nothing to examine is an error unless this is true.",
        f"    allow_empty: {allow_empty}",
        "    checks:",
    ]
    footer = [
        "# Reviewed exceptions. Each needs a scope, a reason, an owner and an expiry date;",
        "# an expired waiver stops applying and every report says so.",
        "waivers: []",
        '#  - rule: "SAST089"',
        '#    path: "legacy/**"',
        '#    reason: "Internal admin tool, rewrite tracked in TICKET-123"',
        '#    owner: "appsec@example.com"',
        "#    expires: 2026-12-31",
        "# Accept today's findings as debt so only new ones block: run `mlgate baseline`.",
        "# baseline: mlgate-baseline.json",
        "reports:",
        "  directory: mlgate-reports",
        "  formats: [json, sarif, junit, markdown, html]",
    ]
    return "\n".join([*header, *checks, *footer]) + "\n"
