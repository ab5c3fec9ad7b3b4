"""Cutting text to a length, the one way every part of mlgate does it.

Checks cap what they keep from hostile inputs and reporters cap what they print; both
mark the cut with the same ellipsis, so a shortened value is never mistaken for the whole.
"""

from __future__ import annotations

ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + ELLIPSIS
