"""Seconds for the ``deps`` check: a 500-package lock against a PyPI-sized OSV archive.

Usage: ``python benchmarks/deps.py [--archive PyPI/all.zip] [--packages N] [--repeat N]
[--pip-audit-json REPORT --requirements FILE]``.

Without ``--archive`` a synthetic archive the size of OSV's PyPI export (about 18,000
records over 6,000 packages, two ranges each) is generated in a temporary directory, so
the benchmark runs offline. With ``--pip-audit-json`` it also prints how far mlgate's
findings on ``--requirements`` agree with a pip-audit JSON report of the same file
(advisory ids, aliases merged). Prints medians; results are never committed.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

from mlgate.checks.deps import DepsCheck, DepsConfig
from mlgate.checks.deps.readers.pip_audit import read_pip_audit
from mlgate.core.check import CheckContext, CheckResult

RECORDS = 18_000
PACKAGES = 6_000


def _record(index: int, rng: random.Random) -> dict[str, object]:
    package = f"pkg-{rng.randrange(PACKAGES)}"
    major = rng.randrange(1, 6)
    events = [{"introduced": "0"}, {"fixed": f"{major}.{rng.randrange(10)}.0"},
              {"introduced": f"{major + 1}.0"}, {"fixed": f"{major + 1}.2.1"}]  # fmt: skip
    return {
        "id": f"GHSA-bench-{index:06d}",
        "aliases": [f"CVE-2024-{index:05d}"],
        "summary": "synthetic advisory " + "x" * 200,
        "details": "y" * 1500,  # real records carry long markdown details
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": [{"package": {"ecosystem": "PyPI", "name": package},
                      "ranges": [{"type": "ECOSYSTEM", "events": events}]}],
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


def main(argv: list[str] | None = None) -> int:
    """Print the median time and finding count; optionally the pip-audit agreement."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--archive", type=Path)
    parser.add_argument("--packages", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pip-audit-json", type=Path)
    parser.add_argument("--requirements", type=Path)
    args = parser.parse_args(argv)
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
        if args.pip_audit_json and args.requirements:
            other = workdir / "audit"
            other.mkdir()
            print(agreement(other, archive, args.pip_audit_json, args.requirements))
    return 0


if __name__ == "__main__":
    sys.exit(main())
