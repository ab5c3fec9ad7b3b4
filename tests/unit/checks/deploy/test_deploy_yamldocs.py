"""The shared YAML reader: lines, multi-document streams, hostile input stays bounded."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlgate.core.errors import ResourceLimitError
from mlgate.formats.yamldocs import YamlLimits, YamlSyntaxError, read_yaml_documents


def test_documents_keep_lines_and_kubernetes_keys() -> None:
    raw = b"kind: Pod\non: x\n---\n---\nkind: Service\nspec:\n  ports:\n    - port: 80\n"
    docs = read_yaml_documents(raw)
    assert [d.data for d in docs] == [
        {"kind": "Pod", "on": "x"},
        None,
        {"kind": "Service", "spec": {"ports": [{"port": 80}]}},
    ]
    port = docs[2].root().get("spec", "ports", 0, "port")
    assert port is not None and (port.value, port.line) == (80, 8)


def test_merge_keys_and_custom_tags_construct_nothing() -> None:
    docs = read_yaml_documents(b"base: &b {a: 1}\nx:\n  <<: *b\n  c: !Ref thing\n")
    assert docs[0].data["x"] == {"a": 1, "c": "thing"}


def test_alias_bomb_is_bounded() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    with pytest.raises(ResourceLimitError) as caught:
        read_yaml_documents("\n".join(lines).encode(), YamlLimits(max_values=100_000))
    assert caught.value.limit == 100_000


def test_cyclic_alias_and_deep_nesting_are_bounded() -> None:
    with pytest.raises(ResourceLimitError):
        read_yaml_documents(b"a: &a [*a]\n")
    with pytest.raises((ResourceLimitError, YamlSyntaxError)):
        read_yaml_documents(b"[" * 3000 + b"]" * 3000)


def test_huge_file_and_bad_encoding_are_declared_errors() -> None:
    with pytest.raises(ResourceLimitError):
        read_yaml_documents(b"a: b\n" * 100, YamlLimits(max_bytes=100))
    with pytest.raises(YamlSyntaxError, match="UTF-8"):
        read_yaml_documents(b"a: \xff\xfe\n")
    with pytest.raises(YamlSyntaxError) as caught:
        read_yaml_documents(b"a: [b\n c: d\n")
    assert caught.value.line == 2


SEEDS = [
    b"apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a, image: b}]}\n",
    b"a: &x [1, 2]\nb: *x\n---\nc: {<<: {d: 1}}\n",
    b"- !!binary aGk=\n- !!timestamp 2001-12-14\n- !custom {a: b}\n",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(st.tuples(st.integers(0, 200), st.binary(max_size=3)), max_size=6),
)
def test_reader_never_raises_undeclared_errors(seed: bytes, edits: list[tuple[int, bytes]]) -> None:
    data = bytearray(seed)
    for index, chunk in edits:
        position = min(index, len(data))
        data[position : position + len(chunk)] = chunk
    with contextlib.suppress(YamlSyntaxError, ResourceLimitError):
        read_yaml_documents(bytes(data), YamlLimits(max_values=10_000, max_depth=50))
