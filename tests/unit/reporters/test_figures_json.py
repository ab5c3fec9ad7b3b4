"""Figure data in the JSON verdict: schema, round trip, limits, and the runner's pipe."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders.figures import drift_histogram, figures, group_bars, reliability, with_figures
from builders.report_schemas import VERDICT_SCHEMA, validate_verdict_json
from mlgate.core import figure as limits
from mlgate.core.check import CheckResult
from mlgate.core.codec import encode
from mlgate.core.errors import InputError
from mlgate.core.figure import Figure, FigureError, Point, Series
from mlgate.core.verdict import CheckVerdict, Outcome
from mlgate.core.worker import read_reply
from mlgate.reporters.json import JsonReporter, load_verdict


def _model_check(document: dict[str, Any]) -> dict[str, Any]:
    check: dict[str, Any] = document["gates"][1]["checks"][0]
    return check


def test_figures_validate_and_round_trip_exactly() -> None:
    verdict = with_figures((group_bars(), reliability(), drift_histogram()))
    data = JsonReporter().render(verdict)
    document = validate_verdict_json(data)
    encoded = _model_check(document)["figures"]
    assert [f["kind"] for f in encoded] == ["bars", "points", "histogram"]
    assert encoded[0]["series"][0]["points"][2] == {
        "label": "X",
        "value": 0.9,
        "x": None,
        "low": 0.4,
        "high": 1.0,
        "n": 5,
        "muted": True,
    }
    assert encoded[0]["guides"] == [{"label": "floor: highest - 0.1", "value": 0.4}]
    assert load_verdict(data) == verdict


def test_non_finite_values_stay_standard_json() -> None:
    point = Point(label="empty group", value=math.nan, low=0.0, high=1.0, n=0)
    figure = replace(group_bars(), series=(Series(name="rate", points=(point,)),))
    data = JsonReporter().render(with_figures((figure,)))
    assert '"value": "NaN"' in data.decode()
    validate_verdict_json(data)
    assert encode(load_verdict(data)) == encode(with_figures((figure,)))


def test_verdicts_written_before_figures_still_load() -> None:
    document = json.loads(JsonReporter().render(with_figures(())))
    for gate in document["gates"]:
        for check in gate["checks"]:
            del check["figures"]
    data = json.dumps(document).encode()
    validate_verdict_json(data)
    assert all(c.figures == () for g in load_verdict(data).gates for c in g.checks)


def test_schema_limits_are_the_code_limits() -> None:
    schema = json.loads(VERDICT_SCHEMA.read_text(encoding="utf-8"))
    defs = schema["$defs"]
    assert defs["check"]["properties"]["figures"]["maxItems"] == limits.MAX_FIGURES
    assert defs["figure"]["properties"]["series"]["maxItems"] == limits.MAX_SERIES
    assert defs["figure"]["properties"]["guides"]["maxItems"] == limits.MAX_GUIDES
    assert defs["series"]["properties"]["points"]["maxItems"] == limits.MAX_POINTS
    assert defs["point"]["properties"]["label"]["maxLength"] == limits.MAX_LABEL
    assert defs["figure"]["properties"]["title"]["maxLength"] == limits.MAX_TEXT
    assert defs["figure"]["properties"]["kind"]["enum"] == [k.value for k in limits.FigureKind]


def _oversized(document: dict[str, Any]) -> None:
    points = _model_check(document)["figures"][0]["series"][0]["points"]
    points.extend([points[0]] * (limits.MAX_POINTS + 1 - len(points)))


def _too_many_figures(document: dict[str, Any]) -> None:
    figures_list = _model_check(document)["figures"]
    figures_list.extend([figures_list[0]] * limits.MAX_FIGURES)


def _points_without_x(document: dict[str, Any]) -> None:
    _model_check(document)["figures"][0]["kind"] = "points"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_oversized, "has 101 points (limit 100)"),
        (_too_many_figures, "121 figures in one check result (limit 120)"),
        (_points_without_x, "every point of a points figure needs a finite x"),
    ],
)
def test_hostile_documents_are_refused(edit: Any, message: str) -> None:
    document = json.loads(JsonReporter().render(with_figures((group_bars(),))))
    edit(document)
    data = json.dumps(document).encode()
    if edit is not _points_without_x:  # the schema cannot see that x is missing per kind
        with pytest.raises(jsonschema.ValidationError):
            validate_verdict_json(data)
    with pytest.raises(InputError, match=re.escape(message)):
        load_verdict(data)


def test_a_check_result_carries_figures_through_the_runner_pipe() -> None:
    result = CheckResult(inputs=1, figures=(reliability(), drift_histogram()))
    reply = json.dumps({"result": encode(result)}).encode()
    assert read_reply(reply) == result


def test_a_child_reply_with_broken_figures_is_an_error_not_a_result() -> None:
    encoded = encode(CheckResult(inputs=1, figures=(group_bars(),)))
    encoded["figures"][0]["series"] = []
    reply = read_reply(json.dumps({"result": encoded}).encode())
    assert reply == "returned an unreadable result: a figure needs 1 to 4 series, got 0"


def test_counts_are_bounded_on_results_and_verdicts() -> None:
    many = (group_bars(),) * (limits.MAX_FIGURES + 1)
    with pytest.raises(FigureError):
        CheckResult(figures=many)
    with pytest.raises(FigureError):
        CheckVerdict(check_id="model", outcome=Outcome.PASS, duration_seconds=0.0, figures=many)


@settings(max_examples=50, deadline=None)
@given(st.lists(figures, max_size=3).map(tuple))
def test_any_figures_validate_and_round_trip(drawn: tuple[Figure, ...]) -> None:
    verdict = with_figures(drawn)
    data = JsonReporter().render(verdict)
    validate_verdict_json(data)
    assert encode(load_verdict(data)) == encode(verdict)
