"""Hand-written SVG charts of :class:`~mlgate.core.figure.Figure` data.

No plotting library and no script: each chart is a small, deterministic SVG string meant
to be inlined in the HTML report. Every piece of text is escaped (labels come from data
columns and saved verdicts, so they are hostile like any other input), long labels are
shortened on screen and kept whole in the element's ``<title>`` tooltip, and each chart
carries ``role="img"`` with a title and a text summary for screen readers.

Three layouts cover the figure kinds: grouped bars with interval whiskers (``bars``),
paired adjacent bins (``histogram``) and numeric points joined by lines, optionally with the
diagonal and a strip of per-point row counts (``points``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from mlgate.core.figure import Figure, FigureKind, Point, Series
from mlgate.reporters.escaping import shorten, visible, xml_safe

PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7")  # Okabe-Ito: colour-blind safe
GUIDE_COLOURS = ("#cf222e", "#57606a", "#8250df", "#1b1f23")
WIDTH = 560
MAX_WIDTH = 1200
PLOT_HEIGHT = 200
SQUARE_PLOT_HEIGHT = 300
STRIP_HEIGHT = 44
LEFT, RIGHT, TOP = 56.0, 16.0, 52.0
CHAR_WIDTH = 6.2  # average width of an 11px sans-serif character, for layout only
LABEL_CHARS = 24
SUMMARY_CHARS = 900
LIMIT = 1e12
MAX_TICKS = 12
_ROTATION = 40.0
HALO = 'stroke="#fff" stroke-width="3" paint-order="stroke"'


def esc(text: object) -> str:
    """Escape any value for HTML/SVG text or a quoted attribute (controls made visible)."""
    # xml_safe too: the SVG must stay well-formed XML when saved on its own.
    return html.escape(xml_safe(visible(str(text))), quote=True)


def coordinate(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros (stable output)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def number(value: float) -> str:
    """A value as a reader sees it: three significant digits, ``n/a`` when not finite."""
    return f"{value:.3g}" if math.isfinite(value) else "n/a"


@dataclass(frozen=True, slots=True)
class Linear:
    """Maps the domain ``[low, high]`` linearly onto ``[start, end]`` (pixels)."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        """The pixel position of ``value``, clamped to the range."""
        share = (value - self.low) / (self.high - self.low)
        return self.start + min(max(share, 0.0), 1.0) * (self.end - self.start)


def _step(span: float, count: int) -> float:
    raw = span / max(count, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]`` (ends included when they are round)."""
    step = _step(high - low, count)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [round(k * step, 12) for k in range(first, min(last, first + MAX_TICKS) + 1)]


def nice_domain(low: float, high: float, fixed_low: bool, fixed_high: bool) -> tuple[float, float]:
    """Widen ``[low, high]`` to round ends (ends the figure fixes stay as they are)."""
    if not high > low:
        high = low + 1.0
    step = _step(high - low, 5)
    if not fixed_low:
        low = math.floor(low / step + 1e-9) * step
    if not fixed_high:
        high = math.ceil(high / step - 1e-9) * step
    return low, high


def tick_text(value: float, values: Sequence[float]) -> str:
    """A tick label with as many decimals as the tick spacing needs."""
    step = min((b - a for a, b in pairwise(values)), default=1.0)
    decimals = 0
    while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6:
        decimals += 1
    return f"{value:.{decimals}f}"


def _finite(values: Iterable[float | None]) -> list[float]:
    # Values beyond LIMIT (from a hand-edited verdict, say) are drawn at the plot's edge
    # rather than stretching the axis until every other mark collapses onto one pixel.
    return [v for v in values if v is not None and math.isfinite(v) and abs(v) <= LIMIT]


def _bound(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) and abs(value) <= LIMIT else None


def _value_domain(figure: Figure, extra: Iterable[float] = ()) -> tuple[float, float]:
    points = [p for s in figure.series for p in s.points]
    seen = _finite([*(p.value for p in points), *(p.low for p in points)])
    seen += _finite([*(p.high for p in points), *(g.value for g in figure.guides), *extra])
    fixed_low, fixed_high = _bound(figure.y_min), _bound(figure.y_max)
    low = fixed_low if fixed_low is not None else min([0.0, *seen])
    high = fixed_high if fixed_high is not None else max([low, *seen])
    return nice_domain(low, high, fixed_low is not None, fixed_high is not None)


def point_text(series: Series, point: Point) -> str:
    """The tooltip of one mark: series, label, value, interval, x and rows."""
    parts = [f"{series.name}: {point.label} = {number(point.value)}"]
    if point.low is not None and point.high is not None:
        parts.append(f"interval {number(point.low)} to {number(point.high)}")
    if point.x is not None:
        parts.append(f"at {number(point.x)}")
    if point.n is not None:
        parts.append(f"n={point.n:,}")
    if point.muted:
        parts.append("not used in the decision")
    return ", ".join(parts)


def summary(figure: Figure) -> str:
    """A plain-text account of the data, for the chart's ``<desc>``."""
    lines = [figure.caption] if figure.caption else []
    for series in figure.series:
        values = "; ".join(
            f"{p.label} {number(p.value)}"
            + (
                f" [{number(p.low)}-{number(p.high)}]"
                if p.low is not None and p.high is not None
                else ""
            )
            for p in series.points
        )
        lines.append(f"{series.name}: {values or 'no points'}.")
    return shorten(" ".join(lines), SUMMARY_CHARS)


@dataclass(frozen=True, slots=True)
class _Plot:
    """The plot area in pixels."""

    left: float
    top: float
    right: float
    bottom: float


class _Canvas:
    """Collects SVG elements; coordinates are formatted once, here."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, element: str) -> None:
        self.parts.append(element)

    def line(self, x1: float, y1: float, x2: float, y2: float, style: str) -> None:
        self.add(
            f'<line x1="{coordinate(x1)}" y1="{coordinate(y1)}" x2="{coordinate(x2)}" '
            f'y2="{coordinate(y2)}" {style}/>'
        )

    def text(self, x: float, y: float, content: str, style: str = "") -> None:
        extra = f" {style}" if style else ""
        self.add(f'<text x="{coordinate(x)}" y="{coordinate(y)}"{extra}>{esc(content)}</text>')

    def rect(self, x: float, y: float, w: float, h: float, style: str, tip: str = "") -> None:
        attributes = (
            f'x="{coordinate(x)}" y="{coordinate(y)}" width="{coordinate(max(w, 0.0))}" '
            f'height="{coordinate(max(h, 0.0))}" {style}'
        )
        if tip:
            self.add(f"<rect {attributes}><title>{esc(tip)}</title></rect>")
        else:
            self.add(f"<rect {attributes}/>")


def _labels(series: Sequence[Series]) -> list[str]:
    return list(dict.fromkeys(p.label for s in series for p in s.points))


def _rotate(labels: Sequence[str], band: float) -> bool:
    longest = max((len(shorten(label, LABEL_CHARS)) for label in labels), default=0)
    return longest * CHAR_WIDTH > band - 4


def _bottom_margin(labels: Sequence[str], rotate: bool) -> float:
    if not rotate:
        return 44.0
    longest = max(len(shorten(label, LABEL_CHARS)) for label in labels)
    return 36.0 + longest * CHAR_WIDTH * math.sin(math.radians(_ROTATION))


def _left_margin(labels: Sequence[str], band: float, rotate: bool) -> float:
    """Room for the y axis, and for the first rotated label, which leans left of its bar."""
    if not rotate:
        return LEFT
    longest = max(len(shorten(label, LABEL_CHARS)) for label in labels)
    reach = longest * CHAR_WIDTH * math.cos(math.radians(_ROTATION))
    return max(LEFT, reach - band / 2 + 8)


def _y_axis(canvas: _Canvas, plot: _Plot, scale: Linear, label: str) -> None:
    values = ticks(scale.low, scale.high)
    for value in values:
        y = scale(value)
        canvas.line(plot.left, y, plot.right, y, 'stroke="#eaeef2"')
        canvas.text(plot.left - 6, y + 4, tick_text(value, values), 'text-anchor="end"')
    canvas.line(plot.left, plot.top, plot.left, plot.bottom, 'stroke="#57606a"')
    middle = (plot.top + plot.bottom) / 2
    canvas.text(
        14,
        middle,
        shorten(label, 40),
        f'text-anchor="middle" transform="rotate(-90 14 {coordinate(middle)})"',
    )


def _guides(canvas: _Canvas, figure: Figure, plot: _Plot, scale: Linear) -> None:
    for index, guide in enumerate(figure.guides):
        if not (math.isfinite(guide.value) and scale.low <= guide.value <= scale.high):
            continue
        colour = GUIDE_COLOURS[index % len(GUIDE_COLOURS)]
        y = scale(guide.value)
        canvas.add(
            f'<g class="guide"><title>{esc(guide.label)}: {esc(number(guide.value))}</title>'
        )
        canvas.line(
            plot.left,
            y,
            plot.right,
            y,
            f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="6 4"',
        )
        # Alternate ends so two close lines keep readable labels; the white halo keeps a
        # label legible where it crosses a bar.
        right = index % 2 == 0
        canvas.text(
            plot.right - 4 if right else plot.left + 4,
            y - 4,
            f"{shorten(guide.label, 60)} = {number(guide.value)}",
            f'text-anchor="{"end" if right else "start"}" fill="{colour}" {HALO}',
        )
        canvas.add("</g>")


def _legend(canvas: _Canvas, figure: Figure) -> None:
    x = LEFT
    for index, series in enumerate(figure.series):
        name = shorten(series.name, 40)
        canvas.rect(x, 30, 10, 10, f'fill="{PALETTE[index]}"')
        canvas.text(x + 14, 39, name)
        x += 28 + len(name) * CHAR_WIDTH
    if any(p.muted for s in figure.series for p in s.points):
        canvas.rect(x, 30, 10, 10, 'fill="#8c959f" fill-opacity="0.3" stroke="#8c959f"')
        canvas.text(x + 14, 39, "pale: not used in the decision")


def _whisker(canvas: _Canvas, x: float, point: Point, scale: Linear, cap: float) -> None:
    if point.low is None or point.high is None:
        return
    if not (math.isfinite(point.low) and math.isfinite(point.high)):
        return
    low, high = scale(point.low), scale(point.high)
    style = 'stroke="#1b1f23" stroke-width="1.2"'
    canvas.line(x, low, x, high, style)
    canvas.line(x - cap, low, x + cap, low, style)
    canvas.line(x - cap, high, x + cap, high, style)


def _bars(canvas: _Canvas, figure: Figure, plot: _Plot, scale: Linear) -> None:
    labels = _labels(figure.series)
    band = (plot.right - plot.left) / max(len(labels), 1)
    fill = 0.94 if figure.kind is FigureKind.HISTOGRAM else 0.76
    width = band * fill / len(figure.series)
    base = scale(min(max(0.0, scale.low), scale.high))
    for s_index, series in enumerate(figure.series):
        colour = PALETTE[s_index]
        by_label = {p.label: p for p in series.points}
        for l_index, label in enumerate(labels):
            point = by_label.get(label)
            if point is None or not math.isfinite(point.value):
                continue
            x = plot.left + l_index * band + band * (1 - fill) / 2 + s_index * width
            top = scale(point.value)
            style = f'fill="{colour}"'
            if point.muted:
                style += f' fill-opacity="0.3" stroke="{colour}" stroke-dasharray="3 2"'
            canvas.rect(x, min(top, base), width, abs(base - top), style, point_text(series, point))
            _whisker(canvas, x + width / 2, point, scale, min(width / 4, 5.0))
    canvas.line(plot.left, base, plot.right, base, 'stroke="#57606a"')


def _category_axis(canvas: _Canvas, labels: Sequence[str], plot: _Plot, rotate: bool) -> None:
    band = (plot.right - plot.left) / max(len(labels), 1)
    for index, label in enumerate(labels):
        x = plot.left + (index + 0.5) * band
        y = plot.bottom + 14
        shown = shorten(label, LABEL_CHARS)
        if rotate:
            turn = f"rotate(-{_ROTATION:g} {coordinate(x)} {coordinate(y)})"
            canvas.add(
                f'<text x="{coordinate(x)}" y="{coordinate(y)}" text-anchor="end" '
                f'transform="{turn}"><title>{esc(label)}</title>{esc(shown)}</text>'
            )
        else:
            canvas.add(
                f'<text x="{coordinate(x)}" y="{coordinate(y)}" text-anchor="middle">'
                f"<title>{esc(label)}</title>{esc(shown)}</text>"
            )


def _points(canvas: _Canvas, figure: Figure, plot: _Plot, x_scale: Linear, y_scale: Linear) -> None:
    if figure.diagonal:
        low = max(x_scale.low, y_scale.low)
        high = min(x_scale.high, y_scale.high)
        canvas.line(
            x_scale(low),
            y_scale(low),
            x_scale(high),
            y_scale(high),
            'stroke="#8c959f" stroke-dasharray="4 3"',
        )
    for index, series in enumerate(figure.series):
        colour = PALETTE[index]
        ordered = sorted(
            (p for p in series.points if math.isfinite(p.value)),
            key=lambda p: p.x if p.x is not None else 0.0,
        )
        path = " ".join(
            f"{coordinate(x_scale(_x(p)))},{coordinate(y_scale(p.value))}" for p in ordered
        )
        if len(ordered) > 1:
            canvas.add(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5"/>'
            )
        for point in ordered:
            x, y = x_scale(_x(point)), y_scale(point.value)
            _whisker(canvas, x, point, y_scale, 3.0)
            opacity = ' fill-opacity="0.3"' if point.muted else ""
            canvas.add(
                f'<circle cx="{coordinate(x)}" cy="{coordinate(y)}" r="3.5" fill="{colour}"'
                f'{opacity} stroke="#fff"><title>{esc(point_text(series, point))}</title></circle>'
            )


def _x(point: Point) -> float:
    return point.x if point.x is not None else math.nan


def _count_strip(canvas: _Canvas, figure: Figure, top: float, x_scale: Linear) -> None:
    counts = [p.n for s in figure.series for p in s.points if p.n is not None]
    largest = max(counts, default=0)
    if largest <= 0:
        return
    bottom = top + STRIP_HEIGHT - 8
    canvas.text(LEFT - 6, bottom, "rows", 'text-anchor="end"')
    canvas.text(LEFT - 6, top + 8, f"{largest:,}", 'text-anchor="end" font-size="9"')
    width = 5.0
    offset = -width * len(figure.series) / 2
    for index, series in enumerate(figure.series):
        for point in series.points:
            if point.n is None:
                continue
            height = (bottom - top) * point.n / largest
            x = x_scale(_x(point)) + offset + index * width
            tip = f"{series.name}: {point.label}, n={point.n:,}"
            canvas.rect(
                x,
                bottom - height,
                width,
                height,
                f'fill="{PALETTE[index]}" fill-opacity="0.7"',
                tip,
            )
    canvas.line(x_scale.start, bottom, x_scale.end, bottom, 'stroke="#57606a"')


def _has_counts(figure: Figure) -> bool:
    return any(p.n is not None for s in figure.series for p in s.points)


def _x_domain(figure: Figure, y_domain: tuple[float, float]) -> tuple[float, float]:
    xs = _finite(p.x for s in figure.series for p in s.points)
    low, high = min(xs, default=0.0), max(xs, default=1.0)
    if figure.diagonal:
        # Perfect calibration is the diagonal only when both axes share one scale.
        return min(low, y_domain[0]), max(high, y_domain[1])
    return nice_domain(low, high, False, False)


def _frame(figure: Figure, ident: str, width: float, height: float, body: list[str]) -> str:
    title_id, desc_id = f"{ident}-title", f"{ident}-desc"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{esc(ident)}" '
        f'viewBox="0 0 {coordinate(width)} {coordinate(height)}" width="{coordinate(width)}" '
        f'height="{coordinate(height)}" role="img" '
        f'aria-labelledby="{esc(title_id)} {esc(desc_id)}" '
        'font-family="system-ui,sans-serif" font-size="11" fill="#1b1f23">'
        f'<title id="{esc(title_id)}">{esc(figure.title)}</title>'
        f'<desc id="{esc(desc_id)}">{esc(summary(figure))}</desc>'
        f'<rect width="{coordinate(width)}" height="{coordinate(height)}" fill="#fff"/>'
        f'<text x="{coordinate(LEFT)}" y="18" font-size="13" font-weight="600">'
        f"{esc(shorten(figure.title, int((width - LEFT) / 7.2)))}</text>"
    )
    return head + "".join(body) + "</svg>"


def _categorical_chart(figure: Figure, ident: str) -> str:
    labels = _labels(figure.series)
    band_minimum = 10.0 * len(figure.series) + 8
    width = min(max(float(WIDTH), LEFT + RIGHT + len(labels) * band_minimum), float(MAX_WIDTH))
    band = (width - LEFT - RIGHT) / max(len(labels), 1)
    rotate = _rotate(labels, band)
    plot = _Plot(_left_margin(labels, band, rotate), TOP, width - RIGHT, TOP + PLOT_HEIGHT)
    height = plot.bottom + _bottom_margin(labels, rotate)
    scale = Linear(*_value_domain(figure), plot.bottom, plot.top)
    canvas = _Canvas()
    _legend(canvas, figure)
    _y_axis(canvas, plot, scale, figure.y_label)
    _bars(canvas, figure, plot, scale)
    _guides(canvas, figure, plot, scale)
    _category_axis(canvas, labels, plot, rotate)
    canvas.text(
        (plot.left + plot.right) / 2,
        height - 8,
        shorten(figure.x_label, 80),
        'text-anchor="middle"',
    )
    return _frame(figure, ident, width, height, canvas.parts)


def _points_chart(figure: Figure, ident: str) -> str:
    plot_height = SQUARE_PLOT_HEIGHT if figure.diagonal else PLOT_HEIGHT
    plot = _Plot(LEFT, TOP, WIDTH - RIGHT, TOP + plot_height)
    y_domain = _value_domain(figure)
    y_scale = Linear(*y_domain, plot.bottom, plot.top)
    x_scale = Linear(*_x_domain(figure, y_domain), plot.left, plot.right)
    strip = STRIP_HEIGHT if _has_counts(figure) else 0.0
    axis_y = plot.bottom + strip
    height = axis_y + 44
    canvas = _Canvas()
    _legend(canvas, figure)
    _y_axis(canvas, plot, y_scale, figure.y_label)
    canvas.line(plot.left, plot.bottom, plot.right, plot.bottom, 'stroke="#57606a"')
    values = ticks(x_scale.low, x_scale.high)
    for value in values:
        x = x_scale(value)
        canvas.line(x, plot.top, x, plot.bottom, 'stroke="#eaeef2"')
        canvas.text(x, axis_y + 14, tick_text(value, values), 'text-anchor="middle"')
    _guides(canvas, figure, plot, y_scale)
    _points(canvas, figure, plot, x_scale, y_scale)
    if strip:
        _count_strip(canvas, figure, plot.bottom + 8, x_scale)
    canvas.text(
        (plot.left + plot.right) / 2,
        height - 8,
        shorten(figure.x_label, 80),
        'text-anchor="middle"',
    )
    return _frame(figure, ident, WIDTH, height, canvas.parts)


def render_figure(figure: Figure, ident: str) -> str:
    """The SVG of one figure; ``ident`` must be unique in the page (it prefixes ARIA ids)."""
    if figure.kind is FigureKind.POINTS:
        return _points_chart(figure, ident)
    return _categorical_chart(figure, ident)
