"""Manifests per second: the ``deploy`` check's rules, a Rego policy, and the ratio to Checkov.

Usage: ``python benchmarks/deploy.py [--manifests N] [--repeat N] [--with-checkov]``.
Writes N generated Deployments (one file each) to a temporary tree and prints the
median of in-process runs of the ``deploy`` check, then of the ``rego`` check with a
Conftest-style policy (compiled once per run, evaluated in its worker; needs regopy).
``--with-checkov`` creates ``benchmarks/.venv-checkov`` (git-ignored) with
``pip install checkov`` on first use, never a project dependency, times
``checkov -d TREE --framework kubernetes`` on the same tree and prints the ratio
(``--checkov PATH`` uses an existing executable instead). Results are never committed.
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
from builders.policies import ROOT_POLICY_V1
from mlgate.checks.deploy import DeployCheck, DeployConfig
from mlgate.checks.rego import RegoCheck, RegoConfig
from mlgate.core.check import CheckContext

CHECKOV_VENV = Path(__file__).resolve().parent / ".venv-checkov"


def time_mlgate(root: Path) -> tuple[float, int]:
    """Seconds of one in-process run, and the number of findings."""
    context = CheckContext(root=root, gate="bench", today=date(2026, 1, 1))
    started = time.perf_counter()
    result = DeployCheck().run(context, DeployConfig())
    return time.perf_counter() - started, len(result.findings)


def time_rego(root: Path) -> tuple[float, int]:
    """Seconds of one rego check run (compile once, evaluate every manifest), and findings."""
    context = CheckContext(root=root, gate="bench", today=date(2026, 1, 1))
    config = RegoConfig(paths=["k8s"], policies=["policy"])
    started = time.perf_counter()
    result = RegoCheck().run(context, config)
    if result.errors:
        raise SystemExit(f"rego check failed: {result.errors[0]}")
    return time.perf_counter() - started, len(result.findings)


def checkov_executable() -> str:
    """The checkov of the benchmark's own venv, created (``pip install checkov``) if missing."""
    executable = CHECKOV_VENV / "bin" / "checkov"
    if not executable.exists():
        subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
        pip = CHECKOV_VENV / "bin" / "pip"
        subprocess.run([str(pip), "install", "--quiet", "checkov"], check=True)
    return str(executable)


def time_checkov(executable: str, root: Path) -> float:
    """Seconds of one Checkov run over the same tree.

    The generated manifests are risky on purpose, so a working Checkov exits 1 (failed
    checks); any other code means it did not judge them and its time would be meaningless.
    """
    started = time.perf_counter()
    completed = subprocess.run(
        [executable, "-d", str(root), "--framework", "kubernetes", "--quiet", "--compact"],
        check=False,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 1:
        raise SystemExit(
            f"checkov exited {completed.returncode} instead of reporting failed checks: "
            f"{completed.stderr.strip()[-500:]}"
        )
    return elapsed


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print manifests/s (and the Checkov ratio when asked)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--manifests", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--checkov", default=None, help="path of a checkov executable")
    parser.add_argument("--with-checkov", action="store_true", help="use benchmarks/.venv-checkov")
    args = parser.parse_args(argv)
    checkov = args.checkov or (checkov_executable() if args.with_checkov else None)
    with tempfile.TemporaryDirectory() as workdir:
        root = Path(workdir)
        files = {f"k8s/d{i:05}.yaml": risky_deployment(f"d{i}", i) for i in range(args.manifests)}
        write_tree(root, {**files, "policy/root.rego": ROOT_POLICY_V1})
        runs = [time_mlgate(root / "k8s") for _ in range(args.repeat)]
        ours = statistics.median(seconds for seconds, _ in runs)
        print(f"mlgate deploy: {args.manifests / ours:,.0f} manifests/s "
              f"(median {ours:.2f} s over {args.repeat}, {runs[0][1]} findings)")  # fmt: skip
        rego = [time_rego(root) for _ in range(args.repeat)]
        policy = statistics.median(seconds for seconds, _ in rego)
        print(f"mlgate rego:   {args.manifests / policy:,.0f} manifests/s "
              f"(median {policy:.2f} s, {rego[0][1]} findings, compiled once per run)")  # fmt: skip
        if checkov:
            theirs = statistics.median(
                time_checkov(checkov, root / "k8s") for _ in range(args.repeat)
            )
            print(f"checkov:       {args.manifests / theirs:,.0f} manifests/s "
                  f"(median {theirs:.2f} s); mlgate is {theirs / ours:.1f}x faster "
                  f"(built-in rules), {theirs / policy:.1f}x (Rego policy)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
