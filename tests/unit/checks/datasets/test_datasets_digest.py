"""Content digests: known values, order independence, renames, tampering, symlinks."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from builders.datasets import write_shards
from mlgate.checks.artifacts.manifest import build_manifest
from mlgate.checks.datasets.digest import (
    CHUNK,
    ContentDigest,
    content_digest,
    hash_file,
    manifest_of,
    measure,
)


def test_file_digest_is_sha256_of_its_bytes_across_chunks(tmp_path: Path) -> None:
    data = bytes(range(256)) * (CHUNK // 256 * 2 + 3)
    (tmp_path / "big.bin").write_bytes(data)
    seen: list[int] = []
    digest = hash_file(tmp_path / "big.bin", progress=seen.append)
    assert digest == ContentDigest(value=f"sha256:{hashlib.sha256(data).hexdigest()}")
    assert (sum(seen), len(seen)) == (len(data), 3)


def test_directory_digest_is_the_canonical_manifest_hash(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "a.csv").write_text("x\n")
    (tmp_path / "d" / "sub" / "b.csv").write_text("y\n")
    sha = {n: hashlib.sha256(t).hexdigest() for n, t in [("a", b"x\n"), ("b", b"y\n")]}
    body = [
        {"algorithm": "sha256", "digest": sha["a"], "name": "a.csv"},
        {"algorithm": "sha256", "digest": sha["b"], "name": "sub/b.csv"},
    ]
    expected = hashlib.sha256(json.dumps(body, separators=(",", ":")).encode()).hexdigest()
    assert content_digest(tmp_path / "d") == f"sha256:{expected}"
    # Registries approved before the model-signing shape hold this form; it still matches.
    legacy_body = [
        {"digest": f"sha256:{sha['a']}", "name": "a.csv", "size": 2},
        {"digest": f"sha256:{sha['b']}", "name": "sub/b.csv", "size": 2},
    ]
    legacy = hashlib.sha256(json.dumps(legacy_body, separators=(",", ":")).encode()).hexdigest()
    measured = measure(tmp_path / "d")
    assert measured.legacy == f"sha256:{legacy}"
    assert measured.matches(f"sha256:{legacy}") and measured.matches(f"sha256:{expected}")
    assert not measured.matches("sha256:" + "0" * 64)


def test_dataset_and_model_manifests_list_the_same_resources(tmp_path: Path) -> None:
    data = write_shards(tmp_path / "d", shards=3)
    (data / "nested").mkdir()
    (data / "nested" / "extra.csv").write_text("z\n")
    statement = build_manifest(data).to_statement()
    assert manifest_of(data).to_json()["resources"] == statement["predicate"]["resources"]


def test_creation_order_and_worker_count_do_not_matter(tmp_path: Path) -> None:
    first = write_shards(tmp_path / "one", shards=6)
    second = tmp_path / "two"
    second.mkdir()
    for path in sorted(first.iterdir(), reverse=True):
        shutil.copyfile(path, second / path.name)
    assert content_digest(first, workers=1) == content_digest(second, workers=4)


def test_rename_tamper_add_and_remove_change_the_digest(tmp_path: Path) -> None:
    shards = write_shards(tmp_path / "d")
    original = content_digest(shards)
    (shards / "part-00001.csv").rename(shards / "part-00009.csv")
    renamed = content_digest(shards)
    (shards / "part-00009.csv").rename(shards / "part-00001.csv")
    assert content_digest(shards) == original
    with (shards / "part-00000.csv").open("a") as handle:
        handle.write("c1,1,1\n")
    tampered = content_digest(shards)
    assert len({original, renamed, tampered}) == 3


def test_symlinks_are_recorded_not_followed(tmp_path: Path) -> None:
    (tmp_path / "outside.csv").write_text("secret\n")
    data = write_shards(tmp_path / "d", shards=1)
    before = content_digest(data)
    (data / "link.csv").symlink_to(tmp_path / "outside.csv")
    manifest = manifest_of(data)
    assert [r.name for r in manifest.resources] == ["link.csv", "part-00000.csv"]
    target = str(tmp_path / "outside.csv").encode()
    assert manifest.resources[0].to_json() == {
        "name": "link.csv", "algorithm": "symlink-sha256",
        "digest": hashlib.sha256(target).hexdigest(),
    }  # fmt: skip
    assert manifest.digest != before
    (tmp_path / "outside.csv").write_text("changed\n")
    assert manifest_of(data).digest == manifest.digest


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z]{1,6}\.csv", fullmatch=True), st.binary(max_size=64),
                       min_size=1, max_size=6), st.permutations(range(6)))  # fmt: skip
def test_digest_is_independent_of_write_order(files: dict[str, bytes], order: list[int]) -> None:
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
        names = sorted(files)
        for name in names:
            (Path(one) / name).write_bytes(files[name])
        for index in order:
            if index < len(names):
                (Path(two) / names[index]).write_bytes(files[names[index]])
        assert content_digest(Path(one)) == content_digest(Path(two))
