"""Measured values with an upper limit and no interval (ratios, largest changes) as metrics."""

from __future__ import annotations

from mlgate.core.metric import Comparison, Metric


def at_most_metric(
    *, name: str, value: float, limit: float | None, text: str, unit: str = "", n: int | None = None
) -> Metric:
    """``value`` acceptable up to ``limit`` (in ``unit``, e.g. ``x``); ``text`` says what it is."""
    if limit is not None:
        text += f"; at most {limit:g}{unit}"
    return Metric(
        name=name,
        value=value,
        threshold=limit,
        comparison=Comparison.LE,
        n=n,
        description=text,
    )
