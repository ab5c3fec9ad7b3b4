"""Format rules of the artifacts check: exact findings, skipped inputs, errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from builders import archives as zb
from builders import model_formats as mf
from mlgate.checks.artifacts import ArtifactsCheck, ArtifactsConfig
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.finding import ArtifactLocation, SkippedInput


def _run(root: Path, **options: object) -> CheckResult:
    ctx = CheckContext(root=root, gate="pre-deploy", today=date(2026, 1, 1))
    return ArtifactsCheck().run(ctx, ArtifactsConfig.model_validate(options))


def _summary(result: CheckResult) -> list[tuple[str, str, str | None, int | None]]:
    rows = []
    for finding in result.findings:
        location = finding.location
        assert isinstance(location, ArtifactLocation)
        rows.append((finding.rule_id, location.path, location.member, location.offset))
    return rows


def test_safetensors_overlap_is_art050_and_a_clean_file_is_quiet(tmp_path: Path) -> None:
    overlap = {"w": ("F32", [2], [0, 8]), "b": ("F32", [2], [4, 12])}
    (tmp_path / "bad.safetensors").write_bytes(mf.safetensors_file(overlap))
    (tmp_path / "ok.safetensors").write_bytes(zb.safetensors({"format": "pt"}))
    result = _run(tmp_path)
    assert _summary(result) == [("ART050", "bad.safetensors", None, 8)]
    assert result.findings[0].message == (
        "safetensors overlap at 'b': starts at 4, inside the previous tensor (ends 8)"
    )


def test_keras_lambda_and_foreign_module(tmp_path: Path) -> None:
    layers = [
        mf.keras_layer("Dense", "dense"),
        mf.lambda_layer(),
        mf.keras_layer("Dense", "x", module="evil.layers"),
    ]
    (tmp_path / "model.keras").write_bytes(mf.keras_archive(layers))
    (tmp_path / "clean.keras").write_bytes(mf.keras_archive([mf.keras_layer("Dense", "d")]))
    result = _run(tmp_path)
    assert _summary(result) == [
        ("ART060", "model.keras", "config.json", None),
        ("ART061", "model.keras", "config.json", None),
    ]
    assert (result.skipped, result.errors) == ((), ())


def _entry_offset(data: bytes, location: str) -> int:
    # tag + length of the external_data entry, then "location" key field, then tag + length.
    return data.index(location.encode()) - 14


def test_onnx_custom_domain_and_escaping_external_data(tmp_path: Path) -> None:
    data = mf.onnx_model(
        opsets=(("", 17), ("com.evil", 1)),
        nodes=(mf.OnnxNode("Pwn", "com.evil"),),
        external=("../../etc/passwd", "weights.bin", "C:\\\\x.bin"),
    )
    (tmp_path / "model.onnx").write_bytes(data)
    assert _summary(_run(tmp_path)) == [
        ("ART070", "model.onnx", None, data.rindex(b"com.evil") - 4),
        ("ART071", "model.onnx", None, _entry_offset(data, "../../etc/passwd")),
        ("ART071", "model.onnx", None, _entry_offset(data, "C:\\\\x.bin")),
    ]
    assert _summary(_run(tmp_path, onnx_domains=["ai.onnx", "com.evil"]))[0][0] == "ART071"


def test_onnx_inside_a_zip_gets_member_relative_offsets(tmp_path: Path) -> None:
    data = mf.onnx_model(opsets=(("", 17), ("custom.ops", 1)))
    (tmp_path / "bundle.zip").write_bytes(
        zb.make_zip([zb.Member(name="readme.txt", data=b"hi"), zb.Member(name="m.onnx", data=data)])
    )
    assert _summary(_run(tmp_path)) == [
        ("ART070", "bundle.zip", "m.onnx", data.rindex(b"custom.ops") - 4)
    ]


def test_gguf_chat_template_injection_is_critical(tmp_path: Path) -> None:
    template = "{{ cycler.__init__.__globals__.os.popen('true').read() }}"
    data = mf.gguf_file({"tokenizer.chat_template": template})
    (tmp_path / "model.gguf").write_bytes(data)
    (tmp_path / "ok.gguf").write_bytes(
        mf.gguf_file({"tokenizer.chat_template": mf.LLAMA3_TEMPLATE})
    )
    result = _run(tmp_path)
    offset = data.index(b"\x17\x00\x00\x00\x00\x00\x00\x00tokenizer.chat")
    assert _summary(result) == [("ART080", "model.gguf", None, offset)]
    assert result.findings[0].evidence == "cycler, __init__, __globals__, os, popen"


def test_truncated_gguf_is_an_error_not_a_pass(tmp_path: Path) -> None:
    (tmp_path / "model.gguf").write_bytes(mf.gguf_file({"a": "b"})[:-4])
    result = _run(tmp_path)
    assert _summary(result) == [("ART041", "model.gguf", None, None)]
    assert result.errors == (
        "model.gguf: GGUF metadata unreadable: metadata runs past the end of the file at 256",
    )


def test_hdf5_and_saved_model_are_skipped_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "legacy.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64))
    (tmp_path / "saved_model.pb").write_bytes(b"\x08\x01\x12\x00")
    result = _run(tmp_path)
    assert (result.findings, result.inputs) == ((), 1)
    assert [s.path for s in result.skipped] == ["legacy.h5", "saved_model.pb"]
    assert result.skipped[1] == SkippedInput(
        path="saved_model.pb",
        reason="TensorFlow SavedModel graphs are recognised but not inspected yet "
        "(PyFunc, file I/O ops)",
    )
