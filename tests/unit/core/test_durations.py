from __future__ import annotations

from datetime import timedelta

import pytest

from mlgate.checks.images.check import parse_age
from mlgate.core.durations import describe_duration, parse_duration
from mlgate.core.errors import UsageError
from mlgate.evidence import parse_duration as evidence_parse_duration


@pytest.mark.parametrize(
    ("text", "seconds", "shown"),
    [("90s", 90, "90s"), ("30m", 1800, "30m"), ("24h", 86400, "24h"), ("7d", 604800, "7d"),
     ("2w", 1209600, "14d"), (" 36h ", 129600, "36h"), ("61s", 61, "61s"),
     ("3600s", 3600, "1h"), ("1d", 86400, "24h"), ("48h", 172800, "2d")],
)  # fmt: skip
def test_durations_parse_and_print(text: str, seconds: int, shown: str) -> None:
    duration = parse_duration(text)
    assert duration == timedelta(seconds=seconds)
    assert describe_duration(duration) == shown


@pytest.mark.parametrize("text", ["", "24", "h", "0h", "-1h", "1.5h", "1y", "24 h", "24H"])
def test_bad_durations_are_usage_errors_naming_the_setting(text: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_duration(text, what="max age")
    assert str(raised.value) == (
        f"max age {text!r}: expected a positive number and a unit, like 24h"
    )


def test_both_users_share_the_core_parser() -> None:
    # The public evidence API keeps its name; the images check reports pydantic's ValueError.
    assert evidence_parse_duration is parse_duration
    assert parse_age("7d") == timedelta(days=7)
    with pytest.raises(ValueError, match=r"^max_age '1y': expected a positive number"):
        parse_age("1y")
