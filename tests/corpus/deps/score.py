"""Precision and recall of the ``deps`` check over the labelled corpus.

Run from the repository root::

    PYTHONPATH=tests .venv/bin/python scripts/deps_accuracy.py

A finding matches an expected one only if rule id, path, line and advisory all agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from builders.osv import write_db_dir
from corpus.deps.cases import ADVISORIES, CASES, Case, Expected
from mlgate.checks.deps import DepsCheck, DepsConfig
from mlgate.core.check import CheckContext
from mlgate.core.finding import location_line


@dataclass(frozen=True)
class CaseScore:
    """Matches, spurious and missed findings of one case."""

    name: str
    true_positives: int
    false_positives: frozenset[Expected]
    false_negatives: frozenset[Expected]


def observed(root: Path, database: Path) -> frozenset[Expected]:
    """Run the check over ``root`` against ``database`` and key its findings."""
    context = CheckContext(root=root, gate="corpus", today=date(2026, 1, 1))
    result = DepsCheck().run(context, DepsConfig(advisories=str(database)))
    if result.errors:
        raise AssertionError(f"corpus case produced errors: {result.errors}")
    return frozenset(
        (f.rule_id, f.location.path or "", location_line(f.location),
         dict(f.properties).get("advisory", ""))
        for f in result.findings
    )  # fmt: skip


def score_case(case: Case, root: Path, database: Path) -> CaseScore:
    """Lay the case out under ``root`` (an empty directory) and compare."""
    case.build(root)
    found = observed(root, database)
    return CaseScore(
        name=case.name,
        true_positives=len(found & case.expected),
        false_positives=found - case.expected,
        false_negatives=case.expected - found,
    )


def score_all(workdir: Path) -> list[CaseScore]:
    """Generate the database, then score every case in its own directory."""
    database = write_db_dir(workdir / "osv", ADVISORIES)
    scores = []
    for case in CASES:
        root = workdir / "cases" / case.name
        root.mkdir(parents=True)
        scores.append(score_case(case, root, database))
    return scores


def totals(scores: list[CaseScore]) -> tuple[float, float]:
    """Overall (precision, recall); 1.0 when there is nothing to find and nothing found."""
    tp = sum(s.true_positives for s in scores)
    fp = sum(len(s.false_positives) for s in scores)
    fn = sum(len(s.false_negatives) for s in scores)
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def report(scores: list[CaseScore]) -> list[str]:
    """The per-case table, every mismatch, and the totals, as lines."""
    lines: list[str] = []
    for s in scores:
        lines.append(
            f"{s.name:30} tp={s.true_positives:2} fp={len(s.false_positives):2} "
            f"fn={len(s.false_negatives):2}"
        )
        lines.extend(f"    unexpected {item}" for item in sorted(s.false_positives, key=repr))
        lines.extend(f"    missed     {item}" for item in sorted(s.false_negatives, key=repr))
    precision, recall = totals(scores)
    lines.append(f"precision {precision:.1%}  recall {recall:.1%}  over {len(scores)} cases")
    return lines
