from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders.report_schemas import validate_verdict_json
from builders.verdicts import many_findings_verdict, realistic_verdict, verdicts
from mlgate.core.codec import encode
from mlgate.core.errors import InputError
from mlgate.core.metric import Metric
from mlgate.core.verdict import JudgedMetric, Verdict
from mlgate.reporters.json import SCHEMA_ID, JsonReporter, load_verdict


def test_document_is_versioned_and_carries_the_outcome() -> None:
    document = validate_verdict_json(JsonReporter().render(realistic_verdict()))
    assert document["schema"] == "mlgate.verdict/v1" == SCHEMA_ID
    assert document["outcome"] == "error"
    assert [gate["name"] for gate in document["gates"]] == ["pre-merge", "post-train"]
    sqli = document["gates"][0]["checks"][0]["findings"][0]
    assert sqli["disposition"] == "blocking"
    assert sqli["finding"]["location"] == {
        "kind": "source",
        "path": "app/db.py",
        "start_line": 42,
        "start_column": 9,
        "end_line": 42,
        "end_column": 61,
        "snippet": None,
    }


def test_realistic_verdict_round_trips_exactly() -> None:
    verdict = realistic_verdict()
    assert load_verdict(JsonReporter().render(verdict)) == verdict


def test_several_gates_and_many_findings_round_trip() -> None:
    verdict = many_findings_verdict(50)
    merged = replace(verdict, gates=verdict.gates + realistic_verdict().gates)
    assert load_verdict(JsonReporter().render(merged)) == merged


def test_non_finite_metrics_stay_standard_json() -> None:
    metric = Metric(name="ratio", value=float("nan"), threshold=float("inf"))
    base = realistic_verdict()
    model = replace(
        base.gates[1].checks[0], metrics=(JudgedMetric(metric=metric, acceptable=False),)
    )
    gate = replace(base.gates[1], checks=(model,))
    verdict = replace(base, gates=(base.gates[0], gate))
    data = JsonReporter().render(verdict)
    text = data.decode()
    assert '"value": "NaN"' in text
    assert '"threshold": "Infinity"' in text
    json.loads(data, parse_constant=lambda name: pytest.fail(f"non-standard JSON {name}"))
    validate_verdict_json(data)
    assert encode(load_verdict(data)) == encode(verdict)


@settings(max_examples=60, deadline=None)
@given(verdicts)
def test_every_verdict_validates_and_round_trips(verdict: Verdict) -> None:
    data = JsonReporter().render(verdict)
    validate_verdict_json(data)
    # NaN != NaN, so compare the encoded forms (which spell NaN the same way).
    assert encode(load_verdict(data)) == encode(verdict)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe", "verdict is not UTF-8 text (byte 0)"),
        (b"{", "verdict is not valid JSON: Expecting property name enclosed in double quotes"),
        (b"[]", "verdict JSON must be an object"),
        (b'{"schema": "mlgate.verdict/v0"}', "verdict schema is 'mlgate.verdict/v0'"),
        (b"{}", "verdict schema is None"),
        (
            b'{"schema": "mlgate.verdict/v1", "gates": 3, "tool_version": "1", "created_at": ""}',
            "not a valid mlgate verdict: expected a list, got int",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "verdict JSON is nested too deeply"),
    ],
)
def test_invalid_input_is_one_clear_input_error(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load_verdict(data)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_an_edited_outcome_is_rejected() -> None:
    document = json.loads(JsonReporter().render(realistic_verdict()))
    document["outcome"] = "pass"
    with pytest.raises(InputError, match="verdict outcome 'pass' disagrees with its gates"):
        load_verdict(json.dumps(document).encode())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["gates", "tool_version", "created_at", "root"]), json_values)
)
def test_hostile_documents_raise_only_input_errors(fields: dict[str, object]) -> None:
    document = {"schema": SCHEMA_ID, "outcome": "pass", **fields}
    try:
        load_verdict(json.dumps(document).encode())
    except InputError as error:
        assert "\n" not in str(error)
