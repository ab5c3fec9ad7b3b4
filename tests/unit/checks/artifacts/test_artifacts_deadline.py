"""The unpacking deadline: exceeding it is one ART040 and one error for that file only."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from builders import archives as zb
from builders import pickles as pk
from mlgate.checks.artifacts.check import ArtifactsConfig, scan_file
from mlgate.checks.artifacts.findings import Settings
from mlgate.core.finding import ArtifactLocation
from mlgate.formats.limits import ContainerLimits, FileBudgetError, UnpackBudget
from mlgate.formats.span import Span
from mlgate.formats.strings import StringIssue, StringLimits, iter_strings


class Ticker:
    """A monotonic fake clock that advances ``step`` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def _settings(clock: Ticker, seconds: float = 10.0) -> Settings:
    limits = ContainerLimits(max_seconds=seconds, clock=clock)
    return dataclasses.replace(ArtifactsConfig().settings(), container_limits=limits)


def _many_members(count: int) -> bytes:
    members = [zb.Member(name=f"m{i}.txt", data=b"plain text", deflate=True) for i in range(count)]
    return zb.make_zip(members)


def test_budget_raises_once_the_deadline_has_passed() -> None:
    budget = UnpackBudget(ContainerLimits(max_seconds=2.5, clock=Ticker(1.0)))
    budget.add_member()  # 1 s after the start
    with pytest.raises(FileBudgetError, match=r"unpack seconds: limit 2\.5, reached 3"):
        for _ in range(3):
            budget.add_member()


def test_a_slow_archive_is_one_error_and_the_next_file_is_scanned(tmp_path: Path) -> None:
    (tmp_path / "slow.zip").write_bytes(_many_members(50))
    (tmp_path / "next.pkl").write_bytes(pk.call_global("os", "system"))
    clock = Ticker(1.0)
    slow = scan_file(tmp_path / "slow.zip", "slow.zip", _settings(clock))
    assert slow is not None
    rows = [(f.rule_id, f.location) for f in slow.findings]
    assert rows == [("ART040", ArtifactLocation(path="slow.zip", member=None, offset=None))]
    assert slow.errors == ["slow.zip: unpack seconds: limit 10, reached 11"]
    following = scan_file(tmp_path / "next.pkl", "next.pkl", _settings(clock))
    assert following is not None
    assert [(f.rule_id, f.location.offset) for f in following.findings] == [("ART002", 2)]  # type: ignore[union-attr]  # artifact findings carry ArtifactLocation


def test_decompression_stops_at_the_deadline_inside_nested_members(tmp_path: Path) -> None:
    # 8 MiB in 128 blocks: the C decoder hands back 1 MiB per call, the budget's clock
    # is read after each.
    inner = zb.lz4_frame(bytes(range(256)) * 4096 * 8, zb.Lz4Options(stored=True))
    outer = zb.make_zip([zb.Member(name="model.joblib", data=inner)])
    (tmp_path / "m.zip").write_bytes(outer)
    scan = scan_file(tmp_path / "m.zip", "m.zip", _settings(Ticker(1.0), seconds=5.0))
    assert scan is not None
    assert [(f.rule_id, f.location) for f in scan.findings] == [
        ("ART040", ArtifactLocation(path="m.zip", member=None, offset=None))
    ]
    assert len(scan.errors) == 1


def test_string_extraction_reports_the_deadline_once() -> None:
    limits = StringLimits(containers=ContainerLimits(max_seconds=10.0, clock=Ticker(1.0)))
    issues = [
        item
        for item in iter_strings(Span.of(_many_members(50)), limits=limits)
        if isinstance(item, StringIssue)
    ]
    assert issues == [
        StringIssue(member=None, message="unpack seconds: limit 10, reached 11", is_limit=True)
    ]
