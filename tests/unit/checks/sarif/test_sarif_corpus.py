"""The labelled SARIF corpus is mapped with 100 % precision and recall."""

from __future__ import annotations

from pathlib import Path

from corpus.sarif.cases import CASES
from corpus.sarif.score import report, score_all, totals


def test_corpus_precision_and_recall_are_perfect(tmp_path: Path) -> None:
    scores = score_all(tmp_path)
    assert totals(scores) == (1.0, 1.0), "\n".join(report(scores))


def test_corpus_is_substantial_and_has_a_safe_case() -> None:
    assert sum(len(case.expected) for case in CASES) >= 20
    assert any(not case.expected for case in CASES)
    tools = {expected[0].split("/")[0] for case in CASES for expected in case.expected}
    assert {"CodeQL", "Semgrep-OSS", "Bandit", "gitleaks", "Trivy"} <= tools
