"""Lines per second and peak memory of the ``sast`` check, with Bandit and Semgrep side by side.

Usage: ``python benchmarks/sast.py [TREE] [--repeat N] [--limit N] [--warm] [--with-bandit]
[--with-semgrep]``;
TREE defaults to the running interpreter's site-packages (pick one ~600k-line package,
e.g. ``.venv/lib/python3.11/site-packages/pandas``, for the memory goal). Prints the
median over the repeats, CPU time per core, and peak RSS (``resource.getrusage``).

``--with-bandit`` creates ``benchmarks/.venv-bandit`` (git-ignored) with
``pip install bandit==1.9.4`` on first use (never a project dependency), runs
``bandit -r TREE`` over the same files and prints its lines/s and the ratio.

``--with-semgrep`` likewise creates ``benchmarks/.venv-semgrep`` with ``pip install
semgrep==1.185.0`` and runs it offline (``--metrics=off``, no version check, only the
local taint rules of ``benchmarks/semgrep_rules.yaml``, never the registry) on one core
(``--jobs 1``) over the same tree. Semgrep keeps no result cache: its "cold" figure is
the first run (rules compiled, files read from disk), "warm" the median of the next
``--repeat`` runs (files in the page cache). Files Semgrep skips (its size limit, its
default ignore list, which ``--no-git-ignore --x-ignore-semgrepignore-files`` turn off)
are reported, since they change the lines it really read.

``--warm`` also times the per-file result cache (in a temporary directory, as the
check keeps it under ``.mlgate-cache/sast``): a cold run that fills it, a warm run
with nothing changed, and a run after a one-line edit of one module that many others
import (the worst kind of one-file change). Results are never committed.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import venv
from dataclasses import replace
from pathlib import Path

_HERE = Path(__file__).resolve().parent

from mlgate.checks.sast.cache import DirectoryCache, engine_version  # noqa: E402
from mlgate.checks.sast.engine import SourceFile, scan_sources  # noqa: E402
from mlgate.checks.sast.rules import default_rules  # noqa: E402

BANDIT_ENV = _HERE / ".venv-bandit"
BANDIT = "bandit==1.9.4"
SEMGREP_ENV = _HERE / ".venv-semgrep"
SEMGREP = "semgrep==1.185.0"
SEMGREP_RULES = _HERE / "semgrep_rules.yaml"


def load_tree(root: Path, limit: int | None) -> list[SourceFile]:
    """Read every ``.py`` file under ``root`` (sorted, optionally the first ``limit``)."""
    paths = sorted(p for p in root.rglob("*.py") if p.is_file() and not p.is_symlink())
    if limit is not None:
        paths = paths[:limit]
    return [SourceFile(path=p.relative_to(root).as_posix(), data=p.read_bytes()) for p in paths]


def count_lines(files: list[SourceFile]) -> int:
    """Physical lines, as Bandit and Semgrep count them."""
    return sum(f.data.count(b"\n") for f in files)


def time_mlgate(files: list[SourceFile], repeat: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds of a full scan, and the number of findings."""
    wall: list[float] = []
    cpu: list[float] = []
    findings = 0
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        findings = len(scan_sources(files))
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu), findings


def _timed_scan(files: list[SourceFile], cache: DirectoryCache) -> float:
    start = time.perf_counter()
    scan_sources(files, cache=cache)
    return time.perf_counter() - start


def most_imported(files: list[SourceFile]) -> int:
    """Index of the module named in the most ``from <module> import`` lines."""
    text = b"\n".join(f.data for f in files)

    def importers(file: SourceFile) -> int:
        dotted = file.path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        return text.count(f"{dotted} import ".encode())

    return max(range(len(files)), key=lambda i: importers(files[i]))


def time_cached(files: list[SourceFile], repeat: int) -> tuple[float, float, float, str]:
    """Median seconds of a cold (cache-filling) run, a warm run and a one-file-edit run.

    Also returns the path of the edited file.
    """
    version = engine_version(default_rules())
    edited = list(files)
    target = most_imported(files)
    edited[target] = replace(files[target], data=files[target].data + b"\n# edited\n")
    cold: list[float] = []
    warm: list[float] = []
    after_edit: list[float] = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as directory:
            cache = DirectoryCache(Path(directory), version)
            cold.append(_timed_scan(files, cache))
            warm.append(_timed_scan(files, cache))
            after_edit.append(_timed_scan(edited, cache))
    median = statistics.median
    return median(cold), median(warm), median(after_edit), files[target].path


def tool_executable(environment: Path, requirement: str, name: str) -> Path:
    """A tool of the benchmark's own environment, created on first use."""
    executable = environment / "bin" / name
    if not executable.exists():
        venv.create(environment, with_pip=True)
        pip = str(environment / "bin" / "pip")
        subprocess.run([pip, "install", "-q", requirement], check=True)
    return executable


def bandit_executable() -> Path:
    """The bandit of the benchmark's own environment, created on first use."""
    return tool_executable(BANDIT_ENV, BANDIT, "bandit")


def time_bandit(tree: Path, repeat: int) -> tuple[float, float]:
    """Median wall and CPU (user + sys of the child) seconds of ``bandit -r tree``."""
    executable = bandit_executable()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        # Bandit exits 1 when it finds issues: only its timing matters here.
        command = [str(executable), "-r", str(tree), "-q", "-f", "json", "-o", "/dev/null"]
        subprocess.run(command, check=False, stdout=subprocess.DEVNULL)
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(wall), statistics.median(cpu)


def _run_semgrep(executable: Path, tree: Path, report: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + sys of the children) of one offline semgrep scan."""
    command = [
        str(executable),
        "scan",
        "--config",
        str(SEMGREP_RULES),
        "--metrics=off",
        "--disable-version-check",
        "--jobs",
        "1",
        # The tree may be git-ignored (a venv's site-packages) or match Semgrep's default
        # ignore list (tests/): read every file mlgate and Bandit read.
        "--no-git-ignore",
        "--x-ignore-semgrepignore-files",
        "--quiet",
        "--json",
        "--output",
        str(report),
        str(tree.resolve()),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # Semgrep exits 1 when it finds something: only its timing and target list matter.
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def time_semgrep(
    tree: Path, repeat: int
) -> tuple[tuple[float, float], tuple[float, float], int, int]:
    """(wall, cpu) of a cold first run and medians of ``repeat`` warm runs; files and lines read.

    Semgrep picks its own targets (``.pyi`` stubs too): its rate counts the lines of the
    files its report lists as scanned.
    """
    executable = tool_executable(SEMGREP_ENV, SEMGREP, "semgrep")
    with tempfile.TemporaryDirectory() as directory:
        report = Path(directory) / "semgrep.json"
        cold = _run_semgrep(executable, tree, report)
        warm = [_run_semgrep(executable, tree, report) for _ in range(repeat)]
        try:
            scanned = [Path(p) for p in json.loads(report.read_text())["paths"]["scanned"]]
        except (OSError, ValueError, KeyError, TypeError):
            scanned = []  # no report: semgrep failed, and its timing means nothing
    lines = sum(p.read_bytes().count(b"\n") for p in scanned if p.is_file())
    wall = statistics.median(w for w, _ in warm)
    cpu = statistics.median(c for _, c in warm)
    return cold, (wall, cpu), len(scanned), lines


def _rate(label: str, lines: int, wall: float, cpu: float) -> str:
    return (
        f"{label:<8} wall {wall:7.2f} s -> {lines / wall:>9,.0f} lines/s   "
        f"cpu {cpu:7.2f} s -> {lines / cpu:>9,.0f} lines/s per core"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print lines/s, ratios and peak memory."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("tree", nargs="?", default=sysconfig.get_paths()["purelib"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="analyse only the first N files")
    parser.add_argument("--warm", action="store_true", help="also time the result cache")
    parser.add_argument("--with-bandit", action="store_true", help="use benchmarks/.venv-bandit")
    parser.add_argument(
        "--with-semgrep", action="store_true", help="use benchmarks/.venv-semgrep (offline)"
    )
    args = parser.parse_args(argv)
    tree = Path(args.tree)
    files = load_tree(tree, args.limit)
    lines = count_lines(files)
    wall, cpu, findings = time_mlgate(files, args.repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"tree: {tree}  files: {len(files)}  lines: {lines}  repeats: {args.repeat} (medians)")
    print(_rate("mlgate", lines, wall, cpu) + f"   findings: {findings}")
    print(f"mlgate peak RSS: {peak:,.0f} MiB (includes the source bytes the benchmark holds)")
    if args.warm:
        cold, warm, edit, edited = time_cached(files, args.repeat)
        print(f"cached   cold {cold:7.2f} s -> {lines / cold:>9,.0f} lines/s (fills the cache)")
        print(f"cached   warm {warm:7.2f} s -> {lines / warm:>9,.0f} lines/s   {cold / warm:.1f}x")
        print(f"cached   edit of {edited}: {edit:7.2f} s   {cold / edit:.1f}x faster than cold")
    if (args.with_bandit or args.with_semgrep) and args.limit is not None:
        print("bandit/semgrep: skipped (--limit selects files they cannot)")
        return 0
    if args.with_bandit:
        bandit_wall, bandit_cpu = time_bandit(tree, args.repeat)
        print(_rate("bandit", lines, bandit_wall, bandit_cpu))
        print(
            f"ratio mlgate/bandit lines/s: wall {bandit_wall / wall:.2f}x  "
            f"cpu {bandit_cpu / cpu:.2f}x"
        )
    if args.with_semgrep:
        cold_run, warm_run, scanned, read = time_semgrep(tree, args.repeat)
        print(f"semgrep  scanned {scanned} files, {read} lines (mlgate: {len(files)}, {lines})")
        print(_rate("semgrep", read, *cold_run) + "   cold (first run)")
        print(_rate("semgrep", read, *warm_run) + "   warm")
        ours, theirs = lines / wall, read / warm_run[0]
        ours_cpu, theirs_cpu = lines / cpu, read / warm_run[1]
        print(
            f"ratio mlgate/semgrep lines/s (warm): wall {ours / theirs:.2f}x  "
            f"cpu {ours_cpu / theirs_cpu:.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
