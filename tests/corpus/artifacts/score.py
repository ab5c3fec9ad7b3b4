"""Score the artifacts corpus: recall and false-positive rate per technique family."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from corpus.artifacts.cases import Case, benign_cases, malicious_cases
from corpus.artifacts.container_cases import container_cases
from corpus.artifacts.format_cases import format_cases
from mlgate.checks.artifacts.check import ArtifactsConfig, scan_file
from mlgate.core.finding import Severity


@dataclass(frozen=True, slots=True)
class FamilyScore:
    """How one family fared: cases, how many were flagged, which were wrong."""

    family: str
    malicious: bool
    total: int
    flagged: int
    wrong: tuple[str, ...]

    @property
    def rate(self) -> float:
        """Recall for payload families, false-positive rate for benign ones."""
        return self.flagged / self.total if self.total else 0.0


def is_flagged(case: Case, workdir: Path) -> bool:
    """Write the case and scan it in-process."""
    folder = workdir / f"{case.family}-{case.name}".replace("/", "_")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / case.filename
    path.write_bytes(case.data)
    settings = ArtifactsConfig().settings()
    scan = scan_file(path, case.filename, settings)
    if scan is None:
        return False
    threshold = Severity.HIGH if case.malicious else Severity.MEDIUM
    return bool(scan.errors) or any(f.severity >= threshold for f in scan.findings)


def score_all(workdir: Path) -> list[FamilyScore]:
    """Scores of every family, payload families first."""
    results: dict[tuple[str, bool], list[tuple[str, bool]]] = defaultdict(list)
    for case in (*malicious_cases(), *benign_cases(), *format_cases(), *container_cases()):
        results[(case.family, case.malicious)].append((case.name, is_flagged(case, workdir)))
    scores = []
    for (family, malicious), outcomes in sorted(
        results.items(), key=lambda item: (not item[0][1], item[0][0])
    ):
        flagged = sum(1 for _, hit in outcomes if hit)
        wrong = tuple(name for name, hit in outcomes if hit != malicious)
        scores.append(FamilyScore(family, malicious, len(outcomes), flagged, wrong))
    return scores


def totals(scores: list[FamilyScore]) -> tuple[float, float]:
    """Overall (recall, false-positive rate)."""
    bad = [s for s in scores if s.malicious]
    good = [s for s in scores if not s.malicious]
    recall = sum(s.flagged for s in bad) / sum(s.total for s in bad)
    false_positives = sum(s.flagged for s in good) / sum(s.total for s in good)
    return recall, false_positives


def report(scores: list[FamilyScore]) -> list[str]:
    """Human lines: one per family, then the totals."""
    lines = []
    for score in scores:
        label = "recall" if score.malicious else "false positives"
        wrong = f"  missed/flagged: {', '.join(score.wrong)}" if score.wrong else ""
        lines.append(
            f"{score.family:24} {score.flagged:3}/{score.total:<3} {label} {score.rate:6.1%}{wrong}"
        )
    recall, false_positives = totals(scores)
    payloads = sum(s.total for s in scores if s.malicious)
    benign = sum(s.total for s in scores if not s.malicious)
    lines.append(
        f"TOTAL recall {recall:.1%} on {payloads} payloads, "
        f"false positives {false_positives:.1%} on {benign} benign files"
    )
    return lines
