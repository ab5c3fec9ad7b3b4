from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlgate.core.check import CheckResult
from mlgate.core.codec import DecodeError, decode, encode
from mlgate.core.finding import (
    ArtifactLocation,
    DatasetLocation,
    Finding,
    FlowStep,
    Severity,
    SkippedInput,
    SourceLocation,
)
from mlgate.core.metric import Comparison, ConfidenceInterval, Metric
from mlgate.core.rule import Rule

text = st.text(max_size=20)
maybe_int = st.none() | st.integers(1, 10_000)
source = st.builds(
    SourceLocation,
    path=text,
    start_line=maybe_int,
    start_column=maybe_int,
    end_line=maybe_int,
    end_column=maybe_int,
    snippet=st.none() | text,
)
location = (
    source
    | st.builds(
        ArtifactLocation, path=text, member=st.none() | text, offset=st.none() | st.integers(0)
    )
    | st.builds(DatasetLocation, dataset_id=text, path=st.none() | text, column=st.none() | text)
)
findings = st.builds(
    Finding,
    rule_id=text,
    severity=st.sampled_from(list(Severity)),
    message=text,
    location=location,
    fingerprint=text,
    cwe=st.lists(st.integers(1, 2000), max_size=3).map(tuple),
    evidence=st.none() | text,
    remediation=st.none() | text,
    flow=st.lists(st.builds(FlowStep, location=source, message=text), max_size=3).map(tuple),
    tags=st.lists(text, max_size=2).map(tuple),
    properties=st.lists(st.tuples(text, text), max_size=2).map(tuple),
)
finite = st.floats(allow_nan=False, allow_infinity=False)
metrics = st.builds(
    Metric,
    name=text,
    value=finite,
    threshold=st.none() | finite,
    comparison=st.sampled_from(list(Comparison)),
    ci=st.none() | st.builds(ConfidenceInterval, low=finite, high=finite, level=finite),
    n=maybe_int,
    decide_on=st.sampled_from(["value", "ci_low", "ci_high"]),
)
rules = st.builds(
    Rule,
    id=text,
    slug=text,
    severity=st.sampled_from(list(Severity)),
    summary=text,
    remediation=text,
    cwe=st.lists(st.integers(1, 2000), max_size=2).map(tuple),
    external_ids=st.lists(st.tuples(text, text), max_size=2).map(tuple),
)
results = st.builds(
    CheckResult,
    findings=st.lists(findings, max_size=4).map(tuple),
    metrics=st.lists(metrics, max_size=3).map(tuple),
    skipped=st.lists(st.builds(SkippedInput, path=text, reason=text), max_size=2).map(tuple),
    errors=st.lists(text, max_size=2).map(tuple),
    inputs=st.integers(0, 100),
    rules=st.lists(rules, max_size=2).map(tuple),
)


@given(results)
def test_check_results_survive_a_json_round_trip(result: CheckResult) -> None:
    wire = json.loads(json.dumps(encode(result)))
    assert decode(wire, CheckResult) == result


def test_severity_and_location_kind_are_readable() -> None:
    finding = Finding(
        rule_id="R",
        severity=Severity.CRITICAL,
        message="m",
        location=ArtifactLocation(path="model.pt", member="archive/data.pkl", offset=12),
        fingerprint="f",
    )
    data = encode(finding)
    assert data["severity"] == "critical"
    assert data["location"] == {
        "kind": "artifact",
        "path": "model.pt",
        "member": "archive/data.pkl",
        "offset": 12,
    }


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"findings": "nope"},
        {"findings": [{"rule_id": "R"}]},
        {"inputs": True},
        {
            "findings": [
                {
                    "rule_id": "R",
                    "severity": "severe",
                    "message": "m",
                    "fingerprint": "f",
                    "location": {"kind": "source", "path": "p"},
                }
            ]
        },
        {
            "findings": [
                {
                    "rule_id": "R",
                    "severity": "low",
                    "message": "m",
                    "fingerprint": "f",
                    "location": {"kind": "moon"},
                }
            ]
        },
        {"metrics": [{"name": "m", "value": "high"}]},
        {"metrics": [{"name": "m", "value": 1.0, "decide_on": "median"}]},
    ],
)
def test_malformed_documents_raise_decode_error(document: Any) -> None:
    with pytest.raises(DecodeError):
        decode(document, CheckResult)
