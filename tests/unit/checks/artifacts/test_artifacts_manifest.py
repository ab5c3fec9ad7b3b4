"""Digest manifests in the model-signing v1.0 shape and ``mlgate artifacts verify``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from mlgate.checks.artifacts.manifest import (
    ManifestError,
    build_manifest,
    compare,
    parse_manifest,
)
from mlgate.cli.app import main


def _model(root: Path) -> Path:
    (root / "model").mkdir()
    (root / "model" / "weights").mkdir()
    (root / "model" / "config.json").write_bytes(b"{}")
    (root / "model" / "weights" / "a.safetensors").write_bytes(b"A" * 5000)
    (root / "model" / "model.sig").write_bytes(b"signature")
    return root / "model"


def test_statement_has_the_model_signing_shape_and_root_digest(tmp_path: Path) -> None:
    manifest = build_manifest(_model(tmp_path), ignore=("model.sig",), workers=2)
    statement = manifest.to_statement()
    sha_config = hashlib.sha256(b"{}").hexdigest()
    sha_weights = hashlib.sha256(b"A" * 5000).hexdigest()
    root = hashlib.sha256(bytes.fromhex(sha_config) + bytes.fromhex(sha_weights)).hexdigest()
    assert statement == {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "model", "digest": {"sha256": root}}],
        "predicateType": "https://model_signing/signature/v1.0",
        "predicate": {
            "serialization": {
                "method": "files",
                "hash_type": "sha256",
                "allow_symlinks": False,
                "ignore_paths": ["model.sig"],
            },
            "resources": [
                {"name": "config.json", "algorithm": "sha256", "digest": sha_config},
                {"name": "weights/a.safetensors", "algorithm": "sha256", "digest": sha_weights},
            ],
        },
    }
    assert parse_manifest(json.dumps(statement).encode()) == manifest


def test_compare_lists_missing_unexpected_and_changed(tmp_path: Path) -> None:
    root = _model(tmp_path)
    before = build_manifest(root)
    (root / "config.json").write_bytes(b'{"x": 1}')
    (root / "weights" / "a.safetensors").unlink()
    (root / "extra.pkl").write_bytes(b"\x80\x04N.")
    diff = compare(before, build_manifest(root))
    assert (diff.missing, diff.unexpected, diff.changed) == (
        ("weights/a.safetensors",),
        ("extra.pkl",),
        ("config.json",),
    )
    assert not diff.matches


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s["subject"][0]["digest"].update(sha256="00" * 32), "manifest is inconsistent"),
        (lambda s: s.update(predicateType="x"), "predicate type 'x'"),
        (lambda s: s["predicate"]["serialization"].update(method="shards"), "serialization"),
        (lambda s: s["predicate"]["resources"][0].update(digest="zz"), "non-hexadecimal"),
    ],
)
def test_bad_manifests_are_input_errors(tmp_path: Path, mutate: object, message: str) -> None:
    statement = build_manifest(_model(tmp_path)).to_statement()
    assert callable(mutate)
    mutate(statement)
    with pytest.raises(ManifestError, match=message) as raised:
        parse_manifest(json.dumps(statement).encode())
    assert raised.value.exit_code == 2


def test_cli_manifest_then_verify_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _model(tmp_path)
    manifest = tmp_path / "manifest.json"
    args = ["artifacts", "manifest", str(root), "-o", str(manifest), "--ignore", "model.sig"]
    assert main(args) == 0
    assert main(["artifacts", "verify", str(root), "--manifest", str(manifest)]) == 0
    assert capsys.readouterr().out.endswith(f"{root}: 2 files match {manifest}\n")
    (root / "config.json").write_bytes(b"[]")
    (root / "new.bin").write_bytes(b"x")
    assert main(["artifacts", "verify", str(root), "--manifest", str(manifest)]) == 1
    assert capsys.readouterr().out == "unexpected: new.bin\nchanged: config.json\n"
    assert main(["artifacts", "verify", str(root), "--manifest", str(tmp_path / "no")]) == 2
    assert main(["artifacts", "verify", str(tmp_path / "nodir"), "--manifest", str(manifest)]) == 2
    manifest.write_text("not json")
    assert main(["artifacts", "verify", str(root), "--manifest", str(manifest)]) == 2
    assert "not a model-signing v1.0 manifest" in capsys.readouterr().err
