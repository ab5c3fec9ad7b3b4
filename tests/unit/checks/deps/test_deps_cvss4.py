"""CVSS v4.0 base scores against scores published with the vectors, and robustness.

Each expected score is the one the vector's publisher printed next to it: CISA ICS
advisories ("A CVSS v4 score has also been calculated for CVE-...") and FIRST's CVSS v4.0
examples (log4shell). Together they cover EQ1 levels 0-2, both EQ2 levels, EQ3 levels
0-2 and EQ4 levels 1-2, with and without interpolation inside the MacroVector.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders.osv import Rec, write_db_dir
from mlgate.checks.deps.osv.cvss import CvssError
from mlgate.checks.deps.osv.cvss4 import base_score_v4, macrovector, parse_vector_v4
from mlgate.checks.deps.osv.cvss4_tables import MACROVECTOR_SCORES
from mlgate.checks.deps.osv.database import load_database
from mlgate.checks.deps.osv.severity import rate
from mlgate.core.finding import Severity

PUBLISHED = [
    # (published by, vector without the CVSS:4.0 prefix, score)
    ("CVE-2025-54923", "AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.7),
    ("CVE-2024-12677", "AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5),
    ("CVE-2024-12834", "AV:L/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.4),
    ("CVE-2025-0960", "AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3),
    ("CVE-2025-2230", "AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N", 8.5),
    ("CVE-2024-47100", "AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:H/VA:H/SC:N/SI:N/SA:N", 7.2),
    ("CVE-2024-11425", "AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 8.7),
    ("CVE-2025-23396", "AV:L/AC:H/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.3),
    ("CVE-2025-1060", "AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", 8.7),
    ("FIRST CVE-2021-44228", "AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0),
]  # fmt: skip


@pytest.mark.parametrize(("source", "vector", "score"), PUBLISHED)
def test_base_score_matches_the_published_score(source: str, vector: str, score: float) -> None:
    assert base_score_v4(f"CVSS:4.0/{vector}") == score, source


def test_threat_and_environmental_metrics_do_not_change_the_base_score() -> None:
    vector = "CVSS:4.0/" + PUBLISHED[3][1]
    assert base_score_v4(vector + "/E:U/CR:L/MAV:P/MSI:S/S:P/U:Red") == 9.3


def test_macrovector_of_a_published_vector() -> None:
    metrics = parse_vector_v4("CVSS:4.0/" + PUBLISHED[1][1])
    assert macrovector(metrics) == (1, 0, 0, 2, 0, 0)
    assert len(MACROVECTOR_SCORES) == 270


def test_no_impact_scores_zero() -> None:
    assert base_score_v4("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N") == 0.0


@pytest.mark.parametrize(
    "vector",
    [
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:HL/VI:H/VA:H/SC:N/SI:N/SA:N",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N",
        "CVSS:4.0/AV:N/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/ZZ:1",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:",
    ],
)
def test_bad_vectors_are_refused(vector: str) -> None:
    with pytest.raises(CvssError):
        base_score_v4(vector)


VALUES = {
    "AV": "NALP", "AC": "LH", "AT": "NP", "PR": "NLH", "UI": "NPA", "VC": "HLN", "VI": "HLN",
    "VA": "HLN", "SC": "HLN", "SI": "HLN", "SA": "HLN",
}  # fmt: skip


@given(st.fixed_dictionaries({k: st.sampled_from(v) for k, v in VALUES.items()}))
def test_every_base_vector_scores_one_decimal_within_its_macrovector(
    values: dict[str, str],
) -> None:
    vector = "CVSS:4.0/" + "/".join(f"{k}:{v}" for k, v in values.items())
    score = base_score_v4(vector)
    assert 0.0 <= score <= 10.0
    assert round(score, 1) == score
    impact = any(values[k] != "N" for k in ("VC", "VI", "VA", "SC", "SI", "SA"))
    if impact:
        eqs = macrovector(parse_vector_v4(vector))
        # Interpolation only moves a vector down from its MacroVector's score.
        assert score <= MACROVECTOR_SCORES["".join(map(str, eqs))]
    else:
        assert score == 0.0


@given(st.text(max_size=120))
def test_arbitrary_text_is_refused_or_scored(text: str) -> None:
    with contextlib.suppress(CvssError):
        assert 0.0 <= base_score_v4(text) <= 10.0


def test_v4_vectors_rate_advisories(tmp_path: Path) -> None:
    vector = "CVSS:4.0/" + PUBLISHED[7][1]
    database = load_database(
        write_db_dir(tmp_path / "db", [Rec(id="GHSA-1", package="a", cvss=vector)])
    )
    (advisory,) = database.for_package("a")
    rated = rate(advisory)
    assert rated is not None
    assert (rated.severity, rated.basis) == (Severity.HIGH, "CVSS:4.0 7.3")
