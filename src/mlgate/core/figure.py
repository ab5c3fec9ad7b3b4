"""Figure data: the numbers behind a report's pictures, carried inside the verdict.

A check describes *what* to draw (labelled values, their intervals and counts, reference
lines); reporters decide *how*. Because figures travel in the JSON verdict, a saved run
re-renders with its pictures (``mlgate report a.json``). Sizes are bounded here, not only
by the checks that emit figures: a verdict is also read back from files someone else wrote.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from mlgate.core.text import shorten

MAX_FIGURES = 120
MAX_SERIES = 4
MAX_POINTS = 100
MAX_GUIDES = 4
MAX_LABEL = 120
MAX_TEXT = 1000


class FigureKind(StrEnum):
    """How the points of a figure relate to each other.

    ``bars``: one bar per label and series, with interval whiskers where given.
    ``histogram``: adjacent bins (labels in order), one bar per series in each bin.
    ``points``: numeric ``x`` against ``value``, each series joined in ``x`` order.
    """

    BARS = "bars"
    HISTOGRAM = "histogram"
    POINTS = "points"


class FigureError(ValueError):
    """Figure data that breaks a size limit or is incomplete for its kind."""


def fit(text: str, limit: int = MAX_LABEL) -> str:
    """``text`` cut to ``limit`` characters (the cut marked with an ellipsis).

    Emitters pass data-derived text (group values, category names, column names) through
    this, so a long value in the data shortens a label instead of failing the check.
    """
    return shorten(text, limit)


def _check_text(what: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise FigureError(f"{what} is {len(text)} characters long (limit {limit})")


@dataclass(frozen=True, slots=True, kw_only=True)
class Point:
    """One measured value: a label (group, bin or category) and optionally more.

    ``x`` places the point on a numeric axis (``points`` figures); ``low``/``high`` are its
    interval; ``n`` is how many rows it rests on; ``muted`` marks a value shown for
    completeness but not used by any decision (a group with too little data, say).
    """

    label: str
    value: float
    x: float | None = None
    low: float | None = None
    high: float | None = None
    n: int | None = None
    muted: bool = False

    def __post_init__(self) -> None:
        _check_text("a point label", self.label, MAX_LABEL)


@dataclass(frozen=True, slots=True, kw_only=True)
class Series:
    """Points that belong together (one model, one sample, one rate)."""

    name: str
    points: tuple[Point, ...]

    def __post_init__(self) -> None:
        _check_text("a series name", self.name, MAX_LABEL)
        if len(self.points) > MAX_POINTS:
            raise FigureError(
                f"series {self.name!r} has {len(self.points)} points (limit {MAX_POINTS})"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Guide:
    """A horizontal reference line at ``value`` (a threshold, an allowed floor)."""

    label: str
    value: float

    def __post_init__(self) -> None:
        _check_text("a guide label", self.label, MAX_LABEL)


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """One picture's data.

    ``section`` groups figures in a report (``"Fairness"``, ``"Drift"``); ``caption`` is the
    sentence a reader needs (the decision and its numbers); ``y_min``/``y_max`` fix the value
    axis (rates live in [0, 1]) instead of fitting it to the data; ``diagonal`` draws the
    line ``value = x`` on ``points`` figures (perfect calibration).
    """

    kind: FigureKind
    section: str
    title: str
    x_label: str
    y_label: str
    series: tuple[Series, ...]
    guides: tuple[Guide, ...] = ()
    caption: str | None = None
    y_min: float | None = None
    y_max: float | None = None
    diagonal: bool = False

    def __post_init__(self) -> None:
        for what, text in (("a section", self.section), ("an axis label", self.x_label)):
            _check_text(what, text, MAX_LABEL)
        _check_text("an axis label", self.y_label, MAX_LABEL)
        _check_text("a figure title", self.title, MAX_TEXT)
        _check_text("a figure caption", self.caption or "", MAX_TEXT)
        if not 1 <= len(self.series) <= MAX_SERIES:
            raise FigureError(f"a figure needs 1 to {MAX_SERIES} series, got {len(self.series)}")
        if len(self.guides) > MAX_GUIDES:
            raise FigureError(f"a figure has {len(self.guides)} guides (limit {MAX_GUIDES})")
        if self.kind is FigureKind.POINTS and any(
            p.x is None or not math.isfinite(p.x) for s in self.series for p in s.points
        ):
            raise FigureError("every point of a points figure needs a finite x")


def check_figure_count(figures: tuple[Figure, ...]) -> None:
    """Raise :class:`FigureError` when one check carries more than :data:`MAX_FIGURES`."""
    if len(figures) > MAX_FIGURES:
        raise FigureError(f"{len(figures)} figures in one check result (limit {MAX_FIGURES})")
