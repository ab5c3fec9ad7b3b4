"""The labelled corpus meets the goals of issue 4: recall >= 99 %, false positives <= 2 %."""

from __future__ import annotations

from pathlib import Path

from corpus.artifacts.score import report, score_all, totals


def test_corpus_meets_recall_and_false_positive_goals(tmp_path: Path) -> None:
    scores = score_all(tmp_path)
    recall, false_positives = totals(scores)
    assert recall >= 0.99 and false_positives <= 0.02, "\n".join(report(scores))
    assert all(s.rate == 1.0 for s in scores if s.malicious), "\n".join(report(scores))


def test_corpus_covers_every_family_with_payloads_and_benign_files(tmp_path: Path) -> None:
    scores = score_all(tmp_path)
    assert sum(s.total for s in scores if s.malicious) >= 150
    assert sum(s.total for s in scores if not s.malicious) >= 60
