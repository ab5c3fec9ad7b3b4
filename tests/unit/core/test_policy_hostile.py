"""Hostile policy files: every outcome is a policy or a clean error, quickly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlgate.core.errors import PolicyError
from mlgate.core.policy.load import load_policy


def laughs(levels: int, width: int) -> str:
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels):
        refs = ", ".join(f"*a{level - 1}" for _ in range(width))
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append(f"gates: {{g: {{checks: {{findings: {{paths: *a{levels - 1}}}}}}}}}")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_fast(tmp_path: Path) -> None:
    path = tmp_path / "mlgate.yaml"
    path.write_text(laughs(levels=9, width=10))
    started = time.monotonic()
    with pytest.raises(PolicyError, match="expands to more than"):
        load_policy(path)
    assert time.monotonic() - started < 5


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mlgate.yaml"
    path.write_text("a: &a [*a]\ngates: {}\n")
    with pytest.raises(PolicyError):
        load_policy(path)


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe\x00garbage", b"gates: !!python/object:os.system 'true'\n", b"[" * 5000, b"\x00"],
)
def test_binary_tags_and_deep_nesting(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "mlgate.yaml"
    path.write_bytes(content)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert "\n" not in str(caught.value)


yaml_fragments = st.lists(
    st.sampled_from(
        ["gates:", "  g:", "    checks:", "      findings:", "        paths: [.]", "version: 2",
         "waivers:", "  - rule: x", "    expires: soon", "mode: warn", "  fail_on: 7", "- a",
         "&x [*x]", "{", "}", ": :", "\t", "reports: {formats: [nope]}", "baseline: 3"]
    ),
    max_size=12,
)  # fmt: skip


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(yaml_fragments, st.text(max_size=30))
def test_any_text_loads_or_fails_with_one_line(
    tmp_path: Path, lines: list[str], noise: str
) -> None:
    path = tmp_path / "mlgate.yaml"
    path.write_text("\n".join([*lines, noise]), encoding="utf-8", errors="surrogatepass")
    try:
        load_policy(path)
    except PolicyError as error:
        assert "\n" not in str(error)
