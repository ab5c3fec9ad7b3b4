"""Charts in the HTML report: placement, accessibility, escaping, and a real model gate."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from builders.churn import churn_table, write_parquet
from builders.figures import drift_histogram, figures, group_bars, reliability, with_figures
from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.core.check import CheckConfig, CheckContext
from mlgate.core.decision import CheckRun, DecisionInputs, decide
from mlgate.core.figure import Figure
from mlgate.core.gate import GatePlan, PlannedCheck
from mlgate.core.verdict import Verdict
from mlgate.reporters.html import HtmlReporter
from mlgate.reporters.json import JsonReporter, load_verdict

SVG = "{http://www.w3.org/2000/svg}"


def _page(verdict: Verdict) -> str:
    return HtmlReporter().render(verdict).decode("utf-8")


def _charts(page: str) -> list[ET.Element]:
    # Parsing our own output in a test; each chart must be well-formed XML on its own.
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    return [ET.fromstring(svg) for svg in svgs]  # noqa: S314


def test_figures_are_grouped_by_section_with_captions_and_data() -> None:
    page = _page(with_figures((group_bars(), drift_histogram(), reliability())))
    headings = re.findall(r"<h3>([^<]*) \(<code>model</code>\)</h3>", page)
    assert headings == ["Fairness", "Drift", "Calibration"]
    # Pictures come before the long metrics table, after the findings.
    assert (
        page.index("<h3>Findings</h3>")
        < page.index("<h3>Fairness")
        < page.index("<h3>Metrics</h3>", page.index("post-train"))
    )
    assert (
        "<figcaption>Selection rate differs by 0.25 between F and M; threshold 0.1.</figcaption>"
        in page
    )
    assert "<td>selection rate</td><td>X</td><td>0.9</td><td>0.4 to 1</td><td></td>" in page
    assert "<td>5</td><td>no</td>" in page
    charts = _charts(page)
    assert [c.get("id") for c in charts] == ["fig-1-0-0", "fig-1-0-1", "fig-1-0-2"]
    assert all(c.get("role") == "img" for c in charts)


def test_chart_ids_are_unique_across_gates_and_checks() -> None:
    verdict = with_figures((group_bars(), reliability()))
    first, second = verdict.gates
    sast = replace(first.checks[0], figures=(drift_histogram(),))
    verdict = replace(verdict, gates=(replace(first, checks=(sast, *first.checks[1:])), second))
    page = _page(verdict)
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)) == 9  # three charts, each with its title and desc ids
    assert "fig-0-0-0" in ids and "fig-1-0-1" in ids


def test_page_with_charts_stays_self_contained() -> None:
    page = _page(with_figures((group_bars(), reliability(), drift_histogram())))
    assert "<script" not in page
    assert not re.search(r"(src|href)=", page)
    assert "default-src 'none'" in page


@settings(max_examples=40, deadline=None)
@given(st.lists(figures, min_size=1, max_size=3).map(tuple))
def test_no_figure_text_ever_becomes_markup(drawn: tuple[Figure, ...]) -> None:
    page = _page(with_figures(drawn))
    assert "<script" not in page.lower()
    assert not re.search(r"\son\w+=", page)
    assert len(_charts(page)) == len(drawn)


def _model_gate(root: Path) -> Verdict:
    holdout = churn_table(rows=3000, seed=11, candidate="biased", drift="covariate")
    write_parquet(holdout, root / "data" / "holdout.parquet")
    write_parquet(churn_table(rows=3000, seed=12), root / "reference" / "train.parquet")
    config = ModelConfig(
        paths=["data"],
        reference=["reference/train.parquet"],
        columns={
            "label": "churn",
            "candidate": "candidate_score",
            "champion": "champion_score",
            "sensitive": ["sex", "region"],
            "numeric_features": ["tenure"],
            "categorical_features": ["contract"],
        },
        fairness={"demographic_parity_difference": 0.1},
    )
    today = date(2026, 1, 1)
    result = ModelCheck().run(CheckContext(root=root, gate="post-train", today=today), config)
    assert result.errors == ()
    plan = GatePlan(
        name="post-train",
        checks=(PlannedCheck(check_id="model", target="x:y", config=CheckConfig()),),
    )
    gate = decide(plan, [CheckRun(check_id="model", result=result)], DecisionInputs(today=today))
    return Verdict(gates=(gate,), tool_version="test", created_at="2026-01-01T00:00:00Z")


def test_a_model_gate_report_shows_its_charts_and_re_renders_from_json(tmp_path: Path) -> None:
    verdict = _model_gate(tmp_path)
    page = _page(verdict)
    titles = [c.findtext(f"{SVG}title") for c in _charts(page)]
    assert titles[:4] == [
        "Score distribution of the holdout",
        "Selection rate by sex",
        "Selection rate by region",
        "Reliability diagram",
    ]
    assert [t.split(": PSI")[0] for t in titles[4:] if t] == [
        "tenure",
        "contract",
        "churn",
        "candidate_score",
    ]
    assert "Demographic parity difference: Selection rate differs by" in page
    # The saved JSON verdict renders the very same page.
    assert _page(load_verdict(JsonReporter().render(verdict))) == page
