"""The bounded HDF5 root-attribute reader, on files the real h5py writes."""

from __future__ import annotations

import io
import json

import h5py  # type: ignore[import-untyped]  # h5py ships no type information
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.artifacts import keras_h5 as kh
from mlgate.formats.hdf5 import Hdf5Error, read_root_attributes
from mlgate.formats.span import Span

LAYERS = [kh.legacy_layer("Dense", "dense", units=2), kh.legacy_lambda()]


def _config(data: bytes) -> dict[str, object]:
    decoded: dict[str, object] = json.loads(
        read_root_attributes(Span.of(data)).strings["model_config"]
    )
    return decoded


@pytest.mark.parametrize("libver", [None, "earliest", "v110", "latest"])
@pytest.mark.parametrize("userblock", [0, 4096])
def test_model_config_is_read_in_every_file_format_version(
    libver: str | None, userblock: int
) -> None:
    data = kh.keras_h5(LAYERS, libver=libver, userblock=userblock)
    config = _config(data)
    assert config["class_name"] == "Sequential"
    assert [layer["class_name"] for layer in config["config"]["layers"]] == ["Dense", "Lambda"]  # type: ignore[index]


def test_variable_length_strings_come_from_the_global_heap() -> None:
    attributes = read_root_attributes(Span.of(kh.keras_h5(LAYERS, config_as_str=True)))
    assert attributes.strings["keras_version"] == b"2.15.0"
    assert attributes.strings["backend"] == b"tensorflow"
    assert json.loads(attributes.strings["model_config"])["class_name"] == "Sequential"


def test_a_config_larger_than_one_header_block_is_read_whole() -> None:
    layers = [kh.legacy_layer("Dense", f"dense_{i}", units=i) for i in range(1500)]
    data = kh.keras_h5(layers)
    assert len(_config(data)["config"]["layers"]) == 1500  # type: ignore[index]


def test_dense_attribute_storage_is_reported_not_guessed() -> None:
    attributes = read_root_attributes(Span.of(kh.many_attributes_h5()))
    assert attributes.dense
    assert "model_config" not in attributes.strings


def test_non_string_attributes_are_ignored() -> None:
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as handle:
        handle.attrs["epochs"] = 12
        handle.attrs["shape"] = [3, 4]
        handle.attrs["names"] = [b"a", b"b"]
    attributes = read_root_attributes(Span.of(buffer.getvalue()))
    assert (attributes.strings, attributes.unreadable, attributes.dense) == ({}, {}, False)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not hdf5 at all" * 100, "no HDF5 superblock"),
        (b"\x89HDF\r\n\x1a\n\x07" + bytes(64), "unsupported superblock version 7"),
        (b"\x89HDF\r\n\x1a\n\x00", "bad offset or length size"),
    ],
)
def test_broken_files_raise(data: bytes, message: str) -> None:
    with pytest.raises(Hdf5Error, match=message):
        read_root_attributes(Span.of(data))


def test_truncated_real_file_raises() -> None:
    data = kh.keras_h5(LAYERS)
    with pytest.raises(Hdf5Error):
        read_root_attributes(Span.of(data[:900]))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_corrupted_files_never_crash_or_hang(data: st.DataObject) -> None:
    original = bytearray(kh.keras_h5(LAYERS, libver=data.draw(st.sampled_from([None, "latest"]))))
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, min(len(original), 4096) - 1))
        original[position] = data.draw(st.integers(0, 255))
    try:
        attributes = read_root_attributes(Span.of(bytes(original)))
    except Hdf5Error:
        return
    assert all(len(value) <= 64 * 1024 * 1024 for value in attributes.strings.values())
