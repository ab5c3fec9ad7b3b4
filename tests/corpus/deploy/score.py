"""Precision and recall of the deploy check's rate-limit proof over the labelled corpus.

Run from the repository root::

    .venv/bin/python scripts/deploy_accuracy.py

A finding matches only with the same rule id, path and line. Only ``RL001`` is
scored: corpus manifests are minimal, so hardening rules fire on them by design.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from builders.manifests import marked_lines, write_tree
from corpus.deploy.cases import CASES, Case
from mlgate.checks.deploy import DeployCheck, DeployConfig
from mlgate.core.check import CheckContext
from mlgate.core.finding import location_line

RULE = "RL001"
Key = tuple[str, int]


@dataclass(frozen=True)
class CaseScore:
    """Matches, spurious and missed findings of one case."""

    name: str
    label: str
    true_positives: int
    false_positives: frozenset[Key]
    false_negatives: frozenset[Key]


def observed(root: Path) -> frozenset[Key]:
    """``(path, line)`` of every RL001 finding over ``root``."""
    context = CheckContext(root=root, gate="corpus", today=date(2026, 1, 1))
    result = DeployCheck().run(context, DeployConfig())
    if result.errors:
        raise AssertionError(f"corpus case produced errors: {result.errors}")
    return frozenset(
        (f.location.path or "", location_line(f.location) or 0)
        for f in result.findings
        if f.rule_id == RULE
    )


def score_case(case: Case, root: Path) -> CaseScore:
    """Lay the case out under ``root`` (an empty directory) and compare."""
    write_tree(root, case.files)
    expected, found = marked_lines(case.files, RULE), observed(root)
    return CaseScore(
        name=case.name,
        label=case.label,
        true_positives=len(found & expected),
        false_positives=found - expected,
        false_negatives=expected - found,
    )


def score_all(workdir: Path) -> list[CaseScore]:
    """Score every case, each in its own directory under ``workdir``."""
    scores = []
    for case in CASES:
        root = workdir / case.name
        root.mkdir(parents=True)
        scores.append(score_case(case, root))
    return scores


def totals(scores: list[CaseScore]) -> tuple[float, float]:
    """Overall (precision, recall); 1.0 when there is nothing to find and nothing found."""
    tp = sum(s.true_positives for s in scores)
    fp = sum(len(s.false_positives) for s in scores)
    fn = sum(len(s.false_negatives) for s in scores)
    return (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0)


def report(scores: list[CaseScore]) -> list[str]:
    """The per-case table, every mismatch, and the totals, as lines."""
    lines: list[str] = []
    for s in scores:
        lines.append(
            f"{s.name:40} {s.label:9} tp={s.true_positives:2} "
            f"fp={len(s.false_positives):2} fn={len(s.false_negatives):2}"
        )
        lines.extend(f"    unexpected {item}" for item in sorted(s.false_positives))
        lines.extend(f"    missed     {item}" for item in sorted(s.false_negatives))
    precision, recall = totals(scores)
    counts = {
        label: sum(s.label == label for s in scores) for label in ("limited", "unlimited", "trap")
    }
    lines.append(
        f"precision {precision:.1%}  recall {recall:.1%}  over {len(scores)} cases "
        f"({', '.join(f'{n} {label}' for label, n in counts.items())})"
    )
    return lines
