"""Small, lenient readers of scanner JSON values shared by the Trivy and Grype readers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from mlgate.core.finding import Severity

# Scanners' own words; an unknown or unrated severity is kept visible (medium), never dropped.
_SEVERITIES = {
    "critical": Severity.CRITICAL, "high": Severity.HIGH, "medium": Severity.MEDIUM,
    "moderate": Severity.MEDIUM, "low": Severity.LOW, "negligible": Severity.INFO,
    "info": Severity.INFO,
}  # fmt: skip
_FRACTION = re.compile(r"(\.\d{6})\d+")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def severity(text: Any) -> Severity:
    """A scanner's severity word as ours (``UNKNOWN`` -> medium)."""
    return _SEVERITIES.get(str(text or "").strip().lower(), Severity.MEDIUM)


def timestamp(text: Any) -> datetime | None:
    """An RFC 3339 time (nanoseconds and ``Z`` allowed) as aware UTC, or ``None``."""
    if not isinstance(text, str) or not text:
        return None
    cleaned = _FRACTION.sub(r"\1", text.strip()).replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def digests(*values: Any) -> frozenset[str]:
    """Every ``sha256:<64 hex>`` digest inside the given strings or lists of strings."""
    found: set[str] = set()
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                found.update(_DIGEST.findall(item.lower()))
    return frozenset(found)


def mapping(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else ``{}``."""
    return value if isinstance(value, dict) else {}


def objects(value: Any) -> list[dict[str, Any]]:
    """The JSON objects of a list (anything else is ignored)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def entries(value: Any, what: str) -> list[dict[str, Any]]:
    """The objects of a list the gate decides on (results, vulnerabilities, matches).

    Unlike :func:`objects`, a value of the wrong shape is an error, not an empty list:
    a truncated or tampered report must not read as "nothing found" and pass.
    """
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError(f"{what} is not a list of objects")
    return value


def number(value: Any) -> float | None:
    """A JSON number as float (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def line(value: Any) -> int | None:
    """A positive line number, or ``None``."""
    return (
        int(value) if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
    )
