"""The SVG chart module: structure, accessibility, escaping and numbers on the right pixels."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from hypothesis import given, settings

from builders.figures import drift_histogram, figures, group_bars, reliability
from builders.verdicts import HOSTILE
from mlgate.core.figure import Figure, FigureError, FigureKind, Guide, Point, Series, fit
from mlgate.reporters.charts import (
    CHAR_WIDTH,
    LABEL_CHARS,
    LEFT,
    PLOT_HEIGHT,
    SQUARE_PLOT_HEIGHT,
    TOP,
    WIDTH,
    coordinate,
    nice_domain,
    render_figure,
    tick_text,
    ticks,
)
from mlgate.reporters.escaping import visible, xml_safe

SVG = "{http://www.w3.org/2000/svg}"
PLOT_WIDTH = WIDTH - LEFT - 16


def svg_root(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  # parsing our own output in a test


def parse(figure: Figure, ident: str = "fig-0") -> ET.Element:
    return svg_root(render_figure(figure, ident))


def marks(root: ET.Element, tag: str) -> list[ET.Element]:
    """Elements of ``tag`` that carry a tooltip: the data marks, not the frame."""
    return [e for e in root.iter(f"{SVG}{tag}") if e.find(f"{SVG}title") is not None]


def test_svg_is_accessible_and_titled() -> None:
    root = parse(group_bars(), "fig-1-0-2")
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.get("id") == title_id == "fig-1-0-2-title"
    assert title.text == "Selection rate by sex"
    assert desc is not None and desc.get("id") == desc_id
    assert desc.text is not None
    assert desc.text.startswith("Selection rate differs by 0.25 between F and M")
    assert "F 0.5 [0.45-0.55]; M 0.25 [0.2-0.3]; X 0.9 [0.4-1]" in desc.text
    assert (root.get("width"), root.get("height")) == (str(WIDTH), root.get("height"))


def test_bars_and_whiskers_sit_on_their_values() -> None:
    root = parse(group_bars())
    bars = marks(root, "rect")
    assert len(bars) == 3
    bottom = TOP + PLOT_HEIGHT
    band = PLOT_WIDTH / 3
    width = band * 0.76
    for index, (bar, value) in enumerate(zip(bars, (0.5, 0.25, 0.9), strict=True)):
        assert float(bar.get("y", "")) == pytest.approx(bottom - value * PLOT_HEIGHT, abs=0.01)
        assert float(bar.get("height", "")) == pytest.approx(value * PLOT_HEIGHT, abs=0.01)
        assert float(bar.get("x", "")) == pytest.approx(LEFT + index * band + band * 0.12, abs=0.01)
        assert float(bar.get("width", "")) == pytest.approx(width, abs=0.01)
    tooltip = bars[0].find(f"{SVG}title")
    assert tooltip is not None
    assert tooltip.text == "selection rate: F = 0.5, interval 0.45 to 0.55, n=400"
    # The first whisker spans 0.45 to 0.55 at the centre of the first bar.
    centre = coordinate(LEFT + band * 0.12 + width / 2)
    whisker = [
        line
        for line in root.iter(f"{SVG}line")
        if line.get("x1") == centre and line.get("x2") == centre
    ]
    ends = sorted(float(whisker[0].get(end, "")) for end in ("y1", "y2"))
    assert ends == pytest.approx(
        [bottom - 0.55 * PLOT_HEIGHT, bottom - 0.45 * PLOT_HEIGHT], abs=0.01
    )


def test_muted_points_are_pale_and_explained() -> None:
    root = parse(group_bars())
    bars = marks(root, "rect")
    assert [b.get("fill-opacity") for b in bars] == [None, None, "0.3"]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "pale: not used in the decision" in texts
    tooltip = bars[2].find(f"{SVG}title")
    assert tooltip is not None and tooltip.text is not None
    assert tooltip.text.endswith("n=5, not used in the decision")


def test_guides_are_dashed_lines_at_their_value() -> None:
    root = parse(group_bars())
    (guide,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == "guide"]
    line = guide.find(f"{SVG}line")
    assert line is not None and line.get("stroke-dasharray") == "6 4"
    y = TOP + PLOT_HEIGHT - 0.4 * PLOT_HEIGHT
    assert float(line.get("y1", "")) == float(line.get("y2", "")) == pytest.approx(y)
    text = guide.find(f"{SVG}text")
    assert text is not None and text.text == "floor: highest - 0.1 = 0.4"


def test_histogram_pairs_series_in_each_bin() -> None:
    root = parse(drift_histogram())
    bars = marks(root, "rect")
    assert len(bars) == 6
    reference, current = bars[:3], bars[3:]
    band = PLOT_WIDTH / 3
    for index in range(3):
        # Series sit side by side inside a bin: current right after reference.
        gap = float(current[index].get("x", "")) - float(reference[index].get("x", ""))
        assert gap == pytest.approx(band * 0.94 / 2, abs=0.01)
    assert [r.get("fill") for r in (reference[0], current[0])] == ["#0072b2", "#e69f00"]
    # The axis is fitted (0 to 0.6): a 0.6 bar reaches the top of the plot.
    assert float(current[0].get("y", "")) == pytest.approx(TOP)
    legend = [t.text for t in root.iter(f"{SVG}text")]
    assert "reference" in legend and "current" in legend


def test_points_map_to_both_axes_with_the_diagonal_and_counts() -> None:
    root = parse(reliability())
    circles = marks(root, "circle")
    bottom = TOP + SQUARE_PLOT_HEIGHT
    first = circles[0]
    assert float(first.get("cx", "")) == pytest.approx(LEFT + 0.25 * PLOT_WIDTH, abs=0.01)
    assert float(first.get("cy", "")) == pytest.approx(bottom - 0.75 * SQUARE_PLOT_HEIGHT, abs=0.01)
    diagonal = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray") == "4 3"]
    assert len(diagonal) == 1
    assert (diagonal[0].get("x1"), diagonal[0].get("y1")) == (coordinate(LEFT), coordinate(bottom))
    assert (diagonal[0].get("x2"), diagonal[0].get("y2")) == (
        coordinate(LEFT + PLOT_WIDTH),
        coordinate(TOP),
    )
    (line,) = root.iter(f"{SVG}polyline")
    assert line.get("points") == (
        f"{coordinate(LEFT + 0.25 * PLOT_WIDTH)},{coordinate(bottom - 0.75 * SQUARE_PLOT_HEIGHT)} "
        f"{coordinate(LEFT + 0.75 * PLOT_WIDTH)},{coordinate(bottom - 0.5 * SQUARE_PLOT_HEIGHT)}"
    )
    counts = marks(root, "rect")
    heights = {r.find(f"{SVG}title").text: float(r.get("height", "")) for r in counts}  # type: ignore[union-attr]
    assert heights["candidate: 0.5-1.0, n=300"] == pytest.approx(
        3 * heights["candidate: 0.0-0.5, n=100"]
    )
    assert heights["champion: 0.0-0.5, n=200"] == pytest.approx(
        2 * heights["candidate: 0.0-0.5, n=100"]
    )


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_stay_text(label: str) -> None:
    figure = group_bars()
    points = tuple(replace(p, label=label + str(i)) for i, p in enumerate(figure.series[0].points))
    hostile = replace(
        figure,
        title=label,
        series=(Series(name=label, points=points),),
        guides=(Guide(label=label, value=0.3),),
        caption=label,
    )
    svg = render_figure(hostile, "fig-0")
    assert "<script" not in svg
    assert not re.search(r"\son\w+=", svg)
    assert "\x1b" not in svg and "\x00" not in svg
    root = svg_root(svg)  # well-formed: nothing escaped into markup
    shown = xml_safe(visible(label))
    title = root.find(f"{SVG}title")
    assert title is not None and (title.text or "") == shown
    tips = [m.find(f"{SVG}title") for m in marks(root, "rect")]
    assert all(shown in (tip.text or "") for tip in tips if tip is not None)


def test_long_labels_are_shortened_on_screen_but_whole_in_the_tooltip() -> None:
    label = "region=" + "very-long-region-name" * 3
    points = tuple(Point(label=f"{i}{label}", value=0.3) for i in range(6))
    figure = replace(group_bars(), series=(Series(name="rate", points=points),))
    root = parse(figure)
    axis_label = next(t for t in root.iter(f"{SVG}text") if t.find(f"{SVG}title") is not None)
    tip = axis_label.find(f"{SVG}title")
    assert tip is not None and tip.text == f"0{label}"
    assert axis_label.get("transform", "").startswith("rotate(-40 ")
    assert "".join(axis_label.itertext()).endswith("…")
    # The first label leans left of its bar: the plot moves right so it is not cut off.
    reach = LABEL_CHARS * CHAR_WIDTH * math.cos(math.radians(40))
    assert float(axis_label.get("x", "")) - reach >= 0


def test_not_finite_values_are_left_out_not_drawn_wrong() -> None:
    points = (
        Point(label="a", value=math.nan),
        Point(label="b", value=0.5, low=math.nan, high=math.inf),
        Point(label="c", value=math.inf),
    )
    figure = replace(
        group_bars(),
        series=(Series(name="rate", points=points),),
        guides=(Guide(label="none", value=math.nan),),
        y_min=math.nan,
        y_max=math.inf,
    )
    root = parse(figure)
    (bar,) = marks(root, "rect")
    assert bar.find(f"{SVG}title").text == "rate: b = 0.5, interval n/a to n/a"  # type: ignore[union-attr]
    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "guide"]


def test_output_is_deterministic() -> None:
    figure = reliability()
    assert render_figure(figure, "x") == render_figure(figure, "x")


def test_many_categories_widen_the_chart_up_to_a_limit() -> None:
    points = tuple(Point(label=f"g{i}", value=i / 100) for i in range(100))
    wide = replace(group_bars(), series=(Series(name="rate", points=points),), guides=())
    root = parse(wide)
    assert float(root.get("width", "")) == 1200
    assert len(marks(root, "rect")) == 100


def test_ticks_and_domains_are_round() -> None:
    assert ticks(0.0, 1.0) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert ticks(0.0, 0.9) == [0.0, 0.2, 0.4, 0.6, 0.8]
    assert nice_domain(0.03, 0.87, False, False) == (0.0, 1.0)
    assert nice_domain(0.0, 0.0, True, False) == (0.0, 1.0)
    assert nice_domain(-3.0, 47.0, False, True) == (-10.0, 47.0)
    assert [tick_text(v, [0.0, 0.25, 0.5]) for v in (0.0, 0.25)] == ["0.00", "0.25"]
    assert tick_text(20.0, [0.0, 20.0, 40.0]) == "20"
    assert (
        coordinate(12.0) == "12"
        and coordinate(-0.001) == "0"
        and coordinate(1.005)
        in (
            "1",
            "1.01",
        )
    )


def test_figure_limits_are_enforced() -> None:
    too_many = tuple(Point(label=str(i), value=0.0) for i in range(101))
    with pytest.raises(FigureError, match="101 points"):
        Series(name="s", points=too_many)
    with pytest.raises(FigureError, match="needs a finite x"):
        replace(
            reliability(),
            kind=FigureKind.POINTS,
            series=(Series(name="s", points=(Point(label="a", value=1.0),)),),
        )
    with pytest.raises(FigureError, match="1 to 4 series"):
        replace(group_bars(), series=())
    with pytest.raises(FigureError, match="characters long"):
        Point(label="x" * 121, value=0.0)
    assert Point(label=fit("x" * 500), value=0.0).label == "x" * 119 + "\u2026"
    assert fit("short") == "short"


@settings(max_examples=80, deadline=None)
@given(figures)
def test_any_figure_renders_as_well_formed_inert_svg(figure: Figure) -> None:
    svg = render_figure(figure, "fig-0")
    root = svg_root(svg)
    assert root.tag == f"{SVG}svg"
    assert "<script" not in svg.lower()
    assert not re.search(r"\son\w+=", svg)
    assert "nan" not in " ".join(v for e in root.iter() for k, v in e.attrib.items() if k != "id")
