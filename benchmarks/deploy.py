"""Manifests per second of the ``deploy`` check's built-in rules, and the ratio to Checkov.

Usage: ``python benchmarks/deploy.py [--manifests N] [--repeat N] [--checkov PATH]``.
Writes N generated Deployments (one file each) to a temporary tree, runs the check
in-process and prints the median. With ``--checkov`` (a ``checkov`` executable from
the benchmark's own environment: ``pip install checkov`` there) it also times
``checkov -d TREE --framework kubernetes`` on the same tree and prints the ratio.
Results are never committed. (The Rego half of issue 7's benchmark awaits the
``rego`` check.)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from builders.manifests import risky_deployment, write_tree  # tests/ is on sys.path (above)
from mlgate.checks.deploy import DeployCheck, DeployConfig
from mlgate.core.check import CheckContext


def time_mlgate(root: Path) -> tuple[float, int]:
    """Seconds of one in-process run, and the number of findings."""
    context = CheckContext(root=root, gate="bench", today=date(2026, 1, 1))
    started = time.perf_counter()
    result = DeployCheck().run(context, DeployConfig())
    return time.perf_counter() - started, len(result.findings)


def time_checkov(executable: str, root: Path) -> float:
    """Seconds of one Checkov run over the same tree (its exit code is ignored)."""
    started = time.perf_counter()
    subprocess.run(
        [executable, "-d", str(root), "--framework", "kubernetes", "--quiet", "--compact"],
        check=False,
        capture_output=True,
    )
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print manifests/s (and the Checkov ratio when asked)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--manifests", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--checkov", default=None, help="path of a checkov executable")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        root = Path(workdir)
        files = {f"k8s/d{i:05}.yaml": risky_deployment(f"d{i}", i) for i in range(args.manifests)}
        write_tree(root, files)
        runs = [time_mlgate(root) for _ in range(args.repeat)]
        ours = statistics.median(seconds for seconds, _ in runs)
        print(f"mlgate deploy: {args.manifests / ours:,.0f} manifests/s "
              f"(median {ours:.2f} s over {args.repeat}, {runs[0][1]} findings)")  # fmt: skip
        if args.checkov:
            theirs = statistics.median(time_checkov(args.checkov, root) for _ in range(args.repeat))
            print(f"checkov:       {args.manifests / theirs:,.0f} manifests/s "
                  f"(median {theirs:.2f} s); mlgate is {theirs / ours:.1f}x faster")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
