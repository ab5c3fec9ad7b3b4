"""Seconds for the ``deps`` check: a 500-package lock against a PyPI-sized OSV archive.

Usage: ``python benchmarks/deps.py [--archive PyPI/all.zip] [--packages N] [--repeat N]
[--pip-audit-json REPORT --requirements FILE] [--with-pip-audit [--requirements FILE]]``.

Without ``--archive`` a synthetic archive the size of OSV's PyPI export (about 24,500
records, ~30 MB zipped, over 6,000 packages, two ranges and ~30 explicit versions each;
see :data:`RECORDS`) is generated in a temporary directory, so the benchmark runs
offline. With ``--pip-audit-json`` it also prints how far mlgate's findings on
``--requirements`` agree with a pip-audit JSON report of the same file (advisory ids,
aliases merged). ``--with-pip-audit`` runs pip-audit itself (``benchmarks/.venv-pip-audit``,
created on first use) on ``--requirements`` (default: :data:`FIXED_REQUIREMENTS`), times
it, and prints the agreement; when pip-audit cannot reach its advisory service it prints
one line saying so and exits 2. Prints medians; results are never committed.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

from mlgate.checks.deps import DepsCheck, DepsConfig
from mlgate.checks.deps.readers.pip_audit import read_pip_audit
from mlgate.core.check import CheckContext, CheckResult

# OSV's PyPI/all.zip: 32.1 MB and 24,491 advisories in agent-bom PR #4894 (Aug 2026);
# 22.1 MB, 19,563 records with ~32 explicit versions per record in pydepgate's cvedb docs.
RECORDS = 24_500
PACKAGES = 6_000
VERSIONS = 32
_WORDS = ("request", "header", "parser", "crafted", "remote", "attacker", "denial", "service",
          "injection", "template", "path", "traversal", "archive", "memory", "exhaustion",
          "token", "session", "redirect", "cookie", "upload", "regular", "expression")  # fmt: skip


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) + str(rng.randrange(100)) for _ in range(words))


def _record(index: int, rng: random.Random) -> dict[str, object]:
    package = f"pkg-{rng.randrange(PACKAGES)}"
    major = rng.randrange(1, 6)
    events = [{"introduced": "0"}, {"fixed": f"{major}.{rng.randrange(10)}.0"},
              {"introduced": f"{major + 1}.0"}, {"fixed": f"{major + 1}.2.1"}]  # fmt: skip
    versions = sorted({f"{rng.randrange(major + 1)}.{rng.randrange(10)}.{rng.randrange(20)}"
                       for _ in range(VERSIONS)})  # fmt: skip
    return {
        "schema_version": "1.6.0",
        "id": f"GHSA-bench-{index:06d}",
        "modified": "2026-01-01T00:00:00Z",
        "aliases": [f"CVE-2024-{index:05d}", f"PYSEC-2024-{index:05d}"],
        "summary": _text(rng, 10),
        "details": _text(rng, 120),  # real records carry long markdown details
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": [{"package": {"ecosystem": "PyPI", "name": package,
                                  "purl": f"pkg:pypi/{package}"},
                      "ranges": [{"type": "ECOSYSTEM", "events": events}],
                      "versions": versions,
                      "database_specific": {"source": f"https://example.org/{index}.json"}}],
        "references": [{"type": "WEB", "url": f"https://example.org/{package}/{index}/{n}"}
                       for n in range(6)],
        "database_specific": {"severity": "HIGH", "cwe_ids": ["CWE-400"],
                              "github_reviewed": True},
    }  # fmt: skip


def synthetic_archive(path: Path, seed: int = 7) -> Path:
    """An ``all.zip`` with :data:`RECORDS` generated records."""
    rng = random.Random(seed)  # noqa: S311  # reproducible data, not a secret
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index in range(RECORDS):
            archive.writestr(f"GHSA-bench-{index:06d}.json", json.dumps(_record(index, rng)))
    return path


def lock_file(root: Path, packages: int, seed: int = 11) -> Path:
    """A ``poetry.lock`` with ``packages`` entries named like the synthetic records."""
    rng = random.Random(seed)  # noqa: S311  # reproducible data, not a secret
    blocks = [
        f'[[package]]\nname = "pkg-{rng.randrange(PACKAGES)}"\n'
        f'version = "{rng.randrange(1, 8)}.{rng.randrange(10)}.{rng.randrange(3)}"\n'
        for _ in range(packages)
    ]
    path = root / "poetry.lock"
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def run_once(root: Path, archive: Path) -> tuple[float, CheckResult]:
    """One full run of the check (database load included)."""
    context = CheckContext(root=root, gate="bench", today=date(2026, 1, 1))
    start = time.perf_counter()
    result = DepsCheck().run(context, DepsConfig(advisories=str(archive)))
    return time.perf_counter() - start, result


def agreement(root: Path, archive: Path, report: Path, requirements: Path) -> str:
    """Share of pip-audit's (package, advisory ids) that mlgate also reports, and back."""
    theirs = {
        (a.dependency.name, frozenset((v.id, *v.aliases)))
        for a in read_pip_audit(report, display=report.name)
        for v in a.vulns
    }
    (root / "requirements.txt").write_text(requirements.read_text(encoding="utf-8"))
    _, result = run_once(root, archive)
    ours = [
        (dict(f.properties)["package"],
         frozenset([dict(f.properties)["advisory"], *dict(f.properties)["aliases"].split(",")]))
        for f in result.findings
    ]  # fmt: skip
    found = sum(1 for name, ids in theirs if any(n == name and ids & o for n, o in ours))
    extra = sum(1 for name, ids in ours if not any(n == name and ids & t for n, t in theirs))
    return f"pip-audit findings also found by mlgate: {found}/{len(theirs)}; extra: {extra}"


# Real pins with published advisories (any fixed set works; it only has to stay fixed).
FIXED_REQUIREMENTS = (
    "requests==2.19.0", "urllib3==1.24.1", "django==2.2.0", "jinja2==2.10", "pyyaml==5.3",
    "flask==0.12", "pillow==8.0.0", "werkzeug==0.15.0", "cryptography==3.2", "numpy==1.16.0",
    "setuptools==65.5.0", "certifi==2022.12.7", "idna==3.6", "aiohttp==3.8.0", "lxml==4.6.0",
    "paramiko==2.4.1", "tornado==6.0", "sqlalchemy==1.2.0",
)  # fmt: skip
PIP_AUDIT_VENV = Path(__file__).resolve().parent / ".venv-pip-audit"
PIP_AUDIT_VERSION = "2.10.1"
_NETWORK_WORDS = ("resolve", "connection", "max retries", "timed out", "proxy", "unreachable")


def pip_audit_executable() -> Path:
    """pip-audit of the benchmark's own venv, created (``pip install pip-audit``) if missing."""
    executable = PIP_AUDIT_VENV / "bin" / "pip-audit"
    if not executable.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PIP_AUDIT_VENV)], check=True)
        pip = PIP_AUDIT_VENV / "bin" / "pip"
        subprocess.run([str(pip), "install", "--quiet", f"pip-audit=={PIP_AUDIT_VERSION}"],
                       check=True)  # fmt: skip
    return executable


def run_pip_audit(
    executable: Path, requirements: Path, workdir: Path, service: str
) -> tuple[float, Path] | str:
    """pip-audit's wall time and JSON report, or one line saying why there is none.

    A service pip-audit cannot reach shows up either as a failed run or as a report in
    which every dependency was skipped (PyPI's per-version JSON answering 404); both
    are reported as unreachable, never turned into an agreement figure.
    """
    report = workdir / "pip-audit.json"
    command = [str(executable), "-r", str(requirements), "--no-deps", "--disable-pip",
               "-s", service, "-f", "json", "-o", str(report), "--progress-spinner", "off",
               "--cache-dir", str(workdir / "pip-audit-cache")]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - started
    last = next((x for x in reversed(done.stderr.splitlines()) if x.strip()), "no output")
    if done.returncode not in (0, 1) or not report.exists():
        if any(word in done.stderr.lower() for word in _NETWORK_WORDS):
            return f"pip-audit: advisory service {service!r} unreachable: {last.strip()[:300]}"
        return f"pip-audit failed (exit {done.returncode}): {last.strip()[:300]}"
    audited = read_pip_audit(report, display=report.name)
    skipped = [a for a in audited if a.skip_reason is not None]
    if audited and len(skipped) == len(audited):
        return (f"pip-audit: advisory service {service!r} unreachable: all {len(audited)} "
                f"dependencies skipped ({skipped[0].skip_reason})")  # fmt: skip
    return elapsed, report


def compare_with_pip_audit(args: argparse.Namespace, workdir: Path) -> int:
    """Time pip-audit and mlgate on the same requirements; print their agreement."""
    requirements = args.requirements
    if requirements is None:
        requirements = workdir / "requirements-fixed.txt"
        requirements.write_text("\n".join(FIXED_REQUIREMENTS) + "\n", encoding="utf-8")
    outcome = run_pip_audit(pip_audit_executable(), requirements, workdir, args.pip_audit_service)
    if isinstance(outcome, str):
        print(outcome)
        return 2
    seconds, report = outcome
    print(f"pip-audit ({args.pip_audit_service}) on {requirements.name}: {seconds:.2f} s")
    if args.archive is None:
        print("agreement not computed: it needs --archive with OSV's real PyPI/all.zip")
        return 0
    other = workdir / "audit"
    other.mkdir()
    print(agreement(other, args.archive, report, requirements))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Print the median time and finding count; optionally the pip-audit agreement."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--archive", type=Path)
    parser.add_argument("--packages", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pip-audit-json", type=Path)
    parser.add_argument("--requirements", type=Path)
    parser.add_argument(
        "--with-pip-audit",
        action="store_true",
        help="run pip-audit (benchmarks/.venv-pip-audit) on --requirements",
    )
    parser.add_argument("--pip-audit-service", choices=("osv", "pypi"), default="osv")
    args = parser.parse_args(argv)  # fmt: skip
    with tempfile.TemporaryDirectory() as work:
        workdir = Path(work)
        archive = args.archive or synthetic_archive(workdir / "all.zip")
        project = workdir / "project"
        project.mkdir()
        lock_file(project, args.packages)
        runs = [run_once(project, archive) for _ in range(args.repeat)]
        median = statistics.median(t for t, _ in runs)
        print(f"{args.packages} locked packages vs {archive.name} "
              f"({archive.stat().st_size / 1e6:.1f} MB): median {median:.2f} s over "
              f"{args.repeat} runs, {len(runs[0][1].findings)} findings")  # fmt: skip
        if args.with_pip_audit:
            return compare_with_pip_audit(args, workdir)
        if args.pip_audit_json and args.requirements:
            other = workdir / "audit"
            other.mkdir()
            print(agreement(other, archive, args.pip_audit_json, args.requirements))
    return 0


if __name__ == "__main__":
    sys.exit(main())
