"""The labelled corpus meets the goals of issue 5: F1 >= 0.97, artifact recall >= 95 %."""

from __future__ import annotations

from pathlib import Path

from builders.secrets_text_carriers import BUILDERS as TEXT_CARRIERS
from corpus.secrets.format_carriers import ARTIFACT_CARRIERS as FORMAT_ARTIFACTS
from corpus.secrets.format_carriers import BUILDERS as FORMAT_CARRIERS
from corpus.secrets.score import artifact_recall, report, score


def test_corpus_meets_f1_and_artifact_recall_goals(tmp_path: Path) -> None:
    outcome = score(tmp_path)
    lines = "\n".join(report(outcome))
    assert outcome.total.f1 >= 0.97, lines
    assert artifact_recall(outcome) >= 0.95, lines
    assert all(s.f1 >= 0.9 for s in outcome.by_type.values()), lines
    assert outcome.cases >= 1200
    assert set(TEXT_CARRIERS) <= set(outcome.by_carrier), lines
    # Each model format and encoding is scored on its own, every secret type in it.
    for carrier in FORMAT_CARRIERS:
        carried = outcome.by_carrier[carrier]
        assert carried.tp + carried.fn >= 60 and carried.f1 >= 0.9, (carrier, lines)
    assert {"safetensors", "onnx", "gguf", "keras", "tar", "npy"} <= FORMAT_ARTIFACTS
    assert outcome.by_type["SEC027"].tp == 2, lines
    assert outcome.total.tp + outcome.total.fn >= 450
