"""CVSS v3.x base scores against published vectors' known scores, and robustness."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlgate.checks.deps.osv.cvss import CvssError, base_score_v3, severity_of_score
from mlgate.core.finding import Severity

# Scores as NVD publishes them for these vectors (e.g. CVE-2021-44228 is 10.0).
KNOWN = [
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
    ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8),
    ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8),
    ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 6.5),
    ("CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 5.4),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N", 9.1),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:L/A:N", 4.3),
    ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
]


@pytest.mark.parametrize(("vector", "score"), KNOWN)
def test_base_score_matches_published_score(vector: str, score: float) -> None:
    assert base_score_v3(vector) == score


def test_temporal_metrics_do_not_change_the_base_score() -> None:
    assert base_score_v3(KNOWN[0][0] + "/E:P/RL:O/RC:C") == 9.8


@pytest.mark.parametrize(
    "vector",
    [
        "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
        "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:Q/C:H/I:H/A:H",
    ],
)
def test_bad_vectors_are_refused(vector: str) -> None:
    with pytest.raises(CvssError):
        base_score_v3(vector)


def test_ratings_follow_the_specification_table() -> None:
    assert [severity_of_score(s) for s in (0.0, 0.1, 3.9, 4.0, 6.9, 7.0, 8.9, 9.0, 10.0)] == [
        Severity.INFO, Severity.LOW, Severity.LOW, Severity.MEDIUM, Severity.MEDIUM,
        Severity.HIGH, Severity.HIGH, Severity.CRITICAL, Severity.CRITICAL,
    ]  # fmt: skip


METRICS = {
    "AV": "NALP", "AC": "LH", "PR": "NLH", "UI": "NR", "S": "UC", "C": "HLN", "I": "HLN",
    "A": "HLN",
}  # fmt: skip


@given(st.fixed_dictionaries({k: st.sampled_from(v) for k, v in METRICS.items()}))
def test_every_valid_vector_scores_one_decimal_in_range(values: dict[str, str]) -> None:
    vector = "CVSS:3.1/" + "/".join(f"{k}:{v}" for k, v in values.items())
    score = base_score_v3(vector)
    assert 0.0 <= score <= 10.0
    assert round(score, 1) == score
    no_impact = all(values[k] == "N" for k in "CIA")
    assert (score == 0.0) == no_impact


@given(st.text(max_size=80))
def test_arbitrary_text_raises_only_cvss_error(text: str) -> None:
    with contextlib.suppress(CvssError):
        base_score_v3(text)
