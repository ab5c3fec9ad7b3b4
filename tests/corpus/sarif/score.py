"""Precision and recall of the ``sarif`` check's mapping over the labelled corpus.

Run from the repository root::

    PYTHONPATH=tests .venv/bin/python -m corpus.sarif.score

It prints one line per case and the totals, and exits 1 unless both are 100 %.
A finding matches an expected one only if rule id, path, line, severity and CWEs
all agree, so a wrong severity counts as one false positive and one false negative.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from corpus.sarif.cases import CASES, Case, Expected
from mlgate.checks.sarif import SarifCheck, SarifConfig
from mlgate.core.check import CheckContext
from mlgate.core.finding import location_line


@dataclass(frozen=True)
class CaseScore:
    """Matches, spurious and missed findings of one case."""

    name: str
    true_positives: int
    false_positives: frozenset[Expected]
    false_negatives: frozenset[Expected]


def observed(root: Path) -> frozenset[Expected]:
    """Run the check with its default config over ``root`` and key its findings."""
    context = CheckContext(root=root, gate="corpus", today=date(2026, 1, 1))
    result = SarifCheck().run(context, SarifConfig())
    if result.errors:
        raise AssertionError(f"corpus case produced errors: {result.errors}")
    return frozenset(
        (f.rule_id, f.location.path or "", location_line(f.location), f.severity.label, f.cwe)
        for f in result.findings
    )


def score_case(case: Case, root: Path) -> CaseScore:
    """Lay the case out under ``root`` (an empty directory) and compare."""
    case.build(root)
    found = observed(root)
    return CaseScore(
        name=case.name,
        true_positives=len(found & case.expected),
        false_positives=found - case.expected,
        false_negatives=case.expected - found,
    )


def score_all(workdir: Path) -> list[CaseScore]:
    """Score every case, each in its own directory under ``workdir``."""
    return [score_case(case, _fresh(workdir / case.name)) for case in CASES]


def _fresh(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def totals(scores: list[CaseScore]) -> tuple[float, float]:
    """Overall (precision, recall); 1.0 when there is nothing to find and nothing found."""
    tp = sum(s.true_positives for s in scores)
    fp = sum(len(s.false_positives) for s in scores)
    fn = sum(len(s.false_negatives) for s in scores)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


def report(scores: list[CaseScore]) -> list[str]:
    """The per-case table, every mismatch, and the totals, as lines."""
    lines: list[str] = []
    for s in scores:
        lines.append(
            f"{s.name:24} tp={s.true_positives:3} fp={len(s.false_positives):3} "
            f"fn={len(s.false_negatives):3}"
        )
        lines.extend(f"    unexpected {item}" for item in sorted(s.false_positives, key=repr))
        lines.extend(f"    missed     {item}" for item in sorted(s.false_negatives, key=repr))
    precision, recall = totals(scores)
    lines.append(f"precision {precision:.1%}  recall {recall:.1%}  over {len(scores)} cases")
    return lines


def main() -> int:
    """Write the report to stdout; exit 0 only at 100 % precision and recall."""
    with tempfile.TemporaryDirectory() as workdir:
        scores = score_all(Path(workdir))
    sys.stdout.write("\n".join(report(scores)) + "\n")
    precision, recall = totals(scores)
    return 0 if precision == recall == 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
