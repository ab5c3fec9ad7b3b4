"""OSV range semantics: intervals, last_affected, limit, explicit versions, and an oracle."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from mlgate.checks.deps.osv.ranges import in_range, is_affected
from mlgate.checks.deps.osv.records import Affected, Event, EventKind


def events(*pairs: tuple[EventKind, str]) -> tuple[Event, ...]:
    return tuple(Event(kind=kind, version=version) for kind, version in pairs)


def affected(*ranges: tuple[Event, ...], versions: tuple[str, ...] = ()) -> Affected:
    return Affected(name="pkg", ranges=ranges, versions=versions)


TWO_INTERVALS = events(
    ("introduced", "1.0"), ("fixed", "1.4.2"), ("introduced", "2.0"), ("fixed", "2.1")
)


def test_two_intervals_include_starts_and_exclude_fixes() -> None:
    hits = {v: is_affected(v, affected(TWO_INTERVALS)) for v in
            ["0.9", "1.0", "1.4.1", "1.4.2", "1.9", "2.0", "2.0.5", "2.1", "3.0"]}  # fmt: skip
    assert hits == {
        "0.9": False, "1.0": True, "1.4.1": True, "1.4.2": False, "1.9": False,
        "2.0": True, "2.0.5": True, "2.1": False, "3.0": False,
    }  # fmt: skip


def test_events_in_any_order_mean_the_same() -> None:
    shuffled = tuple(reversed(TWO_INTERVALS))
    for version in ["1.0", "1.5", "2.0.1", "2.1"]:
        assert in_range(Version(version), shuffled) == in_range(Version(version), TWO_INTERVALS)


def test_last_affected_includes_its_own_version() -> None:
    rng = events(("introduced", "0"), ("last_affected", "1.2"))
    assert [is_affected(v, affected(rng)) for v in ["0.1", "1.2", "1.2.post1", "1.3"]] == [
        True, True, False, False,
    ]  # fmt: skip


def test_introduced_zero_without_fix_affects_everything() -> None:
    rng = events(("introduced", "0"))
    assert all(is_affected(v, affected(rng)) for v in ["0", "0.0.1", "99.0", "1.0a1"])


def test_limit_caps_an_open_range() -> None:
    rng = events(("introduced", "1.0"), ("limit", "1.5"))
    assert [is_affected(v, affected(rng)) for v in ["0.9", "1.0", "1.4", "1.5", "2.0"]] == [
        False, True, True, False, False,
    ]  # fmt: skip
    assert is_affected("9.0", affected(events(("introduced", "1.0"), ("limit", "*"))))


def test_fixed_then_reintroduced_at_the_same_version_stays_affected() -> None:
    rng = events(("introduced", "1.0"), ("fixed", "2.0"), ("introduced", "2.0"))
    assert is_affected("2.0", affected(rng))


def test_explicit_versions_match_by_pep440_equality() -> None:
    entry = affected(versions=("1.0", "2.0.0"))
    assert [is_affected(v, entry) for v in ["1.0.0", "2.0", "1.1"]] == [True, True, False]


def test_non_pep440_dependency_version_only_matches_listed_versions() -> None:
    entry = affected(events(("introduced", "0")), versions=("nightly-7",))
    assert is_affected("nightly-7", entry)
    assert not is_affected("nightly-8", entry)


def test_unreadable_event_versions_fail_closed() -> None:
    # An unreadable fix is ignored (the range stays open); an unreadable start means 0.
    assert is_affected("5.0", affected(events(("introduced", "1.0"), ("fixed", "not a version"))))
    assert is_affected("0.1", affected(events(("introduced", "?"), ("fixed", "1.0"))))


def test_pre_and_post_releases_order_as_pep440_says() -> None:
    rng = events(("introduced", "2.0"), ("fixed", "2.0.1"))
    assert not is_affected("2.0rc1", affected(rng))
    assert is_affected("2.0.post1", affected(rng))
    assert not is_affected("2.0.1", affected(rng))


UNIVERSE = [f"{major}.{minor}" for major in range(4) for minor in range(4)]


@st.composite
def intervals(draw: st.DrawFn) -> list[tuple[int, int | None, bool]]:
    """Disjoint intervals over indices of ``UNIVERSE``, half-open (fixed) or closed."""
    cuts = sorted(draw(st.sets(st.integers(0, len(UNIVERSE) - 1), min_size=1, max_size=8)))
    result: list[tuple[int, int | None, bool]] = []
    for start, end in zip(cuts[::2], [*cuts[1::2], None], strict=False):
        result.append((start, end, draw(st.booleans())))
    return result


def oracle(index: int, spans: list[tuple[int, int | None, bool]]) -> bool:
    for start, end, closed in spans:
        if end is None and index >= start:
            return True
        if end is not None and start <= index and (index <= end if closed else index < end):
            return True
    return False


def to_events(spans: list[tuple[int, int | None, bool]], seed: int) -> tuple[Event, ...]:
    pairs: list[tuple[EventKind, str]] = []
    for start, end, closed in spans:
        pairs.append(("introduced", UNIVERSE[start]))
        if end is not None:
            pairs.append(("last_affected" if closed else "fixed", UNIVERSE[end]))
    random.Random(seed).shuffle(pairs)  # noqa: S311  # a seeded order, not a secret
    return events(*pairs)


@settings(max_examples=300, deadline=None)
@given(spans=intervals(), seed=st.integers(0, 1000))
def test_range_membership_agrees_with_a_brute_force_oracle(
    spans: list[tuple[int, int | None, bool]], seed: int
) -> None:
    rng = to_events(spans, seed)
    for index, version in enumerate(UNIVERSE):
        assert in_range(Version(version), rng) == oracle(index, spans), (version, spans)


@given(st.lists(st.tuples(st.sampled_from(["introduced", "fixed", "last_affected", "limit"]),
                          st.text(max_size=8)), max_size=8), st.text(max_size=10))  # fmt: skip
def test_matching_never_raises_on_arbitrary_events(
    pairs: list[tuple[EventKind, str]], version: str
) -> None:
    is_affected(version, affected(events(*pairs), versions=tuple(v for _, v in pairs)))
