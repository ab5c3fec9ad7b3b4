"""Character statistics of candidate secrets: Shannon entropy and character classes."""

from __future__ import annotations

import math
from collections import Counter


def shannon_entropy(text: str) -> float:
    """Bits per character of ``text``'s own character distribution (0 for empty text)."""
    if not text:
        return 0.0
    size = len(text)
    return -sum(n / size * math.log2(n / size) for n in Counter(text).values())


def character_classes(text: str) -> int:
    """How many of lower case, upper case, digits and other symbols occur.

    ``_``, ``-`` and ``.`` are separators in identifiers and do not count as symbols,
    so ``SECRET_KEY_NAME`` has one class and ``Xk9#mQ2p`` has four.
    """
    lower = upper = digit = symbol = False
    for char in text:
        if char.islower():
            lower = True
        elif char.isupper():
            upper = True
        elif char.isdigit():
            digit = True
        elif char not in "_-.":
            symbol = True
    return lower + upper + digit + symbol
