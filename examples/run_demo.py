"""`make demo`: run the gates on the bundled example project and explain the outcome.

The example project carries planted flaws: an SQL injection and a vulnerable pin in its
API (pre-merge), a poisoned model pickle, a token in a notebook and an unthrottled,
root-running model server (pre-deploy, the first two generated here), and a retrained
churn model that is worse, biased against women, flips many of the champion's decisions,
is miscalibrated and reads `sex`, trained on an unapproved dataset (post-train, its data
generated here). Every gate is expected to block; the demo succeeds when mlgate reaches
exactly that verdict.

The explanation at the end is read from the JSON verdict mlgate wrote, never from a list
kept here, so it stays true when the policy or the checks change.

Usage: ``python examples/run_demo.py [PROJECT_DIR]`` (default: examples/demo-project).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

from demo_assets import write_assets, write_churn_data, write_supply_chain_assets

from mlgate.core.plugins import reporter_registry
from mlgate.core.policy.load import load_policy
from mlgate.core.verdict import GateVerdict, Outcome, Verdict
from mlgate.reporters.compact import Cause, CauseKind, gate_causes
from mlgate.reporters.escaping import one_line, shorten
from mlgate.reporters.json import load_verdict
from mlgate.reporters.summary import gate_status, plural

PROJECT = Path(__file__).resolve().parent / "demo-project"
MLGATE = Path(sys.executable).with_name("mlgate")
COMMAND = ("run", "--summary")
EXPECTED_EXIT = 1  # blocked: the planted flaws must not ship
WIDTH = 100
MAX_DETAIL = 160  # about two lines: the compact view and the full report say the rest


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when inside it, as a user would type it."""
    return path.relative_to(Path.cwd()).as_posix() if path.is_relative_to(Path.cwd()) else str(path)


def _report_paths(project: Path) -> dict[str, Path]:
    """Where `mlgate run --summary` writes each report: the policy's formats and the full one."""
    policy = load_policy(project / "mlgate.yaml")
    formats = dict.fromkeys([*policy.report_formats, "terminal"])
    registry = reporter_registry()
    return {f: policy.report_directory / registry.load(f).default_filename for f in formats}


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(
        one_line(text),
        width=WIDTH,
        initial_indent="  - ",
        subsequent_indent="    ",
        break_on_hyphens=False,
    )


def _finding_text(cause: Cause) -> str:
    where = cause.where or "?"
    place = where if cause.count == 1 else f"{cause.count} places, first {where}"
    return f"{cause.title()} ({place}): {shorten(cause.detail, MAX_DETAIL)}"


def _metric_lines(causes: list[Cause]) -> Iterator[str]:
    """One line per metric family (``fairness``, ``stability``, ``calibration``...).

    A family's first failing metric is told in its own words (its description); the
    rest are counted, since the compact view above already lists each by name.
    """
    families: dict[str, list[Cause]] = {}
    for cause in causes:
        families.setdefault(cause.name.split(".")[0], []).append(cause)
    for family, members in families.items():
        first = members[0]
        words = first.explanation or f"{first.name} {first.detail}"
        others = plural(len(members) - 1, f"more {family} metric")
        more = f" (and {others})" if len(members) > 1 else ""
        yield from _wrapped(f"{family}, {plural(len(members), 'failing metric')}: {words}{more}")


def _gate_lines(gate: GateVerdict) -> Iterator[str]:
    causes = gate_causes(gate)
    yield f"{gate.name}: {gate_status(gate)}"
    for cause in causes:
        if cause.kind is CauseKind.ERROR:
            yield from _wrapped(f"ERROR in {cause.name}: {cause.detail}")
        elif cause.kind is CauseKind.FINDING:
            yield from _wrapped(_finding_text(cause))
    yield from _metric_lines([c for c in causes if c.kind is CauseKind.METRIC])


def explain(verdict: Verdict) -> list[str]:
    """What each gate decided and why, in a few lines per gate, from the verdict alone."""
    lines: list[str] = []
    for gate in verdict.gates:
        lines.extend(_gate_lines(gate))
    return lines


def main(argv: list[str]) -> int:
    """Run `mlgate run --summary` in the demo project; 0 when every gate blocked as planned."""
    project = Path(argv[0]).resolve() if argv else PROJECT
    generated = write_assets(project) + write_churn_data(project)
    generated += write_supply_chain_assets(project)
    folders = sorted({p.relative_to(project).parts[0] + "/" for p in generated})
    print(f"demo: generated {len(generated)} planted inputs in {', '.join(folders)}")
    print(f"$ cd {_shown(project)}")
    print(f"$ mlgate {' '.join(COMMAND)}\n", flush=True)
    completed = subprocess.run([str(MLGATE), *COMMAND], cwd=project, check=False)
    print()
    reports = _report_paths(project)
    if completed.returncode != EXPECTED_EXIT or "json" not in reports:
        print(f"demo: unexpected exit code {completed.returncode} (expected {EXPECTED_EXIT})")
        return 1
    verdict = load_verdict(reports["json"].read_bytes())
    unexpected = [g.name for g in verdict.gates if g.outcome is not Outcome.BLOCK]
    if unexpected:
        print(f"demo: these gates should have blocked: {', '.join(unexpected)}")
        return 1
    print(
        f"demo: mlgate blocked (exit code {completed.returncode}), as it should. "
        f"Why, read from {_shown(reports['json'])}:"
    )
    print("\n".join(explain(verdict)))
    print(
        "demo: the full report, with a fix and a waiver snippet for each block: "
        + _shown(reports["terminal"])
    )
    if "html" in reports:
        print(f"demo: the same with pictures, best in a browser: {_shown(reports['html'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
