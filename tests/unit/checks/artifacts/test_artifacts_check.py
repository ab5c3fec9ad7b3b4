"""The artifacts check end to end in-process: exact findings, isolation, configuration."""

from __future__ import annotations

from datetime import date
from importlib.metadata import entry_points
from pathlib import Path

from builders import archives as zb
from builders import benign_pickles as bp
from builders import pickles as pk
from corpus.artifacts.container_cases import seven_zip
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


def test_is_registered_under_its_entry_point() -> None:
    (point,) = [p for p in entry_points(group="mlgate.checks") if p.name == "artifacts"]
    assert point.value == "mlgate.checks.artifacts:ArtifactsCheck"


def test_payload_in_torch_zip_names_member_and_opcode_offset(tmp_path: Path) -> None:
    (tmp_path / "model.pt").write_bytes(zb.torch_zip(pk.call_global("os", "system")))
    (tmp_path / "clean.pt").write_bytes(zb.torch_zip(bp.torch_state_dict(2), storages=2))
    result = _run(tmp_path)
    assert _summary(result) == [("ART002", "model.pt", "archive/data.pkl", 2)]
    assert (
        result.findings[0].message
        == "pickle imports os.system, which runs shell commands and touches the file system"
    )
    assert (result.inputs, result.errors) == (2, ())


def test_not_allowlisted_global_is_art001_and_allow_globals_admits_it(tmp_path: Path) -> None:
    (tmp_path / "m.pkl").write_bytes(bp.estimator("mypkg.models", "Net", proto=2))
    assert _summary(_run(tmp_path)) == [("ART001", "m.pkl", None, 2)]
    assert _run(tmp_path, allow_globals=["mypkg.models.Net"]).findings == ()


def test_computed_and_extension_globals(tmp_path: Path) -> None:
    (tmp_path / "a.pkl").write_bytes(pk.computed_global())
    (tmp_path / "b.pkl").write_bytes(pk.extension_payload())
    assert _summary(_run(tmp_path)) == [
        ("ART003", "a.pkl", None, 30),
        ("ART002", "b.pkl", None, 2),
        ("ART002", "b.pkl", None, 42),
    ]


def test_zip_tricks_are_reported_and_still_scanned(tmp_path: Path) -> None:
    payload = pk.call_global("os", "system")
    member = zb.Member(
        name="archive/data.pkl", data=payload, central_name="archive/x", bad_crc=True
    )
    (tmp_path / "m.pt").write_bytes(zb.make_zip([member]))
    assert _summary(_run(tmp_path)) == [
        ("ART030", "m.pt", "archive/x", 0),
        ("ART030", "m.pt", "archive/x", 0),
        ("ART002", "m.pt", "archive/x", 2),
    ]


def test_extension_mismatch_and_trailing_data(tmp_path: Path) -> None:
    benign = pk.call_global("collections", "OrderedDict")
    (tmp_path / "w.safetensors").write_bytes(benign + b"\x00\x00")
    assert _summary(_run(tmp_path)) == [
        ("ART020", "w.safetensors", None, 0),
        ("ART011", "w.safetensors", None, len(benign)),
    ]


def test_compressed_joblib_payload_names_the_decompressed_stream(tmp_path: Path) -> None:
    (tmp_path / "m.joblib").write_bytes(zb.compress(pk.call_global("os", "system"), "gzip"))
    assert _summary(_run(tmp_path)) == [("ART002", "m.joblib", "<gzip>", 2)]


def test_npy_object_array_offsets_are_relative_to_the_member(tmp_path: Path) -> None:
    data = zb.npy("|O", (1,), pk.call_global("os", "system", proto=3))
    (tmp_path / "x.npz").write_bytes(zb.make_zip([zb.Member(name="arr_0.npy", data=data)]))
    assert _summary(_run(tmp_path)) == [("ART002", "x.npz", "arr_0.npy", 130)]


def test_one_hostile_file_never_stops_the_scan(tmp_path: Path) -> None:
    (tmp_path / "bomb.pkl").write_bytes(zb.compress(bytes(300 * 1024 * 1024), "zlib"))
    (tmp_path / "z.pkl").write_bytes(pk.call_global("os", "system"))
    result = _run(tmp_path)
    assert _summary(result) == [("ART040", "bomb.pkl", None, None), ("ART002", "z.pkl", None, 2)]
    (error,) = result.errors
    assert error.startswith("bomb.pkl: compression ratio: limit 200, reached 20")


def test_more_pickles_than_allowed_is_an_error(tmp_path: Path) -> None:
    one = pk.call_global("collections", "OrderedDict")
    (tmp_path / "many.pkl").write_bytes(one * 4)
    (tmp_path / "few.pkl").write_bytes(one * 2)
    result = _run(tmp_path, max_pickles=3)
    assert _summary(result) == [("ART040", "many.pkl", None, 3 * len(one))]
    assert result.errors == ("many.pkl: pickles per stream: limit 3, reached 4",)


def test_unsupported_container_is_an_error_not_a_pass(tmp_path: Path) -> None:
    (tmp_path / "m.7z").write_bytes(b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(32))
    result = _run(tmp_path)
    assert _summary(result) == [("ART041", "m.7z", None, None)]
    assert len(result.errors) == 1


def test_plain_files_are_not_artifacts(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# hi\n")
    assert (_run(tmp_path).inputs, _run(tmp_path).findings) == (0, ())


def _torchscript(data_pkl: bytes, *, code: bool = True) -> bytes:
    members = [
        zb.Member(name="archive/data.pkl", data=data_pkl),
        zb.Member(name="archive/constants.pkl", data=b"\x80\x02)."),
    ]
    if code:
        members.append(zb.Member(name="archive/code/__torch__/net.py", data=b"class Net: ...\n"))
    return zb.make_zip(members)


def test_torchscript_classes_pass_only_inside_a_torchscript_archive(tmp_path: Path) -> None:
    scripted = pk.call_global("__torch__.net", "Net")
    (tmp_path / "scripted.pt").write_bytes(_torchscript(scripted))
    (tmp_path / "plain.pt").write_bytes(_torchscript(scripted, code=False))
    result = _run(tmp_path)
    assert _summary(result) == [("ART001", "plain.pt", "archive/data.pkl", 2)]
    assert [s.path for s in result.skipped] == ["scripted.pt!archive/code/"]


def test_payloads_inside_torchscript_archives_still_block(tmp_path: Path) -> None:
    (tmp_path / "scripted.pt").write_bytes(_torchscript(pk.call_global("os", "system")))
    assert _summary(_run(tmp_path)) == [("ART002", "scripted.pt", "archive/data.pkl", 2)]


def test_torchscript_globals_need_the_torch_allowlist(tmp_path: Path) -> None:
    (tmp_path / "scripted.pt").write_bytes(_torchscript(pk.call_global("__torch__.net", "Net")))
    result = _run(tmp_path, frameworks=["python"])
    assert _summary(result) == [("ART001", "scripted.pt", "archive/data.pkl", 2)]


def test_7z_members_are_scanned_and_a_broken_7z_stays_its_own_error(tmp_path: Path) -> None:
    payload = seven_zip({"README.txt": b"weights\n", "blob.dat": pk.call_global("os", "system")})
    (tmp_path / "a.7z").write_bytes(payload)
    (tmp_path / "b.7z").write_bytes(payload[:40])
    (tmp_path / "c.pkl").write_bytes(pk.call_global("os", "system"))
    result = _run(tmp_path)
    assert _summary(result) == [
        ("ART002", "a.7z", "blob.dat", 2),
        ("ART041", "b.7z", None, None),
        ("ART002", "c.pkl", None, 2),
    ]
    (error,) = result.errors
    assert error.startswith("b.7z: corrupt or unsupported 7z archive")


def test_7z_bomb_is_a_resource_limit(tmp_path: Path) -> None:
    (tmp_path / "bomb.7z").write_bytes(seven_zip({"zeros.bin": bytes(40 * 1024 * 1024)}))
    result = _run(tmp_path)
    assert _summary(result) == [("ART040", "bomb.7z", None, None)]
    assert result.errors[0].startswith("bomb.7z: compression ratio: limit 200")
