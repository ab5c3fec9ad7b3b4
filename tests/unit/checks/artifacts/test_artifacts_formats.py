"""Format rules of the artifacts check: exact findings, skipped inputs, errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from builders import archives as zb
from builders import benign_pickles as bp
from builders import model_formats as mf
from builders import pickles as pk
from corpus.artifacts import keras_h5 as kh
from corpus.artifacts import tf_graphs as tg
from mlgate.checks.artifacts import ArtifactsCheck, ArtifactsConfig
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.finding import ArtifactLocation


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


def test_saved_model_python_and_file_ops_are_found_in_graph_and_library(tmp_path: Path) -> None:
    data = tg.saved_model(
        nodes=(*tg.BENIGN_NODES, ("leak", "ReadFile")),
        functions={**tg.BENIGN_FUNCTIONS, "__inference_hook_5": (("cb", "EagerPyFunc"),)},
    )
    model = tmp_path / "export" / "1"
    model.mkdir(parents=True)
    (model / "saved_model.pb").write_bytes(data)
    result = _run(tmp_path)
    leak = data.index(tg.node_def("leak", "ReadFile")) - 2
    hook = data.index(tg.node_def("cb", "EagerPyFunc")) - 2
    assert _summary(result) == [
        ("ART091", "export/1/saved_model.pb", None, leak),
        ("ART090", "export/1/saved_model.pb", None, hook),
    ]
    assert result.findings[1].message == (
        "EagerPyFunc at node 'cb' of function '__inference_hook_5' calls back into Python"
    )
    assert (result.errors, result.skipped, result.inputs) == ((), (), 1)


def test_ordinary_saved_model_is_quiet(tmp_path: Path) -> None:
    data = tg.saved_model(nodes=tg.BENIGN_NODES, functions=tg.BENIGN_FUNCTIONS)
    (tmp_path / "saved_model.pb").write_bytes(data)
    result = _run(tmp_path)
    assert (result.findings, result.errors, result.inputs) == ((), (), 1)


def test_saved_model_inside_an_archive_is_read_by_its_name(tmp_path: Path) -> None:
    data = tg.saved_model(nodes=(("w", "WriteFile"),))
    archive = zb.make_zip([zb.Member(name="model/saved_model.pb", data=data, deflate=True)])
    (tmp_path / "bundle.zip").write_bytes(archive)
    offset = data.index(tg.node_def("w", "WriteFile")) - 2
    assert _summary(_run(tmp_path)) == [("ART091", "bundle.zip", "model/saved_model.pb", offset)]


def test_unreadable_saved_model_is_an_error_not_a_pass(tmp_path: Path) -> None:
    (tmp_path / "saved_model.pb").write_bytes(b"\x08\x01\x12\x7f\x00")
    result = _run(tmp_path)
    assert _summary(result) == [("ART041", "saved_model.pb", None, None)]
    assert len(result.errors) == 1


def test_legacy_keras_h5_lambda_and_foreign_objects_are_found(tmp_path: Path) -> None:
    layers = [kh.legacy_layer("Dense", "d"), kh.legacy_lambda()]
    training = {"loss": {"module": "evil_losses", "class_name": "Steal", "config": {}}}
    (tmp_path / "model.h5").write_bytes(kh.keras_h5(layers, training=training))
    result = _run(tmp_path)
    assert _summary(result) == [
        ("ART060", "model.h5", None, None),
        ("ART061", "model.h5", None, None),
    ]
    assert [f.message for f in result.findings] == [
        "Keras Lambda layer at $.config.layers[1]: its bytecode runs when loaded",
        "Keras training_config at $.loss names evil_losses.Steal (module)",
    ]
    assert (result.errors, result.skipped, result.inputs) == ((), (), 1)


def test_clean_keras_h5_and_weights_only_h5_are_quiet(tmp_path: Path) -> None:
    (tmp_path / "model.h5").write_bytes(kh.keras_h5([kh.legacy_layer("Dense", "d")]))
    (tmp_path / "weights.h5").write_bytes(kh.weights_only_h5())
    result = _run(tmp_path)
    assert (result.findings, result.errors, result.skipped, result.inputs) == ((), (), (), 2)


def test_keras_h5_behind_a_large_user_block_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "model.h5").write_bytes(kh.keras_h5([kh.legacy_lambda()], userblock=8192))
    assert _summary(_run(tmp_path)) == [("ART060", "model.h5", None, None)]


def test_unreadable_h5_and_dense_attributes_are_errors_not_passes(tmp_path: Path) -> None:
    (tmp_path / "broken.h5").write_bytes(b"\x89HDF\r\n\x1a\n\x09" + bytes(64))
    (tmp_path / "dense.h5").write_bytes(kh.many_attributes_h5())
    result = _run(tmp_path)
    assert _summary(result) == [
        ("ART041", "broken.h5", None, None),
        ("ART041", "dense.h5", None, None),
    ]
    assert result.errors == (
        "broken.h5: HDF5 unreadable: unsupported superblock version 9",
        "dense.h5: HDF5 root attributes in dense storage are not read",
    )


def test_text_saved_model_is_inspected_too(tmp_path: Path) -> None:
    text = 'meta_graphs { graph_def { node { name: "cb" op: "EagerPy\\x46unc" } } }\n'
    (tmp_path / "saved_model.pbtxt").write_text(text)
    result = _run(tmp_path)
    assert _summary(result) == [("ART090", "saved_model.pbtxt", None, text.index("op:"))]


def test_keras_saved_model_metadata_revives_lambda_layers(tmp_path: Path) -> None:
    dense, lam = kh.legacy_layer("Dense", "d"), kh.legacy_lambda()
    model = {"class_name": "Sequential", "config": {"name": "seq", "layers": [dense, lam]}}
    data = tg.keras_metadata(
        [("root", "_tf_keras_sequential", model), ("root.layer-1", "_tf_keras_layer", lam)]
    )
    (tmp_path / "keras_metadata.pb").write_bytes(data)
    (tmp_path / "clean").mkdir()
    clean = tg.keras_metadata([("root", "_tf_keras_layer", dense)])
    (tmp_path / "clean" / "keras_metadata.pb").write_bytes(clean)
    result = _run(tmp_path)
    assert _summary(result) == [
        ("ART060", "keras_metadata.pb", None, None),
        ("ART060", "keras_metadata.pb", None, None),
    ]
    assert [f.message for f in result.findings] == [
        "Keras Lambda layer at $.config.layers[1]: its bytecode runs when loaded",
        "Keras Lambda layer at $: its bytecode runs when loaded",
    ]
    assert (result.errors, result.inputs) == ((), 2)


def test_bytes_after_a_zip_end_record_are_trailing_data_and_scanned(tmp_path: Path) -> None:
    checkpoint = zb.torch_zip(bp.torch_state_dict(), storages=2)
    (tmp_path / "padded.pt").write_bytes(checkpoint + bytes(16))
    payload = pk.call_global("os", "system", "true")
    (tmp_path / "appended.pt").write_bytes(checkpoint + payload)
    (tmp_path / "clean.pt").write_bytes(checkpoint)
    result = _run(tmp_path)
    assert sorted(_summary(result)) == [
        ("ART002", "appended.pt", "<trailing>", 2),
        ("ART011", "appended.pt", None, len(checkpoint)),
        ("ART011", "padded.pt", None, len(checkpoint)),
    ]
    trailing = [f for f in result.findings if f.rule_id == "ART011"]
    assert {f.message for f in trailing} == {
        "16 bytes follow the zip's end-of-central-directory record",
        f"{len(payload)} bytes follow the zip's end-of-central-directory record",
    }
    assert result.errors == ()
