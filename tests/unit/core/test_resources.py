"""The shared per-file resource list: model-signing shape, name order, sizes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from mlgate.core.resources import FileResource, hash_resources, resource_list


def test_resources_are_sorted_root_relative_and_in_the_model_signing_shape(
    tmp_path: Path,
) -> None:
    (tmp_path / "b").mkdir()
    files = {"z.bin": b"last", "b/a.bin": b"nested", "a.bin": b""}
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    resources = hash_resources(tmp_path, [tmp_path / n for n in files], workers=2)
    assert [(r.name, r.size) for r in resources] == [("a.bin", 0), ("b/a.bin", 6), ("z.bin", 4)]
    assert resource_list(reversed(resources))[1] == {
        "name": "b/a.bin", "algorithm": "sha256", "digest": hashlib.sha256(b"nested").hexdigest(),
    }  # fmt: skip


def test_a_resource_read_back_from_a_manifest_has_no_size() -> None:
    resource = FileResource(name="m.bin", digest="ab" * 32)
    assert resource.size is None
    assert resource.to_json() == {"name": "m.bin", "algorithm": "sha256", "digest": "ab" * 32}
