"""Figure data for reporter tests: hand-made examples and a hypothesis strategy."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st

from builders.verdicts import HOSTILE, floats, realistic_verdict, short_text
from mlgate.core.figure import Figure, FigureKind, Guide, Point, Series
from mlgate.core.verdict import Verdict


def group_bars() -> Figure:
    """Selection rate per group with intervals, a muted small group and a floor."""
    points = (
        Point(label="F", value=0.5, low=0.45, high=0.55, n=400),
        Point(label="M", value=0.25, low=0.2, high=0.3, n=600),
        Point(label="X", value=0.9, low=0.4, high=1.0, n=5, muted=True),
    )
    return Figure(
        kind=FigureKind.BARS,
        section="Fairness",
        title="Selection rate by sex",
        x_label="sex",
        y_label="selection rate",
        series=(Series(name="selection rate", points=points),),
        guides=(Guide(label="floor: highest - 0.1", value=0.4),),
        caption="Selection rate differs by 0.25 between F and M; threshold 0.1.",
        y_min=0.0,
        y_max=1.0,
    )


def reliability() -> Figure:
    """A reliability diagram of two models."""
    candidate = (
        Point(label="0.0-0.5", x=0.25, value=0.75, low=0.7, high=0.8, n=100),
        Point(label="0.5-1.0", x=0.75, value=0.5, low=0.45, high=0.55, n=300),
    )
    champion = (Point(label="0.0-0.5", x=0.2, value=0.2, n=200),)
    return Figure(
        kind=FigureKind.POINTS,
        section="Calibration",
        title="Reliability diagram",
        x_label="mean predicted score",
        y_label="observed rate",
        series=(
            Series(name="candidate", points=candidate),
            Series(name="champion", points=champion),
        ),
        y_min=0.0,
        y_max=1.0,
        diagonal=True,
    )


def drift_histogram() -> Figure:
    """Reference vs current shares of three bins."""
    labels = ("<= 1", "1 to 2", "> 2")
    return Figure(
        kind=FigureKind.HISTOGRAM,
        section="Drift",
        title="tenure: PSI 0.412",
        x_label="tenure (reference deciles)",
        y_label="share of rows",
        series=(
            Series(
                name="reference",
                points=tuple(
                    Point(label=x, value=v, n=n)
                    for x, v, n in zip(labels, (0.2, 0.3, 0.5), (20, 30, 50), strict=True)
                ),
            ),
            Series(
                name="current",
                points=tuple(
                    Point(label=x, value=v, n=n)
                    for x, v, n in zip(labels, (0.6, 0.3, 0.1), (60, 30, 10), strict=True)
                ),
            ),
        ),
        y_min=0.0,
    )


def with_figures(figures: tuple[Figure, ...]) -> Verdict:
    """The realistic verdict with ``figures`` on its model check (second gate)."""
    verdict = realistic_verdict()
    post_train = verdict.gates[1]
    model = replace(post_train.checks[0], figures=figures)
    gate = replace(post_train, checks=(model, *post_train.checks[1:]))
    return replace(verdict, gates=(verdict.gates[0], gate))


_label = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))
points = st.builds(
    Point,
    label=_label,
    value=floats,
    x=st.floats(min_value=-1e6, max_value=1e6),
    low=st.none() | floats,
    high=st.none() | floats,
    n=st.none() | st.integers(min_value=0, max_value=10**9),
    muted=st.booleans(),
)
figures = st.builds(
    Figure,
    kind=st.sampled_from(FigureKind),
    section=short_text,
    title=short_text,
    x_label=short_text,
    y_label=short_text,
    series=st.lists(
        st.builds(Series, name=short_text, points=st.lists(points, max_size=6).map(tuple)),
        min_size=1,
        max_size=4,
    ).map(tuple),
    guides=st.lists(st.builds(Guide, label=short_text, value=floats), max_size=4).map(tuple),
    caption=st.none() | short_text,
    y_min=st.none() | st.floats(min_value=-10, max_value=0),
    y_max=st.none() | st.floats(min_value=1, max_value=10),
    diagonal=st.booleans(),
)
