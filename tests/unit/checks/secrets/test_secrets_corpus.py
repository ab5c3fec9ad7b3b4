"""The labelled corpus meets the goals of issue 5: F1 >= 0.97, artifact recall >= 95 %."""

from __future__ import annotations

from pathlib import Path

from builders.secrets_text_carriers import BUILDERS as TEXT_CARRIERS
from corpus.secrets.score import artifact_recall, report, score


def test_corpus_meets_f1_and_artifact_recall_goals(tmp_path: Path) -> None:
    outcome = score(tmp_path)
    lines = "\n".join(report(outcome))
    assert outcome.total.f1 >= 0.97, lines
    assert artifact_recall(outcome) >= 0.95, lines
    assert all(s.f1 >= 0.9 for s in outcome.by_type.values()), lines
    assert outcome.cases >= 1200
    assert set(TEXT_CARRIERS) <= set(outcome.by_carrier), lines
    assert outcome.by_type["SEC027"].tp == 2, lines
    assert outcome.total.tp + outcome.total.fn >= 450
