"""The artifacts check end to end in-process: exact findings, isolation, configuration."""

from __future__ import annotations

from datetime import date
from importlib.metadata import entry_points
from pathlib import Path

from builders import archives as zb
from builders import benign_pickles as bp
from builders import pickles as pk
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


def test_unsupported_container_is_an_error_not_a_pass(tmp_path: Path) -> None:
    (tmp_path / "m.7z").write_bytes(b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(32))
    result = _run(tmp_path)
    assert _summary(result) == [("ART041", "m.7z", None, None)]
    assert len(result.errors) == 1


def test_plain_files_are_not_artifacts(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# hi\n")
    assert (_run(tmp_path).inputs, _run(tmp_path).findings) == (0, ())
